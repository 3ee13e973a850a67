"""Records from logfmt lines: ``time=... level=error msg="..." key=value``.

Go's slog text handler, logrus's text formatter, Heroku's router and many Go
services write logs this way. A line counts as logfmt when it is a sequence of
``key=value`` pairs that includes a message, level or time key; the fields are
then read like a JSON object's.
"""

from __future__ import annotations

__all__ = ["parse_logfmt"]

import re

from prodrescue.ingest.jsonline import JsonFields, fields_to_record

# key=value, key="quoted value with \"escapes\"", or a bare key.
_PAIR = re.compile(r'\s*([\w.@/-]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?')
# Keys of which a logfmt line has at least one; Heroku's router writes "at".
_KEYS = frozenset(
    {"time", "ts", "t", "timestamp", "level", "lvl", "severity", "msg", "message", "err", "error", "at"}
)
_MIN_PAIRS = 2


def parse_logfmt(text: str, default_year: int) -> JsonFields | None:
    """Parse ``text`` as one logfmt line; None when it is not one."""
    if "=" not in text[:64]:
        return None
    fields: dict[str, object] = {}
    position = 0
    length = len(text)
    while position < length:
        match = _PAIR.match(text, position)
        if match is None or match.end() == position:
            return None
        key, value = match.group(1), match.group(2)
        if value is None:
            return None  # a bare word: prose, not logfmt
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        fields[key] = value
        position = match.end()
        while position < length and text[position] == " ":
            position += 1
    if len(fields) < _MIN_PAIRS or not _KEYS.intersection(fields):
        return None
    return fields_to_record(fields, default_year)
