"""Join sibling templates whose only difference is a word position that varies a lot.

:class:`prodrescue.mining.tree.WordAwareDrain` never merges two lines that
differ in a word, so ``session closed for user news`` and ``session closed
for user cyrus`` end as two templates. When enough templates differ only in
the word at one position, that position is a variable (a user, a host, a
queue name), and the siblings become one template with a wildcard there.
A word that takes only a few values (``VM Started``, ``VM Paused``, ``VM
Resumed``) is more likely part of distinct log statements, so those stay
apart, unless the word before names what follows (``user``, ``host``).
"""

from __future__ import annotations

__all__ = ["MIN_SIBLING_WORDS", "merge_siblings"]

from collections.abc import Sequence

from prodrescue.mining.tree import is_word

# Templates that differ only in the word at one position are joined when the
# position took at least this many different words. Four values are still
# read as distinct statements (HTTP methods, the states of a lifecycle).
MIN_SIBLING_WORDS = 5
# After one of these nouns, a word is a name ("for user news", "on host db"),
# so two different words at that position are enough to join the siblings.
_NAME_NOUNS = frozenset(
    {
        "user",
        "username",
        "login",
        "host",
        "hostname",
        "node",
        "server",
        "database",
        "db",
        "table",
        "queue",
        "topic",
        "instance",
        "account",
        "domain",
        "pod",
        "namespace",
        "container",
    }
)
_MIN_NAMED_WORDS = 2
# Siblings must also share at least this many words elsewhere. Otherwise short
# messages such as ``normal`` and ``warning``, or ``<*> overlap:<*>`` and
# ``<*> ret:<*>``, would be read as one statement.
_MIN_CONSTANT_WORDS = 2


def merge_siblings(templates: Sequence[tuple[str, ...]], wildcard: str) -> list[tuple[str, ...]]:
    """Return the final tokens of each template after joining sibling groups.

    ``templates`` are token tuples. A template that joins a group gets the
    group's tokens, with a wildcard at the varying position. Merging repeats
    until no group qualifies, so two varying positions are both found.
    """
    parent = list(range(len(templates)))
    tokens = [list(template) for template in templates]
    changed = True
    while changed:
        changed = False
        roots = [index for index in range(len(tokens)) if parent[index] == index]
        by_length: dict[int, list[int]] = {}
        for index in roots:
            by_length.setdefault(len(tokens[index]), []).append(index)
        for members in by_length.values():
            if len(members) < _MIN_NAMED_WORDS:
                continue
            changed |= _merge_one_pass(members, tokens, parent, wildcard)
    return [tuple(tokens[_root(parent, index)]) for index in range(len(templates))]


def _merge_one_pass(members: list[int], tokens: list[list[str]], parent: list[int], wildcard: str) -> bool:
    """Merge the qualifying sibling groups among templates of one length; return whether any merged."""
    merged = False
    for position in range(len(tokens[members[0]])):
        groups: dict[tuple[str, ...], list[int]] = {}
        for index in members:
            if parent[index] != index:
                continue
            word = tokens[index][position]
            if not is_word(word):
                continue
            key = tuple(tokens[index][:position] + tokens[index][position + 1 :])
            if sum(1 for token in key if is_word(token)) < _MIN_CONSTANT_WORDS:
                continue
            groups.setdefault(key, []).append(index)
        for group in groups.values():
            needed = MIN_SIBLING_WORDS
            if position and tokens[group[0]][position - 1].strip(":=\"'").lower() in _NAME_NOUNS:
                needed = _MIN_NAMED_WORDS
            if len({tokens[index][position] for index in group}) < needed:
                continue
            keeper = group[0]
            tokens[keeper][position] = wildcard
            for index in group[1:]:
                parent[index] = keeper
            merged = True
    return merged


def _root(parent: list[int], index: int) -> int:
    while parent[index] != index:
        index = parent[index]
    return index
