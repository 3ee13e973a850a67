"""Split a log line into its header (timestamp, level, thread, logger) and message.

The parser needs no configuration. It scans the start of the line for the
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

from prodrescue.ingest.timestamps import match_clock, match_timestamp, timestamp_from_epoch
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

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{1,12}")
_NUMBER = re.compile(r"#?\d{1,10}(?=[\s\]:,|])")
_SEPARATOR = re.compile(r":|(?:-{1,3}|\||,|>|=>)(?=\s|$|\[)")
# Redis marks the level with one character after the timestamp: "." debug,
# "-" verbose, "*" notice, "#" warning. The first two are read only after
# Redis's pid:role prefix, because elsewhere they are separators.
_REDIS_LEVEL_MARKS = {"*": Level.NOTICE, "#": Level.WARNING}
_REDIS_MINOR_MARKS = {"-": Level.DEBUG, ".": Level.DEBUG}
# Redis 3+ writes "pid:role" before the timestamp (6027:M 22 Jan ...).
_REDIS_PID_ROLE = re.compile(r"\d{1,10}:[MSCX](?= )")
# Redis's signal handler logs with an epoch time: "1:signal-handler (1705031110) Received SIGTERM"
_REDIS_SIGNAL = re.compile(r"\d{1,10}:signal-handler \((?P<epoch>\d{9,11})\) ")
# Common and combined access-log format: host ident user [timestamp] "request"
_ACCESS_LOG = re.compile(r"[\w.:-]+ \S+ \S+ \[(?P<stamp>[^\]]{10,40})\] (?=\")")
# RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
_RFC5424 = re.compile(
    r"<(?P<priority>\d{1,3})>1 (?P<stamp>\S+) (?P<program>\S+ \S+ \S+) \S+ "
    r"(?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: |$)"
)
_SYSLOG_PRIORITY = re.compile(r"<(?P<priority>\d{1,3})>")
# A dotted name that ends in Exception, Error or similar is the start of a
# message ("java.lang.OutOfMemoryError: Java heap space"), not a logger name.
_LOGGER = re.compile(
    r"(?![\w$.]*(?:Exception|Error|Throwable|Fault|Warning)\b)"
    r"[A-Za-z_$][\w$]*(?:[.$][\w$<>-]+)+(?::\d+)?(?=\s*[:-]\s|:$|\s*:\s)"
    r"|[A-Za-z_][\w.$]*:\d+\](?=\s)"  # klog and glog source location: file.go:53]
    r"|[\w./-]+\.\w+:\d+(?=\s)"  # zap and Go caller: payments/client.go:88
)
# Spring Boot pads the logger name and separates it with " : ". The name may contain
# brackets, as in o.a.c.c.C.[.[.[/].[dispatcherServlet].
_SPRING_LOGGER = re.compile(r"[^\s:]*\.[^\s:]*\s+:\s|[^\s:]+\s{2,}:\s")
_PROGRAM = re.compile(
    r"(?:(?P<host>[A-Za-z0-9][\w.-]*)\s+)?(?P<program>[A-Za-z][\w./()@-]*)"
    r"\[(?P<pid>[\w.:-]{1,32})\]:(?=\s)"
)
# After a syslog timestamp: host and program name without a pid ("web-1 kernel: ").
_SYSLOG_HOST_PROGRAM = re.compile(r"(?P<host>[A-Za-z0-9][\w.-]*)\s+(?P<program>[A-Za-z][\w./()@-]*):(?=\s)")
# pino-pretty: "ERROR (4711 on api-1): message"
_PINO_PROCESS = re.compile(r"\(\d{1,10}(?: on [\w.-]+)?\):")
# nginx error log: "pid#tid: "
_NGINX_PROCESS = re.compile(r"\d{1,10}#\d{1,10}:(?=\s)")
# PostgreSQL's %u@%d in log_line_prefix, including [unknown]@[unknown].
_USER_AT_DATABASE = re.compile(r"[\w.\[\]-]*@[\w.\[\]-]*(?=\s)")
# PostgreSQL's "[%l-N]" when it logs to syslog: message number and line of the message.
_PG_SYSLOG_LINE = re.compile(r"\d{1,10}-(?P<part>\d{1,5})")
# Amazon RDS's PostgreSQL prefix "%t:%r:%u@%d:[%p]:" after the timestamp:
# ":10.0.1.5(51300):app@shop:[8812]:", with an empty host part for local processes.
_RDS_PREFIX = re.compile(r":(?:\[local\]|[\w.:-]*(?:\(\d{1,5}\))?)?:[\w.\[\]-]*@[\w.\[\]-]*:\[\d{1,10}\]:")
# PostgreSQL's "user=%u,db=%d,app=%a,client=%h" in log_line_prefix (values may be empty).
_PREFIX_KEYS = re.compile(r"(?:user|db|database|app|client|host|remote)=[^\s=]*(?:,\w+=[^\s=]*)*(?=\s)")
# Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s": a logger
# name without dots is taken only when a level word follows it the same way.
_DASHED_LOGGER = re.compile(r"(?P<name>[\w.$<>-]+) - (?=(?P<level>[A-Za-z]{3,8}) - )")
# The time that Docker and kubectl put before each line with --timestamps: RFC
# 3339 with nanoseconds (trailing zeros may be cut). Applications rarely log
# more than microseconds, so a line that starts this way was stamped by the runtime.
_RUNTIME_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7,9}(?:Z|[+-]\d\d:\d\d)")
# journalctl -o short-iso: 2024-01-12T03:47:01+0000 (short-iso-precise adds microseconds)
_JOURNAL_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?[+-]\d{4}")
# Heroku's platform errors: "Error R14 (Memory quota exceeded)", "Error H12 (Request timeout)"
_HEROKU_ERROR = re.compile(r"Error [HRL]\d{2} \(")
# Go's runtime errors that end the program: "fatal error: concurrent map writes"
_GO_FATAL = "fatal error: "
# Node's process warnings: "(node:7) [DEP0040] DeprecationWarning: ..."
_NODE_WARNING = re.compile(r"\(node:\d{1,10}\) (?:\[[\w-]+\] )?(?=\w*Warning: )")
_PYTHON_DEFAULT = re.compile(r"(?P<level>[A-Z]{4,8}):(?P<logger>[\w.]+):")
_RUBY_LOGGER = re.compile(r"[DIWEFAU], (?=\[)")
_MAX_HEADER_CHARS = 240
_MAX_BRACKET_CHARS = 120


@dataclass(slots=True)
class ParsedHeader:
    """Result of the header scan. ``message_start`` is an index into the original text.

    ``clock`` is set for a time of day without a date (not a timestamp).
    ``indented`` is set when the header is an ISO 8601 timestamp with no level or
    program and the message after it is indented, as continuation lines are in
    ``docker logs --timestamps``. ``wrapped_start`` is set (not -1) when the
    header wraps another program's line: a syslog or journald header, or a
    lone ISO 8601 timestamp that a container runtime put before the line. It
    is the index where that line begins, its indentation kept.
    """

    message_start: int
    timestamp: datetime | None = None
    zone_known: bool = False
    level: Level | None = None
    secondary: bool = False
    logger: str | None = None
    clock: bool = False
    indented: bool = False
    syslog: bool = False
    after_program: bool = False
    timestamp_end: int = 0
    format: str = "text"
    redis: bool = False
    wrapped_start: int = -1
    program: str = ""

    @property
    def found(self) -> bool:
        """Whether the scan found a timestamp, a time of day or a level, which only a header contains."""
        return self.timestamp is not None or self.level is not None or self.clock


class HeaderParser:
    """Parse line headers, tracking the year for formats that omit it.

    One parser serves one source, because the year carried over from full
    timestamps, and the rollover from December to January, are per file.
    """

    def __init__(self, reference_year: int) -> None:
        self._year = reference_year
        self._last_month = 0

    def parse(self, text: str) -> ParsedHeader:
        """Parse the header at the start of ``text``, updating the tracked year from its timestamp."""
        result = ParsedHeader(0)
        pos = 0
        rfc5424 = _RFC5424.match(text)
        if rfc5424:
            result.level = level_from_syslog_priority(int(rfc5424["priority"]))
            result.format = "rfc5424"
            stamp = match_timestamp(rfc5424["stamp"], 0, self._year)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
            result.message_start = result.wrapped_start = rfc5424.end()
            result.program = rfc5424["program"]
            return result
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
            result.redis = True
        node_warning = _NODE_WARNING.match(text, pos)
        if node_warning:
            result.level = Level.WARNING
            result.message_start = node_warning.end()
            return result
        if text.startswith(_GO_FATAL, pos):
            result.level = Level.FATAL  # the message keeps "fatal error:"
            return result
        if _HEROKU_ERROR.match(text, pos):
            result.level = Level.ERROR
            return result
        signal = _REDIS_SIGNAL.match(text, pos)
        if signal:
            result.timestamp, result.zone_known = timestamp_from_epoch(float(signal["epoch"])), True
            result.level = Level.WARNING
            result.message_start = signal.end()
            return result

        solid_end = pos  # end of the last piece that certainly belongs to the header
        limit = min(len(text), _MAX_HEADER_CHARS)
        while pos < limit:
            while pos < limit and text[pos] in " \t":
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
            # After a level with no timestamp (``ERROR:  text``), the header ends
            # unless a timestamp follows at once, as in Ruby's Logger format.
            if (
                result.level is not None
                and result.timestamp is None
                and not result.clock
                and pos > 0
                and not self._timestamp_follows(text, pos)
            ):
                break
        stamp_end = result.timestamp_end
        if stamp_end and text.startswith(" ", stamp_end) and _RUNTIME_TIMESTAMP.fullmatch(text, 0, stamp_end):
            result.wrapped_start = stamp_end + 1
        start = solid_end
        while start < len(text) and text[start] in " \t":
            start += 1
        result.message_start = start
        if result.timestamp_end and result.level is None and not result.after_program:
            # docker --timestamps: "<RFC 3339 time> <original line>", so an indented
            # original line shows as a wide gap. A digit after the gap is a pid
            # column (Android logcat pads pids), not indentation.
            rest = text[result.timestamp_end :]
            body = rest.lstrip(" \t")
            gap = len(rest) - len(body)
            result.indented = (gap >= 2 or rest.startswith("\t")) and not body[:1].isdigit()
        return result

    def _timestamp_follows(self, text: str, pos: int) -> bool:
        while pos < len(text) and text[pos] in " [":
            pos += 1
        return match_timestamp(text, pos, self._year) is not None

    def _scan_piece(self, text: str, pos: int, result: ParsedHeader, solid_end: int) -> int | None:
        """Consume one header piece at ``pos`` and record it in ``result``.

        Returns its end, the negated end for a tentative piece, or None when
        the text at ``pos`` is not header.
        """
        char = text[pos]
        if result.found:
            user = _USER_AT_DATABASE.match(text, pos) or _PREFIX_KEYS.match(text, pos)
            if user:
                return -user.end()
        if char == "[":
            return self._scan_bracket(text, pos, result)
        if char == "(" and result.level is not None:
            process = _PINO_PROCESS.match(text, pos)
            return process.end() if process else None

        if result.timestamp is None and not result.clock:
            stamp = match_timestamp(text, pos, self._year)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
                # journalctl's short-iso writes a host and program after an ISO
                # time with a four-digit offset, as syslog does after its own.
                result.syslog = stamp.form == "syslog" or bool(
                    _JOURNAL_TIMESTAMP.fullmatch(text, pos, stamp.end)
                )
                if stamp.form in ("syslog", "klog"):
                    result.format = stamp.form
                result.timestamp_end = stamp.end if stamp.form == "iso" else 0
                if stamp.level is not None and result.level is None:
                    result.level = stamp.level
                return stamp.end
            clock_end = match_clock(text, pos)
            if clock_end is not None:
                result.clock = True
                return clock_end

        if char.isalpha():
            return self._scan_word(text, pos, result, solid_end)

        mark = _REDIS_LEVEL_MARKS.get(char) or (_REDIS_MINOR_MARKS.get(char) if result.redis else None)
        if (
            mark is not None
            and result.timestamp is not None
            and result.level is None
            and text.startswith(" ", pos + 1)
        ):
            result.level = mark
            return pos + 1

        if result.found:
            nginx = _NGINX_PROCESS.match(text, pos) or (
                _RDS_PREFIX.match(text, pos) if result.timestamp is not None else None
            )
            if nginx:
                return nginx.end()
            number = _NUMBER.match(text, pos)
            if number:
                return -number.end()
            separator = _SEPARATOR.match(text, pos)
            if separator:
                return separator.end()
        return None

    def _scan_word(self, text: str, pos: int, result: ParsedHeader, solid_end: int) -> int | None:
        """Consume a piece that starts with a letter: a level, a program, a logger."""
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
        if not result.found:
            return None
        program = _PROGRAM.match(text, pos)
        if program is None and result.syslog and result.level is None and not result.after_program:
            program = _SYSLOG_HOST_PROGRAM.match(text, pos)
        if program:
            result.after_program = True
            if result.timestamp is not None:
                # A syslog or journald header: the program's own line follows.
                end = program.end()
                result.wrapped_start = end + 1 if text.startswith(" ", end) else end
                result.program = program.group().rstrip(":")
            return program.end()
        if result.after_program:
            return None  # "systemd[1]: payments.service: ..." - the unit name is message
        dashed = _DASHED_LOGGER.match(text, pos)
        if dashed and result.level is None and parse_level(dashed["level"]) is not None:
            result.logger = dashed["name"]
            return dashed.end()
        logger = _LOGGER.match(text, pos)
        if logger:
            result.logger = logger.group().rstrip("]")
            return logger.end()
        if result.level is not None:
            spring = _SPRING_LOGGER.match(text, pos)
            if spring:
                result.logger = spring.group().split()[0]
                return spring.end()
        if result.level is None and result.logger is None and word:
            # A host or program name counts as header only if more header follows it.
            return -word.end() if pos == solid_end else None
        return None

    def _scan_bracket(self, text: str, pos: int, result: ParsedHeader) -> int | None:
        close = text.find("]", pos + 1, pos + 1 + _MAX_BRACKET_CHARS)
        if close < 0:
            return None
        inner = text[pos + 1 : close].strip()
        if (
            result.after_program
            and parse_level(inner) is None
            and match_timestamp(inner, 0, self._year) is None
        ):
            return None  # "kernel: [12345.678901] ..." - the bracket is message
        if result.timestamp is None and not result.clock:
            stamp = match_timestamp(inner, 0, self._year)
            clock_end = None if stamp is not None else match_clock(inner, 0)
            if stamp is not None:
                self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
            elif clock_end is not None:
                result.clock = True
            if stamp is not None or clock_end is not None:
                # Serilog's console writes the level inside the same brackets,
                # [03:47:01 ERR], and Celery with its process, [...,123: ERROR/ForkPoolWorker-3].
                rest = inner[stamp.end if stamp is not None else clock_end :].strip(" :").split()
                if len(rest) == 1 and result.level is None:
                    result.level = parse_level(rest[0].partition("/")[0])
                return close + 1
        if result.level is None:
            # A bracketed level: CoreDNS's [INFO], or Apache 2.4's "[module:level]"
            # such as [proxy:error].
            word = inner.rpartition(":")[2]
            level = parse_level(word)
            if level is not None and word.isalnum() and not word.isdigit():
                result.level = level
                return self._skip_colon(text, close + 1)
        if not result.found:
            # Before any timestamp or level, only a bracketed pid as Redis writes it
            # ([6027] 22 Jan ...) can start a header, and only tentatively. So can
            # the [message-line] numbers of PostgreSQL's syslog output, where a
            # line number above 1 continues the message.
            line_number = _PG_SYSLOG_LINE.fullmatch(inner)
            if line_number:
                result.secondary = result.secondary or line_number["part"] != "1"
                return -(close + 1)
            if inner.isdigit():
                return -(close + 1)
            return None
        return close + 1

    @staticmethod
    def _is_secondary(text: str, word: str, end: int) -> bool:
        return word in _SECONDARY_WORDS and text.startswith(":", end)

    @staticmethod
    def _level_word(text: str, word: str, end: int) -> Level | None:
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
            # For formats without a year, a month more than six below the
            # previous one means that the log crossed New Year.
            crossed = bool(self._last_month) and value.month + 6 < self._last_month
            if crossed and self._year < datetime.max.year:
                self._year += 1
            if value.year != self._year:
                try:
                    value = value.replace(year=self._year)
                except ValueError:  # 29 February in a year that has none
                    value = value.replace(year=self._year, day=28)
        self._last_month = value.month
        result.timestamp = value
        result.zone_known = zone_known
