"""Find and read log inputs: files, directories, compressed files and standard input.

A path that cannot be used (missing, unreadable, not a file) and a file that
fails while it is read are input errors. They are raised, or, when the caller
passes an ``errors`` list, recorded there so that the other inputs are still
read. :mod:`prodrescue.ingest.reading` does the decompression and line splitting.
"""

from __future__ import annotations

__all__ = ["LogSource", "discover_sources"]

import gzip
import logging
import lzma
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from prodrescue.errors import InputError
from prodrescue.ingest.reading import decompressed, looks_binary, open_decompressed, split_lines

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 4096
# NUL bytes at the start of a file that the binary check skips (copytruncate leaves them).
_MAX_LEADING_NUL_BYTES = 1024 * 1024
# Errors that reading a plain or compressed file can raise part way through.
_READ_ERRORS = (OSError, EOFError, ValueError, gzip.BadGzipFile, lzma.LZMAError)
# Suffixes of files in a log directory that are skipped as not logs: code,
# docs, configuration, tables (CSV exports sit beside logs in benchmark and
# incident folders), images, archives and keys. Anything else (.log, .txt,
# .out, .json, rotated files such as app.log.1, files without a suffix) is
# read, and a file named on its own is read whatever its suffix.
_NOT_LOG_SUFFIXES = frozenset(
    {
        ".py",
        ".pyc",
        ".md",
        ".rst",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".sh",
        ".js",
        ".ts",
        ".java",
        ".go",
        ".rb",
        ".c",
        ".h",
        ".html",
        ".css",
        ".csv",
        ".tsv",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".pdf",
        ".zip",
        ".tar",
        ".jar",
        ".so",
        ".exe",
        ".db",
        ".sqlite",
        ".pem",
        ".key",
        ".crt",
    }
)


@dataclass(frozen=True, slots=True)
class LogSource:
    """One input: a file, or standard input when ``path`` is None."""

    name: str
    path: Path | None

    def open_binary(self) -> BinaryIO:
        """Open the input for reading bytes, decompressing gzip, bzip2, xz and zstd data.

        Standard input is checked for binary data here, because its first bytes
        can only be seen once reading starts. A file was checked when it was found.
        """
        if self.path is not None:
            return open_decompressed(self.path, self.name)
        handle = decompressed(sys.stdin.buffer, self.name)
        peek = getattr(handle, "peek", None)
        if peek is not None and looks_binary(peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
            raise InputError(f"{self.name}: looks like binary data, not a log; nothing was read from it")
        return handle

    def iter_lines(
        self, errors: list[InputError] | None = None, opened: Callable[[BinaryIO], None] | None = None
    ) -> Iterator[bytes]:
        """Yield the raw lines without their endings.

        When opening or reading fails part way, the lines read so far stay
        yielded and the failure becomes an :class:`InputError`: appended to
        ``errors`` when a list is given (the iteration then just ends), raised otherwise.
        ``opened``, when given, is called with the open handle before the
        first line is read (progress reports read the file position from it).
        """
        try:
            handle = self.open_binary()
        except OSError as error:
            _fail(InputError(f"{self.name}: cannot be read: {error.strerror or error}"), errors)
            return
        except InputError as error:
            _fail(error, errors)
            return
        try:
            if opened is not None:
                opened(handle)
            yield from split_lines(handle)
        except _READ_ERRORS as error:
            _fail(InputError(f"{self.name}: reading stopped part way: {error}"), errors)
        finally:
            if self.path is not None:
                handle.close()


def discover_sources(
    paths: Sequence[str | os.PathLike[str]], errors: list[InputError] | None = None
) -> list[LogSource]:
    """Expand paths into sources: ``-`` is standard input, a directory gives its files.

    Files inside a directory and its subdirectories are taken in sorted order.
    Hidden files and directories are skipped, and so are files whose suffix
    marks them as not logs (code, documents, images, archives, keys) and files
    that look binary (:func:`prodrescue.ingest.reading.looks_binary`), with a
    warning. A path that does not exist, cannot be read, is not a regular file
    or directory, or is a file named on its own that looks binary is an
    :class:`InputError`: appended to ``errors`` when a list is given, raised
    otherwise.
    """
    sources: list[LogSource] = []
    for item in paths:
        try:
            sources.extend(_expand(os.fspath(item), errors))
        except InputError as error:
            _fail(error, errors)
    return sources


def _expand(text: str, errors: list[InputError] | None) -> list[LogSource]:
    if text == "-":
        return [LogSource("<stdin>", None)]
    path = Path(text)
    if path.is_dir():
        return _directory_sources(path, errors)
    if path.is_file():
        _check_readable(path)
        if _looks_binary(path, text):
            raise InputError(f"{text}: looks like a binary file, not a log; skipped")
        return [LogSource(text, path)]
    if path.exists():
        raise InputError(f"{text}: not a regular file or directory")
    raise InputError(f"{text}: no such file or directory")


def _directory_sources(directory: Path, errors: list[InputError] | None) -> list[LogSource]:
    found: list[LogSource] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if not path.is_file():
                continue
            if path.suffix.lower() in _NOT_LOG_SUFFIXES:
                logger.info("skipping %s: its suffix marks it as not a log file", path)
                continue
            try:
                _check_readable(path)
            except InputError as error:
                _fail(error, errors)
                continue
            if _looks_binary(path, str(path)):
                logger.warning("skipping %s: it looks like a binary file, not a log", path)
                continue
            found.append(LogSource(str(path), path))
    if not found:
        logger.warning("directory %s contains no log files", directory)
    return found


def _fail(error: InputError, errors: list[InputError] | None) -> None:
    if errors is None:
        raise error
    logger.debug("input error recorded: %s", error)
    errors.append(error)


def _check_readable(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from error


def _looks_binary(path: Path, name: str) -> bool:
    """Whether the file's first bytes, after decompression, look binary (see :func:`looks_binary`).

    Leading NUL bytes are skipped first, up to 1 MiB. A compressed file that
    cannot be decompressed is not judged here: reading it reports the error.
    """
    try:
        with open_decompressed(path, name) as handle:
            start = handle.read(_SNIFF_BYTES)
            skipped = 0
            while start and not start.strip(b"\x00") and skipped < _MAX_LEADING_NUL_BYTES:
                skipped += len(start)
                start = handle.read(_SNIFF_BYTES)
            return looks_binary(start + handle.read(_SNIFF_BYTES))
    except (InputError, *_READ_ERRORS):
        return False
