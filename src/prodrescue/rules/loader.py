"""Load and validate YAML rule files.

Validation collects every problem of a file in one pass, so an author can fix
a file in one edit. Each problem names its file, line, column, rule id and
field, what was expected and what was found. Unknown keys are errors (a
typo must not silently disable a condition), and so are duplicate keys and
duplicate rule ids across files.
"""

from __future__ import annotations

__all__ = ["load_rule_file", "load_rule_files", "parse_rule_text", "rule_files_in"]

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from prodrescue.errors import RuleError, RuleProblem
from prodrescue.rules.builder import RuleBuilder
from prodrescue.rules.model import Rule, RuleSet
from prodrescue.rules.validation import describe_value, did_you_mean
from prodrescue.rules.yamlsource import MAX_RULE_FILE_BYTES, YamlList, YamlMap, load_yaml

logger = logging.getLogger(__name__)


def rule_files_in(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and directories into rule files (``*.yaml``, ``*.yml``).

    Directories are searched recursively, in sorted order, skipping hidden
    files and directories. Raises :class:`RuleError` for a path that does not exist.
    """
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.suffix in (".yaml", ".yml")
                and candidate.is_file()
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
    """Load rules from files and directories. Raises :class:`RuleError` listing every problem."""
    rules: list[Rule] = []
    problems: list[RuleProblem] = []
    first_definition: dict[str, Rule] = {}
    for path in rule_files_in(paths):
        file_rules, file_problems = load_rule_file(path)
        problems.extend(file_problems)
        for rule in file_rules:
            earlier = first_definition.get(rule.id)
            if earlier is not None:
                problems.append(
                    RuleProblem(
                        rule.path,
                        rule.line,
                        0,
                        rule.id,
                        "id",
                        f"duplicate rule id '{rule.id}': also defined at {earlier.location}",
                    )
                )
                continue
            first_definition[rule.id] = rule
            rules.append(rule)
    if problems:
        raise RuleError(problems)
    return RuleSet(tuple(rules))


def load_rule_file(path: str | Path) -> tuple[list[Rule], list[RuleProblem]]:
    """Load one rule file and return the valid rules and the problems found."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_RULE_FILE_BYTES:
            return [], [
                RuleProblem(
                    name,
                    0,
                    0,
                    None,
                    None,
                    f"file is {size} bytes; rule files are limited to {MAX_RULE_FILE_BYTES} bytes",
                )
            ]
        data = Path(path).read_bytes()
    except OSError as error:
        return [], [RuleProblem(name, 0, 0, None, None, f"cannot be read: {error.strerror or error}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [], [RuleProblem(name, 0, 0, None, None, f"not valid UTF-8 (byte {error.start})")]
    return parse_rule_text(text, name)


def parse_rule_text(text: str, path: str) -> tuple[list[Rule], list[RuleProblem]]:
    """Parse the text of a rule file and return the valid rules and the problems found."""
    document, problems = load_yaml(text, path)
    if problems or document is None:
        if document is None and not problems:
            problems = [RuleProblem(path, 0, 0, None, None, "the file is empty; expected a 'rules:' list")]
        return [], problems
    if not isinstance(document, YamlMap) or "rules" not in document:
        if isinstance(document, YamlMap):
            keys = ", ".join(repr(key) for key in document)
            typo = any(did_you_mean(key, ["rules"]) for key in document)
            found = f"a mapping with {keys}" + (" (did you mean 'rules'?)" if typo else "")
        else:
            found = describe_value(document)
        return [], [
            RuleProblem(
                path, 1, 1, None, None, f"expected a mapping with a 'rules:' list at the top, found {found}"
            )
        ]
    for key in document:
        if key != "rules":
            line, column = document.location(key)
            problems.append(
                RuleProblem(path, line, column, None, key, "unknown top-level key; only 'rules' is allowed")
            )
    entries = document["rules"]
    if not isinstance(entries, YamlList):
        line, column = document.location("rules")
        return [], [
            RuleProblem(
                path,
                line,
                column,
                None,
                "rules",
                f"expected a list of rules, found {describe_value(entries)}",
            )
        ]
    rules = []
    for index, entry in enumerate(entries):
        builder = RuleBuilder(path, entries.location(index))
        rule = builder.build(entry)
        problems.extend(builder.problems)
        if rule is not None:
            rules.append(rule)
    return rules, problems
