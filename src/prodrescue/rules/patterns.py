"""Rule regexes: compiled with the ``regex`` module and searched under a time limit.

A rule regex written by a user can backtrack for minutes on one unlucky line.
Every search here carries a timeout; the engine catches the resulting
``TimeoutError``, disables the pattern for the rest of the run and reports it
as that rule's fault, so one bad rule never hangs a diagnosis.
"""

from __future__ import annotations

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "Pattern", "compile_pattern"]

from dataclasses import dataclass, field
from typing import Any

import regex

from prodrescue.rules.prefilter import required_literals

# Per search. A sane pattern takes microseconds on a 64 KiB event; a tenth of
# a second is far beyond that and still short enough not to stall a run.
DEFAULT_TIMEOUT_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled rule regex and the names of its capture groups."""

    source: str
    compiled: Any = field(repr=False)
    captures: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    gate: frozenset[str] | None = None

    def search(self, text: str, present: frozenset[str] | None = None) -> Any:
        """Search ``text``; raises ``TimeoutError`` past the time limit.

        ``present`` holds the prefilter strings found in the event: when the
        pattern's gate shares none of them, the pattern cannot match and is
        not run. None means that the prefilter was not applied.
        """
        if present is not None and self.gate is not None and self.gate.isdisjoint(present):
            return None
        return self.compiled.search(text, timeout=self.timeout)


def compile_pattern(
    source: str, case_sensitive: bool = False, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Pattern:
    """Compile a rule regex; case-insensitive unless asked otherwise.

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
