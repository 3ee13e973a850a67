"""Folding lines into events (EventFolder, through iter_events) and merge_events."""

import json
from datetime import datetime, timezone

from prodrescue.ingest.folding import EventFolder, FoldingLimits
from prodrescue.ingest.lines import LineParser
from prodrescue.ingest.records import Event
from prodrescue.ingest.stream import SourceCounter, iter_events, merge_events
from prodrescue.levels import Level

UTC = timezone.utc
REFERENCE_YEAR = 2024


def fold(text: str, name: str = "app.log") -> list[Event]:
    """Return the events of ``text``, one physical line per ``\\n``."""
    return list(iter_events(text.split("\n"), SourceCounter(name), REFERENCE_YEAR))


def spans(events: list[Event]) -> list[tuple[int, int]]:
    return [(event.first_line, event.last_line) for event in events]


def fold_with_limits(text: str, limits: FoldingLimits) -> list[Event]:
    parser = LineParser("app.log", REFERENCE_YEAR)
    folder = EventFolder(limits)
    events: list[Event] = []
    for number, line in enumerate(text.split("\n"), 1):
        events.extend(folder.add(parser.parse(number, line)))
    events.extend(folder.finish())
    return events


JAVA_TRACE = """\
2024-01-12 03:47:01.123 ERROR 1 --- [nio-8080-exec-1] c.e.payments.PaymentController : Charge failed
org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection
\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:277)
\tat com.example.payments.PaymentService.charge(PaymentService.java:42)
\t... 12 common frames omitted
Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.
\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
\t... 45 more
\tSuppressed: java.lang.IllegalStateException: pool closed
\t\tat com.zaxxer.hikari.pool.HikariPool.close(HikariPool.java:300)
2024-01-12 03:47:02.001  INFO 1 --- [nio-8080-exec-1] c.e.payments.PaymentController : Retrying"""


def test_java_trace_spans() -> None:
    assert spans(fold(JAVA_TRACE)) == [(1, 10), (11, 11)]


def test_java_trace_lines_kept() -> None:
    first = fold(JAVA_TRACE)[0]
    assert first.lines == JAVA_TRACE.split("\n")[:10]


def test_java_trace_body() -> None:
    first = fold(JAVA_TRACE)[0]
    assert first.message == "Charge failed"
    assert first.body[4].startswith("Caused by: java.sql.SQLTransientConnectionException")
    assert len(first.body) == 9


def test_java_trace_event_level() -> None:
    first = fold(JAVA_TRACE)[0]
    assert first.level is Level.ERROR
    assert first.timestamp == datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC)


def test_java_trace_untimestamped_file() -> None:
    # A JVM's stderr without a logging layout: frames and Caused by still fold
    # onto the exception line.
    text = """\
java.lang.IllegalStateException: pool closed
\tat com.example.payments.PaymentService.charge(PaymentService.java:42)
Caused by: java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
Shutting down"""
    assert spans(fold(text)) == [(1, 4), (5, 5)]


PYTHON_LOGGED = """\
2024-01-12 03:47:01,123 ERROR payments.worker: Charge failed
Traceback (most recent call last):
  File "/app/payments/worker.py", line 42, in charge
    conn = pool.getconn()
  File "/usr/lib/python3.12/site-packages/psycopg2/pool.py", line 169, in getconn
    raise PoolError("connection pool exhausted")
psycopg2.pool.PoolError: connection pool exhausted
2024-01-12 03:47:02,001 INFO payments.worker: Retrying"""


def test_python_logged_traceback_spans() -> None:
    assert spans(fold(PYTHON_LOGGED)) == [(1, 7), (8, 8)]


def test_python_logged_traceback_headline() -> None:
    first = fold(PYTHON_LOGGED)[0]
    assert first.headline == "Charge failed"


PYTHON_BARE = """\
Traceback (most recent call last):
  File "/app/pay.py", line 3, in charge
    return gateway.post(order)
KeyError: 'amount'
Starting payments worker"""


def test_bare_traceback_spans() -> None:
    assert spans(fold(PYTHON_BARE)) == [(1, 4), (5, 5)]


def test_bare_traceback_headline() -> None:
    first = fold(PYTHON_BARE)[0]
    assert first.headline == "KeyError: 'amount'"


