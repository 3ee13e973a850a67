"""Write the three logs of the payment incident example (deterministic).

The story: at 23:41 UTC payments-api v2.14.0 is deployed. Its new retry logic
takes a Redis lock per order (SET NX with a 24 h TTL) and does not release it
when a payment fails. At 03:45 the retry job picks up the failed payments;
each retry waits for its order's leaked lock while holding a database
connection, so from 03:47 the pool of 200 connections is exhausted (5 s
checkout timeouts), 34% of payments fail, the cache hit rate drops from 94%
to 11% as the fallback path reads from PostgreSQL, and a Redis replica falls
47 s behind during a full resync. PostgreSQL itself stays healthy.

    python examples/payment-incident/generate.py
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
START = datetime(2024, 3, 12, 22, 30, tzinfo=timezone.utc)
DEPLOY = datetime(2024, 3, 12, 23, 41, 7, 512000, tzinfo=timezone.utc)
RETRY_JOB = datetime(2024, 3, 13, 3, 45, tzinfo=timezone.utc)
END = datetime(2024, 3, 13, 4, 5, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class ApiLog:
    """Spring Boot 3 default console format."""

    def __init__(self) -> None:
        self.lines: list[tuple[datetime, str]] = []

    def log(self, moment: datetime, level: str, thread: str, logger: str, message: str,
            trace: list[str] | None = None) -> None:
        head = f"{stamp(moment)} {level:>5} 1 --- [payments-api] [{thread:>15}] {logger:<40} : {message}"
        self.lines.append((moment, "\n".join([head, *(trace or [])])))


POOL_TRACE = [
    "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection",
    "\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)",
    "\tat org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:388)",
    "\tat com.example.payments.retry.RetryWorker.retry(RetryWorker.java:112)",
    "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
    "request timed out after {wait}ms (total=200, active=200, idle=0, waiting={waiting})",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\t... 14 common frames omitted",
]


def build_api(rng: random.Random) -> tuple[list[tuple[datetime, str]], list[str]]:
    api = ApiLog()
    leaked: list[str] = []
    order = 48000
    api.log(START, "INFO", "main", "c.e.payments.PaymentsApplication",
            "Started PaymentsApplication in 7.912 seconds (process running for 8.4)")

    moment = START
    next_stats = START + timedelta(minutes=5)
    deployed = False
    while moment < END:
        moment += timedelta(seconds=rng.uniform(8, 16))
        if not deployed and moment >= DEPLOY:
            deployed = True
            api.log(DEPLOY - timedelta(seconds=3), "INFO", "SpringApplicationShutdownHook",
                    "o.s.b.w.e.tomcat.GracefulShutdown", "Commencing graceful shutdown. Waiting for active requests to complete")
            api.log(DEPLOY, "INFO", "main", "c.e.payments.PaymentsApplication",
                    "Starting PaymentsApplication v2.14.0 using Java 17.0.9 with PID 1 "
                    "(/app/payments-api.jar started by app in /app)")
            api.log(DEPLOY + timedelta(seconds=8), "INFO", "main", "c.e.payments.PaymentsApplication",
                    "Started PaymentsApplication in 7.604 seconds (process running for 8.1)")
            continue
        if moment >= next_stats:
            emit_stats(api, next_stats, rng)
            next_stats += timedelta(minutes=5)
        order += 1
        key = f"payments:retry-lock:ord_{order}"
        thread = f"http-nio-8080-exec-{rng.randint(1, 40)}"
        took = rng.randint(80, 340)
        if moment >= RETRY_JOB + timedelta(minutes=2):
            incident_payment(api, moment, thread, order, rng)
            continue
        if not deployed:
            if rng.random() < 0.05:
                api.log(moment, "WARN", thread, "c.e.payments.PaymentService",
                        f"Payment ord_{order} declined by issuer: insufficient_funds")
            else:
                api.log(moment, "INFO", thread, "c.e.payments.PaymentService",
                        f"Payment ord_{order} authorized in {took} ms")
            continue
        api.log(moment, "INFO", thread, "c.e.payments.retry.RetryLock",
                f"Acquired lock {key} (ttl 86400s, owner payments-api-7d9f)")
        if rng.random() < 0.06:
            api.log(moment + timedelta(milliseconds=took), "WARN", thread, "c.e.payments.PaymentService",
                    f"Payment ord_{order} declined by issuer: card_declined; retry scheduled at 2024-03-13T03:45:00Z")
            leaked.append(key)
        else:
            api.log(moment + timedelta(milliseconds=took), "INFO", thread, "c.e.payments.PaymentService",
                    f"Payment ord_{order} authorized in {took} ms")
            api.log(moment + timedelta(milliseconds=took + 2), "INFO", thread, "c.e.payments.retry.RetryLock",
                    f"Released lock {key}")

    api.log(RETRY_JOB, "INFO", "scheduling-1", "c.e.payments.retry.RetryJob",
            f"Retry job started: {len(leaked) * 19} payments due for retry")
    for index, key in enumerate(leaked):
        moment = RETRY_JOB + timedelta(seconds=20 + index * 7)
        api.log(moment, "WARN", f"retry-worker-{index % 8 + 1}", "c.e.payments.retry.RetryLock",
                f"Lock {key} is held by another worker; waiting (attempt 3/10)")
    redis_lag = RETRY_JOB + timedelta(minutes=5, seconds=12)
    for lag in (12, 31, 47):
        api.log(redis_lag, "WARN", "redis-health-1", "c.e.payments.health.RedisHealth",
                f"Redis replica redis-replica-0 is {lag}s behind master (threshold 10s)")
        redis_lag += timedelta(seconds=30)
    api.lines.sort(key=lambda item: item[0])
    return api.lines, leaked


def incident_payment(api: ApiLog, moment: datetime, thread: str, order: int, rng: random.Random) -> None:
    if rng.random() < 0.34:
        waiting = rng.randint(40, 70)
        wait = rng.randint(5000, 5012)
        trace = [line.format(wait=wait, waiting=waiting) for line in POOL_TRACE]
        api.log(moment, "ERROR", f"retry-worker-{rng.randint(1, 8)}", "c.e.payments.retry.RetryWorker",
                f"Payment ord_{order} failed after {wait} ms", trace)
    else:
        api.log(moment, "INFO", thread, "c.e.payments.PaymentService",
                f"Payment ord_{order} authorized in {rng.randint(900, 4800)} ms")


def emit_stats(api: ApiLog, moment: datetime, rng: random.Random) -> None:
    incident = moment >= RETRY_JOB + timedelta(minutes=5)
    attempts = rng.randint(1150, 1250)
    failed = round(attempts * (0.34 if incident else rng.uniform(0.004, 0.012)))
    hit_rate = rng.uniform(10.6, 11.4) if incident else rng.uniform(93.6, 94.6)
    api.log(moment, "INFO", "metrics-1", "c.e.payments.metrics.Reporter",
            f"payments last 5m: attempts={attempts} failed={failed} failure_rate={100 * failed / attempts:.1f}%")
    api.log(moment, "INFO", "metrics-1", "c.e.payments.metrics.Reporter",
            f"order cache last 5m: lookups={attempts * 3} hit_rate={hit_rate:.1f}%")
    active = 200 if incident else rng.randint(9, 24)
    api.log(moment, "DEBUG", "HikariPool-1 housekeeper", "com.zaxxer.hikari.pool.HikariPool",
            f"HikariPool-1 - Pool stats (total=200, active={active}, idle={200 - active}, "
            f"waiting={rng.randint(45, 70) if incident else 0})")


def build_redis(rng: random.Random, leaked: list[str]) -> list[tuple[datetime, str]]:
    lines = []

    def log(moment: datetime, mark: str, message: str, pid: int = 1) -> None:
        text = moment.strftime("%d %b %Y %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        role = "M" if pid == 1 else "C"  # the saving child process logs as C
        lines.append((moment, f"{pid}:{role} {text} {mark} {message}"))

    moment = START + timedelta(minutes=2)
    while moment < END:
        changes = rng.randint(100, 900) if moment < RETRY_JOB else rng.randint(9000, 20000)
        log(moment, "*", f"{changes} changes in 300 seconds. Saving...")
        child = rng.randint(2000, 9000)
        log(moment + timedelta(milliseconds=4), "*", f"Background saving started by pid {child}")
        log(moment + timedelta(seconds=2), "*", "DB saved on disk", pid=child)
        log(moment + timedelta(seconds=2, milliseconds=90), "*", "Background saving terminated with success")
        moment += timedelta(minutes=5)

    resync = RETRY_JOB + timedelta(minutes=4, seconds=40)
    for attempt in range(3):
        at = resync + timedelta(seconds=attempt * 35)
        log(at, "*", "Replica 10.0.3.12:6379 asks for synchronization")
        log(at + timedelta(milliseconds=2), "*", "Full resync requested by replica 10.0.3.12:6379")
        log(at + timedelta(milliseconds=5), "*", "Starting BGSAVE for SYNC with target: disk")
        log(at + timedelta(seconds=31), "#",
            "Client id=4412 addr=10.0.3.12:41822 laddr=10.0.3.10:6379 fd=38 name= age=31 idle=0 "
            "flags=S db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 "
            "obl=0 oll=9824 omem=268437712 tot-mem=268456176 events=r cmd=psync user=default "
            "redir=-1 resp=2 lib-name= lib-ver= scheduled to be closed ASAP for overcoming of output buffer limits.")
        log(at + timedelta(seconds=31, milliseconds=3), "#", "Connection with replica 10.0.3.12:6379 lost.")
    lines.sort(key=lambda item: item[0])
    return lines


def build_postgres(rng: random.Random) -> list[tuple[datetime, str]]:
    lines = []

    def log(moment: datetime, pid: int, level: str, message: str) -> None:
        text = moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"
        lines.append((moment, f"{text} [{pid}] {level}:  {message}"))

    moment = START + timedelta(minutes=1)
    while moment < END:
        buffers = rng.randint(800, 4000)
        write_seconds = rng.uniform(20, 120)
        log(moment, 63, "LOG", "checkpoint starting: time")
        log(moment + timedelta(seconds=write_seconds + 1), 63, "LOG",
            f"checkpoint complete: wrote {buffers} buffers ({buffers / 163.84:.1f}%); 0 WAL file(s) added, "
            f"0 removed, 1 recycled; write={write_seconds:.3f} s, sync=0.004 s, total={write_seconds + 0.01:.3f} s")
        if rng.random() < 0.5:
            log(moment + timedelta(minutes=2), rng.randint(20000, 40000), "LOG",
                f'automatic vacuum of table "payments.public.payment_attempts": index scans: 1')
        moment += timedelta(minutes=5)
    lines.sort(key=lambda item: item[0])
    return lines


def write(name: str, lines: list[tuple[datetime, str]]) -> None:
    (HERE / name).write_text("".join(text + "\n" for _, text in lines), encoding="utf-8")


def main() -> None:
    rng = random.Random(20240313)
    api_lines, leaked = build_api(rng)
    write("payments-api.log", api_lines)
    write("redis.log", build_redis(rng, leaked))
    write("postgresql.log", build_postgres(rng))


if __name__ == "__main__":
    main()
