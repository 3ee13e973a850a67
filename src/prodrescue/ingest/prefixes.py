"""Line layouts that are recognised as a whole before the piece-by-piece header scan.

:class:`~prodrescue.ingest.header.HeaderParser` reads most headers one piece
at a time. The layouts here are fixed, so matching each in one step is both
safer and cheaper. They are RFC 5424 syslog, Python's default
``LEVEL:logger:``, the common access-log prefix, Node's process warnings,
Go's fatal errors, Heroku's platform errors and Redis's signal handler. Then
the alert-tagged epoch prefix of supercomputer system logs, event tables
with an epoch column, and the name of the log file that a tool merging
several files puts before each line.
"""

from __future__ import annotations

__all__ = ["Prefix", "match_prefix", "match_rfc5424"]

import re
from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.ingest.timestamps import TimestampMatch, match_timestamp, timestamp_from_epoch
from prodrescue.levels import Level, level_from_syslog_priority, parse_level

# RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
_RFC5424 = re.compile(
    r"<(?P<priority>\d{1,3})>1 (?P<stamp>\S+) (?P<program>(?P<host>\S+) (?P<app>\S+) (?P<pid>\S+)) \S+ "
    r"(?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: |$)"
)
_PYTHON_DEFAULT = re.compile(r"(?P<level>[A-Z]{4,8}):(?P<logger>[\w.]+):")
# Common and combined access-log format: host ident user [timestamp] "request"
_ACCESS_LOG = re.compile(r"[\w.:-]+ \S+ \S+ \[(?P<stamp>[^\]]{10,40})\] (?=\")")
# Node's process warnings: "(node:7) [DEP0040] DeprecationWarning: ..."
_NODE_WARNING = re.compile(r"\(node:(?P<pid>\d{1,10})\) (?:\[[\w-]+\] )?(?=\w*Warning: )")
# Go's runtime errors that end the program: "fatal error: concurrent map writes"
_GO_FATAL = "fatal error: "
# Heroku's platform errors: "Error R14 (Memory quota exceeded)", "Error H12 (Request timeout)"
_HEROKU_ERROR = re.compile(r"Error [HRL]\d{2} \(")
# Redis's signal handler logs with an epoch time: "1:signal-handler (1705031110) Received SIGTERM"
_REDIS_SIGNAL = re.compile(r"(?P<pid>\d{1,10}):signal-handler \((?P<epoch>\d{9,11})\) ")
# Supercomputer system logs collected for failure studies (Blue Gene/L,
# Thunderbird) put an alert tag ("-" when the line raised none), the epoch
# seconds, the date and the node before the node's own line:
# "- 1700000123 2023.11.14 cn12 Nov 14 22:15:23 cn12/cn12 ntpd[2044]: ...".
_TAGGED_EPOCH = re.compile(
    r"(?P<label>-|[A-Z][A-Z0-9_]{1,30}) (?P<epoch>\d{9,10}) \d{4}\.\d\d\.\d\d "
    r"(?P<node>[^\s\[\]]{1,64}) (?=\S)"
)
# An event table with an epoch column: record id, node, component, state,
# epoch seconds, a flag, then the message.
# "90211 blade-17 fan.ctl speed_change 1700000300 1 Fan 3 speed dropped to 1200 rpm"
_EPOCH_TABLE = re.compile(
    r"(?P<record>\d{1,12}) (?P<node>[^\s\[\]]{1,64}) (?P<component>[\w.-]{1,64}) (?P<state>[\w.-]{1,64}) "
    r"(?P<epoch>\d{10}) (?P<flag>-?\d{1,2})(?: |$)"
)
# The name of the log file before a timestamp, which tools that merge rotated
# files write: "cinder-api.log.2.2023-11-14_22:00:00 2023-11-14 22:22:10.551 ...".
_FILE_NAME = re.compile(r"(?P<file>[\w-][\w.-]{0,120}\.log(?:\.[\w:.-]{1,60})?) (?=\d)")


@dataclass(slots=True)
class Prefix:
    """A recognised prefix.

    ``end`` is where the message starts, or, when ``scan_on`` is set, where
    the piece-by-piece scan goes on. ``stamp`` is a timestamp whose year
    the header parser tracks, and ``epoch`` one given as epoch seconds.
    ``wrapped_start`` is set (not -1) when the rest of the line, from that
    index, is another program's line, and ``program`` then names the stream
    that the line belongs to. ``per_line`` is set for layouts that their
    writer puts on every physical line, so that a line without one is not
    part of the entry above it.
    """

    end: int
    stamp: TimestampMatch | None = None
    epoch: datetime | None = None
    level: Level | None = None
    logger: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    form: str = ""
    wrapped_start: int = -1
    program: str = ""
    scan_on: bool = False
    per_line: bool = False


