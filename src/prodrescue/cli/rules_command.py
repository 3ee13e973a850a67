"""``prodrescue rules``: list, check and test rule files."""

from __future__ import annotations

__all__ = ["add_parser"]

import argparse
import json
from typing import TYPE_CHECKING, Any

from prodrescue.errors import RuleError

# The rule engine (regex, YAML, the prefilter) is imported inside each
# command, so that the other commands start without it.
if TYPE_CHECKING:
    from prodrescue.errors import RuleProblem
    from prodrescue.rules.model import Rule

# Minimum number of ``match`` and of ``no_match`` examples per rule. Below it,
# ``rules check`` warns and ``rules test`` fails.
MIN_EXAMPLES = 2


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "rules", help="list, check and test rules", description="List, validate and test rule files."
    )
    actions = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    actions.required = True

    listing = actions.add_parser("list", help="list the loaded rules")
    listing.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE|DIR",
        help="also load the rules in this file or directory (repeatable)",
    )
    listing.add_argument("--categories", action="store_true", help="list the category ids instead")
    listing.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    listing.set_defaults(handler=run_list, command_parser=listing)

    check = actions.add_parser("check", help="validate rule files")
    check.add_argument(
        "files", nargs="+", metavar="FILE|DIR", help="rule files, or directories of *.yaml files"
    )
    check.set_defaults(handler=run_check, command_parser=check)

    test = actions.add_parser("test", help="run every rule's examples (default: the built-in pack)")
    test.add_argument(
        "directory",
        nargs="?",
        metavar="FILE|DIR",
        help="rule file or directory to test (default: the built-in pack)",
    )
    test.set_defaults(handler=run_test, command_parser=test)


def run_list(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.rules import CATEGORIES

    if arguments.categories:
        for category, meaning in CATEGORIES.items():
            print(f"{category:28} {meaning}")
        return 0
    from prodrescue.api import load_rules

    rules = load_rules(arguments.rules)
    if arguments.format == "json":
        print(json.dumps([_rule_row(rule) for rule in rules], indent=2))
        return 0
    print(f"{'ID':36} {'CATEGORY':28} {'ROLE':10} {'SEVERITY':8} TITLE")
    for rule in rules:
        print(f"{rule.id:36} {rule.category:28} {rule.role.value:10} {rule.severity.value:8} {rule.title}")
    print(f"{len(rules)} rules")
    return 0


def run_check(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.rules import load_rule_files, rule_files_in
    from prodrescue.rules.loader import load_rule_file

    files = rule_files_in(arguments.files)
    problems: list[RuleProblem] = []
    rules: list[Rule] = []
    for path in files:
        file_rules, file_problems = load_rule_file(path)
        rules += file_rules
        problems += file_problems
    try:
        load_rule_files(files)  # reports duplicate ids across the files
    except RuleError as error:
        known = {str(problem) for problem in problems}
        problems += [problem for problem in error.problems if str(problem) not in known]
    for problem in problems:
        print(f"error: {problem}")
    for rule in rules:
        for warning in _example_warnings(rule):
            print(f"warning: {rule.location}: rule '{rule.id}': {warning}")
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} file(s)")
        return 1
    print(f"OK: {len(rules)} rules in {len(files)} file(s)")
    return 0


def run_test(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.rules import builtin_rules_dir, load_builtin_rules, load_rule_files, run_rule_examples

    if arguments.directory:
        rules = load_rule_files([arguments.directory])
        where = arguments.directory
    else:
        rules = load_builtin_rules()
        where = str(builtin_rules_dir())
    total, failures = run_rule_examples(rules)
    missing = [(rule, warning) for rule in rules for warning in _example_warnings(rule)]
    for failure in failures:
        print(f"FAIL {failure}")
    for rule, warning in missing:
        print(f"FAIL {rule.location}: rule '{rule.id}': {warning}")
    print(
        f"{len(rules)} rules, {total} examples, {len(failures)} failed, "
        f"{len({id(rule) for rule, _ in missing})} rules short of examples ({where})"
    )
    return 1 if failures or missing else 0


def _example_warnings(rule: Rule) -> list[str]:
    warnings = []
    if len(rule.examples.match) < MIN_EXAMPLES:
        warnings.append(
            f"has {len(rule.examples.match)} 'match' examples; at least {MIN_EXAMPLES} are expected"
        )
    if len(rule.examples.no_match) < MIN_EXAMPLES:
        warnings.append(
            f"has {len(rule.examples.no_match)} 'no_match' examples; at least {MIN_EXAMPLES} are expected"
        )
    return warnings


def _rule_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category,
        "role": rule.role.value,
        "severity": rule.severity.value,
        "explains": list(rule.explains),
        "location": rule.location,
    }
