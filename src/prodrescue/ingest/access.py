"""HTTP access log lines (nginx, Apache, Envoy-style combined formats) as records with fields.

A request line becomes an event whose message is ``METHOD PATH STATUS`` and
whose fields carry the status, size, referrer, user agent, and the timing and
upstream values that nginx and Apache configurations commonly append
(``rt=0.512 uct="0.000" urt="0.510" upstream=10.0.0.7:8080``, or bare
numbers after the user agent). Rules can then match ``status=5\\d\\d`` or
``request_time`` in the event's text. A 5xx response is logged at error level
and a 4xx at warning, so that failing requests count as errors in the
template statistics.
"""

from __future__ import annotations

__all__ = ["AccessLine", "parse_access_line"]

import re
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.timestamps import match_timestamp
from prodrescue.levels import Level

_COMBINED = re.compile(
    r"(?P<remote>[\w.:-]+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]{10,40})\] "
    r'"(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+|-)'
    r'(?: "(?P<referrer>[^"]*)" "(?P<agent>[^"]*)")?(?P<rest>.*)$'
)
_REQUEST = re.compile(r"(?P<method>[A-Z]{3,10}) (?P<path>\S+)(?: (?P<protocol>HTTP/[\d.]+))?")
_KEY_VALUE = re.compile(r'([\w.-]+)=("[^"]*"|\S+)')
_TIME = r"(?:\d+(?:\.\d+)?|-)"
_BARE_TIMES = re.compile(rf"\s*(?P<request>\d+(?:\.\d+)?)(?:\s+(?P<upstream>{_TIME}(?:\s*[,:]\s*{_TIME})*))?")
# Names that log formats commonly give to the request time and the upstream.
_TIME_KEYS = {
    "rt": "request_time",
    "request_time": "request_time",
    "urt": "upstream_response_time",
    "upstream_response_time": "upstream_response_time",
    "uct": "upstream_connect_time",
    "uht": "upstream_header_time",
    "duration": "request_time",
}
_UPSTREAM_KEYS = {"upstream", "upstream_addr", "ua", "backend"}


@dataclass(frozen=True, slots=True)
class AccessLine:
    """One access log line read into a message, a time, a level and fields."""

    message: str
    timestamp: datetime | None
    zone_known: bool
    level: Level | None
    fields: dict[str, object]


def parse_access_line(text: str, default_year: int) -> AccessLine | None:
    """Parse a common or combined access log line; None when the line is not one."""
    match = _COMBINED.match(text)
    if match is None:
        return None
    stamp = match_timestamp(match["time"], 0, default_year)
    fields: dict[str, object] = {
        "remote_addr": match["remote"],
        "status": int(match["status"]),
        "bytes": 0 if match["bytes"] == "-" else int(match["bytes"]),
    }
    request = _REQUEST.match(match["request"])
    if request:
        fields["method"] = request["method"]
        fields["path"] = request["path"]
    else:
        fields["request"] = match["request"]
    if match["referrer"] is not None:
        fields["referrer"] = match["referrer"]
        fields["user_agent"] = match["agent"]
    fields.update(_trailing_fields(match["rest"] or ""))

    status = int(match["status"])
    level = Level.ERROR if status >= 500 else Level.WARNING if status >= 400 else Level.INFO
    message = f"{match['request']} {status}"
    return AccessLine(
        message, stamp.value if stamp else None, bool(stamp and stamp.zone_known), level, fields
    )


def _trailing_fields(rest: str) -> dict[str, object]:
    """Read what a custom log format appends: key=value pairs, or a bare request time."""
    fields: dict[str, object] = {}
    pairs = _KEY_VALUE.findall(rest)
    for key, quoted in pairs:
        name = "upstream" if key in _UPSTREAM_KEYS else _TIME_KEYS.get(key, key)
        fields[name] = quoted.strip('"')
    bare = _BARE_TIMES.match(rest) if not pairs else None
    if bare:
        # Bare numbers after the user agent: nginx's $request_time, then
        # $upstream_response_time in many log formats, with one time per
        # upstream tried ("0.002, 5.001"), kept as nginx wrote them.
        fields["request_time"] = bare["request"]
        if bare["upstream"]:
            fields["upstream_response_time"] = bare["upstream"]
    return fields
