"""``prodrescue learn``: write a baseline profile of healthy logs."""

from __future__ import annotations

__all__ = ["add_parser"]

import argparse
import sys
from typing import Any

from prodrescue.cli.diagnose_command import report_input_errors, year_argument
from prodrescue.cli.progress import add_quiet_option, progress_bar, typed_on_terminal
from prodrescue.errors import InputError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "learn",
        help="learn what healthy logs look like, for diagnose --baseline",
        description="Mine healthy logs and write their templates, rates, levels and numeric value "
        "spreads as a JSON profile for 'prodrescue diagnose --baseline PROFILE'.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="FILE|DIR|-",
        help="healthy log files, directories, or - for standard input",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="PROFILE", help="file to write the profile to"
    )
    parser.add_argument(
        "--year",
        type=year_argument,
        default=None,
        help="four-digit year for timestamps that have none, such as syslog's (default: this year)",
    )
    add_quiet_option(parser)
    parser.set_defaults(handler=run, command_parser=parser)


def run(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from prodrescue.api import collect_inputs
    from prodrescue.baseline.learn import learn_profile
    from prodrescue.ingest.timestamps import year_for_yearless

    with progress_bar(sys.stderr, arguments.quiet or typed_on_terminal(arguments.paths)) as bar:
        inputs, errors = collect_inputs(None, arguments.paths, "<input>", caller="learn", progress=bar)
        year, latest = year_for_yearless(arguments.year)
        profile = learn_profile(inputs, reference_year=year, latest=latest, created_by="prodrescue learn")
    try:
        with open(arguments.output, "w", encoding="utf-8") as handle:
            handle.write(profile.to_json())
    except OSError as error:
        raise InputError(
            f"{arguments.output}: cannot write the profile: {error.strerror or error}"
        ) from error
    print(
        f"prodrescue: learned {len(profile.templates):,} templates from {profile.events:,} events; "
        f"wrote {arguments.output}",
        file=sys.stderr,
    )
    return report_input_errors([str(error) for error in errors])
