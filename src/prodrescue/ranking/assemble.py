"""Turn ranked candidates and rule results into the public :class:`Diagnosis` parts."""

from __future__ import annotations

__all__ = ["build_causes", "build_near_misses", "build_timeline"]

from datetime import datetime, timezone

from prodrescue.ingest.records import Event
from prodrescue.mining import Template
from prodrescue.model import (
    Action,
    Cause,
    Evidence,
    NearMiss,
    Risk,
    Role,
    ScoreFactor,
    TimelineEntry,
    TimelineKind,
)
from prodrescue.ranking.candidates import Candidate, ChangeMarker
from prodrescue.ranking.evidence import select_evidence, to_evidence
from prodrescue.rules.conditions import format_seconds
from prodrescue.rules.engine import RuleResult
from prodrescue.rules.placeholders import fill_placeholders
from prodrescue.rules.values import Value
from prodrescue.scoring import TemplateStats
from prodrescue.scoring.windows import Departure

_MAX_NEAR_MISSES = 10
_MAX_RELATED_ERRORS = 2
_MAX_TIMELINE_CHANGES = 20
_TIMELINE_TEXT_CHARS = 200
_RISK_ORDER = {Risk.SAFE: 0, Risk.CAUTION: 1, Risk.AVOID: 2}


# Characters of a template quoted in a summary; the evidence shows the whole line.
_MAX_SUMMARY_TEMPLATE_CHARS = 300


def build_causes(ranked: list[Candidate], templates: dict[int, Template]) -> tuple[Cause, ...]:
    """Convert ranked candidates into public causes, rank 1 first."""
    causes = []
    for rank, candidate in enumerate(ranked, 1):
        values = _placeholder_values(candidate)
        rule = candidate.rule
        evidence = select_evidence(
            candidate.evidence, candidate.per_cluster, templates, candidate.matched_lines
        )
        evidence += _related_errors(candidate, templates)
        change = None
        if candidate.change is not None:
            change = to_evidence(candidate.change.event, "change", templates)
            evidence.append(change)
        causes.append(
            Cause(
                rank=rank,
                id=candidate.id,
                rule_id=rule.id if rule else None,
                category=candidate.category,
                title=candidate.title,
                role=candidate.role,
                severity=candidate.severity,
                score=round(candidate.score, 3),
                factors=tuple(
                    ScoreFactor(name, round(value, 3), weight, detail)
                    for name, value, weight, detail in candidate.factors
                ),
                summary=_summary(candidate, values),
                # The onset event's own time, so that "first seen" and the onset
                # location always name the same line.
                first_seen=candidate.onset.timestamp or candidate.first_seen,
                last_seen=candidate.last_seen or candidate.onset.timestamp,
                onset=(candidate.onset.source, candidate.onset.first_line),
                count=candidate.count,
                evidence=tuple(evidence),
                symptoms=tuple(symptom.id for symptom in candidate.symptoms),
                explained_by=candidate.explained_by.id if candidate.explained_by else None,
                checks=tuple(_filled(rule.checks if rule else (), candidate, values)),
                actions=tuple(
                    sorted(_filled_actions(candidate, values), key=lambda action: _RISK_ORDER[action.risk])
                ),
                description=rule.description if rule else "",
                preceding_change=change,
            )
        )
    return tuple(causes)


def _related_errors(candidate: Candidate, templates: dict[int, Template]) -> list[Evidence]:
    """Return the first event of each unrecognized error or same-category symptom that this cause explains.

    An unrecognized error began after the cause and matches no rule, so it is
    often the most specific line of the incident (a crash loop's panic
    message). A symptom of the same category is the same failure seen from the
    other side (an expired certificate, then the verification that fails), so
    its first line belongs next to the cause's own.
    """
    related = []
    for symptom in candidate.symptoms:
        same_failure = symptom.role is Role.UNRECOGNIZED or symptom.category == candidate.category
        if same_failure and symptom.evidence:
            related.append(to_evidence(symptom.evidence[0][1], "related error", templates))
        if len(related) >= _MAX_RELATED_ERRORS:
            break
    return related


def _placeholder_values(candidate: Candidate) -> dict[str, Value | str]:
    values: dict[str, Value | str] = dict(candidate.extra)
    values["count"] = str(candidate.count)
    values["source"] = candidate.onset.source
    if candidate.first_seen is not None:
        values["first_seen"] = candidate.first_seen.isoformat()
    if candidate.last_seen is not None:
        values["last_seen"] = candidate.last_seen.isoformat()
    if candidate.change is not None:
        values["change"] = _one_line(candidate.change.event.message or candidate.change.event.lines[0], 120)
        if candidate.change_gap is not None:
            values["change_gap"] = format_seconds(candidate.change_gap)
    return values


def _summary(candidate: Candidate, values: dict[str, Value | str]) -> str:
    templates = candidate.rule.summary if candidate.rule else ()
    for template in templates:
        filled = fill_placeholders(template, candidate.summaries, values)
        if filled is not None:
            return filled
    noun = "event" if candidate.count == 1 else "events"
    if candidate.rule is None:
        template = str(values.get("template", ""))
        if len(template) > _MAX_SUMMARY_TEMPLATE_CHARS:
            template = template[: _MAX_SUMMARY_TEMPLATE_CHARS - 1] + "…"
        summary = (
            f"{candidate.count} {noun} of an error template that no rule covers began at "
            f"{candidate.onset.source}:{candidate.onset.first_line}: {template}"
        )
        baseline = values.get("baseline")
        return f"{summary} ({baseline})" if baseline else summary
    return f"{candidate.title}: {candidate.count} matching {noun} from {candidate.onset.source}."


