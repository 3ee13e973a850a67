"""Safe YAML loading that keeps line numbers and rejects risky constructs.

Rule files come from users and from other teams, so loading them must not run
code, exhaust memory or silently drop data. Loading uses PyYAML's safe loader,
rule files have a size cap, tags beyond plain YAML values are rejected, and
aliases are rejected, which also rules out "billion laughs" alias bombs.
Duplicate keys are an error, not last-one-wins. Every mapping and list
records where each of its entries starts, so that errors can name the line.
"""

from __future__ import annotations

__all__ = ["MAX_RULE_FILE_BYTES", "YamlList", "YamlMap", "load_yaml"]

from typing import Any

import yaml

from prodrescue.errors import RuleProblem

# Maximum size of one rule file. It is far above the largest built-in rule file
# (under 60 KB) and about twice the whole built-in pack, and low enough that a
# wrong path to a huge file fails fast.
MAX_RULE_FILE_BYTES = 1024 * 1024


class YamlMap(dict[str, Any]):
    """Mapping that records the 1-based line and column of each key."""

    line: int = 0
    column: int = 0
    key_lines: dict[str, tuple[int, int]]

    def location(self, key: str) -> tuple[int, int]:
        """Return the line and column of ``key``, or of the mapping itself."""
        return self.key_lines.get(key, (self.line, self.column))


class YamlList(list[Any]):
    """List that records the 1-based line and column of each item."""

    line: int = 0
    column: int = 0
    item_lines: list[tuple[int, int]]

    def location(self, index: int) -> tuple[int, int]:
        """Return the line and column of item ``index``, or of the list itself."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return (self.line, self.column)


# PyYAML's safe loader on top of libyaml when it was built with it (about ten
# times faster on the built-in pack), else the pure-Python one.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The tags a rule file may use: those that plain YAML values get without an
# explicit tag. Any other tag (``!!python/object``, ``!custom``) is rejected
# rather than constructed.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)


def _find_alias(text: str) -> Any:
    """Return the position of the first alias (``*name``) in ``text``, or None.

    Aliases are rejected before the document is composed, which also keeps an
    alias bomb from being expanded.
    """
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


def load_yaml(text: str, path: str) -> tuple[Any, list[RuleProblem]]:
    """Parse one YAML document and return the value and the problems found.

    The value is built from :class:`YamlMap`, :class:`YamlList` and plain
    scalars. On a syntax error or an alias, the value is None and the problem
    carries the line and column that PyYAML reports.
    """
    loader = _Loader(text)
    try:
        alias = _find_alias(text)
        if alias is not None:
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in rule files", alias
            )
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = f"invalid YAML: {error.problem or error.context}"
        return None, [RuleProblem(path, line, column, None, None, message)]
    except yaml.YAMLError as error:
        return None, [RuleProblem(path, 0, 0, None, None, f"invalid YAML: {error}")]
    finally:
        loader.dispose()
    if node is None:
        return None, []
    problems: list[RuleProblem] = []
    value = _convert(node, loader, path, problems)
    return value, problems


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[RuleProblem]) -> Any:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if node.tag not in _PLAIN_TAGS:
        problems.append(
            RuleProblem(
                path, line, column, None, None, f"the tag {_short_tag(node.tag)} is not allowed in rule files"
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        mapping = YamlMap()
        mapping.line, mapping.column = line, column
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key_line = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    RuleProblem(path, *key_line, None, None, "a mapping key must be a plain string")
                )
                continue
            key = str(loader.construct_object(key_node))
            if key in mapping.key_lines:
                first_line = mapping.key_lines[key][0]
                problems.append(
                    RuleProblem(
                        path,
                        *key_line,
                        None,
                        key,
                        f"duplicate key '{key}' (first defined on line {first_line})",
                    )
                )
                continue
            mapping.key_lines[key] = key_line
            mapping[key] = _convert(value_node, loader, path, problems)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = YamlList()
        items.line, items.column = line, column
        items.item_lines = []
        for item in node.value:
            items.item_lines.append((item.start_mark.line + 1, item.start_mark.column + 1))
            items.append(_convert(item, loader, path, problems))
        return items
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError) as error:
        # A date that does not exist, such as 2024-13-45, fails here.
        problems.append(RuleProblem(path, line, column, None, None, f"invalid value {node.value!r}: {error}"))
        return None


def _short_tag(tag: str) -> str:
    """Write a tag as the file did: ``!!python/name:os.system``, not the expanded form."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