PYTHON_CHAINED = """\
Traceback (most recent call last):
  File "/app/pay.py", line 3, in charge
    return gateway.post(order)
KeyError: 'amount'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/pay.py", line 5, in charge
    raise ChargeError("charge failed") from None
pay.ChargeError: charge failed
Starting payments worker"""


def test_chained_bare_traceback_spans() -> None:
    assert spans(fold(PYTHON_CHAINED)) == [(1, 11), (12, 12)]


def test_chained_bare_traceback_headline() -> None:
    first = fold(PYTHON_CHAINED)[0]
    assert first.headline == "pay.ChargeError: charge failed"


PYTHON_LOGGED_CHAINED = """\
2024-01-12 03:47:01,123 ERROR payments.worker: Charge failed
Traceback (most recent call last):
  File "/app/pay.py", line 3, in charge
    return gateway.post(order)
KeyError: 'amount'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/pay.py", line 5, in charge
    raise ChargeError("charge failed") from error
pay.ChargeError: charge failed
2024-01-12 03:47:02,001 INFO payments.worker: Retrying"""


def test_chained_logged_traceback_spans() -> None:
    assert spans(fold(PYTHON_LOGGED_CHAINED)) == [(1, 12), (13, 13)]


GO_PANIC_BARE = """\
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 1 [running]:
main.charge(0x0)
\t/app/main.go:42 +0x1d
main.main()
\t/app/main.go:20 +0x25"""


def test_go_panic_bare_spans() -> None:
    assert spans(fold(GO_PANIC_BARE)) == [(1, 8)]


def test_go_panic_after_log_lines() -> None:
    text = (
        "2024/01/12 03:47:00 starting payments worker\n"
        "2024/01/12 03:47:01 charging order 42\n" + GO_PANIC_BARE
    )
    assert spans(fold(text)) == [(1, 1), (2, 2), (3, 10)]


def test_go_panic_level() -> None:
    first = fold(GO_PANIC_BARE)[0]
    assert first.level is Level.FATAL


NODE_LOGGED = """\
2024-01-12T03:47:01.123Z error: Charge failed
Error: connect ECONNREFUSED 10.0.0.5:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
    at async PaymentService.charge (/app/src/payments.js:42:5)
    at /app/src/server.js:10:3
2024-01-12T03:47:02.000Z info: Retrying"""


def test_node_stack_after_logger_line() -> None:
    assert spans(fold(NODE_LOGGED)) == [(1, 5), (6, 6)]


def test_node_stack_bare() -> None:
    text = """\
Error: connect ECONNREFUSED 10.0.0.5:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
    at async PaymentService.charge (/app/src/payments.js:42:5)
    at <anonymous>
Server listening on port 3000"""
    assert spans(fold(text)) == [(1, 4), (5, 5)]


DOTNET_CONSOLE = """\
fail: Payments.Api.ChargeController[0]
      Charge failed for order 42
      System.Net.Http.HttpRequestException: Connection refused (gateway:443)
       ---> System.Net.Sockets.SocketException (111): Connection refused
         at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
         --- End of inner exception stack trace ---
         at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
      --- End of stack trace from previous location ---
         at Payments.Api.ChargeController.Charge(Int32 orderId) in /src/Payments.Api/ChargeController.cs:line 42
info: Microsoft.Hosting.Lifetime[0]
      Application is shutting down..."""


def test_dotnet_console_spans() -> None:
    assert spans(fold(DOTNET_CONSOLE)) == [(1, 9), (10, 11)]


def test_dotnet_console_message_in_text() -> None:
    first = fold(DOTNET_CONSOLE)[0]
    assert "Charge failed for order 42" in first.text


DOTNET_DOCKER_TIMESTAMPS = """\
2024-01-12T03:47:01.123456789Z fail: Payments.Api.ChargeController[0]
2024-01-12T03:47:01.123456789Z       Charge failed for order 42
2024-01-12T03:47:01.123500000Z       System.Net.Http.HttpRequestException: Connection refused (gateway:443)
2024-01-12T03:47:01.123500000Z          at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port)
2024-01-12T03:47:01.123500000Z       --- End of stack trace from previous location ---
2024-01-12T03:47:01.123500000Z          at Payments.Api.ChargeController.Charge(Int32 orderId) in /src/Payments.Api/ChargeController.cs:line 42
2024-01-12T03:47:01.200000000Z info: Microsoft.Hosting.Lifetime[0]"""


