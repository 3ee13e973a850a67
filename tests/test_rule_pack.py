"""The built-in rule pack: coverage of every category, examples, and advice."""

from __future__ import annotations

import pytest

from prodrescue.model import Risk, Role
from prodrescue.rules import (
    CATEGORIES,
    builtin_rules_dir,
    load_builtin_rules,
    load_rule_files,
    run_rule_examples,
)
from prodrescue.rules.model import Rule

PACK = load_builtin_rules()
CAUSE_RULES = [rule for rule in PACK if rule.role is not Role.CHANGE]


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "error-rate"])
def test_every_category_has_root_cause_rule(category: str) -> None:
    rules = [rule.id for rule in PACK if rule.category == category and rule.role is Role.ROOT_CAUSE]
    assert rules, f"no root-cause rule for {category}"


def test_pack_has_change_markers() -> None:
    assert any(rule.role is Role.CHANGE for rule in PACK)


def test_pack_has_impact_rules() -> None:
    assert any(rule.category == "error-rate" and rule.role is Role.IMPACT for rule in PACK)


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda rule: rule.id)
def test_rule_examples_pass(rule: Rule) -> None:
    _, failures = run_rule_examples([rule])
    assert [str(failure) for failure in failures] == []


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda rule: rule.id)
def test_rule_has_two_examples_each_way(rule: Rule) -> None:
    assert len(rule.examples.match) >= 2
    assert len(rule.examples.no_match) >= 2


@pytest.mark.parametrize("rule", CAUSE_RULES, ids=lambda rule: rule.id)
def test_cause_rule_gives_advice(rule: Rule) -> None:
    assert rule.summary, "a summary sentence"
    assert rule.checks, "at least one next check"
    assert any(action.risk is Risk.SAFE for action in rule.actions), "a safe action"


def test_examples_span_several_stacks() -> None:
    text = "\n".join(example for rule in PACK for example in rule.examples.match)
    markers = {
        "java": "Exception",
        "python": "Traceback",
        "go": "dial tcp",
        "node": "ECONN",
        "postgresql": "ERROR:  ",
        "redis": "Redis",
        "kubernetes": "kubelet",
        "nginx": "upstream",
    }
    missing = [stack for stack, marker in markers.items() if marker not in text]
    assert missing == []


def test_pack_passes_every_load_check() -> None:
    # load_builtin_rules() defers compiling, so load the files with every check here.
    rules = load_rule_files([builtin_rules_dir()])
    assert len(rules) == len(load_builtin_rules())
    assert all(
        pattern.compiled is not None for rule in rules for c in rule.conditions for pattern in c.patterns()
    )
