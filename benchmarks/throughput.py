"""Time ``prodrescue.diagnose`` against bare Drain3 on the same lines, in one process.

The corpus file's lines are read into a list once, outside the timing. Each
round then times, on that list:

a. ``prodrescue.diagnose(lines)``: the whole diagnosis with the built-in
   rules (reading, header parsing, masking, mining, rules, scoring);
b. bare Drain3: ``TemplateMiner(config=config).add_log_message(line)`` for
   each line, where ``config`` is a default ``TemplateMinerConfig`` (sim_th
   0.4, depth 4) with one ``MaskingInstruction`` per masking kind of
   ``prodrescue.mining.masking``, in the same order and with the same
   ``<KIND>`` placeholders. Drain3 applies the instructions one after the
   other, where prodrescue runs one combined pattern. So a later pattern can
   match text next to an earlier placeholder, and the masked text differs on
   about 10% of the loghub corpus lines and 1% of the incident lines (the
   first 20,000 of each, drain3-improved 0.10.0).

Both run in each round, one after the other, so that a slower machine slows
both. The script prints lines per second per round, the median and the range
of each, and the ratio of the medians (the target is diagnose / bare >= 2.0).
It also prints the diagnosis' template count and top causes, so that a fast
but wrong diagnosis shows. One warm-up call of each on the first 2,000 lines
comes first, so that loading the rules is not timed.

    python benchmarks/corpora.py loghub /tmp/loghub-1m.log
    python benchmarks/throughput.py /tmp/loghub-1m.log
    python benchmarks/throughput.py /tmp/incident-1m.log --rounds 5 --lines 200000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench_env import describe_revision
from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

import prodrescue
from prodrescue.mining.masking import _KINDS

_WARM_UP_LINES = 2_000
_TARGET_RATIO = 2.0


def read_lines(path: Path, limit: int | None) -> list[str]:
    """Return the lines of ``path`` without line endings, at most ``limit`` of them."""
    lines: list[str] = []
    with path.open(encoding="utf-8", errors="surrogateescape") as source:
        for line in source:
            if limit is not None and len(lines) == limit:
                break
            lines.append(line.rstrip("\r\n"))
    return lines


def bare_drain_config() -> TemplateMinerConfig:
    """Return Drain3's default config with masking instructions made from prodrescue's masking kinds."""
    config = TemplateMinerConfig()
    # prodrescue's combined pattern starts with one shared "no word character
    # before" check; each instruction gets that check too.
    config.masking_instructions = [
        MaskingInstruction(rf"(?<!\w)(?:{pattern})", kind) for kind, pattern in _KINDS
    ]
    return config


def time_diagnose(lines: list[str]) -> tuple[float, prodrescue.Diagnosis]:
    started = time.perf_counter()
    diagnosis = prodrescue.diagnose(lines)
    return time.perf_counter() - started, diagnosis


def time_bare_drain(lines: list[str], config: TemplateMinerConfig) -> tuple[float, int]:
    """Mine ``lines`` with bare Drain3; return the seconds taken and the cluster count."""
    started = time.perf_counter()
    miner = TemplateMiner(config=config)
    for line in lines:
        miner.add_log_message(line)
    seconds = time.perf_counter() - started
    return seconds, len(miner.drain.clusters)


def describe_spread(name: str, speeds: list[float]) -> str:
    return (
        f"{name:<12} median {statistics.median(speeds):>9,.0f} lines/s  "
        f"(min {min(speeds):,.0f}, max {max(speeds):,.0f}, over {len(speeds)} rounds)"
    )


def describe_diagnosis(diagnosis: prodrescue.Diagnosis, top: int = 5) -> list[str]:
    stats = diagnosis.stats
    lines = [
        f"diagnosis: {stats.lines:,} lines, {stats.events:,} events, {stats.templates:,} templates, "
        f"{stats.error_events:,} error events, {len(diagnosis.causes)} causes"
    ]
    for cause in diagnosis.causes[:top]:
        explained = f", symptom of {cause.explained_by}" if cause.explained_by else ""
        details = f"{cause.id}, {cause.count:,} events{explained}"
        lines.append(f"  #{cause.rank} [{cause.score:.2f}] {cause.category} ({details})")
    lines += [f"  caveat: {caveat}" for caveat in diagnosis.caveats]
    return lines


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="log file to read (see benchmarks/corpora.py)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each (default: 3)")
    parser.add_argument("--lines", type=int, help="use only the first N lines of the file (default: all)")
    arguments = parser.parse_args()
    if arguments.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {arguments.rounds}")
    if arguments.lines is not None and arguments.lines < 1:
        parser.error(f"--lines must be at least 1, got {arguments.lines}")
    return arguments


def main() -> int:
    arguments = parse_arguments()
    started = time.perf_counter()
    try:
        lines = read_lines(arguments.corpus, arguments.lines)
    except OSError as error:
        print(f"error: cannot read the corpus: {error}", file=sys.stderr)
        return 2
    if not lines:
        print(f"error: {arguments.corpus} has no lines", file=sys.stderr)
        return 2
    print(describe_revision())
    print(
        f"corpus: {arguments.corpus}, {len(lines):,} lines "
        f"(read in {time.perf_counter() - started:.1f} s, outside the timing)"
    )
    config = bare_drain_config()
    time_diagnose(lines[:_WARM_UP_LINES])
    time_bare_drain(lines[:_WARM_UP_LINES], config)

    print(f"{'round':>5}  {'diagnose lines/s':>16}  {'bare Drain3 lines/s':>19}  {'ratio':>5}")
    diagnose_speeds: list[float] = []
    bare_speeds: list[float] = []
    for round_number in range(1, arguments.rounds + 1):
        diagnose_seconds, diagnosis = time_diagnose(lines)
        bare_seconds, clusters = time_bare_drain(lines, config)
        diagnose_speeds.append(len(lines) / diagnose_seconds)
        bare_speeds.append(len(lines) / bare_seconds)
        print(
            f"{round_number:>5}  {diagnose_speeds[-1]:>16,.0f}  {bare_speeds[-1]:>19,.0f}  "
            f"{diagnose_speeds[-1] / bare_speeds[-1]:>5.2f}",
            flush=True,
        )

    print(describe_spread("diagnose", diagnose_speeds))
    print(describe_spread("bare Drain3", bare_speeds))
    ratio = statistics.median(diagnose_speeds) / statistics.median(bare_speeds)
    verdict = "met" if ratio >= _TARGET_RATIO else "not met"
    print(f"ratio diagnose / bare Drain3 (medians): {ratio:.2f}  (target >= {_TARGET_RATIO}: {verdict})")
    print("\n".join(describe_diagnosis(diagnosis)))
    print(f"bare Drain3: {clusters:,} clusters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
