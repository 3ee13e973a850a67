"""Reading bytes: split_lines (line endings, very long lines) and decode_line."""

import io

import pytest

from prodrescue.ingest.reading import MAX_LINE_BYTES, MAX_LINE_CHARS, decode_line, looks_binary, split_lines
from prodrescue.ingest.stream import SourceCounter, iter_events


class ChunkedReader(io.RawIOBase):
    """A stream that returns at most ``size`` bytes per read, to cut lines across chunks."""

    def __init__(self, data: bytes, size: int) -> None:
        self._data = data
        self._size = size
        self._offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        piece = self._data[self._offset : self._offset + self._size]
        self._offset += len(piece)
        return piece


def split(data: bytes, chunk: int = 1 << 20) -> list[bytes]:
    return list(split_lines(ChunkedReader(data, chunk)))  # type: ignore[arg-type]


# split_lines


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        pytest.param(b"a\nb\n", [b"a", b"b"], id="lf"),
        pytest.param(b"a\r\nb\r\n", [b"a", b"b"], id="crlf"),
        pytest.param(b"a\rb\r", [b"a", b"b"], id="lone-cr"),
        pytest.param(b"a\r\nb\rc\nd", [b"a", b"b", b"c", b"d"], id="mixed"),
        pytest.param(b"a\nb", [b"a", b"b"], id="no-final-ending"),
        pytest.param(b"a\n\nb\n", [b"a", b"", b"b"], id="blank-line"),
        pytest.param(b"", [], id="empty"),
    ],
)
def test_split_line_endings(data: bytes, lines: list[bytes]) -> None:
    assert split(data) == lines


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_split_crlf_across_chunks(chunk: int) -> None:
    # A chunk that ends between \r and \n must not produce an extra blank line.
    data = b"first line\r\nsecond\r\nthird\rfourth\n"
    assert split(data, chunk) == [b"first line", b"second", b"third", b"fourth"]


def test_split_cuts_long_line() -> None:
    data = b"before\n" + b"x" * (MAX_LINE_BYTES * 3) + b"\nafter\n"
    lines = split(data, 64 * 1024)
    assert [len(line) for line in lines] == [6, MAX_LINE_BYTES + 3, 5]


def test_split_50mb_line_keeps_neighbours() -> None:
    data = (
        b"2024-01-12 03:47:01 ERROR before\n"
        + b"y" * (50 * 1024 * 1024)
        + b"\n2024-01-12 03:47:02 ERROR after\n"
    )
    lines = split(data)
    assert lines[0] == b"2024-01-12 03:47:01 ERROR before"
    assert lines[2] == b"2024-01-12 03:47:02 ERROR after"
    assert len(lines) == 3


def test_split_long_line_at_end() -> None:
    lines = split(b"ok\n" + b"z" * (MAX_LINE_BYTES + 10), 1000)
    assert [len(line) for line in lines] == [2, MAX_LINE_BYTES + 3]


def test_long_line_counted_as_cut() -> None:
    data = (
        b"2024-01-12 03:47:01 ERROR payload="
        + b"x" * (MAX_LINE_BYTES * 2)
        + b"\n2024-01-12 03:47:02 INFO ok\n"
    )
    counter = SourceCounter("api.log")
    events = list(iter_events(split(data), counter, 2024))
    assert counter.truncated_lines == 1
    assert [event.message for event in events][-1] == "ok"


# decode_line


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        pytest.param(b"Charge failed\n", "Charge failed", id="lf"),
        pytest.param(b"Charge failed\r\n", "Charge failed", id="crlf"),
        pytest.param(b"Charge failed\r", "Charge failed", id="lone-cr"),
        pytest.param(b"Charge failed", "Charge failed", id="no-ending"),
        pytest.param(b"\n", "", id="empty"),
        pytest.param("Charge failed\r\n", "Charge failed", id="str-crlf"),
        pytest.param("caf\u00e9 ready\n", "caf\u00e9 ready", id="str-utf8"),
        pytest.param(b"caf\xc3\xa9 ready\n", "caf\u00e9 ready", id="utf8"),
        pytest.param(b"user \xff\xfe logged in\n", "user \ufffd\ufffd logged in", id="invalid-utf8"),
        pytest.param(b"caf\xe9 ready\n", "caf\ufffd ready", id="latin1-byte"),
        pytest.param(b"2024-01-12\x00 ERROR\x00 boom\n", "2024-01-12 ERROR boom", id="nul-bytes"),
        pytest.param(b"\tat x.Y.z(Y.java:1)\r\n", "\tat x.Y.z(Y.java:1)", id="keeps-indent"),
    ],
)
def test_decode_line(raw: bytes | str, text: str) -> None:
    assert decode_line(raw) == (text, False)


def test_long_line_cut() -> None:
    raw = b"2024-01-12 03:47:01 ERROR payload=" + b"x" * (MAX_LINE_CHARS + 100) + b"\n"
    text, truncated = decode_line(raw)
    assert truncated
    assert len(text) == MAX_LINE_CHARS
    assert text.startswith("2024-01-12 03:47:01 ERROR payload=x")


def test_long_str_line_cut() -> None:
    text, truncated = decode_line("y" * (MAX_LINE_CHARS * 2))
    assert truncated
    assert len(text) == MAX_LINE_CHARS


def test_line_at_limit_not_cut() -> None:
    raw = b"z" * MAX_LINE_CHARS + b"\r\n"
    text, truncated = decode_line(raw)
    assert not truncated
    assert len(text) == MAX_LINE_CHARS


def test_multibyte_line_under_limit_not_cut() -> None:
    # 30000 euro signs are 30000 characters (90000 bytes): under the character cap.
    line = "\u20ac" * 30_000
    text, truncated = decode_line(line.encode("utf-8") + b"\n")
    assert not truncated
    assert text == line


@pytest.mark.parametrize(
    ("sample", "binary"),
    [
        pytest.param(b"2024-01-12 ERROR boom\n" * 20, False, id="text"),
        pytest.param(b"\x00" * 8192, False, id="only-nuls"),
        pytest.param(b"\x00" * 4096 + b"2024-01-12 ERROR disk full\n" * 10, False, id="copytruncate-nuls"),
        pytest.param(b"user \xff\xfe logged in\x00\n" * 5, False, id="invalid-utf8-and-nul"),
        pytest.param(b"\x1b[31mERROR\x1b[0m boom\n" * 10, False, id="colour-codes"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, True, id="elf"),
        pytest.param("2024-01-12 ERROR boom\n".encode("utf-16-le") * 10, True, id="utf-16"),
    ],
)
def test_looks_binary(sample: bytes, binary: bool) -> None:
    assert looks_binary(sample) is binary
