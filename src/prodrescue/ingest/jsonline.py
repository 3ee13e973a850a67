"""Records from JSON-lines loggers (zap, logrus, pino, bunyan, structlog, Serilog, ECS).

The message, timestamp and level are taken from the field names these loggers
use, and every other field is kept. Error and stack-trace fields become extra
text of the record, so that rules searching for ``connection refused`` find it
whether a logger put it in the message or in an ``error`` field.
"""

from __future__ import annotations

__all__ = ["JsonFields", "fields_to_record", "parse_json_object"]

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prodrescue.ingest.timestamps import parse_timestamp_value, timestamp_from_epoch
from prodrescue.levels import Level, parse_level

_MESSAGE_KEYS = (
    "msg",
    "message",
    "@message",
    "log",
    "text",
    "event",
    "@m",
    "@mt",
    "MESSAGE",
    "textPayload",
    "jsonPayload.message",
)
_TIME_KEYS = (
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "@t",
    "t",
    "date",
    "datetime",
    "eventTime",
    "timeMillis",
    "__REALTIME_TIMESTAMP",
)
# Heroku's router writes its level as "at=error", so "at" is tried last.
_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "loglevel", "log.level", "@l", "PRIORITY", "at")
# First dotted parts of the keys of error and stack-trace fields. Pino and bunyan
# nest them ("err": {"message", "stack"}), and ECS writes error.stack_trace.
_ERROR_FIELDS = frozenset(
    {
        "error",
        "err",
        "exception",
        "exc_info",
        "stacktrace",
        "stack",
        "stack_trace",
        "@x",
    }
)
_MAX_ERROR_LINES = 200


@dataclass(slots=True)
class JsonFields:
    """The parts of one JSON log object that the pipeline uses."""

    message: str
    timestamp: datetime | None
    level: Level | None
    fields: dict[str, Any]
    extra_lines: tuple[str, ...]
    message_from_field: bool = True
    zone_known: bool = False
    message_key: str = ""


def parse_json_object(text: str, default_year: int) -> JsonFields | None:
    """Parse ``text`` as one JSON log object, or return None when it is not a JSON object."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    return fields_to_record(_flatten(value), default_year)


def fields_to_record(flat: dict[str, Any], default_year: int) -> JsonFields:
    """Read the message, time, level and error fields out of flat ``key: value`` fields.

    JSON objects (flattened to dotted keys) and logfmt lines share this step.
    """
    message_key, message = _first_text(flat, _MESSAGE_KEYS)
    timestamp, zone_known = _timestamp(flat, default_year)
    level = _level(flat)
    if "@t" in flat and ("@mt" in flat or "@m" in flat):
        # Serilog's compact JSON leaves out @l for Information, and its
        # Verbose is below Debug.
        if level is None:
            level = Level.INFO
        elif flat.get("@l") == "Verbose":
            level = Level.TRACE
    extra_lines = _error_lines(flat)
    used = set(_MESSAGE_KEYS) | set(_TIME_KEYS) | set(_LEVEL_KEYS)
    fields = {key: item for key, item in flat.items() if key not in used}
    if message is None:
        # Without a message field, the other fields as logfmt-like text are the message.
        text = " ".join(f"{key}={_compact(item)}" for key, item in fields.items())
        return JsonFields(text, timestamp, level, fields, extra_lines, False, zone_known)
    return JsonFields(message, timestamp, level, fields, extra_lines, True, zone_known, message_key)


def _compact(item: Any) -> str:
    if isinstance(item, str):
        return json.dumps(item, ensure_ascii=False) if " " in item or not item else item
    return json.dumps(item, ensure_ascii=False, default=str)


def _flatten(value: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Flatten nested objects into dotted keys (``log.level``), two levels deep."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and depth < 2:
            flat.update(_flatten(item, name + ".", depth + 1))
        else:
            flat[name] = item
    return flat


def _first_text(flat: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, str | None]:
    """Return the first of ``keys`` that holds text, and its text (without a final line ending)."""
    for key in keys:
        item = flat.get(key)
        if (
            isinstance(item, list)
            and item
            and all(isinstance(byte, int) and 0 <= byte < 256 for byte in item)
        ):
            # journald exports a message that is not valid UTF-8 as an array of bytes.
            item = bytes(item).decode("utf-8", "replace")
        if isinstance(item, str) and item.strip():
            return key, item.rstrip("\r\n")
    return "", None


def _timestamp(flat: dict[str, Any], default_year: int) -> tuple[datetime | None, bool]:
    """Return the first time field's value and whether it named its zone."""
    for key in _TIME_KEYS:
        item = flat.get(key)
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, (int, float)):
            try:
                return timestamp_from_epoch(float(item)), True
            except OverflowError:  # an integer beyond the float range
                return None, False
        if isinstance(item, str):
            parsed = parse_timestamp_value(item, default_year)
            if parsed is not None:
                return parsed
    return None, False


def _level(flat: dict[str, Any]) -> Level | None:
    for key in _LEVEL_KEYS:
        item = flat.get(key)
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, (int, str)):
            level = parse_level(str(item))
            if level is not None:
                return level
    return None


def _error_lines(flat: dict[str, Any]) -> tuple[str, ...]:
    lines: list[str] = []
    for key, item in flat.items():
        if key.split(".", 1)[0] not in _ERROR_FIELDS or item is None or item == "":
            continue
        text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, default=str)
        lines.extend(f"{key}: {text}".splitlines())
    return tuple(lines[:_MAX_ERROR_LINES])
