"""Score ``prodrescue parse`` against hand-written expected events: boundaries, timestamps, levels.

Layout: a sample is a log file with ``NAME.expected.jsonl`` beside it. The log
file is the first of ``NAME.log``, ``NAME.log.gz``, ``NAME.txt``, ``NAME.json``,
``NAME.jsonl`` and ``NAME`` that exists, or else the only other ``NAME.*`` file.
Every ``*.expected.jsonl`` file under the given directories, at any depth, is
one sample. Each of its lines is one expected event, in file order::

    {"first_line": 7, "last_line": 12, "timestamp": "2024-01-12T03:47:01.123+00:00", "level": "error"}

``first_line`` and ``last_line`` are the 1-based physical lines of the event,
continuation lines (stack frames, indented message lines) included. Lines that
belong to no event, such as a table header, are left out. ``timestamp`` is ISO
8601 with the zone offset when the log gives one, without it when the log
gives none, or null. ``level`` is one of trace, debug, info, notice, warning,
error, critical, fatal, or null.

Scores, over the expected events of every sample:

- boundaries: the share of expected events whose (first_line, last_line)
  pair is exactly that of a parsed event;
- timestamps: among those events, the share whose parsed timestamp equals
  the expected one. Both are read as datetimes, so ``Z`` equals ``+00:00``.
  Aware timestamps must name the same instant and the same UTC offset, and
  a naive timestamp never equals an aware one;
- levels: among those events, the share whose parsed level equals the expected one.

Parsed events that no expected event names (extra events) are counted in the
table but do not lower the scores.

    python benchmarks/parse_accuracy.py tests/data/formats
    python benchmarks/parse_accuracy.py tests/data/formats --verbose
    python benchmarks/parse_accuracy.py DIR --min-boundaries 99 --min-timestamps 98 --min-levels 95

The exit status is 0, or 1 when a ``--min-*`` threshold is given and missed,
or 2 when a sample cannot be read (no log file beside it, an invalid expected line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prodrescue.cli.parse_command import event_to_dict
from prodrescue.ingest import SourceCounter, discover_sources, iter_events

EXPECTED_SUFFIX = ".expected.jsonl"
# Log file names tried beside NAME.expected.jsonl, in this order.
_LOG_SUFFIXES = (".log", ".log.gz", ".txt", ".json", ".jsonl", "")
LEVELS = frozenset({"trace", "debug", "info", "notice", "warning", "error", "critical", "fatal"})
# The samples in tests/data/formats write syslog-style timestamps without a year as 2024.
DEFAULT_YEAR = 2024


class SampleError(Exception):
    """A sample that cannot be scored: its log file is missing or an expected line is invalid."""


@dataclass(frozen=True)
class Sample:
    """One log file and the file of its expected events."""

    name: str
    log: Path
    expected: Path


@dataclass(frozen=True)
class ExpectedEvent:
    """One line of an expected file."""

    first_line: int
    last_line: int
    timestamp: str | None
    level: str | None


@dataclass
class SampleScore:
    """Counts and mismatches of one sample. The ``*_misses`` lists hold one text per miss."""

    name: str
    expected: int = 0
    parsed: int = 0
    extra: int = 0
    boundaries: int = 0
    timestamps: int = 0
    levels: int = 0
    boundary_misses: list[str] = field(default_factory=list)
    timestamp_misses: list[str] = field(default_factory=list)
    level_misses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Totals:
    """Scores over all samples, as shares of expected events (boundaries) or of matched events."""

    expected: int
    boundaries: int
    timestamps: int
    levels: int

    @property
    def boundary_share(self) -> float:
        return self.boundaries / self.expected if self.expected else 1.0

    @property
    def timestamp_share(self) -> float:
        return self.timestamps / self.boundaries if self.boundaries else 1.0

    @property
    def level_share(self) -> float:
        return self.levels / self.boundaries if self.boundaries else 1.0


def find_samples(directories: Iterable[Path]) -> list[Sample]:
    """Find every ``*.expected.jsonl`` under the directories and the log file beside it, sorted by path."""
    samples: list[Sample] = []
    for directory in directories:
        if not directory.is_dir():
            raise SampleError(f"{directory}: not a directory")
        for expected in sorted(directory.rglob(f"*{EXPECTED_SUFFIX}")):
            stem = expected.name[: -len(EXPECTED_SUFFIX)]
            name = str(expected.parent.relative_to(directory) / stem)
            samples.append(Sample(name, _log_beside(expected, stem), expected))
    return samples


def _log_beside(expected: Path, stem: str) -> Path:
    for suffix in _LOG_SUFFIXES:
        candidate = expected.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    others = [
        path
        for path in expected.parent.glob(f"{stem}.*")
        if path.is_file() and not path.name.endswith(EXPECTED_SUFFIX)
    ]
    if len(others) == 1:
        return others[0]
    if not others:
        raise SampleError(f"{expected}: no log file beside it (expected {stem}.log)")
    names = ", ".join(sorted(path.name for path in others))
    raise SampleError(f"{expected}: several files could be its log ({names}), so rename all but one")


def load_expected(path: Path) -> list[ExpectedEvent]:
    """Read an expected file, raising :class:`SampleError` with the line number of an invalid line."""
    events: list[ExpectedEvent] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except ValueError as error:
            raise SampleError(f"{path}:{number}: invalid JSON: {error}") from None
        events.append(_expected_event(item, f"{path}:{number}"))
    return events


def _expected_event(item: Any, where: str) -> ExpectedEvent:
    if not isinstance(item, dict):
        raise SampleError(f"{where}: expected a JSON object")
    first, last = item.get("first_line"), item.get("last_line")
    if not isinstance(first, int) or not isinstance(last, int) or not 1 <= first <= last:
        raise SampleError(
            f"{where}: first_line and last_line must be integers with 1 <= first_line <= last_line"
        )
    timestamp, level = item.get("timestamp"), item.get("level")
    if timestamp is not None:
        if not isinstance(timestamp, str):
            raise SampleError(f"{where}: timestamp must be an ISO 8601 string or null")
        try:
            parse_iso(timestamp)
        except ValueError:
            raise SampleError(f"{where}: invalid ISO 8601 timestamp {timestamp!r}") from None
    if level is not None and level not in LEVELS:
        raise SampleError(f"{where}: level must be null or one of {', '.join(sorted(LEVELS))}, not {level!r}")
    return ExpectedEvent(first, last, timestamp, level)


def parse_iso(text: str) -> datetime:
    """Read an ISO 8601 timestamp, accepting a trailing ``Z`` and up to nine fraction digits."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return datetime.fromisoformat(value)


