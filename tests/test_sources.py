"""Log inputs: discover_sources and LogSource reading (files, compressed files, stdin)."""

import bz2
import gzip
import io
import logging
import lzma
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from prodrescue.errors import InputError
from prodrescue.ingest.reading import MAX_LINE_BYTES
from prodrescue.ingest.sources import LogSource, discover_sources
from prodrescue.ingest.stream import SourceCounter, iter_events

API_LINES = (
    b"2024-01-12 03:47:01,123 ERROR payments.api: Charge failed\n"
    b"2024-01-12 03:47:02,001 INFO payments.api: Retrying\n"
)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def names(sources: list[LogSource], root: Path) -> list[str]:
    return [Path(source.name).relative_to(root).as_posix() for source in sources]


# discover_sources


def test_single_file_source(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    assert discover_sources([path]) == [LogSource(str(path), path)]


def test_file_as_string_path(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    sources = discover_sources([str(path)])
    assert sources[0].name == str(path)


def test_sources_keep_argument_order(tmp_path: Path) -> None:
    second = write(tmp_path / "b.log", API_LINES)
    first = write(tmp_path / "a.log", API_LINES)
    sources = discover_sources([second, first])
    assert [source.path for source in sources] == [second, first]


def test_directory_files_sorted(tmp_path: Path) -> None:
    write(tmp_path / "worker.log", API_LINES)
    write(tmp_path / "api.log", API_LINES)
    write(tmp_path / "api.log.1", API_LINES)
    write(tmp_path / "postgresql.log", API_LINES)
    sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log", "api.log.1", "postgresql.log", "worker.log"]


def test_subdirectory_files_included(tmp_path: Path) -> None:
    write(tmp_path / "api.log", API_LINES)
    write(tmp_path / "db" / "postgresql.log", API_LINES)
    write(tmp_path / "db" / "archive" / "postgresql-2024-01-11.log", API_LINES)
    sources = discover_sources([tmp_path])
    assert sorted(names(sources, tmp_path)) == [
        "api.log",
        "db/archive/postgresql-2024-01-11.log",
        "db/postgresql.log",
    ]


def test_source_path_matches_name(tmp_path: Path) -> None:
    write(tmp_path / "db" / "postgresql.log", API_LINES)
    (source,) = discover_sources([tmp_path])
    assert source.path == tmp_path / "db" / "postgresql.log"
    assert source.name == str(source.path)


def test_directory_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "api.log", API_LINES)
    write(tmp_path / ".api.log.swp", API_LINES)
    write(tmp_path / ".cache" / "old.log", API_LINES)
    sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log"]


@pytest.mark.parametrize(
    "name",
    ["README.md", "deploy.sh", "values.yaml", "collect.py", "logo.png", "server.key", "templates.csv"],
)
def test_directory_skips_code_and_docs(tmp_path: Path, name: str) -> None:
    write(tmp_path / "api.log", API_LINES)
    write(tmp_path / name, b"# not a log\n")
    sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log"]


@pytest.mark.parametrize("name", ["api.log", "api.txt", "api.out", "api.json", "syslog", "api.log.2"])
def test_directory_reads_log_names(tmp_path: Path, name: str) -> None:
    write(tmp_path / name, API_LINES)
    sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == [name]


def test_directory_skips_binary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "api.log", API_LINES)
    binary = write(tmp_path / "core.dump", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    with caplog.at_level(logging.WARNING, logger="prodrescue.ingest.sources"):
        sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log"]
    assert str(binary) in caplog.text


def test_binary_skip_is_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "core.dump", b"\x00\x01\x02\x03")
    write(tmp_path / "api.log", API_LINES)
    with caplog.at_level(logging.WARNING, logger="prodrescue.ingest.sources"):
        discover_sources([tmp_path])
    levels = [record.levelno for record in caplog.records if "core.dump" in record.getMessage()]
    assert levels == [logging.WARNING]


def test_empty_directory_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="prodrescue.ingest.sources"):
        sources = discover_sources([tmp_path])
    assert sources == []
    assert str(tmp_path) in caplog.text


def test_named_file_read_whatever_suffix(tmp_path: Path) -> None:
    # The suffix filter is for directory scans: a file named on purpose is read.
    path = write(tmp_path / "incident-notes.md", API_LINES)
    assert discover_sources([path]) == [LogSource(str(path), path)]


def test_stdin_source() -> None:
    assert discover_sources(["-"]) == [LogSource("<stdin>", None)]


def test_missing_path_raises(tmp_path: Path) -> None:
    missing = tmp_path / "payments" / "api.log"
    with pytest.raises(InputError, match=re.escape(str(missing))):
        discover_sources([missing])


def test_missing_path_after_good_one(tmp_path: Path) -> None:
    good = write(tmp_path / "api.log", API_LINES)
    missing = tmp_path / "worker.log"
    with pytest.raises(InputError, match=re.escape(str(missing))):
        discover_sources([good, missing])


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not stop root from reading",
)
def test_unreadable_file_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    path.chmod(0)
    try:
        with pytest.raises(InputError, match=re.escape(str(path))):
            discover_sources([path])
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "live.log"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=re.escape(str(fifo))):
        discover_sources([fifo])


# Reading: plain files, gzip and standard input


def test_plain_file_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    (source,) = discover_sources([path])
    assert list(source.iter_lines()) == API_LINES.splitlines()


