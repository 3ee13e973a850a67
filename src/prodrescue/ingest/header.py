"""Split a log line into its header (timestamp, level, thread, logger) and message.

The parser needs no configuration: it scans the start of the line for the
pieces that log headers are made of, in any order, and stops at the first
thing that is not one of them. Pieces that are only plausible (a bare number
that could be a pid, a word that could be a host) count only when more header
follows them, so that a message that happens to start with a number keeps it.
"""

from __future__ import annotations

__all__ = ["HeaderParser", "ParsedHeader"]

import re
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.timestamps import match_timestamp
from prodrescue.levels import Level, level_from_syslog_priority, parse_level

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
        "INFORMATION",
        "INFORMATIONAL",
        "EMERGENCY",
        "CRIT",
        "PANIC",
    }
)
# PostgreSQL continuation fields: they belong to the message logged before them.
_SECONDARY_WORDS = frozenset({"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"})
_TITLE_CASE_LEVELS = frozenset(
    {
        "Trace",
        "Debug",
        "Info",
        "Information",
        "Notice",
        "Warn",
        "Warning",
        "Error",
        "Critical",
        "Fatal",
        "Verbose",
    }
)

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{1,12}")
_NUMBER = re.compile(r"#?\d{1,10}(?=[\s\]:,|])")
_SEPARATOR = re.compile(r":|(?:-{1,3}|\||,|>|=>)(?=\s|$|\[)")
# Redis marks the level with one character after the timestamp.
_REDIS_LEVEL_MARKS = {"*": Level.NOTICE, "#": Level.WARNING}
# Redis 3+ writes "pid:role" before the timestamp (6027:M 22 Jan ...).
_REDIS_PID_ROLE = re.compile(r"\d{1,10}:[MSCX](?= )")
# Common and combined access-log format: host ident user [timestamp] "request"
_ACCESS_LOG = re.compile(r"[\w.:-]+ \S+ \S+ \[(?P<stamp>[^\]]{10,40})\] (?=\")")
_LOGGER = re.compile(
    r"[A-Za-z_$][\w$]*(?:[.$][\w$<>-]+)+(?::\d+)?(?=\s*[:-]\s|:$|\s*:\s)"
    r"|[A-Za-z_][\w.$]*:\d+\](?=\s)"  # klog and glog source location: file.go:53]
)
_PROGRAM = re.compile(
    r"(?:(?P<host>[A-Za-z0-9][\w.-]*)\s+)?(?P<program>[A-Za-z][\w./()@-]*)"
    r"\[(?P<pid>[\w.:-]{1,32})\]:(?=\s)"
)
_PYTHON_DEFAULT = re.compile(r"(?P<level>[A-Z]{4,8}):(?P<logger>[\w.]+):")
_RUBY_LOGGER = re.compile(r"[DIWEFAU], (?=\[)")
_SYSLOG_PRIORITY = re.compile(r"<(?P<priority>\d{1,3})>(?:1 )?")
_MAX_HEADER_CHARS = 240
_MAX_BRACKET_CHARS = 120


@dataclass(slots=True)
class ParsedHeader:
    """What the header scan found; ``message_start`` indexes the original text."""

    message_start: int
    timestamp: datetime | None = None
    zone_known: bool = False
    level: Level | None = None
    secondary: bool = False
    logger: str | None = None


