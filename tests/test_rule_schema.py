"""The JSON Schema of rule files: valid, in step with the code, and as strict as the loader."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from prodrescue.levels import Level
from prodrescue.model import Risk, Role, Severity
from prodrescue.rules import builtin_rules_dir, rule_files_in
from prodrescue.rules.builder import ACTION_KEYS, EXAMPLE_KEYS, REQUIRED_RULE_KEYS, RULE_KEYS
from prodrescue.rules.condition_builder import CONDITION_KEYS, PAIRING_KEYS
from prodrescue.rules.loader import parse_rule_text
from prodrescue.rules.model import CATEGORIES
from prodrescue.rules.values import ValueType

SCHEMA_PATH = Path(str(resources.files("prodrescue.rules") / "rule-schema.json"))
REPOSITORY_RULES = Path(__file__).resolve().parents[1] / "rules"


def _builtin_rule_files() -> list[Path]:
    """Return the built-in pack's rule files: the repository's rules/ in a checkout, else the installed pack."""
    directory = REPOSITORY_RULES if REPOSITORY_RULES.is_dir() else builtin_rules_dir()
    return rule_files_in([directory])


BUILTIN_FILES = _builtin_rule_files()


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema)


def _valid_document() -> dict[str, Any]:
    """Return a rule file that both the schema and the loader accept, as plain data."""
    return {
        "rules": [
            {
                "id": "disk-full-enospc",
                "title": "Writes fail on a full disk",
                "category": "disk-full",
                "severity": "high",
                "role": "root-cause",
                "description": "A volume has no space left, so every write to it fails.",
                "conditions": {
                    "enospc": {
                        "regex": [r"No space left on device", r"ENOSPC"],
                        "level": "error",
                        "count": 2,
                        "within": "5m",
                    },
                    "usage": {
                        "regex": r"disk usage (?P<used>\d+%) on (?P<mount>/\S*)",
                        "where": "used >= 95%",
                        "exclude": "tmpfs",
                    },
                },
                "when": "enospc",
                "explains": ["crash-loop", "error-rate"],
                "summary": ["{mount} was {used} full.", "Writes failed {count} times."],
                "checks": ["Run df -h on the host."],
                "actions": [{"risk": "safe", "text": "Delete rotated logs under /var/log."}],
                "captures": {"used": "number"},
                "examples": {
                    "match": ["2024-03-12T03:47:06Z ERROR write failed: No space left on device"],
                    "no_match": ["2024-03-12T03:47:06Z INFO disk usage 40% on /data"],
                },
                "tags": ["linux"],
                "references": ["man 2 write"],
            }
        ],
    }


def _loader_problems(document: Any) -> list[str]:
    _rules, problems = parse_rule_text(yaml.safe_dump(document, sort_keys=False), "rules.yaml")
    return [str(problem) for problem in problems]


def _error_paths(validator: Draft202012Validator, document: Any) -> list[tuple[Any, ...]]:
    """Return the instance paths of every schema error, those inside anyOf and oneOf included."""
    paths = []
    pending = list(validator.iter_errors(document))
    while pending:
        error = pending.pop()
        paths.append(tuple(error.absolute_path))
        pending.extend(error.context or [])
    return paths


def _enum(schema: dict[str, Any], name: str) -> list[str]:
    return sorted(schema["$defs"][name]["enum"])


# -- the schema itself -----------------------------------------------------------


def test_schema_is_valid_json_schema(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)


def test_schema_uses_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_has_id_title_description(schema: dict[str, Any]) -> None:
    assert schema["$id"]
    assert schema["title"]
    assert schema["description"]


@pytest.mark.parametrize(
    "name",
    [
        "rule",
        "condition",
        "pairing",
        "action",
        "examples",
        "category",
        "severity",
        "role",
        "risk",
        "level",
        "captureType",
        "duration",
    ],
)
def test_schema_definition_documented(schema: dict[str, Any], name: str) -> None:
    definition = schema["$defs"][name]
    assert definition.get("title"), f"$defs/{name} has no title"
    assert definition.get("description"), f"$defs/{name} has no description"


# -- in step with the code -------------------------------------------------------


def test_schema_categories_match_code(schema: dict[str, Any]) -> None:
    assert _enum(schema, "category") == sorted(CATEGORIES)


def test_schema_severities_match_code(schema: dict[str, Any]) -> None:
    assert _enum(schema, "severity") == sorted(member.value for member in Severity)


def test_schema_roles_match_code(schema: dict[str, Any]) -> None:
    expected = sorted(member.value for member in Role if member is not Role.UNRECOGNIZED)
    assert _enum(schema, "role") == expected


def test_schema_risks_match_code(schema: dict[str, Any]) -> None:
    assert _enum(schema, "risk") == sorted(member.value for member in Risk)


def test_schema_levels_match_code(schema: dict[str, Any]) -> None:
    assert _enum(schema, "level") == sorted(member.label for member in Level)


def test_schema_capture_types_match_code(schema: dict[str, Any]) -> None:
    assert _enum(schema, "captureType") == sorted(member.value for member in ValueType)


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        ("rule", RULE_KEYS),
        ("condition", CONDITION_KEYS),
        ("pairing", PAIRING_KEYS),
        ("action", ACTION_KEYS),
        ("examples", EXAMPLE_KEYS),
    ],
)
def test_schema_keys_match_loader(schema: dict[str, Any], definition: str, keys: set[str]) -> None:
    assert sorted(schema["$defs"][definition]["properties"]) == sorted(keys)


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        ("rule", REQUIRED_RULE_KEYS),
        ("pairing", ("acquire", "release")),
        ("action", ("risk", "text")),
    ],
)
def test_schema_required_keys_match_loader(
    schema: dict[str, Any], definition: str, keys: tuple[str, ...]
) -> None:
    assert sorted(schema["$defs"][definition]["required"]) == sorted(keys)


def test_schema_top_level_closed(schema: dict[str, Any]) -> None:
    assert schema["required"] == ["rules"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("definition", ["rule", "condition", "pairing", "action", "examples"])
def test_schema_rejects_unknown_keys(schema: dict[str, Any], definition: str) -> None:
    assert schema["$defs"][definition]["additionalProperties"] is False


# -- the built-in pack -----------------------------------------------------------


def test_builtin_pack_has_files() -> None:
    assert BUILTIN_FILES, "no rule files found in the built-in pack"


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda path: path.name)
def test_builtin_file_matches_schema(validator: Draft202012Validator, path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]
    assert messages == []


# -- schema and loader agree -----------------------------------------------------


def test_valid_document_passes_both(validator: Draft202012Validator) -> None:
    document = _valid_document()
    assert _error_paths(validator, document) == []
    assert _loader_problems(document) == []


def _set(path: tuple[Any, ...], value: Any) -> Any:
    """Return a copy of the valid document with ``value`` at ``path``."""
    document = _valid_document()
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def _drop(path: tuple[Any, ...]) -> Any:
    """Return a copy of the valid document without the key at ``path``."""
    document = _valid_document()
    target = document
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return document


RULE = ("rules", 0)
ENOSPC = (*RULE, "conditions", "enospc")
PAIRING = {"acquire": r"acquired lock (?P<key>\S+)", "release": r"released lock (?P<key>\S+)"}

# Each case: a document, and the path of the value that the schema must flag.
INVALID_DOCUMENTS = {
    "unknown rule key": (_set((*RULE, "severty"), "high"), RULE),
    "unknown top-level key": (_set(("rulez",), []), ()),
    "unknown condition key": (_set((*ENOSPC, "levle"), "error"), ENOSPC),
    "unknown pairing key": (_set((*ENOSPC,), {"pairing": {**PAIRING, "keys": "key"}}), (*ENOSPC, "pairing")),
    "unknown action key": (
        _set((*RULE, "actions"), [{"risk": "safe", "text": "x", "note": "y"}]),
        (*RULE, "actions", 0),
    ),
    "unknown examples key": (_set((*RULE, "examples"), {"matches": ["x"]}), (*RULE, "examples")),
    "missing id": (_drop((*RULE, "id")), RULE),
    "missing conditions": (_drop((*RULE, "conditions")), RULE),
    "missing top-level rules": ({"rule": []}, ()),
    "rules not a list": ({"rules": {"id": "x"}}, ("rules",)),
    "uppercase id": (_set((*RULE, "id"), "Disk_Full"), (*RULE, "id")),
    "bad category": (_set((*RULE, "category"), "disk-ful"), (*RULE, "category")),
    "bad explains category": (_set((*RULE, "explains"), ["crashloop"]), (*RULE, "explains", 0)),
    "bad severity": (_set((*RULE, "severity"), "severe"), (*RULE, "severity")),
    "unrecognized role": (_set((*RULE, "role"), "unrecognized"), (*RULE, "role")),
    "bad risk": (_set((*RULE, "actions"), [{"risk": "risky", "text": "x"}]), (*RULE, "actions", 0, "risk")),
    "bad level": (_set((*ENOSPC, "level"), "warnng"), (*ENOSPC, "level")),
    "bad capture type": (_set((*RULE, "captures"), {"used": "percent"}), (*RULE, "captures", "used")),
    "empty title": (_set((*RULE, "title"), "   "), (*RULE, "title")),
    "empty conditions": (_set((*RULE, "conditions"), {}), (*RULE, "conditions")),
    "condition name with dash": (
        _set((*RULE, "conditions", "no-space"), {"regex": "ENOSPC"}),
        (*RULE, "conditions"),
    ),
    "two kinds in one condition": (_set((*ENOSPC, "pairing"), PAIRING), ENOSPC),
    "no kind in condition": (
        _set((*RULE, "conditions", "burst"), {"count": 2}),
        (*RULE, "conditions", "burst"),
    ),
    "pairing without release": (
        _set((*RULE, "conditions", "held"), {"pairing": {"acquire": PAIRING["acquire"]}}),
        (*RULE, "conditions", "held", "pairing"),
    ),
    "count 0": (_set((*ENOSPC, "count"), 0), (*ENOSPC, "count")),
    "count not a number": (_set((*ENOSPC, "count"), "two"), (*ENOSPC, "count")),
    "unreleased 0": (
        _set((*ENOSPC,), {"pairing": {**PAIRING, "unreleased": 0}}),
        (*ENOSPC, "pairing", "unreleased"),
    ),
    "within without unit": (_set((*ENOSPC, "within"), "five minutes"), (*ENOSPC, "within")),
    "within zero": (_set((*ENOSPC, "within"), "0s"), (*ENOSPC, "within")),
    "within negative number": (_set((*ENOSPC, "within"), -30), (*ENOSPC, "within")),
    "older_than bad unit": (
        _set((*ENOSPC,), {"pairing": {**PAIRING, "older_than": "2x"}}),
        (*ENOSPC, "pairing", "older_than"),
    ),
    "case_sensitive text": (_set((*ENOSPC, "case_sensitive"), "yes please"), (*ENOSPC, "case_sensitive")),
    "where without operator": (
        _set((*RULE, "conditions", "usage", "where"), "used above 95%"),
        (*RULE, "conditions", "usage", "where"),
    ),
    "empty regex list": (_set((*ENOSPC, "regex"), []), (*ENOSPC, "regex")),
    "summary not text": (_set((*RULE, "summary"), 5), (*RULE, "summary")),
    "checks single text": (_set((*RULE, "checks"), "Run df -h."), (*RULE, "checks")),
    "tags with empty item": (_set((*RULE, "tags"), ["linux", " "]), (*RULE, "tags", 1)),
}


@pytest.mark.parametrize(("document", "path"), INVALID_DOCUMENTS.values(), ids=INVALID_DOCUMENTS.keys())
def test_invalid_document_schema_rejects(
    validator: Draft202012Validator, document: Any, path: tuple[Any, ...]
) -> None:
    assert path in _error_paths(validator, document)


@pytest.mark.parametrize(("document", "path"), INVALID_DOCUMENTS.values(), ids=INVALID_DOCUMENTS.keys())
def test_invalid_document_loader_rejects(document: Any, path: tuple[Any, ...]) -> None:
    assert _loader_problems(document) != []


VALID_VARIANTS = {
    "single regex": _set((*ENOSPC, "regex"), "ENOSPC"),
    "single summary": _set((*RULE, "summary"), "Writes failed {count} times."),
    "where list": _set((*RULE, "conditions", "usage", "where"), ["used >= 95%", "used < 100%"]),
    "exclude list": _set((*RULE, "conditions", "usage", "exclude"), ["tmpfs", "overlay"]),
    "within whole seconds": _set((*ENOSPC, "within"), 300),
    "within clock time": _set((*ENOSPC, "within"), "0:05:00"),
    "within compound": _set((*ENOSPC, "within"), "1m30s"),
    "within milliseconds": _set((*ENOSPC, "within"), "1500ms"),
    "case sensitive": _set((*ENOSPC, "case_sensitive"), True),
    "no when": _drop((*RULE, "when")),
    "empty rules list": {"rules": []},
    "pairing with key": _set(
        (*RULE, "conditions", "held"),
        {
            "pairing": {
                "acquire": r"locked (?P<lock>\S+)",
                "release": r"unlocked (?P<lock>\S+)",
                "key": "lock",
                "unreleased": 3,
                "older_than": "2m",
            },
            "level": "info",
        },
    ),
    "change role": _set((*RULE, "role"), "change"),
    "capture type auto": _set((*RULE, "captures"), {"used": "auto"}),
    "fire examples": _set((*RULE, "examples"), {"fire": ["a"], "no_fire": ["b"]}),
}


@pytest.mark.parametrize("document", VALID_VARIANTS.values(), ids=VALID_VARIANTS.keys())
def test_valid_variant_schema_accepts(validator: Draft202012Validator, document: Any) -> None:
    assert _error_paths(validator, document) == []


@pytest.mark.parametrize("document", VALID_VARIANTS.values(), ids=VALID_VARIANTS.keys())
def test_valid_variant_loader_accepts(document: Any) -> None:
    assert _loader_problems(document) == []


@pytest.mark.parametrize("label", [member.label for member in Level])
def test_level_label_accepted_by_both(validator: Draft202012Validator, label: str) -> None:
    document = _set((*ENOSPC, "level"), label)
    assert _error_paths(validator, document) == []
    assert _loader_problems(document) == []


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_category_accepted_by_both(validator: Draft202012Validator, category: str) -> None:
    document = _set((*RULE, "category"), category)
    assert _error_paths(validator, document) == []
    assert _loader_problems(document) == []


DURATIONS = [
    "30s",
    "1500ms",
    "5m",
    "2h",
    "1d",
    "1m30s",
    "10 minutes",
    "0.5s",
    "0:05:00",
    "90",
    "34%",
    "0s",
    "0",
    "-5s",
    "2x",
    "5M",
    "five minutes",
    "1m and 30s",
    "",
]


@pytest.mark.parametrize("text", DURATIONS)
def test_duration_schema_agrees_with_loader(validator: Draft202012Validator, text: str) -> None:
    document = _set((*ENOSPC, "within"), text)
    schema_accepts = not _error_paths(validator, document)
    loader_accepts = not _loader_problems(document)
    assert schema_accepts == loader_accepts
