"""Load and validate YAML rule files.

Validation collects every problem of a file in one pass and reports each with
its file, line, column, rule id and field, what was expected and what was
found, so an author can fix a file in one edit. Unknown keys are errors (a
typo must not silently disable a condition), and so are duplicate keys and
duplicate rule ids across files.
"""

from __future__ import annotations

__all__ = ["load_rule_files", "rule_files_in"]

import difflib
import logging
import string
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import regex

from prodrescue.errors import RuleError, RuleProblem
from prodrescue.levels import Level, parse_level
from prodrescue.model import Risk, Role, Severity
from prodrescue.rules.conditions import (
    Condition,
    ConditionOptions,
    MatchCondition,
    PairingCondition,
)
from prodrescue.rules.expression import Expression, ExpressionError, parse_expression
from prodrescue.rules.model import CATEGORIES, Rule, RuleAction, RuleExamples, RuleSet
from prodrescue.rules.patterns import Pattern, compile_pattern
from prodrescue.rules.predicates import PredicateError, parse_predicate
from prodrescue.rules.values import ValueType, parse_value
from prodrescue.rules.yamlsource import MAX_RULE_FILE_BYTES, YamlList, YamlMap, load_yaml

logger = logging.getLogger(__name__)

_RULE_KEYS = {
    "id", "title", "category", "severity", "role", "description", "conditions", "when",
    "explains", "summary", "checks", "actions", "examples", "captures", "tags", "references",
}
_REQUIRED_RULE_KEYS = ("id", "title", "category", "severity", "role", "description", "conditions")
_CONDITION_KEYS = {"regex", "pairing", "level", "where", "exclude", "count", "within", "case_sensitive"}
_PAIRING_KEYS = {"acquire", "release", "key", "unreleased", "older_than"}
_EXAMPLE_KEYS = {"match", "no_match", "fire", "no_fire"}
_ACTION_KEYS = {"risk", "text"}
_ID_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
_MAX_ID_LENGTH = 80

# Placeholders every summary, check and action may use besides the rule's captures.
BUILTIN_PLACEHOLDERS = frozenset({
    "count", "first_seen", "last_seen", "source", "change", "change_gap",
    "acquired", "released", "unreleased", "oldest_key", "oldest_age", "keys",
})
_VALUE_STATISTICS = ("first", "last", "min", "max", "count")


class _AnyName(frozenset[str]):
    """Accepts every name: used when a rule's captures could not be determined."""

    def __contains__(self, item: object) -> bool:
        return True


_ANY_NAME = _AnyName()


