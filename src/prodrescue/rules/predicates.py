"""``where`` predicates over captured values: ``lag > 30s``, ``active == max``.

A predicate compares two operands, each a capture name or a literal (a
number, optionally with a duration or size unit). Numbers compare as numbers
(seconds, bytes). When either side has no number, the values compare as text,
with ``==`` and ``!=`` only. A predicate over a capture that the event did
not provide is false, so an event never counts on a value that it lacks.
"""

from __future__ import annotations

__all__ = ["Predicate", "PredicateError", "parse_predicate"]

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prodrescue.rules.values import Value, ValueType, parse_value

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_PREDICATE = re.compile(r"\s*(?P<left>[^\s<>=!]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<right>[^\s<>=!]+)\s*")
_NAME = re.compile(r"[A-Za-z_]\w*")


class PredicateError(ValueError):
    """Error for a ``where`` predicate that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Operand:
    """A capture name, or a literal value."""

    name: str | None
    literal: Value | None

    def resolve(self, values: Mapping[str, Value]) -> Value | None:
        if self.name is not None:
            return values.get(self.name)
        return self.literal

    def __str__(self) -> str:
        return self.name if self.name is not None else (self.literal.text if self.literal else "")


@dataclass(frozen=True, slots=True)
class Predicate:
    """One comparison. ``source`` is the text as written in the rule."""

    left: Operand
    op: str
    right: Operand
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        """The capture names this predicate reads."""
        return tuple(side.name for side in (self.left, self.right) if side.name is not None)

    def evaluate(self, values: Mapping[str, Value]) -> bool:
        """Return whether the predicate holds for these captured values."""
        left = self.left.resolve(values)
        right = self.right.resolve(values)
        if left is None or right is None:
            return False
        if left.number is not None and right.number is not None:
            return _OPERATORS[self.op](left.number, right.number)
        if self.op == "==":
            return left.text.strip() == right.text.strip()
        if self.op == "!=":
            return left.text.strip() != right.text.strip()
        return False


def parse_predicate(text: str) -> Predicate:
    """Parse ``left op right``. Raises :class:`PredicateError` with the reason."""
    match = _PREDICATE.fullmatch(text)
    if match is None:
        raise PredicateError(
            f"expected 'name OP value' with OP one of {', '.join(_OPERATORS)}, found '{text}'"
        )
    left = _operand(match["left"])
    right = _operand(match["right"])
    if left.name is None and right.name is None:
        raise PredicateError(f"compares two literals, so it never depends on the log: '{text}'")
    return Predicate(left, match["op"], right, text.strip())


def _operand(text: str) -> Operand:
    if _NAME.fullmatch(text):
        return Operand(text, None)
    value = parse_value(text, ValueType.AUTO)
    if value.number is None:
        raise PredicateError(f"'{text}' is neither a capture name nor a number")
    return Operand(None, value)
