"""JSON log lines: parse_json_object, and LineParser for wrapped (Docker json-file) lines."""

import json
from datetime import datetime, timezone

import pytest

from prodrescue.ingest.jsonline import parse_json_object
from prodrescue.ingest.lines import LineParser
from prodrescue.levels import Level

UTC = timezone.utc
REFERENCE_YEAR = 2024

ZAP = json.dumps(
    {
        "level": "error",
        "ts": 1705031221.123,
        "caller": "payments/client.go:88",
        "msg": "charge failed",
        "order": 42,
        "error": "dial tcp 10.0.0.5:5432: connect: connection refused",
        "stacktrace": "main.charge\n\t/app/payments/client.go:88\nmain.main\n\t/app/main.go:20",
    }
)
LOGRUS = (
    '{"error":"pq: too many connections for role \\"app\\"","level":"error",'
    '"msg":"charge failed","order":42,"time":"2024-01-12T03:47:01Z"}'
)
PINO = json.dumps(
    {
        "level": 50,
        "time": 1705031221123,
        "pid": 4711,
        "hostname": "api-1",
        "msg": "charge failed",
        "err": {
            "type": "Error",
            "message": "connect ECONNREFUSED 10.0.0.5:5432",
            "stack": "Error: connect ECONNREFUSED 10.0.0.5:5432\n"
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
        },
    }
)
BUNYAN = json.dumps(
    {
        "name": "payments",
        "hostname": "api-1",
        "pid": 4711,
        "level": 40,
        "msg": "slow query",
        "time": "2024-01-12T03:47:01.123Z",
        "v": 0,
    }
)
STRUCTLOG = json.dumps(
    {
        "event": "charge failed",
        "level": "error",
        "timestamp": "2024-01-12T03:47:01.123456Z",
        "order_id": 42,
        "logger": "payments.worker",
    }
)
SERILOG_TEMPLATE = json.dumps(
    {
        "@t": "2024-01-12T03:47:01.1234567Z",
        "@mt": "Charge failed for order {OrderId}",
        "@l": "Error",
        "@x": "System.Net.Sockets.SocketException (111): Connection refused\n"
        "   at System.Net.Sockets.Socket.Connect(EndPoint remoteEP)",
        "OrderId": 42,
    }
)
SERILOG_RENDERED = json.dumps(
    {
        "@t": "2024-01-12T03:47:01.1234567Z",
        "@m": "Charge failed for order 42",
        "@i": "a1b2c3d4",
        "@l": "Warning",
        "OrderId": 42,
    }
)
SERILOG_INFORMATION = json.dumps(
    {
        "@t": "2024-01-12T03:47:01.1234567Z",
        "@mt": "Charge started for order {OrderId}",
        "OrderId": 42,
    }
)
ECS_DOTTED = json.dumps(
    {
        "@timestamp": "2024-01-12T03:47:01.123Z",
        "log.level": "error",
        "message": "Charge failed",
        "ecs.version": "1.6.0",
        "service.name": "payments",
    }
)
ECS_NESTED = json.dumps(
    {
        "@timestamp": "2024-01-12T03:47:01.123Z",
        "log": {"level": "warn", "logger": "payments"},
        "message": "Slow charge",
        "ecs": {"version": "8.11.0"},
    }
)
ECS_ERROR = json.dumps(
    {
        "@timestamp": "2024-01-12T03:47:01.123Z",
        "log.level": "error",
        "message": "Charge failed",
        "error": {
            "type": "java.net.ConnectException",
            "message": "Connection refused",
            "stack_trace": "java.net.ConnectException: Connection refused\n"
            "\tat java.base/sun.nio.ch.Net.connect0(Native Method)",
        },
    }
)
PYTHON_JSON_LOGGER = json.dumps(
    {
        "levelname": "ERROR",
        "name": "payments",
        "message": "Charge failed",
        "timestamp": "2024-01-12T03:47:01.123456+00:00",
        "exc_info": "Traceback (most recent call last):\n"
        '  File "/app/pay.py", line 3, in charge\n'
        "    raise ConnectionError()\n"
        "ConnectionError",
    }
)
JOURNALD = json.dumps(
    {
        "MESSAGE": "payments.service: Main process exited, code=killed, status=9/KILL",
        "PRIORITY": "3",
        "__REALTIME_TIMESTAMP": "1705031221123456",
        "_SYSTEMD_UNIT": "payments.service",
    }
)

