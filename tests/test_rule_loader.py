"""The rule loader: what it builds from a valid file, and how it reports every problem."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodrescue.errors import RuleError, RuleProblem
from prodrescue.levels import Level
from prodrescue.model import Risk, Role, Severity
from prodrescue.rules.conditions import MatchCondition, PairingCondition
from prodrescue.rules.loader import load_rule_file, load_rule_files, parse_rule_text, rule_files_in
from prodrescue.rules.model import Rule, RuleExamples
from prodrescue.rules.values import ValueType
from prodrescue.rules.yamlsource import MAX_RULE_FILE_BYTES

# A minimal valid rule. Tests assert line numbers, so keep its lines as they are:
# lines added with `rule_with` start on line 11, and options added with
# `condition_with` (8-space indent) belong to the `enospc` condition.
BASE = """\
rules:
  - id: disk-full-enospc
    title: Writes fail on a full disk
    category: disk-full
    severity: high
    role: root-cause
    description: A volume has no space left, so every write to it fails.
    conditions:
      enospc:
        regex: 'No space left on device'
"""
RULE_ID = "disk-full-enospc"


def rule_with(*lines: str) -> str:
    """Return BASE with extra lines appended (indent them yourself)."""
    return BASE + "".join(line + "\n" for line in lines)


def condition_with(*lines: str) -> str:
    """Return BASE with extra options for the `enospc` condition."""
    return rule_with(*("        " + line for line in lines))


def problems_in(text: str, path: str = "rules.yaml") -> list[RuleProblem]:
    _rules, problems = parse_rule_text(text, path)
    return problems


def only_problem(text: str) -> RuleProblem:
    problems = problems_in(text)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


def load_error(paths: list[Path]) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load_rule_files(paths)
    return caught.value


def test_base_rule_loads() -> None:
    rules, problems = parse_rule_text(BASE, "rules.yaml")
    assert problems == []
    assert [rule.id for rule in rules] == [RULE_ID]


# -- YAML and the file itself ----------------------------------------------------


def test_invalid_yaml_location() -> None:
    problem = only_problem("rules:\n  - id: a\n\ttitle: x\n")
    assert (problem.line, problem.column) == (3, 1)
    assert problem.message.startswith("invalid YAML: ")
    # libyaml says "tab character", PyYAML's pure-Python parser "'\t'".
    assert "tab" in problem.message or "'\\t'" in problem.message


def test_invalid_yaml_unclosed_bracket() -> None:
    problem = only_problem("rules:\n  - id: a\n    title: [unclosed\n")
    # libyaml and PyYAML's pure-Python parser word this differently.
    assert problem.message in (
        "invalid YAML: did not find expected ',' or ']'",
        "invalid YAML: expected ',' or ']', but got '<stream end>'",
    )
    assert problem.line == 4


def test_alias_rejected_at_alias() -> None:
    text = rule_with("    tags: &stacks [linux, java]", "    references: *stacks")
    problem = only_problem(text)
    assert problem.message == "invalid YAML: aliases (*name) are not allowed in rule files"
    assert (problem.line, problem.column) == (12, 17)


def test_anchor_without_alias_accepted() -> None:
    assert problems_in(rule_with("    tags: &stacks [linux, java]")) == []


def test_alias_bomb_rejected_quickly() -> None:
    # "Billion laughs": nine levels of nine aliases each would expand to 9**9 strings.
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    text = "\n".join(lines) + "\nrules: []\n"

    started = time.perf_counter()
    problems = problems_in(text)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0
    assert len(problems) == 1
    assert "aliases (*name) are not allowed" in problems[0].message
    assert problems[0].line == 2


@pytest.mark.parametrize(
    ("text", "tag", "location"),
    [
        pytest.param("rules: !!python/name:os.system\n", "!!python/name:os.system", (1, 8), id="python-name"),
        pytest.param(
            'rules:\n  - !!python/object/apply:os.system ["id"]\n',
            "!!python/object/apply:os.system",
            (2, 5),
            id="python-apply",
        ),
        pytest.param("rules: !custom 3\n", "!custom", (1, 8), id="local-tag"),
        pytest.param("rules: !!binary aGVsbG8=\n", "!!binary", (1, 8), id="binary"),
    ],
)
def test_tag_rejected_not_constructed(text: str, tag: str, location: tuple[int, int]) -> None:
    problem = only_problem(text)
    assert problem.message == f"the tag {tag} is not allowed in rule files"
    assert (problem.line, problem.column) == location


def test_plain_tags_accepted() -> None:
    assert problems_in("rules: !!seq []\n") == []


def test_impossible_date_reported() -> None:
    problem = only_problem("rules: 2024-13-45\n")
    assert problem.message.startswith("invalid value '2024-13-45'")
    assert (problem.line, problem.column) == (1, 8)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("rules:- !&*[]{}'\"#|>?\n\t 0aZ%@`,.\\")), max_size=80))
def test_any_text_gives_problems_not_exceptions(text: str) -> None:
    rules, problems = parse_rule_text(text, "fuzz.yaml")
    assert all(isinstance(rule, Rule) for rule in rules)
    assert all(isinstance(problem, RuleProblem) for problem in problems)


def test_duplicate_key_names_both_lines() -> None:
    text = BASE.replace("    role: root-cause\n", "    role: root-cause\n    severity: low\n")
    problem = only_problem(text)
    assert problem.message == "duplicate key 'severity' (first defined on line 5)"
    assert problem.field == "severity"
    assert (problem.line, problem.column) == (7, 5)


def test_duplicate_condition_name() -> None:
    text = rule_with("      enospc:", "        regex: 'ENOSPC'")
    problem = only_problem(text)
    assert problem.message == "duplicate key 'enospc' (first defined on line 9)"
    assert problem.line == 11


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(BASE + "#" * MAX_RULE_FILE_BYTES, encoding="utf-8")
    size = path.stat().st_size
    problem = load_error([path]).first
    assert problem.path == str(path)
    assert problem.message == f"file is {size} bytes; rule files are limited to {MAX_RULE_FILE_BYTES} bytes"


def test_file_at_size_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "padded.yaml"
    path.write_text(BASE + "#" * (MAX_RULE_FILE_BYTES - len(BASE)), encoding="utf-8")
    assert path.stat().st_size == MAX_RULE_FILE_BYTES
    rules = load_rule_files([path])
    assert [rule.id for rule in rules] == [RULE_ID]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("rules: []\n# caf\u00e9\n".encode("latin-1"))
    problem = load_error([path]).first
    assert problem.path == str(path)
    assert problem.message == "not valid UTF-8 (byte 15)"


@pytest.mark.parametrize("text", ["", "# no rules yet\n", "\n\n"], ids=["empty", "comment", "blank lines"])
def test_empty_file(text: str) -> None:
    problem = only_problem(text)
    assert problem.message == "the file is empty; expected a 'rules:' list"
    assert problem.line == 0


def test_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert str(load_error([path])) == f"{path}: the file is empty; expected a 'rules:' list"


def test_missing_path_rejected(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    problem = load_error([missing]).first
    assert problem.path == str(missing)
    assert problem.message == "no such rule file or directory"


# -- the top level ---------------------------------------------------------------


def test_top_level_list_rejected() -> None:
    problem = only_problem("- id: a\n- id: b\n")
    assert problem.message == "expected a mapping with a 'rules:' list at the top, found a list"
    assert (problem.line, problem.column) == (1, 1)


def test_top_level_text_rejected() -> None:
    problem = only_problem("just some text\n")
    assert problem.message == "expected a mapping with a 'rules:' list at the top, found 'just some text'"


def test_missing_rules_key_names_typo() -> None:
    problem = only_problem("rule:\n  - id: a\n")
    assert "'rules:'" in problem.message
    assert "did you mean 'rules'?" in problem.message


def test_unknown_top_level_key() -> None:
    problem = only_problem(BASE + "rulez: []\n")
    assert problem.field == "rulez"
    assert problem.message == "unknown top-level key; only 'rules' is allowed"
    assert (problem.line, problem.column) == (11, 1)


def test_rules_not_a_list() -> None:
    problem = only_problem("rules:\n  id: a\n")
    assert problem.field == "rules"
    assert problem.message == "expected a list of rules, found a mapping"


def test_rule_not_a_mapping() -> None:
    problem = only_problem("rules:\n  - disk-full\n")
    assert problem.message == "expected a rule (a mapping), found 'disk-full'"
    assert (problem.line, problem.column) == (2, 5)


def test_empty_rules_list_loads() -> None:
    rules, problems = parse_rule_text("rules: []\n", "rules.yaml")
    assert rules == []
    assert problems == []


# -- unknown keys ----------------------------------------------------------------

UNKNOWN_KEYS = {
    "rule": (rule_with("    severty: high"), "severty", "severity", (11, 5)),
    "condition": (condition_with("levle: error"), "conditions.enospc.levle", "level", (11, 9)),
    "pairing": (
        rule_with(
            "      held:",
            "        pairing:",
            "          acquire: 'acquired lock (?P<key>\\S+)'",
            "          release: 'released lock (?P<key>\\S+)'",
            "          older_then: 2m",
        ),
        "conditions.held.pairing.older_then",
        "older_than",
        (15, 11),
    ),
    "action": (
        rule_with("    actions:", "      - risk: safe", "        txt: Delete rotated logs."),
        "actions[0].txt",
        "text",
        (13, 9),
    ),
    "examples": (
        rule_with("    examples:", "      no_matches: ['INFO disk usage 40%']"),
        "examples.no_matches",
        "no_match",
        (12, 7),
    ),
}


@pytest.mark.parametrize(
    ("text", "field", "hint", "location"), UNKNOWN_KEYS.values(), ids=UNKNOWN_KEYS.keys()
)
def test_unknown_key_with_hint(text: str, field: str, hint: str, location: tuple[int, int]) -> None:
    problem = next(problem for problem in problems_in(text) if "unknown key" in problem.message)
    assert problem.field == field
    assert problem.rule_id == RULE_ID
    assert (problem.line, problem.column) == location
    assert problem.message.endswith(f"(did you mean '{hint}'?)")


def test_unknown_rule_key_lists_allowed() -> None:
    problem = only_problem(rule_with("    severty: high"))
    assert str(problem) == (
        "rules.yaml:11:5: rule 'disk-full-enospc', field 'severty': unknown key; expected one of "
        "actions, captures, category, checks, conditions, description, examples, explains, id, "
        "references, role, severity, summary, tags, title, when (did you mean 'severity'?)"
    )


def test_unknown_key_without_close_match() -> None:
    problem = only_problem(rule_with("    zzz: 1"))
    assert "did you mean" not in problem.message


def test_unknown_key_fails_load(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(rule_with("    severty: high"), encoding="utf-8")
    error = load_error([path])
    assert error.first.path == str(path)
    assert error.first.field == "severty"


# -- required fields -------------------------------------------------------------

REQUIRED_LINES = {
    "id": "  - id: disk-full-enospc\n",
    "title": "    title: Writes fail on a full disk\n",
    "category": "    category: disk-full\n",
    "severity": "    severity: high\n",
    "role": "    role: root-cause\n",
    "description": "    description: A volume has no space left, so every write to it fails.\n",
    "conditions": "    conditions:\n      enospc:\n        regex: 'No space left on device'\n",
}


@pytest.mark.parametrize("field", REQUIRED_LINES)
def test_required_field_missing(field: str) -> None:
    text = BASE.replace(REQUIRED_LINES[field], "")
    if field == "id":
        text = text.replace("    title:", "  - title:")
    problem = only_problem(text)
    assert problem.field == field
    assert problem.message == "required key is missing"
    assert (problem.line, problem.column) == (2, 5)


def test_missing_field_names_rule_id() -> None:
    problem = only_problem(BASE.replace(REQUIRED_LINES["title"], ""))
    assert str(problem) == "rules.yaml:2:5: rule 'disk-full-enospc', field 'title': required key is missing"


def test_missing_id_has_no_rule_id() -> None:
    text = BASE.replace(REQUIRED_LINES["id"], "").replace("    title:", "  - title:")
    assert only_problem(text).rule_id is None


@pytest.mark.parametrize("value", ["Disk_Full", "disk full", "x" * 81, "''"])
def test_invalid_rule_id(value: str) -> None:
    problem = only_problem(BASE.replace("id: disk-full-enospc", f"id: {value}"))
    assert problem.field == "id"
    assert problem.message.startswith("expected lower-case letters, digits, '-' and '.' (at most 80), found ")


@pytest.mark.parametrize(
    ("field", "value", "found"),
    [
        ("title", "'  '", "'  '"),
        ("description", "''", "''"),
        ("title", "42", "42 (a number)"),
        ("description", "[a, b]", "a list"),
    ],
)
def test_blank_text_rejected(field: str, value: str, found: str) -> None:
    problem = only_problem(BASE.replace(REQUIRED_LINES[field], f"    {field}: {value}\n"))
    assert problem.field == field
    assert problem.message == f"expected non-empty text, found {found}"


# -- enumerations ----------------------------------------------------------------

BAD_ENUMS = {
    "severity": (
        BASE.replace("severity: high", "severity: hihg"),
        "severity",
        (5, 5),
        "expected one of info, low, medium, high, critical, found 'hihg' (did you mean 'high'?)",
    ),
    "role": (
        BASE.replace("role: root-cause", "role: root_cause"),
        "role",
        (6, 5),
        "expected one of root-cause, symptom, impact, change, found 'root_cause' (did you mean 'root-cause'?)",
    ),
    "category": (
        BASE.replace("category: disk-full", "category: disk-ful"),
        "category",
        (4, 5),
        "expected a category id, found 'disk-ful' (did you mean 'disk-full'?); "
        "run 'prodrescue rules list --categories' for the ids",
    ),
    "explains": (
        rule_with("    explains: [crash-lop]"),
        "explains[0]",
        (11, 16),
        "expected a category id, found 'crash-lop' (did you mean 'crash-loop'?)",
    ),
    "risk": (
        rule_with("    actions:", "      - risk: unsafe", "        text: Delete rotated logs."),
        "actions[0].risk",
        (12, 9),
        "expected one of safe, caution, avoid, found 'unsafe' (did you mean 'safe'?)",
    ),
    "level": (
        condition_with("level: warnng"),
        "conditions.enospc.level",
        (11, 9),
        "expected a minimum level, one of trace, debug, info, notice, warning, error, critical, fatal; "
        "found 'warnng' (did you mean 'warning'?)",
    ),
    "capture type": (
        BASE.replace("'No space left on device'", "'(?P<mount>/\\S*): No space left on device'")
        + "    captures:\n      mount: txt\n",
        "captures.mount",
        (12, 7),
        "expected one of auto, number, duration, size, text, found 'txt' (did you mean 'text'?)",
    ),
}


@pytest.mark.parametrize(("text", "field", "location", "message"), BAD_ENUMS.values(), ids=BAD_ENUMS.keys())
def test_bad_enum_value(text: str, field: str, location: tuple[int, int], message: str) -> None:
    problem = only_problem(text)
    assert problem.field == field
    assert problem.rule_id == RULE_ID
    assert (problem.line, problem.column) == location
    assert problem.message == message


def test_bad_severity_full_text() -> None:
    problem = only_problem(BASE.replace("severity: high", "severity: hihg"))
    assert str(problem) == (
        "rules.yaml:5:5: rule 'disk-full-enospc', field 'severity': "
        "expected one of info, low, medium, high, critical, found 'hihg' (did you mean 'high'?)"
    )


def test_role_unrecognized_rejected() -> None:
    problem = only_problem(BASE.replace("role: root-cause", "role: unrecognized"))
    assert problem.message == "expected one of root-cause, symptom, impact, change, found 'unrecognized'"


def test_level_as_number_rejected() -> None:
    problem = only_problem(condition_with("level: 40"))
    assert problem.field == "conditions.enospc.level"
    assert "found 40" in problem.message


# -- conditions ------------------------------------------------------------------


def test_invalid_regex_position() -> None:
    text = BASE.replace("'No space left on device'", "'No space) left on device'")
    problem = only_problem(text)
    assert problem.field == "conditions.enospc.regex"
    assert (problem.line, problem.column) == (10, 9)
    assert (
        problem.message == "invalid regex at position 8: unbalanced parenthesis: 'No space) left on device'"
    )


def test_invalid_regex_in_list() -> None:
    text = BASE.replace(
        "        regex: 'No space left on device'\n",
        "        regex:\n          - 'No space left on device'\n          - 'ENOSPC[0-'\n",
    )
    problem = only_problem(text)
    assert problem.field == "conditions.enospc.regex"
    assert problem.message.startswith("invalid regex at position 9: unterminated character set")
    assert problem.message.endswith(": 'ENOSPC[0-'")


@pytest.mark.parametrize("source", ["x*", "(?:error)?", "\\s*", "a|"])
def test_regex_matching_empty_line(source: str) -> None:
    problem = only_problem(BASE.replace("'No space left on device'", f"'{source}'"))
    assert problem.field == "conditions.enospc.regex"
    assert problem.message == (
        f"the pattern matches an empty line, so it would match every event: {source!r}"
    )


def test_empty_line_exclude_rejected() -> None:
    problem = only_problem(condition_with("exclude: '.*'"))
    assert problem.field == "conditions.enospc.exclude"
    assert "matches an empty line" in problem.message


def test_empty_regex_list_rejected() -> None:
    text = BASE.replace("regex: 'No space left on device'", "regex: []")
    problem = only_problem(text)
    assert problem.field == "conditions.enospc.regex"


def test_empty_conditions_message() -> None:
    text = BASE.replace(REQUIRED_LINES["conditions"], "    conditions: {}\n")
    problem = only_problem(text)
    assert problem.field == "conditions"
    assert "found an empty mapping" in problem.message


def test_conditions_not_a_mapping() -> None:
    text = BASE.replace(REQUIRED_LINES["conditions"], "    conditions: [enospc]\n")
    problem = only_problem(text)
    assert problem.message == "expected a mapping of condition names to conditions, found a list"


@pytest.mark.parametrize("name", ["no-space", "2xx", "_hidden"])
def test_invalid_condition_name(name: str) -> None:
    problem = only_problem(rule_with(f"      {name}:", "        regex: 'ENOSPC'"))
    assert problem.field == f"conditions.{name}"
    assert problem.message == (
        f"a condition name must be ASCII letters, digits and '_', starting with a letter; found '{name}'"
    )
    assert (problem.line, problem.column) == (11, 7)


def test_condition_not_a_mapping() -> None:
    problem = only_problem(rule_with("      burst: 'ENOSPC'"))
    assert problem.field == "conditions.burst"
    assert problem.message == "expected a mapping with 'regex' or 'pairing', found 'ENOSPC'"


def test_two_kinds_in_condition() -> None:
    text = condition_with("pairing:", "  acquire: 'got (?P<key>x)'", "  release: 'put (?P<key>x)'")
    problem = only_problem(text)
    assert problem.field == "conditions.enospc"
    assert problem.message == "expected exactly one of 'regex' or 'pairing', found 2"
    assert (problem.line, problem.column) == (10, 9)


def test_no_kind_in_condition() -> None:
    problem = only_problem(rule_with("      burst:", "        count: 3"))
    assert problem.field == "conditions.burst"
    assert problem.message == "expected exactly one of 'regex' or 'pairing', found 0"


def test_case_sensitive_not_boolean() -> None:
    problem = only_problem(condition_with("case_sensitive: sometimes"))
    assert problem.field == "conditions.enospc.case_sensitive"
    assert problem.message == "expected true or false, found 'sometimes'"


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("0", "0"),
        ("-1", "-1"),
        ("three", "'three'"),
        ("true", "True"),
        ("2.5", "2.5"),
    ],
)
def test_count_not_positive_integer(value: str, found: str) -> None:
    problem = only_problem(condition_with(f"count: {value}"))
    assert problem.field == "conditions.enospc.count"
    assert problem.message == f"expected a whole number of at least 1, found {found}"
    assert (problem.line, problem.column) == (11, 9)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("5 minutes please", "'5 minutes please'"),
        ("0s", "'0s'"),
        ("-5s", "'-5s'"),
        ("2x", "'2x'"),
        ("true", "True"),
        ("1.5", "1.5"),
        ("[1m]", "['1m']"),
        ("'120'", "'120'"),
        ("34%", "'34%'"),
    ],
)
def test_invalid_within(value: str, found: str) -> None:
    problem = only_problem(condition_with("count: 3", f"within: {value}"))
    assert problem.field == "conditions.enospc.within"
    assert problem.message == f"expected a duration such as 30s, 5m or 2h, found {found}"
    assert problem.line == 12


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30s", 30.0),
        ("1500ms", 1.5),
        ("5m", 300.0),
        ("2h", 7200.0),
        ("1m30s", 90.0),
        ("0:05:00", 300.0),
        ("90", 90.0),
    ],
)
def test_valid_within_in_seconds(value: str, seconds: float) -> None:
    rules, problems = parse_rule_text(condition_with("count: 3", f"within: {value}"), "rules.yaml")
    assert problems == []
    assert rules[0].conditions[0].options.within == seconds


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("'lag >> 30s'", "expected 'name OP value' with OP one of >=, <=, ==, !=, >, <, found 'lag >> 30s'"),
        ("'lag is big'", "expected 'name OP value' with OP one of >=, <=, ==, !=, >, <, found 'lag is big'"),
        ("'5 > 3'", "compares two literals, so it never depends on the log: '5 > 3'"),
        ("'30s <= 1m'", "compares two literals, so it never depends on the log: '30s <= 1m'"),
        (
            "'lag > soon!'",
            "expected 'name OP value' with OP one of >=, <=, ==, !=, >, <, found 'lag > soon!'",
        ),
        ("'lag > 3x'", "'3x' is neither a capture name nor a number"),
    ],
)
def test_invalid_where(where: str, message: str) -> None:
    problem = only_problem(condition_with(f"where: {where}"))
    assert problem.field == "conditions.enospc.where"
    assert problem.message == message
    assert (problem.line, problem.column) == (11, 9)


def test_invalid_where_in_list_located() -> None:
    problem = only_problem(condition_with("where:", "  - 'lag > 30s'", "  - '1 == 1'"))
    assert problem.field == "conditions.enospc.where"
    assert (problem.line, problem.column) == (13, 13)


# -- pairing ---------------------------------------------------------------------

PAIRING_LINES = (
    "      held:",
    "        pairing:",
    "          acquire: 'acquired lock (?P<key>\\S+)'",
    "          release: 'released lock (?P<key>\\S+)'",
)


def test_pairing_loads() -> None:
    rules, problems = parse_rule_text(rule_with(*PAIRING_LINES, "          older_than: 2m"), "rules.yaml")
    assert problems == []
    held = rules[0].conditions[1]
    assert isinstance(held, PairingCondition)
    assert held.key == "key"
    assert held.unreleased == 1
    assert held.older_than == 120.0


def test_pairing_acquire_without_key_group() -> None:
    lines = list(PAIRING_LINES)
    lines[2] = "          acquire: 'acquired lock (?P<lock>\\S+)'"
    problem = only_problem(rule_with(*lines))
    assert problem.field == "conditions.held.pairing.acquire"
    assert problem.message == "the pattern has no group named 'key'; write (?P<key>...) around the key"
    assert (problem.line, problem.column) == (13, 11)


def test_pairing_release_without_named_key() -> None:
    lines = list(PAIRING_LINES)
    lines[2] = "          acquire: 'acquired lock (?P<lock>\\S+)'"
    problem = only_problem(rule_with(*lines, "          key: lock"))
    assert problem.field == "conditions.held.pairing.release"
    assert problem.message == "the pattern has no group named 'lock'; write (?P<lock>...) around the key"


def test_pairing_missing_release() -> None:
    problem = only_problem(rule_with(*PAIRING_LINES[:3]))
    assert problem.field == "conditions.held.pairing.release"
    assert problem.message == "required key is missing"


def test_pairing_not_a_mapping() -> None:
    problem = only_problem(rule_with("      held:", "        pairing: 'acquired lock'"))
    assert problem.field == "conditions.held.pairing"
    assert problem.message == "expected a mapping with 'acquire' and 'release', found 'acquired lock'"


def test_pairing_invalid_older_than() -> None:
    problem = only_problem(rule_with(*PAIRING_LINES, "          older_than: 2 fortnights"))
    assert problem.field == "conditions.held.pairing.older_than"
    assert problem.message == "expected a duration such as 30s, 5m or 2h, found '2 fortnights'"
    assert problem.line == 15


def test_pairing_unreleased_zero() -> None:
    problem = only_problem(rule_with(*PAIRING_LINES, "          unreleased: 0"))
    assert problem.field == "conditions.held.pairing.unreleased"
    assert problem.message == "expected a whole number of at least 1, found 0"


# -- when ------------------------------------------------------------------------


def test_when_undefined_condition_hint() -> None:
    problem = only_problem(rule_with("    when: enospcc"))
    assert problem.field == "when"
    assert problem.message == "names condition 'enospcc', which is not defined (did you mean 'enospc'?)"
    assert (problem.line, problem.column) == (11, 5)


def test_when_only_negated() -> None:
    problem = only_problem(rule_with("    when: not enospc"))
    assert problem.field == "when"
    assert problem.message == "the expression needs at least one condition outside 'not'"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("enospc and", "'enospc and' ends where a condition name was expected"),
        ("(enospc", "missing ')' in '(enospc'"),
        ("enospc & enospc", "unexpected character '&' in 'enospc & enospc'"),
        ("''", "the expression is empty"),
    ],
)
def test_when_syntax_error(when: str, message: str) -> None:
    problem = only_problem(rule_with(f"    when: {when}"))
    assert problem.field == "when"
    assert problem.message == message


def test_when_not_text() -> None:
    problem = only_problem(rule_with("    when: [enospc]"))
    assert problem.message == "expected an expression such as 'a and not b', found a list"


def test_when_defaults_to_any_condition() -> None:
    rules, problems = parse_rule_text(
        rule_with("      usage:", "        regex: 'disk usage 99%'"), "rules.yaml"
    )
    assert problems == []
    rule = rules[0]
    assert rule.trigger_names == ("enospc", "usage")
    assert rule.when.evaluate({"enospc": False, "usage": True})
    assert rule.when.evaluate({"enospc": True, "usage": False})
    assert not rule.when.evaluate({"enospc": False, "usage": False})


def test_when_expression_kept() -> None:
    text = rule_with("      usage:", "        regex: 'disk usage 99%'", "    when: enospc and not usage")
    rules, _problems = parse_rule_text(text, "rules.yaml")
    assert rules[0].trigger_names == ("enospc",)
    assert not rules[0].when.evaluate({"enospc": True, "usage": True})


# -- placeholders ----------------------------------------------------------------

CAPTURING = BASE.replace("'No space left on device'", "'(?P<mount>/\\S*): No space left on device'")


def test_unknown_placeholder_hint() -> None:
    problem = only_problem(CAPTURING + "    summary: 'Disk {mout} is full.'\n")
    assert problem.field == "summary[0]"
    assert (problem.line, problem.column) == (11, 5)
    assert problem.message.startswith("unknown placeholder {mout} (did you mean 'mount'?); known names: ")
    assert "enospc, first_seen" in problem.message
    assert problem.message.endswith("; statistics: .first, .last, .min, .max, .count, .values")


def test_unknown_statistic() -> None:
    problem = only_problem(CAPTURING + "    summary: 'Disk {mount.maximum} is full.'\n")
    assert problem.message.startswith("unknown placeholder {mount.maximum}")


def test_unknown_placeholder_in_list_located() -> None:
    text = CAPTURING + "    summary:\n      - '{mount} is full.'\n      - '{cout} writes failed.'\n"
    problem = only_problem(text)
    assert problem.field == "summary[1]"
    assert (problem.line, problem.column) == (13, 9)


def test_unknown_placeholder_in_check() -> None:
    problem = only_problem(CAPTURING + "    checks: ['Run df -h {mountpoint}.']\n")
    assert problem.field == "checks[0]"
    assert problem.message.startswith("unknown placeholder {mountpoint} (did you mean 'mount'?)")


def test_unknown_placeholder_in_action() -> None:
    text = CAPTURING + "    actions:\n      - risk: safe\n        text: 'Free space on {volume}.'\n"
    problem = only_problem(text)
    assert problem.field == "actions[0].text"
    assert problem.message.startswith("unknown placeholder {volume}")


def test_unbalanced_brace() -> None:
    problem = only_problem(CAPTURING + "    summary: 'Disk {mount is full.'\n")
    assert problem.field == "summary[0]"
    assert problem.message.startswith("invalid placeholder syntax: ")
    assert problem.message.endswith("; write literal braces as {{ }}")


def test_known_placeholders_accepted() -> None:
    summary = "'{mount} {mount.max} {mount.count} {enospc} {count} {first_seen} {change_gap} {{literal}}'"
    rules, problems = parse_rule_text(CAPTURING + f"    summary: {summary}\n", "rules.yaml")
    assert problems == []
    assert rules[0].summary == (summary.strip("'"),)


# -- captures --------------------------------------------------------------------


def test_capture_without_group() -> None:
    problem = only_problem(CAPTURING + "    captures:\n      used: number\n")
    assert problem.field == "captures.used"
    assert problem.message == "no pattern of this rule has a group named 'used'"
    assert (problem.line, problem.column) == (12, 7)


def test_captures_not_a_mapping() -> None:
    problem = only_problem(CAPTURING + "    captures: [mount]\n")
    assert problem.message == "expected a mapping of name: type, found a list"


# -- duplicate ids ---------------------------------------------------------------


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    first = tmp_path / "a-disk.yaml"
    second = tmp_path / "b-disk.yaml"
    first.write_text(BASE, encoding="utf-8")
    second.write_text("# the same rule, copied\n" + BASE, encoding="utf-8")
    error = load_error([tmp_path])
    assert len(error.problems) == 1
    problem = error.first
    assert problem.path == str(second)
    assert problem.line == 3
    assert problem.rule_id == RULE_ID
    assert problem.field == "id"
    assert problem.message == f"duplicate rule id '{RULE_ID}': also defined at {first}:2"


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "disk.yaml"
    path.write_text(BASE + BASE.removeprefix("rules:\n"), encoding="utf-8")
    problem = load_error([path]).first
    assert problem.line == 11
    assert problem.message == f"duplicate rule id '{RULE_ID}': also defined at {path}:2"


# -- several problems ------------------------------------------------------------


def test_every_problem_in_one_error(tmp_path: Path) -> None:
    broken = (
        BASE.replace("severity: high", "severity: hihg")
        + BASE.removeprefix("rules:\n")
        .replace("disk-full-enospc", "disk-full-second")
        .replace("    role: root-cause\n", "    role: root-cause\n    severty: low\n")
        + BASE.removeprefix("rules:\n")
        .replace("disk-full-enospc", "disk-full-third")
        .replace("'No space left on device'", "'x*'")
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    error = load_error([path])

    assert [(problem.rule_id, problem.field) for problem in error.problems] == [
        ("disk-full-enospc", "severity"),
        ("disk-full-second", "severty"),
        ("disk-full-third", "conditions.enospc.regex"),
    ]
    assert [problem.line for problem in error.problems] == [5, 16, 29]
    assert str(error).splitlines() == [str(problem) for problem in error.problems]


def test_every_problem_of_one_rule() -> None:
    text = CAPTURING.replace("severity: high", "severity: hihg") + "    captures:\n      used: number\n"
    fields = [problem.field for problem in problems_in(text)]
    assert "severity" in fields
    assert "captures.used" in fields


def test_valid_rules_kept_beside_broken_ones() -> None:
    text = BASE + BASE.removeprefix("rules:\n").replace("disk-full-enospc", "disk-full-bad").replace(
        "severity: high", "severity: hihg"
    )
    rules, problems = parse_rule_text(text, "rules.yaml")
    assert [rule.id for rule in rules] == [RULE_ID]
    assert [problem.rule_id for problem in problems] == ["disk-full-bad"]


# -- a complete rule -------------------------------------------------------------

COMPLETE = """\
rules:
  - id: redis-lock-leak
    title: Redis locks   acquired and
      never released
    category: lock-leak
    severity: critical
    role: root-cause
    description: >
      Locks taken with SET NX are not released,
      so later callers wait on them.
    conditions:
      leaked:
        pairing:
          acquire: 'acquired lock (?P<lock>[\\w:.-]+)'
          release: 'released lock (?P<lock>[\\w:.-]+)'
          key: lock
          unreleased: 3
          older_than: 2m
        level: info
      waiting:
        regex:
          - 'waiting (?P<wait>\\d+ms) for lock (?P<lock>[\\w:.-]+)'
          - 'lock (?P<lock>[\\w:.-]+) busy'
        level: warning
        where: ['wait > 500ms', 'wait <= 1h']
        exclude: 'healthcheck'
        count: 5
        within: 1m
        case_sensitive: true
    when: leaked or waiting
    explains: [connection-pool-exhaustion, upstream-timeout]
    summary:
      - "{unreleased} locks were never released (oldest {oldest_key}, held {oldest_age})."
      - "Callers waited up to {wait.max} for locks."
    checks:
      - "List the lock keys and their TTLs."
    actions:
      - risk: safe
        text: "Roll back the change that preceded the leak: {change}"
      - risk: caution
        text: "Delete the leaked keys once their holders are gone."
      - risk: avoid
        text: "Do not restart Redis under load."
    captures:
      wait: duration
      lock: text
    examples:
      match:
        - "2024-03-12T23:45:10Z INFO acquired lock payments:lock:ord_1"
        - "2024-03-12T23:45:11Z WARN waiting 900ms for lock payments:lock:ord_1"
      no_match:
        - "2024-03-12T23:45:10Z INFO cache hit for payments:ord_1"
      fire:
        - |
          2024-03-12T23:45:10Z INFO acquired lock a
          2024-03-12T23:45:10Z INFO acquired lock b
      no_fire:
        - "2024-03-12T23:45:10Z INFO lock table refreshed"
    tags: [redis, java]
    references: ["https://redis.io/docs/latest/develop/use/patterns/distributed-locks/"]