def match_rfc5424(text: str, year: int) -> Prefix | None:
    """Match an RFC 5424 syslog header, which wraps the line of the program that it names."""
    match = _RFC5424.match(text)
    if match is None:
        return None
    fields = {"host": match["host"], "program": match["app"]}
    if match["pid"] != "-":
        fields["pid"] = match["pid"]
    return Prefix(
        match.end(),
        stamp=match_timestamp(match["stamp"], 0, year),
        level=level_from_syslog_priority(int(match["priority"])),
        fields=fields,
        form="rfc5424",
        wrapped_start=match.end(),
        program=match["program"],
        per_line=True,
    )


def match_prefix(text: str, pos: int, year: int) -> Prefix | None:
    """Match one of the fixed layouts at ``text[pos]``, trying them in turn.

    This runs once per line, so each layout is tried only when the first
    character can start it.
    """
    first = text[pos : pos + 1]
    if first == "(":
        node_warning = _NODE_WARNING.match(text, pos)
        if node_warning:
            return Prefix(node_warning.end(), level=Level.WARNING, fields={"pid": node_warning["pid"]})
        return None
    python_default = _PYTHON_DEFAULT.match(text, pos) if first.isupper() else None
    if python_default:
        level = parse_level(python_default["level"])
        if level is not None:
            logger = python_default["logger"]
            return Prefix(python_default.end(), level=level, logger=logger, fields={"logger": logger})

    access = _ACCESS_LOG.match(text, pos)
    if access:
        stamp = match_timestamp(access["stamp"], 0, year)
        if stamp is not None:
            return Prefix(access.end(), stamp=stamp)

    if first.isdigit():
        return _match_digit_start(text, pos, year)
    tagged = _match_tagged_epoch(text, pos) if first == "-" or first.isupper() else None
    if tagged is not None:
        return tagged
    file_name = _match_file_name(text, pos, year)
    if file_name is not None:
        return file_name
    if text.startswith(_GO_FATAL, pos):
        return Prefix(pos, level=Level.FATAL)  # the message keeps "fatal error:"
    if first == "E" and _HEROKU_ERROR.match(text, pos):
        return Prefix(pos, level=Level.ERROR)
    return None


def _match_digit_start(text: str, pos: int, year: int) -> Prefix | None:
    table = _match_epoch_table(text, pos)
    if table is not None:
        return table
    file_name = _match_file_name(text, pos, year)
    if file_name is not None:
        return file_name
    signal = _REDIS_SIGNAL.match(text, pos)
    if signal:
        return Prefix(
            signal.end(),
            epoch=timestamp_from_epoch(float(signal["epoch"])),
            level=Level.WARNING,
            fields={"pid": signal["pid"]},
        )
    return None


def _match_file_name(text: str, pos: int, year: int) -> Prefix | None:
    match = _FILE_NAME.match(text, pos)
    if match is None or match_timestamp(text, match.end(), year) is None:
        return None
    return Prefix(match.end(), fields={"file": match["file"]}, scan_on=True, per_line=True)


def _match_tagged_epoch(text: str, pos: int) -> Prefix | None:
    match = _TAGGED_EPOCH.match(text, pos)
    if match is None:
        return None
    epoch = timestamp_from_epoch(float(match["epoch"]))
    if epoch is None:
        return None
    fields = {"node": match["node"]}
    if match["label"] != "-":
        fields["label"] = match["label"]
    return Prefix(
        match.end(), epoch=epoch, fields=fields, form="tagged-epoch", wrapped_start=match.end(), per_line=True
    )


def _match_epoch_table(text: str, pos: int) -> Prefix | None:
    match = _EPOCH_TABLE.match(text, pos)
    if match is None:
        return None
    epoch = timestamp_from_epoch(float(match["epoch"]))
    if epoch is None:
        return None
    fields = {name: match[name] for name in ("record", "node", "component", "state", "flag")}
    return Prefix(match.end(), epoch=epoch, fields=fields, form="epoch-table", per_line=True)
