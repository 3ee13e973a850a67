"""The window model: the first window whose mix of templates departs from normal."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np

import prodrescue
from prodrescue.model import TimelineKind
from prodrescue.scoring.windows import departure_threshold, principal_components, window_residuals

START = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
ROUTINE = (
    "INFO [api] GET /orders/{n} completed in {n} ms",
    "INFO [worker] job {n} done after {n} retries",
    "INFO [cache] refreshed {n} keys",
)


def traffic(minutes: int, seed: int, incident_from: int | None = None) -> list[str]:
    """Return 20 routine lines a minute; from minute ``incident_from`` on, a third of them are timeouts."""
    chooser = random.Random(seed)
    lines = []
    for minute in range(minutes):
        for second in range(0, 60, 3):
            stamp = (START + timedelta(minutes=minute, seconds=second)).strftime("%Y-%m-%d %H:%M:%S")
            template = chooser.choice(ROUTINE)
            if incident_from is not None and minute >= incident_from and second % 9 == 0:
                template = "WARN [api] upstream inventory answered slowly after {n} ms"
            lines.append(f"{stamp} {template.format(n=chooser.randrange(1, 999))}")
    return lines


def departures(lines: list[str]) -> list[prodrescue.TimelineEntry]:
    timeline = prodrescue.diagnose(lines).timeline
    return [entry for entry in timeline if entry.kind is TimelineKind.DEPARTURE]


def test_steady_traffic_has_no_departure() -> None:
    assert departures(traffic(60, seed=1)) == []


def test_departure_found_at_change() -> None:
    (entry,) = departures(traffic(60, seed=2, incident_from=45))
    assert entry.timestamp is not None
    assert START + timedelta(minutes=43) <= entry.timestamp <= START + timedelta(minutes=45)
    assert "upstream inventory answered slowly" in entry.text
    assert "departs from normal" in entry.text


def test_leading_unusual_windows_skipped() -> None:
    start_up = [f"2024-05-01 09:59:{second:02d} INFO [boot] loading module {second}" for second in range(40)]
    (entry,) = departures(start_up + traffic(60, seed=3, incident_from=45))
    assert entry.timestamp is not None
    assert entry.timestamp >= START + timedelta(minutes=40)


def test_outlier_window_has_largest_residual() -> None:
    counts = np.tile(np.array([[20.0, 10.0, 5.0]]), (30, 1)) + np.random.default_rng(0).integers(
        0, 3, (30, 3)
    )
    counts = np.hstack([counts, np.zeros((30, 1))])
    counts[17, 3] = 12.0
    residuals = window_residuals(counts)
    assert int(np.argmax(residuals)) == 17
    assert residuals[17] > departure_threshold(residuals)


def test_components_match_scikit_learn_pca() -> None:
    from sklearn.decomposition import PCA

    data = np.random.default_rng(1).poisson(4.0, (40, 12)).astype(np.float64)
    data[:, 3] *= 5.0
    centred = data - data.mean(axis=0)
    ours = principal_components(centred)
    theirs = PCA(n_components=0.95, svd_solver="full").fit(data).components_
    assert ours.shape == theirs.shape
    # Axes are defined up to their sign, so compare the projections they make.
    np.testing.assert_allclose(ours.T @ ours, theirs.T @ theirs, atol=1e-9)
