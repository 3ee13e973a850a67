"""Anomaly scores: how unusual each template is, from the input alone (no baseline needed).

Factors per template, each from 0 (ordinary) to 1 (unusual):

* ``novelty``: first appears late in the input, after a stretch without it.
* ``burst``: its busiest short window contains far more events than its
  average rate predicts. It is measured on time when at least half of the
  events carry timestamps, else on event position.
* ``rarity``: few events relative to the input.
* ``isolation``: how easily scikit-learn's IsolationForest separates it from
  the other templates on log count, novelty, burst, severity and first
  position. It is computed only with at least 32 templates, because the
  forest needs enough templates to be meaningful.

With a baseline profile (see :mod:`prodrescue.baseline`), ``novelty`` is 1
for the templates absent from the baseline and 0 for the others, and a fifth
factor, ``baseline``, carries the score of the template's verdict against
the baseline (more frequent, or unusual parameter values).

The anomaly score is their weighted mean. Severity is not part of it, because
the ranking weighs severity separately, so that an unusual INFO line and a routine
ERROR line both stay visible for what they are.
"""

from __future__ import annotations

__all__ = ["AnomalyScores", "score_templates"]

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from prodrescue.scoring.stats import TemplateStats

if TYPE_CHECKING:
    from prodrescue.baseline import BaselineComparison

_WEIGHTS = {"novelty": 0.35, "burst": 0.30, "rarity": 0.15, "isolation": 0.20, "baseline": 0.30}
_BURST_WINDOW_BUCKETS = 3
_MIN_EVENTS_FOR_BURST = 3
_MIN_TEMPLATES_FOR_ISOLATION = 32
# Novelty needs some history before a template can be called new. With fewer
# events than this, the factor is scaled down in proportion.
_EVENTS_FOR_FULL_NOVELTY = 200


@dataclass(frozen=True, slots=True)
class AnomalyScores:
    """Factor arrays indexed by template row, and the combined score."""

    novelty: NDArray[np.float64]
    burst: NDArray[np.float64]
    rarity: NDArray[np.float64]
    isolation: NDArray[np.float64] | None
    severity: NDArray[np.float64]
    score: NDArray[np.float64]
    axis: str
    baseline: NDArray[np.float64] | None = None

    def factors(self, row: int) -> dict[str, float]:
        """Return the factor values of one template, without isolation when it was not computed."""
        values = {
            "novelty": float(self.novelty[row]),
            "burst": float(self.burst[row]),
            "rarity": float(self.rarity[row]),
        }
        if self.isolation is not None:
            values["isolation"] = float(self.isolation[row])
        if self.baseline is not None:
            values["baseline"] = float(self.baseline[row])
        return values


def score_templates(stats: TemplateStats, baseline: BaselineComparison | None = None) -> AnomalyScores:
    """Compute the anomaly factors and the combined score of every template in ``stats``."""
    rows = stats.templates
    counts = np.asarray(stats.counts, dtype=np.float64)
    total = max(float(stats.events), 1.0)
    if rows == 0:
        empty = np.zeros(0)
        return AnomalyScores(empty, empty, empty, None, empty, empty, "position")

    severity = np.asarray(stats.severity_sums) / np.maximum(counts, 1.0)
    first_position = np.asarray(stats.first_ordinals, dtype=np.float64) / total
    novelty = np.clip((first_position - 0.1) / 0.5, 0.0, 1.0) * min(1.0, total / _EVENTS_FOR_FULL_NOVELTY)
    rarity = 1.0 - np.log1p(counts) / np.log1p(total)
    shift = None
    if baseline is not None:
        novelty, shift = _baseline_factors(baseline, novelty)

    use_time = stats.timestamped_events * 2 >= stats.events and stats.by_time.highest_bucket > 0
    histogram = stats.by_time if use_time else stats.by_position
    burst = _burst(histogram.matrix(rows), histogram.highest_bucket + 1, counts)

    isolation = None
    if rows >= _MIN_TEMPLATES_FOR_ISOLATION:
        features = np.column_stack([np.log1p(counts), novelty, burst, severity, first_position])
        isolation = _isolation(features)

    parts = {"novelty": novelty, "burst": burst, "rarity": rarity}
    if isolation is not None:
        parts["isolation"] = isolation
    if shift is not None:
        parts["baseline"] = shift
    weight_total = sum(_WEIGHTS[name] for name in parts)
    score = sum(_WEIGHTS[name] * values for name, values in parts.items()) / weight_total
    return AnomalyScores(
        novelty, burst, rarity, isolation, severity, score, "time" if use_time else "position", shift
    )


def _baseline_factors(
    baseline: BaselineComparison, novelty: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return novelty against the baseline and the baseline verdict scores, by row.

    Rows without a verdict (templates evicted by the cap) keep their novelty within the input.
    """
    novelty = novelty.copy()
    shift = np.zeros(len(novelty))
    for row, verdict in baseline.shifts.items():
        is_new = verdict.status == "new"
        novelty[row] = 1.0 if is_new else 0.0
        shift[row] = 0.0 if is_new else verdict.score
    return novelty, shift


def _burst(matrix: NDArray[np.int64], used_buckets: int, counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rate each template's busiest window against its mean rate as log2(ratio) / 4, clipped to 0-1.

    So 16 times the mean rate scores 1. Templates with fewer than 3 events score 0.
    """
    window = min(_BURST_WINDOW_BUCKETS, used_buckets)
    used = matrix[:, :used_buckets].astype(np.float64)
    cumulative = np.concatenate([np.zeros((used.shape[0], 1)), np.cumsum(used, axis=1)], axis=1)
    window_counts = cumulative[:, window:] - cumulative[:, :-window]
    busiest = window_counts.max(axis=1) if window_counts.shape[1] else counts
    expected = counts * window / max(used_buckets, 1)
    ratio = busiest / np.maximum(expected, 1e-9)
    burst = np.clip(np.log2(np.maximum(ratio, 1.0)) / 4.0, 0.0, 1.0)
    burst[counts < _MIN_EVENTS_FOR_BURST] = 0.0
    return burst


def _isolation(features: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return each row's IsolationForest outlier degree, rescaled to 0-1 across templates."""
    from sklearn.ensemble import IsolationForest  # imported here because the import is slow (0.5-1 s)

    forest = IsolationForest(n_estimators=100, random_state=0)
    forest.fit(features)
    raw: NDArray[np.float64] = -forest.score_samples(features)  # higher = more isolated
    low, high = float(raw.min()), float(raw.max())
    if high - low < 1e-12:
        return np.zeros(len(raw))
    return (raw - low) / (high - low)
