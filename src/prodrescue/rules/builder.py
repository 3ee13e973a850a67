"""Build one :class:`Rule` from its YAML mapping, collecting every problem on the way.

Each field has a small method that checks its type and allowed values. A
wrong value is recorded as a problem with the line, column and field name, so
that one pass reports everything that needs fixing. Conditions and the
``when`` expression are built by :class:`ConditionBuilder`.
"""

from __future__ import annotations

__all__ = [
    "ACTION_KEYS",
    "BUILTIN_PLACEHOLDERS",
    "EXAMPLE_KEYS",
    "REQUIRED_RULE_KEYS",
    "RULE_KEYS",
    "RuleBuilder",
]

import string
from collections.abc import Collection
from typing import Any

from prodrescue.model import Risk, Role, Severity
from prodrescue.rules.condition_builder import ConditionBuilder
from prodrescue.rules.conditions import Condition
from prodrescue.rules.model import CATEGORIES, Rule, RuleAction, RuleExamples
from prodrescue.rules.validation import ProblemCollector, describe_value, did_you_mean
from prodrescue.rules.values import ValueType
from prodrescue.rules.yamlsource import YamlList, YamlMap

RULE_KEYS = {
    "id",
    "title",
    "category",
    "severity",
    "role",
    "description",
    "conditions",
    "when",
    "explains",
    "summary",
    "checks",
    "actions",
    "examples",
    "captures",
    "tags",
    "references",
}
REQUIRED_RULE_KEYS = ("id", "title", "category", "severity", "role", "description", "conditions")
EXAMPLE_KEYS = {"match", "no_match", "fire", "no_fire"}
ACTION_KEYS = {"risk", "text"}
_ID_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
_MAX_ID_LENGTH = 80

# Placeholders every summary, check and action may use besides the rule's captures.
BUILTIN_PLACEHOLDERS = frozenset(
    {
        "count",
        "first_seen",
        "last_seen",
        "source",
        "change",
        "change_gap",
        "acquired",
        "released",
        "unreleased",
        "oldest_key",
        "oldest_age",
        "keys",
    }
)
_VALUE_STATISTICS = ("first", "last", "min", "max", "count", "values")


