"""Write a benchmark corpus to a file, line by line, without holding the lines in memory.

Two corpora:

- ``loghub``: the 16 raw Loghub-2k files, repeated until the requested line
  count and interleaved in blocks by system, with new numbers, hex ids and
  later timestamps in every copy (:mod:`loghub_corpus` gives the details);
- ``incident``: a generated log of six services with an incident (a
  connection-pool exhaustion) at 60% of the lines (:mod:`incident_corpus`).

After writing, the script prints how many lines repeat an earlier line byte
for byte. The Loghub files repeat some lines within one file (Apache,
Proxifier and Windows most), so every copy repeats those too. The count
across copies should be about 0. The same arguments give the same file.

    python benchmarks/corpora.py loghub /tmp/loghub-1m.log --lines 1000000
    python benchmarks/corpora.py incident /tmp/incident-1m.log --lines 1000000
    python benchmarks/corpora.py loghub /tmp/l.log --lines 5000 --loghub ../shared/data/loghub-2k

Other scripts import :func:`write_corpus`.
"""

from __future__ import annotations

import argparse
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from incident_corpus import iter_incident_lines
from loghub_corpus import DEFAULT_LOGHUB, DEFAULT_SEED, iter_loghub_lines, load_systems

KINDS = ("loghub", "incident")


class RepeatCounter:
    """Counter of lines that repeat an earlier line byte for byte, keeping 16 bytes per line.

    Lines are compared by their 64-bit ``hash()``. At a few million lines, a
    false match between different lines has a chance of about 1 in a million.
    """

    def __init__(self) -> None:
        self._hashes = array("q")
        self._copies = array("q")

    def add(self, line: str, copy: int) -> None:
        """Count ``line``, which belongs to copy number ``copy`` of its source."""
        self._hashes.append(hash(line))
        self._copies.append(copy)

    def report(self) -> str:
        """Return the count of repeated lines, split into within one copy and across copies."""
        hashes = np.frombuffer(self._hashes, dtype=np.int64)
        copies = np.frombuffer(self._copies, dtype=np.int64)
        total = hashes.size
        distinct_lines = np.unique(hashes).size
        repeated = total - distinct_lines
        share = repeated / total
        text = f"lines repeating an earlier line byte for byte: {repeated:,} of {total:,} ({share:.2%})"
        if copies.max() == 0:
            return text
        # Each (hash, copy) pair folded into one int64. The multiplier is odd, so the fold
        # is one-to-one for a fixed copy, and numpy's wrap-around on overflow only mixes bits.
        distinct_pairs = np.unique(hashes * np.int64(1_000_003) + copies).size
        return (
            f"{text}; within one copy of a source file: {total - distinct_pairs:,}, "
            f"across copies: {distinct_pairs - distinct_lines:,}"
        )


def write_corpus(
    kind: str,
    output: Path,
    lines: int,
    *,
    folder: Path = DEFAULT_LOGHUB,
    seed: int = DEFAULT_SEED,
    count_repeats: bool = True,
    quiet: bool = False,
) -> None:
    """Write ``lines`` lines of the ``kind`` corpus to ``output``.

    Unless ``quiet``, print the file's size and, with ``count_repeats``, how
    many lines repeat an earlier one.
    """
    source: Iterator[tuple[str, int]]
    if kind == "loghub":
        systems = load_systems(folder)
        total = sum(len(system.lines) for system in systems)
        unmatched = sum(system.unmatched for system in systems)
        if not quiet:
            print(
                f"loghub: {len(systems)} systems, {total:,} lines, {unmatched} without a recognised timestamp"
            )
        source = iter_loghub_lines(systems, seed)
    else:
        source = ((line, 0) for line in iter_incident_lines(lines, seed))
    counter = RepeatCounter()
    batch: list[str] = []
    with output.open("w", encoding="utf-8", errors="surrogateescape", newline="\n") as sink:
        for _, (line, copy) in zip(range(lines), source, strict=False):
            batch.append(line)
            if count_repeats:
                counter.add(line, copy)
            if len(batch) == 10_000:
                sink.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            sink.write("\n".join(batch) + "\n")
    if quiet:
        return
    print(f"{kind}: wrote {lines:,} lines, {output.stat().st_size / 2**20:,.1f} MiB, to {output}")
    if count_repeats and lines > 0:
        print(f"{kind}: {counter.report()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=KINDS, help="which corpus to write")
    parser.add_argument("output", type=Path, help="file to write (overwritten)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines to write (default: 1,000,000)")
    parser.add_argument(
        "--loghub", type=Path, default=DEFAULT_LOGHUB, help=f"Loghub-2k folder (default: {DEFAULT_LOGHUB})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    parser.add_argument("--no-repeat-check", action="store_true", help="do not count repeated lines")
    arguments = parser.parse_args()
    if arguments.lines < 1:
        parser.error(f"--lines must be at least 1, got {arguments.lines}")
    try:
        write_corpus(
            arguments.kind,
            arguments.output,
            arguments.lines,
            folder=arguments.loghub,
            seed=arguments.seed,
            count_repeats=not arguments.no_repeat_check,
        )
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
