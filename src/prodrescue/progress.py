"""Reading progress: lines and bytes read so far, reported to a caller's callback.

:func:`prodrescue.diagnose` and :func:`prodrescue.mine_templates` accept a
``progress`` callback. The library only calls it and never draws anything;
the command line turns the reports into a progress bar on stderr.

Counting happens where the lines leave each input's reader, so it costs a
few operations per line and the callback runs once per
:data:`REPORT_EVERY_LINES` lines of an input.
"""

from __future__ import annotations

__all__ = ["REPORT_EVERY_LINES", "ProgressCallback", "ProgressInfo", "ReadMeter"]

import io
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

if TYPE_CHECKING:
    from prodrescue.errors import InputError
    from prodrescue.ingest.sources import LogSource

# Lines read from one input between two reports. A report costs microseconds,
# while a diagnosis spends about half a second on 4,096 lines, so reports add
# nothing measurable. Counting adds about 60 ns per line. Both figures come
# from benchmarks/progress_overhead.py.
REPORT_EVERY_LINES = 4096

_Line = TypeVar("_Line", bound="str | bytes")


@dataclass(frozen=True, slots=True)
class ProgressInfo:
    """How much of the input has been read, as passed to a ``progress`` callback.

    ``lines`` counts the physical lines read from all inputs. ``bytes_read``
    counts the bytes read from files and standard input, as stored: the
    compressed bytes of a gzip, bzip2 or xz file, but the decompressed bytes
    of a zstd file, whose reader does not expose its file position. Lines
    passed in memory add to ``lines`` only. ``total_bytes`` is the combined
    size of the input files when every input is a regular file whose read
    position is known (no standard input, no lines in memory, no zstd), else
    None. ``elapsed`` is the number of seconds since the first line was
    requested. ``finished`` is True in the last report, made once every input
    has been read to its end.
    """

    lines: int
    bytes_read: int
    total_bytes: int | None
    elapsed: float
    finished: bool = False

    @property
    def fraction(self) -> float | None:
        """The share of ``total_bytes`` read so far, 0 to 1, or None when the total is unknown."""
        if self.total_bytes is None:
            return None
        if self.total_bytes == 0:
            return 1.0
        return min(self.bytes_read / self.total_bytes, 1.0)


ProgressCallback = Callable[[ProgressInfo], None]


@dataclass(slots=True)
class _InputCount:
    """Lines and bytes read so far from one input."""

    size: int | None
    in_memory: bool = False
    lines: int = 0
    # Lengths of the lines read, plus one byte per line for its ending.
    line_bytes: int = 0
    compressed: BinaryIO | None = None
    finished: bool = False

    def attach(self, handle: BinaryIO) -> None:
        """Keep the handle of a compressed file, because its file position counts the compressed bytes."""
        if isinstance(handle, io.BufferedReader):
            return  # A plain file or standard input, whose bytes read are the lines' lengths.
        try:
            handle.fileno()
        except (OSError, AttributeError):
            # zstandard's reader has no file descriptor, so only the
            # decompressed bytes are known and no share can be computed.
            self.size = None
            return
        self.compressed = handle

    def bytes_read(self) -> int:
        if self.in_memory:
            return 0
        if self.finished and self.size is not None:
            return self.size
        if self.compressed is not None:
            try:
                return os.lseek(self.compressed.fileno(), 0, os.SEEK_CUR)
            except (OSError, ValueError, AttributeError):  # The reader has finished and closed it.
                pass
        # Lines ending in "\r\n" are counted one byte short, and the last
        # line one byte long when it has no ending, so cap at the file size.
        if self.size is not None:
            return min(self.line_bytes, self.size)
        return self.line_bytes


class ReadMeter:
    """Count the lines and bytes that the inputs' readers yield, and report them to a callback.

    Each input's lines pass through a counting generator. The callback runs
    after every :data:`REPORT_EVERY_LINES` lines of one input, once when an
    input ends, and a last time (``finished=True``) when all inputs have
    ended. The counts of the other inputs in a report may lag behind by up to
    ``REPORT_EVERY_LINES - 1`` lines each, but they never decrease.
    """

    def __init__(self, callback: ProgressCallback, every: int = REPORT_EVERY_LINES) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1 line, got {every}")
        self._callback = callback
        self._every = every
        self._inputs: list[_InputCount] = []
        self._ended = 0
        self._start: float | None = None

    def watch_source(self, source: LogSource, errors: list[InputError] | None = None) -> Iterator[bytes]:
        """Return the lines of ``source`` (see :meth:`LogSource.iter_lines`), counted."""
        count = _InputCount(size=_file_size(source.path))
        self._inputs.append(count)
        return self._count(count, source.iter_lines(errors, opened=count.attach))

    def watch_lines(self, lines: Iterable[_Line]) -> Iterator[_Line]:
        """Return the lines given in memory, counted as lines without bytes."""
        count = _InputCount(size=None, in_memory=True)
        self._inputs.append(count)
        return self._count(count, lines)

    def _count(self, count: _InputCount, lines: Iterable[_Line]) -> Iterator[_Line]:
        # This loop runs once per line, so it keeps its counts in local
        # variables and copies them to ``count`` only at each report.
        if self._start is None:
            self._start = time.monotonic()
        every = self._every
        next_report = every
        number = 0
        length = 0
        for line in lines:
            number += 1
            length += len(line)
            if number == next_report:
                count.lines = number
                count.line_bytes = length + number
                self._report(finished=False)
                next_report += every
            yield line
        count.lines = number
        count.line_bytes = length + number
        count.finished = True
        self._ended += 1
        self._report(finished=self._ended == len(self._inputs))

    def _report(self, finished: bool) -> None:
        sizes = [count.size for count in self._inputs]
        total = None if None in sizes else sum(size for size in sizes if size is not None)
        start = self._start if self._start is not None else time.monotonic()
        info = ProgressInfo(
            lines=sum(count.lines for count in self._inputs),
            bytes_read=sum(count.bytes_read() for count in self._inputs),
            total_bytes=total,
            elapsed=time.monotonic() - start,
            finished=finished,
        )
        self._callback(info)


def _file_size(path: Path | None) -> int | None:
    """Return the size of a file in bytes, or None for standard input or a file that cannot be examined."""
    if path is None:
        return None
    try:
        return path.stat().st_size
    except OSError:
        return None