def test_dotnet_docker_timestamps_spans() -> None:
    # docker logs --timestamps: every physical line carries its own timestamp.
    assert spans(fold(DOTNET_DOCKER_TIMESTAMPS)) == [(1, 6), (7, 7)]


def test_dotnet_frames_after_docker_timestamp() -> None:
    # The frame lines alone, as a tail of such a log shows them.
    text = "\n".join(DOTNET_DOCKER_TIMESTAMPS.split("\n")[2:6])
    assert spans(fold(text)) == [(1, 4)]


RUBY_TRACE = """\
E, [2024-01-12T03:47:01.123456 #4711] ERROR -- : Redis::CannotConnectError (Error connecting to Redis on redis:6379 (Errno::ECONNREFUSED)):
/usr/local/bundle/gems/redis-4.8.1/lib/redis/client.rb:398:in `rescue in establish_connection'
app/models/payment.rb:12:in `charge'
app/controllers/payments_controller.rb:8:in `create'
I, [2024-01-12T03:47:02.000000 #4711]  INFO -- : Completed 500 Internal Server Error in 12ms"""


def test_ruby_trace_spans() -> None:
    assert spans(fold(RUBY_TRACE)) == [(1, 4), (5, 5)]


def test_ruby_frames_bare() -> None:
    text = """\
Redis::CannotConnectError: Error connecting to Redis on redis:6379 (Errno::ECONNREFUSED)
/usr/local/bundle/gems/redis-4.8.1/lib/redis/client.rb:398:in `rescue in establish_connection'
app/models/payment.rb:12:in 'Payment#charge'
Worker started"""
    assert spans(fold(text)) == [(1, 3), (4, 4)]


POSTGRES_PREFIXED = """\
2024-01-12 03:47:01.123 UTC [4711] ERROR:  duplicate key value violates unique constraint "orders_pkey"
2024-01-12 03:47:01.123 UTC [4711] DETAIL:  Key (id)=(42) already exists.
2024-01-12 03:47:01.123 UTC [4711] STATEMENT:  INSERT INTO orders (id) VALUES (42)
2024-01-12 03:47:02.000 UTC [4712] LOG:  checkpoint starting: time"""


def test_postgresql_prefixed_spans() -> None:
    assert spans(fold(POSTGRES_PREFIXED)) == [(1, 3), (4, 4)]


def test_postgresql_detail_in_text() -> None:
    first = fold(POSTGRES_PREFIXED)[0]
    assert "Key (id)=(42) already exists." in first.text


POSTGRES_BARE = """\
ERROR:  duplicate key value violates unique constraint "orders_pkey"
DETAIL:  Key (id)=(42) already exists.
HINT:  Check the data.
CONTEXT:  SQL statement "INSERT INTO orders (id) VALUES (42)"
STATEMENT:  INSERT INTO orders (id) VALUES (42)
LOG:  checkpoint starting: time"""


def test_postgresql_bare_spans() -> None:
    assert spans(fold(POSTGRES_BARE)) == [(1, 5), (6, 6)]


def test_postgresql_bare_level_kept() -> None:
    first = fold(POSTGRES_BARE)[0]
    assert first.level is Level.ERROR


def test_indented_continuation_untimestamped() -> None:
    text = """\
Starting payments worker
Loaded 3 plugins
  plugin: stripe
  plugin: paypal
Ready"""
    assert spans(fold(text)) == [(1, 1), (2, 4), (5, 5)]


def test_plain_lines_join_in_timestamped_file() -> None:
    text = """\
2024-01-12 03:47:01 Charge failed for order 42
response body follows
card_declined: insufficient funds
2024-01-12 03:47:02 Retrying order 42"""
    assert spans(fold(text)) == [(1, 3), (4, 4)]


def test_plain_lines_own_events_untimestamped() -> None:
    text = """\
Starting payments worker
Connected to postgres at 10.0.0.5:5432
Listening on :8080"""
    assert spans(fold(text)) == [(1, 1), (2, 2), (3, 3)]


def test_blank_line_closes_untimestamped_event() -> None:
    text = """\
Loaded 3 plugins
  plugin: stripe

  plugin: paypal"""
    assert spans(fold(text)) == [(1, 2), (4, 4)]


def test_blank_line_inside_timestamped_event() -> None:
    text = """\
2024-01-12 03:47:01 Charge failed for order 42
response body follows

card_declined: insufficient funds
2024-01-12 03:47:02 Retrying order 42"""
    assert spans(fold(text)) == [(1, 4), (5, 5)]


