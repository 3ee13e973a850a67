"""Check that memory stays bounded when every log line is a new template.

The input is generated log lines whose messages are 5 to 15 words drawn at
random from a vocabulary of 50,000 made-up words. No two messages share
enough words for Drain3 to merge them, so every line starts a new template.
Such input fills the miner's template cap (``MinerSettings.max_templates``)
and the template statistics' row cap, and past both caps memory should stop
growing.

The lines are streamed from a generator into ``prodrescue.diagnose``. The
script runs the same diagnosis twice in one process: first on the first
``--reference-lines`` lines, then on all ``--lines`` lines. For each run it
prints the peak resident set size (RSS) above the baseline and the lines per
second, then the ratios of the full run to the reference run. A table of RSS
at checkpoints of the full run shows whether memory levels off. Last, bare
Drain3 with the same settings mines the reference lines, as a reference for
speed.

    python benchmarks/template_cap.py
    python benchmarks/template_cap.py --lines 2000000
    python benchmarks/template_cap.py --lines 100000 --reference-lines 20000 --max-templates 50000

The default template cap here is 2,000, not the library's 50,000, so that the
default run finishes in a few minutes. With the library's cap, Drain3
compares each new line with every template of the same token count, so the
speed falls as the template count approaches the cap.
Peak RSS comes from ``resource.getrusage`` and checkpoint RSS from
``/proc/self/statm`` (Linux only). The full run reuses the memory that
Python freed after the reference run, so its peak does not add the two.
"""

from __future__ import annotations

import argparse
import random
import resource
import string
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from drain3.drain import Drain

import prodrescue
from prodrescue.mining import MinerSettings

_VOCABULARY_SIZE = 50_000
_SEED = 20240312
_CHECKPOINTS = 10
# One line in this many is logged at ERROR, so that error samples are kept too.
_ERROR_EVERY = 100
_MIB = 1024 * 1024


@dataclass
class Run:
    """Figures of one diagnosis run."""

    lines: int
    seconds: float
    peak_rss: int
    templates: int
    cap_caveat: bool

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds > 0 else float("inf")


def make_vocabulary(size: int, seed: int) -> list[str]:
    """Return ``size`` distinct lower-case words of 4 to 10 letters.

    Letters only, so that the masker replaces none of them with a placeholder.
    """
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))))
    return sorted(words)


def generate_lines(
    count: int, vocabulary: list[str], seed: int, checkpoints: list[tuple[int, int]]
) -> Iterator[str]:
    """Yield ``count`` log lines with distinct messages, recording RSS at checkpoints.

    The same seed gives the same lines, so a shorter run reads a prefix of a
    longer one. Timestamps advance by one millisecond per line.
    """
    rng = random.Random(seed)
    step = max(count // _CHECKPOINTS, 1)
    start = 1_710_215_226.0  # 2024-03-12T03:47:06Z
    for index in range(count):
        if index and index % step == 0:
            checkpoints.append((index, current_rss()))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + index / 1000))
        level = "ERROR" if index % _ERROR_EVERY == 0 else "INFO"
        words = " ".join(rng.choices(vocabulary, k=rng.randint(5, 15)))
        yield f"{stamp}.{index % 1000:03d}Z {level} {words}"


