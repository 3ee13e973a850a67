"""Header pieces that name a process, a thread or a component, read into named fields.

The header scan in :mod:`prodrescue.ingest.header` calls these where such a
piece may stand. Each returns a :class:`Piece` with the fields it read, or
None. The field names are the same whatever the log's format: ``host``,
``program``, ``pid``, ``tid``, ``thread``, ``logger``, ``tag``, ``component``,
``node``, ``line`` (source line), ``client`` and ``context`` (a request id or
another bracketed tag).
"""

from __future__ import annotations

__all__ = [
    "Piece",
    "bracket_fields",
    "find_bracket_end",
    "match_after_timestamp",
    "match_column_name",
    "match_database_user",
    "match_logcat",
    "match_names_before_level",
    "match_pino_process",
    "match_pipe_columns",
    "match_process",
    "match_program",
    "match_windows_program",
    "syslog_line_part",
]

import re
from dataclasses import dataclass, field

from prodrescue.levels import LOGCAT_LETTERS, Level, parse_level

# Android logcat's threadtime columns after the timestamp: pid, tid, priority
# letter, and the tag, which logcat pads to eight characters before ": ".
_LOGCAT_THREADTIME = re.compile(
    r"(?P<pid>\d{1,10})\s+(?P<tid>\d{1,10})\s+(?P<level>[VDIWEFA])\s+(?P<tag>[^\s:][^:]{0,79}?)\s*:(?: |$)"
)
# Android logcat's time format after the timestamp: "D/Tag( 1234): message".
_LOGCAT_TIME = re.compile(r"(?P<level>[VDIWEFA])/(?P<tag>[^\s(][^(]{0,79}?)\(\s*(?P<pid>\d{1,10})\):(?: |$)")
# Columns joined by "|" with no spaces, right after a timestamp:
# "20240112-03:47:01:123|Checkout|4711|message".
_PIPE_COLUMNS = re.compile(r"\|((?:[^|\s]{1,80}\|){1,4})")
# A node, one to three upper-case names and an upper-case level after a
# timestamp, as IBM Blue Gene's RAS log writes them: "R02-M1-N0 RAS KERNEL INFO".
_UPPER_LEVELS = r"(?:TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|SEVERE|CRITICAL|FATAL|ALERT|EMERG|PANIC)"
_NAMES_BEFORE_LEVEL = re.compile(
    r"(?:(?P<node>[^\s\[\]]{1,64}) )?(?P<names>(?:(?!" + _UPPER_LEVELS + r" )[A-Z][A-Z0-9_]{1,30} ){1,3})"
    r"(?P<level>" + _UPPER_LEVELS + r")(?=\s|$)"
)
# A Windows executable and " - ", with the "*64" or "*32" mark of its bitness:
# "[11.14 22:20:01] updater.exe *64 - cdn.example.net:443 open through ...".
_WINDOWS_PROGRAM = re.compile(r"(?P<program>[\w.-]{1,80}\.exe(?: \*(?:32|64))?)\s+-\s")
# A component name padded to a column after a padded level, as Windows CBS
# writes it: "2023-11-14 22:21:07, Warning               DPX    Failed to ...".
_COLUMN_NAME = re.compile(r"[A-Za-z][\w.$-]{0,40}(?=\s{2,}\S)")
# A syslog program with its pid: "host program[pid]:". macOS adds the
# responsible process or the launchd job in brackets: "sandboxd[140] ([2212]):".
_PROGRAM = re.compile(
    r"(?:(?P<host>[\w#][\w.@/#-]*)\s+)?(?P<program>[A-Za-z/][\w./()@-]*)"
    r"\[(?P<pid>[\w.:-]{1,32})\](?: \((?P<context>[^()\s]{1,120})\))?:(?=\s)"
)
# After a syslog timestamp, a host and a program without a pid ("web-1 kernel: "),
# perhaps with its version ("gw1 crond 3.0.2: reloading configuration").
_SYSLOG_HOST_PROGRAM = re.compile(
    r"(?P<host>[\w#][\w.@/#-]*)\s+(?P<program>[A-Za-z][\w./()@-]*)(?: (?P<version>\d[\w.]{0,20}))?:(?=\s)"
)
# After a syslog timestamp, a macOS application whose name has spaces or a
# version: "Photo Editor[812]:", "DisplayAgent 12.4[96]:".
_SPACED_PROGRAM = re.compile(
    r"(?P<host>[\w#][\w.@/#-]*)\s+(?P<program>[A-Z][\w.-]*(?: (?:[A-Z][\w.-]*|\d[\w.]*)){1,3})"
    r"\[(?P<pid>\d{1,10})\]:(?=\s)"
)
# log4j's "[%t:%C{1}@%L]", as ZooKeeper writes it: thread, class and line.
_THREAD_CLASS_LINE = re.compile(r"(?P<thread>.+):(?P<logger>[A-Za-z_$][\w$]*)@(?P<line>\d{1,6})")
# Apache 2.4's "[pid 1234:tid 140]" and "[client 10.0.0.5:51324]".
_APACHE_PROCESS = re.compile(r"pid (?P<pid>\d{1,10})(?::tid (?P<tid>\d{1,20}))?")
_CLIENT = re.compile(r"client (?P<client>\S{1,80})")
# pino-pretty: "ERROR (4711 on api-1): message"
_PINO_PROCESS = re.compile(r"\(\d{1,10}(?: on [\w.-]+)?\):")
# nginx error log: "pid#tid: "
_NGINX_PROCESS = re.compile(r"(?P<pid>\d{1,10})#(?P<tid>\d{1,10}):(?=\s)")
# PostgreSQL's %u@%d in log_line_prefix, including [unknown]@[unknown].
_USER_AT_DATABASE = re.compile(r"[\w.\[\]-]*@[\w.\[\]-]*(?=\s)")
# PostgreSQL's "[%l-N]" when it logs to syslog: message number and line of the message.
_PG_SYSLOG_LINE = re.compile(r"\d{1,10}-(?P<part>\d{1,5})")
# Amazon RDS's PostgreSQL prefix "%t:%r:%u@%d:[%p]:" after the timestamp:
# ":10.0.1.5(51300):app@shop:[8812]:", with an empty host part for local processes.
_RDS_PREFIX = re.compile(
    r":(?:\[local\]|[\w.:-]*(?:\(\d{1,5}\))?)?:[\w.\[\]-]*@[\w.\[\]-]*:\[(?P<pid>\d{1,10})\]:"
)
# PostgreSQL's "user=%u,db=%d,app=%a,client=%h" in log_line_prefix (values may be empty).
_PREFIX_KEYS = re.compile(r"(?:user|db|database|app|client|host|remote)=[^\s=]*(?:,\w+=[^\s=]*)*(?=\s)")


