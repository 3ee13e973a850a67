"""Typed values captured by rule patterns: numbers, durations and sizes.

Durations are stored in seconds and sizes in bytes, so a predicate can compare
``lag > 30s`` whether the log wrote ``47s``, ``47000ms`` or ``0:00:47``. Size
units K, M, G, T and P (with or without B or iB) are read as powers of 1024, as
Redis, the JVM and many servers print them.
"""

from __future__ import annotations

__all__ = ["Value", "ValueSummary", "ValueType", "parse_value"]

import enum
import re
from dataclasses import dataclass, field


class ValueType(str, enum.Enum):
    """Declared type of a capture. ``auto`` tries number, duration, size, then text."""

    AUTO = "auto"
    NUMBER = "number"
    DURATION = "duration"
    SIZE = "size"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Value:
    """A captured value: the text as logged and, when it has one, its number.

    ``number`` is in seconds for durations and in bytes for sizes.
    """

    text: str
    number: float | None
    type: ValueType


_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?%?")
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|hr|h|days?|d)"
)
_CLOCK_DURATION = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kKMGTP]?)(i?)([bB]?)(?:ytes?)?")
_SIZE_POWERS = {"": 0, "k": 1, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5}


def parse_value(text: str, declared: ValueType = ValueType.AUTO) -> Value:
    """Parse ``text`` as the declared type. The number is None when the text does not parse."""
    cleaned = text.strip()
    if declared is ValueType.TEXT:
        return Value(text, None, ValueType.TEXT)
    if declared is ValueType.NUMBER:
        return Value(text, _number(cleaned), ValueType.NUMBER)
    if declared is ValueType.DURATION:
        return Value(text, _duration(cleaned, bare_unit=1.0), ValueType.DURATION)
    if declared is ValueType.SIZE:
        return Value(text, _size(cleaned), ValueType.SIZE)

    number = _number(cleaned)
    if number is not None:
        return Value(text, number, ValueType.NUMBER)
    duration = _duration(cleaned, bare_unit=None)
    if duration is not None:
        return Value(text, duration, ValueType.DURATION)
    size = _size(cleaned, need_unit=True)
    if size is not None:
        return Value(text, size, ValueType.SIZE)
    return Value(text, None, ValueType.TEXT)


def _number(text: str) -> float | None:
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.rstrip("%").replace(",", ""))


def _duration(text: str, bare_unit: float | None) -> float | None:
    """Return the seconds in ``47s``, ``1m30s``, ``1500ms`` or ``0:00:47``, or None.

    A bare number is multiplied by ``bare_unit``, or rejected when ``bare_unit`` is None.
    """
    if bare_unit is not None:
        number = _number(text)
        if number is not None:
            return number * bare_unit
    clock = _CLOCK_DURATION.fullmatch(text)
    if clock:
        hours = float(clock.group(1) or 0)
        return hours * 3600 + float(clock.group(2)) * 60 + float(clock.group(3))
    total = 0.0
    position = 0
    compact = text.replace(" ", "")
    for part in _DURATION_PART.finditer(compact):
        if part.start() != position:
            return None
        total += float(part.group(1)) * _DURATION_UNITS[part.group(2)]
        position = part.end()
    if position == 0 or position != len(compact):
        return None
    return total


def _size(text: str, need_unit: bool = False) -> float | None:
    match = _SIZE.fullmatch(text)
    if not match:
        return None
    number, prefix, _binary, byte_mark = match.groups()
    if need_unit and not (prefix or byte_mark):
        return None
    return float(number) * float(1024 ** _SIZE_POWERS[prefix])


@dataclass(slots=True)
class ValueSummary:
    """First, last, minimum and maximum of one capture over the matched events.

    ``count`` counts the values, ``distinct`` keeps up to five distinct texts,
    and ``distinct_overflow`` is set when more distinct texts were seen.
    """

    first: Value
    last: Value
    minimum: Value | None = None
    maximum: Value | None = None
    count: int = 0
    distinct: list[str] = field(default_factory=list)
    distinct_overflow: bool = False

    _MAX_DISTINCT = 5

    @classmethod
    def start(cls, value: Value) -> ValueSummary:
        """Begin a summary with its first value."""
        summary = cls(first=value, last=value)
        summary.add(value)
        return summary

    def add(self, value: Value) -> None:
        """Add one value to the summary."""
        self.count += 1
        self.last = value
        if value.text not in self.distinct:
            if len(self.distinct) < self._MAX_DISTINCT:
                self.distinct.append(value.text)
            else:
                self.distinct_overflow = True
        if value.number is None:
            return
        if self.minimum is None or self.minimum.number is None or value.number < self.minimum.number:
            self.minimum = value
        if self.maximum is None or self.maximum.number is None or value.number > self.maximum.number:
            self.maximum = value
