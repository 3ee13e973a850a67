"""Candidate causes: fired rules, and anomalous error templates that no rule covers."""

from __future__ import annotations

__all__ = [
    "Candidate",
    "ChangeMarker",
    "candidates_from_rules",
    "candidates_from_templates",
    "change_markers",
]

import math
from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.baseline import BaselineComparison
from prodrescue.ingest.records import Event
from prodrescue.levels import Level
from prodrescue.mining import Template
from prodrescue.model import Role, Severity
from prodrescue.rules.conditions import Outcome
from prodrescue.rules.engine import RuleResult
from prodrescue.rules.model import Rule
from prodrescue.rules.values import Value, ValueSummary
from prodrescue.scoring import AnomalyScores, TemplateStats

# An error template becomes an "unrecognized" candidate only at or above this
# anomaly score, unless the input is small (SMALL_INPUT_EVENTS). At most
# UNRECOGNIZED_MAX are kept, and the rest count as routine noise.
UNRECOGNIZED_MIN_ANOMALY = 0.35
UNRECOGNIZED_MAX = 3
# Below this many events the input is a paste of the incident itself, too short
# for the anomaly factors to mean much, so every error template is a candidate.
SMALL_INPUT_EVENTS = 200
# Match strength of an unrecognized template that the baseline lacks.
_BASELINE_STRENGTH = 0.65
# Minimum mean level weight (see scoring.stats.LEVEL_WEIGHTS) for an error-level template.
ERROR_TEMPLATE_MIN_SEVERITY = 0.5


@dataclass(slots=True)
class ChangeMarker:
    """A deploy, upgrade or config change found by a ``change`` rule."""

    rule: Rule
    event: Event


@dataclass(slots=True)
class Candidate:
    """Cause under ranking, converted later into a public :class:`prodrescue.model.Cause`."""

    id: str
    rule: Rule | None
    category: str
    title: str
    role: Role
    severity: Severity
    onset: Event
    count: int
    evidence: list[tuple[str, Event]]
    per_cluster: dict[int, int]
    summaries: dict[str, ValueSummary] = field(default_factory=dict)
    extra: dict[str, Value | str] = field(default_factory=dict)
    strength: float = 0.0
    strength_detail: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    template_rows: list[int] = field(default_factory=list)
    change: ChangeMarker | None = None
    change_gap: float | None = None
    matched_lines: dict[int, str] = field(default_factory=dict)
    score: float = 0.0
    factors: list[tuple[str, float, float, str]] = field(default_factory=list)
    explained_by: Candidate | None = None
    symptoms: list[Candidate] = field(default_factory=list)
    service: str | None = None


def change_markers(results: list[RuleResult]) -> list[ChangeMarker]:
    """Return a change marker for each sample event of every fired ``change`` rule, in input order."""
    markers = []
    for result in results:
        if result.rule.role is not Role.CHANGE or not result.fired:
            continue
        for outcome in result.outcomes.values():
            for event in outcome.samples:
                markers.append(ChangeMarker(result.rule, event))
    markers.sort(key=lambda marker: marker.event.ordinal)
    return markers


def candidates_from_rules(results: list[RuleResult], stats: TemplateStats) -> list[Candidate]:
    """Build one candidate per fired rule, except ``change`` rules and rules without an onset event."""
    candidates = []
    for result in results:
        rule = result.rule
        if not result.fired or rule.role is Role.CHANGE:
            continue
        onset = result.onset
        if onset is None:
            continue
        outcomes = _ordered_outcomes(result)
        evidence = [(outcome.name, event) for outcome in outcomes for event in outcome.samples]
        per_cluster: dict[int, int] = {}
        summaries: dict[str, ValueSummary] = {}
        extra: dict[str, Value | str] = {}
        matched_lines: dict[int, str] = {}
        for outcome in outcomes:
            matched_lines.update(outcome.matched_lines)
            for cluster, count in outcome.per_cluster.items():
                per_cluster[cluster] = per_cluster.get(cluster, 0) + count
            for name, summary in outcome.values.items():
                summaries.setdefault(name, summary)
            extra.update(outcome.extra)
            extra[f"{outcome.name}"] = str(outcome.count)
        count = sum(outcome.count for outcome in outcomes)
        triggers = set(rule.trigger_names)
        held_triggers = sum(1 for name in triggers if result.outcomes[name].held)
        held_support = sum(
            1 for name, outcome in result.outcomes.items() if name not in triggers and outcome.held
        )
        candidate = Candidate(
            id=rule.id,
            rule=rule,
            category=rule.category,
            title=rule.title,
            role=rule.role,
            severity=rule.severity,
            onset=onset,
            count=count,
            evidence=evidence,
            per_cluster=per_cluster,
            summaries=summaries,
            extra=extra,
            template_rows=list(dict.fromkeys(stats.row_of[c] for c in per_cluster if c in stats.row_of)),
        )
        candidate.matched_lines = matched_lines
        candidate.strength, candidate.strength_detail = _strength(
            held_triggers, len(triggers), held_support, count
        )
        candidate.first_seen, candidate.last_seen = _time_span(outcomes)
        candidates.append(candidate)
    return candidates


