"""Measure how well the window model flags the labelled alert lines of Loghub's BGL sample.

Data: ``BGL/BGL_2k.log`` (2,000 raw lines of a Blue Gene/L supercomputer
log) and ``BGL/BGL_2k.log_structured.csv``, whose ``Label`` column is ``-``
for a normal line and an alert category (``KERNDTLB``, ``APPSEV``, ...) for
the 143 alert lines. Only this file of the Loghub-2k set has alerts.

The raw lines go through prodrescue's reading and mining, as in a diagnosis.
The events are then cut into windows of N consecutive events (20 and 50 by
default), and each window becomes a vector of template counts. A window is an
alert window when it contains at least one alert line.

Flaggers, all computed in the same run on the same windows:

- ``pca``: prodrescue's window model (:mod:`prodrescue.scoring.windows`):
  the PCA residual of each window with TF-IDF weights and the median + 3 MAD
  threshold. It is fit without the labels on the half of the windows nearest
  to the median window (unsupervised, as in a diagnosis).
- ``pca-trained``: the same model fit only on the windows of the first half
  of the file that hold no alert (the labels are used for training), with
  the threshold from those windows' residuals; scored on the second half.
- ``iforest``: scikit-learn's IsolationForest on the same weighted vectors,
  fit on all windows without the labels, with its default threshold.
- ``error-level``: a window with any event at level error or above.
- ``seen-once``: a window with an event of a template that occurs once in the file.

Window precision, recall and F1 are printed for each, and line precision,
recall and F1 for the two line-level references (a flagged line is an
error-level line, or a line of a template seen once).

    python benchmarks/anomaly.py
    python benchmarks/anomaly.py ../shared/data/loghub-2k --windows 10,20,50

The exit status is 0, or 2 when the data cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.levels import Level
from prodrescue.mining import Miner
from prodrescue.scoring.windows import departure_threshold, window_residuals

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "loghub-2k"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="the loghub-2k directory")
    parser.add_argument("--windows", default="20,50", help="window sizes in events, comma-separated")
    arguments = parser.parse_args(argv)
    log = arguments.data / "BGL" / "BGL_2k.log"
    labels_file = arguments.data / "BGL" / "BGL_2k.log_structured.csv"
    try:
        raw = log.read_text(encoding="utf-8", errors="replace").splitlines()
        with labels_file.open(encoding="utf-8", newline="") as handle:
            alert_lines = {int(row["LineId"]) for row in csv.DictReader(handle) if row["Label"] != "-"}
    except OSError as error:
        print(f"anomaly: cannot read the BGL sample: {error}", file=sys.stderr)
        return 2

    events = _mine(raw)
    alerts = [any(line in alert_lines for line in lines) for _, _, lines in events]
    print(f"data: {log} ({len(raw):,} lines, {len(events):,} events, {len(alert_lines)} alert lines)")
    _print_line_references(events, alerts)
    for size in (int(text) for text in arguments.windows.split(",")):
        _print_windows(events, alerts, size)
    return 0


def _mine(raw: list[str]) -> list[tuple[int, bool, list[int]]]:
    """Return per event: its template number, whether it is error-level, and its line numbers."""
    miner = Miner()
    events = []
    for event in iter_events(raw, SourceCounter("BGL_2k.log"), 2005):
        cluster, _ = miner.add(event.headline)
        error = event.level is not None and event.level >= Level.ERROR
        events.append((cluster, error, list(range(event.first_line, event.first_line + len(event.lines)))))
    templates = miner.resolve()
    numbers: dict[str, int] = {}
    return [
        (numbers.setdefault(templates[cluster].text, len(numbers)), error, lines)
        for cluster, error, lines in events
    ]


def _print_line_references(events: list[tuple[int, bool, list[int]]], alerts: list[bool]) -> None:
    once = _seen_once(events)
    print("\nline level (an event counts for each line it holds)")
    print(f"{'flagger':14} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8}")
    for name, flags in (
        ("error-level", [error for _, error, _ in events]),
        ("seen-once", [template in once for template, _, _ in events]),
    ):
        truth = np.repeat(alerts, [len(lines) for _, _, lines in events])
        flagged = np.repeat(flags, [len(lines) for _, _, lines in events])
        _print_row(name, flagged, truth)


def _print_windows(events: list[tuple[int, bool, list[int]]], alerts: list[bool], size: int) -> None:
    count = len(events) // size
    templates = max(template for template, _, _ in events) + 1
    counts = np.zeros((count, templates))
    truth = np.zeros(count, dtype=bool)
    errors = np.zeros(count, dtype=bool)
    once_flags = np.zeros(count, dtype=bool)
    once = _seen_once(events)
    for index, ((template, error, _), alert) in enumerate(zip(events[: count * size], alerts, strict=False)):
        window = index // size
        counts[window, template] += 1
        truth[window] |= alert
        errors[window] |= error
        once_flags[window] |= template in once

    residuals = window_residuals(counts)
    pca = residuals > departure_threshold(residuals)
    half = count // 2
    normal_first_half = np.flatnonzero(~truth[:half])
    trained = _trained_flags(counts, normal_first_half, np.arange(half, count))

    print(f"\nwindows of {size} events: {count} windows, {int(truth.sum())} with an alert line")
    print(f"{'flagger':14} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8}")
    _print_row("pca", pca, truth)
    _print_row("pca-trained", trained, truth[half:], note=f"(second half: {count - half} windows)")
    _print_row("iforest", _forest_flags(counts), truth)
    _print_row("error-level", errors, truth)
    _print_row("seen-once", once_flags, truth)


def _trained_flags(
    counts: NDArray[np.float64], train: NDArray[np.int64], test: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Fit the window model on the ``train`` windows and flag the ``test`` windows."""
    from sklearn.decomposition import PCA

    present = np.count_nonzero(counts[train], axis=0)
    idf = np.log(len(train) / np.maximum(present, 1))
    weighted = counts * idf
    mean = weighted[train].mean(axis=0)
    model = PCA(n_components=0.95, svd_solver="full").fit(weighted[train] - mean)  # scikit-learn's own PCA

    def residual(rows: NDArray[np.float64]) -> NDArray[np.float64]:
        centred = rows - mean
        result: NDArray[np.float64] = np.sum(
            (centred - model.inverse_transform(model.transform(centred))) ** 2, axis=1
        )
        return result

    threshold = departure_threshold(residual(weighted[train]))
    flags: NDArray[np.bool_] = residual(weighted[test]) > threshold
    return flags


def _forest_flags(counts: NDArray[np.float64]) -> NDArray[np.bool_]:
    from sklearn.ensemble import IsolationForest

    idf = np.log(len(counts) / np.maximum(np.count_nonzero(counts, axis=0), 1))
    weighted = counts * idf
    flags: NDArray[np.bool_] = IsolationForest(random_state=0).fit(weighted).predict(weighted) < 0
    return flags


def _seen_once(events: list[tuple[int, bool, list[int]]]) -> set[int]:
    counts = Counter(template for template, _, _ in events)
    return {template for template, count in counts.items() if count == 1}


def _print_row(name: str, flagged: NDArray[np.bool_], truth: NDArray[np.bool_], note: str = "") -> None:
    hits = int(np.sum(flagged & truth))
    precision = hits / max(int(flagged.sum()), 1)
    recall = hits / max(int(truth.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{name:14} {precision:9.3f} {recall:7.3f} {f1:6.3f} {int(flagged.sum()):8d} {note}".rstrip())


if __name__ == "__main__":
    sys.exit(main())