class _AnyName(frozenset[str]):
    """Name set that contains every name, used when a rule's captures could not be determined."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY_NAME = _AnyName()


class RuleBuilder(ProblemCollector):
    """Builder of one :class:`Rule` from its YAML mapping, which collects problems in ``problems``."""

    def build(self, entry: Any) -> Rule | None:
        """Build the rule, or return None when one of its fields is invalid or missing."""
        if not isinstance(entry, YamlMap):
            self.problem(None, None, None, f"expected a rule (a mapping), found {describe_value(entry)}")
            return None
        if isinstance(entry.get("id"), str):
            self.rule_id = entry["id"]
        self.check_keys(entry, RULE_KEYS, "", required=REQUIRED_RULE_KEYS)
        problems_before = len(self.problems)

        rule_id = self._rule_id(entry)
        title = self._text(entry, "title")
        description = self._text(entry, "description")
        category = self._category(entry, "category")
        severity = self.choice(entry, "severity", Severity)
        role = self.choice(entry, "role", Role, exclude=frozenset({Role.UNRECOGNIZED}))
        captures = self._captures(entry)

        conditions_builder = ConditionBuilder(self.path, self.location, self.problems)
        conditions_builder.rule_id = self.rule_id
        problems_before_conditions = len(self.problems)
        conditions = conditions_builder.conditions(entry)
        when = conditions_builder.when(entry, conditions)
        capture_names = {name for condition in conditions for name in condition.captures()}
        self._check_name_clashes(entry, conditions, capture_names)
        placeholders: Collection[str] = capture_names | BUILTIN_PLACEHOLDERS | {c.name for c in conditions}
        if len(self.problems) > problems_before_conditions or not isinstance(
            entry.get("conditions"), YamlMap
        ):
            placeholders = _ANY_NAME  # the captures are unknown, so no placeholder is reported as unknown
        else:
            self._check_declared_captures(entry, captures, capture_names)

        explains = tuple(self._category_list(entry, "explains"))
        summary = tuple(self._templated_list(entry, "summary", placeholders))
        checks = tuple(self._templated_list(entry, "checks", placeholders))
        actions = tuple(self._actions(entry, placeholders))
        examples = self._examples(entry)
        tags = tuple(self.string_list(entry, "tags"))
        references = tuple(self.string_list(entry, "references"))

        if len(self.problems) > problems_before:
            return None
        if (
            rule_id is None
            or title is None
            or description is None
            or category is None
            or severity is None
            or role is None
            or when is None
        ):
            return None  # a required key is missing, which check_keys reported
        return Rule(
            id=rule_id,
            title=title,
            category=category,
            severity=severity,
            role=role,
            description=description,
            conditions=tuple(conditions),
            when=when,
            explains=explains,
            summary=summary,
            checks=checks,
            actions=actions,
            examples=examples,
            captures=captures,
            tags=tags,
            references=references,
            path=self.path,
            line=self.location[0],
        )

    def _check_name_clashes(
        self, entry: YamlMap, conditions: list[Condition], capture_names: set[str]
    ) -> None:
        """Report condition names that are also capture names, because ``{name}`` would be ambiguous."""
        block = entry.get("conditions")
        for condition in conditions:
            if condition.name in capture_names:
                self.problem(
                    block,
                    condition.name,
                    f"conditions.{condition.name}",
                    f"the condition name '{condition.name}' is also a capture name, so "
                    f"{{{condition.name}}} would be ambiguous; rename one of them",
                )

    def _check_declared_captures(
        self, entry: YamlMap, captures: tuple[tuple[str, ValueType], ...], capture_names: set[str]
    ) -> None:
        for name, _ in captures:
            if name not in capture_names:
                self.problem(
                    entry.get("captures"),
                    name,
                    f"captures.{name}",
                    f"no pattern of this rule has a group named '{name}'",
                )

    def _rule_id(self, entry: YamlMap) -> str | None:
        value = entry.get("id")
        if value is None:
            return None
        if (
            not isinstance(value, str)
            or not value
            or set(value) - _ID_CHARACTERS
            or len(value) > _MAX_ID_LENGTH
        ):
            self.problem(
                entry,
                "id",
                "id",
                f"expected lower-case letters, digits, '-' and '.' (at most {_MAX_ID_LENGTH}), "
                f"found {value!r}",
            )
            return None
        return value

    def _text(self, entry: YamlMap, key: str, field: str | None = None) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(entry, key, field or key, f"expected non-empty text, found {describe_value(value)}")
            return None
        return " ".join(value.split())

    def _category(self, entry: YamlMap, key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value not in CATEGORIES:
            self.problem(
                entry,
                key,
                key,
                f"expected a category id, found {value!r}{did_you_mean(str(value), CATEGORIES)}; "
                "run 'prodrescue rules list --categories' for the ids",
            )
            return None
        return value

    def _category_list(self, entry: YamlMap, key: str) -> list[str]:
        items = self.string_list(entry, key)
        values = entry.get(key)
        valid = []
        for index, item in enumerate(items):
            if item in CATEGORIES:
                valid.append(item)
            else:
                self.problem(
                    values,
                    index,
                    f"{key}[{index}]",
                    f"expected a category id, found {item!r}{did_you_mean(item, CATEGORIES)}",
                )
        return valid

    def _templated_list(self, entry: YamlMap, key: str, placeholders: Collection[str]) -> list[str]:
        texts = self.string_list(entry, key, allow_single=(key == "summary"))
        container = entry.get(key)
        for index, text in enumerate(texts):
            where, at = (container, index) if isinstance(container, YamlList) else (entry, key)
            self._check_placeholders(text, placeholders, where, at, f"{key}[{index}]")
        return [" ".join(text.split()) for text in texts]

    def _check_placeholders(
        self, text: str, placeholders: Collection[str], where: Any, at: Any, field: str
    ) -> None:
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            self.problem(
                where, at, field, f"invalid placeholder syntax: {error}; write literal braces as {{{{ }}}}"
            )
            return
        for _, name, _, _ in parsed:
            if name is None:
                continue
            base, _, statistic = name.partition(".")
            if base not in placeholders or (statistic and statistic not in _VALUE_STATISTICS):
                known = ", ".join(sorted(placeholders))
                self.problem(
                    where,
                    at,
                    field,
                    f"unknown placeholder {{{name}}}{did_you_mean(base, placeholders)}; "
                    f"known names: {known}; statistics: .{', .'.join(_VALUE_STATISTICS)}",
                )

    def _actions(self, entry: YamlMap, placeholders: Collection[str]) -> list[RuleAction]:
        value = entry.get("actions")
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.problem(
                entry, "actions", "actions", f"expected a list of actions, found {describe_value(value)}"
            )
            return []
        actions = []
        for index, item in enumerate(value):
            field = f"actions[{index}]"
            if not isinstance(item, YamlMap):
                self.problem(
                    value,
                    index,
                    field,
                    f"expected a mapping with 'risk' and 'text', found {describe_value(item)}",
                )
                continue
            self.check_keys(item, ACTION_KEYS, field + ".", required=("risk", "text"))
            risk = self.choice(item, "risk", Risk, field=field + ".risk")
            text = self._text(item, "text", field=field + ".text")
            if risk is None or text is None:
                continue
            self._check_placeholders(text, placeholders, item, "text", field + ".text")
            actions.append(RuleAction(risk, text))
        return actions

    def _examples(self, entry: YamlMap) -> RuleExamples:
        value = entry.get("examples")
        if value is None:
            return RuleExamples()
        if not isinstance(value, YamlMap):
            self.problem(entry, "examples", "examples", f"expected a mapping, found {describe_value(value)}")
            return RuleExamples()
        self.check_keys(value, EXAMPLE_KEYS, "examples.")
        return RuleExamples(**{key: tuple(self.string_list(value, key)) for key in EXAMPLE_KEYS})

    def _captures(self, entry: YamlMap) -> tuple[tuple[str, ValueType], ...]:
        value = entry.get("captures")
        if value is None:
            return ()
        if not isinstance(value, YamlMap):
            self.problem(
                entry,
                "captures",
                "captures",
                f"expected a mapping of name: type, found {describe_value(value)}",
            )
            return ()
        types = [member.value for member in ValueType]
        captures = []
        for name, declared in value.items():
            if declared not in types:
                self.problem(
                    value,
                    name,
                    f"captures.{name}",
                    f"expected one of {', '.join(types)}, found {declared!r}"
                    f"{did_you_mean(str(declared), types)}",
                )
                continue
            captures.append((name, ValueType(declared)))
        return tuple(captures)
