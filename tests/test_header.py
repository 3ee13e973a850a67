"""Header parsing: HeaderParser on plain lines, LineParser for colour codes and stream prefixes."""

from datetime import datetime, timedelta, timezone

import pytest

from prodrescue.ingest.header import HeaderParser
from prodrescue.ingest.lines import LineParser, strip_ansi
from prodrescue.levels import Level

UTC = timezone.utc
# Formats without a year take it from the parser's reference year.
REFERENCE_YEAR = 2024


class _Unchecked:
    """Table value for a field that a case does not pin down."""

    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED = _Unchecked()


def at(*parts: int, hours: float = 0) -> datetime:
    return datetime(*parts, tzinfo=timezone(timedelta(hours=hours)))


def parse_header(line: str) -> tuple[datetime | None, Level | None, str]:
    header = HeaderParser(REFERENCE_YEAR).parse(line)
    return header.timestamp, header.level, line[header.message_start :]


# (line as the program prints it, timestamp, level, message)
HEADER_CASES = [
    # Spring Boot 3 console format and logback / log4j2 patterns.
    pytest.param(
        "2024-01-12T03:47:01.123Z  INFO 1 --- [           main]"
        " o.s.b.w.embedded.tomcat.TomcatWebServer"
        "  : Tomcat started on port 8080 (http) with context path ''",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.INFO,
        "Tomcat started on port 8080 (http) with context path ''",
        id="spring-boot-3",
    ),
    pytest.param(
        "2024-01-12T04:47:01.123+01:00 ERROR 4711 --- [payments] [nio-8080-exec-1]"
        " c.e.payments.PaymentController          : Payment failed for order 42",
        at(2024, 1, 12, 4, 47, 1, 123000, hours=1),
        Level.ERROR,
        "Payment failed for order 42",
        id="spring-boot-3-application-name",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123Z ERROR 1 --- [nio-8080-exec-1]"
        " o.a.c.c.C.[.[.[/].[dispatcherServlet]"
        "    : Servlet.service() for servlet [dispatcherServlet] in context with path [] threw"
        " exception",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception",
        id="spring-boot-dispatcher-servlet-logger",
    ),
    pytest.param(
        "2024-01-12 03:47:01.123 [http-nio-8080-exec-3] ERROR c.e.payments.PaymentService"
        " - Charge failed for order 42",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed for order 42",
        id="logback-thread-logger",
    ),
    pytest.param(
        "2024-01-12 03:47:01,123 ERROR [main] com.example.payments.App: Charge failed",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed",
        id="log4j-level-thread-logger",
    ),
    pytest.param(
        "03:47:01.123 [main] WARN  c.e.p.PaymentService - Slow response from gateway",
        UNCHECKED,
        Level.WARNING,
        "Slow response from gateway",
        id="logback-default-time-only",
    ),
    # Python logging.
    pytest.param(
        "WARNING:payments.gateway:Gateway timeout after 30s",
        None,
        Level.WARNING,
        "Gateway timeout after 30s",
        id="python-basic-config",
    ),
    pytest.param(
        "CRITICAL:root:Disk /var/lib/postgresql is full",
        None,
        Level.CRITICAL,
        "Disk /var/lib/postgresql is full",
        id="python-basic-config-root",
    ),
    pytest.param(
        "2024-01-12 03:47:01,123 - payments.gateway - ERROR - Gateway timeout after 30s",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Gateway timeout after 30s",
        id="python-asctime-dashes",
    ),
    pytest.param(
        "2024-01-12 03:47:01,123 ERROR payments.gateway: Gateway timeout after 30s",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Gateway timeout after 30s",
        id="python-asctime-logger-colon",
    ),
    pytest.param(
        "INFO:     Started server process [4711]",
        None,
        Level.INFO,
        "Started server process [4711]",
        id="uvicorn",
    ),
    pytest.param(
        "[2024-01-12 03:47:01 +0000] [4711] [CRITICAL] WORKER TIMEOUT (pid:4712)",
        at(2024, 1, 12, 3, 47, 1),
        Level.CRITICAL,
        "WORKER TIMEOUT (pid:4712)",
        id="gunicorn",
    ),
    # Go.
    pytest.param(
        "2024/01/12 03:47:01 dial tcp 10.0.0.5:5432: connect: connection refused",
        at(2024, 1, 12, 3, 47, 1),
        None,
        "dial tcp 10.0.0.5:5432: connect: connection refused",
        id="go-log",
    ),
    pytest.param(
        '2024-01-12T03:47:01.123Z\tERROR\tpayments/client.go:88\tcharge failed\t{"order": 42}',
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        'charge failed\t{"order": 42}',
        id="zap-console",
    ),
    # Node.
    pytest.param(
        "2024-01-12T03:47:01.123Z error: Charge failed",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed",
        id="winston-printf",
    ),
    pytest.param(
        'error: Charge failed {"service":"payments"}',
        None,
        Level.ERROR,
        'Charge failed {"service":"payments"}',
        id="winston-simple",
    ),
    pytest.param(
        "[2024-01-12 03:47:01.123 +0000] ERROR (4711 on api-1): Charge failed",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed",
        id="pino-pretty-system-time",
    ),
    pytest.param(
        "[03:47:01.123] ERROR (4711): Charge failed",
        UNCHECKED,
        Level.ERROR,
        "Charge failed",
        id="pino-pretty-default-time",
    ),
    # Ruby.
    pytest.param(
        "E, [2024-01-12T03:47:01.123456 #4711] ERROR -- : Charge failed",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.ERROR,
        "Charge failed",
        id="ruby-logger",
    ),
    pytest.param(
        "F, [2024-01-12T03:47:01.123456 #4711] FATAL -- : ActiveRecord::ConnectionTimeoutError",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.FATAL,
        "ActiveRecord::ConnectionTimeoutError",
        id="ruby-logger-fatal",
    ),
    # .NET Serilog.
    pytest.param(
        "2024-01-12 03:47:01.123 +00:00 [ERR] Charge failed for order 42",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed for order 42",
        id="serilog-file",
    ),
    pytest.param(
        "[03:47:01 ERR] Charge failed for order 42",
        UNCHECKED,
        Level.ERROR,
        "Charge failed for order 42",
        id="serilog-console-default",
    ),
    # PostgreSQL.
    pytest.param(
        '2024-01-12 03:47:01.123 UTC [4711] ERROR:  relation "orders" does not exist at character 15',
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        'relation "orders" does not exist at character 15',
        id="postgresql-prefix",
    ),
    pytest.param(
        "2024-01-12 03:47:01.123 UTC [4711] LOG:  checkpoint starting: time",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.INFO,
        "checkpoint starting: time",
        id="postgresql-log",
    ),
    pytest.param(
        '2024-01-12 03:47:01.123 UTC [4711] FATAL:  password authentication failed for user "app"',
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.FATAL,
        'password authentication failed for user "app"',
        id="postgresql-fatal",
    ),
    pytest.param(
        '2024-01-12 03:47:01.123 UTC [4711] PANIC:  could not write to file "pg_wal/xlogtemp.4711":'
        " No space left on device",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.FATAL,
        'could not write to file "pg_wal/xlogtemp.4711": No space left on device',
        id="postgresql-panic",
    ),
    pytest.param(
        "2024-01-12 03:47:01.123 UTC [4711] app@payments ERROR:  deadlock detected",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "deadlock detected",
        id="postgresql-debian-prefix-user-db",
    ),
    pytest.param(
        'ERROR:  relation "orders" does not exist at character 15',
        None,
        Level.ERROR,
        'relation "orders" does not exist at character 15',
        id="postgresql-no-prefix",
    ),
    pytest.param(
        "LOG:  database system is ready to accept connections",
        None,
        Level.INFO,
        "database system is ready to accept connections",
        id="postgresql-no-prefix-log",
    ),
    # MySQL 8 error log.
    pytest.param(
        "2024-01-12T03:47:01.123456Z 0 [ERROR] [MY-012574] [InnoDB] Unable to lock ./ibdata1 error: 11",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.ERROR,
        "Unable to lock ./ibdata1 error: 11",
        id="mysql-error",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123456Z 8 [Warning] [MY-010055] [Server] IP address '10.0.0.7'"
        " could not be resolved: Name or service not known",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.WARNING,
        "IP address '10.0.0.7' could not be resolved: Name or service not known",
        id="mysql-warning",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123456Z 8 [Note] [MY-010914] [Server] Aborted connection 8 to db:"
        " 'payments' user: 'app' host: '10.0.0.7' (Got an error reading communication packets).",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.INFO,
        "Aborted connection 8 to db: 'payments' user: 'app' host: '10.0.0.7'"
        " (Got an error reading communication packets).",
        id="mysql-note",
    ),
    # Redis: the pid:role and the older [pid] forms, with level marks * and #.
    pytest.param(
        "1:M 22 Jan 2024 04:10:16.688 * Ready to accept connections tcp",
        at(2024, 1, 22, 4, 10, 16, 688000),
        Level.NOTICE,
        "Ready to accept connections tcp",
        id="redis-pid-role",
    ),
    pytest.param(
        "1:S 22 Jan 2024 04:10:16.688 # Error condition on socket for SYNC: Connection refused",
        at(2024, 1, 22, 4, 10, 16, 688000),
        Level.WARNING,
        "Error condition on socket for SYNC: Connection refused",
        id="redis-replica-warning",
    ),
    pytest.param(
        "[4711] 22 Jan 04:10:16.688 * Server started, Redis version 2.8.19",
        at(REFERENCE_YEAR, 1, 22, 4, 10, 16, 688000),
        Level.NOTICE,
        "Server started, Redis version 2.8.19",
        id="redis-bracket-pid",
    ),
    # Kafka and Elasticsearch.
    pytest.param(
        "[2024-01-12 03:47:01,123] INFO Kafka version: 3.6.1 (org.apache.kafka.common.utils.AppInfoParser)",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.INFO,
        "Kafka version: 3.6.1 (org.apache.kafka.common.utils.AppInfoParser)",
        id="kafka",
    ),
    pytest.param(
        "[2024-01-12T03:47:01,123][WARN ][o.e.c.r.a.DiskThresholdMonitor] [node-1] high disk"
        " watermark [90%] exceeded on [node-1][/usr/share/elasticsearch/data] free: 1.2gb[8.1%]",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.WARNING,
        "high disk watermark [90%] exceeded on [node-1][/usr/share/elasticsearch/data] free: 1.2gb[8.1%]",
        id="elasticsearch",
    ),
    # nginx and Apache.
    pytest.param(
        "2024/01/12 03:47:01 [error] 123#0: *45 connect() failed (111: Connection refused) while"
        " connecting to upstream, client: 10.0.0.1, server: api.example.com, request:"
        ' "GET /api/pay HTTP/1.1", upstream: "http://10.0.0.5:8080/api/pay"',
        at(2024, 1, 12, 3, 47, 1),
        Level.ERROR,
        "*45 connect() failed (111: Connection refused) while connecting to upstream,"
        ' client: 10.0.0.1, server: api.example.com, request: "GET /api/pay HTTP/1.1",'
        ' upstream: "http://10.0.0.5:8080/api/pay"',
        id="nginx-error",
    ),
    pytest.param(
        "2024/01/12 03:47:01 [notice] 1#1: start worker processes",
        at(2024, 1, 12, 3, 47, 1),
        Level.NOTICE,
        "start worker processes",
        id="nginx-notice",
    ),
    pytest.param(
        '10.0.0.1 - - [12/Jan/2024:03:47:01 +0000] "GET /api/pay HTTP/1.1" 502 157 "-" "curl/8.4.0"',
        at(2024, 1, 12, 3, 47, 1),
        None,
        '"GET /api/pay HTTP/1.1" 502 157 "-" "curl/8.4.0"',
        id="nginx-access-combined",
    ),
    pytest.param(
        '10.0.0.1 - alice [12/Jan/2024:04:47:01 +0100] "POST /api/pay HTTP/1.1" 200 2326',
        at(2024, 1, 12, 4, 47, 1, hours=1),
        None,
        '"POST /api/pay HTTP/1.1" 200 2326',
        id="apache-access-common",
    ),
    pytest.param(
        "[Fri Jan 12 03:47:01.123456 2024] [proxy:error] [pid 4711:tid 140234] [client"
        " 10.0.0.1:51234] AH00898: Error reading from remote server returned by /api/pay",
        at(2024, 1, 12, 3, 47, 1, 123456),
        Level.ERROR,
        "AH00898: Error reading from remote server returned by /api/pay",
        id="apache-error",
    ),
    # Syslog.
    pytest.param(
        "Jan 12 03:47:01 web-1 sshd[4711]: Failed password for invalid user admin from 10.0.0.9"
        " port 52144 ssh2",
        at(REFERENCE_YEAR, 1, 12, 3, 47, 1),
        None,
        "Failed password for invalid user admin from 10.0.0.9 port 52144 ssh2",
        id="syslog-program-pid",
    ),
    pytest.param(
        "Jan 12 03:47:01 web-1 kernel: [12345.678901] Out of memory: Killed process 4711 (java)",
        at(REFERENCE_YEAR, 1, 12, 3, 47, 1),
        None,
        "[12345.678901] Out of memory: Killed process 4711 (java)",
        id="syslog-program-without-pid",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123456+00:00 web-1 systemd[1]: payments.service: Main process exited,"
        " code=killed, status=9/KILL",
        at(2024, 1, 12, 3, 47, 1, 123456),
        None,
        "payments.service: Main process exited, code=killed, status=9/KILL",
        id="rsyslog-high-precision",
    ),
    pytest.param(
        "<11>Jan 12 03:47:01 web-1 payments[4711]: Charge failed",
        at(REFERENCE_YEAR, 1, 12, 3, 47, 1),
        Level.ERROR,
        "Charge failed",
        id="rfc3164-priority",
    ),
    pytest.param(
        "<34>1 2024-01-12T03:47:01.123Z web-1 su 4711 ID47 - 'su root' failed for alice on /dev/pts/8",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.CRITICAL,
        "'su root' failed for alice on /dev/pts/8",
        id="rfc5424",
    ),
    # Kubernetes and CoreDNS.
    pytest.param(
        "E0125 15:49:46.692758       1 reflector.go:138] Failed to watch *v1.Pod: connection refused",
        at(REFERENCE_YEAR, 1, 25, 15, 49, 46, 692758),
        Level.ERROR,
        "Failed to watch *v1.Pod: connection refused",
        id="klog",
    ),
    pytest.param(
        "[ERROR] plugin/errors: 2 example.org. A: read udp 10.0.0.3:53->10.0.0.2:53: i/o timeout",
        None,
        Level.ERROR,
        "plugin/errors: 2 example.org. A: read udp 10.0.0.3:53->10.0.0.2:53: i/o timeout",
        id="coredns",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123Z [INFO] plugin/reload: Running configuration SHA512 = 1a2b3c",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.INFO,
        "plugin/reload: Running configuration SHA512 = 1a2b3c",
        id="coredns-timestamped",
    ),
    # Heroku: the router writes its outcome (at=info, at=error) inside the message, so the
    # level is not pinned here.
    pytest.param(
        '2024-01-12T03:47:01.123456+00:00 heroku[router]: at=error code=H12 desc="Request timeout"'
        ' method=GET path="/api/pay" host=payments.herokuapp.com dyno=web.1 connect=0ms'
        " service=30000ms status=503 bytes=0",
        at(2024, 1, 12, 3, 47, 1, 123456),
        UNCHECKED,
        'at=error code=H12 desc="Request timeout" method=GET path="/api/pay"'
        " host=payments.herokuapp.com dyno=web.1 connect=0ms service=30000ms status=503 bytes=0",
        id="heroku-router",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123456+00:00 app[web.1]: Charge failed for order 42",
        at(2024, 1, 12, 3, 47, 1, 123456),
        None,
        "Charge failed for order 42",
        id="heroku-app",
    ),
    # Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s".
    pytest.param(
        "2024-01-12 03:47:01,123 - payments - ERROR - Charge failed for order 42",
        at(2024, 1, 12, 3, 47, 1, 123000),
        Level.ERROR,
        "Charge failed for order 42",
        id="python-dashed-name",
    ),
    # PostgreSQL with log_line_prefix '%t [%p]: [%l-1] user=%u,db=%d '.
    pytest.param(
        '2024-01-12 04:41:40 CET [3120]: [2-1] user=shop,db=shop ERROR:  relation "audit" does not exist',
        at(2024, 1, 12, 3, 41, 40),
        Level.ERROR,
        'relation "audit" does not exist',
        id="postgresql-user-db-prefix",
    ),
    pytest.param(
        "2024-01-12 04:40:00 CET [1]: [1-1] user=,db=,app=,client= LOG:  database system is ready",
        at(2024, 1, 12, 3, 40, 0),
        Level.INFO,
        "database system is ready",
        id="postgresql-empty-prefix-values",
    ),
    pytest.param(
        "2024-01-12 04:40:00 user=bob logged in", UNCHECKED, None, "user=bob logged in", id="user-key-message"
    ),
    # MySQL 5.x and old MariaDB: YYMMDD H:MM:SS.
    pytest.param(
        "240112  3:45:20 [ERROR] mysqld got signal 11 ;",
        at(2024, 1, 12, 3, 45, 20),
        Level.ERROR,
        "mysqld got signal 11 ;",
        id="mysql-short-date",
    ),
    pytest.param(
        "2024-01-12T03:40:00.104211Z 0 [System] [MY-010116] [Server] starting as process 1",
        UNCHECKED,
        Level.INFO,
        "starting as process 1",
        id="mysql-system",
    ),
    # Redis: "-" verbose and "." debug after the pid:role prefix, and the signal handler's epoch time.
    pytest.param(
        "1:M 12 Jan 2024 03:45:10.123 - Accepted 10.0.0.1:50000",
        at(2024, 1, 12, 3, 45, 10, 123000),
        Level.DEBUG,
        "Accepted 10.0.0.1:50000",
        id="redis-verbose-mark",
    ),
    pytest.param(
        "1:signal-handler (1705031110) Received SIGTERM scheduling shutdown...",
        at(2024, 1, 12, 3, 45, 10),
        Level.WARNING,
        "Received SIGTERM scheduling shutdown...",
        id="redis-signal-handler",
    ),
    pytest.param(
        "(node:7) [DEP0040] DeprecationWarning: The punycode module is deprecated.",
        None,
        Level.WARNING,
        "DeprecationWarning: The punycode module is deprecated.",
        id="node-process-warning",
    ),
    pytest.param(
        "[Fri Jan 12 04:47:45.900316 2024] [ssl:trace3] [pid 2293] OpenSSL: Handshake: done",
        UNCHECKED,
        Level.TRACE,
        UNCHECKED,
        id="apache-trace-level",
    ),
]


