"""Turn one physical line into a :class:`Record`.

Order of the steps: drop terminal colour codes, take off a ``docker compose``
or ``kubectl --prefix`` prefix (it names the stream the line belongs to), then
read the line as the first format that fits: a JSON object, a CRI container
line, logfmt, an HTTP access log line, a Kubernetes event row, or text with a
header. A line that wraps another log line (Docker's ``log`` field, a CRI
line, ``kubectl logs --timestamps``) is parsed once more, so the inner level
and message are found.
"""

from __future__ import annotations

__all__ = ["LineParser", "strip_ansi"]

import re
from datetime import datetime

from prodrescue.ingest.access import parse_access_line
from prodrescue.ingest.header import HeaderParser
from prodrescue.ingest.jsonline import JsonFields, parse_json_object
from prodrescue.ingest.kubectl import parse_event_row
from prodrescue.ingest.logfmt import parse_logfmt
from prodrescue.ingest.partial import CRI_LINE
from prodrescue.ingest.records import Record
from prodrescue.ingest.timestamps import match_timestamp

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# docker compose pads service names and separates them with " | ". supervisord's
# supervisor_stdout listener writes "PROGRAM stdout | " and "PROGRAM stderr | ".
_COMPOSE_PREFIX = re.compile(r"(?P<stream>[A-Za-z0-9][\w.-]{0,62})(?: (?:stdout|stderr))? +\| ?")
# kubectl logs --prefix: [pod/name/container]
_KUBECTL_PREFIX = re.compile(r"\[(?P<stream>(?:pod|deployment|statefulset|daemonset|job)/[^\]\s]+)\] ")
# A logfmt line starts with a key=value pair, most often time=, ts=, level= or msg=.
_LOGFMT_START = re.compile(r"[\w.@-]+=")
_ACCESS_START = re.compile(r"[\w.:-]+ \S+ \S+ \[")
_WRAPPED_DEPTH = 2
# journalctl's own lines between entries: "-- Boot 1f0e... --", "-- Reboot --"
_JOURNAL_MARKER = re.compile(r"-- .{1,200} --$")
# JSON fields that hold another program's whole line: Docker's json-file and
# Fluent Bit write "log", journald's JSON export "MESSAGE", and Google Cloud
# Logging "textPayload" for a container's plain output.
_WRAPPING_KEYS = frozenset({"log", "MESSAGE", "textPayload"})


def strip_ansi(text: str) -> str:
    """Remove terminal colour and cursor codes."""
    if "\x1b" not in text:
        return text
    return _ANSI.sub("", text)


