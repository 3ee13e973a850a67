"""``prodrescue templates`` and ``prodrescue.mine_templates``: real log lines through the real pipeline."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import prodrescue
from prodrescue.cli.main import main
from prodrescue.mining import MinerSettings

JAVA_LOG = (
    "2024-03-13 03:47:01,123 INFO  [main] com.acme.App - started in 3 ms\n"
    "2024-03-13 03:47:02,001 ERROR [pool-1] com.acme.Pay - payment 77 failed\n"
    "java.lang.IllegalStateException: card declined\n"
    "\tat com.acme.Pay.charge(Pay.java:42)\n"
    "\tat com.acme.Pay.run(Pay.java:12)\n"
    "Caused by: java.io.IOException: connection reset\n"
    "\t... 2 more\n"
    "2024-03-13 03:47:03,500 ERROR [pool-1] com.acme.Pay - payment 78 failed\n"
    "2024-03-13 03:47:04,000 INFO  [main] com.acme.App - started in 5 ms\n"
    "2024-03-13 03:47:05,000 INFO  [main] com.acme.App - started in 8 ms\n"
)
SYSLOG = (
    "Mar 13 03:47:01 web-1 sshd[811]: Accepted publickey for deploy from 10.1.2.3 port 50122 ssh2\n"
    "Mar 13 03:47:09 web-1 sshd[812]: Accepted publickey for deploy from 10.1.2.4 port 50130 ssh2\n"
    "Mar 13 03:48:00 web-1 sshd[813]: Disconnected from user deploy 10.1.2.3 port 50122\n"
)
JSON_LOG = (
    '{"ts":"2024-03-13T03:47:05Z","level":"warn","msg":"slow query took 1200ms","db":"orders"}\n'
    '{"ts":"2024-03-13T03:47:06Z","level":"warn","msg":"slow query took 900ms","db":"orders"}\n'
    '{"ts":"2024-03-13T03:47:07Z","level":"error","msg":"slow query took 30000ms","db":"orders"}\n'
)
SECRET_LOG = (
    "2024-03-13T03:47:01Z ERROR connect to postgres://app:hunter2@db-1:5432/orders failed\n"
    "2024-03-13T03:47:02Z INFO retrying\n"
)


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "logs"
    directory.mkdir()
    (directory / "app.log").write_text(JAVA_LOG)
    (directory / "auth.log").write_text(SYSLOG)
    (directory / "api.jsonl").write_text(JSON_LOG)
    return directory


def run_json(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["templates", "--format", "json", *arguments])
    return code, json.loads(capsys.readouterr().out)


def test_text_table_lists_templates(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--year", "2024", str(log_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5 templates from 11 events\n")
    assert "started in <NUM> ms" in out
    assert "payment <NUM> failed" in out
    assert "slow query took <DURATION>" in out
    assert "error 1, warning 2" in out


def test_text_names_source_formats(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--year", "2024", str(log_dir)]) == 0
    out = capsys.readouterr().out
    assert f"# {log_dir / 'app.log'}: 10 lines, 5 events, format text, 100% understood" in out
    assert f"# {log_dir / 'auth.log'}: 3 lines, 3 events, format syslog, 100% understood" in out
    assert f"# {log_dir / 'api.jsonl'}: 3 lines, 3 events, format json, 100% understood" in out


def test_text_rows_sorted_by_count(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["templates", "--year", "2024", str(log_dir)])
    rows = capsys.readouterr().out.split("\n\n")[1].splitlines()[1:]
    counts = [int(row.split()[1]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 3


def test_json_document_shape(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(["--year", "2024", str(log_dir)], capsys)
    assert code == 0
    assert set(data) == {
        "template_count",
        "templates",
        "sources",
        "unlisted_events",
        "cap_reached",
        "redaction",
        "input_errors",
    }
    assert data["template_count"] == len(data["templates"]) == 5
    for template in data["templates"]:
        assert set(template) == {"id", "text", "count", "levels", "example"}
        assert sum(template["levels"].values()) == template["count"]
        assert set(template["example"]) == {"source", "line", "text"}
    assert [source["format"] for source in data["sources"]] == ["json", "text", "syslog"]


def test_json_example_first_event(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run_json(["--year", "2024", str(log_dir)], capsys)
    by_text = {template["text"]: template for template in data["templates"]}
    started = by_text["started in <NUM> ms"]
    assert started["count"] == 3
    assert started["levels"] == {"info": 3}
    assert started["example"] == {
        "source": str(log_dir / "app.log"),
        "line": 1,
        "text": "2024-03-13 03:47:01,123 INFO  [main] com.acme.App - started in 3 ms",
    }


def test_events_skip_stack_trace_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "app.log"
    log.write_text(JAVA_LOG)
    _, data = run_json(["--events", str(log)], capsys)
    events = data["events"]
    assert [event["line"] for event in events] == [1, 2, 8, 9, 10]
    assert {event["source"] for event in events} == {str(log)}
    ids = [event["template_id"] for event in events]
    assert ids[0] == ids[3] == ids[4]
    assert ids[1] == ids[2]
    assert ids[0] != ids[1]


def test_event_ids_match_listed_templates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "app.log"
    log.write_text(JAVA_LOG)
    _, data = run_json(["--events", str(log)], capsys)
    listed = {template["id"]: template["count"] for template in data["templates"]}
    seen: dict[str, int] = {}
    for event in data["events"]:
        seen[event["template_id"]] = seen.get(event["template_id"], 0) + 1
    assert seen == listed


def test_events_text_lists_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "app.log"
    log.write_text(JAVA_LOG)
    assert main(["templates", "--events", str(log)]) == 0
    out = capsys.readouterr().out
    assert f"{log}:2  " in out
    assert f"{log}:3  " not in out


def test_no_headers_one_event_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "app.log"
    log.write_text(JAVA_LOG)
    _, data = run_json(["--no-headers", "--events", str(log)], capsys)
    assert [event["line"] for event in data["events"]] == list(range(1, 11))
    assert data["sources"][0]["events"] == 10
    assert data["sources"][0]["header_share"] == 0.0
    texts = {template["text"] for template in data["templates"]}
    assert "at <*>)" in texts
    assert all(template["levels"] == {"none": template["count"]} for template in data["templates"])


def test_no_headers_keeps_header_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "auth.log"
    log.write_text(SYSLOG)
    main(["templates", "--no-headers", str(log)])
    out = capsys.readouterr().out
    rows = out.split("\n\n")[1].splitlines()[1:]
    assert len(rows) == 2
    assert all("<DATETIME>" in row for row in rows)
    assert f"# {log}: 3 lines, 3 events, headers not parsed (--no-headers)" in out


def test_top_limits_templates(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run_json(["--top", "2", str(log_dir)], capsys)
    assert data["template_count"] == 5
    assert len(data["templates"]) == 2
    assert main(["templates", "--top", "2", str(log_dir)]) == 0
    assert "… 3 less frequent templates not shown (--top 2)" in capsys.readouterr().out


def test_examples_redacted_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "db.log"
    log.write_text(SECRET_LOG)
    _, data = run_json([str(log)], capsys)
    text = json.dumps(data["templates"])
    assert "hunter2" not in text
    assert "postgres://app:[REDACTED]@db-1:5432/orders" in text
    assert data["redaction"] == {"enabled": True, "replaced": 1}


def test_no_redact_shows_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "db.log"
    log.write_text(SECRET_LOG)
    _, data = run_json(["--no-redact", str(log)], capsys)
    assert "postgres://app:hunter2@db-1" in json.dumps(data["templates"])
    assert data["redaction"] == {"enabled": False, "replaced": 0}


def test_missing_path_exits_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.log"
    assert main(["templates", str(missing)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"prodrescue: error: {missing}: no such file or directory\n"


def test_missing_path_others_still_listed(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.log"
    assert main(["templates", "--format", "json", str(log_dir / "auth.log"), str(missing)]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["template_count"] == 2
    assert data["input_errors"] == [f"{missing}: no such file or directory"]
    assert captured.err == f"prodrescue: error: {missing}: no such file or directory\n"


def test_empty_directory_lists_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    assert main(["templates", str(empty)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "0 templates from 0 events\n\n"
    assert f"directory {empty} contains no log files" in captured.err


@pytest.mark.parametrize(
    "arguments",
    [["templates"], ["templates", "--top", "0", "x.log"], ["templates", "--year", "99", "x.log"]],
    ids=["no-path", "top-zero", "bad-year"],
)
def test_usage_errors_exit_two(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert "usage: prodrescue templates" in capsys.readouterr().err


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SYSLOG.encode())))
    assert main(["templates", "--format", "json", "--events", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [event["source"] for event in data["events"]] == ["<stdin>"] * 3


def test_api_ids_match_diagnosis_evidence() -> None:
    listing = prodrescue.mine_templates(JAVA_LOG, keep_events=True, reference_year=2024)
    diagnosis = prodrescue.diagnose(JAVA_LOG, reference_year=2024)
    assert listing.events is not None
    by_line = {event.line: event.template_id for event in listing.events}
    evidence = [item for cause in diagnosis.causes for item in cause.evidence]
    assert evidence
    for item in evidence:
        assert by_line[item.line] == item.template_id


def test_api_without_events_keeps_none() -> None:
    listing = prodrescue.mine_templates(SYSLOG.splitlines(), source="auth", reference_year=2024)
    assert listing.events is None
    assert [summary.count for summary in listing.templates] == [2, 1]
    assert listing.sources[0].name == "auth"
    assert listing.sources[0].format == "syslog"


def test_api_merges_sources_by_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text("2024-03-13T03:47:01Z INFO job 1 started\n2024-03-13T03:47:03Z INFO job 1 done\n")
    second.write_text("2024-03-13T03:47:02Z WARN disk 91% full\n")
    listing = prodrescue.mine_templates(paths=[first, second], keep_events=True)
    assert listing.events is not None
    assert [(event.source, event.line) for event in listing.events] == [
        (str(first), 1),
        (str(second), 1),
        (str(first), 2),
    ]


def test_api_no_headers_skips_blank_lines() -> None:
    listing = prodrescue.mine_templates(
        ["open file 1", "", "open file 2", "   "], parse_headers=False, keep_events=True
    )
    assert listing.events is not None
    assert [event.line for event in listing.events] == [1, 3]
    assert listing.sources[0].lines == 4
    assert listing.templates[0].text == "open file <NUM>"


def test_api_unreadable_input_raises(tmp_path: Path) -> None:
    with pytest.raises(prodrescue.InputError, match="no such file or directory"):
        prodrescue.mine_templates(paths=[tmp_path / "nope.log"])


def test_api_warns_on_path_as_text(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(SYSLOG)
    with pytest.warns(UserWarning, match=r"mine_templates\(\) got .* pass paths=\[\.\.\.\]") as caught:
        prodrescue.mine_templates(str(log))
    assert caught[0].filename == __file__


def test_api_template_cap_counts_unlisted() -> None:
    lines = [" ".join(["retry"] * length) for length in range(1, 11)] + ["retry"] * 3
    listing = prodrescue.mine_templates(
        lines, parse_headers=False, keep_events=True, miner_settings=MinerSettings(max_templates=2)
    )
    assert listing.cap_reached
    assert listing.events is not None
    assert sum(summary.count for summary in listing.templates) + listing.unlisted_events == 13
    assert listing.unlisted_events > 0
    assert [event.template_id for event in listing.events][:8] == [""] * 8
