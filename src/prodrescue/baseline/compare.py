"""Compare the templates of an incident with a baseline profile.

Each incident template is matched to a baseline template (same text, or
the same words in the same places where neither has a placeholder) and gets
one of these verdicts:

* ``new``: absent from the baseline. Score 1.
* ``more``: at least twice its baseline share of events, and at least 3
  standard deviations above the count that share predicts (Poisson). Score
  log2(ratio) / 4, clipped to 0-1, so 16 times the baseline share scores 1.
* ``fewer``: at most half its baseline share, with at least 10 events
  expected. Score 0: a quieter template is reported, not ranked as a cause.
* ``values``: as frequent as usual, but with unusual numeric values (below).
* ``usual``: anything else. Score 0.

Numeric parameters that read as measurements are compared too, but not
numbers inside names or values that look like ids. When at least 20% of a template's
values (out of at least 5) lie above the baseline's 99th percentile, or
below its minimum, the template's verdict names them and its score is at
least that share. Baseline templates with at least 10 expected events that
the incident lacks are listed as gone.
"""

from __future__ import annotations

__all__ = ["BaselineComparison", "TemplateShift", "baseline_report", "compare_with_baseline"]

import math
import re
from dataclasses import dataclass

import numpy as np

from prodrescue.baseline.parameters import SAMPLE_SIZE, ParameterSampler
from prodrescue.baseline.profile import ParameterSpread, Profile, ProfileTemplate
from prodrescue.mining import Template
from prodrescue.model import BaselineReport, TemplateChange
from prodrescue.scoring import TemplateStats

_RATE_RATIO = 2.0
_MIN_DEVIATIONS = 3.0
_MIN_EXPECTED = 10.0
_WORD_MATCH_SHARE = 0.8
_MIN_PARAMETER_VALUES = 5
_PARAMETER_SHARE = 0.2
_MAX_GONE = 20
_PLACEHOLDER = re.compile(r"<([A-Z]+|\*)>")
# A word that is a measurement: the value alone, or after a key, with a unit or punctuation after it.
_MEASUREMENT_WORD = re.compile(r"(?:[\w.-]+[=:])?\(?<(?:NUM|DURATION)>(?:%|[a-zA-Z]{1,3})?[,;.)]*")
# Values of at least this median that are nearly all different are taken to be
# ids (order numbers, request counters), not measurements.
_MIN_ID = 1000.0
_MAX_REPORTED = 30


@dataclass(frozen=True, slots=True)
class TemplateShift:
    """The verdict on one incident template against the baseline."""

    status: str  # new, more, fewer or usual
    score: float
    detail: str
    baseline_count: int = 0
    ratio: float | None = None
    parameters: tuple[str, ...] = ()

    @property
    def unusual(self) -> bool:
        """Whether the template is new, more frequent, or has unusual parameter values."""
        return self.score > 0.0


@dataclass(frozen=True, slots=True)
class BaselineComparison:
    """Verdicts per template row of the incident statistics, and the baseline templates gone."""

    name: str
    shifts: dict[int, TemplateShift]
    gone: tuple[tuple[ProfileTemplate, float], ...]
    baseline_events: int
    baseline_templates: int


