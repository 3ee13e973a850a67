"""The public entry point: input kinds, merging, determinism, errors."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import prodrescue
from prodrescue.mining import MinerSettings
from prodrescue.report import to_json

POOL_LINES = [
    "2024-03-13T03:47:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms (total=10, active=10, idle=0, waiting=4)",
    "2024-03-13T03:47:02Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms (total=10, active=10, idle=0, waiting=6)",
]


def test_accepts_one_string() -> None:
    diagnosis = prodrescue.diagnose("\n".join(POOL_LINES), reference_year=2024)
    assert diagnosis.causes[0].category == "connection-pool-exhaustion"
    assert diagnosis.stats.lines == 2


def test_accepts_bytes_with_invalid_utf8() -> None:
    lines = [line.encode() for line in POOL_LINES] + [b"\xff\xfe garbage \x00 line"]
    diagnosis = prodrescue.diagnose(lines, reference_year=2024)
    assert diagnosis.causes[0].category == "connection-pool-exhaustion"
    assert diagnosis.stats.lines == 3


def test_empty_input_gives_caveat() -> None:
    diagnosis = prodrescue.diagnose([], reference_year=2024)
    assert diagnosis.causes == ()
    assert diagnosis.stats.events == 0
    assert any("no log lines" in caveat for caveat in diagnosis.caveats)


def test_no_timestamps_caveat() -> None:
    diagnosis = prodrescue.diagnose(["ERROR: something odd", "ERROR: something odd"], reference_year=2024)
    assert any("no timestamps were found" in caveat for caveat in diagnosis.caveats)


def test_same_input_same_json() -> None:
    first = to_json(prodrescue.diagnose(POOL_LINES, reference_year=2024))
    second = to_json(prodrescue.diagnose(POOL_LINES, reference_year=2024))
    assert first == second


def test_files_directories_and_gzip(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_text(POOL_LINES[0] + "\n")
    with gzip.open(tmp_path / "logs" / "app.log.1.gz", "wt") as handle:
        handle.write(POOL_LINES[1] + "\n")
    (tmp_path / "logs" / "notes.md").write_text("# not a log\n")
    diagnosis = prodrescue.diagnose(paths=[tmp_path / "logs"], reference_year=2024)
    names = [Path(source.name).name for source in diagnosis.stats.sources]
    assert names == ["app.log", "app.log.1.gz"]
    assert diagnosis.causes[0].count == 2


def test_sources_merge_by_timestamp(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(
        "2024-03-13T03:47:05Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms\n"
    )
    (tmp_path / "b.log").write_text(
        "2024-03-13T03:47:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms\n"
    )
    cause = prodrescue.diagnose(paths=[tmp_path / "a.log", tmp_path / "b.log"], reference_year=2024).causes[0]
    assert Path(cause.onset[0]).name == "b.log"
    assert [Path(item.source).name for item in cause.evidence] == ["b.log", "a.log"]


def test_missing_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(prodrescue.InputError, match="no such file or directory"):
        prodrescue.diagnose(paths=[tmp_path / "missing.log"])


def test_all_paths_missing_named_in_error(tmp_path: Path) -> None:
    with pytest.raises(prodrescue.InputError, match=r"a\.log: no such file.*1 more input"):
        prodrescue.diagnose(paths=[tmp_path / "a.log", tmp_path / "b.log"])


def test_missing_path_beside_good_one(tmp_path: Path) -> None:
    good = tmp_path / "api.log"
    good.write_text("\n".join(POOL_LINES) + "\n")
    diagnosis = prodrescue.diagnose(paths=[tmp_path / "worker.log", good], reference_year=2024)
    assert diagnosis.causes[0].category == "connection-pool-exhaustion"
    assert diagnosis.input_errors == (f"{tmp_path / 'worker.log'}: no such file or directory",)


def test_input_error_listed_in_caveats(tmp_path: Path) -> None:
    good = tmp_path / "api.log"
    good.write_text("\n".join(POOL_LINES) + "\n")
    diagnosis = prodrescue.diagnose(paths=[tmp_path / "worker.log", good], reference_year=2024)
    assert any("worker.log" in caveat for caveat in diagnosis.caveats)


def test_top_limits_causes() -> None:
    lines = (
        POOL_LINES + ["2024-03-13T03:48:00Z ERROR dial tcp 10.0.0.5:5432: connect: connection refused"] * 3
    )
    assert len(prodrescue.diagnose(lines, reference_year=2024, top=1).causes) == 1


def test_evidence_keeps_source_and_line() -> None:
    cause = prodrescue.diagnose(POOL_LINES, source="api.log", reference_year=2024).causes[0]
    first = cause.evidence[0]
    assert first.source == "api.log"
    assert first.line == 1
    assert first.text == POOL_LINES[0]
    assert first.timestamp is not None
    assert first.template_id


def test_path_given_as_text_warns(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(POOL_LINES[0] + "\n")
    with pytest.warns(UserWarning, match="pass paths="):
        prodrescue.diagnose(str(log), reference_year=2024)


def test_out_of_order_timestamps_give_caveat(tmp_path: Path) -> None:
    log = tmp_path / "db.log"
    log.write_text(
        "2024-03-13T03:47:01Z ERROR dial tcp 10.0.0.5:5432: connect: connection refused\n"
        "2024-03-13T03:46:01Z ERROR dial tcp 10.0.0.5:5432: connect: connection refused\n"
        "2024-03-13T03:47:01.500Z INFO retrying\n"
        "2024-03-13T03:47:01.200Z INFO retrying\n"
    )
    diagnosis = prodrescue.diagnose(paths=[log], reference_year=2024)
    source = diagnosis.stats.sources[0]
    # The 300 ms step back is within the tolerance for threads writing out of order.
    assert source.out_of_order_lines == 1
    assert source.largest_step_back_seconds == 60.0
    assert diagnosis.stats.first_timestamp is not None
    assert diagnosis.stats.first_timestamp.minute == 46
    assert any("1 line of" in caveat and "by up to 1m" in caveat for caveat in diagnosis.caveats)
    assert diagnosis.causes[0].category == "connection-refused"


def test_sources_in_several_zones_merge_in_utc(tmp_path: Path) -> None:
    # 05:47:00+02:00 is 03:47:00 UTC, a second before the other file's first line.
    (tmp_path / "api.log").write_text(
        "2024-03-13T05:47:00+02:00 ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms\n"
    )
    (tmp_path / "db.log").write_text(
        "2024-03-13T03:47:01Z ERROR dial tcp 10.0.0.5:5432: connect: connection refused\n"
    )
    diagnosis = prodrescue.diagnose(paths=[tmp_path / "db.log", tmp_path / "api.log"], reference_year=2024)
    timeline = [Path(entry.source).name for entry in diagnosis.timeline if entry.kind == "onset"]
    assert timeline == ["api.log", "db.log"]
    assert not any("time zone" in caveat for caveat in diagnosis.caveats)


def test_zoneless_source_beside_zoned_one_gives_caveat(tmp_path: Path) -> None:
    (tmp_path / "api.log").write_text("2024-03-13T03:47:00Z ERROR payment failed\n")
    (tmp_path / "worker.log").write_text("2024-03-13 03:47:30,000 ERROR worker stalled\n")
    diagnosis = prodrescue.diagnose(
        paths=[tmp_path / "api.log", tmp_path / "worker.log"], reference_year=2024
    )
    assert [source.zoneless_lines for source in diagnosis.stats.sources] == [0, 1]
    assert any(
        "without a time zone in" in caveat and "worker.log" in caveat and "api.log" in caveat
        for caveat in diagnosis.caveats
    )


def test_template_cap_reached_gives_caveat() -> None:
    words = [f"{a}{b}" for a in "bcdfghjklm" for b in ("alpha", "beta", "gamma", "delta", "omega")]
    lines = [
        f"2024-03-13T03:47:{index:02d}Z INFO {' '.join(words[index:] + words[:index])}" for index in range(50)
    ]
    capped = prodrescue.diagnose(lines, reference_year=2024, miner_settings=MinerSettings(max_templates=5))
    assert any("template cap was reached" in caveat for caveat in capped.caveats)
    assert capped.stats.templates <= 5
    uncapped = prodrescue.diagnose(lines, reference_year=2024)
    assert uncapped.stats.templates > 5
    assert not any("template cap" in caveat for caveat in uncapped.caveats)


def test_empty_file_beside_good_one(tmp_path: Path) -> None:
    (tmp_path / "empty.log").write_bytes(b"")
    good = tmp_path / "api.log"
    good.write_text("\n".join(POOL_LINES) + "\n")
    diagnosis = prodrescue.diagnose(paths=[tmp_path / "empty.log", good], reference_year=2024)
    assert [source.lines for source in diagnosis.stats.sources] == [0, 2]
    assert diagnosis.causes[0].category == "connection-pool-exhaustion"
    assert diagnosis.input_errors == ()


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc/self/mem")
def test_file_that_fails_to_read_beside_good_one(tmp_path: Path) -> None:
    # Reading /proc/self/mem from offset 0 fails with EIO, even for root, so it
    # stands for a file that exists but cannot be read.
    good = tmp_path / "api.log"
    good.write_text("\n".join(POOL_LINES) + "\n")
    diagnosis = prodrescue.diagnose(paths=[Path("/proc/self/mem"), good], reference_year=2024)
    assert diagnosis.causes[0].category == "connection-pool-exhaustion"
    assert len(diagnosis.input_errors) == 1
    assert diagnosis.input_errors[0].startswith("/proc/self/mem: cannot be read")


def test_yearless_future_date_rolls_back() -> None:
    soon = datetime.now(timezone.utc) + timedelta(days=10)
    recent = datetime.now(timezone.utc) - timedelta(days=10)
    for moment, year in ((soon, soon.year - 1), (recent, recent.year)):
        line = f"{moment:%b %d %H:%M:%S} web-1 sshd[24200]: error: connect to 10.0.0.5 port 22: Connection refused"
        diagnosis = prodrescue.diagnose([line])
        assert diagnosis.stats.first_timestamp is not None
        assert diagnosis.stats.first_timestamp.year == year
        assert any("without a year" in caveat for caveat in diagnosis.caveats)


def test_given_year_used_as_is() -> None:
    line = "Dec 31 23:59:59 web-1 sshd[24200]: error: connect to 10.0.0.5 port 22: Connection refused"
    diagnosis = prodrescue.diagnose([line], reference_year=2031)
    assert diagnosis.stats.first_timestamp is not None
    assert diagnosis.stats.first_timestamp.year == 2031
    assert not any("without a year" in caveat for caveat in diagnosis.caveats)
