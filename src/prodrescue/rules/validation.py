"""Shared checks for building rules from YAML: record problems, check keys and values.

Builders record a :class:`RuleProblem` for each wrong value and continue, so that
one pass over a file reports every problem with its line, column, rule id and
field.
"""

from __future__ import annotations

__all__ = ["ProblemCollector", "describe_value", "did_you_mean"]

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from prodrescue.errors import RuleProblem
from prodrescue.rules.values import ValueType, parse_value
from prodrescue.rules.yamlsource import YamlList, YamlMap


class ProblemCollector:
    """Collector of the problems of one rule. The builders of the rule's parts share its list."""

    def __init__(
        self, path: str, location: tuple[int, int], problems: list[RuleProblem] | None = None
    ) -> None:
        self.path = path
        self.location = location
        self.rule_id: str | None = None
        self.problems: list[RuleProblem] = problems if problems is not None else []

    def problem(self, where: Any, key: str | int | None, field: str | None, message: str) -> None:
        """Record a problem at ``where[key]`` (a YAML mapping or list), or at the rule."""
        line, column = self.location
        if isinstance(where, YamlMap) and isinstance(key, str):
            line, column = where.location(key)
        elif isinstance(where, YamlList) and isinstance(key, int):
            line, column = where.location(key)
        elif isinstance(where, (YamlMap, YamlList)):
            line, column = where.line, where.column
        self.problems.append(RuleProblem(self.path, line, column, self.rule_id, field, message))

    def check_keys(
        self, mapping: YamlMap, allowed: set[str], prefix: str, required: Sequence[str] = ()
    ) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problem(
                    mapping,
                    key,
                    prefix + key,
                    f"unknown key; expected one of {', '.join(sorted(allowed))}{hint}",
                )
        for key in required:
            if key not in mapping:
                self.problem(mapping, None, prefix + key, "required key is missing")

    def string_list(self, entry: YamlMap, key: str, allow_single: bool = False) -> list[str]:
        value = entry.get(key)
        if value is None:
            return []
        if allow_single and isinstance(value, str):
            return [value]
        if not isinstance(value, YamlList):
            self.problem(entry, key, key, f"expected a list of text, found {describe_value(value)}")
            return []
        texts = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                texts.append(item)
            else:
                self.problem(value, index, f"{key}[{index}]", f"expected text, found {describe_value(item)}")
        return texts

    def choice(
        self,
        entry: YamlMap,
        key: str,
        enum_type: Any,
        exclude: frozenset[Any] = frozenset(),
        field: str | None = None,
    ) -> Any:
        value = entry.get(key)
        if value is None:
            return None
        options = [member.value for member in enum_type if member not in exclude]
        if value not in options:
            self.problem(
                entry,
                key,
                field or key,
                f"expected one of {', '.join(options)}, found {value!r}{did_you_mean(str(value), options)}",
            )
            return None
        return enum_type(value)

    def positive_int(self, spec: YamlMap, key: str, field: str, default: int) -> int | None:
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(spec, key, field, f"expected a whole number of at least 1, found {value!r}")
            return None
        return value

    def duration(self, spec: YamlMap, key: str, field: str) -> float | None:
        value = spec.get(key)
        if value is None:
            return None
        seconds = None
        if isinstance(value, int) and not isinstance(value, bool):
            seconds = float(value)
        elif isinstance(value, str):
            parsed = parse_value(value, ValueType.AUTO)
            seconds = parsed.number if parsed.type is ValueType.DURATION else None
        if seconds is None or seconds <= 0:
            self.problem(spec, key, field, f"expected a duration such as 30s, 5m or 2h, found {value!r}")
            return None
        return seconds


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value} (a number)"
    return repr(value)
