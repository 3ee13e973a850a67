"""Skip rule regexes that cannot match: the literal prefilter.

Most patterns contain literal text that any match must include ("Connection
is not available", "deadlock detected"). At compile time each pattern gets a
gate: a set of lower-case strings of which every match contains at least one.
Per event, the engine lower-cases the text once, finds which gate strings occur in
it, and runs only the patterns whose gate is satisfied (and the few patterns
that have no gate). This runs in the hot loop, once per event.

Gates come from Python's own regex parser. A pattern in syntax that only the
``regex`` module supports (``\\p{L}``, fuzzy matching) cannot be analysed and
has no gate, so it always runs.
"""

from __future__ import annotations

__all__ = ["LiteralIndex", "required_literals"]

import importlib
import logging
import re
from collections.abc import Iterable
from typing import Any


def _import_first(*names: str) -> Any:
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(f"none of {names} can be imported")


logger = logging.getLogger(__name__)

# Python's regex parser: re._parser since 3.11, sre_parse before.
parser = _import_first("re._parser", "sre_parse")
constants = _import_first("re._constants", "sre_constants")

_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<\w+>")
_BACKREFERENCE = re.compile(r"(?<!\\)\(\?P=\w+\)")

# Minimum length of every gate string. Shorter strings filter too little to be worth the check.
_MIN_LITERAL = 3
_REPEATS = {constants.MAX_REPEAT, constants.MIN_REPEAT}
if hasattr(constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(constants.POSSESSIVE_REPEAT)


def required_literals(source: str, case_sensitive: bool) -> frozenset[str] | None:
    """Return lower-case strings of which every match contains one, or None when unknown."""
    flags = 0 if case_sensitive else 2  # 2 is re.IGNORECASE
    # Group names do not matter here, and the regex module allows one name twice
    # (in two alternatives), which Python's parser rejects.
    unnamed = _GROUP_NAME.sub("(", _BACKREFERENCE.sub("(?:)", source))
    try:
        parsed = parser.parse(unnamed, flags)
    except (re.error, OverflowError, RecursionError):  # syntax that only the regex module supports
        return None
    gate = _required(list(parsed))
    if gate is None or min(len(text) for text in gate) < _MIN_LITERAL:
        return None
    return gate


def _required(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """Return the best required-literal set of a sequence of parsed regex items, or None.

    The best set has the longest shortest string, then the fewest strings.
    """
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, argument in items:
        if op is constants.LITERAL:
            run.append(chr(argument).lower())  # type: ignore[arg-type]
            continue
        flush()
        found: frozenset[str] | None = None
        if op is constants.SUBPATTERN:
            found = _required(list(argument[-1]))  # type: ignore[index]
        elif op is constants.BRANCH:
            branches = [_required(list(branch)) for branch in argument[1]]  # type: ignore[index]
            if all(branch is not None for branch in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and argument[0] >= 1:  # type: ignore[index]
            found = _required(list(argument[2]))  # type: ignore[index]
        if found is not None:
            candidates.append(found)
    flush()
    if not candidates:
        return None
    return max(candidates, key=lambda gate: (min(len(text) for text in gate), -len(gate)))


class LiteralIndex:
    """The gate strings of a set of patterns, checked once per event.

    With pyahocorasick installed (a dependency of prodrescue), one Aho-Corasick
    pass over the text finds every gate string at once. Without it, each string
    is looked up on its own, which gives the same result about 30 times slower
    with the built-in pack.
    """

    def __init__(self, gates: Iterable[frozenset[str] | None], use_automaton: bool = True) -> None:
        self.literals = tuple(sorted({text for gate in gates if gate for text in gate}))
        self._automaton = _build_automaton(self.literals) if use_automaton else None

    def present(self, lowered: str) -> frozenset[str]:
        """Return the gate strings that occur in ``lowered`` (text already lower-cased)."""
        if self._automaton is not None:
            return frozenset([literal for _, literal in self._automaton.iter(lowered)])
        return frozenset([text for text in self.literals if text in lowered])


def _build_automaton(literals: tuple[str, ...]) -> Any:
    try:
        import ahocorasick
    except ImportError:
        logger.info("pyahocorasick is not installed; the rule prefilter checks each string on its own")
        return None
    if not literals:
        return None
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    automaton.make_automaton()
    return automaton