def compare_with_baseline(
    stats: TemplateStats,
    templates: dict[int, Template],
    parameters: ParameterSampler,
    profile: Profile,
    name: str = "baseline",
) -> BaselineComparison:
    """Return the verdict on every template row of ``stats``.

    ``parameters`` contains the incident's numeric values grouped by row.
    """
    index = _TemplateIndex(profile.templates)
    events = max(stats.events, 1)
    baseline_events = max(profile.events, 1)
    shifts: dict[int, TemplateShift] = {}
    matched: set[int] = set()
    for row in range(stats.templates):
        template = templates.get(stats.cluster_of_row[row])
        if template is None:
            continue
        found = index.find(template.text)
        if found is None:
            shifts[row] = TemplateShift("new", 1.0, f"not in the baseline of {profile.events:,} events")
            continue
        position, known = found
        matched.add(position)
        shift = _rate_shift(stats.counts[row], events, known, baseline_events)
        notes = _parameter_notes(parameters, row, known)
        if notes:
            share = max(value for value, _ in notes)
            shift = TemplateShift(
                shift.status if shift.status != "usual" else "values",
                max(shift.score, share),
                "; ".join([shift.detail, *(text for _, text in notes)]),
                shift.baseline_count,
                shift.ratio,
                tuple(text for _, text in notes),
            )
        shifts[row] = shift

    gone = []
    for position, known in enumerate(profile.templates):
        expected = known.count / baseline_events * events
        if position not in matched and expected >= _MIN_EXPECTED:
            gone.append((known, expected))
    gone.sort(key=lambda item: -item[1])
    return BaselineComparison(name, shifts, tuple(gone[:_MAX_GONE]), profile.events, len(profile.templates))


def baseline_report(
    comparison: BaselineComparison, stats: TemplateStats, templates: dict[int, Template]
) -> BaselineReport:
    """Summarise a comparison for the diagnosis: changed templates, most unusual first, then gone ones."""
    events = max(stats.events, 1)
    baseline_events = max(comparison.baseline_events, 1)
    changes = []
    for row, shift in comparison.shifts.items():
        if shift.status == "usual":
            continue
        template = templates.get(stats.cluster_of_row[row])
        text = template.text if template is not None else stats.first_events[row][2]
        expected = shift.baseline_count / baseline_events * events
        changes.append(
            TemplateChange(
                text, shift.status, stats.counts[row], round(expected, 2), round(shift.score, 3), shift.detail
            )
        )
    changes.sort(key=lambda change: (-change.score, -change.count, change.template))
    gone = [
        TemplateChange(
            known.text,
            "gone",
            0,
            round(expected, 2),
            0.0,
            f"absent, although the baseline share predicts {expected:.0f} events "
            f"({known.count:,} in the baseline)",
        )
        for known, expected in comparison.gone
    ]
    return BaselineReport(
        comparison.name,
        comparison.baseline_events,
        comparison.baseline_templates,
        tuple(changes[:_MAX_REPORTED] + gone),
    )


def _rate_shift(count: int, events: int, known: ProfileTemplate, baseline_events: int) -> TemplateShift:
    """Compare a template's share of the incident's events with its share of the baseline's."""
    share = known.count / baseline_events
    expected = share * events
    ratio = (count / events) / share if share > 0 else math.inf
    deviations = (count - expected) / math.sqrt(expected + 1.0)
    per_thousand = f"{count / events * 1000:.3g} vs {share * 1000:.3g} per 1,000 events"
    if ratio >= _RATE_RATIO and deviations >= _MIN_DEVIATIONS:
        score = min(1.0, math.log2(ratio) / 4.0)
        return TemplateShift(
            "more", score, f"{ratio:.1f}x its baseline rate ({per_thousand})", known.count, ratio
        )
    if ratio <= 1.0 / _RATE_RATIO and expected >= _MIN_EXPECTED and deviations <= -_MIN_DEVIATIONS:
        return TemplateShift(
            "fewer", 0.0, f"{ratio:.2f}x its baseline rate ({per_thousand})", known.count, ratio
        )
    return TemplateShift("usual", 0.0, f"as frequent as in the baseline ({per_thousand})", known.count, ratio)


def _parameter_notes(
    parameters: ParameterSampler, row: int, known: ProfileTemplate
) -> list[tuple[float, str]]:
    """Return the share of unusual values and a sentence for each measured value of a template."""
    measured = _measurement_positions(known.text)
    notes = []
    for spread in known.parameters:
        if spread.index not in measured or _looks_like_ids(spread):
            continue
        note = _parameter_note(parameters.values(row, spread.index), spread)
        if note is not None:
            notes.append(note)
    return notes


