"""Fold the records of one source into events (multi-line log entries).

A record starts a new event when it carries its own timestamp or level, or is
a JSON object. It continues the open event of its stream when it has the
shape of a continuation: indented, a stack frame in any of the common
languages, ``Caused by:``, a Python traceback and its final exception line,
or a PostgreSQL ``DETAIL:``/``HINT:`` line. In a stream where at least half
of the entries start with a timestamp, any plain line continues the open
event. In other streams, a plain line is an event of its own. A JSON, logfmt,
access-log or Kubernetes event line is a whole entry and takes no continuation.

For a wrapped line (Docker's json-file, CRI, a runtime timestamp, a syslog
or journald header) these tests look at the program's own line inside the
wrapper, so the lines of a stack trace that a runtime stamped one by one
still join their entry.

Events are emitted in the order of their first line. Each stream (container
prefix) has its own open event, so interleaved containers do not mix.
"""

from __future__ import annotations

__all__ = ["EventFolder", "FoldingLimits"]

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.ingest.records import Event, Record
from prodrescue.levels import Level

_FRAME = re.compile(
    r"""\s*(?:
        at\s+(?:async\s+)?[^\s(]+\s?\(        # Java, .NET, Node frames
      | at\s+[^\s(]+:\d+
      | at\s+<anonymous>
      | \.\.\.\s\d+\s(?:more|common\ frames\ omitted)
      | Caused\ by:
      | Suppressed:
      | (?:---\ )?End\ of\ (?:inner\ exception\ )?stack\ trace
      | File\ "[^"]*",\ line\ \d+          # Python frames
      | During\ handling\ of\ the\ above\ exception
      | The\ above\ exception\ was\ the\ direct\ cause
      | \S+\.rb:\d+:in\ [`']                 # Ruby frames
      | \S+\ \([\d.]+\)\ \S+\.rb:\d+:in\     # Ruby gem frames: redis (3.3.5) lib/...
      | goroutine\ \d+\ \[                   # Go panics
      | created\ by\ [\w./*()-]+
      | \[(?:CIRCULAR|truncated)
    )""",
    re.VERBOSE,
)
_TRACEBACK = "Traceback (most recent call last)"
# Lines between the tracebacks of a chained Python exception.
_CHAIN = re.compile(r"During handling of the above exception|The above exception was the direct cause")
_GO_PANIC = re.compile(r"panic: |fatal error: ")
# Lines that a runtime prints on its own, never as part of a log entry: Go
# panics, the JVM's uncaught exceptions, and Node's reports (below).
_STANDALONE = re.compile(r"panic: |fatal error: |Exception in thread \"")
# Node's process warnings, and the source location that opens its report of
# an uncaught exception. Unlike the others, they are followed by plain lines
# of their own (the code line, "Error: ...", "Node.js v20.11.0").
_NODE_REPORT = re.compile(r"\(node:\d+\) |(?:/|[A-Za-z]:\\|file://)\S+\.[cm]?[jt]sx?:\d+$")
# Lines of one multi-line message that a runtime stamped this close together were written together.
_SAME_WRITE_SECONDS = 0.01
# Syslog timestamps have whole seconds, so the lines of one entry can differ by one.
_SAME_ENTRY_SECONDS = 1.0
_MAX_TAG_CHARS = 80
_MIN_ID_TAG_CHARS = 8
# A field of "kubectl describe" ("Name:         orders-7d9f"), which aligns its values,
# or the header of an events table.
_DESCRIBE_FIELD = re.compile(r"\s*[A-Z][\w -]{0,40}:(?:\s{2,}|$)|\s*(?:Type|LAST SEEN|NAMESPACE)\s{2,}")
# Formats whose every line is a whole entry.
_WHOLE_ENTRY_FORMATS = frozenset({"json", "logfmt", "access-log", "kubectl-events"})
_UPPER_LEVEL = re.compile(r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|SEVERE)[:\s\]]")
# A Go stack frame's function line: main.charge(0x0), net/http.(*conn).serve(0xc000123456)
_GO_FUNCTION = re.compile(r"(?:[\w.-]+/)*[\w.-]+\.[\w.*()\[\]-]+\(.*\)$")
_JAVA_EXCEPTION = re.compile(r"(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)\b")


