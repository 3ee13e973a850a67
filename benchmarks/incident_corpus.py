"""Generate a multi-service incident log: a shop's services logging into one stream.

Services and formats: ``checkout-api`` (JSON lines), ``worker`` (Python
logging, with tracebacks), ``postgres`` (PostgreSQL's stderr log), ``nginx``
(access and error log), ``redis`` and ``inventory`` (a Spring Boot service,
with Java stack traces). There are 367 log statements: 351 of normal times,
12 of the incident and 4 of a deploy. Each has variable request ids, user
ids, order ids, latencies or IPs. They are drawn with Zipf weights, where the
template of rank r has weight 1 / r**1.1 and warnings and errors take the
lowest ranks. Events
are 20 ms apart on average, so 1,000,000 lines cover about 5.5 hours.

The incident: at 58% of the lines the inventory service is deployed with a
migration that drops an index. From 60% its reservation query is slow, its
HikariCP pool (and the worker's SQLAlchemy pool) runs out of connections, and
the API and nginx return 503 and 504. The burst of incident lines lasts from
60% to 75% of the file and fades out by 85%.

Every message was written for this benchmark. The same line count and seed
give the same lines. :mod:`corpora` writes them to a file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from incident_templates import DEPLOY, TABLES, TRACES, Template, incident_templates, normal_templates

_START = datetime(2024, 3, 12, 1, 0, 0)
_MEAN_GAP_SECONDS = 0.02
_DEPLOY_AT, _ONSET_AT, _PEAK_END_AT, _RECOVERED_AT = 0.58, 0.60, 0.75, 0.85
_PEAK_SHARE = 0.15  # share of events drawn from the incident templates during the burst
_QUIET_LEVELS = frozenset({"info", "INFO", "LOG", "*", "200", "304"})


class _Slots(dict[str, str]):
    """The variable values of one event, each drawn the first time the event's text uses it."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self._rng = rng

    def __missing__(self, key: str) -> str:
        value = _draw(key, self._rng)
        self[key] = value
        return value


def _draw(key: str, rng: random.Random) -> str:
    """Draw a value for the message field ``key``."""
    if key in ("rid", "task_id"):
        return f"{rng.getrandbits(64):016x}"
    if key == "ip":
        return f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if key == "ms":
        return str(int(rng.lognormvariate(3.5, 0.8)))
    if key == "pgms":
        return f"{rng.lognormvariate(2.5, 1.0):.3f}"
    if key == "slowms":
        return f"{rng.uniform(4_000, 30_000):.3f}"
    if key in ("order", "cart", "uid"):
        return str(rng.randint(100_000, 999_999))
    if key == "sku":
        return f"SKU-{rng.randint(0, 99_999):05d}"
    if key == "qty":
        return str(rng.randint(1, 9))
    if key in ("n", "pid"):
        return str(rng.randint(1_000, 60_000) if key == "pid" else rng.randint(1, 5_000))
    if key == "secs":
        return f"{rng.expovariate(2.0):.3f}"
    if key == "amount":
        return f"{rng.uniform(5, 400):.2f}"
    if key == "port":
        return str(rng.randint(32_768, 60_999))
    if key == "table":
        return rng.choice(TABLES)
    raise KeyError(f"no generator for the message field {key!r}")


