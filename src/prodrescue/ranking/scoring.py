"""Score candidates from named factors, link causes to the symptoms they explain, order them.

Score = weighted mean of these factors (each 0-1, higher = more likely the
root cause):

========== ====== ==========================================================
factor     weight meaning
========== ====== ==========================================================
rule_match 0.27   how fully the rule's conditions held and how many events
anomaly    0.13   anomaly score of its most unusual template (scoring.anomaly)
onset      0.18   0.8 to the power of its rank in onset order (first = 1)
severity   0.14   the rule's severity, or the worst level of the template
role       0.18   root-cause 1, symptom 0.45, impact and unrecognized 0.3
change     0.10   began soon after a deploy or config change (1 = at once)
========== ====== ==========================================================

A cause whose category is in the ``explains`` list of a cause that began no
later (and at most a day earlier) becomes that cause's symptom. So does an
unrecognized error that began after an unexplained root cause. A symptom
that scores at or above its cause is capped just below it. A factor named
``explained`` (weight 0) records the cap, so the score of such a symptom is
below the weighted mean of its factors.
"""

from __future__ import annotations

__all__ = ["FACTOR_WEIGHTS", "rank_candidates"]

from prodrescue.context import ServiceContext
from prodrescue.model import Role, Severity
from prodrescue.ranking.candidates import Candidate, ChangeMarker
from prodrescue.rules.conditions import format_seconds
from prodrescue.scoring import AnomalyScores

FACTOR_WEIGHTS = {
    "rule_match": 0.27,
    "anomaly": 0.13,
    "onset": 0.18,
    "severity": 0.14,
    "role": 0.18,
    "change": 0.10,
}
_SEVERITY_VALUES = {
    Severity.INFO: 0.2,
    Severity.LOW: 0.4,
    Severity.MEDIUM: 0.6,
    Severity.HIGH: 0.8,
    Severity.CRITICAL: 1.0,
}
_ROLE_VALUES = {
    Role.ROOT_CAUSE: 1.0,
    Role.SYMPTOM: 0.45,
    Role.IMPACT: 0.3,
    Role.UNRECOGNIZED: 0.3,
}
_ONSET_DECAY = 0.8
# Gap kept between a symptom's score and the cause that explains it.
_SYMPTOM_GAP = 0.01
# A cause explains an effect that began at most this long after it (a leak can
# take hours to exhaust a pool), and at most a second before it.
_EXPLAIN_WINDOW_SECONDS = 24 * 3600.0
# A change logged in another file than the cause counts only this close before it.
_OTHER_SOURCE_CHANGE_WINDOW = 600.0
_CLOCK_TOLERANCE_SECONDS = 1.0


def rank_candidates(
    candidates: list[Candidate],
    scores: AnomalyScores,
    changes: list[ChangeMarker],
    change_window: float,
    context: ServiceContext | None = None,
) -> list[Candidate]:
    """Score, link and order the candidates, and return them best first.

    With a service ``context``, each candidate gets the service of its onset's
    log, and a failure of a service explains those of the services that
    depend on it.
    """
    by_onset = sorted(candidates, key=lambda candidate: candidate.onset.ordinal)
    onset_ranks = _onset_ranks(by_onset)
    for candidate in candidates:
        _attach_change(candidate, changes, change_window)
        _score(candidate, scores, onset_ranks[id(candidate)], len(candidates))
        if context is not None:
            candidate.service = context.service_of(candidate.onset.source, candidate.onset.stream)
    _link_explanations(by_onset, context)
    _cap_symptoms(by_onset)
    return sorted(candidates, key=lambda candidate: (-candidate.score, candidate.onset.ordinal, candidate.id))


def _onset_ranks(by_onset: list[Candidate]) -> dict[int, int]:
    ranks: dict[int, int] = {}
    rank = -1
    previous = None
    for candidate in by_onset:
        if candidate.onset.ordinal != previous:
            rank += 1
            previous = candidate.onset.ordinal
        ranks[id(candidate)] = rank
    return ranks


