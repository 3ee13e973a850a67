"""The two units of ingest: a record is one physical line, an event is a log entry.

An event is a record plus the continuation lines that belong to it (stack
frames, ``Caused by:``, PostgreSQL ``DETAIL:`` lines, ...). The miner, the
rules and the scorer receive events.
"""

from __future__ import annotations

__all__ = ["Event", "Record"]

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prodrescue.levels import Level


@dataclass(slots=True)
class Record:
    """One physical line after header parsing.

    ``line`` is 1-based within ``source``. ``raw`` is the line as read, ``text``
    the line without colour codes and stream prefix, and ``message`` the text
    after the header (timestamp, level, thread, logger). ``stream`` names the container
    or service when the line carried a ``docker compose`` or ``kubectl
    --prefix`` prefix, else it is empty. ``secondary`` marks PostgreSQL
    ``DETAIL:``/``HINT:``/... lines, which belong to the message before them.
    ``indented`` marks a line whose only header is a timestamp and whose
    message is indented (``docker logs --timestamps`` prints continuation
    lines that way). ``zone_known`` is False when the timestamp gave no zone
    and UTC was assumed. ``format`` names what the line was read as: json,
    docker-json, logfmt, cri, access-log, kubectl-events, rfc5424, syslog,
    klog, tagged-epoch, epoch-table (see :mod:`prodrescue.ingest.prefixes`),
    text (a recognised header) or plain (none).

    ``wrapped`` is set when the line carries another program's line inside a
    wrapper: Docker's json-file, a CRI line, a runtime timestamp (``kubectl
    logs --timestamps``), or a syslog or journald header. Then
    ``timestamp`` is the wrapper's, and ``own_text`` and ``own_timestamp``
    are the wrapped line (indentation kept) and the timestamp it carries
    itself, if any, which tell whether the line continues an entry. For other
    lines they equal ``text`` and ``timestamp``. ``last_line`` is the last
    physical line of the record: a CRI line split into partial lines spans several.
    ``inherited_stream`` is set when a line without a header took the stream
    (syslog program) of the line above it. ``header_fields`` holds the named
    pieces of a text header (pid, thread, logger, host, program, ...), which
    the event shows among its ``fields``. ``per_line_header`` is set when
    the line's writer puts its header on every physical line (syslog, logcat,
    ...), so that a line without a header does not continue its entry.
    """

    source: str
    line: int
    raw: str
    text: str
    message: str
    timestamp: datetime | None = None
    level: Level | None = None
    stream: str = ""
    fields: dict[str, Any] | None = None
    extra_lines: tuple[str, ...] = ()
    secondary: bool = False
    header_found: bool = False
    indented: bool = False
    zone_known: bool = False
    format: str = "plain"
    wrapped: bool = False
    own_text: str = ""
    own_timestamp: datetime | None = None
    last_line: int = 0
    inherited_stream: bool = False
    header_fields: dict[str, str] = field(default_factory=dict)
    per_line_header: bool = False


@dataclass(slots=True)
class Event:
    """One log entry: a first line and its continuation lines.

    ``first_line`` and ``last_line`` are 1-based physical lines in ``source``.
    ``lines`` contains the raw text of every kept line, the first line included.
    ``dropped_lines`` counts continuation lines beyond the per-event cap.
    ``context`` is searched by rules after the rest: the first line whole when
    a header was taken off it (so text that the header parser mistook for a
    logger or a level still matches), or a JSON object's other fields as
    ``key=value`` pairs (so rules can match a status code or an error code).
    ``ordinal`` is the position in the merged input, set by the pipeline, and
    ``cluster_id``/``parameters`` are set by the miner.
    """

    source: str
    first_line: int
    last_line: int
    message: str
    lines: list[str]
    timestamp: datetime | None = None
    level: Level | None = None
    stream: str = ""
    fields: dict[str, Any] | None = None
    zone_known: bool = False
    body: list[str] = field(default_factory=list)
    context: str = ""
    dropped_lines: int = 0
    ordinal: int = -1
    cluster_id: int = -1
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def raw_text(self) -> str:
        """The kept lines of the event as they appeared in the log, joined by line breaks."""
        return "\n".join(self.lines)

    @property
    def text(self) -> str:
        """The text that rules search: the message, the continuation lines, then ``context``."""
        parts = [self.message, *self.body]
        if self.context:
            parts.append(self.context)
        return "\n".join(parts)

    @property
    def headline(self) -> str:
        """The one line that represents the event when templates are mined.

        Usually the message. A Python traceback pasted without a log header
        starts with ``Traceback (most recent call last):``. Its most specific
        line is the exception at the end, the last unindented line, so that line
        is used instead. An empty message (a logger that puts everything on the
        next lines) falls back to the first continuation line.
        """
        message = self.message.strip()
        if message.startswith("Traceback (most recent call last)") and self.body:
            for line in reversed(self.body):
                if line and not line[0].isspace():
                    return line.strip()
        if not message and self.body:
            return self.body[0].strip()
        return message
