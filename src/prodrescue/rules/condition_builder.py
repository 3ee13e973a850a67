"""Build the conditions of a rule and its ``when`` expression from YAML."""

from __future__ import annotations

__all__ = ["CONDITION_KEYS", "PAIRING_KEYS", "ConditionBuilder"]

import re

import regex

from prodrescue.levels import Level, parse_level
from prodrescue.rules.conditions import (
    Condition,
    ConditionOptions,
    MatchCondition,
    PairingCondition,
)
from prodrescue.rules.expression import Expression, ExpressionError, parse_expression
from prodrescue.rules.patterns import Pattern, compile_pattern
from prodrescue.rules.predicates import PredicateError, parse_predicate
from prodrescue.rules.validation import ProblemCollector, describe_value, did_you_mean
from prodrescue.rules.yamlsource import YamlList, YamlMap

CONDITION_KEYS = {"regex", "pairing", "level", "where", "exclude", "count", "within", "case_sensitive"}
PAIRING_KEYS = {"acquire", "release", "key", "unreleased", "older_than"}
_CONDITION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NOT_FOR_PAIRING = ("where", "count", "within")  # level and exclude do apply


class ConditionBuilder(ProblemCollector):
    """Builder of :class:`Condition` objects, which shares its problem list with the rule's builder."""

    def conditions(self, entry: YamlMap) -> list[Condition]:
        value = entry.get("conditions")
        if value is None:
            return []
        if not isinstance(value, YamlMap) or not value:
            found = "an empty mapping" if isinstance(value, YamlMap) else describe_value(value)
            self.problem(
                entry,
                "conditions",
                "conditions",
                f"expected a mapping of condition names to conditions, found {found}",
            )
            return []
        conditions = []
        for name, spec in value.items():
            field = f"conditions.{name}"
            if not _CONDITION_NAME.fullmatch(name):
                self.problem(
                    value,
                    name,
                    field,
                    f"a condition name must be ASCII letters, digits and '_', starting with a letter; "
                    f"found {name!r}",
                )
                continue
            if not isinstance(spec, YamlMap):
                self.problem(
                    value,
                    name,
                    field,
                    f"expected a mapping with 'regex' or 'pairing', found {describe_value(spec)}",
                )
                continue
            condition = self._condition(name, spec, field)
            if condition is not None:
                conditions.append(condition)
        return conditions

    def _condition(self, name: str, spec: YamlMap, field: str) -> Condition | None:
        self.check_keys(spec, CONDITION_KEYS, field + ".")
        kinds = [key for key in ("regex", "pairing") if key in spec]
        if len(kinds) != 1:
            self.problem(
                spec, None, field, f"expected exactly one of 'regex' or 'pairing', found {len(kinds)}"
            )
            return None
        case_sensitive = spec.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            self.problem(
                spec,
                "case_sensitive",
                field + ".case_sensitive",
                f"expected true or false, found {case_sensitive!r}",
            )
            case_sensitive = False
        options = self._options(spec, field, case_sensitive)
        if kinds[0] == "pairing":
            for key in _NOT_FOR_PAIRING:
                if key in spec:
                    self.problem(
                        spec,
                        key,
                        f"{field}.{key}",
                        "is not used by pairing conditions; use 'unreleased' and 'older_than' instead",
                    )
            return self._pairing(name, spec, field, options, case_sensitive)
        sources = self.string_list(spec, "regex", allow_single=True)
        if isinstance(spec.get("regex"), YamlList) and not sources and not spec["regex"]:
            self.problem(spec, "regex", f"{field}.regex", "expected at least one regex, found an empty list")
        patterns = [
            self._pattern(source, spec, "regex", f"{field}.regex", case_sensitive) for source in sources
        ]
        if not sources or None in patterns or options is None:
            return None
        compiled = tuple(p for p in patterns if p is not None)
        self._check_where_names(spec, field, options, compiled)
        return MatchCondition(name, compiled, options)

    def _check_where_names(
        self, spec: YamlMap, field: str, options: ConditionOptions, patterns: tuple[Pattern, ...]
    ) -> None:
        """Report ``where`` predicates over a capture that no pattern defines, because they never hold."""
        captures = {name for pattern in patterns for name in pattern.captures}
        for predicate in options.where:
            for name in predicate.names:
                if name not in captures:
                    known = ", ".join(sorted(captures)) or "none"
                    self.problem(
                        spec,
                        "where",
                        f"{field}.where",
                        f"'{predicate.source}' names capture '{name}', which no pattern of this "
                        f"condition defines{did_you_mean(name, captures)}; captures: {known}",
                    )

    def _pairing(
        self, name: str, spec: YamlMap, field: str, options: ConditionOptions | None, case_sensitive: bool
    ) -> Condition | None:
        pairing = spec["pairing"]
        prefix = f"{field}.pairing"
        if not isinstance(pairing, YamlMap):
            self.problem(
                spec,
                "pairing",
                prefix,
                f"expected a mapping with 'acquire' and 'release', found {describe_value(pairing)}",
            )
            return None
        self.check_keys(pairing, PAIRING_KEYS, prefix + ".", required=("acquire", "release"))
        key = pairing.get("key", "key")
        if not isinstance(key, str):
            self.problem(
                pairing, "key", prefix + ".key", f"expected a capture name, found {describe_value(key)}"
            )
            return None
        patterns = {}
        for part in ("acquire", "release"):
            source = pairing.get(part)
            if not isinstance(source, str):
                if part in pairing:
                    self.problem(
                        pairing, part, f"{prefix}.{part}", f"expected a regex, found {describe_value(source)}"
                    )
                return None
            pattern = self._pattern(source, pairing, part, f"{prefix}.{part}", case_sensitive)
            if pattern is None:
                return None
            if key not in pattern.captures:
                self.problem(
                    pairing,
                    part,
                    f"{prefix}.{part}",
                    f"the pattern has no group named '{key}'; write (?P<{key}>...) around the key",
                )
                return None
            patterns[part] = pattern
        unreleased = self.positive_int(pairing, "unreleased", prefix + ".unreleased", default=1)
        older_than = self.duration(pairing, "older_than", prefix + ".older_than")
        if unreleased is None or options is None:
            return None
        return PairingCondition(
            name, patterns["acquire"], patterns["release"], key, unreleased, older_than, options
        )

    def _options(self, spec: YamlMap, field: str, case_sensitive: bool) -> ConditionOptions | None:
        before = len(self.problems)
        min_level = self._level(spec, field)
        where = []
        for index, text in enumerate(self.string_list(spec, "where", allow_single=True)):
            try:
                where.append(parse_predicate(text))
            except PredicateError as error:
                container = spec.get("where")
                at = (container, index) if isinstance(container, YamlList) else (spec, "where")
                self.problem(at[0], at[1], f"{field}.where", str(error))
        exclude = [
            self._pattern(source, spec, "exclude", f"{field}.exclude", case_sensitive)
            for source in self.string_list(spec, "exclude", allow_single=True)
        ]
        count = self.positive_int(spec, "count", f"{field}.count", default=1)
        within = self.duration(spec, "within", f"{field}.within")
        if len(self.problems) > before or count is None:
            return None
        return ConditionOptions(
            min_level=min_level,
            where=tuple(where),
            exclude=tuple(pattern for pattern in exclude if pattern is not None),
            count=count,
            within=within,
        )

    def _level(self, spec: YamlMap, field: str) -> Level | None:
        value = spec.get("level")
        if value is None:
            return None
        names = [member.label for member in Level]
        level = parse_level(value) if value in names else None
        if level is None:
            self.problem(
                spec,
                "level",
                f"{field}.level",
                f"expected a minimum level, one of {', '.join(names)}; found {value!r}"
                f"{did_you_mean(str(value), names)}",
            )
        return level

    def _pattern(
        self, source: str, where: YamlMap, key: str, field: str, case_sensitive: bool
    ) -> Pattern | None:
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

    def when(self, entry: YamlMap, conditions: list[Condition]) -> Expression | None:
        names = tuple(condition.name for condition in conditions)
        value = entry.get("when")
        if value is None:
            return Expression.any_of(names) if names else None
        if not isinstance(value, str):
            self.problem(
                entry,
                "when",
                "when",
                f"expected an expression such as 'a and not b', found {describe_value(value)}",
            )
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
            self.problem(
                entry,
                "when",
                "when",
                f"names condition '{name}', which is not defined{did_you_mean(name, declared)}",
            )
        if not expression.positive_names():
            self.problem(entry, "when", "when", "the expression needs at least one condition outside 'not'")
        return None if unknown else expression
