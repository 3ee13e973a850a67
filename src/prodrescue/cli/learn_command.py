"""``prodrescue learn``: write a baseline profile of healthy logs."""

from __future__ import annotations

__all__ = ["add_parser"]

import argparse
import sys
from typing import Any

from prodrescue.cli.diagnose_command import year_argument
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
        help="healthy log files, directories, or - for standard input; an input that cannot be read "
        "fully stops the command, because a partial baseline would call the rest new",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PROFILE",
        help="file to write the profile to, or - for standard output",
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
    from prodrescue.api import learn

    with progress_bar(sys.stderr, arguments.quiet or typed_on_terminal(arguments.paths)) as bar:
        profile = learn(paths=arguments.paths, reference_year=arguments.year, progress=bar)
    if arguments.output == "-":
        sys.stdout.write(profile.to_json())
        return 0
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
    return 0