def test_line_numbers_count_blank_lines() -> None:
    text = "Starting payments worker\n\n\nListening on :8080"
    assert spans(fold(text)) == [(1, 1), (4, 4)]


def test_json_lines_never_fold() -> None:
    text = "\n".join(
        [
            json.dumps({"level": "info", "msg": "charge started", "time": "2024-01-12T03:47:01Z"}),
            json.dumps({"level": "info", "msg": "charge done", "time": "2024-01-12T03:47:02Z"}),
        ]
    )
    assert spans(fold(text)) == [(1, 1), (2, 2)]


def test_json_error_field_in_event_text() -> None:
    line = json.dumps(
        {
            "level": "error",
            "msg": "charge failed",
            "error": "dial tcp 10.0.0.5:5432: connect: connection refused",
        }
    )
    event = fold(line)[0]
    assert "connection refused" in event.text


COMPOSE_INTERLEAVED = """\
api-1     | 2024-01-12 03:47:01,123 ERROR Charge failed
worker-1  | 2024-01-12 03:47:01,124 ERROR Job failed
api-1     | java.lang.IllegalStateException: pool closed
worker-1  | Traceback (most recent call last):
api-1     | \tat com.example.payments.PaymentService.charge(PaymentService.java:42)
worker-1  |   File "/app/job.py", line 3, in run
worker-1  | ValueError: bad amount
api-1     | 2024-01-12 03:47:02,000 INFO Retrying
worker-1  | 2024-01-12 03:47:02,001 INFO Retrying"""


def test_compose_streams_fold_separately() -> None:
    assert spans(fold(COMPOSE_INTERLEAVED)) == [(1, 5), (2, 7), (8, 8), (9, 9)]


def test_compose_stream_names() -> None:
    streams = [event.stream for event in fold(COMPOSE_INTERLEAVED)]
    assert streams == ["api-1", "worker-1", "api-1", "worker-1"]


def test_compose_event_lines_one_stream() -> None:
    api_error = fold(COMPOSE_INTERLEAVED)[0]
    assert all(line.startswith("api-1") for line in api_error.lines)
    assert len(api_error.lines) == 3


def test_kubectl_prefix_streams_fold_separately() -> None:
    text = """\
[pod/api-7d9c/api] 2024-01-12T03:47:01Z ERROR Charge failed
[pod/api-7d9c/envoy] 2024-01-12T03:47:01Z INFO upstream reset
[pod/api-7d9c/api] \tat com.example.payments.PaymentService.charge(PaymentService.java:42)"""
    assert spans(fold(text)) == [(1, 3), (2, 2)]


def test_events_in_first_line_order() -> None:
    first_lines = [event.first_line for event in fold(COMPOSE_INTERLEAVED)]
    assert first_lines == sorted(first_lines)


def test_lines_kept_once_in_order() -> None:
    text = JAVA_TRACE + "\n" + PYTHON_LOGGED
    kept_lines = [line for event in fold(text) for line in event.lines]
    assert kept_lines == text.split("\n")


def test_max_lines_closes_event() -> None:
    events = fold_with_limits(JAVA_TRACE, FoldingLimits(max_lines=4))
    assert spans(events) == [(1, 4), (5, 8), (9, 10), (11, 11)]


def test_max_lines_drops_no_line() -> None:
    events = fold_with_limits(JAVA_TRACE, FoldingLimits(max_lines=4))
    kept_lines = [line for event in events for line in event.lines]
    assert kept_lines == JAVA_TRACE.split("\n")


def test_max_chars_counts_dropped_lines() -> None:
    events = fold_with_limits(JAVA_TRACE, FoldingLimits(max_chars=200))
    first = events[0]
    assert first.last_line == 10
    assert first.dropped_lines > 0
    assert len(first.lines) + first.dropped_lines == 10


def test_idle_stream_closed() -> None:
    # The api stream's event closes once more lines than idle_lines of other
    # streams pass, so the worker's later events are emitted without waiting.
    lines = ["api-1     | 2024-01-12 03:47:01,123 ERROR Charge failed"]
    lines += [f"worker-1  | 2024-01-12 03:47:{2 + i:02d},000 INFO tick {i}" for i in range(5)]
    events = fold_with_limits("\n".join(lines), FoldingLimits(idle_lines=2))
    assert spans(events) == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)]