@dataclass(frozen=True, slots=True)
class Piece:
    """One recognised header piece: where it ends, and what it named.

    ``name`` is the stream name of a syslog program (host, program and pid).
    ``ends_header`` is set when the message follows the piece at once, and
    ``per_line`` when the writer puts the piece on every physical line, as
    syslog does with its program name and logcat with its columns.
    """

    end: int
    fields: dict[str, str] = field(default_factory=dict)
    level: Level | None = None
    name: str = ""
    ends_header: bool = False
    per_line: bool = False


def match_after_timestamp(text: str, pos: int, has_fields: bool) -> Piece | None:
    """Match the pieces that only follow a timestamp and come before any level.

    Android logcat's pid, tid, priority letter and tag, columns joined by
    "|", and a node with upper-case component names before the level (only
    while no other piece named a field: ``has_fields``).
    """
    char = text[pos]
    if char == "|":
        return match_pipe_columns(text, pos) if not text[pos - 1].isspace() else None
    if not char.isalnum():
        return None
    if char.isdigit() or (char.isupper() and text.startswith("/", pos + 1)):
        logcat = match_logcat(text, pos)
        if logcat is not None:
            return logcat
    if not has_fields:
        return match_names_before_level(text, pos)
    return None


def match_process(text: str, pos: int, after_timestamp: bool) -> Piece | None:
    """Match nginx's "pid#tid:", or after a timestamp Amazon RDS's PostgreSQL prefix."""
    nginx = _NGINX_PROCESS.match(text, pos)
    if nginx:
        return Piece(nginx.end(), {"pid": nginx["pid"], "tid": nginx["tid"]})
    rds = _RDS_PREFIX.match(text, pos) if after_timestamp else None
    if rds:
        return Piece(rds.end(), {"pid": rds["pid"]})
    return None


def match_pino_process(text: str, pos: int) -> int | None:
    """Return the end of pino-pretty's "(pid on host):", or None."""
    match = _PINO_PROCESS.match(text, pos)
    return match.end() if match else None


def match_database_user(text: str, pos: int) -> int | None:
    """Return the end of PostgreSQL's "user@database" or "user=...,db=..." prefix, or None."""
    match = _USER_AT_DATABASE.match(text, pos) or _PREFIX_KEYS.match(text, pos)
    return match.end() if match else None


