"""Score log parsing against ground truth: grouping accuracy, parsing accuracy and FGA.

A parse assigns each log line a group key (a template id) and a template
text, or nothing when the parser made no event of the line. Lines are
numbered from 0 here; the ground truth lists one event id and one template
per line.

- GA, grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log
  Parsing", ICSE 2019): the share of lines whose predicted group, the set of
  lines with the same predicted key, is exactly their ground-truth group, the
  set of lines with the same event id.
- PA, parsing accuracy: the share of lines whose predicted template equals
  the ground-truth template after both pass through :func:`normalise_template`.
- FGA, F1 of grouping accuracy: a predicted group is correct when it is
  exactly a ground-truth group. Precision is correct groups / predicted groups
  and recall is correct groups / ground-truth groups.

A line without a prediction is wrong for GA and PA and belongs to no
predicted group, so the ground-truth group that contains it cannot be found.

:func:`normalise_template` first turns prodrescue's typed placeholders
(``<NUM>``, ``<IP>``, ...) into ``<*>``, then applies the eight token rules
that Khan et al. used to correct the Loghub-2k ground truth ("Guidelines for
Assessing the Accuracy of Log Message Template Identification Techniques",
ICSE 2022; function ``correct_single_template`` in their replication package
TA-Eval-Rep, University of Luxembourg, 2022). The rules are re-implemented
here. Loghub-2.0 (logpai/loghub-2.0, ``benchmark/evaluation/utils/post_process.py``)
corrects parser output before scoring with a variant of the same function,
without rules PS, BL and US and with a few more merges of adjacent ``<*>``.
Both sides of every comparison are normalised the same way, so the
normalisation cannot favour one parser. On the corrected Loghub-2k ground
truth it changes 21 of 32,000 lines (1 in Hadoop, 20 in Mac), where a
``<*>`` sits inside a longer token.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

WILDCARD = "<*>"

# Delimiters of the path rule (PS): whitespace and punctuation that cannot be
# part of a path. The other rules also split at . - + @ # $ % &.
_PATH_DELIMITERS = re.compile(r"""(\s|[,!;:=|"'\[\](){}])""")
_TOKEN_DELIMITERS = re.compile(r"""(\s|[,!;:=|"'\[\](){}.\-+@#$%&])""")
_PATH = re.compile(r"(?:/[^/]+)+")
_DIGITS = re.compile(r"\d+")
# A token that contains a wildcard and no slash or space becomes a wildcard (WV).
_WORD_WITH_WILDCARD = re.compile(r"[^\s/]*<\*>[^\s/]*")
# Booleans (BL) and the user strings that Khan et al. treated as variables (US).
_VARIABLE_WORDS = frozenset({"true", "false", "null", "root", "admin"})


def typed_placeholder_pattern(placeholders: Iterable[str]) -> re.Pattern[str]:
    """Compile a pattern that finds any of the given placeholders (``<NUM>``, ``<IP>``, ...)."""
    names = sorted(placeholders, key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in names))


def correct_template(template: str) -> str:
    """Apply Khan et al.'s eight correction rules to a template with ``<*>`` wildcards.

    In order: DS collapses runs of whitespace. PS makes an absolute path a
    wildcard. Then, token by token (split at the delimiters above), BL and US
    make ``true``, ``false``, ``null``, ``root`` and ``admin`` wildcards
    (any case), DG makes a number a wildcard, and WV makes a token that
    contains a wildcard one wildcard. Last, DV merges ``<*>.<*>`` and CV
    merges ``<*><*>`` until neither is left.
    """
    text = re.sub(r"\s+", " ", template.strip())
    text = "".join(WILDCARD if _PATH.fullmatch(part) else part for part in _PATH_DELIMITERS.split(text))

    tokens = []
    for token in _TOKEN_DELIMITERS.split(text):
        variable = (
            token.lower() in _VARIABLE_WORDS
            or _DIGITS.fullmatch(token) is not None
            or _WORD_WITH_WILDCARD.fullmatch(token) is not None
        )
        tokens.append(WILDCARD if variable else token)
    text = "".join(tokens)

    while "<*>.<*>" in text:
        text = text.replace("<*>.<*>", WILDCARD)
    while "<*><*>" in text:
        text = text.replace("<*><*>", WILDCARD)
    return text


