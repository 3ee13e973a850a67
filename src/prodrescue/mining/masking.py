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

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
# Top-level domains that mark a dotted name as a host name. File extensions
# that are also country codes (.py, .pl, .sh, .md, ...) are left out, so that
# file names stay constant.
_TLDS = (
    "com|net|org|edu|gov|mil|int|io|co|info|biz|local|internal|lan|cloud|dev|app"
    "|uk|de|fr|jp|cn|hk|ru|br|in|au|ca|nl|kr|tw|it|es|se|ch|pl|eu|us"
)
_HOST_NAME = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"

# Order matters, because where two alternatives could match, the earlier one wins.
# So a UUID is not a hex id, and "5000ms" is a duration, not a number followed by text.
_KINDS: tuple[tuple[str, str], ...] = (
    ("URL", r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s\"'<>()\[\]{}]+"),
    ("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    # A date and time written inside a message, in the common long forms:
    # "Sun Jul  3 10:05:25 2005", "Jul  3 10:05:25", "2024-03-12T03:47:01.5Z".
    (
        "DATETIME",
        rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+{_CLOCK}(?:\s+[A-Z]{{3,4}})?(?:\s+\d{{4}})?\b"
        rf"|\b\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]{_CLOCK}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?(?![\w:])",
    ),
    ("UUID", r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
    ("IP", r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.]*\d)"),
    # IPv6: eight groups, or a "::" abbreviation. Clock times (03:47:01) have
    # too few groups and no "::", so they stay times.
    (
        "IP",
        r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"
        r"|(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?)(?![\w:])",
    ),
    # A host name with a port, or one that ends in a common top-level domain.
    (
        "HOST",
        rf"(?<![\w.-])(?=[\w-]+\.)(?:{_HOST_NAME}[A-Za-z][A-Za-z0-9-]*:\d{{1,5}}(?![\w.])"
        rf"|{_HOST_NAME}(?:{_TLDS})(?::\d{{1,5}})?(?![\w.-]))",
    ),
    (
        "MAC",
        r"(?<![\w:-])[0-9A-Fa-f]{2}(?P<mac_separator>[:-])[0-9A-Fa-f]{2}"
        r"(?:(?P=mac_separator)[0-9A-Fa-f]{2}){4}(?![\w:-])",
    ),
    # An identifier that ends in numbers after "_" ("job_1445144423722_0020",
    # "blk_-3544583377289625738"), or after "-" with two or more digits
    # ("node-246"). A single trailing digit ("eth1", "HikariPool-1") is not enough.
    (
        "ID",
        r"(?<![\w.-])(?=[\w-]*[_-]-?\d)[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*(?:_-?\d+|-\d{2,})(?![\w.-])",
    ),
    # An absolute file or URL path with at least two parts, Unix or Windows.
    ("PATH", r"(?<![\w.:/<>])/(?:[\w.@%+~-]+/)+[\w.@%+~-]*|\b[A-Za-z]:\\(?:[\w .@%+~-]+\\)*[\w.@%+~-]+"),
    (
        "HEX",
        r"\b0[xX][0-9a-fA-F]+\b|(?<![\w-])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)"
        r"[0-9a-fA-F]{8,}(?![\w-])",
    ),
    # A clock time or an elapsed time written as one ("00:12", "03:47:01.123").
    ("TIME", rf"(?<![\w.:]){_CLOCK}(?![\w:])"),
    (
        "DURATION",
        r"(?<![\w.])\d+(?:\.\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?"
        r"|h|hr|hrs|hours?|d|days?)(?![\w/])|<\d+ ?(?:ms|s|sec)\b",
    ),
    # A size, with the rounded size that some programs add in brackets: "1257 bytes (1.22 KB)".
    (
        "SIZE",
        r"(?<![\w.])\d+(?:\.\d+)?(?:\s?(?:[KMGTP]i?B|[kKMGTP]b|bytes)|[KMGT])"
        r"(?:\s\(\d+(?:\.\d+)?\s?[KMGTP]i?B\))?(?![\w/])",
    ),
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
        # Every kind starts where no word character comes before it, so one shared
        # check skips the positions inside words before any alternative is tried.
        self._pattern = re.compile("(?<!\\w)(?:" + "|".join(alternatives) + ")")

    def mask(self, message: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Return the masked message and the ``(kind, value)`` pairs in order."""
        masked, spans = self.mask_spans(message)
        return masked, tuple((kind, message[start:end]) for kind, start, end in spans)

    def mask_spans(self, message: str) -> tuple[str, tuple[tuple[str, int, int], ...]]:
        """Return the masked message and the ``(kind, start, end)`` of each value in ``message``.

        No pattern depends on which digit a position holds (each matches any
        digit where it matches one), so messages that differ only in their digits get the same
        masked text and the same spans. :class:`prodrescue.mining.Miner` relies
        on that to cache the result under the message with its digits zeroed.
        """
        spans: list[tuple[str, int, int]] = []
        kinds = self._kind_of_group

        def replace(match: re.Match[str]) -> str:
            kind = kinds[match.lastgroup or ""]
            spans.append((kind, match.start(), match.end()))
            return f"<{kind}>"

        masked = self._pattern.sub(replace, message)
        return masked, tuple(spans)
