"""The message templates of the incident corpus: per service, for normal times and for the incident.

Every message was written for this benchmark. ``{name}`` fields are filled
per line by :mod:`incident_corpus`. A Java message is written as
``logger|text``, with the logger's package abbreviated as Spring Boot does.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    """A log statement: its service, level, message with ``{slot}`` fields, and the trace it logs."""

    service: str
    level: str
    message: str
    trace: str = ""


_ROUTES = (
    ("GET", "/api/v1/orders/{order}"),
    ("POST", "/api/v1/orders"),
    ("GET", "/api/v1/cart"),
    ("PUT", "/api/v1/cart/items/{sku}"),
    ("GET", "/api/v1/products/{sku}"),
    ("GET", "/api/v1/products"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/users/{uid}"),
    ("GET", "/api/v1/users/{uid}/addresses"),
    ("POST", "/api/v1/checkout"),
    ("POST", "/api/v1/payments/{order}"),
    ("GET", "/api/v1/inventory/{sku}"),
    ("GET", "/api/v1/recommendations"),
    ("GET", "/api/v1/reviews/{sku}"),
    ("POST", "/api/v1/wishlist"),
    ("POST", "/api/v1/coupons/validate"),
    ("GET", "/api/v1/shipping/quote"),
    ("GET", "/api/v1/session"),
    ("POST", "/api/v1/login"),
    ("POST", "/api/v1/logout"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/returns/{order}"),
)
# fmt: off
_TASKS = (
    "send_receipt", "sync_inventory", "refresh_prices", "expire_carts", "index_products", "charge_card",
    "issue_refund", "export_orders", "send_newsletter", "rebuild_recommendations", "reconcile_payments",
    "notify_shipping", "resize_images", "purge_sessions", "compute_loyalty_points", "audit_stock",
)
TABLES = (
    "orders", "order_items", "users", "addresses", "products", "prices", "carts", "cart_items", "payments",
    "refunds", "stock", "stock_reservations", "coupons", "sessions",
)
# fmt: on
_JAVA = {
    "StockService": (
        "Reserved {qty} units of {sku} for order {order}",
        "Released reservation for order {order}",
        "Stock level of {sku} is {n}",
        "Restock of {sku} scheduled for {qty} units",
    ),
    "ReservationController": (
        "POST /reservations order={order} took {ms} ms",
        "GET /stock/{sku} took {ms} ms",
    ),
    "WarehouseClient": (
        "Fetched {n} stock updates from warehouse {ip}",
        "Warehouse sync finished in {ms} ms",
    ),
    "PriceCache": ("Price cache refreshed with {n} entries", "Price cache miss for {sku}"),
    "KafkaConsumer": (
        "Consumed {n} order events from partition {qty}",
        "Committed offset {order} on partition {qty}",
    ),
    "SchedulerConfig": ("Running job stock-audit with {n} items", "Job stock-audit finished in {ms} ms"),
    "HealthIndicator": ("Health check passed: db {ms} ms, cache {qty} ms",),
    "AuditLog": ("User {uid} adjusted stock of {sku} by {qty}", "Stock audit found {n} mismatches"),
}
_API_MISC = (
    "cart {cart} updated: {qty} items",
    "payment authorized for order {order}: {amount} EUR",
    "cache miss for key product:{sku}",
    "feature flag new-checkout evaluated for user {uid}",
    "session {rid} created",
    "coupon SPRING{qty} applied to cart {cart}",
    "user {uid} logged in",
    "order {order} confirmation queued",
    "shipping quote for {qty} items: {amount} EUR",
)
_PG_MISC = (
    "checkpoint starting: time",
    "checkpoint complete: wrote {n} buffers (1.{qty}%); write={secs} s, sync=0.00{qty} s, total={secs} s",
    'automatic vacuum of table "shop.public.{table}": index scans: 1',
    'automatic analyze of table "shop.public.{table}"',
    "connection received: host={ip} port={port}",
    "connection authorized: user=shop database=shop application_name=inventory",
    "disconnection: session time: 0:0{qty}:{ms}.{n} user=shop database=shop host={ip} port={port}",
)
_REDIS = (
    "{n} changes in 300 seconds. Saving...",
    "Background saving started by pid {pid}",
    "DB saved on disk",
    "Background saving terminated with success",
    "Fork CoW for RDB: current {qty} MB, peak {qty} MB, average 1 MB",
    "Client id={n} addr={ip}:{port} closed for idle timeout",
    "Accepted {ip}:{port}",
)


def _http_templates() -> list[Template]:
    """Return the API's request messages and nginx's access-log requests, per route."""
    templates: list[Template] = []
    for index, (method, route) in enumerate(_ROUTES):
        templates.append(Template("api", "info", f"{method} {route} completed with status 200"))
        templates.append(Template("access", "200", f"{method} {route}"))
        if index % 2 == 0:
            templates.append(Template("api", "warning", f"{method} {route} slow: over the 500 ms budget"))
        if index % 6 == 0:
            templates.append(Template("access", "404", f"{method} {route}"))
    templates += [Template("api", "info", message) for message in _API_MISC]
    templates += [
        Template("api", "warning", "rate limit reached for user {uid}: {n} requests in 60 s"),
        Template("api", "error", "payment declined for order {order}: card expired"),
        Template("access", "401", "POST /api/v1/login"),
        Template("access", "304", "GET /api/v1/products"),
    ]
    return templates


def _backend_templates() -> list[Template]:
    """Return the messages of the worker, PostgreSQL, Redis and the Java service in normal times."""
    templates: list[Template] = []
    for task in _TASKS:
        templates.append(Template("worker", "INFO", f"Task {task}[{{task_id}}] received"))
        templates.append(Template("worker", "INFO", f"Task {task}[{{task_id}}] succeeded in {{secs}}s"))
        templates.append(Template("worker", "WARNING", f"Task {task}[{{task_id}}] retry in {{qty}}s"))
    templates.append(Template("worker", "ERROR", "Task apply_coupon[{task_id}] failed", "value-error"))
    templates.append(Template("worker", "INFO", "Connected to redis://10.0.4.2:6379/0"))

    for table in TABLES:
        for statement in (
            f"SELECT * FROM {table} WHERE id = $1",
            f"UPDATE {table} SET updated_at = now() WHERE id = $1",
            f"INSERT INTO {table} (id, payload) VALUES ($1, $2)",
        ):
            templates.append(Template("postgres", "LOG", f"duration: {{pgms}} ms  statement: {statement}"))
    templates += [Template("postgres", "LOG", message) for message in _PG_MISC]
    templates += [Template("redis", "*", message) for message in _REDIS]

    for java_class, messages in _JAVA.items():
        templates += [Template("java", "INFO", f"{java_class}|{message}") for message in messages]
    templates.append(Template("java", "WARN", "StockService|Reservation conflict for {sku}", "conflict"))
    return templates


def normal_templates(rng: random.Random) -> list[Template]:
    """Return the templates of normal times: hand-written ones and 150 made-up business messages."""
    return _http_templates() + _backend_templates() + _business_templates(rng, 50)


def incident_templates() -> list[Template]:
    """Return the templates of the incident: slow queries, lock waits, pool timeouts and their effects."""
    slow_query = (
        "duration: {slowms} ms  statement: SELECT r.id, r.qty FROM stock_reservations r "
        "JOIN stock s ON s.sku = r.sku WHERE r.order_id = $1 FOR UPDATE"
    )
    return [
        Template("java", "ERROR", "ReservationController|Reservation failed for order {order}", "hikari"),
        Template(
            "java",
            "WARN",
            "c.z.hikari.pool.HikariPool|HikariPool-1 - Pool stats (total=20, active=20, idle=0, waiting={n})",
        ),
        Template("java", "WARN", "StockService|Retrying reservation for order {order} (attempt {qty} of 3)"),
        Template(
            "worker", "ERROR", "Task sync_inventory[{task_id}] raised unexpected: TimeoutError", "queuepool"
        ),
        Template("api", "error", "upstream inventory-service returned 503 for order {order}"),
        Template("api", "error", "POST /api/v1/checkout failed: inventory reservation timed out"),
        Template("api", "warning", "circuit breaker inventory-service is open after {n} failures"),
        Template("access", "504", "POST /api/v1/checkout"),
        Template("access", "503", "GET /api/v1/inventory/{sku}"),
        Template(
            "nginx-error",
            "error",
            "upstream timed out (110: Connection timed out) while reading response header",
        ),
        Template("postgres", "LOG", slow_query),
        Template(
            "postgres",
            "LOG",
            "process {pid} still waiting for ShareLock on transaction {order} after 1000.052 ms",
        ),
    ]


# The inventory service's deploy before the incident, in order.
DEPLOY = (
    "InventoryApplication|Starting InventoryApplication v2.14.0 using Java 17.0.10 with PID 1",
    'o.f.c.i.command.DbMigrate|Migrating schema "public" to version "42 - drop reservation order index"',
    'o.f.c.i.command.DbMigrate|Successfully applied 1 migration to schema "public", now at version v42',
    "InventoryApplication|Started InventoryApplication in 9.214 seconds (process running for 10.02)",
)
# Continuation lines that follow a template's first line, by ``Template.trace``.
TRACES = {
    "hikari": (
        "org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection",
        "\tat com.example.inventory.StockRepository.reserve(StockRepository.java:{qty}1)",
        "\tat com.example.inventory.StockService.reserve(StockService.java:{qty}7)",
        "\tat com.example.inventory.ReservationController.create(ReservationController.java:4{qty})",
        "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
        "request timed out after 30000ms (total=20, active=20, idle=0, waiting={n})",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:1{qty}1)",
        "\t... 61 common frames omitted",
    ),
    "conflict": (
        "com.example.inventory.StockConflictException: stock row changed during reservation",
        "\tat com.example.inventory.StockService.reserve(StockService.java:{qty}9)",
        "\tat com.example.inventory.ReservationController.create(ReservationController.java:4{qty})",
    ),
    "queuepool": (
        "Traceback (most recent call last):",
        '  File "/srv/worker/app/tasks/inventory.py", line {qty}4, in sync_inventory',
        "    with engine.begin() as connection:",
        '  File "/srv/worker/app/db.py", line 41, in begin',
        "    return pool.connect()",
        "sqlalchemy.exc.TimeoutError: QueuePool limit of size 10 overflow 5 reached, "
        "connection timed out, timeout 30.00",
    ),
    "value-error": (
        "Traceback (most recent call last):",
        '  File "/srv/worker/app/tasks/coupons.py", line 2{qty}, in apply_coupon',
        "    code = parse_coupon(raw_code)",
        "ValueError: coupon code SPRING{qty} has expired",
    ),
}


# Words for made-up business messages ("invoice batch rejected by user 52"),
# so that there are as many distinct statements as a real service logs.
# fmt: off
_SUBJECTS = (
    "order", "invoice batch", "price rule", "cart snapshot", "loyalty ledger", "shipment label",
    "refund request", "stock snapshot", "payment intent", "coupon", "session token", "search index",
    "image variant", "newsletter segment", "tax table", "exchange rate", "warehouse feed", "audit record",
    "customer profile", "gift card",
)
_VERBS = (
    "created", "updated", "archived", "validated", "rejected", "queued", "flushed", "expired", "merged",
    "locked", "unlocked", "recalculated", "exported", "imported", "skipped",
)
# fmt: on
_TAILS = (
    "for order {order}",
    "in {ms} ms",
    "with {n} entries",
    "by user {uid}",
    "after {qty} retries",
    "from {ip}",
    "(batch {n})",
    "for cart {cart}",
)
_JAVA_LOGGERS = ("StockService", "WarehouseClient", "PriceCache", "AuditLog", "KafkaConsumer")


def _business_templates(rng: random.Random, per_service: int) -> list[Template]:
    """Return ``per_service`` made-up business messages for each of api, worker and java."""
    combinations = list(itertools.product(_SUBJECTS, _VERBS, _TAILS))
    chosen = rng.sample(combinations, 3 * per_service)
    templates: list[Template] = []
    for index, (subject, verb, tail) in enumerate(chosen):
        message = f"{subject} {verb} {tail}"
        service = ("api", "worker", "java")[index % 3]
        if service == "java":
            templates.append(Template("java", "INFO", f"{rng.choice(_JAVA_LOGGERS)}|{message}"))
        else:
            templates.append(Template(service, "info" if service == "api" else "INFO", message))
    return templates