def _cases_checking(index: int) -> list:
    """Return the cases whose field at ``index`` (1 timestamp, 2 level, 3 message) is pinned."""
    chosen = []
    for case in HEADER_CASES:
        if case.values[index] is UNCHECKED:
            continue
        chosen.append(pytest.param(case.values[0], case.values[index], id=case.id))
    return chosen


@pytest.mark.parametrize(("line", "expected"), _cases_checking(1))
def test_header_timestamp(line: str, expected: datetime | None) -> None:
    timestamp, _, _ = parse_header(line)
    assert timestamp == expected


@pytest.mark.parametrize(("line", "expected"), _cases_checking(2))
def test_header_level(line: str, expected: Level | None) -> None:
    _, level, _ = parse_header(line)
    assert level is expected


@pytest.mark.parametrize(("line", "expected"), _cases_checking(3))
def test_header_message(line: str, expected: str) -> None:
    _, _, message = parse_header(line)
    assert message == expected


@pytest.mark.parametrize(
    ("line", "level"),
    [
        # The usual words, as loggers print them.
        pytest.param(
            "2024-01-12 03:47:01.123 TRACE 1 --- [main] c.e.p.PaymentService : entering charge",
            Level.TRACE,
            id="trace",
        ),
        pytest.param(
            "2024-01-12 03:47:01 [DEBUG] pool stats: active=10 idle=0",
            Level.DEBUG,
            id="debug-bracket",
        ),
        pytest.param("2024-01-12 03:47:01 INFO  server started", Level.INFO, id="info"),
        pytest.param("2024-01-12 03:47:01 NOTICE configuration reloaded", Level.NOTICE, id="notice"),
        pytest.param("2024-01-12 03:47:01 WARN  slow query", Level.WARNING, id="warn"),
        pytest.param("2024-01-12 03:47:01 WARNING slow query", Level.WARNING, id="warning"),
        pytest.param("2024-01-12 03:47:01 ERROR charge failed", Level.ERROR, id="error"),
        pytest.param("2024-01-12 03:47:01 CRITICAL disk full", Level.CRITICAL, id="critical"),
        pytest.param("2024-01-12 03:47:01 FATAL cannot start", Level.FATAL, id="fatal"),
        pytest.param(
            "2024-01-12 03:47:01 [Information] Application started",
            Level.INFO,
            id="serilog-information",
        ),
        pytest.param("2024-01-12 03:47:01 [Warning] Retry 2 of 5", Level.WARNING, id="serilog-warning"),
        pytest.param("2024-01-12 03:47:01 SEVERE: Servlet threw exception", Level.ERROR, id="jul-severe"),
        pytest.param("2024-01-12T03:47:01.123Z warn: queue is filling up", Level.WARNING, id="winston-warn"),
        # Three-letter abbreviations, as zerolog and Serilog print them.
        pytest.param("2024-01-12T03:47:01Z TRC entering charge", Level.TRACE, id="trc"),
        pytest.param("2024-01-12T03:47:01Z DBG pool stats", Level.DEBUG, id="dbg"),
        pytest.param("2024-01-12T03:47:01Z INF server started", Level.INFO, id="inf"),
        pytest.param("2024-01-12T03:47:01Z WRN slow query", Level.WARNING, id="wrn"),
        pytest.param("2024-01-12T03:47:01Z ERR charge failed", Level.ERROR, id="err"),
        pytest.param("2024-01-12T03:47:01Z FTL cannot start", Level.FATAL, id="ftl"),
        # klog letters.
        pytest.param(
            "I0125 15:49:46.692758       1 controller.go:53] Starting controller",
            Level.INFO,
            id="klog-i",
        ),
        pytest.param(
            "W0125 15:49:46.692758       1 warnings.go:70] v1 Endpoints is deprecated",
            Level.WARNING,
            id="klog-w",
        ),
        pytest.param(
            "E0125 15:49:46.692758       1 reflector.go:138] Failed to watch",
            Level.ERROR,
            id="klog-e",
        ),
        pytest.param(
            "F0125 15:49:46.692758       1 server.go:77] unable to load config",
            Level.FATAL,
            id="klog-f",
        ),
        # PostgreSQL severities.
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] LOG:  checkpoint complete",
            Level.INFO,
            id="postgresql-log",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] WARNING:  there is no transaction in progress",
            Level.WARNING,
            id="postgresql-warning",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] FATAL:  the database system is starting up",
            Level.FATAL,
            id="postgresql-fatal",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] PANIC:  could not locate a valid checkpoint record",
            Level.FATAL,
            id="postgresql-panic",
        ),
        # Syslog priorities: facility * 8 + severity.
        pytest.param("<8>Jan 12 03:47:01 web-1 payments[4711]: emergency", Level.FATAL, id="syslog-emerg"),
        pytest.param("<10>Jan 12 03:47:01 web-1 payments[4711]: critical", Level.CRITICAL, id="syslog-crit"),
        pytest.param("<11>Jan 12 03:47:01 web-1 payments[4711]: error", Level.ERROR, id="syslog-err"),
        pytest.param("<12>Jan 12 03:47:01 web-1 payments[4711]: warning", Level.WARNING, id="syslog-warning"),
        pytest.param("<13>Jan 12 03:47:01 web-1 payments[4711]: notice", Level.NOTICE, id="syslog-notice"),
        pytest.param("<14>Jan 12 03:47:01 web-1 payments[4711]: info", Level.INFO, id="syslog-info"),
        pytest.param("<15>Jan 12 03:47:01 web-1 payments[4711]: debug", Level.DEBUG, id="syslog-debug"),
        pytest.param(
            "<134>1 2024-01-12T03:47:01.123Z web-1 payments 4711 - - local0 info",
            Level.INFO,
            id="rfc5424-local0-info",
        ),
        # Microsoft.Extensions.Logging console: four-letter levels, message on the next line.
        pytest.param("trce: Payments.Api.ChargeController[0]", Level.TRACE, id="dotnet-trce"),
        pytest.param("dbug: Payments.Api.ChargeController[0]", Level.DEBUG, id="dotnet-dbug"),
        pytest.param("info: Microsoft.Hosting.Lifetime[14]", Level.INFO, id="dotnet-info"),
        pytest.param("warn: Payments.Api.ChargeController[0]", Level.WARNING, id="dotnet-warn"),
        pytest.param("fail: Payments.Api.ChargeController[0]", Level.ERROR, id="dotnet-fail"),
        pytest.param("crit: Payments.Api.ChargeController[0]", Level.CRITICAL, id="dotnet-crit"),
    ],
)
def test_level_word(line: str, level: Level) -> None:
    _, found, _ = parse_header(line)
    assert found is level


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("42 orders processed", "42 orders processed", id="number-no-header"),
        pytest.param("Started 3 workers", "Started 3 workers", id="word-no-header"),
        pytest.param("2024-01-12 03:47:01 42 orders processed", "42 orders processed", id="number"),
        pytest.param(
            "2024-01-12 03:47:01 Starting payments worker",
            "Starting payments worker",
            id="word",
        ),
        pytest.param("2024-01-12 03:47:01 Worker 7 started", "Worker 7 started", id="word-then-number"),
        pytest.param(
            "2024-01-12 03:47:01 INFO 3 workers started",
            "3 workers started",
            id="number-after-level",
        ),
        pytest.param(
            "2024-01-12 03:47:01 ERROR 500 Internal Server Error returned by gateway",
            "500 Internal Server Error returned by gateway",
            id="status-code-after-level",
        ),
        pytest.param(
            "[2024-01-12 03:47:01,123] ERROR Error while creating ephemeral at /brokers/ids/1,"
            " node already exists (kafka.zk.KafkaZkClient)",
            "Error while creating ephemeral at /brokers/ids/1, node already exists (kafka.zk.KafkaZkClient)",
            id="level-word-after-level",
        ),
        pytest.param(
            "1:M 22 Jan 2024 04:10:16.688 # WARNING Memory overcommit must be enabled!",
            "WARNING Memory overcommit must be enabled!",
            id="redis-warning-word",
        ),
        pytest.param(
            "2024/01/12 03:47:01 Error connecting to database: dial tcp 10.0.0.5:5432: connect:"
            " connection refused",
            "Error connecting to database: dial tcp 10.0.0.5:5432: connect: connection refused",
            id="go-log-error-word",
        ),
    ],
)
def test_message_keeps_first_word(line: str, message: str) -> None:
    _, _, found = parse_header(line)
    assert found == message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] DETAIL:  Key (id)=(42) already exists.",
            "Key (id)=(42) already exists.",
            id="detail-prefix",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] HINT:  Check free disk space.",
            "Check free disk space.",
            id="hint-prefix",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] STATEMENT:  INSERT INTO orders (id) VALUES (42)",
            "INSERT INTO orders (id) VALUES (42)",
            id="statement-prefix",
        ),
        pytest.param(
            "2024-01-12 03:47:01.123 UTC [4711] app@payments STATEMENT:  UPDATE orders SET paid = true",
            "UPDATE orders SET paid = true",
            id="statement-debian-prefix",
        ),
        pytest.param(
            "DETAIL:  Key (id)=(42) already exists.",
            "Key (id)=(42) already exists.",
            id="detail-no-prefix",
        ),
        pytest.param("HINT:  Check free disk space.", "Check free disk space.", id="hint-no-prefix"),
        pytest.param(
            'CONTEXT:  SQL statement "INSERT INTO orders (id) VALUES (42)"',
            'SQL statement "INSERT INTO orders (id) VALUES (42)"',
            id="context-no-prefix",
        ),
        pytest.param(
            "STATEMENT:  INSERT INTO orders (id) VALUES (42)",
            "INSERT INTO orders (id) VALUES (42)",
            id="statement-no-prefix",
        ),
    ],
)
def test_postgresql_secondary_line(line: str, message: str) -> None:
    header = HeaderParser(REFERENCE_YEAR).parse(line)
    assert header.secondary
    assert line[header.message_start :] == message


