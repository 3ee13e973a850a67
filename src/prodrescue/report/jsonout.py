"""The diagnosis as JSON: plain types, ISO 8601 timestamps, a schema version.

The layout is part of the public interface: ``causes`` is ordered by rank and
every cause has ``category``, ``rule_id``, ``score`` and ``evidence`` (a list
of objects with ``text``, ``source`` and ``line``). A minor schema version
only adds keys, and any other change increases the major version.
"""

from __future__ import annotations

__all__ = ["to_dict", "to_json"]

import enum
import json
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from prodrescue.model import Diagnosis


def to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """Convert a diagnosis to JSON-ready dictionaries and lists."""
    data = _plain(diagnosis)
    assert isinstance(data, dict)
    data["stats"]["span_seconds"] = diagnosis.stats.span_seconds
    ordered = {"schema_version": data.pop("schema_version")}
    ordered.update(data)
    return ordered


def to_json(diagnosis: Diagnosis, indent: int | None = 2) -> str:
    """Serialise a diagnosis to JSON text. Equal diagnoses give identical text."""
    return json.dumps(to_dict(diagnosis), indent=indent, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value
