"""Measure what a ``progress`` callback adds to the time of a diagnosis and of template mining.

The input is the bundled example's ``payments-api.log`` repeated until it
has ``--lines`` lines (100,000 by default), written to a temporary file. In
one process the script alternates runs without and with a callback that
only counts its calls, ``--repeats`` times each, and prints the median time
of each and their ratio. It also times the line counting alone, on the
lines held in memory, which is the part of the cost that grows with the
input. The callback costs what the command line's progress
bar costs before it draws, which it does at most five times a second.

    python benchmarks/progress_overhead.py
    python benchmarks/progress_overhead.py --lines 200000 --repeats 5

The ratio moves by about 1% from run to run on an idle 2-core machine, so
a single run cannot resolve an overhead smaller than that.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import prodrescue
from prodrescue.progress import ProgressInfo, ReadMeter

_EXAMPLE_LOG = Path(__file__).resolve().parents[1] / "examples" / "payment-incident" / "payments-api.log"


def _write_input(path: Path, lines: int) -> None:
    source = _EXAMPLE_LOG.read_bytes().splitlines(keepends=True)
    with open(path, "wb") as handle:
        for number in range(lines):
            handle.write(source[number % len(source)])


def _time_runs(run: Callable[[Callable[[ProgressInfo], None] | None], object], repeats: int) -> None:
    calls: list[int] = []

    def count(info: ProgressInfo) -> None:
        calls.append(info.lines)

    plain: list[float] = []
    watched: list[float] = []
    run(None)  # warm-up: loads the rules, imports and caches once
    for _ in range(repeats):
        start = time.perf_counter()
        run(None)
        plain.append(time.perf_counter() - start)
        calls.clear()
        start = time.perf_counter()
        run(count)
        watched.append(time.perf_counter() - start)
    without = statistics.median(plain)
    with_callback = statistics.median(watched)
    print(f"  without callback: median {without:.3f} s  ({', '.join(f'{t:.3f}' for t in plain)})")
    print(f"  with callback:    median {with_callback:.3f} s  ({', '.join(f'{t:.3f}' for t in watched)})")
    print(f"  calls per run: {len(calls)}, last report at {calls[-1] if calls else 0} lines")
    print(f"  ratio with/without: {with_callback / without:.4f}")


def _time_meter_alone(path: Path, repeats: int) -> float:
    """Return the seconds per line that counting adds, measured on the lines alone, without a diagnosis."""
    lines = path.read_bytes().splitlines()
    bare: list[float] = []
    counted: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _line in lines:
            pass
        bare.append(time.perf_counter() - start)
        meter = ReadMeter(lambda info: None)
        start = time.perf_counter()
        for _line in meter.watch_lines(lines):
            pass
        counted.append(time.perf_counter() - start)
    return (statistics.median(counted) - statistics.median(bare)) / len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines in the input (default: 100000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each kind (default: 3)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.log"
        _write_input(path, arguments.lines)
        size = path.stat().st_size / (1024 * 1024)
        print(f"input: {arguments.lines:,} lines, {size:.1f} MiB, {arguments.repeats} runs of each kind")
        rules = prodrescue.load_rules()

        print("diagnose:")
        _time_runs(
            lambda progress: prodrescue.diagnose(
                paths=[path], rules=rules, reference_year=2024, progress=progress
            ),
            arguments.repeats,
        )
        per_line = _time_meter_alone(path, max(arguments.repeats, 5))
        print(f"counting alone: {per_line * 1e9:.0f} ns per line")
        print("mine_templates:")
        _time_runs(
            lambda progress: prodrescue.mine_templates(paths=[path], reference_year=2024, progress=progress),
            arguments.repeats,
        )


if __name__ == "__main__":
    main()
