"""Describe where a parse differs from the ground truth, for someone who improves the miner.

Two lists, largest ground-truth group first:

1. groups that the parse split (their lines got several templates, or some
   got none) or merged (their template also contains lines of other groups).
   Each part of the group shows its template, the size of that template's
   whole group, the other ground-truth groups inside it, and an example line;
2. groups that the parse grouped exactly but templated differently, with
   both templates before and after normalisation and an example line.

Line numbers in the output are 1-based, as in the log file.
"""

from __future__ import annotations

from collections.abc import Sequence

from template_metrics import GroupError, TemplateNormaliser, grouping_errors, groups_of

# Characters of an example line shown.
_EXAMPLE_CHARS = 240
_OTHER_GROUPS_SHOWN = 3


def format_errors(
    lines: Sequence[str],
    *,
    truth_ids: Sequence[str],
    truth_templates: Sequence[str],
    keys: Sequence[str | None],
    templates: Sequence[str | None],
    normaliser: TemplateNormaliser,
    limit: int,
) -> str:
    """Describe the ``limit`` largest grouping errors and template-text errors of one parse.

    ``lines`` are the lines that the parse read (raw lines or messages), one
    per ground-truth row.
    """
    truth_of = dict(zip(truth_ids, truth_templates, strict=True))
    first_line: dict[tuple[str, str | None], int] = {}
    for index, pair in enumerate(zip(truth_ids, keys, strict=True)):
        first_line.setdefault(pair, index)
    errors = grouping_errors(truth_ids, keys)
    wrong_lines = sum(len(error.lines) for error in errors)
    out = [
        f"Ground-truth groups split or merged: {_count(len(errors), 'group')} with "
        f"{_count(wrong_lines, 'line')}; the {min(limit, len(errors))} largest:"
    ]
    for error in errors[:limit]:
        out.append("")
        out.extend(
            _grouping_error(
                error,
                lines,
                truth_of=truth_of,
                first_line=first_line,
                templates=templates,
                normaliser=normaliser,
            )
        )

    mismatches = _template_mismatches(truth_ids, truth_templates, keys, templates, normaliser)
    mismatched_lines = sum(len(members) for members in mismatches)
    out.append("")
    out.append(
        f"Groups found exactly but templated differently: {_count(len(mismatches), 'group')} with "
        f"{_count(mismatched_lines, 'line')}; the {min(limit, len(mismatches))} largest:"
    )
    for members in mismatches[:limit]:
        first = members[0]
        predicted = templates[first] or ""
        out.append("")
        out.append(f"{truth_ids[first]}  {_count(len(members), 'line')}")
        out.append(f"  truth:                  {truth_templates[first]}")
        out.append(f"  prodrescue:             {predicted}")
        out.append(f"  truth, normalised:      {normaliser.normalise(truth_templates[first])}")
        out.append(f"  prodrescue, normalised: {normaliser.normalise(predicted)}")
        out.append(_example(first, lines))
    return "\n".join(out)


def _grouping_error(
    error: GroupError,
    lines: Sequence[str],
    *,
    truth_of: dict[str, str],
    first_line: dict[tuple[str, str | None], int],
    templates: Sequence[str | None],
    normaliser: TemplateNormaliser,
) -> list[str]:
    kinds = " and ".join(name for name, found in (("split", error.split), ("merged", error.merged)) if found)
    truth = truth_of[error.truth_id]
    out = [f"{error.truth_id}  {_count(len(error.lines), 'line')}, {kinds}  truth: {truth}"]
    for share in error.shares:
        if share.key is None:
            missing = _count(len(share.lines), "line")
            out.append(f"  - {missing} got no template (folded into the event above them, or blank)")
            out.append(_example(share.lines[0], lines, indent=6))
            continue
        predicted = templates[share.lines[0]] or ""
        verdict = "matches" if normaliser.normalise(predicted) == normaliser.normalise(truth) else "differs"
        share_size = _count(len(share.lines), "line")
        group_size = _count(share.predicted_group_size, "line")
        out.append(
            f"  - {share_size} -> {share.key} (its group: {group_size}; text {verdict} after normalisation): "
            f"{predicted}"
        )
        out.append(_example(share.lines[0], lines, indent=6))
        for other_id, count in share.others[:_OTHER_GROUPS_SHOWN]:
            out.append(f"      also {_count(count, 'line')} of {other_id}: {truth_of[other_id]}")
            out.append(_example(first_line[(other_id, share.key)], lines, indent=8))
        hidden = len(share.others) - _OTHER_GROUPS_SHOWN
        if hidden > 0:
            out.append(f"      and lines of {_count(hidden, 'more ground-truth group')}")
    return out


def _template_mismatches(
    truth_ids: Sequence[str],
    truth_templates: Sequence[str],
    keys: Sequence[str | None],
    templates: Sequence[str | None],
    normaliser: TemplateNormaliser,
) -> list[list[int]]:
    """Return the exactly found groups whose normalised templates differ, largest first."""
    truth_groups = groups_of(truth_ids)
    mismatches = []
    for members in groups_of(keys).values():
        first = members[0]
        if truth_groups[truth_ids[first]] != members:
            continue
        predicted = templates[first] or ""
        if normaliser.normalise(predicted) != normaliser.normalise(truth_templates[first]):
            mismatches.append(members)
    mismatches.sort(key=lambda members: (-len(members), members[0]))
    return mismatches


def _example(index: int, lines: Sequence[str], indent: int = 2) -> str:
    text = lines[index]
    if len(text) > _EXAMPLE_CHARS:
        text = text[:_EXAMPLE_CHARS] + " …"
    return f"{' ' * indent}line {index + 1}: {text}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