def test_postgresql_error_not_secondary() -> None:
    header = HeaderParser(REFERENCE_YEAR).parse("2024-01-12 03:47:01.123 UTC [4711] ERROR:  boom")
    assert not header.secondary


def test_secondary_word_needs_colon() -> None:
    header = HeaderParser(REFERENCE_YEAR).parse("DETAIL of the order follows")
    assert not header.secondary


def test_header_zone_known() -> None:
    parser = HeaderParser(REFERENCE_YEAR)
    assert parser.parse("2024-01-12T03:47:01Z ERROR boom").zone_known
    assert not parser.parse("2024-01-12 03:47:01,123 ERROR boom").zone_known


def test_header_logger_name() -> None:
    header = HeaderParser(REFERENCE_YEAR).parse(
        "2024-01-12 03:47:01,123 ERROR payments.gateway: Gateway timeout"
    )
    assert header.logger == "payments.gateway"


def test_syslog_year_rollover() -> None:
    parser = HeaderParser(2023)
    december = parser.parse("Dec 31 23:59:58 web-1 cron[1]: tick").timestamp
    january = parser.parse("Jan  1 00:00:02 web-1 cron[1]: tick").timestamp
    assert december == at(2023, 12, 31, 23, 59, 58)
    assert january == at(2024, 1, 1, 0, 0, 2)