def test_counter_counts() -> None:
    text = "2024-01-12 03:47:01 start\n\nplain continuation\n" + json.dumps(
        {"level": "info", "msg": "done", "time": "2024-01-12T03:47:05Z"}
    )
    counter = SourceCounter("app.log")
    events = list(iter_events(text.split("\n"), counter, REFERENCE_YEAR))
    assert counter.lines == 4
    assert counter.blank_lines == 1
    assert counter.timestamped_lines == 2
    assert counter.json_lines == 1
    assert counter.events == len(events)
    assert counter.first_timestamp == datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC)
    assert counter.last_timestamp == datetime(2024, 1, 12, 3, 47, 5, tzinfo=UTC)


def test_iter_events_reads_bytes() -> None:
    lines = [b"2024-01-12 03:47:01 ERROR Charge failed\n", b"\tat x.Y.z(Y.java:1)\n"]
    events = list(iter_events(lines, SourceCounter("app.log"), REFERENCE_YEAR))
    assert spans(events) == [(1, 2)]


# merge_events


def events_of(text: str, name: str) -> list[Event]:
    return fold(text, name)


def order(events: list[Event]) -> list[tuple[str, int]]:
    return [(event.source, event.first_line) for event in events]


API_LOG = """\
2024-01-12 03:47:01 INFO api start
2024-01-12 03:47:03 ERROR api charge failed
2024-01-12 03:47:05 INFO api retry ok"""
DB_LOG = """\
2024-01-12 03:47:02.000 UTC [4711] LOG:  checkpoint starting
2024-01-12 03:47:04.000 UTC [4711] ERROR:  deadlock detected"""


def test_merge_interleaves_by_time() -> None:
    merged = list(merge_events([iter(events_of(API_LOG, "api")), iter(events_of(DB_LOG, "db"))]))
    assert order(merged) == [("api", 1), ("db", 1), ("api", 2), ("db", 2), ("api", 3)]


def test_merge_compares_zones() -> None:
    # 04:47:02+01:00 is 03:47:02 UTC, between the first two api events.
    other = "2024-01-12T04:47:02+01:00 WARN edge slow upstream"
    merged = list(merge_events([iter(events_of(API_LOG, "api")), iter(events_of(other, "edge"))]))
    assert order(merged) == [("api", 1), ("edge", 1), ("api", 2), ("api", 3)]


def test_merge_untimed_stays_with_neighbour() -> None:
    api = """\
2024-01-12 03:47:01 INFO api start
WARNING:payments:no timestamp on this line
2024-01-12 03:47:05 INFO api retry ok"""
    merged = list(merge_events([iter(events_of(api, "api")), iter(events_of(DB_LOG, "db"))]))
    assert order(merged) == [("api", 1), ("api", 2), ("db", 1), ("db", 2), ("api", 3)]


def test_merge_untimed_first_sorts_first() -> None:
    api = """\
WARNING:payments:configuration file missing, using defaults
2024-01-12 03:47:05 INFO api start"""
    merged = list(merge_events([iter(events_of(DB_LOG, "db")), iter(events_of(api, "api"))]))
    assert order(merged) == [("api", 1), ("db", 1), ("db", 2), ("api", 2)]


def test_merge_keeps_source_order() -> None:
    # A source whose clock went backwards keeps its own order.
    api = """\
2024-01-12 03:47:05 INFO api late line
2024-01-12 03:47:01 INFO api clock stepped back"""
    db = "2024-01-12 03:47:03.000 UTC [4711] LOG:  checkpoint starting"
    merged = list(merge_events([iter(events_of(api, "api")), iter(events_of(db, "db"))]))
    api_lines = [line for source, line in order(merged) if source == "api"]
    assert api_lines == [1, 2]


def test_merge_ties_by_source_index() -> None:
    first = "2024-01-12 03:47:01 INFO first source"
    second = "2024-01-12 03:47:01 INFO second source"
    merged = list(merge_events([iter(events_of(first, "a")), iter(events_of(second, "b"))]))
    assert order(merged) == [("a", 1), ("b", 1)]


def test_merge_single_source_unchanged() -> None:
    api = """\
2024-01-12 03:47:05 INFO api late line
WARNING:payments:no timestamp on this line
2024-01-12 03:47:01 INFO api clock stepped back"""
    events = events_of(api, "api")
    merged = list(merge_events([iter(events)]))
    assert merged == events


