"""``prodrescue parse``: show what the tool understood of each log entry.

One line per event: its source, first and last physical line (1-based), its
timestamp (ISO 8601, with the zone offset only when the log gave one), its
level, its message and its fields. JSON output is one object per line, so that
a parse can be compared with known results or piped to ``jq``.

The progress bar is shown only when standard output is not a terminal,
because on a shared terminal it would be drawn between the events.
"""

from __future__ import annotations

__all__ = ["add_parser", "event_to_dict"]

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from prodrescue.cli.diagnose_command import report_input_errors, year_argument
from prodrescue.cli.progress import add_quiet_option, progress_bar, typed_on_terminal

if TYPE_CHECKING:
    from prodrescue.errors import InputError
    from prodrescue.ingest import Event


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    parser = commands.add_parser(
        "parse",
        help="show how log lines are read into events",
        description="Show what prodrescue understood of each log entry: boundaries, time, level, message.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="FILE|DIR|-", help="log files, directories, or - for standard input"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--year",
        type=year_argument,
        default=None,
        help="four-digit year for timestamps that have none (default: this year)",
    )
    add_quiet_option(parser)
    parser.set_defaults(handler=run, command_parser=parser)


def run(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.ingest import SourceCounter, discover_sources, iter_events
    from prodrescue.ingest.timestamps import year_for_yearless
    from prodrescue.progress import ReadMeter

    year, latest = year_for_yearless(arguments.year)
    out = sys.stdout
    errors: list[InputError] = []
    sources = discover_sources(arguments.paths, errors)
    hidden = arguments.quiet or out.isatty() or typed_on_terminal(arguments.paths)
    with progress_bar(sys.stderr, hidden) as bar:
        meter = ReadMeter(bar) if bar is not None else None
        # Every source is registered before the first is read, so that the
        # progress bar's total covers all of them.
        readers = [
            meter.watch_source(source, errors) if meter is not None else source.iter_lines(errors)
            for source in sources
        ]
        for source, lines in zip(sources, readers, strict=True):
            counter = SourceCounter(source.name)
            for event in iter_events(lines, counter, year, latest):
                entry = event_to_dict(event)
                if arguments.format == "json":
                    out.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
                else:
                    out.write(_text_line(entry))
            if arguments.format == "text":
                share = counter.header_lines / max(counter.lines - counter.blank_lines, 1)
                out.write(
                    f"# {source.name}: {counter.lines} lines, {counter.events} events, "
                    f"format {counter.detected_format}, {share:.0%} understood\n"
                )
    out.flush()
    return report_input_errors([str(error) for error in errors])


def event_to_dict(event: Event) -> dict[str, Any]:
    """Describe one event with the keys of ``prodrescue parse --format json``."""
    return {
        "source": event.source,
        "first_line": event.first_line,
        "last_line": event.last_line,
        "timestamp": _timestamp(event),
        "level": event.level.label if event.level is not None else None,
        "message": event.message,
        "fields": event.fields or {},
    }


def _timestamp(event: Event) -> str | None:
    if event.timestamp is None:
        return None
    if event.zone_known:
        return event.timestamp.isoformat()
    return event.timestamp.replace(tzinfo=None).isoformat()


def _text_line(entry: dict[str, Any]) -> str:
    lines = (
        f"{entry['first_line']}"
        if entry["first_line"] == entry["last_line"]
        else (f"{entry['first_line']}-{entry['last_line']}")
    )
    fields = f"  {json.dumps(entry['fields'], ensure_ascii=False, default=str)}" if entry["fields"] else ""
    return (
        f"{entry['source']}:{lines}  {entry['timestamp'] or '-'}  {entry['level'] or '-'}  "
        f"{entry['message']}{fields}\n"
    )
