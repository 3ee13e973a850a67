"""Measure how well prodrescue's templates match the Loghub-2k ground truth, against bare Drain3.

Data layout: one folder per system ``S`` with ``S/S_2k.log``, the raw
lines, and ``S/S_2k.log_structured_corrected.csv``, the ground truth. The
ground truth has one row per raw line and the columns ``LineId``,
``Content``, ``EventId`` and ``EventTemplate`` among others. ``Content`` is
the message without the system's header. Any directory of this layout works,
the loghub-2.0 variant too.

For each system, four parses of the same 2,000 lines run in one process:

a. ``raw``: prodrescue on the raw log file, with header detection and
   folding of continuation lines: ``mine_templates(paths=[log], keep_events=True)``.
   A line folded into the event above it gets no template of its own.
b. ``content``: prodrescue on the ``Content`` column, one message per line
   (``parse_headers=False``).
c. ``drain-content``: bare Drain3 (``TemplateMiner`` with the default
   ``TemplateMinerConfig()``, so no masking) on the ``Content`` column.
d. ``drain-raw``: the same bare Drain3 on the raw lines.

Each parse is scored as :mod:`template_metrics` defines, in short:

- GA (grouping accuracy, Zhu et al., ICSE 2019): the share of lines whose
  predicted group (the lines with the same template id) is exactly their
  ground-truth group (the lines with the same ``EventId``);
- PA (parsing accuracy): the share of lines whose template equals the
  ground-truth template, after both sides are normalised the same way.
  prodrescue's typed placeholders (``<NUM>``, ``<IP>``, ...) become ``<*>``.
  Then Khan et al.'s token corrections (ICSE 2022) are applied, the ones
  the corrected ground truth itself was made with;
- FGA: the F1 score of groups, where a predicted group is correct when it is
  exactly one ground-truth group: precision = correct / predicted groups,
  recall = correct / ground-truth groups.

A line without a template (for prodrescue, a line folded into an earlier
event) is wrong for GA and PA; the ``folded`` column counts such lines of
parse a. Bare Drain3 groups lines by the final text of their cluster's
template, as prodrescue's template ids do, so that clusters that end with
the same text form one group in both.

The script prints one row per system, the average over the systems and the
minimum GA, and the seconds each parse took in all (for prodrescue
including the reading of the file or list). ``--show-errors N`` (with
``--system``) prints the N largest ground-truth groups that prodrescue
split or merged, then the N largest groups that it grouped right but
templated differently.

    python benchmarks/templates.py
    python benchmarks/templates.py ../shared/data/loghub-2k --markdown
    python benchmarks/templates.py --system HDFS --show-errors 5
    python benchmarks/templates.py --system Mac --show-errors 10 --errors-of content

The exit status is 0, or 2 when the data cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
from template_errors import format_errors
from template_metrics import Scores, TemplateNormaliser, score_parse

import prodrescue
from prodrescue.ingest.reading import split_text
from prodrescue.mining.masking import PLACEHOLDERS

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPOSITORY.parent / "shared" / "data" / "loghub-2k"
CONFIGURATIONS = ("raw", "content", "drain-content", "drain-raw")
# Loghub-2k timestamps without a year are read in this year; it changes no template.
REFERENCE_YEAR = 2024


class DataError(Exception):
    """A system folder whose files are missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class System:
    """One system's raw lines and ground truth, indexed by line number - 1."""

    name: str
    log: Path
    raw_lines: list[str]
    contents: list[str]
    event_ids: list[str]
    templates: list[str]


@dataclass(frozen=True)
class Parse:
    """One parse of a system: a key and a template per line (None when the line got none)."""

    keys: list[str | None]
    templates: list[str | None]
    seconds: float
    header_share: float | None = None


@dataclass(frozen=True)
class SystemResult:
    """The parses of one system and their scores, by configuration name."""

    system: System
    parses: dict[str, Parse]
    scores: dict[str, Scores]


def find_systems(directory: Path) -> list[str]:
    """Return the names of the folders that hold both ``S_2k.log`` and the corrected ground truth."""
    if not directory.is_dir():
        raise DataError(f"{directory}: not a directory (give the Loghub-2k folder as the first argument)")
    return sorted(
        path.name
        for path in directory.iterdir()
        if (path / f"{path.name}_2k.log").is_file()
        and (path / f"{path.name}_2k.log_structured_corrected.csv").is_file()
    )


