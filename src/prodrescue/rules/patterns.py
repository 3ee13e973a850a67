"""Rule regexes: compiled with the ``regex`` module and searched under a time limit.

A rule regex written by a user can backtrack for minutes on one unlucky line.
Every search here carries a timeout. The engine catches the resulting
``TimeoutError``, disables the pattern's condition for the rest of the run and
reports it as that rule's fault, so a pathological pattern is stopped at its
first timeout instead of hanging the diagnosis.
"""

from __future__ import annotations

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "Pattern", "capture_names", "compile_pattern", "unchecked_patterns"]

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import regex

from prodrescue.rules.prefilter import required_literals
from prodrescue.rules.shapes import digit_general_source

# Time limit of one search, in seconds. Typical patterns should need far less,
# even on a 64 KiB event (an estimate, not a measurement), and 0.1 s is still
# short enough not to stall a run.
DEFAULT_TIMEOUT_SECONDS = 0.1
# Whether compile_pattern checks and compiles at once; unchecked_patterns() clears it.
_CHECK: ContextVar[bool] = ContextVar("check_patterns", default=True)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A rule regex with the names of its capture groups and its prefilter gate.

    ``compiled`` is None until the first search for a pattern loaded with
    ``check=False`` (see :func:`compile_pattern`).
    """

    source: str
    compiled: Any = field(repr=False)
    captures: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    gate: frozenset[str] | None = None
    flags: int = regex.VERSION0 | regex.IGNORECASE
    # The pattern with its digits widened (see may_match_shape): None until first
    # needed, False when it cannot be widened.
    widened: Any = field(default=None, repr=False, compare=False)

    def search(self, text: str, present: frozenset[str] | None = None) -> Any:
        """Search ``text`` and return the match or None. Raises ``TimeoutError`` past the time limit.

        ``present`` contains the prefilter strings found in the event. When the
        pattern's gate shares none of them, the pattern cannot match and is
        not run. None means that the prefilter was not applied.
        """
        if present is not None and self.gate is not None and self.gate.isdisjoint(present):
            return None
        compiled = self.compiled
        if compiled is None:
            compiled = regex.compile(self.source, self.flags)
            object.__setattr__(self, "compiled", compiled)
        return compiled.search(text, timeout=self.timeout)

    def may_match_shape(self, text: str) -> bool:
        """Return whether the pattern may match ``text`` with some of its digits changed.

        False is certain: no text that differs from ``text`` only in its
        digits matches. True may be wrong, and is returned whenever the
        pattern cannot be widened (see :func:`digit_general_source`) or the
        widened search runs out of time.
        """
        widened = self.widened
        if widened is None:
            widened = _widen(self)
            object.__setattr__(self, "widened", widened)
        if widened is False:
            return True
        try:
            return widened.search(text, timeout=self.timeout) is not None
        except TimeoutError:
            return True


def _widen(pattern: Pattern) -> Any:
    source = digit_general_source(pattern.source)
    if source is None:
        return False
    try:
        return regex.compile(source, pattern.flags)
    except regex.error:
        return False


@contextmanager
def unchecked_patterns() -> Iterator[None]:
    """Load rules in this block with ``check=False`` (see :func:`compile_pattern`)."""
    token = _CHECK.set(False)
    try:
        yield
    finally:
        _CHECK.reset(token)


def compile_pattern(
    source: str,
    case_sensitive: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    check: bool | None = None,
) -> Pattern:
    """Compile a rule regex, case-insensitive unless ``case_sensitive`` is True.

    Raises ``regex.error`` with the position of a syntax error, and
    ``ValueError`` for a pattern that matches the empty string (it would
    match every event). With ``check=False`` the pattern is neither checked
    nor compiled until its first search, which spares start-up time for
    patterns that their own tests already checked (the built-in pack): most
    patterns never run on a short input, because the prefilter skips them.
    None takes the setting of :func:`unchecked_patterns`, checked by default.
    """
    flags = regex.VERSION0
    if not case_sensitive:
        flags |= regex.IGNORECASE
    gate = required_literals(source, case_sensitive)
    if check is None:
        check = _CHECK.get()
    if not check:
        return Pattern(source, None, capture_names(source), timeout, gate, flags)
    compiled = regex.compile(source, flags)
    if compiled.fullmatch("", timeout=timeout) is not None:
        raise ValueError("the pattern matches an empty line, so it would match every event")
    return Pattern(source, compiled, tuple(compiled.groupindex), timeout, gate, flags)


def capture_names(source: str) -> tuple[str, ...]:
    """Return the names of the named groups in a regex source, in order, without compiling it.

    ``(?P<name>`` and ``(?<name>`` open a named group; ``(?<=`` and ``(?<!``
    are lookbehinds. An escaped bracket is not a group.
    """
    return tuple(dict.fromkeys(_NAMED_GROUP.findall(source)))


# An unescaped "(?P<name>" or "(?<name>".
_NAMED_GROUP = regex.compile(r"(?<!\\)(?:\\\\)*\(\?P?<([A-Za-z_]\w*)>")
