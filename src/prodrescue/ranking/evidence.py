"""Choose and order the evidence lines of a cause.

Conditions take turns (trigger conditions first), so that every kind of
evidence shows before a second example of any one kind. Events are
deduplicated by location. The last shown item of each template gives the
number of that template's matching events that are not shown.
"""

from __future__ import annotations

__all__ = ["MAX_EVIDENCE", "select_evidence", "to_evidence"]

from collections import defaultdict

from prodrescue.ingest.records import Event
from prodrescue.mining import Template, template_key
from prodrescue.model import Evidence

MAX_EVIDENCE = 10
# Very long events (a stack trace of hundreds of frames) are cut in the report.
_MAX_EVIDENCE_LINES = 60
_MAX_EVIDENCE_CHARS = 8000


def select_evidence(
    items: list[tuple[str, Event]],
    per_cluster: dict[int, int],
    templates: dict[int, Template],
    matched_lines: dict[int, str] | None = None,
    limit: int = MAX_EVIDENCE,
) -> list[Evidence]:
    """Select up to ``limit`` evidence items from ``(condition, event)`` pairs in priority order.

    ``matched_lines`` maps ``id()`` of an event to the line where its condition matched.
    """
    queues: dict[str, list[Event]] = defaultdict(list)
    order: list[str] = []
    for condition, event in items:
        if condition not in queues:
            order.append(condition)
        queues[condition].append(event)

    chosen: list[tuple[str, Event]] = []
    seen: set[tuple[str, int]] = set()
    while len(chosen) < limit and any(queues[name] for name in order):
        for name in order:
            queue = queues[name]
            while queue:
                event = queue.pop(0)
                location = (event.source, event.first_line)
                if location in seen:
                    continue
                seen.add(location)
                chosen.append((name, event))
                break
            if len(chosen) >= limit:
                break

    # Several clusters can resolve to one template, so "similar" counts per template.
    per_template: dict[str, int] = defaultdict(int)
    for cluster, count in per_cluster.items():
        per_template[template_key(cluster, templates)] += count
    shown: dict[str, int] = defaultdict(int)
    last_index: dict[str, int] = {}
    for index, (_, event) in enumerate(chosen):
        key = template_key(event.cluster_id, templates)
        shown[key] += 1
        last_index[key] = index
    evidence = []
    for index, (condition, event) in enumerate(chosen):
        key = template_key(event.cluster_id, templates)
        similar = 0
        if last_index[key] == index:
            similar = max(per_template.get(key, 0) - shown[key], 0)
        matched = (matched_lines or {}).get(id(event), "")
        evidence.append(to_evidence(event, condition, templates, similar, matched))
    return evidence


def to_evidence(
    event: Event, condition: str, templates: dict[int, Template], similar: int = 0, matched_line: str = ""
) -> Evidence:
    """Convert an event to an :class:`Evidence` item, cutting very long events.

    ``matched_line`` is kept only when it is not part of the event's first line.
    """
    lines = event.lines[:_MAX_EVIDENCE_LINES]
    text = "\n".join(lines)
    hidden = len(event.lines) - len(lines) + event.dropped_lines
    if len(text) > _MAX_EVIDENCE_CHARS:
        text = text[:_MAX_EVIDENCE_CHARS] + " …"
    if hidden:
        text += f"\n… ({hidden} more lines)"
    template = templates.get(event.cluster_id)
    return Evidence(
        source=event.source,
        line=event.first_line,
        last_line=event.last_line,
        timestamp=event.timestamp,
        text=text,
        template_id=template.id if template else "",
        condition=condition,
        similar=similar,
        matched_line=matched_line.strip() if matched_line.strip() not in event.lines[0] else "",
    )
