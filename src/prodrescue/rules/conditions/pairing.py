"""The ``pairing`` condition kind: resources acquired and never released (leaks).

An acquire pattern and a release pattern both capture a key (a lock name, a
connection id). The condition holds when at least ``unreleased`` keys are
still open at the end of the input. When ``older_than`` is set, only keys
open for at least that long (or of unknown age) count, so that work still in
flight when the log was cut is not mistaken for a leak.
"""

from __future__ import annotations

__all__ = ["PairingCondition"]

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.records import Event
from prodrescue.rules.conditions.base import (
    Condition,
    ConditionOptions,
    Observed,
    Outcome,
    format_seconds,
)
from prodrescue.rules.patterns import Pattern
from prodrescue.rules.values import Value, ValueType

# Maximum number of open keys tracked by name. Keys acquired beyond it are only
# counted, and they count as unreleased only when ``older_than`` is not set.
# An estimate: a real leak should show long before 100,000 open keys.
_MAX_OPEN_KEYS = 100_000
_SAMPLES = 8


@dataclass(frozen=True, slots=True)
class PairingCondition(Condition):
    """Condition that holds when acquired keys stay unreleased, as the module docstring describes."""

    kind = "pairing"
    name: str
    acquire: Pattern
    release: Pattern
    key: str
    unreleased: int
    older_than: float | None
    options: ConditionOptions

    def patterns(self) -> Iterator[Pattern]:
        yield self.acquire
        yield self.release

    def new_state(self, types: dict[str, ValueType]) -> _PairingState:
        return _PairingState(self)

    def describe_requirement(self) -> str:
        age = f" for over {format_seconds(self.older_than)}" if self.older_than else ""
        return f"{self.unreleased} key(s) left unreleased{age}"


class _PairingState:
    __slots__ = ("acquired", "condition", "first", "open", "overflow", "released")

    def __init__(self, condition: PairingCondition) -> None:
        self.condition = condition
        self.open: dict[str, Event] = {}
        self.acquired = 0
        self.released = 0
        self.overflow = 0
        self.first: Event | None = None

    def observe(self, event: Event, text: str, present: frozenset[str] | None = None) -> Observed:
        condition = self.condition
        options = condition.options
        if options.min_level is not None and event.level is not None and event.level < options.min_level:
            return Observed.NOT_COUNTED
        if any(pattern.search(text) is not None for pattern in options.exclude):
            return Observed.NOT_COUNTED
        acquired = condition.acquire.search(text, present)
        if acquired is not None:
            key = acquired.group(condition.key)
            if key is None:
                return Observed.NOT_COUNTED
            self.acquired += 1
            if key not in self.open:
                if len(self.open) >= _MAX_OPEN_KEYS:
                    self.overflow += 1
                else:
                    self.open[key] = event
            if self.first is None:
                self.first = event
            return Observed.COUNTED
        released = condition.release.search(text, present)
        if released is None:
            return Observed.NO_MATCH
        key = released.group(condition.key)
        if key is not None and self.open.pop(key, None) is not None:
            self.released += 1
        return Observed.NOT_COUNTED

    def outcome(self, end: datetime | None) -> Outcome:
        condition = self.condition
        leaked = self._leaked(end)
        held = len(leaked) + (self.overflow if condition.older_than is None else 0) >= condition.unreleased
        extra: dict[str, Value] = {
            "acquired": Value(str(self.acquired), float(self.acquired), ValueType.NUMBER),
            "released": Value(str(self.released), float(self.released), ValueType.NUMBER),
            "unreleased": Value(str(len(leaked)), float(len(leaked)), ValueType.NUMBER),
        }
        if leaked:
            oldest_key, oldest = leaked[0]
            extra["oldest_key"] = Value(oldest_key, None, ValueType.TEXT)
            age = _age(oldest, end)
            if age is not None:
                extra["oldest_age"] = Value(format_seconds(age), age, ValueType.DURATION)
            keys = ", ".join(key for key, _ in leaked[:3]) + (", ..." if len(leaked) > 3 else "")
            extra["keys"] = Value(keys, None, ValueType.TEXT)

        samples = [event for _, event in leaked[:_SAMPLES]]
        per_cluster: dict[int, int] = {}
        for _, event in leaked:
            per_cluster[event.cluster_id] = per_cluster.get(event.cluster_id, 0) + 1
        return Outcome(
            name=condition.name,
            held=held,
            count=len(leaked),
            detail=self._detail(leaked),
            matched=self.acquired > 0,
            first=leaked[0][1] if leaked else self.first,
            last=leaked[-1][1] if leaked else None,
            samples=samples,
            per_cluster=per_cluster,
            extra=extra,
        )

    def _leaked(self, end: datetime | None) -> list[tuple[str, Event]]:
        """Return the open keys that count as leaked, oldest first."""
        older_than = self.condition.older_than
        leaked = []
        for key, event in self.open.items():
            if older_than is not None:
                age = _age(event, end)
                if age is not None and age < older_than:
                    continue
            leaked.append((key, event))
        leaked.sort(key=lambda item: item[1].ordinal)
        return leaked

    def _detail(self, leaked: list[tuple[str, Event]]) -> str:
        if self.acquired == 0:
            return "no acquire matched"
        age = f" for over {format_seconds(self.condition.older_than)}" if self.condition.older_than else ""
        text = f"{self.acquired} acquired, {self.released} released, {len(leaked)} left unreleased{age}"
        if self.overflow:
            text += f" ({self.overflow} more keys were not tracked by name)"
        return text


def _age(event: Event, end: datetime | None) -> float | None:
    if event.timestamp is None or end is None:
        return None
    return (end - event.timestamp).total_seconds()