def candidates_from_templates(
    stats: TemplateStats,
    scores: AnomalyScores,
    templates: dict[int, Template],
    covered_clusters: set[int],
    baseline: BaselineComparison | None = None,
) -> list[Candidate]:
    """Build candidates from anomalous error-level templates that no fired rule covers.

    At most ``UNRECOGNIZED_MAX`` are returned, the most anomalous first. With
    a ``baseline``, its verdict replaces the anomaly threshold: a template as
    usual as it was there is never a candidate, and a new, more frequent or
    oddly valued one always is, with the verdict as its match strength.
    """
    covered_rows = {stats.row_of[cluster] for cluster in covered_clusters if cluster in stats.row_of}
    shifts = baseline.shifts if baseline is not None else {}
    chosen = []
    for row in range(stats.templates):
        if row in covered_rows or row not in stats.samples:
            continue
        if scores.severity[row] < ERROR_TEMPLATE_MIN_SEVERITY:
            continue
        shift = shifts.get(row)
        if shift is not None and not shift.unusual:
            continue
        rare_enough = scores.score[row] >= UNRECOGNIZED_MIN_ANOMALY or stats.events < SMALL_INPUT_EVENTS
        if shift is None and not rare_enough:
            continue
        chosen.append(row)
    chosen.sort(key=lambda row: (-scores.score[row], stats.first_ordinals[row]))

    candidates = []
    for row in chosen[:UNRECOGNIZED_MAX]:
        cluster = stats.cluster_of_row[row]
        template = templates.get(cluster)
        text = template.text if template else stats.first_events[row][2]
        template_id = template.id if template else "evicted"
        samples = stats.samples[row]
        worst = max((event.level for event in samples if event.level is not None), default=Level.ERROR)
        candidate = Candidate(
            id=f"unrecognized:{template_id}",
            rule=None,
            category="unrecognized",
            title=f"Unrecognized error: {_shorten(text, 90)}",
            role=Role.UNRECOGNIZED,
            severity=Severity.HIGH if worst >= Level.CRITICAL else Severity.MEDIUM,
            onset=samples[0],
            count=stats.counts[row],
            evidence=[("anomaly", event) for event in samples],
            per_cluster={cluster: stats.counts[row]},
            template_rows=[row],
            extra={"template": text},
        )
        candidate.first_seen = samples[0].timestamp
        candidate.last_seen = samples[-1].timestamp
        shift = shifts.get(row)
        if shift is not None:
            # The baseline's verdict is the evidence that no rule gives: scaled
            # so that a new template (score 1) matches like a rule that half held.
            candidate.strength = _BASELINE_STRENGTH * shift.score
            candidate.strength_detail = f"no rule; {shift.detail}"
            candidate.extra["baseline"] = shift.detail
        candidates.append(candidate)
    return candidates


def _ordered_outcomes(result: RuleResult) -> list[Outcome]:
    """Return the outcomes that counted events.

    Trigger conditions that held come first, then the other trigger conditions,
    then the supporting ones.
    """
    triggers = result.rule.trigger_names
    ordered = sorted(
        (outcome for outcome in result.outcomes.values() if outcome.count > 0),
        key=lambda outcome: (not (outcome.held and outcome.name in triggers), outcome.name not in triggers),
    )
    return ordered


def _strength(held_triggers: int, triggers: int, held_support: int, count: int) -> tuple[float, str]:
    """Compute the rule match strength (0.5 to 1) and the text that explains it.

    The share of trigger conditions that held counts most, then the number of
    matching events (3 events reach about two thirds of that part). Each
    supporting condition that also held adds 0.05, for at most two of them.
    A supporting condition that did not hold costs nothing.
    """
    saturation = 1.0 - math.exp(-count / 3.0)
    corroboration = 0.05 * min(held_support, 2)
    strength = min(1.0, 0.5 + 0.3 * held_triggers / max(triggers, 1) + 0.15 * saturation + corroboration)
    noun = "event" if count == 1 else "events"
    detail = f"{held_triggers} of {triggers} trigger conditions held"
    if held_support:
        detail += f", {held_support} supporting"
    return strength, f"{detail}; {count} matching {noun}"


def _time_span(outcomes: list[Outcome]) -> tuple[datetime | None, datetime | None]:
    stamps = [
        event.timestamp
        for outcome in outcomes
        for event in (outcome.first, outcome.last)
        if event is not None and event.timestamp is not None
    ]
    if not stamps:
        return None, None
    return min(stamps), max(stamps)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