def syslog_line_part(inner: str) -> str | None:
    """Return N of PostgreSQL's "[message-N]" syslog line numbers (the bracket's content), or None."""
    match = _PG_SYSLOG_LINE.fullmatch(inner)
    return match["part"] if match else None


def match_logcat(text: str, pos: int) -> Piece | None:
    """Match Android logcat's columns after its timestamp, in the threadtime or the time format."""
    match = _LOGCAT_THREADTIME.match(text, pos) or _LOGCAT_TIME.match(text, pos)
    if match is None:
        return None
    fields = {"pid": match["pid"]}
    if "tid" in match.groupdict():
        fields["tid"] = match["tid"]
    fields["tag"] = match["tag"].strip()
    return Piece(match.end(), fields, LOGCAT_LETTERS[match["level"]], ends_header=True, per_line=True)


def match_pipe_columns(text: str, pos: int) -> Piece | None:
    """Match "|"-separated columns: numbers are the pid and tid, a level word the level, names components."""
    match = _PIPE_COLUMNS.match(text, pos)
    if match is None:
        return None
    fields: dict[str, str] = {}
    level = None
    numbers = iter(("pid", "tid"))
    names = iter(("component", "thread", "context"))
    for column in match[1].rstrip("|").split("|"):
        column_level = parse_level(column) if column.isalpha() else None
        if column_level is not None and level is None:
            level = column_level
            continue
        key = next(numbers, None) if column.isdigit() else next(names, None)
        if key is None:
            return None  # More columns than a header has are a table printed as the message.
        fields[key] = column
    return Piece(match.end(), fields, level, ends_header=True)


def match_names_before_level(text: str, pos: int) -> Piece | None:
    """Match "node FACILITY COMPONENT LEVEL" after a timestamp (the node is optional)."""
    match = _NAMES_BEFORE_LEVEL.match(text, pos)
    if match is None:
        return None
    level = parse_level(match["level"])
    names = match["names"].split()
    fields = {"node": match["node"]} if match["node"] else {}
    if len(names) > 1:
        fields["facility"] = " ".join(names[:-1])
    fields["component"] = names[-1]
    return Piece(match.end(), fields, level, ends_header=True)


def match_windows_program(text: str, pos: int) -> Piece | None:
    match = _WINDOWS_PROGRAM.match(text, pos)
    return Piece(match.end(), {"program": match["program"]}) if match else None


def match_column_name(text: str, pos: int) -> Piece | None:
    match = _COLUMN_NAME.match(text, pos)
    return Piece(match.end(), {"component": match.group()}) if match else None


def match_program(text: str, pos: int, after_syslog_timestamp: bool) -> Piece | None:
    """Match a syslog program name with its host and pid.

    A program without a pid, and one whose name has spaces, are read only
    after a syslog timestamp, where nothing else can stand.
    """
    match = _PROGRAM.match(text, pos)
    if match is None and after_syslog_timestamp:
        match = _SYSLOG_HOST_PROGRAM.match(text, pos) or _SPACED_PROGRAM.match(text, pos)
    if match is None:
        return None
    groups = match.groupdict()
    fields = {key: value for key, value in groups.items() if value}
    name = text[pos : match.end("pid") + 1] if groups.get("pid") else text[pos : match.end("program")]
    return Piece(match.end(), fields, name=name, per_line=True)


def find_bracket_end(text: str, pos: int, max_chars: int) -> int:
    """Return the index of the "]" that closes the "[" at ``text[pos]``, or -1.

    Nested brackets count, as in ZooKeeper's "[LearnerHandler[sid=3]/10.0.0.9:2888:LearnerHandler@612]".
    """
    end = min(len(text), pos + 1 + max_chars)
    close = text.find("]", pos + 1, end)
    if close < 0 or text.find("[", pos + 1, close) < 0:
        return close
    depth = 0
    for index in range(pos, end):
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
    return -1


def bracket_fields(inner: str, after_logger: bool, fields: dict[str, str]) -> dict[str, str]:
    """Name the content of a header bracket that is neither a timestamp nor a level.

    A bracket before the logger is the thread, one after it a request
    context, unless its content shows what it is (pid, client, thread:Class@line).
    """
    process = _APACHE_PROCESS.fullmatch(inner)
    if process:
        return {key: value for key, value in process.groupdict().items() if value}
    client = _CLIENT.fullmatch(inner)
    if client:
        return {"client": client["client"]}
    if inner.isdigit():
        return {"pid": inner}
    located = _THREAD_CLASS_LINE.fullmatch(inner)
    if located and not after_logger:
        return located.groupdict()
    if after_logger or "thread" in fields:
        return {"context": inner}
    return {"thread": inner}