def _format_event(template: Template, when: datetime, slots: _Slots) -> list[str]:
    """Write one event of ``template`` at ``when`` in its service's format, trace lines included."""
    message = template.message.format_map(slots)
    millis = f"{when.microsecond // 1000:03d}"
    if template.service == "api":
        latency = int(slots["ms"]) * (400 if template.level == "error" else 1)
        record = {
            "ts": f"{when:%Y-%m-%dT%H:%M:%S}.{millis}Z",
            "level": template.level,
            "service": "checkout-api",
            "msg": message,
            "request_id": slots["rid"],
            "user_id": int(slots["uid"]),
            "latency_ms": latency,
        }
        lines = [json.dumps(record, separators=(",", ":"))]
    elif template.service == "worker":
        lines = [f"{when:%Y-%m-%d %H:%M:%S},{millis} {template.level} [worker.tasks] {message}"]
    elif template.service == "postgres":
        lines = [f"{when:%Y-%m-%d %H:%M:%S}.{millis} UTC [{slots['pid']}] {template.level}:  {message}"]
    elif template.service == "access":
        seconds = int(slots["ms"]) / 1000
        if template.level.startswith("5"):
            seconds = 30 + seconds  # the upstream timeout, then the error response
        lines = [
            f'{slots["ip"]} - - [{when:%d/%b/%Y:%H:%M:%S} +0000] "{message} HTTP/1.1" {template.level} '
            f'{slots["n"]} "-" "shop-app/4.{slots["qty"]}" rt={seconds:.3f}'
        ]
    elif template.service == "nginx-error":
        lines = [
            f"{when:%Y/%m/%d %H:%M:%S} [error] 31#31: *{slots['n']} {message}, client: {slots['ip']}, "
            'server: shop.internal, request: "POST /api/v1/checkout HTTP/1.1", '
            'upstream: "http://10.0.2.15:8080/api/v1/checkout"'
        ]
    elif template.service == "redis":
        lines = [f"1:M {when:%d %b %Y %H:%M:%S}.{millis} {template.level} {message}"]
    else:
        logger, _, text = message.partition("|")
        logger = logger if "." in logger else f"c.e.inventory.{logger}"
        thread = f"nio-8080-exec-{slots['qty']}"
        lines = [
            f"{when:%Y-%m-%d %H:%M:%S}.{millis} {template.level:>5} 1 --- [{thread:>15}] "
            f"{logger:<40} : {text}"
        ]
    lines += [line.format_map(slots) for line in TRACES.get(template.trace, ())]
    return lines


def _zipf_weights(templates: list[Template], rng: random.Random) -> tuple[list[Template], list[float]]:
    """Shuffle ``templates`` and return them with cumulative Zipf weights by their new rank.

    Warnings and errors rank after the quiet templates, so that they stay rarer.
    """
    ordered = templates[:]
    rng.shuffle(ordered)
    ordered.sort(key=lambda template: template.level not in _QUIET_LEVELS)
    cumulative: list[float] = []
    total = 0.0
    for rank in range(1, len(ordered) + 1):
        total += 1 / rank**1.1
        cumulative.append(total)
    return ordered, cumulative


def incident_share(fraction: float) -> float:
    """Return the share of events drawn from the incident templates at ``fraction`` of the file."""
    if fraction < _ONSET_AT or fraction >= _RECOVERED_AT:
        return 0.0
    if fraction < _PEAK_END_AT:
        return _PEAK_SHARE
    return _PEAK_SHARE * (_RECOVERED_AT - fraction) / (_RECOVERED_AT - _PEAK_END_AT)


def iter_incident_lines(total_lines: int, seed: int) -> Iterator[str]:
    """Yield the ``total_lines`` lines of an incident log; the last event may be cut short."""
    rng = random.Random(seed)
    normal, normal_weights = _zipf_weights(normal_templates(rng), rng)
    incident, incident_weights = _zipf_weights(incident_templates(), rng)
    deploy = [Template("java", "INFO", message) for message in DEPLOY]
    when = _START
    written = 0
    while written < total_lines:
        fraction = written / total_lines
        if deploy and fraction >= _DEPLOY_AT:
            template = deploy.pop(0)
        elif rng.random() < incident_share(fraction):
            template = rng.choices(incident, cum_weights=incident_weights)[0]
        else:
            template = rng.choices(normal, cum_weights=normal_weights)[0]
        when += timedelta(seconds=rng.expovariate(1 / _MEAN_GAP_SECONDS))
        for line in _format_event(template, when, _Slots(rng)):
            yield line
            written += 1
            if written == total_lines:
                return