"""


@pytest.fixture(scope="module")
def complete_rule() -> Rule:
    rules, problems = parse_rule_text(COMPLETE, "locks.yaml")
    assert problems == []
    assert len(rules) == 1
    return rules[0]


def test_complete_rule_header(complete_rule: Rule) -> None:
    assert complete_rule.id == "redis-lock-leak"
    assert complete_rule.title == "Redis locks acquired and never released"
    assert complete_rule.category == "lock-leak"
    assert complete_rule.severity is Severity.CRITICAL
    assert complete_rule.role is Role.ROOT_CAUSE
    assert (
        complete_rule.description
        == "Locks taken with SET NX are not released, so later callers wait on them."
    )
    assert complete_rule.location == "locks.yaml:2"


def test_complete_rule_pairing(complete_rule: Rule) -> None:
    leaked = complete_rule.conditions[0]
    assert isinstance(leaked, PairingCondition)
    assert leaked.name == "leaked"
    assert leaked.acquire.source == "acquired lock (?P<lock>[\\w:.-]+)"
    assert leaked.release.source == "released lock (?P<lock>[\\w:.-]+)"
    assert leaked.key == "lock"
    assert leaked.unreleased == 3
    assert leaked.older_than == 120.0
    assert leaked.options.min_level is Level.INFO


def test_complete_rule_match_options(complete_rule: Rule) -> None:
    waiting = complete_rule.conditions[1]
    assert isinstance(waiting, MatchCondition)
    assert waiting.name == "waiting"
    assert [pattern.source for pattern in waiting.regexes] == [
        "waiting (?P<wait>\\d+ms) for lock (?P<lock>[\\w:.-]+)",
        "lock (?P<lock>[\\w:.-]+) busy",
    ]
    options = waiting.options
    assert options.min_level is Level.WARNING
    assert [predicate.source for predicate in options.where] == ["wait > 500ms", "wait <= 1h"]
    assert [pattern.source for pattern in options.exclude] == ["healthcheck"]
    assert options.count == 5
    assert options.within == 60.0


def test_complete_rule_case_sensitive(complete_rule: Rule) -> None:
    waiting = complete_rule.conditions[1]
    assert isinstance(waiting, MatchCondition)
    assert waiting.regexes[1].search("lock a:b busy") is not None
    assert waiting.regexes[1].search("LOCK a:b BUSY") is None
    assert waiting.options.exclude[0].search("HEALTHCHECK") is None


def test_default_case_insensitive() -> None:
    rules, _problems = parse_rule_text(BASE, "rules.yaml")
    enospc = rules[0].conditions[0]
    assert isinstance(enospc, MatchCondition)
    assert enospc.regexes[0].search("NO SPACE LEFT ON DEVICE") is not None


def test_complete_rule_when(complete_rule: Rule) -> None:
    assert complete_rule.trigger_names == ("leaked", "waiting")
    assert complete_rule.when.op == "or"


def test_complete_rule_texts(complete_rule: Rule) -> None:
    assert complete_rule.explains == ("connection-pool-exhaustion", "upstream-timeout")
    assert complete_rule.summary == (
        "{unreleased} locks were never released (oldest {oldest_key}, held {oldest_age}).",
        "Callers waited up to {wait.max} for locks.",
    )
    assert complete_rule.checks == ("List the lock keys and their TTLs.",)
    assert complete_rule.tags == ("redis", "java")
    assert complete_rule.references == (
        "https://redis.io/docs/latest/develop/use/patterns/distributed-locks/",
    )


def test_complete_rule_actions_in_order(complete_rule: Rule) -> None:
    assert [action.risk for action in complete_rule.actions] == [Risk.SAFE, Risk.CAUTION, Risk.AVOID]
    assert complete_rule.actions[0].text == "Roll back the change that preceded the leak: {change}"
    assert complete_rule.actions[2].text == "Do not restart Redis under load."


def test_complete_rule_captures(complete_rule: Rule) -> None:
    assert complete_rule.captures == (("wait", ValueType.DURATION), ("lock", ValueType.TEXT))
    assert complete_rule.capture_types == {"wait": ValueType.DURATION, "lock": ValueType.TEXT}


def test_complete_rule_examples(complete_rule: Rule) -> None:
    assert complete_rule.examples == RuleExamples(
        match=(
            "2024-03-12T23:45:10Z INFO acquired lock payments:lock:ord_1",
            "2024-03-12T23:45:11Z WARN waiting 900ms for lock payments:lock:ord_1",
        ),
        no_match=("2024-03-12T23:45:10Z INFO cache hit for payments:ord_1",),
        fire=("2024-03-12T23:45:10Z INFO acquired lock a\n2024-03-12T23:45:10Z INFO acquired lock b\n",),
        no_fire=("2024-03-12T23:45:10Z INFO lock table refreshed",),
    )


def test_single_summary_becomes_list() -> None:
    rules, _problems = parse_rule_text(
        rule_with("    summary: 'Writes  failed\n      {count} times.'"), "r.yaml"
    )
    assert rules[0].summary == ("Writes failed {count} times.",)


def test_optional_fields_default_empty() -> None:
    rule = parse_rule_text(BASE, "rules.yaml")[0][0]
    assert rule.explains == ()
    assert rule.summary == ()
    assert rule.actions == ()
    assert rule.captures == ()
    assert rule.examples == RuleExamples()
    assert rule.conditions[0].options.count == 1
    assert rule.conditions[0].options.within is None
    assert rule.conditions[0].options.min_level is None


def test_load_rule_file_returns_rules(tmp_path: Path) -> None:
    path = tmp_path / "locks.yaml"
    path.write_text(COMPLETE, encoding="utf-8")
    rules, problems = load_rule_file(path)
    assert problems == []
    assert rules[0].path == str(path)


# -- finding rule files ----------------------------------------------------------


def test_rule_files_in_directory(tmp_path: Path) -> None:
    for relative in [
        "b.yaml",
        "a.yml",
        "nested/c.yaml",
        "nested/deeper/d.yaml",
        "notes.md",
        ".hidden.yaml",
        ".drafts/e.yaml",
        "nested/.f.yaml",
        "nested/rules.yaml.bak",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("rules: []\n", encoding="utf-8")

    found = rule_files_in([tmp_path])

    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "a.yml",
        "b.yaml",
        "nested/c.yaml",
        "nested/deeper/d.yaml",
    ]


def test_rule_files_in_keeps_argument_order(tmp_path: Path) -> None:
    first = tmp_path / "z.yaml"
    second = tmp_path / "a.yaml"
    for path in (first, second):
        path.write_text("rules: []\n", encoding="utf-8")
    assert rule_files_in([first, second]) == [first, second]


def test_rule_files_in_empty_directory(tmp_path: Path) -> None:
    assert rule_files_in([tmp_path]) == []


def test_load_directory_in_file_order(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(BASE.replace("disk-full-enospc", "disk-full-first"), encoding="utf-8")
    rules = load_rule_files([tmp_path])
    assert [rule.id for rule in rules] == ["disk-full-first", RULE_ID]


def test_capture_of_invalid_regex_not_reported() -> None:
    text = (
        BASE.replace("'No space left on device'", "'(?P<mount>/\\S*): No space left on device ('")
        + "    captures:\n      mount: text\n"
    )
    problem = only_problem(text)
    assert problem.field == "conditions.enospc.regex"


def test_misspelled_conditions_gives_no_placeholder_errors() -> None:
    text = BASE.replace("    conditions:", "    conditons:").replace(
        "    description:", '    summary: "Disk {mount} is full."\n    description:', 1
    )
    problems = problems_in(text)
    assert [problem.field for problem in problems] == ["conditons", "conditions"]