def test_year_taken_from_full_timestamp() -> None:
    # A line with a year sets the year for later lines without one.
    parser = HeaderParser(2030)
    parser.parse("2022-06-01T12:00:00Z payments started")
    later = parser.parse("Jun  2 08:00:00 web-1 payments[7]: charge ok").timestamp
    assert later == at(2022, 6, 2, 8, 0, 0)


def test_klog_year_from_reference() -> None:
    parser = HeaderParser(2021)
    found = parser.parse("I0125 15:49:46.692758       1 controller.go:53] Starting").timestamp
    assert found == at(2021, 1, 25, 15, 49, 46, 692758)


def test_syslog_order_keeps_year_within_months() -> None:
    # Going back a few months (logs merged out of order) is not a New Year.
    parser = HeaderParser(2024)
    parser.parse("Mar 10 10:00:00 web-1 app[1]: one")
    found = parser.parse("Feb 10 10:00:00 web-1 app[1]: two").timestamp
    assert found == at(2024, 2, 10, 10, 0, 0)


def test_plain_line_has_no_header() -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, "connection pool exhausted")
    assert not record.header_found
    assert record.message == "connection pool exhausted"


# Stream prefixes and terminal colours go through LineParser.


@pytest.mark.parametrize(
    ("line", "stream"),
    [
        ("api-1  | 2024-01-12 03:47:01,123 ERROR Charge failed", "api-1"),
        ("payments_worker_1  | 2024-01-12 03:47:01,123 ERROR Charge failed", "payments_worker_1"),
        (
            "[pod/api-7d9c8b5f4-x2k9p/api] 2024-01-12 03:47:01,123 ERROR Charge failed",
            "pod/api-7d9c8b5f4-x2k9p/api",
        ),
    ],
)
def test_stream_prefix_name(line: str, stream: str) -> None:
    record = LineParser("compose.log", REFERENCE_YEAR).parse(1, line)
    assert record.stream == stream


