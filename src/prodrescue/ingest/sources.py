"""Find and read log inputs: files, directories, gzip files and standard input.

Lines are read as bytes and decoded as UTF-8 with replacement characters, so
any byte sequence can be read. Lines longer than :data:`MAX_LINE_CHARS` are cut
before parsing, and the pipeline reports how many were cut.
"""

from __future__ import annotations

__all__ = ["MAX_LINE_CHARS", "LogSource", "decode_line", "discover_sources"]

import gzip
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from prodrescue.errors import InputError

logger = logging.getLogger(__name__)

# Maximum characters kept of one line. Longer lines are cut before parsing.
# 64 Ki characters leave room for typical log messages and bound the cost of one line.
MAX_LINE_CHARS = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096
# Suffixes of files in a log directory that are skipped as not logs: code,
# docs, configuration, images, archives and keys. Anything else (.log, .txt,
# .out, .json, rotated files such as app.log.1, files without a suffix) is read.
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
        """Open the input for reading bytes, decompressing gzip files."""
        if self.path is None:
            return sys.stdin.buffer
        with open(self.path, "rb") as probe:
            magic = probe.read(2)
        if magic == _GZIP_MAGIC:
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return open(self.path, "rb")

    def iter_lines(self) -> Iterator[bytes]:
        """Yield the raw lines, line endings included. Raises InputError when reading fails."""
        handle = self.open_binary()
        try:
            yield from handle
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise InputError(f"{self.name}: read failed: {error}") from error
        finally:
            if self.path is not None:
                handle.close()


def decode_line(raw: bytes | str) -> tuple[str, bool]:
    """Decode one line as UTF-8, without its line ending.

    Invalid bytes become U+FFFD and NUL characters are removed. Returns the text
    and whether it was cut to :data:`MAX_LINE_CHARS` characters.
    """
    if isinstance(raw, bytes):
        # A UTF-8 character has at most 4 bytes, so bytes beyond 4 * MAX_LINE_CHARS
        # (plus the line ending) cannot be among the kept characters and are not decoded.
        text = raw[: MAX_LINE_CHARS * 4 + 2].decode("utf-8", errors="replace")
    else:
        text = raw
    if text.endswith("\n"):
        text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    truncated = len(text) > MAX_LINE_CHARS or (isinstance(raw, bytes) and len(raw) > MAX_LINE_CHARS * 4 + 2)
    if truncated:
        text = text[:MAX_LINE_CHARS]
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, truncated


def discover_sources(paths: Sequence[str | os.PathLike[str]]) -> list[LogSource]:
    """Expand paths into sources: ``-`` is standard input, a directory gives its files.

    Files inside a directory and its subdirectories are taken in sorted order.
    Hidden files and directories are skipped, and so are files whose suffix
    marks them as not logs (code, documents, images, archives, keys) and files
    that look binary (a NUL byte in the first 4 KiB). Raises
    :class:`InputError` for a path that does not exist, cannot be read, or is
    not a regular file or directory.
    """
    sources: list[LogSource] = []
    for item in paths:
        text = os.fspath(item)
        if text == "-":
            sources.append(LogSource("<stdin>", None))
            continue
        path = Path(text)
        if path.is_dir():
            sources.extend(_directory_sources(path))
        elif path.is_file():
            _check_readable(path)
            if _looks_binary(path):
                logger.warning("skipping %s: it looks like a binary file, not a log", path)
                continue
            sources.append(LogSource(text, path))
        elif path.exists():
            raise InputError(f"{text}: not a regular file or directory")
        else:
            raise InputError(f"{text}: no such file or directory")
    return sources


def _directory_sources(directory: Path) -> list[LogSource]:
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
            _check_readable(path)
            if _looks_binary(path):
                logger.warning("skipping %s: it looks like a binary file, not a log", path)
                continue
            found.append(LogSource(str(path), path))
    if not found:
        logger.warning("directory %s contains no log files", directory)
    return found


def _check_readable(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from error


def _looks_binary(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(_GZIP_MAGIC):
        return False
    return b"\x00" in head