def _attach_change(candidate: Candidate, changes: list[ChangeMarker], window: float) -> None:
    """Attach the last change that plausibly preceded the candidate's onset.

    A change in the same file counts up to ``window`` seconds before the onset
    (or by line order when either has no timestamp). A change in another file
    must have a timestamp and come at most ``_OTHER_SOURCE_CHANGE_WINDOW``
    before the onset, because files merged by line order say nothing about
    time, and a reload of one service rarely explains another's errors hours
    later.
    """
    onset = candidate.onset
    for marker in reversed(changes):
        if marker.event.ordinal > onset.ordinal:
            continue
        gap = _gap(marker, candidate)
        same_source = marker.event.source == onset.source
        if gap is None:
            if same_source:
                candidate.change, candidate.change_gap = marker, None
                return
            continue
        limit = window if same_source else min(window, _OTHER_SOURCE_CHANGE_WINDOW)
        if 0 <= gap <= limit:
            candidate.change, candidate.change_gap = marker, gap
            return
        if gap > window:
            return  # changes further back are older still


def _gap(marker: ChangeMarker, candidate: Candidate) -> float | None:
    if marker.event.timestamp is None or candidate.onset.timestamp is None:
        return None
    return (candidate.onset.timestamp - marker.event.timestamp).total_seconds()


def _score(candidate: Candidate, scores: AnomalyScores, onset_rank: int, total: int) -> None:
    anomaly, anomaly_detail = _anomaly(candidate, scores)
    severity = _severity_value(candidate)
    change_value, change_detail = _change_value(candidate)
    position = "1st" if onset_rank == 0 else f"#{onset_rank + 1}"
    factors = [
        ("rule_match", candidate.strength, candidate.strength_detail or "no rule matched"),
        ("anomaly", anomaly, anomaly_detail),
        ("onset", _ONSET_DECAY**onset_rank, f"began {position} of {total} candidate causes"),
        ("severity", severity, candidate.severity.value),
        ("role", _ROLE_VALUES[candidate.role], candidate.role.value),
        ("change", change_value, change_detail),
    ]
    candidate.factors = [(name, value, FACTOR_WEIGHTS[name], detail) for name, value, detail in factors]
    candidate.score = sum(value * weight for _, value, weight, _ in candidate.factors)


def _anomaly(candidate: Candidate, scores: AnomalyScores) -> tuple[float, str]:
    if not candidate.template_rows:
        return 0.0, "no template statistics"
    row = max(candidate.template_rows, key=lambda r: scores.score[r])
    parts = scores.factors(row)
    detail = ", ".join(f"{name} {value:.2f}" for name, value in parts.items())
    return float(scores.score[row]), f"most unusual template: {detail} (on {scores.axis})"


def _severity_value(candidate: Candidate) -> float:
    return _SEVERITY_VALUES[candidate.severity]


def _change_value(candidate: Candidate) -> tuple[float, str]:
    marker = candidate.change
    if marker is None:
        return 0.0, "no deploy or config change before it"
    where = f"{marker.event.source}:{marker.event.first_line}"
    if candidate.change_gap is None:
        return 0.5, f"follows '{marker.rule.title}' at {where} (no timestamps to measure the gap)"
    # 1 right after the change, 0.5 at 30 minutes, and lower after that.
    value = 1.0 / (1.0 + candidate.change_gap / 1800.0)
    return value, f"began {format_seconds(candidate.change_gap)} after '{marker.rule.title}' at {where}"


def _link_explanations(by_onset: list[Candidate], context: ServiceContext | None = None) -> None:
    """Make each candidate the symptom of the best-scoring candidate that explains it and began no later."""
    for index, candidate in enumerate(by_onset):
        explainers = [
            other
            for other in by_onset[:index]
            if other.explained_by is not candidate
            and _began_before(other, candidate)
            and (
                (
                    other.rule is not None
                    and (
                        candidate.category in other.rule.explains
                        or _same_failure(other, candidate)
                        or _covers_unrecognized(other, candidate)
                    )
                )
                or _dependency_chain(context, candidate, other) is not None
            )
        ]
        # A candidate later in the order may also explain it when the order says
        # nothing about time (both start on the same event, or neither has a
        # timestamp), or when both rules counted the same lines. If the two
        # explain each other, the one earlier in the order wins.
        explainers += [
            other
            for other in by_onset[index + 1 :]
            if (_order_unknown(other, candidate) or _same_events(other, candidate))
            and other.rule is not None
            and candidate.category in other.rule.explains
            and not (candidate.rule is not None and other.category in candidate.rule.explains)
        ]
        explainers = [other for other in explainers if not _explains_through(candidate, other)]
        if not explainers:
            continue
        best = max(explainers, key=lambda other: other.score)
        candidate.explained_by = best
        best.symptoms.append(candidate)
        chain = _dependency_chain(context, candidate, best)
        if chain is not None:
            detail = f"{' depends on '.join(chain)}, where '{best.id}' began no later"
            candidate.factors.append(("dependency", 0.0, 0.0, detail))


