"""Score header parsing on the raw Loghub-2k logs against their structured CSV files.

Each system's folder contains ``<S>_2k.log`` and ``<S>_2k.log_structured_corrected.csv``,
whose ``Content`` column is the message of each line without its header. The
log is read through the real ingest path (``iter_events`` with a
``SourceCounter``, as ``prodrescue parse`` reads it), and each physical line is
compared with its CSV row:

- message: the event's message equals ``Content``, both stripped of
  surrounding whitespace. No other normalisation is made, so the one
  HealthApp row whose ``Content`` was edited by hand (spaces added) cannot match;
- timestamp: the line got a timestamp;
- time: the timestamp's time of day (hour, minute, second, as written, or in
  UTC) is one that the CSV's ``Time`` or ``Timestamp`` column gives. That
  column writes it as H:M:S with ``:`` or ``.``, as HHMMSS (its leading zero
  may be lost), or as epoch seconds;
- level: the event's level equals the CSV ``Level`` column read as a level
  word or an Android logcat letter. Only rows whose value reads as a level
  count, so Linux's ``Level`` column, which holds the host name, counts for nothing;
- pid: the CSV ``Pid`` or ``PID`` value (``19939.0`` read as ``19939``) is one
  of the event's field values, for rows that have one;
- component: the CSV ``Component`` or ``Program`` value is one of the event's
  field values. Loghub splits Zookeeper's ``[thread:Class@line]`` at the first
  colon, so when the thread name has colons its ``Component`` holds the rest of
  the thread name, a colon and the class name. Then the text after the last
  colon counts;
- folded: lines that joined the event of an earlier line as continuation lines;
- header share: ``header_share`` as ``prodrescue diagnose`` reports it.

    python benchmarks/header_accuracy.py
    python benchmarks/header_accuracy.py ../shared/data/loghub-2k
    python benchmarks/header_accuracy.py --show 20 --system Mac
    python benchmarks/header_accuracy.py --show 20 --system Zookeeper --kind component

The exit status is 0, or 2 when the data folder or a system's files are missing.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from prodrescue.errors import InputError
from prodrescue.ingest import Event, SourceCounter, discover_sources, iter_events
from prodrescue.ingest.reading import decode_line
from prodrescue.levels import LOGCAT_LETTERS, Level, parse_level

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPOSITORY.parent / "shared" / "data" / "loghub-2k"
DEFAULT_YEAR = 2024
KINDS = ("message", "timestamp", "time", "level", "pid", "component", "folded")
_PID_COLUMNS = ("Pid", "PID")
_COMPONENT_COLUMNS = ("Component", "Program")
_TIME_COLUMNS = ("Time", "Timestamp")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{1,2})[:.](\d{1,2})(?!\d)")
# HHMMSS, which the CSV writer stored as a number, so leading zeros are lost (000117 is 117).
_COMPACT_CLOCK = re.compile(r"\d{1,6}")
_EPOCH = re.compile(r"\d{9,10}")


class DataError(Exception):
    """A system folder without its log or its structured CSV file."""


@dataclass
class LineResult:
    """The ingest path's result for one physical line, beside its CSV row."""

    number: int
    raw: str
    expected: dict[str, str]
    event: Event | None  # None when the line was folded into an earlier event
    folded_into: int = 0  # first line of that event, 0 when not traced


@dataclass
class SystemScore:
    """Counts of one system. ``levels``, ``pids`` and ``components`` count only rows that give one."""

    name: str
    lines: int = 0
    messages: int = 0
    timestamps: int = 0
    times: int = 0
    level_rows: int = 0
    levels: int = 0
    pid_rows: int = 0
    pids: int = 0
    component_rows: int = 0
    components: int = 0
    folded: int = 0
    header_share: float = 0.0
    misses: dict[str, list[LineResult]] = field(default_factory=dict)

    def miss(self, kind: str, result: LineResult) -> None:
        self.misses.setdefault(kind, []).append(result)


def find_systems(data: Path) -> list[tuple[str, Path, Path]]:
    """Return (name, log, structured CSV) for every system folder under ``data``, sorted by name."""
    if not data.is_dir():
        raise DataError(f"{data}: not a directory (pass the loghub-2k folder)")
    systems = []
    for folder in sorted(path for path in data.iterdir() if path.is_dir()):
        log = folder / f"{folder.name}_2k.log"
        table = folder / f"{folder.name}_2k.log_structured_corrected.csv"
        if not log.is_file():
            continue
        if not table.is_file():
            raise DataError(f"{folder}: {table.name} is missing beside {log.name}")
        systems.append((folder.name, log, table))
    if not systems:
        raise DataError(f"{data}: no <S>/<S>_2k.log files found")
    return systems