class TemplateNormaliser:
    """Normaliser that maps typed placeholders to ``<*>`` and then corrects the template.

    Results are cached, because a template is compared once per line.
    """

    def __init__(self, placeholders: Iterable[str]) -> None:
        self._typed = typed_placeholder_pattern(placeholders)
        self.normalise = lru_cache(maxsize=None)(self._normalise)

    def _normalise(self, template: str) -> str:
        return correct_template(self._typed.sub(WILDCARD, template))


@dataclass(frozen=True)
class Scores:
    """GA, PA and FGA of one parse, each between 0 and 1 (higher is better)."""

    grouping_accuracy: float
    parsing_accuracy: float
    fga: float
    predicted_groups: int
    truth_groups: int
    unpredicted_lines: int


def score_parse(
    truth_ids: Sequence[str],
    truth_templates: Sequence[str],
    predicted_keys: Sequence[str | None],
    predicted_templates: Sequence[str | None],
    normalise: TemplateNormaliser,
) -> Scores:
    """Score one parse. All four sequences have one item per line; None marks a line without a prediction."""
    lines = len(truth_ids)
    if not lines == len(truth_templates) == len(predicted_keys) == len(predicted_templates):
        raise ValueError(
            f"every sequence needs one item per line: {lines} event ids, {len(truth_templates)} "
            f"templates, {len(predicted_keys)} keys, {len(predicted_templates)} predicted templates"
        )
    truth_groups = groups_of(truth_ids)
    predicted_groups = groups_of(predicted_keys)

    exact_groups = 0
    grouped_lines = 0
    for members in predicted_groups.values():
        if truth_groups[truth_ids[members[0]]] == members:
            exact_groups += 1
            grouped_lines += len(members)

    parsed_lines = 0
    for truth, predicted in zip(truth_templates, predicted_templates, strict=True):
        if predicted is not None and normalise.normalise(predicted) == normalise.normalise(truth):
            parsed_lines += 1

    precision = exact_groups / len(predicted_groups) if predicted_groups else 0.0
    recall = exact_groups / len(truth_groups) if truth_groups else 0.0
    fga = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Scores(
        grouping_accuracy=grouped_lines / lines if lines else 0.0,
        parsing_accuracy=parsed_lines / lines if lines else 0.0,
        fga=fga,
        predicted_groups=len(predicted_groups),
        truth_groups=len(truth_groups),
        unpredicted_lines=sum(1 for key in predicted_keys if key is None),
    )


def groups_of(keys: Sequence[str | None]) -> dict[str, list[int]]:
    """Map each key to the ascending line indices that carry it; None keys form no group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key is not None:
            groups[key].append(index)
    return dict(groups)


@dataclass(frozen=True)
class GroupShare:
    """The lines of one ground-truth group that share one predicted key (None: no prediction)."""

    key: str | None
    lines: list[int]
    predicted_group_size: int
    others: list[tuple[str, int]]  # other ground-truth ids in that predicted group, with line counts


@dataclass(frozen=True)
class GroupError:
    """A ground-truth group that the parse split, merged with other groups, or both."""

    truth_id: str
    lines: list[int]
    shares: list[GroupShare]

    @property
    def split(self) -> bool:
        return len(self.shares) > 1

    @property
    def merged(self) -> bool:
        return any(share.others for share in self.shares)


def grouping_errors(truth_ids: Sequence[str], predicted_keys: Sequence[str | None]) -> list[GroupError]:
    """List every ground-truth group whose lines are not exactly one predicted group, largest first."""
    truth_groups = groups_of(truth_ids)
    predicted_groups = groups_of(predicted_keys)
    errors = []
    for truth_id, members in truth_groups.items():
        by_key: dict[str | None, list[int]] = defaultdict(list)
        for index in members:
            by_key[predicted_keys[index]].append(index)
        if len(by_key) == 1:
            key = next(iter(by_key))
            if key is not None and predicted_groups[key] == members:
                continue
        shares = []
        for key, lines in sorted(by_key.items(), key=lambda item: -len(item[1])):
            if key is None:
                shares.append(GroupShare(None, lines, 0, []))
                continue
            others = Counter(
                truth_ids[index] for index in predicted_groups[key] if truth_ids[index] != truth_id
            )
            shares.append(GroupShare(key, lines, len(predicted_groups[key]), others.most_common()))
        errors.append(GroupError(truth_id, members, shares))
    errors.sort(key=lambda error: (-len(error.lines), error.lines[0]))
    return errors