class LineParser:
    """Parser for the lines of one source, which keeps the per-source header state (the year)."""

    def __init__(self, source: str, reference_year: int, latest: datetime | None = None) -> None:
        self.source = source
        self._header = HeaderParser(reference_year, latest)
        self._reference_year = reference_year
        self._program_stream = ""  # the syslog program of the last line that named one

    @property
    def yearless_timestamps(self) -> int:
        """Number of header timestamps so far that had no year and were given one."""
        return self._header.yearless_timestamps

    def parse(self, line_number: int, raw: str) -> Record:
        """Parse one line into a record; any text gives a record."""
        text = strip_ansi(raw)
        stream = ""
        prefix = _COMPOSE_PREFIX.match(text) or _KUBECTL_PREFIX.match(text)
        if prefix:
            stream = prefix["stream"]
            text = text[prefix.end() :]
        record = Record(
            source=self.source,
            line=line_number,
            raw=raw,
            text=text,
            message=text,
            stream=stream,
            last_line=line_number,
        )
        self._read(record, text, _WRAPPED_DEPTH)
        if not record.wrapped:
            record.own_text, record.own_timestamp = text, record.timestamp
        self._follow_program(record, named=bool(prefix))
        return record

    def _follow_program(self, record: Record, named: bool) -> None:
        """Give a line without a header the stream of the syslog program before it.

        journalctl prints the further lines of a multi-line message indented,
        without a header, so they belong to the program of the line above.
        """
        if named or _JOURNAL_MARKER.match(record.text):
            self._program_stream = ""
        elif record.stream:
            self._program_stream = record.stream
        elif record.header_found:
            self._program_stream = ""
        elif self._program_stream:
            record.stream = self._program_stream
            record.inherited_stream = True

    def _read(self, record: Record, text: str, depth: int, program_line: bool = False) -> None:
        """Fill ``record`` from ``text``, trying each format in turn.

        ``program_line`` marks the text after a syslog program's name.
        """
        stripped = text.strip()
        if stripped.startswith("{") and stripped.endswith("}") and self._read_json(record, stripped, depth):
            return
        cri = CRI_LINE.match(stripped)
        if cri and depth > 0:
            self._read_wrapped(record, cri["content"] or "", cri["time"], "cri", depth)
            return
        if _LOGFMT_START.match(stripped):
            fields = parse_logfmt(stripped, self._reference_year)
            if fields is not None:
                _apply_fields(record, fields, "logfmt")
                return
        if _ACCESS_START.match(stripped):
            access = parse_access_line(stripped, self._reference_year)
            if access is not None:
                record.message, record.timestamp, record.level = (
                    access.message,
                    access.timestamp,
                    access.level,
                )
                record.zone_known, record.fields, record.format = (
                    access.zone_known,
                    access.fields,
                    "access-log",
                )
                record.header_found = True
                return
        if "Normal" in text[:60] or "Warning" in text[:60]:
            row = parse_event_row(text)
            if row is not None:
                record.message, record.level, record.fields = row.message, row.level, row.fields
                record.format, record.header_found = "kubectl-events", True
                return
        self._read_text(record, text, depth, program_line)

    def _read_text(self, record: Record, text: str, depth: int, program_line: bool) -> None:
        header = self._header.parse(text, program_line)
        record.message = text[header.message_start :]
        record.header_fields = header.fields
        record.per_line_header = header.per_line
        record.timestamp, record.zone_known, record.level = header.timestamp, header.zone_known, header.level
        record.secondary, record.indented = header.secondary, header.indented
        # Indentation alone is not a header.
        record.header_found = header.message_start > len(text) - len(text.lstrip(" \t"))
        record.format = header.format if record.header_found else "plain"
        if header.wrapped_start >= 0:
            if header.program and not record.stream:
                # Programs interleave in syslog, so each folds its own entries.
                record.stream = header.program
            own = text[header.wrapped_start :]
            self._read_own_line(record, own, depth, program_line=bool(header.program))
        elif (
            header.timestamp is not None
            and header.level is None
            and depth > 0
            and not header.indented
            and not header.complete
        ):
            # A timestamp before a structured line ("<time> {json}" or
            # "<time> level=error ..."): read that line too.
            inner = self._new_inner(record, record.message)
            self._read(inner, record.message, depth - 1)
            if inner.level is not None or inner.fields is not None:
                _merge_inner(record, inner)

    def _read_own_line(self, record: Record, own: str, depth: int, program_line: bool) -> None:
        """Read the program's line inside a syslog or journald header, a runtime timestamp or an epoch prefix.

        Its level, when it has one, is more precise than a syslog priority.
        """
        record.wrapped = True
        record.own_text, record.own_timestamp = own, None
        if depth == 0:
            return
        inner = self._new_inner(record, own)
        self._read(inner, own, depth - 1, program_line)
        record.own_timestamp = inner.timestamp
        record.message = inner.message
        record.level = inner.level or record.level
        record.secondary = inner.secondary
        if inner.fields:
            record.fields = {**(record.fields or {}), **inner.fields}
        _merge_header_fields(record, inner)
        record.extra_lines = record.extra_lines + inner.extra_lines

    @staticmethod
    def _new_inner(record: Record, text: str) -> Record:
        return Record(
            source=record.source,
            line=record.line,
            raw=record.raw,
            text=text,
            message=text,
            stream=record.stream,
            last_line=record.last_line,
        )

    def _read_json(self, record: Record, text: str, depth: int) -> bool:
        parsed = parse_json_object(text, self._reference_year)
        if parsed is None:
            return False
        _apply_fields(record, parsed, "json")
        if not parsed.message_from_field or depth == 0:
            return True
        inner_text = strip_ansi(parsed.message).strip()
        if "\n" in inner_text:
            inner_text, _, rest = inner_text.partition("\n")
            record.extra_lines = tuple(rest.splitlines()) + record.extra_lines
        # Docker's json-file driver wraps the application's own line in "log".
        inner = self._new_inner(record, inner_text)
        self._read(inner, inner_text, depth - 1)
        _merge_inner(record, inner)
        if parsed.message_key in _WRAPPING_KEYS:
            record.wrapped = True
            record.own_text = strip_ansi(parsed.message.partition("\n")[0]).rstrip("\r")
            record.own_timestamp = inner.timestamp
            if parsed.message_key == "log":
                record.format = "docker-json"
        return True

    def _read_wrapped(self, record: Record, content: str, stamp_text: str, form: str, depth: int) -> None:
        """Read a container runtime's line: the application's line inside, then the runtime's time.

        The runtime's time wins: it always names its zone and orders the lines
        of the file, which the application's own clock format may not.
        """
        self._read(record, content, depth - 1)
        record.wrapped = True
        record.own_text, record.own_timestamp = content, record.timestamp
        outer = match_timestamp(stamp_text, 0, self._reference_year)
        if outer is not None:
            record.timestamp, record.zone_known = outer.value, outer.zone_known
        record.format = form
        record.header_found = True


def _apply_fields(record: Record, parsed: JsonFields, form: str) -> None:
    record.message, record.timestamp, record.level = parsed.message, parsed.timestamp, parsed.level
    record.zone_known, record.fields, record.extra_lines = (
        parsed.zone_known,
        parsed.fields,
        parsed.extra_lines,
    )
    record.format, record.header_found = form, True


def _merge_inner(record: Record, inner: Record) -> None:
    """Take the wrapped line's message, and its time and level where the wrapper had none."""
    record.message = inner.message
    if record.timestamp is None:
        record.timestamp, record.zone_known = inner.timestamp, inner.zone_known
    record.level = record.level or inner.level
    record.secondary = inner.secondary
    if inner.fields:
        record.fields = {**(record.fields or {}), **inner.fields}
    _merge_header_fields(record, inner)
    record.extra_lines = record.extra_lines + inner.extra_lines


def _merge_header_fields(record: Record, inner: Record) -> None:
    """Add the wrapped line's header fields. The wrapper's own fields win on a clash."""
    if inner.header_fields:
        record.header_fields = {**inner.header_fields, **record.header_fields}
