"""Typed capture values: numbers, durations and sizes."""

import pytest

from prodrescue.rules.values import ValueSummary, ValueType, parse_value


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("47s", ValueType.DURATION, 47.0),
        ("47000ms", ValueType.DURATION, 47.0),
        ("1m30s", ValueType.DURATION, 90.0),
        ("0:00:47", ValueType.DURATION, 47.0),
        ("2h", ValueType.DURATION, 7200.0),
        ("512MB", ValueType.SIZE, 512 * 1024**2),
        ("3631 MB", ValueType.SIZE, 3631 * 1024**2),
        ("1.5GiB", ValueType.SIZE, 1.5 * 1024**3),
        ("34%", ValueType.NUMBER, 34.0),
        ("1,234", ValueType.NUMBER, 1234.0),
        ("-3.5", ValueType.NUMBER, -3.5),
        ("primary", ValueType.TEXT, None),
    ],
)
def test_auto_typing(text: str, kind: ValueType, number: float | None) -> None:
    value = parse_value(text)
    assert value.type is kind
    assert value.number == number
    assert value.text == text


def test_declared_duration_reads_bare_number_as_seconds() -> None:
    assert parse_value("30", ValueType.DURATION).number == 30.0


def test_declared_number_rejects_text() -> None:
    assert parse_value("thirty", ValueType.NUMBER).number is None


def test_minutes_are_not_megabytes() -> None:
    assert parse_value("5m").type is ValueType.DURATION
    assert parse_value("5M").type is ValueType.SIZE


def test_summary_tracks_extremes() -> None:
    summary = ValueSummary.start(parse_value("12s"))
    summary.add(parse_value("47s"))
    summary.add(parse_value("31s"))
    assert summary.first.text == "12s"
    assert summary.last.text == "31s"
    assert summary.maximum is not None and summary.maximum.text == "47s"
    assert summary.minimum is not None and summary.minimum.text == "12s"
    assert summary.count == 3