@dataclass(frozen=True, slots=True)
class FoldingLimits:
    """Caps that keep one event's memory bounded.

    An event that reaches ``max_lines`` is closed and the next line starts a
    new one, so no line is dropped. ``max_chars`` caps the stored text of one
    event, and lines beyond it are only counted in ``Event.dropped_lines``.
    A stream's open event is closed when more than ``idle_lines`` lines of
    other streams have passed since its last line. In a timestamped stream,
    at most ``max_plain_run`` lines in a row without a timestamp or another
    sign of continuation join entries; the lines after them are entries of
    their own until the next timestamped line.
    """

    max_lines: int = 500
    max_chars: int = 64 * 1024
    idle_lines: int = 200
    max_plain_run: int = 40


@dataclass(slots=True)
class _Open:
    """Open event that can still take lines.

    ``in_trace`` is set inside a Python traceback or a Go panic, and
    ``trace_done`` after the traceback's final exception line.
    """

    event: Event
    chars: int
    last_line: int
    in_trace: bool = False
    trace_done: bool = False
    go_panic: bool = False
    whole_entry: bool = False
    kubectl_event: bool = False
    takes_plain: bool = False
    last_stamp: datetime | None = None


@dataclass(slots=True)
class _StreamShape:
    starts: int = 0
    timestamped_starts: int = 0
    plain_run: int = 0  # plain lines joined to entries since the last timestamped line

    @property
    def timestamped(self) -> bool:
        return self.starts > 0 and self.timestamped_starts * 2 >= self.starts