def test_merge_no_sources() -> None:
    assert list(merge_events([])) == []


def test_long_unparsed_section_is_not_one_event() -> None:
    # Two logs concatenated: the second one's header format is unknown, so its
    # lines have no timestamp. After a run of them, each is an entry of its own.
    timed = [f"2024-01-12 03:47:{second:02d} INFO api tick {second}" for second in range(5)]
    unparsed = [f"node-{index} unix.hw state_change.unavailable component {index}" for index in range(100)]
    events = fold("\n".join(timed + unparsed))
    assert len(events) == 5 + 100 - 40
    assert events[4].last_line == 45
    assert spans(events[5:7]) == [(46, 46), (47, 47)]


def test_event_level_is_most_severe_line() -> None:
    text = "2024-01-12T03:47:01.123Z info: charge attempt\nError: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"
    events = fold(text)
    assert spans(events) == [(1, 3)]
    assert events[0].level is Level.ERROR


# Wrapped lines: the program's own line inside a runtime's or syslog's wrapper decides.


def docker_line(text: str, time: str, stream: str = "stderr") -> str:
    return json.dumps({"log": text + "\n", "stream": stream, "time": time})


def test_docker_traceback_joins_entry() -> None:
    lines = [
        docker_line(
            "[2024-01-12 03:44:02 +0000] [8] [ERROR] Error handling request /reports",
            "2024-01-12T03:44:02.551007318Z",
        ),
        docker_line("Traceback (most recent call last):", "2024-01-12T03:44:02.551107318Z"),
        docker_line('  File "/app/reports.py", line 41, in daily', "2024-01-12T03:44:02.551207318Z"),
        docker_line("    rows = fetch(day)", "2024-01-12T03:44:02.551307318Z"),
        docker_line("ValueError: day out of range", "2024-01-12T03:44:02.551407318Z"),
        docker_line("[2024-01-12 03:44:03 +0000] [8] [INFO] Worker ready", "2024-01-12T03:44:03.000000000Z"),
    ]
    assert spans(fold("\n".join(lines))) == [(1, 5), (6, 6)]


def test_docker_later_print_is_own_event() -> None:
    lines = [
        docker_line(
            "[2024-01-12 03:40:00 +0000] [8] [INFO] Booting worker with pid: 8",
            "2024-01-12T03:40:00.118930551Z",
        ),
        docker_line(
            "Loading report templates from /app/templates", "2024-01-12T03:40:01.660214009Z", "stdout"
        ),
    ]
    assert spans(fold("\n".join(lines))) == [(1, 1), (2, 2)]


def test_docker_time_is_runtime_time() -> None:
    line = docker_line("[2024-01-12 03:44:02 +0000] [8] [ERROR] boom", "2024-01-12T03:44:02.551007318Z")
    (event,) = fold(line)
    assert event.timestamp == datetime(2024, 1, 12, 3, 44, 2, 551007, tzinfo=UTC)


CRI_TRACE = """\
2024-01-12T03:44:12.905618266Z stdout F 2024-01-12T03:44:12.904Z ERROR 1 --- [exec-7] c.e.AcquirerClient : Authorization failed
2024-01-12T03:44:12.905700000Z stdout F\x20
2024-01-12T03:44:12.905800000Z stdout F java.net.SocketTimeoutException: Read timed out
2024-01-12T03:44:12.905900000Z stdout F \tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)
2024-01-12T03:44:12.906000000Z stdout F \tat com.example.AcquirerClient.authorize(AcquirerClient.java:88)
2024-01-12T03:44:13.100000000Z stdout F 2024-01-12T03:44:13.099Z  INFO 1 --- [exec-7] c.e.PaymentController : Payment marked failed"""


def test_cri_stack_trace_joins_entry() -> None:
    assert spans(fold(CRI_TRACE)) == [(1, 5), (6, 6)]


def test_cri_partial_lines_span_to_final() -> None:
    text = (
        "2024-01-12T03:40:02.010442187Z stdout P Fetching fraud model from http://models.internal/v12 ... \n"
        "2024-01-12T03:40:02.010442187Z stdout P downloaded 48 MB ... \n"
        "2024-01-12T03:40:04.200000000Z stdout F done"
    )
    (event,) = fold(text)
    assert (event.first_line, event.last_line) == (1, 3)


