"""The ``regex`` condition kind, which counts events whose text matches one of its patterns."""

from __future__ import annotations

__all__ = ["MatchCondition"]

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prodrescue.ingest.records import Event
from prodrescue.rules.conditions.base import (
    Condition,
    ConditionOptions,
    Observed,
    Outcome,
    SampleKeeper,
    format_seconds,
)
from prodrescue.rules.patterns import Pattern
from prodrescue.rules.values import Value, ValueSummary, ValueType, parse_value


@dataclass(frozen=True, slots=True)
class MatchCondition(Condition):
    """Condition that holds when enough events match any of its ``regexes`` and pass the options.

    Named groups in the patterns become typed captures, which ``where``
    predicates test and rule summaries quote.
    """

    kind = "regex"
    name: str
    regexes: tuple[Pattern, ...]
    options: ConditionOptions

    def patterns(self) -> Iterator[Pattern]:
        yield from self.regexes

    def new_state(self, types: dict[str, ValueType]) -> _MatchState:
        return _MatchState(self, types)

    def first_match(self, text: str, present: frozenset[str] | None = None) -> tuple[Pattern, Any] | None:
        """Return the first pattern that matches ``text`` and its match, or None."""
        for pattern in self.regexes:
            found = pattern.search(text, present)
            if found is not None:
                return pattern, found
        return None


class _MatchState:
    __slots__ = (
        "condition",
        "count",
        "excluded",
        "first",
        "held_at",
        "keeper",
        "max_in_window",
        "rejected_values",
        "types",
        "untimed",
        "values",
        "where_rejected",
        "window",
    )

    def __init__(self, condition: MatchCondition, types: dict[str, ValueType]) -> None:
        self.condition = condition
        self.types = types
        self.count = 0
        self.first: Event | None = None
        self.keeper = SampleKeeper()
        self.values: dict[str, ValueSummary] = {}
        self.window: deque[datetime] = deque()
        self.held_at: Event | None = None
        self.max_in_window = 0
        self.untimed = 0
        self.excluded = 0
        self.where_rejected = 0
        self.rejected_values: dict[str, ValueSummary] = {}

    def observe(self, event: Event, text: str, present: frozenset[str] | None = None) -> Observed:
        options = self.condition.options
        if options.min_level is not None and event.level is not None and event.level < options.min_level:
            return Observed.NOT_COUNTED
        found = self.condition.first_match(text, present)
        if found is None:
            return Observed.NO_MATCH
        for pattern in options.exclude:
            if pattern.search(text) is not None:
                self.excluded += 1
                return Observed.NOT_COUNTED

        captured = _typed_captures(found[1], self.types)
        if options.where and not all(predicate.evaluate(captured) for predicate in options.where):
            self.where_rejected += 1
            _summarise(self.rejected_values, captured)
            return Observed.NOT_COUNTED

        self.count += 1
        if self.first is None:
            self.first = event
        self.keeper.add(event, _line_at(text, found[1].start()))
        _summarise(self.values, captured)
        self._count_in_window(event)
        return Observed.COUNTED

    def _count_in_window(self, event: Event) -> None:
        options = self.condition.options
        if self.held_at is not None:
            return
        if options.within is None:
            if self.count >= options.count:
                self.held_at = event
            return
        if event.timestamp is None:
            self.untimed += 1
            return
        window = self.window
        window.append(event.timestamp)
        while (event.timestamp - window[0]).total_seconds() > options.within:
            window.popleft()
        self.max_in_window = max(self.max_in_window, len(window))
        if len(window) >= options.count:
            self.held_at = event
            window.clear()

    def outcome(self, end: datetime | None) -> Outcome:
        condition = self.condition
        options = condition.options
        held = self.held_at is not None
        detail = self._detail(held)
        if (
            not held
            and options.within is not None
            and self.untimed >= options.count
            and not self.max_in_window
        ):
            # No matching event has a timestamp, so the window cannot be checked
            # and the count over the whole input decides.
            held = True
            detail += f" (no timestamps, so the {format_seconds(options.within)} window was not checked)"
        return Outcome(
            name=condition.name,
            held=held,
            count=self.count,
            detail=detail,
            matched=self.count > 0 or self.where_rejected > 0,
            first=self.first,
            last=self.keeper.last,
            samples=self.keeper.result(),
            matched_lines=self.keeper.matched_lines,
            per_cluster=dict(self.keeper.per_cluster),
            values=self.values,
        )

    def _detail(self, held: bool) -> str:
        options = self.condition.options
        noun = "event" if self.count == 1 else "events"
        if self.count == 0 and self.where_rejected == 0:
            text = "no event matched"
            if self.excluded:
                text += f" ({self.excluded} matched but were excluded)"
            return text
        if self.count == 0:
            return (
                f"{self.where_rejected} matching events failed "
                f"'{' and '.join(p.source for p in options.where)}'"
                + _value_hint(self.rejected_values, options)
            )
        text = f"{self.count} matching {noun}"
        if not held and options.within is not None and options.count > 1:
            if self.max_in_window:
                text += f", at most {self.max_in_window} within {format_seconds(options.within)}"
            else:
                text += " without timestamps"
        return text


def _typed_captures(match: object, types: dict[str, ValueType]) -> dict[str, Value]:
    groups = match.groupdict()  # type: ignore[attr-defined]
    return {
        name: parse_value(text, types.get(name, ValueType.AUTO))
        for name, text in groups.items()
        if text is not None
    }


def _summarise(summaries: dict[str, ValueSummary], captured: dict[str, Value]) -> None:
    for name, value in captured.items():
        summary = summaries.get(name)
        if summary is None:
            summaries[name] = ValueSummary.start(value)
        else:
            summary.add(value)


def _value_hint(rejected: dict[str, ValueSummary], options: ConditionOptions) -> str:
    hints = []
    for predicate in options.where:
        for name in predicate.names:
            summary = rejected.get(name)
            if summary is not None and summary.maximum is not None:
                hints.append(
                    f"{name} ranged {summary.minimum.text if summary.minimum else '?'}"
                    f" to {summary.maximum.text}"
                )
    return f" ({'; '.join(dict.fromkeys(hints))})" if hints else ""


def _line_at(text: str, position: int) -> str:
    """Return the line of ``text`` that contains ``position``."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start:] if end < 0 else text[start:end]