@pytest.mark.parametrize(
    "line",
    [
        "api-1  | 2024-01-12 03:47:01,123 ERROR Charge failed",
        "[pod/api-7d9c8b5f4-x2k9p/api] 2024-01-12 03:47:01,123 ERROR Charge failed",
    ],
)
def test_stream_prefix_removed(line: str) -> None:
    record = LineParser("compose.log", REFERENCE_YEAR).parse(1, line)
    assert record.timestamp == at(2024, 1, 12, 3, 47, 1, 123000)
    assert record.level is Level.ERROR
    assert record.message == "Charge failed"
    assert record.text == "2024-01-12 03:47:01,123 ERROR Charge failed"


def test_no_stream_without_prefix() -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, "2024-01-12 03:47:01 ERROR boom")
    assert record.stream == ""


def test_raw_line_kept_with_prefix() -> None:
    line = "api-1  | 2024-01-12 03:47:01,123 ERROR Charge failed"
    record = LineParser("compose.log", REFERENCE_YEAR).parse(7, line)
    assert record.raw == line
    assert record.line == 7


SPRING_COLOURED = (
    "\x1b[2m2024-01-12T03:47:01.123Z\x1b[0;39m \x1b[31mERROR\x1b[0;39m \x1b[35m1\x1b[0;39m"
    " \x1b[2m---\x1b[0;39m \x1b[2m[nio-8080-exec-1]\x1b[0;39m"
    " \x1b[36mc.e.payments.PaymentService\x1b[0;39m \x1b[2m:\x1b[0;39m Charge failed"
)
WINSTON_COLOURED = "\x1b[90m2024-01-12T03:47:01.123Z\x1b[39m \x1b[31merror\x1b[39m: Charge failed"


