"""Measure the peak memory of ``prodrescue diagnose`` on the Loghub corpus at growing sizes.

For each size, the script writes that many lines of the ``loghub`` corpus
(see :mod:`corpora`) to a file in a temporary folder, runs

    prodrescue diagnose FILE --format json > /dev/null

as a child process, and reads the child's peak resident set size (RSS) from
``os.wait4``. That figure covers this one child, so the sizes' peaks do not
mix. The file is deleted before the next size is written. The script prints
the peak RSS in MiB, the seconds and lines per second of each size, and the
ratio of the peaks at 5,000,000 and 500,000 lines (the target is <= 1.3),
when both sizes are measured.

5,000,000 lines of the corpus take about 0.7 GB on disk; the script checks
the free space of the temporary folder first.

    python benchmarks/memory.py
    python benchmarks/memory.py --sizes 100000,500000 --tmp /var/tmp

Linux only: ``os.wait4`` reports ``ru_maxrss`` in KiB there (macOS uses bytes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_env import describe_revision, prodrescue_command
from corpora import write_corpus
from loghub_corpus import DEFAULT_LOGHUB

_DEFAULT_SIZES = (100_000, 500_000, 1_000_000, 5_000_000)
# Bytes per line of the loghub corpus, rounded up (measured: 139 at 1,000,000 lines).
_BYTES_PER_LINE = 160
_RATIO_SIZES = (5_000_000, 500_000)
_TARGET_RATIO = 1.3
_MIB = 1024 * 1024


def parse_sizes(text: str) -> list[int]:
    """Parse comma-separated line counts, where a ``k`` or ``M`` suffix multiplies by 1,000 or 1,000,000."""
    sizes = []
    for part in text.split(","):
        size = part.strip().replace("_", "")
        factor = {"k": 1_000, "M": 1_000_000}.get(size[-1:], 1)
        number = size[:-1] if factor > 1 else size
        if not number.isdigit() or int(number) * factor < 1:
            raise argparse.ArgumentTypeError(
                f"invalid size {size!r}: expected a line count such as 500000 or 500k"
            )
        sizes.append(int(number) * factor)
    return sorted(set(sizes))


def run_diagnose(path: Path) -> tuple[float, int, int, str]:
    """Run the CLI on ``path``; return the seconds, the peak RSS in bytes, the exit code and stderr's end."""
    command = [*prodrescue_command(), "diagnose", str(path), "--format", "json"]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr_tail = errors.read()[-2000:].decode("utf-8", "replace")
    return seconds, usage.ru_maxrss * 1024, child.returncode, stderr_tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(_DEFAULT_SIZES),
        help="comma-separated line counts (default: 100k,500k,1M,5M)",
    )
    parser.add_argument(
        "--tmp", type=Path, help="folder for the corpus files (default: the system's temp folder)"
    )
    parser.add_argument(
        "--loghub", type=Path, default=DEFAULT_LOGHUB, help=f"Loghub-2k folder (default: {DEFAULT_LOGHUB})"
    )
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="prodrescue-memory-", dir=arguments.tmp))
    needed = max(arguments.sizes) * _BYTES_PER_LINE
    free = shutil.disk_usage(folder).free
    print(describe_revision())
    print(
        f"corpus folder {folder}: {free / 1e9:.1f} GB free; "
        f"the largest size needs about {needed / 1e9:.1f} GB"
    )
    if free < needed * 1.2:
        print(f"error: not enough free space in {folder} for {max(arguments.sizes):,} lines", file=sys.stderr)
        folder.rmdir()
        return 2

    results: dict[int, int] = {}
    print(f"{'lines':>10}  {'file MiB':>8}  {'seconds':>8}  {'lines/s':>8}  {'peak RSS MiB':>12}")
    try:
        for size in arguments.sizes:
            path = folder / f"loghub-{size}.log"
            write_corpus("loghub", path, size, folder=arguments.loghub, count_repeats=False, quiet=True)
            file_size = path.stat().st_size
            seconds, peak, exit_code, stderr_tail = run_diagnose(path)
            path.unlink()
            if exit_code != 0:
                message = (
                    f"error: prodrescue diagnose exited with {exit_code} at {size:,} lines:\n{stderr_tail}"
                )
                print(message, file=sys.stderr)
                return 1
            results[size] = peak
            print(
                f"{size:>10,}  {file_size / _MIB:>8,.0f}  {seconds:>8.1f}  {size / seconds:>8,.0f}  "
                f"{peak / _MIB:>12,.0f}",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    large, small = _RATIO_SIZES
    if large in results and small in results:
        ratio = results[large] / results[small]
        verdict = "met" if ratio <= _TARGET_RATIO else "not met"
        print(
            f"peak RSS ratio {large:,} / {small:,} lines: {ratio:.2f}  (target <= {_TARGET_RATIO}: {verdict})"
        )
    elif len(results) > 1:
        large, small = sorted(results)[-1], sorted(results)[-2]
        print(f"peak RSS ratio {large:,} / {small:,} lines: {results[large] / results[small]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