def timestamps_equal(expected: str | None, parsed: str | None) -> bool:
    """Compare two timestamp strings as datetimes: the same instant and offset, or the same naive time."""
    if expected is None or parsed is None:
        return expected is None and parsed is None
    try:
        want, got = parse_iso(expected), parse_iso(parsed)
    except ValueError:
        return False
    if (want.tzinfo is None) != (got.tzinfo is None):
        return False
    if want.tzinfo is None:
        return want == got
    return want == got and want.utcoffset() == got.utcoffset()


def parse_log(path: Path, year: int = DEFAULT_YEAR) -> list[dict[str, Any]]:
    """Parse one log file as ``prodrescue parse --format json`` does; one dict per event."""
    events: list[dict[str, Any]] = []
    for source in discover_sources([path]):
        counter = SourceCounter(source.name)
        events.extend(event_to_dict(event) for event in iter_events(source.iter_lines(), counter, year))
    return events


def score_sample(sample: Sample, year: int = DEFAULT_YEAR) -> SampleScore:
    """Parse a sample's log and compare its events with the expected ones."""
    expected = load_expected(sample.expected)
    parsed = parse_log(sample.log, year)
    return score_events(sample.name, expected, parsed)


def score_events(
    name: str, expected: Sequence[ExpectedEvent], parsed: Sequence[dict[str, Any]]
) -> SampleScore:
    """Compare expected events with parsed events (dicts with the keys of ``event_to_dict``)."""
    by_lines: dict[tuple[int, int], dict[str, Any]] = {}
    for event in parsed:
        by_lines.setdefault((event["first_line"], event["last_line"]), event)
    score = SampleScore(name, expected=len(expected), parsed=len(parsed))
    named = set()
    for want in expected:
        key = (want.first_line, want.last_line)
        got = by_lines.get(key)
        if got is None:
            score.boundary_misses.append(_boundary_miss(name, want, parsed))
            continue
        named.add(key)
        score.boundaries += 1
        if timestamps_equal(want.timestamp, got["timestamp"]):
            score.timestamps += 1
        else:
            score.timestamp_misses.append(
                f"{name}:{_span(want)}: timestamp expected {want.timestamp}, parsed {got['timestamp']}"
            )
        if want.level == got["level"]:
            score.levels += 1
        else:
            score.level_misses.append(
                f"{name}:{_span(want)}: level expected {want.level}, parsed {got['level']}"
            )
    score.extra = len(set(by_lines) - named)
    return score