def test_kubectl_timestamps_go_panic() -> None:
    prefix = "[pod/orders-5d8b9c7f4-kx7pt/manager] "
    text = "\n".join(
        prefix + line
        for line in (
            "2024-01-12T03:45:31.220174008Z panic: runtime error: invalid memory address or nil pointer dereference",
            "2024-01-12T03:45:31.220189413Z [signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1a4f2c8]",
            "2024-01-12T03:45:31.220192027Z ",
            "2024-01-12T03:45:31.220194318Z goroutine 312 [running]:",
            "2024-01-12T03:45:31.220196610Z example.com/orders/internal.(*Reconciler).sync(0xc0004a8000)",
            "2024-01-12T03:45:31.220198903Z \t/workspace/internal/controller.go:214 +0x48",
        )
    )
    assert spans(fold(text)) == [(1, 6)]


def test_syslog_indented_traceback_line() -> None:
    text = """\
2024-01-12T04:44:02+01:00 app-3 inventory-sync[2201]: ERROR inventory.sync: stock sync failed
2024-01-12T04:44:02+01:00 app-3 inventory-sync[2201]: Traceback (most recent call last):
2024-01-12T04:44:02+01:00 app-3 inventory-sync[2201]:   File "/app/sync.py", line 10, in run
2024-01-12T04:44:02+01:00 app-3 inventory-sync[2201]:     rows = fetch()
2024-01-12T04:44:02+01:00 app-3 inventory-sync[2201]: ValueError: bad row
2024-01-12T04:44:03+01:00 app-3 sshd[99]: Accepted publickey for deploy"""
    assert spans(fold(text)) == [(1, 5), (6, 6)]


def test_rfc5424_without_time_starts_entry() -> None:
    text = """\
<134>1 2024-01-12T03:47:01.003Z web-1 orders 912 - - order 42 accepted
<134>1 - web-1 orders 912 - - order 43 accepted"""
    assert spans(fold(text)) == [(1, 1), (2, 2)]


def test_json_line_takes_no_plain_lines() -> None:
    text = "\n".join(
        [
            '{"@timestamp":"2024-01-12T04:41:30.401+01:00","message":"Picked order 55012","level":"INFO"}',
            "java.net.SocketTimeoutException: Read timed out",
            "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
        ]
    )
    assert spans(fold(text)) == [(1, 1), (2, 3)]


def test_jvm_exception_takes_only_frames() -> None:
    text = """\
2024-01-12 04:46:00,000 INFO queue depth 412
Exception in thread "pick-worker-5" java.lang.OutOfMemoryError: Java heap space
Terminating due to java.lang.OutOfMemoryError: Java heap space"""
    assert spans(fold(text)) == [(1, 1), (2, 2), (3, 3)]


def test_rails_tagged_lines_join() -> None:
    text = """\
F, [2024-01-12T03:44:07.560114 #21] FATAL -- : [0f1e2d3c-4b5a]\x20
[0f1e2d3c-4b5a] ActiveRecord::ConnectionTimeoutError (could not obtain a connection from the pool):
[0f1e2d3c-4b5a] activerecord (7.1.2) lib/active_record/connection_adapters/abstract/connection_pool/queue.rb:128:in `block in wait_poll'
I, [2024-01-12T03:44:08.000000 #21]  INFO -- : [9a8b7c6d-5e4f] Started GET "/health\""""
    assert spans(fold(text)) == [(1, 3), (4, 4)]


def test_node_warning_own_entry() -> None:
    text = """\
2024-01-12T03:40:00.104Z [info]: reviews-api starting
(node:7) [DEP0040] DeprecationWarning: The punycode module is deprecated.
(Use `node --trace-deprecation ...` to show where the warning was created)
2024-01-12T03:40:01.000Z [info]: listening"""
    assert spans(fold(text)) == [(1, 1), (2, 3), (4, 4)]


def test_node_crash_report_own_entry() -> None:
    text = """\
2024-01-12T03:46:12.331Z [error]: unhandledRejection: Error: read ECONNRESET
    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)
/app/node_modules/pg/lib/client.js:526
        Error.captureStackTrace(err)
              ^

Error: Connection terminated unexpectedly
    at Connection.<anonymous> (/app/node_modules/pg/lib/client.js:132:73)

Node.js v20.11.0
2024-01-12T03:46:15.220Z [info]: reviews-api starting"""
    assert spans(fold(text)) == [(1, 2), (3, 10), (11, 11)]