def read_rows(table: Path) -> dict[int, dict[str, str]]:
    """Read the structured CSV, keyed by its 1-based ``LineId``."""
    with table.open(encoding="utf-8", newline="") as handle:
        return {int(row["LineId"]): row for row in csv.DictReader(handle)}


def parse_lines(log: Path, year: int) -> tuple[list[LineResult], SourceCounter]:
    """Read ``log`` as ``prodrescue parse`` does and return one result per physical line.

    A line that joined an earlier event gets that event's first line in
    ``folded_into``. The lines of one syslog program fold per program, so
    that event may start far above the line.
    """
    errors: list[InputError] = []
    sources = list(discover_sources([str(log)], errors))
    if errors or len(sources) != 1:
        raise DataError(f"{log}: cannot be read ({'; '.join(str(error) for error in errors)})")
    source = sources[0]
    raw_lines = [decode_line(line)[0] for line in source.iter_lines(errors)]
    counter = SourceCounter(source.name)
    events = {event.first_line: event for event in iter_events(raw_lines, counter, year)}
    results = []
    for number, raw in enumerate(raw_lines, 1):
        event = events.get(number)
        results.append(LineResult(number, raw, {}, event))
    for event in events.values():
        # The continuation lines of an event are the next physical lines of
        # its stream that no other event starts at, taken in order.
        for continuation in _continuation_lines(event, events, len(raw_lines), raw_lines):
            results[continuation - 1].folded_into = event.first_line
    return results, counter


def _continuation_lines(
    event: Event, events: dict[int, Event], total: int, raw_lines: Sequence[str]
) -> list[int]:
    remaining = list(event.lines[1:])
    found = []
    number = event.first_line + 1
    while remaining and number <= min(event.last_line, total):
        if number not in events and raw_lines[number - 1] == remaining[0]:
            found.append(number)
            remaining.pop(0)
        number += 1
    return found


def expected_level(row: dict[str, str]) -> Level | None:
    value = (row.get("Level") or "").strip()
    if not value:
        return None
    # parse_level does not read logcat's priority letters on their own.
    return LOGCAT_LETTERS.get(value) or parse_level(value)


def expected_pid(row: dict[str, str]) -> str:
    for column in _PID_COLUMNS:
        value = (row.get(column) or "").strip()
        if value:
            return value.removesuffix(".0")
    return ""


def expected_component(row: dict[str, str]) -> str:
    for column in _COMPONENT_COLUMNS:
        value = (row.get(column) or "").strip()
        if value:
            return value
    return ""


def expected_clocks(row: dict[str, str]) -> set[tuple[int, int, int]]:
    """Return the times of day that the row's time columns give, epoch values read in UTC."""
    clocks: set[tuple[int, int, int]] = set()
    for column in _TIME_COLUMNS:
        value = (row.get(column) or "").strip()
        for match in _CLOCK.finditer(value):
            clocks.add((int(match[1]), int(match[2]), int(match[3])))
        if _COMPACT_CLOCK.fullmatch(value):
            padded = value.zfill(6)
            clocks.add((int(padded[:2]), int(padded[2:4]), int(padded[4:])))
        if _EPOCH.fullmatch(value):
            moment = datetime.fromtimestamp(int(value), tz=timezone.utc)
            clocks.add((moment.hour, moment.minute, moment.second))
    return clocks


def field_values(event: Event) -> set[str]:
    return {str(value) for value in (event.fields or {}).values()}


def component_found(component: str, values: set[str]) -> bool:
    if component in values:
        return True
    tail = component.rpartition(":")[2]
    return bool(tail) and tail != component and tail in values


def score_system(name: str, log: Path, table: Path, year: int) -> SystemScore:
    """Compare every line of one system's log with its CSV row."""
    rows = read_rows(table)
    results, counter = parse_lines(log, year)
    score = SystemScore(name)
    score.header_share = counter.header_lines / max(counter.lines - counter.blank_lines, 1)
    for result in results:
        row = rows.get(result.number)
        if row is None:
            continue
        result.expected = row
        score.lines += 1
        _score_line(score, result, row)
    return score


