"""The YAML rule engine: loading, validation, evaluation and example tests."""

from prodrescue.rules.builtin import builtin_rules_dir, load_builtin_rules
from prodrescue.rules.engine import RuleEngine, RuleFault, RuleResult
from prodrescue.rules.loader import load_rule_files, rule_files_in
from prodrescue.rules.model import CATEGORIES, Rule, RuleAction, RuleExamples, RuleSet
from prodrescue.rules.testing import ExampleFailure, run_rule_examples

__all__ = [
    "CATEGORIES",
    "ExampleFailure",
    "Rule",
    "RuleAction",
    "RuleEngine",
    "RuleExamples",
    "RuleFault",
    "RuleResult",
    "RuleSet",
    "builtin_rules_dir",
    "load_builtin_rules",
    "load_rule_files",
    "rule_files_in",
    "run_rule_examples",
]
