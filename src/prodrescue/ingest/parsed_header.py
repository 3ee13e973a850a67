"""The result of the header scan of one line."""

from __future__ import annotations

__all__ = ["ParsedHeader"]

from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.levels import Level


@dataclass(slots=True)
class ParsedHeader:
    """Result of the header scan. ``message_start`` is an index into the original text.

    ``clock`` is set for a time of day without a date (not a timestamp).
    ``indented`` is set when the header is an ISO 8601 timestamp with no level or
    program and the message after it is indented, as continuation lines are in
    ``docker logs --timestamps``. ``wrapped_start`` is set (not -1) when the
    header wraps another program's line: a syslog or journald header, a
    supercomputer's alert-tagged epoch prefix, or a lone ISO 8601 timestamp
    that a container runtime put before the line. It is the index where that
    line begins, its indentation kept. ``program`` then names the syslog
    program's stream. ``fields`` contains the named pieces of the header (see
    :mod:`prodrescue.ingest.header_pieces` for the names). ``per_line`` is
    set for headers that their writer puts on every physical line (syslog,
    logcat, the layouts of :mod:`prodrescue.ingest.prefixes`), so that a line
    without a header does not continue their entry.
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
    fields: dict[str, str] = field(default_factory=dict)
    # Fields of tentative pieces, with the end of each, kept once more header follows.
    pending: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # Set after a logger that is followed by a bracket (OpenStack's "name [req-...]"),
    # the one bracket after a logger that still belongs to the header.
    context_follows: bool = False
    # Set when a piece or a prefix ends the header: the message starts after it.
    complete: bool = False
    per_line: bool = False

    @property
    def found(self) -> bool:
        """Whether the scan found a timestamp, a time of day or a level, which only a header contains."""
        return self.timestamp is not None or self.level is not None or self.clock

    def add_fields(self, fields: dict[str, str]) -> None:
        """Add fields without replacing those that an earlier piece named."""
        for key, value in fields.items():
            self.fields.setdefault(key, value)

    def keep_program_words(self, text: str) -> None:
        """Give a syslog program's own words back to its message.

        A header of one piece, a timestamp, a time of day or a level word,
        stays read, but the message starts where the program's text does.
        ``text`` is the program's line that was parsed.
        """
        if self.logger is not None or self.fields or self.secondary:
            return
        pieces = (self.timestamp is not None) + self.clock + (self.level is not None)
        if pieces == 1:
            self.message_start = len(text) - len(text.lstrip(" \t"))
