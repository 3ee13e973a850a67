"""Measure the start-up cost of prodrescue: wall time of short commands, and the slowest imports.

Three commands run as child processes, 7 times each (``--runs``), taking
turns so that a slower moment of the machine slows all three:

- ``python -c pass``: the interpreter alone, the reference;
- ``python -c "import prodrescue"``;
- ``prodrescue diagnose FILE`` on a 200-line file: the first 200 lines of
  examples/payment-incident/payments-api.log, copied to a temporary file.

One untimed run of each comes first, so that the bytecode caches are warm.
The script prints the median and range of each, the differences from
``python -c pass`` (the target for diagnose is < 0.5 s), and the 10 modules
with the largest cumulative time in ``python -X importtime -c "import prodrescue"``,
and the same for ``python -X importtime -m prodrescue diagnose FILE``, because
the package imports most of its modules only when a command needs them (one
run each, after the timed runs).

    python benchmarks/startup.py
    python benchmarks/startup.py --runs 15
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from bench_env import REPOSITORY, describe_revision, prodrescue_command

_SAMPLE = REPOSITORY / "examples" / "payment-incident" / "payments-api.log"
_SAMPLE_LINES = 200
_TARGET_SECONDS = 0.5
_TOP_IMPORTS = 10


def time_command(command: list[str]) -> float:
    """Run ``command`` with its output discarded and return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def slowest_imports(arguments: list[str], count: int) -> list[tuple[int, int, str]]:
    """Run ``python -X importtime ARGUMENTS``; return the ``count`` imports with the most cumulative time.

    Each row is ``(cumulative µs, self µs, module)``.
    """
    output = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    ).stderr
    rows: list[tuple[int, int, str]] = []
    # Lines read "import time:   self [us] | cumulative | imported package", then one row per import.
    for line in output.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        rows.append((int(fields[1]), int(fields[0]), fields[2].strip()))
    return sorted(rows, reverse=True)[:count]


def print_imports(title: str, rows: list[tuple[int, int, str]]) -> None:
    print(f"\n{title}")
    print(f"{'cumulative ms':>13} {'self ms':>8}  module")
    for cumulative, own, module in rows:
        print(f"{cumulative / 1000:>13.1f} {own / 1000:>8.1f}  {module}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (default: 7)")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error(f"--runs must be at least 1, got {arguments.runs}")

    with tempfile.TemporaryDirectory(prefix="prodrescue-startup-") as folder:
        sample = Path(folder) / "payments-api-200.log"
        with _SAMPLE.open(encoding="utf-8") as source:
            sample.write_text("".join(islice(source, _SAMPLE_LINES)), encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import prodrescue"': [sys.executable, "-c", "import prodrescue"],
            f"prodrescue diagnose ({_SAMPLE_LINES} lines)": [*prodrescue_command(), "diagnose", str(sample)],
        }
        for command in commands.values():
            time_command(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(arguments.runs):
            for name, command in commands.items():
                times[name].append(time_command(command))
        import_rows = slowest_imports(["-c", "import prodrescue"], _TOP_IMPORTS)
        diagnose_rows = slowest_imports(["-m", "prodrescue", "diagnose", str(sample)], _TOP_IMPORTS)

    print(describe_revision())
    print(f"{'command':<32} {'median s':>9} {'min s':>7} {'max s':>7}  ({arguments.runs} runs each)")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:<32} {medians[name]:>9.3f} {min(values):>7.3f} {max(values):>7.3f}")
    reference, importing, diagnosing = medians.values()
    print(f"import prodrescue - python -c pass: {importing - reference:.3f} s")
    difference = diagnosing - reference
    verdict = "met" if difference < _TARGET_SECONDS else "not met"
    print(f"diagnose - python -c pass: {difference:.3f} s  (target < {_TARGET_SECONDS} s: {verdict})")

    print_imports(
        f"Top {_TOP_IMPORTS} imports by cumulative time, python -X importtime -c 'import prodrescue':",
        import_rows,
    )
    print_imports(
        f"Top {_TOP_IMPORTS} imports by cumulative time, "
        f"python -X importtime -m prodrescue diagnose FILE ({_SAMPLE_LINES} lines):",
        diagnose_rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
