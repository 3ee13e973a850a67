"""Words of a line header: level words, PostgreSQL's secondary fields and logger names.

:class:`~prodrescue.ingest.header.HeaderParser` calls these on a piece that
starts with a letter. Whether a word is a level depends on what follows it,
because level words also start ordinary messages.
"""

from __future__ import annotations

__all__ = ["LoggerName", "is_secondary_word", "level_word", "match_logger", "match_ruby_marker"]

import re
from dataclasses import dataclass

from prodrescue.levels import Level, parse_level

# Level words that are accepted only with a colon or inside brackets, because
# as bare words they are common at the start of ordinary messages.
_LEVEL_WORDS_NEEDING_MARK = frozenset(
    {
        "LOG",
        "NOTE",
        "ALERT",
        "CONFIG",
        "FINE",
        "FINER",
        "FINEST",
        "VERBOSE",
        "SEVERE",
        "SYSTEM",
        "SILLY",
        "INFORMATION",
        "INFORMATIONAL",
        "EMERGENCY",
        "CRIT",
        "PANIC",
        "FAIL",
        "DBUG",
        "TRCE",
    }
)
# PostgreSQL continuation fields, which belong to the message logged before them.
_SECONDARY_WORDS = frozenset({"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"})
# A dotted name that ends in Exception, Error or similar is the start of a
# message ("java.lang.OutOfMemoryError: Java heap space"), not a logger name.
_LOGGER = re.compile(
    r"(?![\w$.]*(?:Exception|Error|Throwable|Fault|Warning)\b)"
    r"[A-Za-z_$][\w$]*(?:[.$][\w$<>-]+)+(?::\d+)?(?=\s*[:-]\s|:$|\s*:\s)"
    r"|[A-Za-z_][\w.$]*:\d+\](?=\s)"  # klog and glog source location: file.go:53]
    r"|[\w./-]+\.\w+:\d+(?=\s)"  # zap and Go caller: payments/client.go:88
)
# oslo.log (OpenStack) writes the logger name before a bracketed request
# context: "WARNING cinder.volume.manager [req-0f9e... admin demo - - -] message".
_LOGGER_BEFORE_BRACKET = re.compile(
    r"(?![\w$.]*(?:Exception|Error|Throwable|Fault|Warning)\b)[A-Za-z_$][\w$]*(?:[.$][\w$<>-]+)+(?= \[)"
)
# Spring Boot pads the logger name and separates it with " : ". The name may contain
# brackets, as in o.a.c.c.C.[.[.[/].[dispatcherServlet].
_SPRING_LOGGER = re.compile(r"[^\s:]*\.[^\s:]*\s+:\s|[^\s:]+\s{2,}:\s")
# Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s": a logger
# name without dots is taken only when a level word follows it the same way.
_DASHED_LOGGER = re.compile(r"(?P<name>[\w.$<>-]+) - (?=(?P<level>[A-Za-z]{3,8}) - )")
# Ruby's Logger: "E, [2024-01-12T03:47:01.123456 #21] ERROR -- : ..."
_RUBY_LOGGER = re.compile(r"[DIWEFAU], (?=\[)")


@dataclass(frozen=True, slots=True)
class LoggerName:
    """A logger name in a header. ``context_follows`` is set when a bracketed context follows it."""

    name: str
    end: int
    context_follows: bool = False


def level_word(text: str, word: str, end: int) -> Level | None:
    """Return the level that ``word`` names, or None unless it appears where a header puts one.

    Upper case (ERROR) needs a space, colon, comma, bracket, bar or tab
    after it, or the end of the text. A title-case or lower-case word
    (Error, error) needs a colon, a bracket, a tab or a column gap after
    it, because as a plain word it starts many messages ("Error connecting
    to database"). Words in ``_LEVEL_WORDS_NEEDING_MARK`` need a colon.
    """
    next_char = text[end] if end < len(text) else ""
    if next_char not in ("", " ", ":", ",", "]", "|", "\t"):
        return None
    marked = next_char in (":", "]", "\t", "") or text.startswith("  ", end)
    if not (word.isupper() or marked):
        return None
    if word.upper() in _LEVEL_WORDS_NEEDING_MARK and next_char != ":":
        return None
    return parse_level(word)


def is_secondary_word(text: str, word: str, end: int) -> bool:
    """Return whether ``word`` starts a PostgreSQL continuation line ("DETAIL:", "HINT:", ...)."""
    return word in _SECONDARY_WORDS and text.startswith(":", end)


def match_ruby_marker(text: str, pos: int) -> int | None:
    """Return the end of Ruby Logger's severity letter and comma, or None."""
    match = _RUBY_LOGGER.match(text, pos)
    return match.end() if match else None


def match_logger(text: str, pos: int, level_known: bool) -> LoggerName | None:
    """Match a logger name at ``pos``.

    A name without dots counts only in Python's "name - LEVEL - " layout, and
    Spring Boot's padded names and oslo.log's name before a bracket only after
    a level (``level_known``).
    """
    dashed = _DASHED_LOGGER.match(text, pos)
    if dashed and not level_known and parse_level(dashed["level"]) is not None:
        return LoggerName(dashed["name"], dashed.end())
    logger = _LOGGER.match(text, pos)
    if logger:
        return LoggerName(logger.group().rstrip("]"), logger.end())
    if not level_known:
        return None
    spring = _SPRING_LOGGER.match(text, pos)
    if spring:
        return LoggerName(spring.group().split()[0], spring.end())
    named = _LOGGER_BEFORE_BRACKET.match(text, pos)
    if named:
        return LoggerName(named.group(), named.end(), context_follows=True)
    return None