def _span(event: ExpectedEvent) -> str:
    if event.first_line == event.last_line:
        return str(event.first_line)
    return f"{event.first_line}-{event.last_line}"


def _boundary_miss(name: str, want: ExpectedEvent, parsed: Sequence[dict[str, Any]]) -> str:
    overlapping = [
        f"{event['first_line']}-{event['last_line']}"
        for event in parsed
        if event["first_line"] <= want.last_line and event["last_line"] >= want.first_line
    ]
    found = ", ".join(overlapping) if overlapping else "none"
    return f"{name}: expected lines {want.first_line}-{want.last_line}, parsed events over them: {found}"


def total_score(scores: Iterable[SampleScore]) -> Totals:
    """Add up the counts of all samples."""
    items = list(scores)
    return Totals(
        expected=sum(score.expected for score in items),
        boundaries=sum(score.boundaries for score in items),
        timestamps=sum(score.timestamps for score in items),
        levels=sum(score.levels for score in items),
    )


# Titles and widths of the number columns of the table.
_COLUMNS = (("expected", 8), ("parsed", 6), ("extra", 5), ("bounds", 7), ("time", 7), ("level", 7))


def format_table(scores: Sequence[SampleScore]) -> str:
    """Render one row per sample and a total row, shares in percent."""
    total = SampleScore(
        "total",
        expected=sum(score.expected for score in scores),
        parsed=sum(score.parsed for score in scores),
        extra=sum(score.extra for score in scores),
        boundaries=sum(score.boundaries for score in scores),
        timestamps=sum(score.timestamps for score in scores),
        levels=sum(score.levels for score in scores),
    )
    width = max(len(score.name) for score in [*scores, total])
    header = f"{'sample':<{width}}" + "".join(f"  {title:>{size}}" for title, size in _COLUMNS)
    rule = "-" * len(header)
    return "\n".join([header, rule, *(_row(score, width) for score in scores), rule, _row(total, width)])


def _row(score: SampleScore, width: int) -> str:
    values = (
        str(score.expected),
        str(score.parsed),
        str(score.extra),
        _percent(score.boundaries, score.expected),
        _percent(score.timestamps, score.boundaries),
        _percent(score.levels, score.boundaries),
    )
    cells = "".join(f"  {value:>{size}}" for value, (_, size) in zip(values, _COLUMNS, strict=True))
    return f"{score.name:<{width}}{cells}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directories", nargs="+", type=Path, help="directories searched for *.expected.jsonl files"
    )
    parser.add_argument(
        "--year",
        type=int,
        default=DEFAULT_YEAR,
        help=f"year for timestamps that have none, as prodrescue parse --year (default: {DEFAULT_YEAR})",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print every mismatch, expected against parsed"
    )
    parser.add_argument(
        "--min-boundaries",
        type=float,
        metavar="PERCENT",
        help="exit 1 when the boundary score is below PERCENT",
    )
    parser.add_argument(
        "--min-timestamps",
        type=float,
        metavar="PERCENT",
        help="exit 1 when the timestamp score is below PERCENT",
    )
    parser.add_argument(
        "--min-levels", type=float, metavar="PERCENT", help="exit 1 when the level score is below PERCENT"
    )
    arguments = parser.parse_args(argv)

    try:
        samples = find_samples(arguments.directories)
        scores = [score_sample(sample, arguments.year) for sample in samples]
    except SampleError as error:
        print(f"parse_accuracy: {error}", file=sys.stderr)
        return 2
    if not samples:
        print("parse_accuracy: no *.expected.jsonl files found", file=sys.stderr)
        return 2

    print(format_table(scores))
    if arguments.verbose:
        for score in scores:
            for miss in score.boundary_misses + score.timestamp_misses + score.level_misses:
                print(miss)

    totals = total_score(scores)
    missed = [
        f"{label} {100 * share:.1f}% is below {minimum}%"
        for label, share, minimum in (
            ("boundaries", totals.boundary_share, arguments.min_boundaries),
            ("timestamps", totals.timestamp_share, arguments.min_timestamps),
            ("levels", totals.level_share, arguments.min_levels),
        )
        if minimum is not None and 100 * share < minimum
    ]
    for text in missed:
        print(f"parse_accuracy: {text}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
