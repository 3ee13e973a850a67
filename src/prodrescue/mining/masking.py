"""Masking: replace variable parts of a message with typed placeholders before mining.

One combined regular expression finds every variable in one pass. Each kind
has one placeholder, whatever its length, because masking long and short
numbers differently would split one log statement into two templates. The
values found are returned with their kind, so that an event keeps its typed
parameters (number, duration, size, IP, id, ...).
"""

from __future__ import annotations

__all__ = ["PLACEHOLDERS", "Masker"]

import re

# Order matters, because where two alternatives could match, the earlier one wins.
# So a UUID is not a hex id, and "5000ms" is a duration, not a number followed by text.
_KINDS: tuple[tuple[str, str], ...] = (
    ("URL", r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>()\[\]{}]+"),
    ("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    ("UUID", r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
    ("IP", r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.]*\d)"),
    # IPv6: eight groups, or a "::" abbreviation. Clock times (03:47:01) have
    # too few groups and no "::", so they stay numbers.
    (
        "IP",
        r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"
        r"|(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?)(?![\w:])",
    ),
    (
        "HEX",
        r"\b0[xX][0-9a-fA-F]+\b|(?<![\w-])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)"
        r"[0-9a-fA-F]{8,}(?![\w-])",
    ),
    (
        "DURATION",
        r"(?<![\w.])\d+(?:\.\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?"
        r"|h|hr|hrs|hours?|d|days?)(?![\w/])",
    ),
    ("SIZE", r"(?<![\w.])\d+(?:\.\d+)?(?:\s?(?:[KMGTP]i?B|[kKMGTP]b|bytes)|[KMGT])(?![\w/])"),
    ("NUM", r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*%?(?![\w])"),
)

PLACEHOLDERS = frozenset(f"<{kind}>" for kind, _ in _KINDS)


class Masker:
    """Masker that replaces variables with ``<KIND>`` placeholders and collects their values."""

    def __init__(self) -> None:
        alternatives = []
        self._kind_of_group: dict[str, str] = {}
        for index, (kind, pattern) in enumerate(_KINDS):
            group = f"k{index}"
            self._kind_of_group[group] = kind
            alternatives.append(f"(?P<{group}>{pattern})")
        self._pattern = re.compile("|".join(alternatives))

    def mask(self, message: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Return the masked message and the ``(kind, value)`` pairs in order."""
        values: list[tuple[str, str]] = []
        kinds = self._kind_of_group

        def replace(match: re.Match[str]) -> str:
            kind = kinds[match.lastgroup or ""]
            values.append((kind, match.group()))
            return f"<{kind}>"

        masked = self._pattern.sub(replace, message)
        return masked, tuple(values)