def peak_rss() -> int:
    """Return the peak RSS of this process in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss() -> int:
    """Return the current RSS in bytes, or the peak where /proc is missing."""
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return peak_rss()
    pages = int(statm.read_text().split()[1])
    return pages * resource.getpagesize()


def run_diagnosis(
    count: int, vocabulary: list[str], settings: MinerSettings, checkpoints: list[tuple[int, int]]
) -> Run:
    started = time.perf_counter()
    diagnosis = prodrescue.diagnose(
        generate_lines(count, vocabulary, _SEED, checkpoints),
        reference_year=2024,
        miner_settings=settings,
    )
    seconds = time.perf_counter() - started
    cap_caveat = any("template cap was reached" in caveat for caveat in diagnosis.caveats)
    return Run(count, seconds, peak_rss(), diagnosis.stats.templates, cap_caveat)


def time_bare_drain(count: int, vocabulary: list[str], settings: MinerSettings) -> float:
    """Mine the first ``count`` messages with bare Drain3 and return lines per second."""
    drain = Drain(
        sim_th=settings.similarity_threshold,
        depth=settings.depth,
        max_children=settings.max_children,
        max_clusters=settings.max_templates,
        param_str="<*>",
    )
    started = time.perf_counter()
    for line in generate_lines(count, vocabulary, _SEED, []):
        _stamp, _level, message = line.split(" ", 2)
        drain.add_log_message(message)
    seconds = time.perf_counter() - started
    return count / seconds if seconds > 0 else float("inf")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=300_000, help="lines in the full run (default: 300,000)")
    parser.add_argument(
        "--reference-lines",
        type=int,
        default=100_000,
        help="lines in the reference run, at most --lines (default: 100,000)",
    )
    parser.add_argument(
        "--max-templates",
        type=int,
        default=2_000,
        help="the miner's template cap (default: 2,000; the library's default is 50,000)",
    )
    parser.add_argument(
        "--skip-drain", action="store_true", help="do not time bare Drain3 on the reference lines"
    )
    arguments = parser.parse_args()
    if arguments.lines < 1:
        parser.error(f"--lines must be at least 1, got {arguments.lines}")
    if not 1 <= arguments.reference_lines <= arguments.lines:
        parser.error(
            f"--reference-lines must be between 1 and --lines ({arguments.lines}), "
            f"got {arguments.reference_lines}"
        )
    if arguments.max_templates < 1:
        parser.error(f"--max-templates must be at least 1, got {arguments.max_templates}")
    return arguments


def main() -> None:
    arguments = parse_arguments()
    settings = MinerSettings(max_templates=arguments.max_templates)
    vocabulary = make_vocabulary(_VOCABULARY_SIZE, _SEED)
    prodrescue.load_rules()  # loaded before the baseline, because the rules stay in memory
    baseline = current_rss()
    print(f"template cap {settings.max_templates:,}, vocabulary {len(vocabulary):,} words")
    print(f"baseline RSS {baseline / _MIB:.0f} MiB (after imports and rule loading)")

    reference = run_diagnosis(arguments.reference_lines, vocabulary, settings, [])
    checkpoints: list[tuple[int, int]] = []
    full = run_diagnosis(arguments.lines, vocabulary, settings, checkpoints)

    print()
    print(
        f"{'run':<10} {'lines':>10} {'seconds':>9} {'lines/s':>9} {'peak RSS':>12} "
        f"{'templates':>10}  cap caveat"
    )
    for name, run in (("reference", reference), ("full", full)):
        growth = (run.peak_rss - baseline) / _MIB
        print(
            f"{name:<10} {run.lines:>10,} {run.seconds:>9.1f} {run.lines_per_second:>9,.0f} "
            f"{growth:>8.0f} MiB {run.templates:>10,}  {'yes' if run.cap_caveat else 'no'}"
        )
    reference_growth = max(reference.peak_rss - baseline, 1)
    memory_ratio = (full.peak_rss - baseline) / reference_growth
    print()
    print(f"lines ratio (full / reference):            {full.lines / reference.lines:.2f}")
    print(f"peak RSS growth ratio (full / reference):  {memory_ratio:.2f}")
    print(
        f"speed ratio (full / reference lines/s):    {full.lines_per_second / reference.lines_per_second:.2f}"
    )

    if checkpoints:
        print()
        print("RSS during the full run (after the line shown had been read):")
        for line, rss in checkpoints:
            print(f"  {line:>10,} lines  {(rss - baseline) / _MIB:>6.0f} MiB above baseline")
        half = [rss for line, rss in checkpoints if line >= full.lines // 2]
        if half:
            late_growth = (checkpoints[-1][1] - half[0]) / _MIB
            total_growth = max((full.peak_rss - baseline) / _MIB, 1)
            print(
                f"growth over the second half of the run: {late_growth:.0f} MiB "
                f"({late_growth / total_growth:.0%} of the peak growth)"
            )

    if not arguments.skip_drain:
        drain_speed = time_bare_drain(reference.lines, vocabulary, settings)
        print()
        print(f"bare Drain3 on the reference lines: {drain_speed:,.0f} lines/s")
        print(f"prodrescue / bare Drain3 speed:     {reference.lines_per_second / drain_speed:.2f}")


if __name__ == "__main__":
    main()
