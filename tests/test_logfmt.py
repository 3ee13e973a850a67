"""logfmt lines (Go slog's text handler, logrus's text formatter)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from prodrescue.ingest.lines import LineParser
from prodrescue.ingest.logfmt import parse_logfmt
from prodrescue.levels import Level


def test_slog_text_line() -> None:
    record = LineParser("svc.log", 2024).parse(
        1,
        'time=2024-03-14T13:13:36.715Z level=ERROR msg="lookup failed" host=db.internal '
        'err="dial tcp: lookup db.internal on 10.96.0.10:53: no such host"',
    )
    assert record.message == "lookup failed"
    assert record.level is Level.ERROR
    assert record.timestamp == datetime(2024, 3, 14, 13, 13, 36, 715000, tzinfo=timezone.utc)
    assert record.fields == {
        "host": "db.internal",
        "err": "dial tcp: lookup db.internal on 10.96.0.10:53: no such host",
    }
    assert record.extra_lines == ("err: dial tcp: lookup db.internal on 10.96.0.10:53: no such host",)


def test_logrus_text_line() -> None:
    record = LineParser("svc.log", 2024).parse(
        1, 'time="2024-03-14T13:13:36Z" level=warning msg="slow query" duration=5.2s'
    )
    assert record.message == "slow query"
    assert record.level is Level.WARNING
    assert record.fields == {"duration": "5.2s"}


def test_escaped_quotes_in_value() -> None:
    fields = parse_logfmt('level=info msg="said \\"hello\\" twice" n=2', 2024)
    assert fields is not None
    assert fields.message == 'said "hello" twice'


@pytest.mark.parametrize(
    "line",
    ["a=b plain words here", "key=value", 'code=H12 desc="Request timeout"', "x = y"],
)
def test_not_logfmt(line: str) -> None:
    assert parse_logfmt(line, 2024) is None


def test_logfmt_event_is_searchable_whole() -> None:
    from prodrescue.ingest import SourceCounter, iter_events

    events = list(iter_events(['level=info msg="Starting server" version=2.45.0'], SourceCounter("x"), 2024))
    assert events[0].message == "Starting server"
    assert 'msg="Starting server" version=2.45.0' in events[0].text


def test_heroku_router_line() -> None:
    fields = parse_logfmt(
        'at=error code=H12 desc="Request timeout" method=POST path="/api/orders" status=503', 2024
    )
    assert fields is not None
    assert fields.level is Level.ERROR
    assert fields.fields["code"] == "H12"
