"""``prodrescue templates``: list the log templates that a diagnosis would mine.

The text output is a table of templates, most frequent first (id, event
count, level mix, template text), and one line per source with the share of
its lines that had a recognised header. The JSON output is one document with
``templates``, ``sources`` and, with ``--events``, the template of every event.
"""

from __future__ import annotations

__all__ = ["add_parser", "listing_to_dict"]

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from prodrescue.cli.diagnose_command import positive_int, report_input_errors, year_argument
from prodrescue.cli.progress import add_quiet_option, progress_bar, typed_on_terminal

if TYPE_CHECKING:
    from prodrescue.model import SourceStats
    from prodrescue.template_listing import TemplateListing, TemplateSummary

# Characters of the level-mix column at most; a longer mix is cut with "…".
_MAX_LEVELS_CHARS = 28


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    parser = commands.add_parser(
        "templates",
        help="list the log templates mined from log files",
        description="List the templates that prodrescue mines from log lines, most frequent first.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="FILE|DIR|-",
        help="log files, directories, compressed files, or - for standard input",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--events",
        action="store_true",
        help="also list every event's source, first line and template id",
    )
    parser.add_argument(
        "--year",
        type=year_argument,
        default=None,
        help="four-digit year for timestamps that have none (default: this year)",
    )
    parser.add_argument(
        "--no-headers",
        action="store_true",
        help="read every line as one message: no header parsing and no joining of continuation lines",
    )
    parser.add_argument(
        "--top",
        type=positive_int,
        default=None,
        metavar="N",
        help="list only the N most frequent templates, N >= 1 (default: all)",
    )
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="show secrets (passwords, tokens, keys) in templates and examples; they are redacted by default",
    )
    add_quiet_option(parser)
    parser.set_defaults(handler=run, command_parser=parser)


def run(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.template_listing import mine_templates  # loads the miner only for this command

    with progress_bar(sys.stderr, arguments.quiet or typed_on_terminal(arguments.paths)) as bar:
        listing = mine_templates(
            paths=arguments.paths,
            reference_year=arguments.year,
            parse_headers=not arguments.no_headers,
            keep_events=arguments.events,
            redact=not arguments.no_redact,
            progress=bar,
        )
    if arguments.format == "json":
        data = listing_to_dict(listing, top=arguments.top)
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_render_text(listing, arguments.top, headers_parsed=not arguments.no_headers))
    sys.stdout.flush()
    return report_input_errors(listing.input_errors)


def listing_to_dict(listing: TemplateListing, top: int | None = None) -> dict[str, Any]:
    """Convert a listing to the JSON document of ``prodrescue templates --format json``.

    ``top`` keeps only that many templates. ``template_count`` always counts
    all of them, and ``events`` is present only when the listing kept events.
    """
    listed = listing.templates[:top] if top is not None else listing.templates
    data: dict[str, Any] = {
        "template_count": len(listing.templates),
        "templates": [_template_to_dict(summary) for summary in listed],
        "sources": [_source_to_dict(source) for source in listing.sources],
        "unlisted_events": listing.unlisted_events,
        "cap_reached": listing.cap_reached,
        "redaction": asdict(listing.redaction),
        "input_errors": list(listing.input_errors),
    }
    if listing.events is not None:
        data["events"] = [
            {"source": event.source, "line": event.line, "template_id": event.template_id}
            for event in listing.events
        ]
    return data


def _template_to_dict(summary: TemplateSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "text": summary.text,
        "count": summary.count,
        "levels": dict(summary.levels),
        "example": asdict(summary.example),
    }


def _source_to_dict(source: SourceStats) -> dict[str, Any]:
    data = asdict(source)
    data["formats"] = dict(source.formats)
    return data


def _render_text(listing: TemplateListing, top: int | None, headers_parsed: bool) -> str:
    listed = listing.templates[:top] if top is not None else listing.templates
    events = sum(summary.count for summary in listing.templates)
    out = [f"{len(listing.templates)} templates from {events} events"]
    if listed:
        out.append("")
        out.extend(_table(listed))
    hidden = len(listing.templates) - len(listed)
    if hidden:
        out.append(f"… {hidden} less frequent templates not shown (--top {top})")
    if listing.events is not None:
        out.append("")
        out.extend(f"{event.source}:{event.line}  {event.template_id or '-'}" for event in listing.events)
    out.append("")
    out.extend(_source_line(source, headers_parsed) for source in listing.sources)
    if listing.cap_reached:
        out.append(
            f"# the template cap was reached: {listing.unlisted_events} events belong to templates "
            "that were evicted and are not listed"
        )
    return "\n".join(out) + "\n"


def _table(templates: tuple[TemplateSummary, ...]) -> list[str]:
    mixes = [_level_mix(summary) for summary in templates]
    count_width = max(len("count"), *(len(str(summary.count)) for summary in templates))
    mix_width = max(len("levels"), *(len(mix) for mix in mixes))
    id_width = max(len("id"), *(len(summary.id) for summary in templates))
    rows = [f"{'id':<{id_width}}  {'count':>{count_width}}  {'levels':<{mix_width}}  template"]
    for summary, mix in zip(templates, mixes, strict=True):
        rows.append(
            f"{summary.id:<{id_width}}  {summary.count:>{count_width}}  {mix:<{mix_width}}  {summary.text}"
        )
    return rows


def _level_mix(summary: TemplateSummary) -> str:
    """Return the level counts as ``error 3, info 1``, cut to the column's maximum width."""
    mix = ", ".join(f"{label} {count}" for label, count in summary.levels)
    if len(mix) > _MAX_LEVELS_CHARS:
        mix = mix[: _MAX_LEVELS_CHARS - 1] + "…"
    return mix


def _source_line(source: SourceStats, headers_parsed: bool) -> str:
    counts = f"# {source.name}: {source.lines} lines, {source.events} events"
    if not headers_parsed:
        return f"{counts}, headers not parsed (--no-headers)"
    return f"{counts}, format {source.format}, {source.header_share:.0%} understood"
