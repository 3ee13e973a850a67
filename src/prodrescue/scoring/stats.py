"""Template statistics collected while events stream through.

For each Drain3 cluster: how many events, how severe, where it first and
last appeared, its histogram over the input, an example line, and for
error-level templates a few sample events to show as evidence. All of it is
per cluster, and the number of rows is capped: clusters created after the
cap share one overflow row, so memory stays bounded even when Drain3 keeps
evicting and creating clusters on an input with millions of distinct lines.
"""

from __future__ import annotations

__all__ = ["MAX_ROWS", "OVERFLOW_CLUSTER", "TemplateStats"]

from collections.abc import Callable
from dataclasses import dataclass, field

from prodrescue.ingest.records import Event
from prodrescue.levels import Level
from prodrescue.scoring.histogram import AdaptiveHistogram

# Weight of one event of each level in a template's severity, the mean weight of its events (0-1).
LEVEL_WEIGHTS = {
    Level.WARNING: 0.35,
    Level.ERROR: 0.8,
    Level.CRITICAL: 1.0,
    Level.FATAL: 1.0,
}
_SAMPLE_TEMPLATES = 5000  # maximum number of error templates that keep sample events
_SAMPLES_PER_TEMPLATE = 3
_EXAMPLE_CHARS = 500
# Rows kept at most: twice the miner's default template cap, so that evicted
# clusters keep their rows for a while before new ones start to share one.
MAX_ROWS = 100_000
OVERFLOW_CLUSTER = -2


@dataclass(slots=True)
class TemplateStats:
    """Counters per Drain3 cluster, in rows of parallel lists.

    Past ``max_rows`` rows, new clusters are counted in one shared row whose
    cluster number is ``OVERFLOW_CLUSTER``.
    """

    max_rows: int = MAX_ROWS
    row_of: dict[int, int] = field(default_factory=dict)
    cluster_of_row: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    severity_sums: list[float] = field(default_factory=list)
    error_counts: list[int] = field(default_factory=list)
    first_ordinals: list[int] = field(default_factory=list)
    last_ordinals: list[int] = field(default_factory=list)
    first_events: list[tuple[str, int, str]] = field(default_factory=list)
    samples: dict[int, list[Event]] = field(default_factory=dict)
    by_position: AdaptiveHistogram = field(default_factory=lambda: AdaptiveHistogram(64, 1.0))
    by_time: AdaptiveHistogram = field(default_factory=lambda: AdaptiveHistogram(64, 1.0))
    timestamped_events: int = 0
    events: int = 0

    def add(self, event: Event) -> None:
        """Count one mined event in its cluster's row.

        This runs once per event, so it uses plain list updates, and the
        histograms batch their numpy calls.
        """
        cluster = event.cluster_id
        row = self.row_of.get(cluster)
        if row is None and len(self.counts) >= self.max_rows:
            cluster = OVERFLOW_CLUSTER
            row = self.row_of.get(cluster)
        if row is None:
            row = len(self.counts)
            self.row_of[cluster] = row
            self.cluster_of_row.append(cluster)
            self.counts.append(0)
            self.severity_sums.append(0.0)
            self.error_counts.append(0)
            self.first_ordinals.append(event.ordinal)
            self.last_ordinals.append(event.ordinal)
            self.first_events.append((event.source, event.first_line, event.lines[0][:_EXAMPLE_CHARS]))
        self.events += 1
        self.counts[row] += 1
        self.last_ordinals[row] = event.ordinal
        level = event.level
        if level is not None and level >= Level.WARNING:
            self.severity_sums[row] += LEVEL_WEIGHTS.get(level, 0.0)
            if level >= Level.ERROR:
                self.error_counts[row] += 1
                self._keep_sample(row, event)
        self.by_position.add(row, float(event.ordinal))
        if event.timestamp is not None:
            self.timestamped_events += 1
            self.by_time.add(row, event.timestamp.timestamp())

    def _keep_sample(self, row: int, event: Event) -> None:
        kept = self.samples.get(row)
        if kept is None:
            if len(self.samples) >= _SAMPLE_TEMPLATES:
                return
            self.samples[row] = [event]
        elif len(kept) < _SAMPLES_PER_TEMPLATE:
            kept.append(event)

    @property
    def templates(self) -> int:
        """Number of clusters seen."""
        return len(self.counts)

    def regrouped(self, key_of_cluster: Callable[[int], str]) -> TemplateStats:
        """Return the statistics with one row per key, summing the rows of clusters that share a key.

        Mining can end with several Drain3 clusters that resolve to one
        template. Scoring must see that template once, with all its events,
        or a late cluster of an old template would look new. ``row_of`` of
        the result still maps every cluster, each to its key's row.
        """
        grouped = TemplateStats(max_rows=self.max_rows)
        new_row_of: list[int] = []
        row_of_key: dict[str, int] = {}
        for row, cluster in enumerate(self.cluster_of_row):
            key = key_of_cluster(cluster)
            new_row = row_of_key.get(key)
            if new_row is None:
                new_row = len(grouped.counts)
                row_of_key[key] = new_row
                grouped.cluster_of_row.append(cluster)
                grouped.counts.append(0)
                grouped.severity_sums.append(0.0)
                grouped.error_counts.append(0)
                grouped.first_ordinals.append(self.first_ordinals[row])
                grouped.last_ordinals.append(self.last_ordinals[row])
                # Rows are in order of first appearance, so the first row of a key has its first event.
                grouped.first_events.append(self.first_events[row])
            new_row_of.append(new_row)
            grouped.counts[new_row] += self.counts[row]
            grouped.severity_sums[new_row] += self.severity_sums[row]
            grouped.error_counts[new_row] += self.error_counts[row]
            grouped.last_ordinals[new_row] = max(grouped.last_ordinals[new_row], self.last_ordinals[row])
            kept = self.samples.get(row)
            if kept:
                merged = grouped.samples.setdefault(new_row, [])
                merged.extend(kept)
                merged.sort(key=lambda event: event.ordinal)
                del merged[_SAMPLES_PER_TEMPLATE:]
        grouped.row_of = {cluster: new_row_of[row] for cluster, row in self.row_of.items()}
        rows = len(grouped.counts)
        grouped.by_position = self.by_position.regrouped(new_row_of, rows)
        grouped.by_time = self.by_time.regrouped(new_row_of, rows)
        grouped.timestamped_events = self.timestamped_events
        grouped.events = self.events
        return grouped
