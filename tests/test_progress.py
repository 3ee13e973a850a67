"""Progress reports of diagnose and mine_templates: lines, bytes and totals while reading."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

import prodrescue
from prodrescue.progress import REPORT_EVERY_LINES, ProgressInfo, ReadMeter
from prodrescue.report import to_json

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "payment-incident"
API_LOG = EXAMPLE / "payments-api.log"


def _line_count(path: Path) -> int:
    return len(path.read_bytes().splitlines())


def test_diagnose_reports_increasing_counts() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[API_LOG], progress=reports.append)
    lines = [report.lines for report in reports]
    sizes = [report.bytes_read for report in reports]
    assert len(reports) >= 2
    assert lines == sorted(lines)
    assert len(set(lines)) == len(lines)
    assert sizes == sorted(sizes)
    assert [report.elapsed for report in reports] == sorted(report.elapsed for report in reports)


def test_diagnose_first_report_after_interval() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[API_LOG], progress=reports.append)
    assert reports[0].lines == REPORT_EVERY_LINES
    assert not reports[0].finished


def test_diagnose_last_report_totals() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[API_LOG], progress=reports.append)
    last = reports[-1]
    assert last.finished
    assert last.lines == _line_count(API_LOG)
    assert last.bytes_read == API_LOG.stat().st_size
    assert last.total_bytes == API_LOG.stat().st_size
    assert last.fraction == 1.0


def test_plain_file_bytes_track_lines() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[API_LOG], progress=reports.append)
    data = API_LOG.read_bytes()
    first = reports[0]
    expected = len(b"\n".join(data.split(b"\n")[: first.lines])) + 1
    assert first.bytes_read == expected


def test_directory_total_is_sum_of_files() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[EXAMPLE], progress=reports.append)
    logs = sorted(EXAMPLE.glob("*.log"))
    assert reports[-1].total_bytes == sum(path.stat().st_size for path in logs)
    assert reports[-1].lines == sum(_line_count(path) for path in logs)


def test_only_last_report_is_finished() -> None:
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[EXAMPLE], progress=reports.append)
    assert [report.finished for report in reports].count(True) == 1
    assert reports[-1].finished


def test_progress_leaves_diagnosis_unchanged() -> None:
    plain = prodrescue.diagnose(paths=[EXAMPLE], reference_year=2024)
    watched = prodrescue.diagnose(paths=[EXAMPLE], reference_year=2024, progress=lambda info: None)
    assert to_json(watched) == to_json(plain)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        pytest.param(".gz", gzip.compress, id="gzip"),
        pytest.param(".bz2", bz2.compress, id="bzip2"),
        pytest.param(".xz", lzma.compress, id="xz"),
    ],
)
def test_compressed_file_counts_compressed_bytes(tmp_path: Path, suffix: str, compress: object) -> None:
    assert callable(compress)
    path = tmp_path / f"api.log{suffix}"
    path.write_bytes(compress(API_LOG.read_bytes()))
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[path], progress=reports.append)
    assert reports[0].total_bytes == path.stat().st_size
    assert reports[0].bytes_read <= path.stat().st_size
    assert reports[-1].bytes_read == path.stat().st_size
    assert reports[-1].lines == _line_count(API_LOG)


def test_zstd_file_has_no_total(tmp_path: Path) -> None:
    path = tmp_path / "api.log.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(API_LOG.read_bytes()))
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(paths=[path], progress=reports.append)
    assert reports[-1].total_bytes is None
    assert reports[-1].fraction is None
    assert reports[-1].bytes_read >= API_LOG.stat().st_size - _line_count(API_LOG)


def test_lines_in_memory_count_no_bytes() -> None:
    lines = API_LOG.read_text().splitlines()
    reports: list[ProgressInfo] = []
    prodrescue.diagnose(lines, progress=reports.append)
    assert reports[-1].lines == len(lines)
    assert reports[-1].bytes_read == 0
    assert reports[-1].total_bytes is None


def test_mine_templates_reports_progress() -> None:
    reports: list[ProgressInfo] = []
    listing = prodrescue.mine_templates(paths=[API_LOG], progress=reports.append)
    assert reports[-1].finished
    assert reports[-1].lines == listing.sources[0].lines
    assert [report.lines for report in reports] == sorted(report.lines for report in reports)


def test_unreadable_path_still_finishes(tmp_path: Path) -> None:
    reports: list[ProgressInfo] = []
    diagnosis = prodrescue.diagnose(paths=[API_LOG, tmp_path / "missing.log"], progress=reports.append)
    assert diagnosis.input_errors
    assert reports[-1].finished
    assert reports[-1].total_bytes == API_LOG.stat().st_size


def test_meter_rejects_zero_interval() -> None:
    with pytest.raises(ValueError, match="at least 1 line"):
        ReadMeter(lambda info: None, every=0)


def test_meter_small_interval_reports_each_step() -> None:
    reports: list[ProgressInfo] = []
    meter = ReadMeter(reports.append, every=2)
    assert list(meter.watch_lines(["a", "b", "c", "d", "e"])) == ["a", "b", "c", "d", "e"]
    assert [report.lines for report in reports] == [2, 4, 5]
    assert [report.finished for report in reports] == [False, False, True]


def test_fraction_of_empty_total() -> None:
    assert ProgressInfo(lines=0, bytes_read=0, total_bytes=0, elapsed=0.0).fraction == 1.0


def test_import_loads_no_heavy_modules() -> None:
    code = (
        "import json, sys, prodrescue; "
        "print(json.dumps([name for name in ('numpy', 'drain3', 'regex', 'yaml') if name in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_public_names_resolve() -> None:
    missing = [name for name in prodrescue.__all__ if getattr(prodrescue, name, None) is None]
    assert missing == []


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = prodrescue.nothing_here  # type: ignore[attr-defined]