def _dependency_chain(
    context: ServiceContext | None, effect: Candidate, cause: Candidate
) -> list[str] | None:
    """Return the services from ``effect``'s service to ``cause``'s, when the first depends on the second."""
    if context is None or effect.service is None or cause.service is None or effect.service == cause.service:
        return None
    if cause.role is Role.IMPACT:
        return None  # an impact (an error rate) is a consequence, not a dependency's failure
    return context.path(effect.service, cause.service)


def _same_events(cause: Candidate, effect: Candidate) -> bool:
    """Return whether the effect's rule counted every template that the cause's rule counted.

    The effect then saw the cause's failure as part of its own, and the cause
    is the more specific diagnosis. Redis's "Write error saving DB on disk: No
    space left on device" is both a full disk and a failed save. When a paste
    starts with a save error whose disk error was cut off, the effect begins
    first, yet its own lines name the cause.
    """
    return bool(cause.per_cluster) and set(cause.per_cluster) <= set(effect.per_cluster)


def _order_unknown(first: Candidate, second: Candidate) -> bool:
    """Return whether the input cannot tell which of two candidates began first."""
    if first.onset.ordinal == second.onset.ordinal:
        return True
    return first.onset.timestamp is None and second.onset.timestamp is None


def _explains_through(cause: Candidate, other: Candidate) -> bool:
    """Return whether ``cause`` already explains ``other``, directly or down a chain."""
    current: Candidate | None = other
    while current is not None:
        if current is cause:
            return True
        current = current.explained_by
    return False


def _began_before(cause: Candidate, effect: Candidate) -> bool:
    """Return whether ``cause`` began no later than ``effect``, and not long before it.

    With timestamps on both, the cause must start at most a second after the
    effect (the clocks of two sources differ a little) and at most a day
    before it. Without them, input order decides.
    """
    start, later = cause.onset.timestamp, effect.onset.timestamp
    if start is None or later is None:
        return cause.onset.ordinal <= effect.onset.ordinal
    gap = (later - start).total_seconds()
    return -_CLOCK_TOLERANCE_SECONDS <= gap <= _EXPLAIN_WINDOW_SECONDS


def _same_failure(cause: Candidate, other: Candidate) -> bool:
    """Return whether ``other`` is a later view of the same failure as root cause ``cause``.

    Two rules of one category that fire in one incident usually see one
    failure from two sides (locks never released, then lock waits timing out),
    so the later one is listed under the earlier.
    """
    return cause.role is Role.ROOT_CAUSE and other.rule is not None and cause.category == other.category


def _covers_unrecognized(cause: Candidate, other: Candidate) -> bool:
    """Return whether ``other`` is an unrecognized error that starts after ``cause``.

    ``cause`` must be an unexplained root cause, which then lists ``other`` as
    its likely symptom.
    """
    return (
        other.role is Role.UNRECOGNIZED
        and cause.role is Role.ROOT_CAUSE
        and cause.explained_by is None
        and cause.onset.ordinal < other.onset.ordinal
    )


def _cap_symptoms(by_onset: list[Candidate]) -> None:
    """Keep every symptom below the cause that explains it, down whole chains."""
    for _ in range(len(by_onset)):
        changed = False
        for candidate in by_onset:
            explainer = candidate.explained_by
            if explainer is None or candidate.score < explainer.score:
                continue
            capped = max(explainer.score - _SYMPTOM_GAP, 0.0)
            candidate.factors.append(
                ("explained", 0.0, 0.0, f"capped from {candidate.score:.2f} to stay below '{explainer.id}'")
            )
            candidate.score = capped
            changed = True
        if not changed:
            return
