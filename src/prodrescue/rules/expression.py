"""The ``when`` expression: which conditions must hold for a rule to fire.

Grammar: names of conditions combined with ``and``, ``or``, ``not`` and
parentheses. ``not`` binds tightest, then ``and``, then ``or``.
"""

from __future__ import annotations

__all__ = ["Expression", "ExpressionError", "parse_expression"]

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(?:(?P<paren>[()])|(?P<word>[A-Za-z_][\w-]*)|(?P<other>\S))")
_KEYWORDS = frozenset({"and", "or", "not"})


class ExpressionError(ValueError):
    """Error for a ``when`` expression that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression tree: an operator and its operands, or a name."""

    op: str  # "name", "and", "or", "not"
    name: str = ""
    operands: tuple[Expression, ...] = ()

    def evaluate(self, held: Mapping[str, bool]) -> bool:
        """Return the value of the expression for these condition results."""
        if self.op == "name":
            return held.get(self.name, False)
        if self.op == "not":
            return not self.operands[0].evaluate(held)
        if self.op == "and":
            return all(operand.evaluate(held) for operand in self.operands)
        return any(operand.evaluate(held) for operand in self.operands)

    def names(self) -> tuple[str, ...]:
        """Return the condition names used, in order of first use."""
        if self.op == "name":
            return (self.name,)
        seen: dict[str, None] = {}
        for operand in self.operands:
            for name in operand.names():
                seen.setdefault(name)
        return tuple(seen)

    def positive_names(self) -> tuple[str, ...]:
        """Return the names that count towards firing, which are those not under a ``not``."""
        if self.op == "name":
            return (self.name,)
        if self.op == "not":
            return ()
        seen: dict[str, None] = {}
        for operand in self.operands:
            for name in operand.positive_names():
                seen.setdefault(name)
        return tuple(seen)

    @classmethod
    def any_of(cls, names: tuple[str, ...]) -> Expression:
        """Build the default expression, which holds when any of the conditions holds."""
        return cls("or", operands=tuple(cls("name", name) for name in names))


def parse_expression(text: str) -> Expression:
    """Parse a ``when`` expression. Raises :class:`ExpressionError` that describes the problem."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    expression = parser.parse_or()
    if parser.position < len(tokens):
        raise ExpressionError(f"unexpected '{tokens[parser.position]}' in '{text}'")
    return expression


def _tokenize(text: str) -> list[str]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        if match["other"]:
            raise ExpressionError(f"unexpected character '{match['other']}' in '{text}'")
        tokens.append(match["paren"] or match["word"])
        position = match.end()
    if not tokens:
        raise ExpressionError("the expression is empty")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def parse_or(self) -> Expression:
        operands = [self.parse_and()]
        while self._peek() == "or":
            self.position += 1
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Expression("or", operands=tuple(operands))

    def parse_and(self) -> Expression:
        operands = [self.parse_not()]
        while self._peek() == "and":
            self.position += 1
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else Expression("and", operands=tuple(operands))

    def parse_not(self) -> Expression:
        if self._peek() == "not":
            self.position += 1
            return Expression("not", operands=(self.parse_not(),))
        return self.parse_atom()

    def parse_atom(self) -> Expression:
        token = self._peek()
        if token is None:
            raise ExpressionError(f"'{self.text}' ends where a condition name was expected")
        self.position += 1
        if token == "(":
            inner = self.parse_or()
            if self._peek() != ")":
                raise ExpressionError(f"missing ')' in '{self.text}'")
            self.position += 1
            return inner
        if token == ")" or token in _KEYWORDS:
            raise ExpressionError(f"expected a condition name, found '{token}' in '{self.text}'")
        return Expression("name", name=token)