def test_gzip_file_read(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log.gz", gzip.compress(API_LINES))
    (source,) = discover_sources([path])
    assert list(source.iter_lines()) == API_LINES.splitlines()


def test_gzip_without_suffix_read(tmp_path: Path) -> None:
    # A compressed rotated file may lose its .gz suffix when copied, so the gzip
    # magic bytes decide.
    path = write(tmp_path / "api.log.1", gzip.compress(API_LINES))
    (source,) = discover_sources([path])
    assert list(source.iter_lines()) == API_LINES.splitlines()


def test_gzip_in_directory_not_binary(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "api.log.2.gz", gzip.compress(API_LINES))
    with caplog.at_level(logging.WARNING, logger="prodrescue.ingest.sources"):
        sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log.2.gz"]
    assert caplog.records == []


def test_truncated_gzip_raises(tmp_path: Path) -> None:
    data = gzip.compress(API_LINES * 50)
    path = write(tmp_path / "api.log.gz", data[: len(data) // 2])
    (source,) = discover_sources([path])
    with pytest.raises(InputError, match=re.escape(str(path))):
        list(source.iter_lines())


def test_gzip_events(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log.gz", gzip.compress(API_LINES))
    (source,) = discover_sources([path])
    events = list(iter_events(source.iter_lines(), SourceCounter(source.name), 2024))
    assert [event.message for event in events] == ["Charge failed", "Retrying"]


def test_stdin_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(API_LINES)))
    (source,) = discover_sources(["-"])
    assert list(source.iter_lines()) == API_LINES.splitlines()


def test_stdin_not_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(API_LINES))
    monkeypatch.setattr(sys, "stdin", stdin)
    (source,) = discover_sources(["-"])
    list(source.iter_lines())
    assert not stdin.closed


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        pytest.param(".bz2", bz2.compress, id="bzip2"),
        pytest.param(".xz", lzma.compress, id="xz"),
        pytest.param(".zst", lambda data: zstandard.ZstdCompressor().compress(data), id="zstd"),
    ],
)
def test_compressed_file_read(tmp_path: Path, suffix: str, compress: Callable[[bytes], bytes]) -> None:
    path = write(tmp_path / f"api.log{suffix}", compress(API_LINES))
    (source,) = discover_sources([path])
    assert list(source.iter_lines()) == API_LINES.splitlines()


def test_compressed_binary_skipped(tmp_path: Path) -> None:
    # The NUL check looks at the decompressed bytes, so a compressed core dump is skipped.
    write(tmp_path / "api.log", API_LINES)
    write(tmp_path / "core.xz", lzma.compress(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 100))
    sources = discover_sources([tmp_path])
    assert names(sources, tmp_path) == ["api.log"]


# Input errors collected in a list instead of raised


def test_missing_path_collected(tmp_path: Path) -> None:
    good = write(tmp_path / "api.log", API_LINES)
    missing = tmp_path / "worker.log"
    errors: list[InputError] = []
    sources = discover_sources([missing, good], errors)
    assert sources == [LogSource(str(good), good)]
    assert [str(missing) in str(error) for error in errors] == [True]


def test_truncated_gzip_collected(tmp_path: Path) -> None:
    data = gzip.compress(API_LINES * 5000)
    path = write(tmp_path / "api.log.gz", data[: len(data) // 2])
    (source,) = discover_sources([path])
    errors: list[InputError] = []
    lines = list(source.iter_lines(errors))
    assert lines[0] == API_LINES.splitlines()[0]
    assert [str(path) in str(error) for error in errors] == [True]


def test_file_removed_after_discovery(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    (source,) = discover_sources([path])
    path.unlink()
    errors: list[InputError] = []
    assert list(source.iter_lines(errors)) == []
    assert "no such file" in str(errors[0]).lower()


def test_file_removed_raises_without_list(tmp_path: Path) -> None:
    path = write(tmp_path / "api.log", API_LINES)
    (source,) = discover_sources([path])
    path.unlink()
    with pytest.raises(InputError, match=re.escape(str(path))):
        list(source.iter_lines())


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file permissions do not stop root from reading",
)
def test_unreadable_file_in_directory_collected(tmp_path: Path) -> None:
    write(tmp_path / "api.log", API_LINES)
    locked = write(tmp_path / "worker.log", API_LINES)
    locked.chmod(0)
    errors: list[InputError] = []
    try:
        sources = discover_sources([tmp_path], errors)
    finally:
        locked.chmod(0o644)
    assert names(sources, tmp_path) == ["api.log"]
    assert [str(locked) in str(error) for error in errors] == [True]


def test_truncated_line_counted(tmp_path: Path) -> None:
    long_line = b"2024-01-12 03:47:01 ERROR payload=" + b"x" * (MAX_LINE_BYTES + 1) + b"\n"
    path = write(tmp_path / "api.log", API_LINES + long_line)
    (source,) = discover_sources([path])
    counter = SourceCounter(source.name)
    list(iter_events(source.iter_lines(), counter, 2024))
    assert counter.truncated_lines == 1
    assert counter.lines == 3


def test_copytruncate_nuls_not_binary(tmp_path: Path) -> None:
    # logrotate's copytruncate can leave the start of a file as NUL bytes.
    path = tmp_path / "app.log"
    path.write_bytes(b"\x00" * 8192 + b"2024-03-13T03:47:01Z ERROR No space left on device\n")
    sources = discover_sources([tmp_path])
    assert [source.path for source in sources] == [path]
