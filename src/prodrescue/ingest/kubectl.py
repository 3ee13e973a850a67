"""Rows of ``kubectl get events`` and of the Events table in ``kubectl describe``.

Each row is an event of its own, with the event type as the level (Warning
or Normal), and the reason, object and repeat count as fields, so that a
rule can count ``BackOff`` rows and the report can show one row as evidence.
"""

from __future__ import annotations

__all__ = ["EventRow", "parse_event_row"]

import re
from dataclasses import dataclass

from prodrescue.levels import Level

# kubectl get events: LAST SEEN  TYPE  REASON  OBJECT  MESSAGE (with -A, NAMESPACE first)
_GET_EVENTS = re.compile(
    r"(?:(?P<namespace>[a-z0-9-]+)\s+)?(?P<age>\S+)\s+(?P<type>Normal|Warning)\s+(?P<reason>[A-Za-z]+)\s+"
    r"(?P<object>[a-z]+(?:\.[\w.]+)?/\S+)\s+(?P<message>\S.*)$"
)
# kubectl describe, under "Events:": Type  Reason  Age  From  Message
_DESCRIBE = re.compile(
    r"\s+(?P<type>Normal|Warning)\s+(?P<reason>[A-Za-z]+)\s+"
    r"(?P<age>\S+(?: \(x(?P<count>\d+) over \S+\))?)\s+(?P<source>\S+)\s+(?P<message>\S.*)$"
)
_LEVELS = {"Warning": Level.WARNING, "Normal": Level.INFO}


@dataclass(frozen=True, slots=True)
class EventRow:
    """One Kubernetes event row: its message, level and fields."""

    message: str
    level: Level
    fields: dict[str, object]


def parse_event_row(text: str) -> EventRow | None:
    """Parse a ``get events`` or ``describe`` Events row; None when the line is not one."""
    match = _DESCRIBE.match(text) if text[:1].isspace() else _GET_EVENTS.match(text)
    if match is None:
        return None
    groups = match.groupdict()
    fields: dict[str, object] = {
        "reason": groups["reason"],
        "event_type": groups["type"],
        "age": groups["age"],
    }
    for name in ("object", "namespace", "source"):
        if groups.get(name):
            fields[name] = groups[name]
    if groups.get("count"):
        fields["count"] = int(groups["count"])
    return EventRow(f"{groups['reason']}: {groups['message']}", _LEVELS[groups["type"]], fields)
