"""Parts that every condition kind shares: options, outcome and evidence sampling.

A condition is a frozen description parsed from YAML. Evaluating it over a
stream needs mutable state, so each condition makes a fresh state object per
run with :meth:`Condition.new_state`. A state receives each event once through
``observe`` and reports an :class:`Outcome` at the end. The state it keeps is
bounded: counters, a window of at most ``count`` timestamps, a handful of
sample events, and value summaries.
"""

from __future__ import annotations

__all__ = ["Condition", "ConditionOptions", "ConditionState", "Observed", "Outcome", "SampleKeeper"]

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from prodrescue.ingest.records import Event
from prodrescue.levels import Level
from prodrescue.rules.patterns import Pattern
from prodrescue.rules.predicates import Predicate
from prodrescue.rules.values import Value, ValueSummary, ValueType


@dataclass(frozen=True, slots=True)
class ConditionOptions:
    """Options every condition kind accepts.

    ``min_level``: events below it are ignored, but events with no recognised
    level pass. ``where``: predicates that every counted event must satisfy.
    ``exclude``: patterns that veto an event. ``count`` and ``within``
    (seconds): the condition holds once ``count`` events are counted inside
    any window of that length, or in the whole input when ``within`` is None.
    """

    min_level: Level | None = None
    where: tuple[Predicate, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    count: int = 1
    within: float | None = None


@dataclass(slots=True)
class Outcome:
    """Result of one condition at the end of a run, with a ``detail`` sentence.

    ``matched`` is True when the condition matched any event, even if it did
    not hold, so that a condition that came close shows up as a near miss.
    ``values`` summarises the typed captures. ``extra`` contains kind-specific
    values (for pairing: the number of unreleased keys, the oldest key and its age).
    ``matched_lines`` maps ``id()`` of a sample event to the line of its text
    where the condition matched.
    """

    name: str
    held: bool
    count: int
    detail: str
    matched: bool
    first: Event | None = None
    last: Event | None = None
    samples: list[Event] = field(default_factory=list)
    per_cluster: dict[int, int] = field(default_factory=dict)
    values: dict[str, ValueSummary] = field(default_factory=dict)
    extra: dict[str, Value] = field(default_factory=dict)
    matched_lines: dict[int, str] = field(default_factory=dict)


class Observed(enum.Enum):
    """Outcome of one event for a condition."""

    COUNTED = "counted"
    # No pattern of the condition matches the text, whatever the event's level or time.
    NO_MATCH = "no match"
    # A pattern matched, or was not tried, but the event did not count (level, exclude, where).
    NOT_COUNTED = "not counted"


class ConditionState(Protocol):
    """The evaluation state of one condition over one run."""

    def observe(self, event: Event, text: str, present: frozenset[str] | None = None) -> Observed:
        """Evaluate one event and return what it made of it. ``text`` is ``event.text``.

        ``present`` contains the prefilter strings found in the text (see
        :mod:`prodrescue.rules.prefilter`), or None to run every pattern. May
        raise ``TimeoutError`` when a pattern exceeds its time limit.
        """

    def outcome(self, end: datetime | None) -> Outcome:
        """Return the result. ``end`` is the last timestamp of the input."""


class Condition:
    """Base class of condition kinds. ``kind`` is the YAML key that selects a subclass."""

    kind: ClassVar[str]
    name: str
    options: ConditionOptions

    def new_state(self, types: dict[str, ValueType]) -> ConditionState:
        """Return fresh evaluation state. ``types`` are the rule's declared capture types."""
        raise NotImplementedError

    def patterns(self) -> Iterator[Pattern]:
        """Yield every pattern the condition searches with (for tests and checks)."""
        raise NotImplementedError

    def captures(self) -> set[str]:
        """Return the capture names that this condition's patterns define."""
        names: set[str] = set()
        for pattern in self.patterns():
            names.update(pattern.captures)
        return names

    def describe_requirement(self) -> str:
        """Describe in a short phrase what the condition needs, for near-miss messages."""
        options = self.options
        if options.count <= 1:
            return "at least one matching event"
        window = f" within {format_seconds(options.within)}" if options.within else ""
        return f"{options.count} matching events{window}"


class SampleKeeper:
    """Sampler that keeps a few events out of many: each template's first ones and the last event.

    Templates are distinguished by Drain3 cluster number. At most
    ``per_template`` events of one template are kept, so that twenty copies of
    one line do not crowd out a second kind of line. At most ``limit`` events
    are kept in all, and ``per_cluster`` counts every matching event.
    """

    __slots__ = (
        "_kept_per_cluster",
        "_last_line",
        "last",
        "limit",
        "matched_lines",
        "per_cluster",
        "per_template",
        "samples",
    )

    def __init__(self, limit: int = 8, per_template: int = 2) -> None:
        self.limit = limit
        self.per_template = per_template
        self.samples: list[Event] = []
        self.per_cluster: dict[int, int] = {}
        self.last: Event | None = None
        self.matched_lines: dict[int, str] = {}
        self._kept_per_cluster: dict[int, int] = {}
        self._last_line = ""

    def add(self, event: Event, matched_line: str = "") -> None:
        """Count one matching event, and keep it if the sample limits allow.

        ``matched_line`` is the line of the event's text where the match was.
        """
        cluster = event.cluster_id
        self.per_cluster[cluster] = self.per_cluster.get(cluster, 0) + 1
        self.last = event
        self._last_line = matched_line
        if len(self.samples) >= self.limit - 1:
            return
        kept = self._kept_per_cluster.get(cluster, 0)
        if kept < self.per_template:
            self.samples.append(event)
            self._kept_per_cluster[cluster] = kept + 1
            if matched_line:
                self.matched_lines[id(event)] = matched_line

    def result(self) -> list[Event]:
        """Return the kept events, followed by the last matching event if it was not kept."""
        if self.last is not None and all(sample is not self.last for sample in self.samples):
            if self._last_line:
                self.matched_lines[id(self.last)] = self._last_line
            return [*self.samples, self.last]
        return list(self.samples)


def format_seconds(seconds: float | None) -> str:
    """Format a duration in seconds for messages: 90 as ``1m30s``, 3600 as ``1h``, 0.25 as ``250ms``."""
    if seconds is None:
        return "?"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs}s")
    return "".join(parts)
