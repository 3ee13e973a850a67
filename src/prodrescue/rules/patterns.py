"""Rule regexes: compiled with the ``regex`` module and searched under a time limit.

A rule regex written by a user can backtrack for minutes on one unlucky line.
Every search here carries a timeout. The engine catches the resulting
``TimeoutError``, disables the pattern's condition for the rest of the run and
reports it as that rule's fault, so a pathological pattern is stopped at its
first timeout instead of hanging the diagnosis.
"""

from __future__ import annotations

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "Pattern", "compile_pattern"]

from dataclasses import dataclass, field
from typing import Any

import regex

from prodrescue.rules.prefilter import required_literals

# Time limit of one search, in seconds. Typical patterns should need far less,
# even on a 64 KiB event (an estimate, not a measurement), and 0.1 s is still
# short enough not to stall a run.
DEFAULT_TIMEOUT_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled rule regex with the names of its capture groups and its prefilter gate."""

    source: str
    compiled: Any = field(repr=False)
    captures: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    gate: frozenset[str] | None = None

    def search(self, text: str, present: frozenset[str] | None = None) -> Any:
        """Search ``text`` and return the match or None. Raises ``TimeoutError`` past the time limit.

        ``present`` contains the prefilter strings found in the event. When the
        pattern's gate shares none of them, the pattern cannot match and is
        not run. None means that the prefilter was not applied.
        """
        if present is not None and self.gate is not None and self.gate.isdisjoint(present):
            return None
        return self.compiled.search(text, timeout=self.timeout)


def compile_pattern(
    source: str, case_sensitive: bool = False, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Pattern:
    """Compile a rule regex, case-insensitive unless ``case_sensitive`` is True.

    Raises ``regex.error`` with the position of a syntax error, and
    ``ValueError`` for a pattern that matches the empty string (it would
    match every event).
    """
    flags = regex.VERSION0
    if not case_sensitive:
        flags |= regex.IGNORECASE
    compiled = regex.compile(source, flags)
    if compiled.fullmatch("", timeout=timeout) is not None:
        raise ValueError("the pattern matches an empty line, so it would match every event")
    gate = required_literals(source, case_sensitive)
    return Pattern(source, compiled, tuple(compiled.groupindex), timeout, gate)
