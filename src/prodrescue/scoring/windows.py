"""Find the first time window whose mix of templates departs from normal.

Each window of the input (a bucket of the template histogram: a stretch of
time, or of event positions when timestamps are missing) is a vector of
template counts. The vectors are weighted by TF-IDF, so that templates
present in every window count little, and a PCA model is fit
on the half of the windows nearest to the median window. Its main
components describe normal traffic, and a window's residual, the squared
distance from its vector to the PCA subspace, measures what normal traffic
does not explain. The PCA is computed with numpy's SVD, the same computation
as scikit-learn's full-solver PCA, without scikit-learn's import time. This is the
PCA method of Xu et al. (SOSP 2009) that the loglizer toolkit lists
(github.com/logpai/loglizer), on count vectors per window.

A window is unusual when its residual exceeds the median residual by more
than 3 scaled median absolute deviations (and is clearly above zero). The first
unusual window that follows a usual one departs from normal, and marks the
onset of the incident on the timeline. The threshold is a robust outlier
rule, not a fitted significance level.
"""

from __future__ import annotations

__all__ = ["Departure", "departure_threshold", "find_departure", "principal_components", "window_residuals"]

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from prodrescue.scoring.stats import TemplateStats

_MIN_WINDOWS = 8
_MIN_TEMPLATES = 2
_EXPLAINED_VARIANCE = 0.95
_MAD_SCALE = 1.4826  # makes the median absolute deviation estimate a normal distribution's sigma
_DEVIATIONS = 3.0
# Templates given to the model at most: those whose busiest window is furthest
# above their mean. It bounds the cost of the model when the input has tens of
# thousands of templates.
_MAX_TEMPLATES = 2_000


@dataclass(frozen=True, slots=True)
class Departure:
    """The first window that departs from normal, and the figures behind the verdict.

    ``start`` and ``end`` bound the window on the axis: seconds since the
    epoch on the ``time`` axis, event ordinals on the ``position`` axis.
    ``row`` is the template that contributes most to the window's residual.
    """

    window: int
    windows: int
    start: float
    end: float
    axis: str
    residual: float
    threshold: float
    row: int


def window_residuals(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the PCA residual of each window of ``counts`` (windows x templates).

    Templates are weighted by their inverse document frequency over the
    windows. The model is fit on the half of the windows nearest to the
    median window, so that unusual windows do not shape what counts as
    normal, and keeps the components that explain 95% of their variance.
    """
    windows = counts.shape[0]
    present = np.count_nonzero(counts, axis=0)
    idf = np.log(windows / np.maximum(present, 1))
    weighted = counts * idf
    distance = np.linalg.norm(weighted - np.median(weighted, axis=0), axis=1)
    normal = weighted[distance <= np.median(distance)]
    mean = normal.mean(axis=0)
    centred = weighted - mean
    components = principal_components(normal - mean)
    residual: NDArray[np.float64] = np.sum((centred - centred @ components.T @ components) ** 2, axis=1)
    return residual


def principal_components(centred: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the principal axes (rows) of centred data that explain 95% of its variance.

    This is what scikit-learn's ``PCA(n_components=0.95, svd_solver="full")``
    computes (its ``components_``). It is done with numpy's SVD here because
    importing scikit-learn takes about 0.7 s, more than a short diagnosis.
    """
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2
    total = float(variance.sum())
    if total <= 0.0:
        return np.zeros((0, centred.shape[1]))
    component_count = int(np.searchsorted(np.cumsum(variance) / total, _EXPLAINED_VARIANCE, side="right")) + 1
    result: NDArray[np.float64] = axes[: min(component_count, len(axes))]
    return result


def departure_threshold(residuals: NDArray[np.float64]) -> float:
    """Return the residual above which a window departs from normal."""
    median = float(np.median(residuals))
    spread = _MAD_SCALE * float(np.median(np.abs(residuals - median)))
    return median + _DEVIATIONS * spread


def find_departure(stats: TemplateStats, axis: str) -> Departure | None:
    """Return the first window of the input that departs from normal, or None.

    ``axis`` is ``time`` or ``position``, as the anomaly scores chose. None
    when there are fewer than 8 windows or 2 templates, or no window is unusual.
    """
    histogram = stats.by_time if axis == "time" else stats.by_position
    windows = histogram.highest_bucket + 1
    if windows < _MIN_WINDOWS or stats.templates < _MIN_TEMPLATES or histogram.origin is None:
        return None
    counts = histogram.matrix(stats.templates)[:, :windows].T.astype(np.float64)
    columns = np.arange(counts.shape[1])
    if len(columns) > _MAX_TEMPLATES:
        columns = np.sort(np.argsort(-_standout(counts))[:_MAX_TEMPLATES])
        counts = counts[:, columns]
    residuals = window_residuals(counts)
    threshold = departure_threshold(residuals)
    # A departure needs a normal window before it. So a leading stretch of
    # unusual windows (start-up lines, or traffic before a restart) is skipped.
    # Residuals this small are rounding noise of windows that the model explains.
    noise = 1e-9 * max(float(residuals.max()), 1.0)
    threshold = max(threshold, noise)
    unusual = residuals > threshold
    above = np.flatnonzero(unusual[1:] & ~unusual[:-1]) + 1
    if len(above) == 0:
        return None
    window = int(above[0])
    start = histogram.origin + window * histogram.width
    return Departure(
        window=window,
        windows=windows,
        start=start,
        end=start + histogram.width,
        axis=axis,
        residual=float(residuals[window]),
        threshold=threshold,
        row=int(columns[np.argmax(_standout(counts[[window]], counts))]),
    )


def _standout(rows: NDArray[np.float64], reference: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Return, per template, how far its largest count in ``rows`` lies above its mean, in spreads.

    Mean and spread come from ``reference`` (all windows), or from ``rows`` when None.
    """
    reference = rows if reference is None else reference
    mean = reference.mean(axis=0)
    spread = reference.std(axis=0) + 1.0
    result: NDArray[np.float64] = ((rows - mean) / spread).max(axis=0)
    return result
