"""The command line: output formats, exit codes and error messages."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodrescue.cli.main import main

POOL_LOG = (
    "2024-03-13T03:47:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms\n"
    "2024-03-13T03:47:02Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms\n"
)
VALID_RULE = textwrap.dedent("""\
    rules:
      - id: custom-ledger
        title: Ledger checksum failures
        category: error-rate
        severity: medium
        role: impact
        description: The ledger rejects batches.
        conditions:
          bad:
            regex: 'malformed checksum'
        examples:
          match: ["2024-03-13T03:47:01Z ERROR malformed checksum in batch 7", "ERROR: malformed checksum"]
          no_match: ["2024-03-13T03:47:01Z INFO checksum ok", "ERROR: checksum table rebuilt"]
""")


@pytest.fixture
def pool_log(tmp_path: Path) -> Path:
    path = tmp_path / "api.log"
    path.write_text(POOL_LOG)
    return path


def test_diagnose_text(pool_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(pool_log), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "#1 [" in out
    assert "connection-pool-exhaustion" in out


def test_diagnose_json(pool_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(pool_log), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["causes"][0]["rule_id"] == "db-pool-checkout-timeout"


def test_diagnose_markdown_to_file(
    pool_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.md"
    assert main(["diagnose", str(pool_log), "--format", "markdown", "-o", str(report)]) == 0
    assert capsys.readouterr().out == ""
    assert report.read_text().startswith("# Incident report (draft)")


def test_no_cause_still_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quiet = tmp_path / "quiet.log"
    quiet.write_text("2024-03-13T03:47:01Z INFO all good\n")
    assert main(["diagnose", str(quiet)]) == 0
    assert "No cause found" in capsys.readouterr().out


def test_missing_file_exits_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(tmp_path / "nope.log")]) == 1
    err = capsys.readouterr().err
    assert err == f"prodrescue: error: {tmp_path / 'nope.log'}: no such file or directory\n"


def test_missing_file_others_still_diagnosed(
    pool_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "worker.log"
    assert main(["diagnose", str(missing), str(pool_log), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["causes"][0]["category"] == "connection-pool-exhaustion"
    assert captured.err == f"prodrescue: error: {missing}: no such file or directory\n"


def test_damaged_gzip_reported_after_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = gzip.compress(POOL_LOG.encode() * 3000)
    damaged = tmp_path / "api.log.gz"
    damaged.write_bytes(data[: len(data) // 2])
    assert main(["diagnose", str(damaged), "--format", "json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["causes"][0]["category"] == "connection-pool-exhaustion"
    assert report["input_errors"] == [captured.err.removeprefix("prodrescue: error: ").rstrip("\n")]


def test_parse_missing_file_exits_one(
    pool_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(tmp_path / "nope.log"), str(pool_log)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("Connection is not available") == 2
    assert "nope.log: no such file or directory" in captured.err


def test_invalid_rules_exit_one_with_one_line(
    pool_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        VALID_RULE.replace("severity: medium", "severity: hihg").replace("role: impact", "role: boss")
    )
    assert main(["diagnose", str(pool_log), "--rules", str(rules)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "bad.yaml:5:5: rule 'custom-ledger', field 'severity'" in err
    assert "(did you mean 'high'?)" in err
    assert "(and 1 more problem; run 'prodrescue rules check FILE' to list them)" in err


@pytest.mark.parametrize(
    "arguments",
    [["diagnose", "--format", "yaml", "x"], ["diagnose", "--top", "0", "x"], ["frobnicate"], [], ["rules"]],
)
def test_usage_errors_exit_two(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert "usage:" in capsys.readouterr().err


def test_no_builtin_needs_rules(pool_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(pool_log), "--no-builtin-rules"]) == 2
    assert "--no-builtin-rules needs at least one --rules DIR" in capsys.readouterr().err


def test_custom_rules_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ledger.yaml").write_text(VALID_RULE)
    log = tmp_path / "ledger.log"
    log.write_text("2024-03-13T03:47:01Z ERROR malformed checksum in batch 7\n")
    assert main(["diagnose", str(log), "--rules", str(rules), "--no-builtin-rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stats"]["rules_evaluated"] == 1
    assert data["causes"][0]["rule_id"] == "custom-ledger"


def test_rules_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert "db-pool-checkout-timeout" in out
    assert out.rstrip().endswith("rules")


def test_rules_list_categories(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--categories"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 21
    assert out.startswith("connection-pool-exhaustion")


def test_rules_check_valid_and_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(VALID_RULE)
    assert main(["rules", "check", str(good)]) == 0
    assert capsys.readouterr().out == "OK: 1 rules in 1 file(s)\n"

    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID_RULE.replace("regex: 'malformed checksum'", "regex: 'malformed (checksum'"))
    assert main(["rules", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "error: " in out
    assert "field 'conditions.bad.regex': invalid regex at position 19: missing )" in out


def test_rules_test_reports_failing_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ledger.yaml").write_text(
        VALID_RULE.replace('"ERROR: checksum table rebuilt"', '"ERROR: malformed checksum again"')
    )
    assert main(["rules", "test", str(rules)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "no_match example 'ERROR: malformed checksum again': condition 'bad' matched it" in out


def test_builtin_pack_passes_rules_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "test"]) == 0
    assert ", 0 failed, 0 rules short of examples" in capsys.readouterr().out


def test_console_entry_reads_stdin() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "prodrescue", "diagnose", "--format", "json"],
        input=POOL_LOG,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["stats"]["sources"][0]["name"] == "<stdin>"
    assert data["causes"][0]["category"] == "connection-pool-exhaustion"


def test_output_to_missing_directory_exits_one(
    pool_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "report.md"
    assert main(["diagnose", str(pool_log), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err == f"prodrescue: error: {target}: cannot write the report: No such file or directory\n"


@pytest.mark.parametrize("year", ["24", "0", "99999", "abc"])
def test_invalid_year_is_usage_error(pool_log: Path, year: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(pool_log), "--year", year]) == 2
    assert "argument --year: expected a" in capsys.readouterr().err


def test_named_binary_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    assert main(["diagnose", str(binary)]) == 1
    captured = capsys.readouterr()
    assert f"{binary}: looks like a binary file, not a log; skipped" in captured.err


def test_binary_beside_log_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "core.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    log = tmp_path / "app.log"
    log.write_text("2024-03-13T03:47:01Z ERROR write failed: No space left on device\n")
    assert main(["diagnose", "--format", "json", str(binary), str(log)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["causes"][0]["category"] == "disk-full"
    assert data["input_errors"] == [f"{binary}: looks like a binary file, not a log; skipped"]


def test_gzip_on_stdin_is_decompressed(tmp_path: Path) -> None:
    data = gzip.compress(b"2024-03-13T03:47:01Z ERROR write failed: No space left on device\n")
    result = subprocess.run(
        [sys.executable, "-m", "prodrescue", "diagnose", "--format", "json", "-"],
        input=data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["causes"][0]["category"] == "disk-full"


def test_binary_on_stdin_is_an_input_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "prodrescue", "diagnose", "-"],
        input=b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert b"<stdin>: looks like binary data, not a log" in result.stderr


def test_change_window_option(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "payment-incident"
    leak = "app-lock-never-released"

    def preceding_change(minutes: str) -> object:
        assert main(["diagnose", str(example), "--change-window", minutes, "--format", "json", "-q"]) == 0
        causes = json.loads(capsys.readouterr().out)["causes"]
        return next(cause for cause in causes if cause["id"] == leak)["preceding_change"]

    # The deploy line comes 4m10s before the leak's onset.
    assert preceding_change("5") is not None
    assert preceding_change("3") is None