def _measurement_positions(template: str) -> set[int]:
    """Return the positions, among a template's masked values, of those that read as measurements.

    A number or duration that is a word of its own (``took <NUM> ms``,
    ``latency=<DURATION>``) is a measurement. One inside a name (``db-<NUM>``,
    ``v<NUM>``) is part of an identifier, whose values tell nothing about
    health. When the miner turned a word with a masked value into ``<*>``,
    positions cannot be told apart, and none is returned.
    """
    positions = set()
    index = 0
    for word in template.split():
        for placeholder in _PLACEHOLDER.finditer(word):
            if placeholder.group(1) == "*":
                continue
            if placeholder.group(1) in ("NUM", "DURATION") and _MEASUREMENT_WORD.fullmatch(word):
                positions.add(index)
            index += 1
    return positions


def _looks_like_ids(spread: ParameterSpread) -> bool:
    """Return whether baseline values look like ids: large whole numbers that hardly repeat."""
    sampled = min(spread.count, SAMPLE_SIZE)
    whole = spread.minimum.is_integer() and spread.maximum.is_integer()
    return whole and spread.p50 >= _MIN_ID and spread.distinct >= 0.9 * sampled


def _parameter_note(values: object, spread: ParameterSpread) -> tuple[float, str] | None:
    """Return the share of unusual values at one parameter position and a sentence, or None."""
    if values is None:
        return None
    sample = np.asarray(values, dtype=np.float64)
    if len(sample) < _MIN_PARAMETER_VALUES:
        return None
    above = float(np.mean(sample > spread.p99))
    below = float(np.mean(sample < spread.minimum))
    median = float(np.median(sample))
    label = f"value {spread.index + 1} ({spread.kind.lower()})"
    if above >= _PARAMETER_SHARE and above >= below:
        return above, (
            f"{label} above the baseline p99 of {spread.p99:g} in {above:.0%} of events "
            f"(median {median:g}, baseline median {spread.p50:g})"
        )
    if below >= _PARAMETER_SHARE:
        return below, (
            f"{label} below the baseline minimum of {spread.minimum:g} in {below:.0%} of events "
            f"(median {median:g}, baseline median {spread.p50:g})"
        )
    return None


class _TemplateIndex:
    """Baseline templates by text, and by word count for the near matches."""

    def __init__(self, templates: tuple[ProfileTemplate, ...]) -> None:
        self._templates = templates
        self._by_text = {template.text: position for position, template in enumerate(templates)}
        self._by_shape: dict[tuple[int, str], list[tuple[int, list[str]]]] = {}
        for position, template in enumerate(templates):
            words = template.text.split()
            self._by_shape.setdefault(_shape(words), []).append((position, words))

    def find(self, text: str) -> tuple[int, ProfileTemplate] | None:
        """Return the position and template that ``text`` matches, or None.

        A near match must have as many words and the same first word.
        """
        position = self._by_text.get(text)
        if position is not None:
            return position, self._templates[position]
        words = text.split()
        best: tuple[float, int] | None = None
        for candidate, candidate_words in self._by_shape.get(_shape(words), ()):
            share = _word_match_share(words, candidate_words)
            if share >= _WORD_MATCH_SHARE and (best is None or share > best[0]):
                best = (share, candidate)
        return None if best is None else (best[1], self._templates[best[1]])


def _word_match_share(left: list[str], right: list[str]) -> float:
    """Return the share of equal words among the places where neither template has a placeholder."""
    compared = equal = 0
    for one, other in zip(left, right, strict=True):
        if _is_placeholder(one) or _is_placeholder(other):
            continue
        compared += 1
        equal += one == other
    return equal / compared if compared else 0.0


def _shape(words: list[str]) -> tuple[int, str]:
    return len(words), words[0] if words else ""


def _is_placeholder(word: str) -> bool:
    return "<" in word and ">" in word
