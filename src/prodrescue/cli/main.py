"""The ``prodrescue`` command: argument parsing, logging setup, exit codes.

Exit codes: 0 when the command ran (whether or not a cause was found), 1 when
an input could not be read (the report of the other inputs is still printed),
rules are invalid or rule examples fail, 2 on usage errors, and 130 when
interrupted.
"""

from __future__ import annotations

__all__ = ["main"]

import argparse
import logging
import sys
from collections.abc import Sequence

from prodrescue import __version__
from prodrescue.cli import diagnose_command, learn_command, parse_command, rules_command, templates_command
from prodrescue.errors import InputError, RuleError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="prodrescue",
        description="Diagnose production incidents from logs: ranked root causes with evidence.",
    )
    parser.add_argument("--version", action="version", version=f"prodrescue {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more to stderr (-v: info, -vv: debug)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    diagnose_command.add_parser(commands)
    learn_command.add_parser(commands)
    parse_command.add_parser(commands)
    rules_command.add_parser(commands)
    templates_command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    _configure_logging(arguments.verbose)
    try:
        return int(arguments.handler(arguments, arguments.command_parser))
    except SystemExit as exit_:  # usage errors found by a command after parsing
        return int(exit_.code or 0)
    except (InputError, RuleError) as error:
        print(f"prodrescue: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("prodrescue: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe (``| head``), so there is nothing left to report.
        sys.stderr.close()
        return EXIT_OK


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("prodrescue: %(levelname)s: %(message)s"))
    root = logging.getLogger("prodrescue")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _one_line(error: Exception) -> str:
    if isinstance(error, RuleError) and len(error.problems) > 1:
        rest = len(error.problems) - 1
        return (
            f"{error.first} (and {rest} more problem{'s' if rest > 1 else ''}; "
            f"run 'prodrescue rules check FILE' to list them)"
        )
    return str(error).splitlines()[0] if str(error) else type(error).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