# (line, message, timestamp, level)
JSON_CASES = [
    pytest.param(
        ZAP,
        "charge failed",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        Level.ERROR,
        id="zap",
    ),
    pytest.param(
        LOGRUS,
        "charge failed",
        datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC),
        Level.ERROR,
        id="logrus",
    ),
    pytest.param(
        PINO,
        "charge failed",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        Level.ERROR,
        id="pino-epoch-ms",
    ),
    pytest.param(
        BUNYAN,
        "slow query",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        Level.WARNING,
        id="bunyan",
    ),
    pytest.param(
        STRUCTLOG,
        "charge failed",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        Level.ERROR,
        id="structlog",
    ),
    pytest.param(
        SERILOG_TEMPLATE,
        "Charge failed for order {OrderId}",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        Level.ERROR,
        id="serilog-compact-template",
    ),
    pytest.param(
        SERILOG_RENDERED,
        "Charge failed for order 42",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        Level.WARNING,
        id="serilog-compact-rendered",
    ),
    pytest.param(
        ECS_DOTTED,
        "Charge failed",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        Level.ERROR,
        id="ecs-dotted-level",
    ),
    pytest.param(
        ECS_NESTED,
        "Slow charge",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        Level.WARNING,
        id="ecs-nested-level",
    ),
    pytest.param(
        PYTHON_JSON_LOGGER,
        "Charge failed",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        Level.ERROR,
        id="python-json-logger",
    ),
    pytest.param(
        JOURNALD,
        "payments.service: Main process exited, code=killed, status=9/KILL",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        Level.ERROR,
        id="journald-json",
    ),
]