@dataclass(slots=True)
class EventFolder:
    """Folder of one source's records into events. Call :meth:`add` per record, then :meth:`finish`."""

    limits: FoldingLimits = field(default_factory=FoldingLimits)
    _open: dict[str, _Open] = field(default_factory=dict)
    _shapes: dict[str, _StreamShape] = field(default_factory=dict)
    _ready: list[tuple[int, int, Event]] = field(default_factory=list)
    _sequence: int = 0
    appended_lines: int = 0  # records that joined an open event as continuation lines

    def add(self, record: Record) -> Iterator[Event]:
        """Add one record and yield the events that are complete, in the order of their first line."""
        stream = record.stream
        shape = self._shapes.get(stream)
        if shape is None:
            shape = self._shapes[stream] = _StreamShape()
        current = self._open.get(stream)

        if record.own_timestamp is not None:
            shape.plain_run = 0
        if not record.own_text.strip():
            # A blank line ends an entry in a log without timestamps, except
            # inside a trace, where Python and Go print blank lines themselves,
            # and except a line of a multi-line message that a runtime stamped
            # or that journalctl printed under a program's line.
            kept = shape.timestamped or record.wrapped or record.inherited_stream
            if current is not None and not kept and not current.in_trace:
                self._close(stream)
        elif current is not None and self._continues(record, current, shape):
            self._append(current, record)
            self.appended_lines += 1
            if len(current.event.lines) >= self.limits.max_lines:
                self._close(stream)
        else:
            if current is not None:
                self._close(stream)
            self._start(record, shape)

        if len(self._open) > 1:
            self._close_idle(record.line)
        yield from self._drain()

    def finish(self) -> Iterator[Event]:
        """Close every open event and yield all remaining events."""
        for stream in list(self._open):
            self._close(stream)
        yield from self._drain()

    def _continues(self, record: Record, current: _Open, shape: _StreamShape) -> bool:
        if current.kubectl_event:
            # kubectl prints a message's further lines as they are, under its row.
            is_row = record.format == "kubectl-events"
            return not is_row and record.own_timestamp is None and not _DESCRIBE_FIELD.match(record.text)
        if current.whole_entry and not _takes_trace(current.event):
            return False
        text = record.own_text
        stamp = record.own_timestamp
        if record.fields is not None and (not record.wrapped or text.lstrip().startswith("{")):
            return False
        if record.secondary or record.indented:
            return True
        message = record.message
        if stamp is None and _indented(record) and _stamped_close(record, current):
            return True
        if _FRAME.match(message) or (stamp is None and _FRAME.match(text)):
            return True
        if message.startswith(_TRACEBACK):
            return not current.trace_done
        if current.in_trace and not current.trace_done and stamp is None:
            return True  # the exception line that ends a Python traceback
        if current.go_panic and stamp is None and _GO_FUNCTION.match(text):
            return True
        if _STANDALONE.match(text) or _NODE_REPORT.match(text):
            return False
        if (
            stamp is None
            and record.level is None
            and _continues_tagged(text, current.event.lines[0], _syslog_wrapped(record))
            and _stamped_close(record, current)
        ):
            return True
        if (
            stamp is None
            and shape.timestamped
            and not _UPPER_LEVEL.match(text)
            and current.takes_plain
            and not current.whole_entry
            and (not record.wrapped or _written_together(record, current))
        ):
            # Lines without a timestamp in a timestamped stream belong to the entry
            # above, even when they look like a level ("Error: ..." from Node). An
            # upper-case level word (Python's "WARNING:name:") still starts an entry,
            # and so does every line of a long run of them: that is a section in a
            # format the header parser does not know (two logs concatenated), not
            # one entry's message.
            if shape.plain_run >= self.limits.max_plain_run:
                return False
            shape.plain_run += 1
            return True
        if stamp is not None or record.level is not None:
            return False
        # "java.io.IOException: ..." after a timestamped line is the exception it logged.
        return bool(_JAVA_EXCEPTION.match(message)) and current.event.timestamp is not None

    def _start(self, record: Record, shape: _StreamShape) -> None:
        shape.starts += 1
        if record.own_timestamp is not None:
            shape.timestamped_starts += 1
        message = record.message[: self.limits.max_chars]
        event = Event(
            source=record.source,
            first_line=record.line,
            last_line=record.last_line,
            message=message,
            lines=[record.raw[: self.limits.max_chars]],
            timestamp=record.timestamp,
            level=record.level,
            stream=record.stream,
            fields=_event_fields(record),
            body=list(record.extra_lines),
            context=_context(record),
            zone_known=record.zone_known,
        )
        opened = _Open(event, len(message), record.last_line)
        opened.whole_entry = record.format in _WHOLE_ENTRY_FORMATS and not record.wrapped
        opened.kubectl_event = record.format == "kubectl-events"
        # Plain lines join an entry that began with its own timestamp (a
        # multi-line message), or one of Node's reports. A header that its
        # writer puts on every line (syslog, logcat) takes none, because a
        # line without it comes from elsewhere: another log pasted in.
        stamped = record.own_timestamp is not None and not record.per_line_header
        opened.takes_plain = stamped or bool(_NODE_REPORT.match(record.own_text))
        opened.last_stamp = record.timestamp
        opened.go_panic = bool(_GO_PANIC.match(record.own_text))
        opened.in_trace = opened.go_panic or message.startswith(_TRACEBACK)
        self._open[record.stream] = opened

    def _append(self, current: _Open, record: Record) -> None:
        event = current.event
        event.last_line = current.last_line = record.last_line
        current.last_stamp = record.timestamp or current.last_stamp
        text = record.own_text
        if current.chars + len(text) > self.limits.max_chars:
            event.dropped_lines += 1
            return
        current.chars += len(text)
        event.lines.append(record.raw)
        event.body.append(text)
        if record.level is not None and (event.level is None or record.level > event.level):
            event.level = record.level  # the most severe level among the event's lines
        message = record.message
        if message.startswith(_TRACEBACK) or _CHAIN.match(message):
            current.in_trace = True
            current.trace_done = False  # another traceback of the chain follows
        elif _GO_PANIC.match(text):
            current.in_trace = current.go_panic = True
        elif (
            current.in_trace
            and not current.go_panic
            and text[:1] not in (" ", "\t")
            and not _FRAME.match(text)
        ):
            current.trace_done = True

    def _close(self, stream: str) -> None:
        closed = self._open.pop(stream)
        self._sequence += 1
        heapq.heappush(self._ready, (closed.event.first_line, self._sequence, closed.event))

    def _close_idle(self, line: int) -> None:
        for stream, current in list(self._open.items()):
            if line - current.last_line > self.limits.idle_lines:
                self._close(stream)

    def _drain(self) -> Iterator[Event]:
        oldest_open = min((item.event.first_line for item in self._open.values()), default=None)
        while self._ready and (oldest_open is None or self._ready[0][0] < oldest_open):
            yield heapq.heappop(self._ready)[2]


