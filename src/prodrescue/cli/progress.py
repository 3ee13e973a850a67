"""The progress bar that the commands draw on stderr while they read long inputs.

The bar appears only when stderr is a terminal, and only once a run has
taken about a second, so short runs and redirected output never show it. It
is redrawn in place with a carriage return, at most five times a second, and
erased before the command prints its report. ``--quiet`` turns it off, and
so does reading standard input from a terminal, where the user types the lines.
"""

from __future__ import annotations

__all__ = ["ProgressBar", "add_quiet_option", "progress_bar", "typed_on_terminal"]

import argparse
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from prodrescue.progress import ProgressInfo

# Seconds a run takes before the bar first appears.
DELAY_SECONDS = 1.0
# Minimum seconds between two redraws.
REDRAW_SECONDS = 0.2
_BAR_CELLS = 20


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """Add ``-q``/``--quiet``, which hides the progress bar."""
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="do not show the progress bar on stderr during long runs"
    )


def typed_on_terminal(paths: Sequence[str]) -> bool:
    """Return whether standard input is one of ``paths`` and a terminal, so that the user types the lines.

    A bar drawn then would land in the middle of the typed text.
    """
    return "-" in paths and sys.stdin.isatty()


class ProgressBar:
    """Draw reading progress on one terminal line, as a ``progress`` callback.

    The line shows a bar and the percentage when the total size is known,
    then the lines read, lines per second and bytes read.
    """

    def __init__(
        self, stream: TextIO, delay: float = DELAY_SECONDS, interval: float = REDRAW_SECONDS
    ) -> None:
        self._stream = stream
        self._delay = delay
        self._interval = interval
        self._start = time.monotonic()
        self._last_draw: float | None = None
        self._width = 0  # Characters of the bar on screen, 0 when it is not shown.

    def __call__(self, info: ProgressInfo) -> None:
        now = time.monotonic()
        if now - self._start < self._delay:
            return
        if self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._last_draw = now
        columns = _terminal_columns(self._stream)
        # One column stays free: a line that fills the terminal makes some
        # terminals wrap, and the carriage return then misses the bar's start.
        text = format_progress(info)[: max(columns - 1, 1)]
        padding = " " * max(self._width - len(text), 0)
        self._stream.write(f"\r{text}{padding}")
        self._stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the bar, if it is shown, and leave the cursor at the start of its line."""
        if not self._width:
            return
        self._stream.write("\r" + " " * self._width + "\r")
        self._stream.flush()
        self._width = 0


def _terminal_columns(stream: TextIO) -> int:
    """Return the terminal's width, or the ``COLUMNS`` variable or 80 when the terminal reports none."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        columns = 0
    return columns or shutil.get_terminal_size().columns


def format_progress(info: ProgressInfo) -> str:
    """Describe ``info`` in one line, such as ``[########------------]  40%  81,920 lines  ...``.

    The percentage and bar appear only when the total size is known.
    """
    rate = info.lines / info.elapsed if info.elapsed > 0 else 0.0
    counts = f"{info.lines:,} lines  {rate:,.0f} lines/s  {_size(info.bytes_read)}"
    fraction = info.fraction
    if fraction is None or info.total_bytes is None:
        return f"reading  {counts}"
    filled = int(fraction * _BAR_CELLS)
    bar = "#" * filled + "-" * (_BAR_CELLS - filled)
    return f"[{bar}] {fraction:4.0%}  {counts} of {_size(info.total_bytes)}"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    value = float(count)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} TiB"


class _ClearBeforeRecords(logging.Filter):
    """Erase the bar before a log record is written to stderr, so that the message starts a fresh line."""

    def __init__(self, bar: ProgressBar) -> None:
        super().__init__()
        self._bar = bar

    def filter(self, record: logging.LogRecord) -> bool:
        self._bar.clear()
        return True


@contextmanager
def progress_bar(stream: TextIO, quiet: bool) -> Iterator[ProgressBar | None]:
    """Yield a :class:`ProgressBar` on ``stream``, or None when ``quiet`` is set or it is not a terminal.

    The bar is erased when the block ends, normally or by an exception. While
    it is active, log messages of the ``prodrescue`` loggers erase it first.
    """
    if quiet or not stream.isatty():
        yield None
        return
    bar = ProgressBar(stream, delay=DELAY_SECONDS, interval=REDRAW_SECONDS)
    handlers = logging.getLogger("prodrescue").handlers
    clearing = _ClearBeforeRecords(bar)
    for handler in handlers:
        handler.addFilter(clearing)
    try:
        yield bar
    finally:
        bar.clear()
        for handler in handlers:
            handler.removeFilter(clearing)
