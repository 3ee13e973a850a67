"""Per-template counts over an axis (time or event position) in bounded memory.

The axis has a fixed number of buckets. When a value falls past the last
bucket, every bucket width doubles and neighbouring buckets merge, so memory
depends on the number of templates, never on the length of the input.
Updates are buffered and applied with one ``numpy.add.at`` call per batch,
because a numpy call per log line would dominate the cost.
"""

from __future__ import annotations

__all__ = ["AdaptiveHistogram"]

import numpy as np
from numpy.typing import NDArray

_FLUSH_EVERY = 8192


class AdaptiveHistogram:
    """Event counts per (row, bucket).

    Rows are templates, and buckets cover the axis from its first value.
    """

    def __init__(self, buckets: int = 64, initial_width: float = 1.0) -> None:
        if buckets < 2 or buckets % 2:
            raise ValueError(f"buckets must be an even number of at least 2, got {buckets}")
        self.buckets = buckets
        self.width = initial_width
        self.origin: float | None = None
        self._counts: NDArray[np.int64] = np.zeros((16, buckets), dtype=np.int64)
        self._rows: list[int] = []
        self._columns: list[int] = []
        self.highest_bucket = 0

    def add(self, row: int, value: float) -> None:
        """Count one event of template ``row`` at axis position ``value``."""
        if self.origin is None:
            self.origin = value
        index = int((value - self.origin) // self.width)
        index = max(index, 0)  # a value before the first value seen is counted in the first bucket
        while index >= self.buckets:
            self._widen()
            index = int((value - self.origin) // self.width)
        self.highest_bucket = max(self.highest_bucket, index)
        self._rows.append(row)
        self._columns.append(index)
        if len(self._rows) >= _FLUSH_EVERY:
            self._flush()

    def matrix(self, rows: int) -> NDArray[np.int64]:
        """Return the counts of the first ``rows`` rows (a copy)."""
        self._flush()
        self._ensure_rows(rows)
        counts: NDArray[np.int64] = self._counts[:rows].copy()
        return counts

    def regrouped(self, new_row_of: list[int], rows: int) -> AdaptiveHistogram:
        """Return a histogram whose row ``new_row_of[r]`` sums the counts of this histogram's row ``r``."""
        self._flush()
        self._ensure_rows(len(new_row_of))
        grouped = AdaptiveHistogram(self.buckets, self.width)
        grouped.origin = self.origin
        grouped.highest_bucket = self.highest_bucket
        grouped._counts = np.zeros((max(rows, 16), self.buckets), dtype=np.int64)
        np.add.at(grouped._counts, np.asarray(new_row_of, dtype=np.int64), self._counts[: len(new_row_of)])
        return grouped

    def _flush(self) -> None:
        if not self._rows:
            return
        rows = np.asarray(self._rows, dtype=np.int64)
        self._ensure_rows(int(rows.max()) + 1)
        np.add.at(self._counts, (rows, np.asarray(self._columns, dtype=np.int64)), 1)
        self._rows.clear()
        self._columns.clear()

    def _ensure_rows(self, rows: int) -> None:
        capacity = self._counts.shape[0]
        if rows <= capacity:
            return
        grown = np.zeros((max(rows, capacity * 2), self.buckets), dtype=np.int64)
        grown[:capacity] = self._counts
        self._counts = grown

    def _widen(self) -> None:
        self._flush()
        rows = self._counts.shape[0]
        merged = self._counts.reshape(rows, self.buckets // 2, 2).sum(axis=2)
        self._counts = np.zeros_like(self._counts)
        self._counts[:, : self.buckets // 2] = merged
        self.width *= 2
        self.highest_bucket //= 2
