"""Template statistics, the adaptive histogram and the anomaly factors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from prodrescue.ingest.records import Event
from prodrescue.levels import Level
from prodrescue.scoring import TemplateStats, score_templates
from prodrescue.scoring.histogram import AdaptiveHistogram


def test_histogram_widens_and_keeps_totals() -> None:
    histogram = AdaptiveHistogram(buckets=8, initial_width=1.0)
    for value in range(100):
        histogram.add(value % 3, float(value))
    matrix = histogram.matrix(3)
    assert histogram.width == 16.0
    assert matrix.shape == (3, 8)
    assert int(matrix.sum()) == 100
    assert matrix.sum(axis=1).tolist() == [34, 33, 33]


def test_histogram_rejects_odd_bucket_count() -> None:
    with pytest.raises(ValueError, match="even number"):
        AdaptiveHistogram(buckets=7)


def test_histogram_clamps_values_before_origin() -> None:
    histogram = AdaptiveHistogram(buckets=4)
    histogram.add(0, 10.0)
    histogram.add(0, 3.0)
    assert histogram.matrix(1)[0, 0] == 2


def make_stats(pattern: list[tuple[int, Level | None]]) -> TemplateStats:
    """One event per (cluster, level) item, one second apart."""
    stats = TemplateStats()
    start = datetime(2024, 3, 13, tzinfo=timezone.utc)
    for ordinal, (cluster, level) in enumerate(pattern):
        event = Event("app.log", ordinal + 1, ordinal + 1, f"message {cluster}", [f"line {cluster}"],
                      timestamp=start + timedelta(seconds=ordinal), level=level, ordinal=ordinal,
                      cluster_id=cluster)
        stats.add(event)
    return stats


def test_late_burst_scores_above_steady_noise() -> None:
    steady = [(1, Level.INFO)] * 400
    burst = [(2, Level.ERROR)] * 30
    stats = make_stats(steady + burst + [(1, Level.INFO)] * 20)
    scores = score_templates(stats)
    noise_row, burst_row = stats.row_of[1], stats.row_of[2]
    assert scores.novelty[burst_row] > 0.9
    assert scores.burst[burst_row] > 0.5
    assert scores.burst[noise_row] < 0.1
    assert scores.score[burst_row] > scores.score[noise_row] + 0.3
    assert scores.severity[burst_row] == pytest.approx(0.8)
    assert scores.axis == "time"


def test_isolation_only_with_many_templates() -> None:
    few = score_templates(make_stats([(cluster, Level.INFO) for cluster in range(10)]))
    many = score_templates(make_stats([(cluster % 40, Level.INFO) for cluster in range(400)]))
    assert few.isolation is None
    assert many.isolation is not None
    assert np.all((many.isolation >= 0) & (many.isolation <= 1))


def test_scores_stay_in_unit_range() -> None:
    stats = make_stats([(cluster % 7, Level.WARNING if cluster % 5 == 0 else None) for cluster in range(300)])
    scores = score_templates(stats)
    for name in ("novelty", "burst", "rarity", "severity", "score"):
        values = getattr(scores, name)
        assert np.all((values >= 0) & (values <= 1)), name


def test_regrouped_sums_clusters_of_one_template() -> None:
    pattern = [(1, Level.INFO)] * 5 + [(2, Level.ERROR)] * 2 + [(3, Level.ERROR)] * 4 + [(1, Level.INFO)]
    stats = make_stats(pattern)
    grouped = stats.regrouped(lambda cluster: "same" if cluster in (2, 3) else f"own-{cluster}")
    assert grouped.templates == 2
    assert grouped.row_of == {1: 0, 2: 1, 3: 1}
    assert grouped.counts == [6, 6]
    assert grouped.error_counts == [0, 6]
    assert grouped.first_ordinals == [0, 5]
    assert grouped.last_ordinals == [11, 10]
    assert grouped.first_events[1] == ("app.log", 6, "line 2")
    assert [event.ordinal for event in grouped.samples[1]] == [5, 6, 7]
    assert grouped.by_position.matrix(2).sum(axis=1).tolist() == [6, 6]
    assert grouped.by_time.matrix(2).sum(axis=1).tolist() == [6, 6]
    assert grouped.events == stats.events


def test_regrouped_template_is_not_new() -> None:
    # Cluster 3 appears only at the end, but it is the same template as cluster 2.
    pattern = [(2, Level.ERROR)] * 20 + [(1, Level.INFO)] * 300 + [(3, Level.ERROR)] * 20
    stats = make_stats(pattern)
    apart = score_templates(stats)
    together = score_templates(stats.regrouped(lambda cluster: "same" if cluster in (2, 3) else "other"))
    assert apart.novelty[stats.row_of[3]] > 0.9
    assert together.novelty[0] < 0.5
