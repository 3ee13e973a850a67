"""Open log inputs (plain or compressed) and split them into lines in bounded memory.

Files are read as bytes in chunks. A line ends at ``\\n``, ``\\r\\n`` or a lone
``\\r`` (old Mac and some Windows tools), so a file with only carriage returns
is not read as one endless line. A line longer than the per-line cap is cut:
its first part is kept and the rest is skipped without being held in memory,
so a 50 MB line costs no more than a short one.
"""

from __future__ import annotations

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_LINE_CHARS",
    "decode_line",
    "decompressed",
    "looks_binary",
    "open_decompressed",
    "read_small_text",
    "split_lines",
    "split_text",
]

import bz2
import gzip
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, overload

from prodrescue.errors import InputError

# Characters kept of one line; longer lines are cut before parsing. 64 Ki
# characters leave room for typical log messages and bound the cost of one line.
MAX_LINE_CHARS = 64 * 1024
# Bytes read of one line: a UTF-8 character has at most 4 bytes.
MAX_LINE_BYTES = MAX_LINE_CHARS * 4
_CHUNK_BYTES = 1 << 20

_MAGIC_GZIP = b"\x1f\x8b"
_MAGIC_BZIP2 = b"BZh"
_MAGIC_XZ = b"\xfd7zXZ\x00"
_MAGIC_ZSTD = b"\x28\xb5\x2f\xfd"
COMPRESSED_MAGICS = (_MAGIC_GZIP, _MAGIC_BZIP2, _MAGIC_XZ, _MAGIC_ZSTD)
# Every byte except the control characters that binary data has and text lacks.
_NOT_CONTROL = bytes(byte for byte in range(256) if byte >= 32 or byte in b"\t\n\v\f\r\x1b")


def open_decompressed(path: Path, name: str) -> BinaryIO:
    """Open a file for reading bytes, decompressing gzip, bzip2, xz and zstd by their magic bytes."""
    with open(path, "rb") as probe:
        magic = probe.read(6)
    if magic.startswith(_MAGIC_GZIP):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_BZIP2):
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_XZ):
        return lzma.open(path, "rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_ZSTD):
        raw = open(path, "rb")  # noqa: SIM115 - closed by the reader that wraps it
        try:
            return _zstd_reader(raw, name)
        except InputError:
            raw.close()
            raise
    return open(path, "rb")


def decompressed(stream: BinaryIO, name: str) -> BinaryIO:
    """Wrap a buffered byte stream (standard input) in the decompressor that its first bytes call for.

    The stream itself is returned when it is not compressed. Closing a gzip,
    bzip2 or xz reader made here leaves ``stream`` open.
    """
    peek = getattr(stream, "peek", None)
    magic = peek(6)[:6] if peek is not None else b""
    if magic.startswith(_MAGIC_GZIP):
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_BZIP2):
        return bz2.BZ2File(stream, "rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_XZ):
        return lzma.LZMAFile(stream, "rb")  # type: ignore[return-value]
    if magic.startswith(_MAGIC_ZSTD):
        return _zstd_reader(stream, name)
    return stream


def _zstd_reader(raw: BinaryIO, name: str) -> BinaryIO:
    try:
        import zstandard
    except ImportError:
        raise InputError(
            f"{name}: zstd-compressed, and the zstandard package is not installed; "
            "install it with: pip install 'prodrescue[zstd]'"
        ) from None
    return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)


def looks_binary(sample: bytes) -> bool:
    """Return whether the first bytes of a (decompressed) file look like binary data rather than text.

    NUL bytes at the start are ignored: ``logrotate``'s copytruncate leaves
    them when a writer keeps its offset. Otherwise a sample is binary when more
    than a tenth of its bytes are NULs, or more than one in twenty of the rest
    are control characters other than tab, line endings, form feed and ESC
    (colour codes). Invalid UTF-8 is not binary.
    """
    sample = sample.lstrip(b"\x00")
    if not sample:
        return False
    text = sample.replace(b"\x00", b"")
    if len(sample) - len(text) > len(sample) // 10:
        return True
    controls = len(text.translate(None, _NOT_CONTROL))
    return controls > len(text) // 20


def split_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Yield the lines of a binary stream without their endings, cutting very long ones.

    A cut line is yielded as its first ``MAX_LINE_BYTES + 3`` bytes, more than
    :func:`decode_line` keeps, so that it reports the cut.
    """
    # read1 returns what one underlying read gives, so when a compressed file
    # is damaged part way, the lines before the damage have already been yielded.
    read = getattr(handle, "read1", handle.read)
    pending = b""
    skipping = False  # inside the tail of a line that was already cut
    while chunk := read(_CHUNK_BYTES):
        lines, pending = _split_chunk(pending + chunk)
        if lines:
            # With ``skipping`` set, the first piece is the rest of the cut line.
            yield from lines[1:] if skipping else lines
            skipping = False
        if len(pending) > MAX_LINE_BYTES:
            if not skipping:
                yield pending[: MAX_LINE_BYTES + 3]
            skipping = True
            pending = b""
    if pending and not skipping:
        yield pending[:-1] if pending.endswith(b"\r") else pending


@overload
def split_text(text: str) -> list[str]: ...
@overload
def split_text(text: bytes) -> list[bytes]: ...
def split_text(text: str | bytes) -> list[str] | list[bytes]:
    """Split text held in memory into lines, at the same line endings as files.

    Unlike ``str.splitlines``, form feeds and other Unicode separators stay
    inside their line, so pasted text and the same text in a file give the
    same lines.
    """
    if isinstance(text, bytes):
        raw = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        return raw[:-1] if not raw[-1] else raw  # drop the ending of the last line
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if not lines[-1] else lines


def _split_chunk(data: bytes) -> tuple[list[bytes], bytes]:
    """Split ``data`` into complete lines and the unfinished rest.

    A ``\\r`` at the very end stays in the rest: the next chunk may begin
    with the ``\\n`` of a ``\\r\\n`` pair.
    """
    if b"\r" in data:
        carry = b"\r" if data.endswith(b"\r") else b""
        body = data[:-1] if carry else data
        lines = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        return lines, lines.pop() + carry
    lines = data.split(b"\n")
    return lines, lines.pop()


def decode_line(raw: bytes | str) -> tuple[str, bool]:
    """Decode one line as UTF-8, without its line ending.

    Invalid bytes become U+FFFD and NUL characters are removed. Returns the text
    and whether it was cut to :data:`MAX_LINE_CHARS` characters.
    """
    if isinstance(raw, bytes):
        truncated_bytes = len(raw) > MAX_LINE_BYTES + 2
        text = raw[: MAX_LINE_BYTES + 2].decode("utf-8", errors="replace")
    else:
        truncated_bytes = False
        text = raw
    if text.endswith("\n"):
        text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    truncated = truncated_bytes or len(text) > MAX_LINE_CHARS
    if truncated:
        text = text[:MAX_LINE_CHARS]
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, truncated


def read_small_text(path: Path, max_bytes: int, kind: str, error_type: type[InputError]) -> str:
    """Return the UTF-8 text of a small input file such as a profile or context file.

    Raises ``error_type`` naming the file and ``kind`` when the file cannot be
    read, is not UTF-8, or is larger than ``max_bytes``.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error_type(f"{path}: {size:,} bytes is too large for a {kind} (at most {max_bytes:,})")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise error_type(f"{path}: cannot read the {kind}: {error}") from error
