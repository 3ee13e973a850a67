"""``prodrescue diagnose``: diagnose log files, directories or standard input."""

from __future__ import annotations

__all__ = ["add_parser", "positive_int", "report_input_errors", "year_argument"]

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from prodrescue.cli.progress import add_quiet_option, progress_bar, typed_on_terminal
from prodrescue.errors import InputError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "diagnose",
        help="diagnose an incident from log files",
        description="Diagnose an incident: rank root causes, show their evidence, and draft the report.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="FILE|DIR|-",
        help="log files, directories of log files, compressed files (gzip, bzip2, xz, zstd), "
        "or - for standard input (read when no path is given and it is not a terminal); "
        "an input that cannot be read is reported and the others are still diagnosed",
    )
    parser.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE|DIR",
        help="add the rules in this file or directory (repeatable)",
    )
    parser.add_argument(
        "--no-builtin-rules", action="store_true", help="use only the rules given with --rules"
    )
    parser.add_argument(
        "--top",
        type=positive_int,
        default=None,
        metavar="N",
        help="list at most N causes, N >= 1 (default: all)",
    )
    parser.add_argument(
        "--details",
        type=positive_int,
        default=1,
        metavar="N",
        help="text format: show evidence and actions for the first N causes, N >= 1 (default: 1)",
    )
    parser.add_argument(
        "--year",
        type=year_argument,
        default=None,
        help="four-digit year for timestamps that have none, such as syslog's (default: this year)",
    )
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="show secrets (passwords, tokens, keys) in the report's log lines; they are redacted by default",
    )
    parser.add_argument(
        "--keep-ansi",
        action="store_true",
        help="keep terminal colour codes in the report's log lines (removed by default)",
    )
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="PROFILE|FILE",
        help="compare with healthy logs: a profile written by 'prodrescue learn', or healthy log files "
        "to learn from now (repeatable); error templates as usual as there are not raised as causes",
    )
    parser.add_argument(
        "--change-window",
        type=positive_int,
        default=60,
        metavar="MINUTES",
        help="a deploy or config change logged up to this long before a cause's onset is named as the "
        "change that preceded it (default: 60)",
    )
    parser.add_argument(
        "--changes",
        metavar="GIT_REPO",
        help="list the commits of this git repository made before the incident's onset, "
        "ranked higher when they change files or functions named in the evidence",
    )
    parser.add_argument(
        "--changes-hours",
        type=positive_int,
        default=None,
        metavar="N",
        help="with --changes, read the commits of the N hours before the onset (default: 72)",
    )
    parser.add_argument(
        "--context",
        metavar="FILE",
        help="YAML file of services, their logs and their dependencies (payments-api depends on redis); "
        "a failure in a dependency then explains the errors of the services that depend on it",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    add_quiet_option(parser)
    parser.set_defaults(handler=run, command_parser=parser)


def run(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # Imported here, not at the top, so that the other commands and --help
    # start without loading the diagnosis pipeline.
    from prodrescue.api import diagnose, load_rules
    from prodrescue.report import render_markdown, render_text, to_json

    paths = list(arguments.paths)
    if not paths:
        if sys.stdin.isatty():
            parser.error("no input: give log files or directories, or '-' to read standard input")
        paths = ["-"]
    if "-" in paths and sys.stdin.isatty():
        print(
            "prodrescue: reading log lines from standard input; paste them, then press Ctrl-D",
            file=sys.stderr,
        )
    if arguments.changes_hours is not None and not arguments.changes:
        parser.error("--changes-hours needs --changes GIT_REPO")
    if arguments.no_builtin_rules and not arguments.rules:
        parser.error("--no-builtin-rules needs at least one --rules DIR")
    rules = load_rules(arguments.rules, builtin=not arguments.no_builtin_rules)
    with progress_bar(sys.stderr, arguments.quiet or typed_on_terminal(paths)) as bar:
        diagnosis = diagnose(
            paths=paths,
            rules=rules,
            top=arguments.top,
            reference_year=arguments.year,
            redact=not arguments.no_redact,
            keep_ansi=arguments.keep_ansi,
            progress=bar,
            baseline=arguments.baseline or None,
            changes=arguments.changes,
            changes_window_seconds=(arguments.changes_hours or _CHANGES_HOURS) * 3600.0,
            context=arguments.context,
            change_window_seconds=arguments.change_window * 60.0,
        )

    if arguments.format == "json":
        report = to_json(diagnosis) + "\n"
    elif arguments.format == "markdown":
        report = render_markdown(diagnosis)
    else:
        report = render_text(diagnosis, details=arguments.details)
    if arguments.output:
        try:
            with open(arguments.output, "w", encoding="utf-8") as handle:
                handle.write(report)
        except OSError as error:
            raise InputError(
                f"{arguments.output}: cannot write the report: {error.strerror or error}"
            ) from error
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    return report_input_errors(diagnosis.input_errors)


def report_input_errors(errors: Sequence[str]) -> int:
    """Print each input error to stderr; return the exit code: 1 when there were any, else 0."""
    for error in errors:
        print(f"prodrescue: error: {error}", file=sys.stderr)
    return 1 if errors else 0


_MIN_YEAR, _MAX_YEAR = 1970, 2100
_CHANGES_HOURS = 72  # default of --changes-hours


def year_argument(text: str) -> int:
    """Read a ``--year`` value: a four-digit year in a sensible range."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a four-digit year, found {text!r}") from None
    if not _MIN_YEAR <= value <= _MAX_YEAR:
        raise argparse.ArgumentTypeError(f"expected a year from {_MIN_YEAR} to {_MAX_YEAR}, found {value}")
    return value


def positive_int(text: str) -> int:
    """Read a count option such as ``--top``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, found {value}")
    return value
