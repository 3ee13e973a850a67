"""Parse accuracy on the format corpus, and facts of single formats, with the real parser.

Each sample in tests/data/formats is a log file with hand-written expected
events beside it (NAME.log and NAME.expected.jsonl). benchmarks/parse_accuracy.py
parses the logs as ``prodrescue parse`` does and scores event boundaries,
timestamps and levels against them. The format tests below look up one event
of a sample by the text of its first line and check what the parser read.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.levels import Level

REPOSITORY = Path(__file__).resolve().parents[1]
FORMATS = REPOSITORY / "tests" / "data" / "formats"
# The corpus writes timestamps without a year (syslog, Redis, journalctl short) as 2024.
YEAR = 2024
# Mismatches listed in an assertion message, so that a failure shows its causes.
MISSES_SHOWN = 60


@functools.cache
def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "parse_accuracy", REPOSITORY / "benchmarks" / "parse_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@functools.cache
def corpus_scores() -> tuple[Any, ...]:
    benchmark = load_benchmark()
    return tuple(benchmark.score_sample(sample, YEAR) for sample in benchmark.find_samples([FORMATS]))


@functools.cache
def parsed_events(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(load_benchmark().parse_log(FORMATS / f"{name}.log", YEAR))


def line_number(name: str, text: str, occurrence: int = 1) -> int:
    """Return the 1-based number of the line of sample ``name`` that contains ``text`` (its nth match)."""
    seen = 0
    with open(FORMATS / f"{name}.log", encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, 1):
            if text in line:
                seen += 1
                if seen == occurrence:
                    return number
    raise AssertionError(f"{name}.log has no line {occurrence} containing {text!r}")


def event_at(name: str, text: str, occurrence: int = 1) -> dict[str, Any]:
    """Return the parsed event of sample ``name`` that starts at the line containing ``text``."""
    first = line_number(name, text, occurrence)
    events = [event for event in parsed_events(name) if event["first_line"] == first]
    assert events, f"{name}.log: no parsed event starts at line {first}"
    return events[0]


def misses(kind: str) -> list[str]:
    found = [miss for score in corpus_scores() for miss in getattr(score, kind)]
    if len(found) > MISSES_SHOWN:
        return [*found[:MISSES_SHOWN], f"... {len(found) - MISSES_SHOWN} more"]
    return found


# Accuracy targets on the whole corpus.


def test_corpus_boundaries_reach_99_percent() -> None:
    totals = load_benchmark().total_score(corpus_scores())
    assert totals.boundary_share >= 0.99, "\n".join(misses("boundary_misses"))


def test_corpus_timestamps_reach_98_percent() -> None:
    totals = load_benchmark().total_score(corpus_scores())
    assert totals.timestamp_share >= 0.98, "\n".join(misses("timestamp_misses"))


def test_corpus_levels_reach_95_percent() -> None:
    totals = load_benchmark().total_score(corpus_scores())
    assert totals.level_share >= 0.95, "\n".join(misses("level_misses"))


# The corpus itself: every expected file must describe its log.

EXPECTED_FILES = sorted(FORMATS.glob("*.expected.jsonl"))


def test_corpus_has_samples() -> None:
    assert len(EXPECTED_FILES) >= 40


@pytest.mark.parametrize(
    "expected_file", EXPECTED_FILES, ids=lambda path: path.name[: -len(".expected.jsonl")]
)
def test_expected_file_fits_its_log(expected_file: Path) -> None:
    benchmark = load_benchmark()
    events = benchmark.load_expected(expected_file)
    log = expected_file.with_name(expected_file.name.replace(".expected.jsonl", ".log"))
    lines = log.read_bytes().decode("utf-8").splitlines()
    firsts = [event.first_line for event in events]
    assert events, f"{expected_file.name} has no events"
    assert firsts == sorted(firsts), "events are not in the order of their first line"
    assert len(set(firsts)) == len(firsts), "two events start at the same line"
    assert all(event.last_line <= len(lines) for event in events), "an event ends after the last line"
    assert all(lines[event.first_line - 1].strip() for event in events), "an event starts at a blank line"
    assert all(lines[event.last_line - 1].strip() for event in events), "an event ends at a blank line"


# The scoring functions, on small samples written here.


@pytest.mark.parametrize(
    ("expected", "parsed", "equal"),
    [
        ("2024-01-12T03:47:01Z", "2024-01-12T03:47:01+00:00", True),
        ("2024-01-12T03:47:01.123+01:00", "2024-01-12T03:47:01.123000+01:00", True),
        ("2024-01-12T03:47:01", "2024-01-12T03:47:01", True),
        (None, None, True),
        ("2024-01-12T03:47:01", "2024-01-12T03:47:01+00:00", False),
        ("2024-01-12T04:47:01+01:00", "2024-01-12T03:47:01+00:00", False),
        ("2024-01-12T03:47:01.123Z", "2024-01-12T03:47:01.124+00:00", False),
        ("2024-01-12T03:47:01Z", None, False),
        (None, "2024-01-12T03:47:01Z", False),
    ],
)
def test_timestamps_equal_cases(expected: str | None, parsed: str | None, equal: bool) -> None:
    assert load_benchmark().timestamps_equal(expected, parsed) is equal


def write_sample(directory: Path, log: str, expected: list[dict[str, Any]]) -> None:
    (directory / "app.log").write_text(log, encoding="utf-8")
    (directory / "app.expected.jsonl").write_text(
        "".join(json.dumps(event) + "\n" for event in expected), encoding="utf-8"
    )


APP_LOG = (
    "2024-01-12 03:47:01,123 ERROR [main] com.example.App - charge failed\n"
    "java.net.SocketTimeoutException: Read timed out\n"
    "\tat com.example.App.charge(App.java:88)\n"
    "2024-01-12 03:47:02,000 INFO [main] com.example.App - retrying\n"
)


def test_score_counts_wrong_expectations(tmp_path: Path) -> None:
    write_sample(
        tmp_path,
        APP_LOG,
        [
            {"first_line": 1, "last_line": 2, "timestamp": "2024-01-12T03:47:01.123", "level": "error"},
            {"first_line": 4, "last_line": 4, "timestamp": "2024-01-12T03:47:03", "level": "warning"},
        ],
    )
    benchmark = load_benchmark()
    [score] = [benchmark.score_sample(sample) for sample in benchmark.find_samples([tmp_path])]
    assert score.boundaries == 1
    assert score.timestamps == 0
    assert score.levels == 0


def test_score_counts_right_expectations(tmp_path: Path) -> None:
    write_sample(
        tmp_path,
        APP_LOG,
        [
            {"first_line": 1, "last_line": 3, "timestamp": "2024-01-12T03:47:01.123", "level": "error"},
            {"first_line": 4, "last_line": 4, "timestamp": "2024-01-12T03:47:02", "level": "info"},
        ],
    )
    benchmark = load_benchmark()
    [score] = [benchmark.score_sample(sample) for sample in benchmark.find_samples([tmp_path])]
    assert score.boundaries == 2
    assert score.timestamps == 2
    assert score.levels == 2


def test_find_samples_needs_log_file(tmp_path: Path) -> None:
    (tmp_path / "lonely.expected.jsonl").write_text("", encoding="utf-8")
    benchmark = load_benchmark()
    with pytest.raises(benchmark.SampleError, match="no log file"):
        benchmark.find_samples([tmp_path])


def test_find_samples_searches_subdirectories(tmp_path: Path) -> None:
    nested = tmp_path / "vendor" / "java"
    nested.mkdir(parents=True)
    write_sample(nested, APP_LOG, [])
    [sample] = load_benchmark().find_samples([tmp_path])
    assert sample.log == nested / "app.log"


def test_load_expected_rejects_unknown_level(tmp_path: Path) -> None:
    path = tmp_path / "app.expected.jsonl"
    path.write_text(
        '{"first_line": 1, "last_line": 1, "timestamp": null, "level": "warn"}\n', encoding="utf-8"
    )
    benchmark = load_benchmark()
    with pytest.raises(benchmark.SampleError, match="level"):
        benchmark.load_expected(path)


@pytest.mark.parametrize(("minimum", "status"), [("0", 0), ("100", 1)])
def test_main_exit_status_follows_threshold(tmp_path: Path, minimum: str, status: int) -> None:
    write_sample(
        tmp_path,
        APP_LOG,
        [{"first_line": 1, "last_line": 1, "timestamp": "2024-01-12T03:47:01.123", "level": "error"}],
    )
    assert load_benchmark().main([str(tmp_path), "--min-boundaries", minimum]) == status


# HTTP access logs.


def test_combined_access_fields() -> None:
    fields = event_at("nginx-access-combined", '"POST /api/orders HTTP/2.0" 502')["fields"]
    assert fields["status"] == 502
    assert fields["method"] == "POST"
    assert fields["path"] == "/api/orders"
    assert fields["referrer"] == "https://shop.example.com/checkout"
    assert fields["user_agent"].startswith("Mozilla/5.0 (Windows NT 10.0")


def test_access_key_value_timing_fields() -> None:
    fields = event_at("nginx-access-main-ext", '"POST /api/orders/48213/pay HTTP/1.1" 504')["fields"]
    assert fields["status"] == 504
    assert float(fields["request_time"]) == pytest.approx(30.001)
    assert fields["upstream"] == "10.42.3.9:8080"


def test_access_bare_timing_numbers() -> None:
    fields = event_at("nginx-access-timing", '"POST /api/orders/48213/pay HTTP/1.1" 504')["fields"]
    assert float(fields["request_time"]) == pytest.approx(30.001)
    assert float(fields["upstream_response_time"]) == pytest.approx(30.001)


def test_access_several_upstream_times_kept() -> None:
    # nginx writes one $upstream_response_time per upstream tried, separated by ", ".
    fields = event_at("nginx-access-timing", "5.004 0.002, 5.001")["fields"]
    assert float(fields["request_time"]) == pytest.approx(5.004)
    assert str(fields["upstream_response_time"]) == "0.002, 5.001"


def test_access_status_sets_level() -> None:
    assert event_at("nginx-access-combined", '"GET /api/orders/48190 HTTP/1.1" 499')["level"] == "warning"


# JSON lines.


def test_zap_fields_exclude_message_keys() -> None:
    event = event_at("zap", '"msg":"charge failed","order_id":48213,"attempt":1')
    assert event["message"] == "charge failed"
    assert event["fields"]["caller"] == "payments/client.go:88"
    assert event["fields"]["order_id"] == 48213
    assert not {"msg", "level", "ts"} & set(event["fields"])


def test_pino_numeric_level_and_fields() -> None:
    event = event_at("pino", '"reqId":"req-1f","err"')
    assert event["level"] == "error"
    assert event["fields"]["hostname"] == "checkout-5c8d7b9f4-m2x7q"
    assert event["message"] == "timeout exceeded when trying to connect"


def test_structlog_event_is_message() -> None:
    event = event_at("structlog", '"task_id": "c0ffee02", "event": "task failed"')
    assert event["message"] == "task failed"
    assert event["fields"]["task_id"] == "c0ffee02"


def test_serilog_missing_level_is_information() -> None:
    assert event_at("serilog-compact", "Application started. Press Ctrl+C")["level"] == "info"


def test_serilog_rendered_message() -> None:
    assert event_at("serilog-rendered", '"@m":"Charge failed for order 48213"')["message"] == (
        "Charge failed for order 48213"
    )


def test_ecs_dotted_level_and_fields() -> None:
    event = event_at("ecs-java", '"message":"Charge failed for order 48213"')
    assert event["level"] == "error"
    assert event["message"] == "Charge failed for order 48213"
    assert event["fields"]["service.name"] == "orders"


def test_gcp_json_payload_message() -> None:
    event = event_at("gcp-logging", '"message":"Charge failed for order 48213"')
    assert event["message"] == "Charge failed for order 48213"
    assert event["level"] == "error"


def test_gcp_text_payload_message() -> None:
    event = event_at("gcp-logging", '"textPayload":"Picked up JAVA_TOOL_OPTIONS')
    assert event["message"] == "Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75"


def test_docker_nested_json_unwrapped() -> None:
    event = event_at("docker-json", "Charge failed for order 48213")
    assert event["message"] == "Charge failed for order 48213"
    assert event["level"] == "error"
    assert event["fields"]["logger_name"] == "com.acme.orders.payment.PaymentClient"
    assert event["fields"]["stream"] == "stdout"


def test_docker_split_long_line_joins() -> None:
    # dockerd cuts lines longer than 16 KiB into pieces; only the last ends with "\n".
    first = line_number("docker-json", "Rejected oversized cart payload")
    event = event_at("docker-json", "Rejected oversized cart payload")
    assert event["last_line"] == first + 1
    assert event["level"] == "warning"


def test_docker_stack_trace_lines_join() -> None:
    event = event_at("docker-json", 'Exception in thread \\"outbox-relay\\"')
    assert event["last_line"] == line_number("docker-json", "... 3 more")


# journalctl -o json.

JOURNAL_LEVELS = {
    "0": "fatal",
    "1": "critical",
    "2": "critical",
    "3": "error",
    "4": "warning",
    "5": "notice",
    "6": "info",
    "7": "debug",
}


@pytest.mark.parametrize(("priority", "level"), sorted(JOURNAL_LEVELS.items()))
def test_journal_priority_sets_level(priority: str, level: str) -> None:
    assert event_at("journalctl-json", f'"PRIORITY":"{priority}"')["level"] == level


def test_journal_realtime_timestamp() -> None:
    event = event_at("journalctl-json", '"__REALTIME_TIMESTAMP":"1705031100000812"')
    assert load_benchmark().timestamps_equal("2024-01-12T03:45:00.000812+00:00", event["timestamp"])


def test_journal_byte_array_message_decoded() -> None:
    # journalctl prints MESSAGE as an array of bytes when it contains control characters.
    message = event_at("journalctl-json", '"MESSAGE":[27,91,51,49,109')["message"]
    assert "reindex: lost connection to database" in message
    assert "\x1b" not in message


# Kubernetes.


def test_cri_partial_lines_join() -> None:
    event = event_at("cri", " stdout P ")
    assert event["last_line"] == line_number("cri", "SKU-102699:1")
    assert event["message"].endswith("SKU-102699:1")


def test_cri_partial_ending_in_empty_line() -> None:
    event = event_at("cri", " stderr P ")
    assert event["last_line"] == line_number("cri", "Z stderr F")
    assert event["level"] == "error"


def test_cri_runtime_timestamp() -> None:
    event = event_at("cri", "Charge failed for order 48213")
    assert load_benchmark().timestamps_equal("2024-01-12T03:47:01.123891Z", event["timestamp"])


def test_kubectl_prefix_streams_kept_apart() -> None:
    first = event_at("kubectl-logs-prefix", "Charge failed for order 48213")
    second = event_at("kubectl-logs-prefix", "Charge failed for order 48217")
    assert first["last_line"] == line_number("kubectl-logs-prefix", "requests.exceptions.ReadTimeout")
    assert second["last_line"] == line_number("kubectl-logs-prefix", "requests.exceptions.ConnectionError")


def test_kubectl_events_row_fields() -> None:
    event = event_at("kubectl-get-events", "Warning   BackOff")
    assert event["level"] == "warning"
    assert event["fields"]["reason"] == "BackOff"
    assert event["fields"]["object"] == "pod/orders-7d9f8b6c5-x2kqp"


def test_kubectl_events_normal_is_info() -> None:
    assert event_at("kubectl-get-events", "Normal    Scheduled")["level"] == "info"


def test_kubectl_describe_row_fields() -> None:
    event = event_at("kubectl-describe-pod", "Warning  BackOff")
    assert event["level"] == "warning"
    assert event["fields"]["reason"] == "BackOff"
    assert event["fields"]["count"] == 21


# logfmt.


def test_gokit_logfmt_fields() -> None:
    event = event_at("logfmt-gokit", 'msg="Error sending alert" err="Post')
    assert event["level"] == "error"
    assert event["message"] == "Error sending alert"
    assert event["fields"]["component"] == "notifier"
    assert event["fields"]["err"].startswith('Post "http://alertmanager-0')


def test_slog_logfmt_fields() -> None:
    event = event_at("logfmt-slog", "req.method=POST req.path=/v1/entries status=201")
    assert event["fields"]["req.method"] == "POST"
    assert str(event["fields"]["status"]) == "201"


def test_heroku_router_fields() -> None:
    event = event_at("heroku", "at=error code=H12")
    assert event["level"] == "error"
    assert event["fields"]["code"] == "H12"
    assert str(event["fields"]["status"]) == "503"


# Syslog and text headers.


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("<11>Jan 12 03:47:01 api-1 orders[2410]", "error"),
        ("<26>Jan 12 03:47:04 lb-1 haproxy", "critical"),
        ("<15>Jan 12 03:47:07 api-1 orders", "debug"),
        ("<0>Jan 12 03:47:09 api-3 kernel", "fatal"),
    ],
)
def test_syslog_priority_sets_level(text: str, level: str) -> None:
    assert event_at("syslog-pri", text)["level"] == level


def test_syslog_without_year_uses_reference() -> None:
    timestamp = event_at("syslog-rfc3164", "Jan  9 23:59:01 web-1 CRON")["timestamp"]
    assert load_benchmark().timestamps_equal("2024-01-09T23:59:01", timestamp)


def test_rfc5424_nil_timestamp_is_null() -> None:
    assert event_at("syslog-rfc5424", "<34>1 - sensor-7")["timestamp"] is None


def test_postgres_detail_lines_join() -> None:
    event = event_at("postgres", "ERROR:  deadlock detected")
    assert event["last_line"] == line_number("postgres", "STATEMENT:  UPDATE accounts", 2)
    assert event["level"] == "error"


def test_crlf_endings_not_in_message() -> None:
    message = event_at("log4net-crlf", "Pick list download failed")["message"]
    assert message == "Pick list download failed"


def test_ansi_codes_removed_from_level() -> None:
    event = event_at("spring-boot-ansi", "Charge failed for order 48213")
    assert event["level"] == "error"
    assert load_benchmark().timestamps_equal("2024-01-12T04:47:01.123+01:00", event["timestamp"])


def test_supervisord_stream_prefix() -> None:
    lines = [
        "celery-main stderr | [2024-03-12 03:47:06,512: INFO/MainProcess] missed heartbeat from worker@host-1",
        "celery-main stderr | [2024-03-12 03:47:07,020: ERROR/MainProcess] Task failed: MemoryError",
    ]
    events = list(iter_events(lines, SourceCounter("supervisor.log"), 2024))
    assert [event.stream for event in events] == ["celery-main", "celery-main"]
    assert events[1].timestamp is not None
    assert events[1].timestamp.second == 7
    assert events[1].level is Level.ERROR