class HeaderParser:
    """Parse line headers, tracking the year for formats that omit it.

    One parser serves one source, because the year carried over from full
    timestamps, and the rollover from December to January, are per file.
    """

    def __init__(self, reference_year: int) -> None:
        self._year = reference_year
        self._last_month = 0

    def parse(self, text: str) -> ParsedHeader:
        """Scan the header at the start of ``text``."""
        result = ParsedHeader(0)
        pos = 0
        priority = _SYSLOG_PRIORITY.match(text)
        if priority:
            result.level = level_from_syslog_priority(int(priority["priority"]))
            pos = priority.end()

        python_default = _PYTHON_DEFAULT.match(text, pos)
        if python_default and parse_level(python_default["level"]):
            result.level = parse_level(python_default["level"])
            result.logger = python_default["logger"]
            result.message_start = python_default.end()
            return result

        access = _ACCESS_LOG.match(text, pos)
        if access:
            stamp = match_timestamp(access["stamp"], 0, self._year)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
                result.message_start = access.end()
                return result

        redis_prefix = _REDIS_PID_ROLE.match(text, pos)
        if redis_prefix and match_timestamp(text, redis_prefix.end() + 1, self._year):
            pos = redis_prefix.end()

        solid_end = pos  # end of the last piece that surely belongs to the header
        limit = min(len(text), _MAX_HEADER_CHARS)
        while pos < limit:
            while pos < limit and text[pos] == " ":
                pos += 1
            if pos >= limit:
                break
            end = self._scan_piece(text, pos, result, solid_end)
            if end is None:
                break
            if end < 0:  # a tentative piece: consumed, but not yet a header
                pos = -end
                continue
            pos = solid_end = end
            # A level with no timestamp (``ERROR:  text``): the header is done
            # unless a timestamp follows at once, as in Ruby's Logger format.
            if (
                result.level is not None
                and result.timestamp is None
                and pos > 0
                and not self._timestamp_follows(text, pos)
            ):
                break
        result.message_start = solid_end
        while result.message_start < len(text) and text[result.message_start] == " ":
            result.message_start += 1
        return result

    def _timestamp_follows(self, text: str, pos: int) -> bool:
        while pos < len(text) and text[pos] in " [":
            pos += 1
        return match_timestamp(text, pos, self._year) is not None

    def _scan_piece(self, text: str, pos: int, result: ParsedHeader, solid_end: int) -> int | None:
        """Consume one header piece at ``pos``.

        Returns its end, the negated end for a tentative piece, or None when
        the text at ``pos`` is not header.
        """
        found_header = result.timestamp is not None or result.level is not None
        char = text[pos]

        if char == "[":
            return self._scan_bracket(text, pos, result)

        if result.timestamp is None:
            stamp = match_timestamp(text, pos, self._year)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
                if stamp.level is not None and result.level is None:
                    result.level = stamp.level
                return stamp.end

        if char.isalpha():
            ruby = _RUBY_LOGGER.match(text, pos)
            if ruby:
                return ruby.end()
            word = _WORD.match(text, pos)
            if word and result.level is None and not result.secondary:
                if self._is_secondary(text, word.group(), word.end()):
                    result.secondary = True
                    return self._skip_colon(text, word.end())
                level = self._level_word(text, word.group(), word.end())
                if level is not None:
                    result.level = level
                    return self._skip_colon(text, word.end())
            if found_header:
                program = _PROGRAM.match(text, pos)
                if program:
                    return program.end()
                logger = _LOGGER.match(text, pos)
                if logger:
                    result.logger = logger.group().rstrip("]")
                    return logger.end()
                if result.level is None and result.logger is None and word:
                    # A host name or a program name before more header: tentative.
                    return -word.end() if pos == solid_end else None
            return None

        if (
            char in _REDIS_LEVEL_MARKS
            and result.timestamp is not None
            and result.level is None
            and text.startswith(" ", pos + 1)
        ):
            result.level = _REDIS_LEVEL_MARKS[char]
            return pos + 1

        if found_header:
            number = _NUMBER.match(text, pos)
            if number:
                return -number.end()
            separator = _SEPARATOR.match(text, pos)
            if separator:
                return separator.end()
        return None

    def _scan_bracket(self, text: str, pos: int, result: ParsedHeader) -> int | None:
        close = text.find("]", pos + 1, pos + 1 + _MAX_BRACKET_CHARS)
        if close < 0:
            return None
        inner = text[pos + 1 : close].strip()
        if result.timestamp is None:
            stamp = match_timestamp(inner, 0, self._year)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
                return close + 1
        if result.level is None:
            level = parse_level(inner)
            if level is not None and inner.isalpha():
                result.level = level
                return self._skip_colon(text, close + 1)
        if result.timestamp is None and result.level is None:
            # Brackets before any timestamp or level: a pid as Redis writes it
            # ([6027] 22 Jan ...) or a CoreDNS-style [INFO]; otherwise not header.
            if inner.isdigit():
                return -(close + 1)
            return None
        return close + 1

    @staticmethod
    def _is_secondary(text: str, word: str, end: int) -> bool:
        return word in _SECONDARY_WORDS and text.startswith(":", end)

    @staticmethod
    def _level_word(text: str, word: str, end: int) -> Level | None:
        next_char = text[end] if end < len(text) else ""
        if next_char not in ("", " ", ":", ",", "]", "|", "\t"):
            return None
        if not (word.isupper() or word in _TITLE_CASE_LEVELS or next_char == ":"):
            return None
        if word.upper() in _LEVEL_WORDS_NEEDING_MARK and next_char != ":":
            return None
        return parse_level(word)

    @staticmethod
    def _skip_colon(text: str, pos: int) -> int:
        if pos < len(text) and text[pos] == ":":
            return pos + 1
        return pos

    def _accept_timestamp(
        self, result: ParsedHeader, value: datetime, zone_known: bool, year_known: bool
    ) -> None:
        if year_known:
            self._year = value.year
        else:
            # Formats without a year: a month far below the previous one means
            # the log crossed New Year.
            if self._last_month and value.month + 6 < self._last_month:
                self._year += 1
            if value.year != self._year:
                try:
                    value = value.replace(year=self._year)
                except ValueError:  # 29 February in a year that has none
                    value = value.replace(year=self._year, day=28)
        self._last_month = value.month
        result.timestamp = value
        result.zone_known = zone_known