def _filled(texts: tuple[str, ...], candidate: Candidate, values: dict[str, Value | str]) -> list[str]:
    filled = (fill_placeholders(text, candidate.summaries, values) for text in texts)
    return [text for text in filled if text is not None]


def _filled_actions(candidate: Candidate, values: dict[str, Value | str]) -> list[Action]:
    if candidate.rule is None:
        return []
    actions = []
    for action in candidate.rule.actions:
        text = fill_placeholders(action.text, candidate.summaries, values)
        if text is not None:
            actions.append(Action(action.risk, text))
    return actions


def build_timeline(
    causes: tuple[Cause, ...],
    ranked: list[Candidate],
    changes: list[ChangeMarker],
    first_error: Event | None,
    departure: tuple[float | None, TimelineEntry] | None = None,
) -> tuple[TimelineEntry, ...]:
    """Build the timeline in input order: the first error, up to 20 changes and each cause's onset.

    ``departure`` is the entry of the first window that departs from normal,
    with its event ordinal, or None for an ordinal when the entry is placed
    by its timestamp.
    """
    entries: list[tuple[int, TimelineEntry]] = []
    if first_error is not None:
        entries.append((first_error.ordinal, _entry(first_error, TimelineKind.FIRST_ERROR, None)))
    for marker in changes[:_MAX_TIMELINE_CHANGES]:
        entries.append((marker.event.ordinal, _entry(marker.event, TimelineKind.CHANGE, marker.rule.id)))
    for cause, candidate in zip(causes, ranked, strict=True):
        entry = _entry(candidate.onset, TimelineKind.ONSET, cause.id)
        entries.append(
            (
                candidate.onset.ordinal,
                TimelineEntry(
                    entry.timestamp,
                    entry.kind,
                    entry.source,
                    entry.line,
                    f"{cause.title}: {entry.text}",
                    cause.id,
                ),
            )
        )
    entries.sort(key=lambda item: (item[0], item[1].kind.value))
    ordered = [entry for _, entry in entries]
    if departure is not None:
        ordered.insert(_departure_place(departure, entries), departure[1])
    return tuple(ordered)


def departure_entry(
    found: Departure, stats: TemplateStats, templates: dict[int, Template]
) -> tuple[float | None, TimelineEntry]:
    """Return the timeline entry of the first window that departs from normal, and its ordinal or None."""
    cluster = stats.cluster_of_row[found.row]
    template = templates.get(cluster)
    source, line, example = stats.first_events[found.row]
    text = template.text if template is not None else example
    # Where most windows match the model exactly, the threshold is rounding noise: show it as 0.
    threshold = found.threshold if found.threshold >= 1e-6 * found.residual else 0.0
    detail = (
        f"window {found.window + 1} of {found.windows} departs from normal (PCA residual "
        f"{found.residual:.3g}, threshold {threshold:.3g}); most changed template: "
        f"{_one_line(text, 120)} (first at {source}:{line})"
    )
    if found.axis == "time":
        stamp = datetime.fromtimestamp(found.start, tz=timezone.utc)
        return None, TimelineEntry(stamp, TimelineKind.DEPARTURE, source, line, detail)
    return found.start, TimelineEntry(None, TimelineKind.DEPARTURE, source, line, detail)


def _departure_place(
    departure: tuple[float | None, TimelineEntry], entries: list[tuple[int, TimelineEntry]]
) -> int:
    """Return where the departure goes among the ordered entries: by ordinal, or else by time."""
    ordinal, entry = departure
    for index, (entry_ordinal, other) in enumerate(entries):
        if ordinal is not None and entry_ordinal >= ordinal:
            return index
        stamps_known = entry.timestamp is not None and other.timestamp is not None
        if ordinal is None and stamps_known and other.timestamp > entry.timestamp:  # type: ignore[operator]
            return index
    return len(entries)


def _entry(event: Event, kind: TimelineKind, cause_id: str | None) -> TimelineEntry:
    return TimelineEntry(
        timestamp=event.timestamp,
        kind=kind,
        source=event.source,
        line=event.first_line,
        text=_one_line(event.lines[0], _TIMELINE_TEXT_CHARS),
        cause_id=cause_id,
    )


def build_near_misses(results: list[RuleResult]) -> tuple[NearMiss, ...]:
    """Build near misses for at most 10 rules that matched in part, closest to firing first."""
    scored = []
    for result in results:
        rule = result.rule
        if not result.partial or rule.role is Role.CHANGE:
            continue
        matched = tuple(
            f"{name}: {outcome.detail}" for name, outcome in result.outcomes.items() if outcome.held
        )
        missing = tuple(
            f"{name}: {outcome.detail}; needs {_requirement(result, name)}"
            for name, outcome in result.outcomes.items()
            if name in rule.trigger_names and not outcome.held
        )
        held = sum(1 for outcome in result.outcomes.values() if outcome.held)
        scored.append(
            (
                -held / max(len(result.outcomes), 1),
                rule.id,
                NearMiss(rule.id, rule.title, rule.category, matched, missing),
            )
        )
    scored.sort(key=lambda item: (item[0], item[1]))
    return tuple(item[2] for item in scored[:_MAX_NEAR_MISSES])


def _requirement(result: RuleResult, name: str) -> str:
    for condition in result.rule.conditions:
        if condition.name == name:
            return condition.describe_requirement()
    return "a match"


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
