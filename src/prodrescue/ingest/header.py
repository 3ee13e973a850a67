"""Split a log line into its header (timestamp, level, thread, logger) and message.

The parser needs no configuration. It scans the start of the line for the
pieces that log headers are made of, in any order, and stops at the first
thing that is not one of them. Pieces that are only plausible (a bare number
that could be a pid, a word that could be a host) count only when more header
follows them, so that a message that happens to start with a number keeps it.

Fixed layouts are matched as a whole first (:mod:`prodrescue.ingest.prefixes`).
The pieces that name a pid, thread or component are in
:mod:`prodrescue.ingest.header_pieces`, and level words and logger names in
:mod:`prodrescue.ingest.header_words`.
"""

from __future__ import annotations

__all__ = ["HeaderParser", "ParsedHeader"]

import re
from datetime import datetime

from prodrescue.ingest.header_pieces import (
    bracket_fields,
    find_bracket_end,
    match_after_timestamp,
    match_column_name,
    match_database_user,
    match_pino_process,
    match_process,
    match_program,
    match_windows_program,
    syslog_line_part,
)
from prodrescue.ingest.header_words import is_secondary_word, level_word, match_logger, match_ruby_marker
from prodrescue.ingest.parsed_header import ParsedHeader
from prodrescue.ingest.prefixes import Prefix, match_prefix, match_rfc5424
from prodrescue.ingest.timestamps import match_clock, match_timestamp
from prodrescue.levels import Level, level_from_syslog_priority, parse_level

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{1,12}")
_NUMBER = re.compile(r"#?\d{1,10}(?=[\s\]:,|])")
_SEPARATOR = re.compile(r":|(?:-{1,3}|\||,|>|=>)(?=\s|$|\[)")
# Redis marks the level with one character after the timestamp: "." debug,
# "-" verbose, "*" notice, "#" warning. The first two are read only after
# Redis's pid:role prefix, because elsewhere they are separators.
_REDIS_LEVEL_MARKS = {"*": Level.NOTICE, "#": Level.WARNING}
_REDIS_MINOR_MARKS = {"-": Level.DEBUG, ".": Level.DEBUG}
# Redis 3+ writes "pid:role" before the timestamp (6027:M 22 Jan ...).
_REDIS_PID_ROLE = re.compile(r"(?P<pid>\d{1,10}):[MSCX](?= )")
_SYSLOG_PRIORITY = re.compile(r"<(?P<priority>\d{1,3})>")
# The time that Docker and kubectl put before each line with --timestamps: RFC
# 3339 with nanoseconds (trailing zeros may be cut). Applications rarely log
# more than microseconds, so a line that starts this way was stamped by the runtime.
_RUNTIME_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7,9}(?:Z|[+-]\d\d:\d\d)")
# journalctl -o short-iso: 2024-01-12T03:47:01+0000 (short-iso-precise adds microseconds)
_JOURNAL_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?[+-]\d{4}")
# Hadoop writes thread names of up to about 180 characters before the logger.
_MAX_HEADER_CHARS = 320
_MAX_BRACKET_CHARS = 240