def rule_files_in(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and directories into rule files (``*.yaml``, ``*.yml``), sorted.

    Raises :class:`RuleError` for a path that does not exist.
    """
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                candidate for candidate in path.rglob("*")
                if candidate.suffix in (".yaml", ".yml") and candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
            )
            if not found:
                logger.warning("rule directory %s contains no .yaml files", path)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError([RuleProblem(str(path), 0, 0, None, None, "no such rule file or directory")])
    return files


def load_rule_files(paths: Sequence[str | Path]) -> RuleSet:
    """Load rules from files and directories; raise :class:`RuleError` listing every problem."""
    rules: list[Rule] = []
    problems: list[RuleProblem] = []
    first_definition: dict[str, Rule] = {}
    for path in rule_files_in(paths):
        file_rules, file_problems = load_rule_file(path)
        problems.extend(file_problems)
        for rule in file_rules:
            earlier = first_definition.get(rule.id)
            if earlier is not None:
                problems.append(RuleProblem(
                    rule.path, rule.line, 0, rule.id, "id",
                    f"duplicate rule id '{rule.id}': also defined at {earlier.location}",
                ))
                continue
            first_definition[rule.id] = rule
            rules.append(rule)
    if problems:
        raise RuleError(problems)
    return RuleSet(tuple(rules))


def load_rule_file(path: str | Path) -> tuple[list[Rule], list[RuleProblem]]:
    """Load one rule file; return the valid rules and the problems found."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_RULE_FILE_BYTES:
            return [], [RuleProblem(
                name, 0, 0, None, None,
                f"file is {size} bytes; rule files are limited to {MAX_RULE_FILE_BYTES} bytes",
            )]
        data = Path(path).read_bytes()
    except OSError as error:
        return [], [RuleProblem(name, 0, 0, None, None, f"cannot be read: {error.strerror or error}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [], [RuleProblem(name, 0, 0, None, None, f"not valid UTF-8 (byte {error.start})")]
    return parse_rule_text(text, name)


def parse_rule_text(text: str, path: str) -> tuple[list[Rule], list[RuleProblem]]:
    """Parse the text of a rule file; return the valid rules and the problems found."""
    document, problems = load_yaml(text, path)
    if problems or document is None:
        if document is None and not problems:
            problems = [RuleProblem(path, 0, 0, None, None, "the file is empty; expected a 'rules:' list")]
        return [], problems
    if not isinstance(document, YamlMap) or "rules" not in document:
        found = _describe(document)
        return [], [RuleProblem(path, 1, 1, None, None,
                                f"expected a mapping with a 'rules:' list at the top, found {found}")]
    for key in document:
        if key != "rules":
            line, column = document.location(key)
            problems.append(RuleProblem(path, line, column, None, key,
                                        "unknown top-level key; only 'rules' is allowed"))
    entries = document["rules"]
    if not isinstance(entries, YamlList):
        line, column = document.location("rules")
        return [], [RuleProblem(path, line, column, None, "rules",
                                f"expected a list of rules, found {_describe(entries)}")]
    rules = []
    for index, entry in enumerate(entries):
        builder = _RuleBuilder(path, entries.location(index))
        rule = builder.build(entry)
        problems.extend(builder.problems)
        if rule is not None:
            rules.append(rule)
    return rules, problems


class _RuleBuilder:
    """Build one :class:`Rule` from its YAML mapping, collecting problems."""

    def __init__(self, path: str, location: tuple[int, int]) -> None:
        self.path = path
        self.location = location
        self.rule_id: str | None = None
        self.problems: list[RuleProblem] = []

    def problem(self, where: Any, key: str | int | None, field: str | None, message: str) -> None:  # noqa: ANN401
        line, column = self.location
        if isinstance(where, YamlMap) and isinstance(key, str):
            line, column = where.location(key)
        elif isinstance(where, YamlList) and isinstance(key, int):
            line, column = where.location(key)
        elif isinstance(where, (YamlMap, YamlList)):
            line, column = where.line, where.column
        self.problems.append(RuleProblem(self.path, line, column, self.rule_id, field, message))

    def build(self, entry: Any) -> Rule | None:  # noqa: ANN401
        if not isinstance(entry, YamlMap):
            self.problem(None, None, None, f"expected a rule (a mapping), found {_describe(entry)}")
            return None
        if isinstance(entry.get("id"), str):
            self.rule_id = entry["id"]
        self._check_keys(entry, _RULE_KEYS, "", required=_REQUIRED_RULE_KEYS)
        count_before = len(self.problems)

        rule_id = self._rule_id(entry)
        title = self._text(entry, "title")
        description = self._text(entry, "description")
        category = self._category(entry, "category")
        severity = self._choice(entry, "severity", Severity)
        role = self._choice(entry, "role", Role, exclude=frozenset({Role.UNRECOGNIZED}))
        captures = self._captures(entry)
        problems_before_conditions = len(self.problems)
        conditions = self._conditions(entry)
        conditions_valid = len(self.problems) == problems_before_conditions
        when = self._when(entry, conditions)
        explains = tuple(self._category_list(entry, "explains"))
        capture_names = {name for condition in conditions for name in condition.captures()}
        placeholders = capture_names | BUILTIN_PLACEHOLDERS | {c.name for c in conditions}
        if not conditions_valid:
            placeholders = _ANY_NAME  # captures are unknown, so unknown names are not reported
        summary = tuple(self._templated_list(entry, "summary", placeholders))
        checks = tuple(self._templated_list(entry, "checks", placeholders))
        actions = tuple(self._actions(entry, placeholders))
        examples = self._examples(entry)
        tags = tuple(self._string_list(entry, "tags"))
        references = tuple(self._string_list(entry, "references"))

        if len(self.problems) > count_before or None in (rule_id, title, description, category, severity, role, when):
            return None
        if any(name not in capture_names for name, _ in captures):
            for name, _ in captures:
                if name not in capture_names:
                    self.problem(entry.get("captures"), name, f"captures.{name}",
                                 f"no pattern of this rule has a group named '{name}'")
            return None
        return Rule(
            id=rule_id, title=title, category=category, severity=severity, role=role,  # type: ignore[arg-type]
            description=description, conditions=tuple(conditions), when=when,  # type: ignore[arg-type]
            explains=explains, summary=summary, checks=checks, actions=actions,
            examples=examples, captures=captures, tags=tags, references=references,
            path=self.path, line=self.location[0],
        )

    # -- fields ---------------------------------------------------------------

    def _check_keys(self, mapping: YamlMap, allowed: set[str], prefix: str,
                    required: Sequence[str] = ()) -> None:
        for key in mapping:
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                self.problem(mapping, key, prefix + key,
                             f"unknown key; expected one of {', '.join(sorted(allowed))}{hint}")
        for key in required:
            if key not in mapping:
                self.problem(mapping, None, prefix + key, "required key is missing")

    def _rule_id(self, entry: YamlMap) -> str | None:
        value = entry.get("id")
        if value is None:
            return None
        if not isinstance(value, str) or not value or set(value) - _ID_CHARACTERS or len(value) > _MAX_ID_LENGTH:
            self.problem(entry, "id", "id",
                         f"expected lower-case letters, digits, '-' and '.' (at most {_MAX_ID_LENGTH}), "
                         f"found {value!r}")
            return None
        return value

    def _text(self, entry: YamlMap, key: str, field: str | None = None) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(entry, key, field or key, f"expected non-empty text, found {_describe(value)}")
            return None
        return " ".join(value.split())

    def _category(self, entry: YamlMap, key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value not in CATEGORIES:
            self.problem(entry, key, key,
                         f"expected a category id, found {value!r}{_did_you_mean(str(value), CATEGORIES)}; "
                         "run 'prodrescue rules list --categories' for the ids")
            return None
        return value

    def _category_list(self, entry: YamlMap, key: str) -> list[str]:
        items = self._string_list(entry, key)
        values = entry.get(key)
        valid = []
        for index, item in enumerate(items):
            if item in CATEGORIES:
                valid.append(item)
            else:
                self.problem(values, index, f"{key}[{index}]",
                             f"expected a category id, found {item!r}{_did_you_mean(item, CATEGORIES)}")
        return valid

    def _choice(self, entry: YamlMap, key: str, enum_type: Any, exclude: frozenset[Any] = frozenset(),  # noqa: ANN401
                field: str | None = None) -> Any:  # noqa: ANN401
        value = entry.get(key)
        if value is None:
            return None
        options = [member.value for member in enum_type if member not in exclude]
        if value not in options:
            self.problem(entry, key, field or key,
                         f"expected one of {', '.join(options)}, found {value!r}{_did_you_mean(str(value), options)}")
            return None
        return enum_type(value)

    def _string_list(self, entry: YamlMap, key: str, allow_single: bool = False) -> list[str]:
        value = entry.get(key)
        if value is None:
            return []
        if allow_single and isinstance(value, str):
            return [value]
        if not isinstance(value, YamlList):
            self.problem(entry, key, key, f"expected a list of text, found {_describe(value)}")
            return []
        texts = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                texts.append(item)
            else:
                self.problem(value, index, f"{key}[{index}]", f"expected text, found {_describe(item)}")
        return texts

    def _templated_list(self, entry: YamlMap, key: str, placeholders: set[str]) -> list[str]:
        texts = self._string_list(entry, key, allow_single=(key == "summary"))
        container = entry.get(key)
        for index, text in enumerate(texts):
            where, at = (container, index) if isinstance(container, YamlList) else (entry, key)
            self._check_placeholders(text, placeholders, where, at, f"{key}[{index}]")
        return [" ".join(text.split()) for text in texts]

    def _check_placeholders(self, text: str, placeholders: set[str], where: Any, at: Any, field: str) -> None:  # noqa: ANN401
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            self.problem(where, at, field, f"invalid placeholder syntax: {error}; write literal braces as {{{{ }}}}")
            return
        for _, name, _, _ in parsed:
            if name is None:
                continue
            base, _, statistic = name.partition(".")
            if base not in placeholders or (statistic and statistic not in _VALUE_STATISTICS):
                known = ", ".join(sorted(placeholders))
                self.problem(where, at, field,
                             f"unknown placeholder {{{name}}}{_did_you_mean(base, placeholders)}; "
                             f"known names: {known}; statistics: .{', .'.join(_VALUE_STATISTICS)}")

    def _actions(self, entry: YamlMap, placeholders: set[str]) -> list[RuleAction]:
        value = entry.get("actions")
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.problem(entry, "actions", "actions", f"expected a list of actions, found {_describe(value)}")
            return []
        actions = []
        for index, item in enumerate(value):
            field = f"actions[{index}]"
            if not isinstance(item, YamlMap):
                self.problem(value, index, field, f"expected a mapping with 'risk' and 'text', found {_describe(item)}")
                continue
            self._check_keys(item, _ACTION_KEYS, field + ".", required=("risk", "text"))
            risk = self._choice(item, "risk", Risk, field=field + ".risk")
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
            self.problem(entry, "examples", "examples", f"expected a mapping, found {_describe(value)}")
            return RuleExamples()
        self._check_keys(value, _EXAMPLE_KEYS, "examples.")
        return RuleExamples(**{key: tuple(self._string_list(value, key)) for key in _EXAMPLE_KEYS})

    def _captures(self, entry: YamlMap) -> tuple[tuple[str, ValueType], ...]:
        value = entry.get("captures")
        if value is None:
            return ()
        if not isinstance(value, YamlMap):
            self.problem(entry, "captures", "captures", f"expected a mapping of name: type, found {_describe(value)}")
            return ()
        types = [member.value for member in ValueType]
        captures = []
        for name, declared in value.items():
            if declared not in types:
                self.problem(value, name, f"captures.{name}",
                             f"expected one of {', '.join(types)}, found {declared!r}{_did_you_mean(str(declared), types)}")
                continue
            captures.append((name, ValueType(declared)))
        return tuple(captures)

    # -- conditions -----------------------------------------------------------

    def _conditions(self, entry: YamlMap) -> list[Condition]:
        value = entry.get("conditions")
        if value is None:
            return []
        if not isinstance(value, YamlMap) or not value:
            self.problem(entry, "conditions", "conditions",
                         f"expected a mapping of condition names to conditions, found {_describe(value)}")
            return []
        conditions = []
        for name, spec in value.items():
            field = f"conditions.{name}"
            if not name.replace("_", "a").isalnum() or not name[0].isalpha():
                self.problem(value, name, field, "a condition name must be letters, digits and '_', starting with a letter")
                continue
            if not isinstance(spec, YamlMap):
                self.problem(value, name, field, f"expected a mapping with 'regex' or 'pairing', found {_describe(spec)}")
                continue
            condition = self._condition(name, spec, field)
            if condition is not None:
                conditions.append(condition)
        return conditions

    def _condition(self, name: str, spec: YamlMap, field: str) -> Condition | None:
        self._check_keys(spec, _CONDITION_KEYS, field + ".")
        kinds = [key for key in ("regex", "pairing") if key in spec]
        if len(kinds) != 1:
            self.problem(spec, None, field, f"expected exactly one of 'regex' or 'pairing', found {len(kinds)}")
            return None
        case_sensitive = spec.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            self.problem(spec, "case_sensitive", field + ".case_sensitive", f"expected true or false, found {case_sensitive!r}")
            case_sensitive = False
        options = self._options(spec, field, case_sensitive)
        if kinds[0] == "pairing":
            return self._pairing(name, spec, field, options, case_sensitive)
        sources = self._string_list(spec, "regex", allow_single=True)
        patterns = [self._pattern(source, spec, "regex", f"{field}.regex", case_sensitive) for source in sources]
        if not sources or None in patterns or options is None:
            return None
        return MatchCondition(name, tuple(p for p in patterns if p is not None), options)

    def _pairing(self, name: str, spec: YamlMap, field: str, options: ConditionOptions | None,
                 case_sensitive: bool) -> Condition | None:
        pairing = spec["pairing"]
        prefix = f"{field}.pairing"
        if not isinstance(pairing, YamlMap):
            self.problem(spec, "pairing", prefix, f"expected a mapping with 'acquire' and 'release', found {_describe(pairing)}")
            return None
        self._check_keys(pairing, _PAIRING_KEYS, prefix + ".", required=("acquire", "release"))
        key = pairing.get("key", "key")
        if not isinstance(key, str):
            self.problem(pairing, "key", prefix + ".key", f"expected a capture name, found {_describe(key)}")
            return None
        patterns = {}
        for part in ("acquire", "release"):
            source = pairing.get(part)
            if not isinstance(source, str):
                if part in pairing:
                    self.problem(pairing, part, f"{prefix}.{part}", f"expected a regex, found {_describe(source)}")
                return None
            pattern = self._pattern(source, pairing, part, f"{prefix}.{part}", case_sensitive)
            if pattern is None:
                return None
            if key not in pattern.captures:
                self.problem(pairing, part, f"{prefix}.{part}",
                             f"the pattern has no group named '{key}'; write (?P<{key}>...) around the key")
                return None
            patterns[part] = pattern
        unreleased = self._positive_int(pairing, "unreleased", prefix + ".unreleased", default=1)
        older_than = self._duration(pairing, "older_than", prefix + ".older_than")
        if unreleased is None or options is None:
            return None
        return PairingCondition(name, patterns["acquire"], patterns["release"], key, unreleased,
                                older_than, options)

    def _options(self, spec: YamlMap, field: str, case_sensitive: bool) -> ConditionOptions | None:
        before = len(self.problems)
        min_level = self._level(spec, field)
        where = []
        for index, text in enumerate(self._string_list(spec, "where", allow_single=True)):
            try:
                where.append(parse_predicate(text))
            except PredicateError as error:
                container = spec.get("where")
                at = (container, index) if isinstance(container, YamlList) else (spec, "where")
                self.problem(at[0], at[1], f"{field}.where", str(error))
        exclude = [
            self._pattern(source, spec, "exclude", f"{field}.exclude", case_sensitive)
            for source in self._string_list(spec, "exclude", allow_single=True)
        ]
        count = self._positive_int(spec, "count", f"{field}.count", default=1)
        within = self._duration(spec, "within", f"{field}.within")
        if len(self.problems) > before or count is None:
            return None
        return ConditionOptions(
            min_level=min_level, where=tuple(where),
            exclude=tuple(pattern for pattern in exclude if pattern is not None),
            count=count, within=within,
        )

    def _level(self, spec: YamlMap, field: str) -> Level | None:
        value = spec.get("level")
        if value is None:
            return None
        level = parse_level(str(value)) if isinstance(value, str) else None
        if level is None:
            names = [member.label for member in Level]
            self.problem(spec, "level", f"{field}.level",
                         f"expected a minimum level, one of {', '.join(names)}; found {value!r}"
                         f"{_did_you_mean(str(value), names)}")
        return level

    def _positive_int(self, spec: YamlMap, key: str, field: str, default: int) -> int | None:
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(spec, key, field, f"expected a whole number of at least 1, found {value!r}")
            return None
        return value

    def _duration(self, spec: YamlMap, key: str, field: str) -> float | None:
        value = spec.get(key)
        if value is None:
            return None
        seconds = parse_value(str(value), ValueType.DURATION).number if isinstance(value, (str, int)) else None
        if seconds is None or seconds <= 0:
            self.problem(spec, key, field, f"expected a duration such as 30s, 5m or 2h, found {value!r}")
            return None
        return seconds

    def _pattern(self, source: str, where: YamlMap, key: str, field: str, case_sensitive: bool) -> Pattern | None:
        try:
            return compile_pattern(source, case_sensitive)
        except regex.error as error:
            position = f" at position {error.pos}" if error.pos is not None else ""
            self.problem(where, key, field, f"invalid regex{position}: {error.msg}: {source!r}")
        except ValueError as error:
            self.problem(where, key, field, f"{error}: {source!r}")
        except TimeoutError:
            self.problem(where, key, field, f"the pattern timed out on an empty line: {source!r}")
        return None

    def _when(self, entry: YamlMap, conditions: list[Condition]) -> Expression | None:
        names = tuple(condition.name for condition in conditions)
        value = entry.get("when")
        if value is None:
            return Expression.any_of(names) if names else None
        if not isinstance(value, str):
            self.problem(entry, "when", "when", f"expected an expression such as 'a and not b', found {_describe(value)}")
            return None
        try:
            expression = parse_expression(value)
        except ExpressionError as error:
            self.problem(entry, "when", "when", str(error))
            return None
        conditions_block = entry.get("conditions")
        declared = set(conditions_block) if isinstance(conditions_block, YamlMap) else set()
        unknown = [name for name in expression.names() if name not in declared]
        for name in unknown:
            self.problem(entry, "when", "when",
                         f"names condition '{name}', which is not defined{_did_you_mean(name, declared)}")
        if not expression.positive_names():
            self.problem(entry, "when", "when", "the expression needs at least one condition outside 'not'")
        return None if unknown else expression


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(value: Any) -> str:  # noqa: ANN401
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