def load_system(directory: Path, name: str) -> System:
    """Read a system's raw lines and ground truth and check that they have one row per line."""
    log = directory / name / f"{name}_2k.log"
    truth = directory / name / f"{name}_2k.log_structured_corrected.csv"
    try:
        raw_lines = split_text(log.read_bytes().decode("utf-8", errors="replace"))
        with open(truth, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise DataError(f"{name}: cannot be read: {error}") from error

    missing = {"LineId", "Content", "EventId", "EventTemplate"} - set(rows[0] if rows else {})
    if missing:
        raise DataError(f"{truth}: missing columns {', '.join(sorted(missing))}")
    line_ids = [row["LineId"] for row in rows]
    if line_ids != [str(number) for number in range(1, len(rows) + 1)]:
        raise DataError(f"{truth}: LineId must run from 1 to the number of rows without gaps")
    if len(rows) != len(raw_lines):
        raise DataError(f"{name}: {len(raw_lines)} raw lines but {len(rows)} ground-truth rows")
    return System(
        name=name,
        log=log,
        raw_lines=raw_lines,
        contents=[row["Content"] for row in rows],
        event_ids=[row["EventId"] for row in rows],
        templates=[row["EventTemplate"] for row in rows],
    )


def parse_with_prodrescue(system: System, from_content: bool) -> Parse:
    """Mine the system's raw log file (header detection and folding) or its ``Content`` column."""
    start = time.perf_counter()
    if from_content:
        listing = prodrescue.mine_templates(
            system.contents, source=system.name, parse_headers=False, keep_events=True, redact=False
        )
    else:
        listing = prodrescue.mine_templates(
            paths=[system.log], reference_year=REFERENCE_YEAR, keep_events=True, redact=False
        )
    seconds = time.perf_counter() - start

    assert listing.events is not None
    texts = {summary.id: summary.text for summary in listing.templates}
    keys: list[str | None] = [None] * len(system.event_ids)
    templates: list[str | None] = [None] * len(system.event_ids)
    for event in listing.events:
        if event.template_id:
            keys[event.line - 1] = event.template_id
            templates[event.line - 1] = texts[event.template_id]
    header_share = None if from_content else listing.sources[0].header_share
    return Parse(keys, templates, seconds, header_share)


def parse_with_drain(lines: Sequence[str]) -> Parse:
    """Mine the lines with bare Drain3 defaults; group them by their cluster's final template."""
    start = time.perf_counter()
    miner = TemplateMiner(config=TemplateMinerConfig())
    clusters = [int(miner.add_log_message(line)["cluster_id"]) for line in lines]
    final = {cluster.cluster_id: cluster.get_template() for cluster in miner.drain.clusters}
    seconds = time.perf_counter() - start
    templates: list[str | None] = [final[cluster] for cluster in clusters]
    return Parse(list(templates), templates, seconds)


def run_system(system: System, normaliser: TemplateNormaliser, configurations: Sequence[str]) -> SystemResult:
    """Parse one system in each configuration and score every parse."""
    parsers: dict[str, Callable[[], Parse]] = {
        "raw": lambda: parse_with_prodrescue(system, from_content=False),
        "content": lambda: parse_with_prodrescue(system, from_content=True),
        "drain-content": lambda: parse_with_drain(system.contents),
        "drain-raw": lambda: parse_with_drain(system.raw_lines),
    }
    parses = {name: parsers[name]() for name in configurations}
    scores = {
        name: score_parse(system.event_ids, system.templates, parse.keys, parse.templates, normaliser)
        for name, parse in parses.items()
    }
    return SystemResult(system, parses, scores)


# Column titles of the configurations, and of the three scores of each.
_TITLES = {
    "raw": "prodrescue raw",
    "content": "prodrescue content",
    "drain-content": "Drain3 content",
    "drain-raw": "Drain3 raw",
}
_METRICS = ("GA", "PA", "FGA")


def score_rows(results: Sequence[SystemResult], configurations: Sequence[str]) -> list[list[str]]:
    """Return one row of cells per system, then the average row and the minimum-GA row."""
    rows = []
    for result in results:
        raw = result.parses.get("raw")
        header = f"{raw.header_share:.3f}" if raw is not None and raw.header_share is not None else "-"
        folded = str(result.scores["raw"].unpredicted_lines) if "raw" in result.scores else "-"
        cells = [result.system.name, header, folded]
        for name in configurations:
            cells.extend(f"{value:.3f}" for value in _values(result.scores[name]))
        rows.append(cells)

    count = len(results)
    shares = [r.parses["raw"].header_share for r in results if "raw" in r.parses]
    known = [share for share in shares if share is not None]
    average = ["average", f"{sum(known) / len(known):.3f}" if known else "-", ""]
    minimum = ["minimum GA", "", ""]
    for name in configurations:
        values = [_values(result.scores[name]) for result in results]
        average.extend(f"{sum(value[index] for value in values) / count:.3f}" for index in range(3))
        worst = min(results, key=lambda result: result.scores[name].grouping_accuracy)
        minimum.extend([f"{worst.scores[name].grouping_accuracy:.3f}", "", ""])
    return [*rows, average, minimum]


def lowest_ga_note(results: Sequence[SystemResult], configurations: Sequence[str]) -> str:
    """Name the system with the minimum GA of each parse."""
    parts = []
    for name in configurations:
        worst = min(results, key=lambda result: result.scores[name].grouping_accuracy)
        parts.append(f"{_TITLES[name]} {worst.system.name}")
    return "Minimum GA in: " + ", ".join(parts) + "."


def _values(scores: Scores) -> tuple[float, float, float]:
    return scores.grouping_accuracy, scores.parsing_accuracy, scores.fga


def render_table(results: Sequence[SystemResult], configurations: Sequence[str], markdown: bool) -> str:
    """Render the score table and the time table, as aligned text or Markdown."""
    titles = ["system", "header share", "folded"]
    for name in configurations:
        titles.extend(f"{_TITLES[name]} {metric}" for metric in _METRICS)
    rows = score_rows(results, configurations)
    lines = sum(len(result.system.event_ids) for result in results)
    time_rows = []
    for name in configurations:
        seconds = sum(result.parses[name].seconds for result in results)
        time_rows.append([_TITLES[name], f"{seconds:.2f}", f"{lines / seconds:,.0f}" if seconds else "-"])
    time_titles = ["parse", "seconds", "lines per second"]
    note = lowest_ga_note(results, configurations)
    if markdown:
        return "\n\n".join([_markdown(titles, rows), note, _markdown(time_titles, time_rows)])
    return "\n\n".join([_text_table(titles, rows, configurations), note, _aligned(time_titles, time_rows)])


def _markdown(titles: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(titles) + " |", "|" + "|".join(["---"] + ["---:"] * (len(titles) - 1)) + "|"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(out)


def _text_table(titles: list[str], rows: list[list[str]], configurations: Sequence[str]) -> str:
    """Align the score table under a first header row that names each configuration once."""
    short = ["system", "header", "folded", *(_METRICS * len(configurations))]
    widths = [max(len(row[index]) for row in [short, *rows]) for index in range(len(short))]
    widths[3:] = [max(width, 5) for width in widths[3:]]
    group_line = " " * (sum(widths[:3]) + 4)
    for position, name in enumerate(configurations):
        span = sum(widths[3 + 3 * position : 6 + 3 * position]) + 4
        group_line += "  " + _TITLES[name][:span].ljust(span)
    body = _aligned(short, rows, widths)
    return group_line.rstrip() + "\n" + body


def _aligned(titles: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    if widths is None:
        widths = [max(len(row[index]) for row in [titles, *rows]) for index in range(len(titles))]
    out = []
    for row in [titles, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells.extend(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DEFAULT_DATA,
        help=f"folder with one subfolder per system (default: {DEFAULT_DATA})",
    )
    parser.add_argument("--system", metavar="NAME", help="measure only this system")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="with --system: print the N largest ground-truth groups that prodrescue got wrong",
    )
    parser.add_argument(
        "--errors-of",
        choices=("raw", "content"),
        default="raw",
        help="the prodrescue parse that --show-errors examines (default: raw)",
    )
    arguments = parser.parse_args(argv)
    if arguments.show_errors and not arguments.system:
        parser.error("--show-errors needs --system NAME")
    if arguments.show_errors < 0:
        parser.error(f"--show-errors expects a number of at least 0, found {arguments.show_errors}")

    try:
        names = find_systems(arguments.directory)
        if arguments.system:
            if arguments.system not in names:
                known = ", ".join(names) or "none"
                raise DataError(f"no system {arguments.system!r} in {arguments.directory} (found: {known})")
            names = [arguments.system]
        if not names:
            raise DataError(
                f"{arguments.directory}: no system found; expected folders S with "
                "S/S_2k.log and S/S_2k.log_structured_corrected.csv"
            )
        systems = [load_system(arguments.directory, name) for name in names]
    except DataError as error:
        print(f"templates: {error}", file=sys.stderr)
        return 2

    normaliser = TemplateNormaliser(PLACEHOLDERS)
    results = [run_system(system, normaliser, CONFIGURATIONS) for system in systems]
    print(render_table(results, CONFIGURATIONS, markdown=arguments.markdown))
    if arguments.show_errors:
        result = results[0]
        system, parse = result.system, result.parses[arguments.errors_of]
        lines_read = system.raw_lines if arguments.errors_of == "raw" else system.contents
        print()
        report = format_errors(
            lines_read,
            truth_ids=system.event_ids,
            truth_templates=system.templates,
            keys=parse.keys,
            templates=parse.templates,
            normaliser=normaliser,
            limit=arguments.show_errors,
        )
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