def _takes_trace(event: Event) -> bool:
    """Whether a whole-entry line (JSON, logfmt) takes the stack trace printed after it.

    An application that logs a warning or an error in JSON and then prints
    the exception's stack trace in plain text gives one entry; after an
    informational line, a plain trace is some other program's output.
    """
    return event.level is not None and event.level >= Level.WARNING


def _written_together(record: Record, current: _Open) -> bool:
    """Whether a wrapped line was stamped within a few milliseconds of the open event's last line.

    A container runtime stamps each line when it reads it, so the lines of
    one multi-line message share nearly one time, and a line printed on its
    own later does not.
    """
    if record.timestamp is None or current.last_stamp is None:
        return False
    return abs((record.timestamp - current.last_stamp).total_seconds()) <= _SAME_WRITE_SECONDS


def _indented(record: Record) -> bool:
    """Return whether the line is indented as a continuation line is.

    Inside a syslog header one space is not enough, because programs such
    as macOS's daemons and the Linux kernel start many messages with a
    space ("kernel:  region 0: usable") that each stand alone.
    """
    text = record.own_text
    if not _syslog_wrapped(record):
        return text[:1] in (" ", "\t")
    return text.startswith(("\t", "  "))


def _syslog_wrapped(record: Record) -> bool:
    """Return whether the line is a program's line inside a syslog or journald header."""
    return record.wrapped and "program" in record.header_fields


def _stamped_close(record: Record, current: _Open) -> bool:
    """Return whether a wrapped line was stamped within a second of the open event's last line.

    Syslog stamps each line when it is written, to the second, so a line
    stamped later than that was written on its own. Lines without a wrapper
    pass, because nothing dates them apart.
    """
    if not record.wrapped or record.timestamp is None or current.last_stamp is None:
        return True
    return abs((record.timestamp - current.last_stamp).total_seconds()) <= _SAME_ENTRY_SECONDS


def _continues_tagged(text: str, first_line: str, id_only: bool) -> bool:
    """Whether ``text`` starts with a bracketed tag that the entry's first line also carries.

    Rails' tagged logging repeats the request id on every line of an
    exception report, without the logger's header. With ``id_only`` (inside
    syslog, as Heroku drains it) the tag must look like an id, with a digit
    and at least eight characters, because there programs repeat subsystem
    tags on lines of their own: macOS's kernel writes "[HID] [MT] ..." often.
    """
    if not text.startswith("["):
        return False
    close = text.find("]", 0, _MAX_TAG_CHARS)
    # The tag is followed by the message, or ends the line (an empty message).
    if close <= 2 or text[close + 1 : close + 2] not in ("", " ") or text[: close + 1] not in first_line:
        return False
    tag = text[1:close]
    return not id_only or (len(tag) >= _MIN_ID_TAG_CHARS and any(char.isdigit() for char in tag))


def _context(record: Record) -> str:
    """Return the extra text that rules search for a record that starts an event.

    JSON fields become ``key=value`` pairs, as logfmt writes them. Access log
    and Kubernetes event rows keep their line and add their fields the same
    way. Any other line with a header is searched whole.
    """
    if record.format == "json" and record.fields:
        return _pairs(record.fields)
    if record.format in ("access-log", "kubectl-events") and record.fields:
        return record.text + "\n" + _pairs(record.fields)
    if record.message != record.text:
        return record.text
    return ""


def _event_fields(record: Record) -> dict[str, object] | None:
    """Return the record's header fields and its structured fields (which win on a clash)."""
    if not record.header_fields:
        return record.fields
    return {**record.header_fields, **(record.fields or {})}


def _pairs(fields: dict[str, object]) -> str:
    return " ".join(f"{key}={value}" for key, value in fields.items() if not isinstance(value, dict))