def _score_line(score: SystemScore, result: LineResult, row: dict[str, str]) -> None:
    event = result.event
    if event is None:
        score.folded += 1
        score.miss("folded", result)
        for kind in ("message", "timestamp", "time"):
            score.miss(kind, result)
        return

    if event.message.strip() == row["Content"].strip():
        score.messages += 1
    else:
        score.miss("message", result)

    if event.timestamp is not None:
        score.timestamps += 1
        stamp = event.timestamp
        clocks = expected_clocks(row)
        as_written = (stamp.hour, stamp.minute, stamp.second)
        in_utc = stamp.astimezone(timezone.utc)
        if as_written in clocks or (in_utc.hour, in_utc.minute, in_utc.second) in clocks:
            score.times += 1
        else:
            score.miss("time", result)
    else:
        score.miss("timestamp", result)
        score.miss("time", result)

    level = expected_level(row)
    if level is not None:
        score.level_rows += 1
        if event.level == level:
            score.levels += 1
        else:
            score.miss("level", result)

    values = field_values(event)
    pid = expected_pid(row)
    if pid:
        score.pid_rows += 1
        if pid in values:
            score.pids += 1
        else:
            score.miss("pid", result)
    component = expected_component(row)
    if component:
        score.component_rows += 1
        if component_found(component, values):
            score.components += 1
        else:
            score.miss("component", result)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def print_table(scores: Sequence[SystemScore]) -> None:
    header = (
        f"{'system':<12} {'lines':>5} {'message':>8} {'stamp':>7} {'time':>7} {'level':>7} "
        f"{'pid':>7} {'comp':>7} {'folded':>6} {'header':>7}"
    )
    print(header)
    print("-" * len(header))
    for score in scores:
        print(
            f"{score.name:<12} {score.lines:>5} {_share(score.messages, score.lines):>8} "
            f"{_share(score.timestamps, score.lines):>7} {_share(score.times, score.lines):>7} "
            f"{_share(score.levels, score.level_rows):>7} {_share(score.pids, score.pid_rows):>7} "
            f"{_share(score.components, score.component_rows):>7} {score.folded:>6} "
            f"{100 * score.header_share:>6.1f}%"
        )
    lines = sum(score.lines for score in scores)
    print("-" * len(header))
    print(
        f"{'total':<12} {lines:>5} {_share(sum(s.messages for s in scores), lines):>8} "
        f"{_share(sum(s.timestamps for s in scores), lines):>7} "
        f"{_share(sum(s.times for s in scores), lines):>7} "
        f"{_share(sum(s.levels for s in scores), sum(s.level_rows for s in scores)):>7} "
        f"{_share(sum(s.pids for s in scores), sum(s.pid_rows for s in scores)):>7} "
        f"{_share(sum(s.components for s in scores), sum(s.component_rows for s in scores)):>7} "
        f"{sum(s.folded for s in scores):>6}"
    )


def print_misses(score: SystemScore, kind: str, count: int) -> None:
    misses = score.misses.get(kind, [])
    print(f"\n{score.name}: {len(misses)} lines miss on {kind}, first {min(count, len(misses))}:")
    for result in misses[:count]:
        row = result.expected
        print(f"line {result.number}: {result.raw}")
        if result.event is None:
            where = f"line {result.folded_into}" if result.folded_into else "an earlier line"
            print(f"  folded into the event of {where}")
            continue
        event = result.event
        if kind == "message":
            print(f"  expected:  {row['Content'].strip()!r}")
            print(f"  extracted: {event.message.strip()!r}")
        elif kind in ("timestamp", "time"):
            time_columns = {column: row[column] for column in _TIME_COLUMNS if column in row}
            print(f"  expected:  {time_columns}")
            print(f"  extracted: {event.timestamp.isoformat() if event.timestamp else None}")
        elif kind == "level":
            print(f"  expected:  {row.get('Level')!r}")
            print(f"  extracted: {event.level.label if event.level else None}")
        else:
            expected_value = expected_pid(row) if kind == "pid" else expected_component(row)
            print(f"  expected:  {expected_value!r}")
            print(f"  extracted: {event.fields or {}}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=DEFAULT_DATA,
        help="loghub-2k folder with one folder per system (default: ../shared/data/loghub-2k)",
    )
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print N mismatching lines")
    parser.add_argument("--system", help="system whose mismatches --show prints (default: all)")
    parser.add_argument(
        "--kind", choices=KINDS, default="message", help="what --show compares (default: message)"
    )
    parser.add_argument(
        "--year",
        type=int,
        default=DEFAULT_YEAR,
        help=f"year for timestamps without one (default: {DEFAULT_YEAR})",
    )
    arguments = parser.parse_args(argv)

    try:
        systems = find_systems(arguments.data)
        if arguments.system and arguments.system not in {name for name, _, _ in systems}:
            names = ", ".join(name for name, _, _ in systems)
            raise DataError(f"unknown system {arguments.system!r}: expected one of {names}")
        scores = [score_system(name, log, table, arguments.year) for name, log, table in systems]
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    print_table(scores)
    if arguments.show:
        for score in scores:
            chosen = score.name == arguments.system or (
                arguments.system is None and score.misses.get(arguments.kind)
            )
            if chosen:
                print_misses(score, arguments.kind, arguments.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