@pytest.mark.parametrize(("line", "message", "timestamp", "level"), JSON_CASES)
def test_json_message(line: str, message: str, timestamp: datetime, level: Level) -> None:
    parsed = parse_json_object(line, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.message == message


@pytest.mark.parametrize(("line", "message", "timestamp", "level"), JSON_CASES)
def test_json_timestamp(line: str, message: str, timestamp: datetime, level: Level) -> None:
    parsed = parse_json_object(line, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.timestamp == timestamp


@pytest.mark.parametrize(("line", "message", "timestamp", "level"), JSON_CASES)
def test_json_level(line: str, message: str, timestamp: datetime, level: Level) -> None:
    parsed = parse_json_object(line, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.level is level


@pytest.mark.parametrize(
    ("number", "level"),
    [
        (10, Level.TRACE),
        (20, Level.DEBUG),
        (30, Level.INFO),
        (40, Level.WARNING),
        (50, Level.ERROR),
        (60, Level.FATAL),
    ],
)
def test_bunyan_numeric_level(number: int, level: Level) -> None:
    line = json.dumps({"level": number, "time": 1705031221123, "msg": "tick"})
    parsed = parse_json_object(line, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.level is level


def test_serilog_without_level_is_info() -> None:
    # Compact Serilog JSON omits @l for Information events.
    parsed = parse_json_object(SERILOG_INFORMATION, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.level is Level.INFO


def test_other_fields_kept() -> None:
    parsed = parse_json_object(ZAP, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.fields["caller"] == "payments/client.go:88"
    assert parsed.fields["order"] == 42


def test_used_fields_not_repeated() -> None:
    parsed = parse_json_object(ZAP, REFERENCE_YEAR)
    assert parsed is not None
    assert "msg" not in parsed.fields
    assert "level" not in parsed.fields
    assert "ts" not in parsed.fields


def test_nested_fields_flattened() -> None:
    parsed = parse_json_object(ECS_NESTED, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.fields["log.logger"] == "payments"
    assert parsed.fields["ecs.version"] == "8.11.0"


def test_error_field_becomes_extra_line() -> None:
    parsed = parse_json_object(LOGRUS, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.extra_lines == ('error: pq: too many connections for role "app"',)


def test_stacktrace_field_split_into_lines() -> None:
    parsed = parse_json_object(ZAP, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.extra_lines == (
        "error: dial tcp 10.0.0.5:5432: connect: connection refused",
        "stacktrace: main.charge",
        "\t/app/payments/client.go:88",
        "main.main",
        "\t/app/main.go:20",
    )


def test_serilog_exception_extra_lines() -> None:
    parsed = parse_json_object(SERILOG_TEMPLATE, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.extra_lines == (
        "@x: System.Net.Sockets.SocketException (111): Connection refused",
        "   at System.Net.Sockets.Socket.Connect(EndPoint remoteEP)",
    )


def test_python_exc_info_extra_lines() -> None:
    parsed = parse_json_object(PYTHON_JSON_LOGGER, REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.extra_lines[0] == "exc_info: Traceback (most recent call last):"
    assert parsed.extra_lines[-1] == "ConnectionError"


def test_ecs_error_object_extra_lines() -> None:
    parsed = parse_json_object(ECS_ERROR, REFERENCE_YEAR)
    assert parsed is not None
    assert "error.message: Connection refused" in parsed.extra_lines
    assert "\tat java.base/sun.nio.ch.Net.connect0(Native Method)" in parsed.extra_lines


def test_pino_err_object_extra_lines() -> None:
    # pino's standard serializer writes err as an object. Its message and stack
    # are text that rules search, as they search a plain "error" string.
    parsed = parse_json_object(PINO, REFERENCE_YEAR)
    assert parsed is not None
    text = "\n".join(parsed.extra_lines)
    assert "connect ECONNREFUSED 10.0.0.5:5432" in text
    assert "at TCPConnectWrap.afterConnect" in text


def test_message_missing_uses_fields() -> None:
    parsed = parse_json_object('{"level":"info","order":42,"status":"paid","note":"two words"}', REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.message == 'order=42 status=paid note="two words"'
    assert parsed.message_from_field is False


def test_object_without_message_parses_once() -> None:
    # Cloud alarm payloads have no message field; this once recursed without end.
    record = LineParser("alarms.log", REFERENCE_YEAR).parse(1, '{"AlarmName":"orders-age","NewStateValue":"ALARM"}')
    assert record.message == "AlarmName=orders-age NewStateValue=ALARM"
    assert record.fields == {"AlarmName": "orders-age", "NewStateValue": "ALARM"}


def test_boolean_level_and_time_ignored() -> None:
    parsed = parse_json_object('{"level": true, "time": true, "msg": "x"}', REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.level is None
    assert parsed.timestamp is None


def test_unparsable_time_is_none() -> None:
    parsed = parse_json_object('{"time": "yesterday", "msg": "x"}', REFERENCE_YEAR)
    assert parsed is not None
    assert parsed.timestamp is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[1, 2, 3]", id="array"),
        pytest.param('"charge failed"', id="string"),
        pytest.param("42", id="number"),
        pytest.param("null", id="null"),
        pytest.param('{"level": "error", "msg": "charge failed"', id="unterminated"),
        pytest.param("{level: error, msg: charge failed}", id="unquoted-keys"),
        pytest.param("{'level': 'error'}", id="single-quotes"),
        pytest.param('{"a": ' * 5000 + "1" + "}" * 5000, id="too-deep"),
    ],
)
def test_not_a_json_object(text: str) -> None:
    assert parse_json_object(text, REFERENCE_YEAR) is None


# Through LineParser: JSON versus text, and wrappers whose message is a log line.


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("[1, 2, 3]", id="array"),
        pytest.param('{"level": "error", "msg": "charge failed"', id="unterminated"),
        pytest.param('{"level":"info","msg":"ok"} trailing text', id="trailing-text"),
        pytest.param("{not json at all}", id="braces-text"),
    ],
)
def test_non_object_line_read_as_text(line: str) -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, line)
    assert record.fields is None
    assert record.message == line


def test_json_line_has_fields() -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, LOGRUS)
    assert record.fields == {"error": 'pq: too many connections for role "app"', "order": 42}
    assert record.extra_lines == ('error: pq: too many connections for role "app"',)


def test_json_multiline_message_split() -> None:
    line = json.dumps(
        {
            "timestamp": "2024-01-12T03:47:01Z",
            "level": "INFO",
            "message": "pool stats\nactive=10\nidle=0",
        }
    )
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, line)
    assert record.message == "pool stats"
    assert record.extra_lines == ("active=10", "idle=0")


DOCKER_SPRING = json.dumps(
    {
        "log": "2024-01-12 03:47:01.123 ERROR 1 --- [main] c.e.p.PaymentService : Charge failed\n",
        "stream": "stderr",
        "time": "2024-01-12T03:47:01.125Z",
    }
)
DOCKER_PLAIN = json.dumps(
    {"log": "listening on :8080\n", "stream": "stdout", "time": "2024-01-12T03:47:01.125Z"}
)
DOCKER_NESTED_JSON = json.dumps(
    {
        "log": '{"level":"error","msg":"charge failed","order":42}\n',
        "stream": "stdout",
        "time": "2024-01-12T03:47:01.125Z",
    }
)
DOCKER_FRAME = json.dumps(
    {
        "log": "\tat com.example.payments.PaymentService.charge(PaymentService.java:42)\n",
        "stream": "stderr",
        "time": "2024-01-12T03:47:01.126Z",
    }
)


def test_docker_inner_header_level() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_SPRING)
    assert record.level is Level.ERROR


def test_docker_inner_header_message() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_SPRING)
    assert record.message == "Charge failed"


def test_docker_stream_field_kept() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_SPRING)
    assert record.fields == {"stream": "stderr"}


def test_docker_plain_inner_line() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_PLAIN)
    assert record.message == "listening on :8080"
    assert record.timestamp == datetime(2024, 1, 12, 3, 47, 1, 125000, tzinfo=UTC)
    assert record.level is None


def test_docker_nested_json_message() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_NESTED_JSON)
    assert record.message == "charge failed"
    assert record.level is Level.ERROR


def test_docker_nested_json_fields_merged() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_NESTED_JSON)
    assert record.fields == {"stream": "stdout", "order": 42}


def test_docker_nested_json_keeps_docker_time() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_NESTED_JSON)
    assert record.timestamp == datetime(2024, 1, 12, 3, 47, 1, 125000, tzinfo=UTC)


def test_docker_frame_line_text() -> None:
    record = LineParser("container.log", REFERENCE_YEAR).parse(1, DOCKER_FRAME)
    assert record.message.strip() == (
        "at com.example.payments.PaymentService.charge(PaymentService.java:42)"
    )


def test_json_inside_compose_prefix() -> None:
    line = "api-1  | " + LOGRUS
    record = LineParser("compose.log", REFERENCE_YEAR).parse(1, line)
    assert record.stream == "api-1"
    assert record.message == "charge failed"
    assert record.level is Level.ERROR