class HeaderParser:
    """Parse line headers, tracking the year for formats that omit it.

    One parser serves one source, because the year carried over from full
    timestamps, and the rollover from December to January, are per file.
    """

    def __init__(self, reference_year: int, latest: datetime | None = None) -> None:
        self._year = reference_year
        self._last_month = 0
        # With an assumed year, a yearless date later than ``latest`` (now) is
        # taken to be from the year before: logs are not written in the future.
        self._latest = latest
        self.yearless_timestamps = 0

    def parse(self, text: str, program_line: bool = False) -> ParsedHeader:
        """Parse the header at the start of ``text``, updating the tracked year from its timestamp.

        ``program_line`` marks the text after a syslog program's name. There a
        lone timestamp, time of day or level word is the start of the program's
        message: the syslog header dates the line already, and programs such as
        sshd write "error: " as part of the message. The timestamp and the
        level are still read.
        """
        result = ParsedHeader(0)
        pos = 0
        rfc5424 = match_rfc5424(text, self._year)
        if rfc5424 is not None:
            self._apply_prefix(result, rfc5424)
            return result
        priority = _SYSLOG_PRIORITY.match(text)
        if priority:
            result.level = level_from_syslog_priority(int(priority["priority"]))
            pos = priority.end()

        prefix = match_prefix(text, pos, self._year)
        if prefix is not None:
            self._apply_prefix(result, prefix)
            if not prefix.scan_on:
                return result
            pos = prefix.end
        redis_prefix = _REDIS_PID_ROLE.match(text, pos)
        if redis_prefix and match_timestamp(text, redis_prefix.end() + 1, self._year):
            pos = redis_prefix.end()
            result.redis = True
            result.fields["pid"] = redis_prefix["pid"]

        self._scan(text, pos, result)
        if program_line:
            result.keep_program_words(text)
        return result

    def _apply_prefix(self, result: ParsedHeader, prefix: Prefix) -> None:
        if prefix.stamp is not None:
            stamp = prefix.stamp
            self._accept_timestamp(result, stamp.value, stamp.zone_known, stamp.year_known)
        elif prefix.epoch is not None:
            # The epoch's year also dates the yearless syslog time that may follow it.
            self._accept_timestamp(result, prefix.epoch, zone_known=True, year_known=True)
        if prefix.level is not None:
            result.level = prefix.level
        result.logger = prefix.logger or result.logger
        result.add_fields(prefix.fields)
        result.format = prefix.form or result.format
        result.message_start = prefix.end
        result.wrapped_start = prefix.wrapped_start
        result.program = prefix.program
        result.complete = not prefix.scan_on
        result.per_line = prefix.per_line

    def _scan(self, text: str, pos: int, result: ParsedHeader) -> None:
        """Read header pieces from ``pos`` on and set where the message starts."""
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
            if result.pending:
                for pending_fields in result.pending:
                    result.add_fields(pending_fields[1])
                result.pending.clear()
            if result.complete:
                break
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
        result.pending.clear()
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
        if result.found and not (result.syslog and not result.after_program):
            user_end = match_database_user(text, pos)
            if user_end is not None:
                return -user_end
        if char == "[":
            return self._scan_bracket(text, pos, result)
        if char == "(" and result.level is not None:
            return match_pino_process(text, pos)

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

        if result.timestamp is not None and result.level is None and not result.after_program:
            piece = match_after_timestamp(text, pos, bool(result.fields))
            if piece is not None:
                result.add_fields(piece.fields)
                result.level = piece.level or result.level
                result.complete = piece.ends_header
                result.per_line = result.per_line or piece.per_line
                return piece.end

        # "7zFM.exe - ..." can start with a digit.
        windows_program = match_windows_program(text, pos) if result.found and char.isalnum() else None
        if windows_program is not None:
            result.add_fields(windows_program.fields)
            result.complete = True
            return windows_program.end
        # Syslog hosts can start with "#" when anonymised ("#8#/#8#"), and
        # programs can be named by their path ("/opt/tools/bin/collector[99]:").
        if char.isalpha() or (char in "/#" and result.syslog):
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
            return self._scan_number_or_separator(text, pos, result)
        return None

    def _scan_number_or_separator(self, text: str, pos: int, result: ParsedHeader) -> int | None:
        """Consume an nginx or RDS process piece, a number (tentatively) or a separator."""
        process = match_process(text, pos, after_timestamp=result.timestamp is not None)
        if process is not None:
            result.add_fields(process.fields)
            return process.end
        number = _NUMBER.match(text, pos)
        if number:
            # A first bare number is the pid, a second one the thread id.
            pid_known = "pid" in result.fields or any("pid" in item for _, item in result.pending)
            key = "tid" if pid_known else "pid"
            result.pending.append((number.end(), {key: number.group().lstrip("#")}))
            return -number.end()
        separator = _SEPARATOR.match(text, pos)
        if separator:
            return separator.end()
        return None

    def _scan_word(self, text: str, pos: int, result: ParsedHeader, solid_end: int) -> int | None:
        """Consume a piece that starts with a letter: a level, a program, a logger."""
        ruby = match_ruby_marker(text, pos)
        if ruby is not None:
            return ruby
        word = _WORD.match(text, pos)
        if word and result.level is None and not result.secondary:
            if is_secondary_word(text, word.group(), word.end()):
                result.secondary = True
                return self._skip_colon(text, word.end())
            level = level_word(text, word.group(), word.end())
            if level is not None:
                result.level = level
                return self._skip_colon(text, word.end())
        if not result.found or result.logger is not None or result.after_program:
            # One logger or program at most: "thumbnailer[77]: objc[77]: ..." is message.
            return None
        program = match_program(text, pos, result.syslog and result.level is None)
        if program:
            result.after_program = True
            result.add_fields(program.fields)
            if result.timestamp is not None:
                # A syslog or journald header: the program's own line follows,
                # and is parsed on its own.
                end = program.end
                result.wrapped_start = end + 1 if text.startswith(" ", end) else end
                result.program = program.name
                result.per_line = result.complete = True
            return program.end
        logger = match_logger(text, pos, level_known=result.level is not None)
        if logger is not None:
            result.logger = logger.name
            result.context_follows = logger.context_follows
            result.add_fields({"logger": logger.name})
            return logger.end
        column = self._column_name(text, pos, result)
        if column is not None:
            return column
        if result.level is None and word:
            # A host or program name counts as header only if more header follows it.
            return -word.end() if pos == solid_end else None
        return None

    @staticmethod
    def _column_name(text: str, pos: int, result: ParsedHeader) -> int | None:
        """Consume a component name padded to a column after a padded level (Windows CBS)."""
        if result.level is None or result.timestamp is None or result.fields:
            return None
        if not text.startswith("  ", pos - 2):
            return None
        column = match_column_name(text, pos)
        if column is None:
            return None
        result.add_fields(column.fields)
        result.complete = True
        return column.end

    def _scan_bracket(self, text: str, pos: int, result: ParsedHeader) -> int | None:
        close = find_bracket_end(text, pos, _MAX_BRACKET_CHARS)
        if close < 0:
            return None
        inner = text[pos + 1 : close].strip()
        if (
            result.after_program
            and parse_level(inner) is None
            and match_timestamp(inner, 0, self._year) is None
        ):
            return None  # "kernel: [12345.678901] ..." - the bracket is message
        if result.logger is not None:
            if not result.context_follows:
                return None  # "Logger: [tag] text" - the bracket is message
            result.context_follows = False  # one context bracket, then the message
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
            line_part = syslog_line_part(inner)
            if line_part is not None:
                result.secondary = result.secondary or line_part != "1"
                return -(close + 1)
            if inner.isdigit():
                result.pending.append((close + 1, {"pid": inner}))
                return -(close + 1)
            return None
        if inner:
            named = bracket_fields(inner, result.logger is not None, result.fields)
            result.add_fields(named)
            result.logger = result.logger or named.get("logger")
        return close + 1

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
                value = _with_year(value, self._year)
            if self._latest is not None and value > self._latest and not self._last_month:
                # The first yearless date of the file decides; later ones follow its year.
                self._year -= 1
                value = _with_year(value, self._year)
            self.yearless_timestamps += 1
        self._last_month = value.month
        result.timestamp = value
        result.zone_known = zone_known


def _with_year(value: datetime, year: int) -> datetime:
    try:
        return value.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return value.replace(year=year, day=28)
