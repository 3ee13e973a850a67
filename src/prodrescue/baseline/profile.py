"""The baseline profile: what a system's logs look like on a good day, as plain JSON.

A profile lists the templates of healthy logs with their counts, their levels
and the spread of their numeric parameters. It is written by ``prodrescue
learn`` and read by ``prodrescue diagnose --baseline``. Loading never runs
code from the file (it is JSON, not pickle) and checks every field, so a
profile from an untrusted source can only fail with a clear error.
"""

from __future__ import annotations

__all__ = [
    "MAX_PROFILE_BYTES",
    "SCHEMA_VERSION",
    "ParameterSpread",
    "Profile",
    "ProfileError",
    "ProfileTemplate",
    "load_profile",
    "profile_from_json",
]

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from prodrescue.errors import InputError
from prodrescue.ingest.reading import read_small_text

SCHEMA_VERSION = 1
# Profiles of a few thousand templates take about a megabyte. A larger file is
# almost certainly not a profile.
MAX_PROFILE_BYTES = 200 * 1024 * 1024
_FORMAT = "prodrescue-baseline"


class ProfileError(InputError):
    """A baseline profile that cannot be read: not JSON, another schema version, or a bad field."""


@dataclass(frozen=True, slots=True)
class ParameterSpread:
    """Quantiles of one numeric parameter of a template: the ``index``-th masked value."""

    index: int
    kind: str
    count: int
    minimum: float
    p50: float
    p95: float
    p99: float
    maximum: float
    distinct: int = 0  # distinct values in the sample the quantiles come from (0: not recorded)


@dataclass(frozen=True, slots=True)
class ProfileTemplate:
    """One template of the healthy logs, with its events per level and its numeric parameters."""

    text: str
    count: int
    levels: dict[str, int]
    parameters: tuple[ParameterSpread, ...] = ()

    @property
    def error_count(self) -> int:
        """Number of its events at level error or above."""
        return sum(count for level, count in self.levels.items() if level in ("error", "critical", "fatal"))


@dataclass(frozen=True, slots=True)
class Profile:
    """A baseline: the templates of healthy logs and the size of those logs."""

    events: int
    seconds: float | None
    sources: tuple[str, ...]
    templates: tuple[ProfileTemplate, ...]
    created_by: str = ""

    def to_json(self) -> str:
        """Return the profile as a JSON document with its format name and schema version."""
        document = {
            "format": _FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created_by": self.created_by,
            "events": self.events,
            "seconds": self.seconds,
            "sources": list(self.sources),
            "templates": [
                {
                    "text": template.text,
                    "count": template.count,
                    "levels": template.levels,
                    "parameters": [asdict(spread) for spread in template.parameters],
                }
                for template in self.templates
            ],
        }
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def load_profile(path: str | Path) -> Profile:
    """Read a profile written by ``prodrescue learn``.

    Raises:
        ProfileError: the file cannot be read, is too large, is not JSON, or
            is not a profile of this schema version.
    """
    path = Path(path)
    text = read_small_text(path, MAX_PROFILE_BYTES, "baseline profile", ProfileError)
    return profile_from_json(text, str(path))


def profile_from_json(text: str, name: str = "<profile>") -> Profile:
    """Parse and check a profile document. ``name`` labels errors.

    Raises:
        ProfileError: the text is not JSON or not a valid profile.
    """
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ProfileError(f"{name}: not a JSON baseline profile: {error}") from error
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise ProfileError(f'{name}: not a baseline profile (expected "format": "{_FORMAT}")')
    version = document.get("schema_version")
    if version is None:
        raise ProfileError(f"{name}: the baseline profile has no 'schema_version' field")
    if version != SCHEMA_VERSION:
        raise ProfileError(
            f"{name}: baseline schema version {version!r} is not supported (this prodrescue reads "
            f"version {SCHEMA_VERSION}); run 'prodrescue learn' again to write a new profile"
        )
    reader = _Reader(name)
    templates = reader.items(document, "templates", reader.template)
    return Profile(
        events=reader.count(document, "events"),
        seconds=reader.optional_number(document, "seconds"),
        sources=tuple(reader.text(item, "sources") for item in reader.entries(document, "sources")),
        templates=tuple(templates),
        created_by=str(document.get("created_by", ""))[:200],
    )


class _Reader:
    """Typed field access that names the bad field in its error."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, field: str, expected: str) -> ProfileError:
        return ProfileError(f"{self.name}: field {field!r} of the baseline profile must be {expected}")

    def entries(self, document: dict[str, Any], field: str) -> list[Any]:
        value = document.get(field, [])
        if not isinstance(value, list):
            raise self.fail(field, "a list")
        return value

    def items(self, document: dict[str, Any], field: str, read: Any) -> list[Any]:
        return [read(item) for item in self.entries(document, field)]

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str):
            raise self.fail(field, "text")
        return value

    def count(self, document: dict[str, Any], field: str) -> int:
        value = document.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(field, "a whole number of at least 0")
        return value

    def number(self, document: dict[str, Any], field: str) -> float:
        value = document.get(field)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise self.fail(field, "a finite number")
        return float(value)

    def optional_number(self, document: dict[str, Any], field: str) -> float | None:
        return None if document.get(field) is None else self.number(document, field)

    def template(self, item: Any) -> ProfileTemplate:
        if not isinstance(item, dict):
            raise self.fail("templates", "a list of objects")
        levels = item.get("levels", {})
        if not isinstance(levels, dict) or not all(
            isinstance(level, str) and type(count) is int and count >= 0 for level, count in levels.items()
        ):
            raise self.fail("templates[].levels", "an object of level names and counts")
        return ProfileTemplate(
            text=self.text(item.get("text"), "templates[].text"),
            count=self.count(item, "count"),
            levels=dict(levels),
            parameters=tuple(self.items(item, "parameters", self.spread)),
        )

    def spread(self, item: Any) -> ParameterSpread:
        if not isinstance(item, dict):
            raise self.fail("templates[].parameters", "a list of objects")
        return ParameterSpread(
            index=self.count(item, "index"),
            kind=self.text(item.get("kind"), "templates[].parameters[].kind"),
            count=self.count(item, "count"),
            minimum=self.number(item, "minimum"),
            p50=self.number(item, "p50"),
            p95=self.number(item, "p95"),
            p99=self.number(item, "p99"),
            maximum=self.number(item, "maximum"),
            distinct=self.count(item, "distinct") if "distinct" in item else 0,
        )