@pytest.mark.parametrize("line", [SPRING_COLOURED, WINSTON_COLOURED])
def test_ansi_colours_stripped(line: str) -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, line)
    assert record.timestamp == at(2024, 1, 12, 3, 47, 1, 123000)
    assert record.level is Level.ERROR
    assert record.message == "Charge failed"


def test_ansi_raw_line_kept() -> None:
    record = LineParser("app.log", REFERENCE_YEAR).parse(1, WINSTON_COLOURED)
    assert record.raw == WINSTON_COLOURED


def test_ansi_before_compose_prefix() -> None:
    line = "\x1b[36mapi-1  |\x1b[0m 2024-01-12 03:47:01,123 ERROR Charge failed"
    record = LineParser("compose.log", REFERENCE_YEAR).parse(1, line)
    assert record.stream == "api-1"
    assert record.level is Level.ERROR


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("\x1b[31mERROR\x1b[0m", "ERROR"),
        ("\x1b[1;33mWARN\x1b[m slow", "WARN slow"),
        ("\x1b[38;5;196mfatal\x1b[39m", "fatal"),
        ("\x1b[2K\x1b[1Gprogress 40%", "progress 40%"),
        ("no colour here", "no colour here"),
    ],
)
def test_strip_ansi(text: str, plain: str) -> None:
    assert strip_ansi(text) == plain
