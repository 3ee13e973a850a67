"""Timestamp recognition: match_timestamp, parse_timestamp_text and timestamp_from_epoch."""

from datetime import datetime, timedelta, timezone

import pytest

from prodrescue.ingest.timestamps import (
    match_timestamp,
    parse_timestamp_text,
    timestamp_from_epoch,
)
from prodrescue.levels import Level

UTC = timezone.utc
# The year handed to match_timestamp for formats that print none. It differs
# from the years in the fixtures, so a test shows where a year came from.
CALLER_YEAR = 2023


def zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


# Timestamps as the program named in each id prints them at the start of a line.
TIMESTAMP_CASES = [
    pytest.param(
        "2024-01-12T03:47:01Z", datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC), id="rfc3339-z"
    ),
    pytest.param(
        "2024-01-12T03:47:01.123Z",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        id="rfc3339-millis",
    ),
    pytest.param(
        "2024-01-12T03:47:01.123456789Z",
        datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC),
        id="rfc3339-nanos",
    ),
    pytest.param(
        "2024-01-12T09:17:01+05:30",
        datetime(2024, 1, 12, 9, 17, 1, tzinfo=zone(5.5)),
        id="rfc3339-offset",
    ),
    pytest.param(
        "2024-01-11T19:47:01.5-0800",
        datetime(2024, 1, 11, 19, 47, 1, 500000, tzinfo=zone(-8)),
        id="iso-offset-no-colon",
    ),
    pytest.param(
        "2024-01-12T03:47:01", datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC), id="iso-no-zone"
    ),
    pytest.param(
        "2024-01-12 03:47:01,123",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        id="python-asctime-comma",
    ),
    pytest.param(
        "2024/01/12 03:47:01", datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC), id="go-log-slashes"
    ),
    pytest.param(
        "2024-01-12 03:47:01.123 UTC",
        datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC),
        id="postgresql-utc",
    ),
    pytest.param(
        "2024-01-12 04:47:01.123 CET",
        datetime(2024, 1, 12, 4, 47, 1, 123000, tzinfo=zone(1)),
        id="postgresql-cet",
    ),
    pytest.param(
        "Jan 12 03:47:01", datetime(CALLER_YEAR, 1, 12, 3, 47, 1, tzinfo=UTC), id="syslog"
    ),
    pytest.param(
        "Jan  2 03:47:01", datetime(CALLER_YEAR, 1, 2, 3, 47, 1, tzinfo=UTC), id="syslog-padded-day"
    ),
    pytest.param(
        "12/Jan/2024:03:47:01 +0000",
        datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC),
        id="apache-access",
    ),
    pytest.param(
        "12/Jan/2024:04:47:01 +0100",
        datetime(2024, 1, 12, 4, 47, 1, tzinfo=zone(1)),
        id="apache-access-offset",
    ),
    pytest.param(
        "I0125 15:49:46.692758",
        datetime(CALLER_YEAR, 1, 25, 15, 49, 46, 692758, tzinfo=UTC),
        id="klog",
    ),
    pytest.param(
        "22 Jan 2024 04:10:16.688",
        datetime(2024, 1, 22, 4, 10, 16, 688000, tzinfo=UTC),
        id="redis-with-year",
    ),
    pytest.param(
        "22 Jan 04:10:16.688",
        datetime(CALLER_YEAR, 1, 22, 4, 10, 16, 688000, tzinfo=UTC),
        id="redis-without-year",
    ),
    pytest.param(
        "Fri, 12 Jan 2024 04:47:01 +0100",
        datetime(2024, 1, 12, 4, 47, 1, tzinfo=zone(1)),
        id="rfc2822",
    ),
    pytest.param(
        "Fri, 12 Jan 2024 03:47:01 GMT",
        datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC),
        id="rfc2822-gmt",
    ),
    pytest.param(
        "Sun Dec 04 04:47:44 2005", datetime(2005, 12, 4, 4, 47, 44, tzinfo=UTC), id="asctime"
    ),
    pytest.param(
        "Thu Aug 25 08:53:01 EDT 2016",
        datetime(2016, 8, 25, 8, 53, 1, tzinfo=zone(-4)),
        id="date-command",
    ),
    pytest.param(
        "Jan 12, 2024 3:47:01 PM",
        datetime(2024, 1, 12, 15, 47, 1, tzinfo=UTC),
        id="java-util-logging-pm",
    ),
    pytest.param(
        "Jan 12, 2024 12:47:01 AM",
        datetime(2024, 1, 12, 0, 47, 1, tzinfo=UTC),
        id="java-util-logging-midnight",
    ),
    pytest.param(
        "2016-12-31T23:59:60Z",
        datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC),
        id="leap-second-clamped",
    ),
    pytest.param("2024-02-29 03:47:01", datetime(2024, 2, 29, 3, 47, 1, tzinfo=UTC), id="leap-day"),
]


@pytest.mark.parametrize(("text", "expected"), TIMESTAMP_CASES)
def test_match_timestamp_value(text: str, expected: datetime) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.value == expected


@pytest.mark.parametrize(("text", "expected"), TIMESTAMP_CASES)
def test_match_timestamp_is_aware(text: str, expected: datetime) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "offset_hours"),
    [
        ("2024-01-12 03:47:01 UTC", 0),
        ("2024-01-12 03:47:01 GMT", 0),
        ("2024-01-12 03:47:01 PST", -8),
        ("2024-07-12 03:47:01 PDT", -7),
        ("2024-01-12 03:47:01 EST", -5),
        ("2024-07-12 03:47:01 CEST", 2),
        ("2024-01-12 03:47:01 JST", 9),
        ("2024-01-12 03:47:01 AEDT", 11),
    ],
)
def test_zone_abbreviation_offset(text: str, offset_hours: int) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.zone_known
    assert found.value.utcoffset() == timedelta(hours=offset_hours)


def test_ambiguous_zone_read_as_unknown() -> None:
    # IST is India, Israel or Ireland: the stamp is kept, the zone is not guessed.
    found = match_timestamp("2024-01-12 03:47:01 IST", 0, CALLER_YEAR)
    assert found is not None
    assert not found.zone_known
    assert found.end == len("2024-01-12 03:47:01")


@pytest.mark.parametrize(
    ("text", "zone_known"),
    [
        ("2024-01-12T03:47:01Z", True),
        ("2024-01-12T03:47:01+01:00", True),
        ("12/Jan/2024:03:47:01 +0000", True),
        ("2024-01-12 03:47:01,123", False),
        ("Jan 12 03:47:01", False),
        ("I0125 15:49:46.692758", False),
    ],
)
def test_zone_known_flag(text: str, zone_known: bool) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.zone_known is zone_known


@pytest.mark.parametrize(
    ("text", "year_known"),
    [
        ("2024-01-12T03:47:01Z", True),
        ("22 Jan 2024 04:10:16.688", True),
        ("Sun Dec 04 04:47:44 2005", True),
        ("Jan 12 03:47:01", False),
        ("22 Jan 04:10:16.688", False),
        ("I0125 15:49:46.692758", False),
    ],
)
def test_year_known_flag(text: str, year_known: bool) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.year_known is year_known


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("2024-01-12T03:47:01.123Z ERROR Charge failed", "2024-01-12T03:47:01.123Z"),
        ("2024-01-12 03:47:01.123 UTC [4711] LOG:  checkpoint", "2024-01-12 03:47:01.123 UTC"),
        ("Jan 12 03:47:01 web-1 sshd[4711]: Accepted", "Jan 12 03:47:01"),
        ("I0125 15:49:46.692758       1 main.go:53] Starting", "I0125 15:49:46.692758"),
        ("22 Jan 2024 04:10:16.688 * Ready", "22 Jan 2024 04:10:16.688"),
    ],
)
def test_match_timestamp_end(line: str, stamp: str) -> None:
    found = match_timestamp(line, 0, CALLER_YEAR)
    assert found is not None
    assert found.end == len(stamp)


def test_match_timestamp_at_position() -> None:
    line = '10.0.0.1 - - [12/Jan/2024:03:47:01 +0000] "GET / HTTP/1.1" 200 612'
    start = line.index("[") + 1
    found = match_timestamp(line, start, CALLER_YEAR)
    assert found is not None
    assert found.value == datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC)


def test_match_timestamp_only_at_position() -> None:
    # A timestamp later in the line does not count when the text at pos is not one.
    assert match_timestamp("ERROR 2024-01-12T03:47:01Z failed", 0, CALLER_YEAR) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I0125 15:49:46.692758", Level.INFO),
        ("W0125 15:49:46.692758", Level.WARNING),
        ("E0125 15:49:46.692758", Level.ERROR),
        ("F0125 15:49:46.692758", Level.FATAL),
    ],
)
def test_klog_letter_level(text: str, level: Level) -> None:
    found = match_timestamp(text, 0, CALLER_YEAR)
    assert found is not None
    assert found.level is level


def test_iso_timestamp_has_no_level() -> None:
    found = match_timestamp("2024-01-12T03:47:01Z", 0, CALLER_YEAR)
    assert found is not None
    assert found.level is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2024-13-12 03:47:01", id="month-13"),
        pytest.param("2024-02-30 03:47:01", id="feb-30"),
        pytest.param("2023-02-29 03:47:01", id="feb-29-common-year"),
        pytest.param("2024-04-31T03:47:01Z", id="april-31"),
        pytest.param("2024-01-12 25:47:01", id="hour-25"),
        pytest.param("2024-01-12 03:61:01", id="minute-61"),
        pytest.param("Feb 30 03:47:01", id="syslog-feb-30"),
        pytest.param("32/Jan/2024:03:47:01 +0000", id="apache-day-32"),
        pytest.param("I1325 15:49:46.692758", id="klog-month-13"),
    ],
)
def test_invalid_date_rejected(text: str) -> None:
    assert match_timestamp(text, 0, CALLER_YEAR) is None


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("1.2.3 released to production", id="version"),
        pytest.param("v2.11.3 deployed", id="version-v"),
        pytest.param("10.0.0.1 - - connection reset", id="ipv4"),
        pytest.param("10.0.0.1:5432 refused the connection", id="ip-port"),
        pytest.param("150ms elapsed", id="duration-ms"),
        pytest.param("1.5s spent in GC", id="duration-seconds"),
        pytest.param("00:00:05 elapsed since start", id="duration-clock"),
        pytest.param("3.14159 is the ratio", id="decimal"),
        pytest.param("4711 requests served", id="count"),
        pytest.param("1705031221 requests served", id="epoch-like-count"),
        pytest.param("Jan is the month of the release", id="month-word"),
    ],
)
def test_non_timestamp_not_matched(line: str) -> None:
    assert match_timestamp(line, 0, CALLER_YEAR) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-12T03:47:01.123Z", datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC)),
        ("2024-01-12T03:47:01.123+00:00", datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC)),
        ("  2024-01-12 03:47:01  ", datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC)),
        ("1705031221", datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC)),
        ("1705031221123", datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC)),
        ("1705031221.5", datetime(2024, 1, 12, 3, 47, 1, 500000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_text(text: str, expected: datetime) -> None:
    assert parse_timestamp_text(text, CALLER_YEAR) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-12T03:47:01Z and more text",
        "charge failed",
        "",
        "v1.2.3",
    ],
)
def test_parse_timestamp_text_rejects(text: str) -> None:
    assert parse_timestamp_text(text, CALLER_YEAR) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1705031221, datetime(2024, 1, 12, 3, 47, 1, tzinfo=UTC), id="seconds"),
        pytest.param(
            1705031221.25, datetime(2024, 1, 12, 3, 47, 1, 250000, tzinfo=UTC), id="float-seconds"
        ),
        pytest.param(
            1705031221123, datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC), id="millis"
        ),
        pytest.param(
            1705031221123456, datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC), id="micros"
        ),
        pytest.param(
            1705031221123000000, datetime(2024, 1, 12, 3, 47, 1, 123000, tzinfo=UTC), id="nanos"
        ),
        pytest.param(86400, datetime(1970, 1, 2, tzinfo=UTC), id="small-seconds"),
    ],
)
def test_timestamp_from_epoch(value: float, expected: datetime) -> None:
    assert timestamp_from_epoch(value) == expected


def test_epoch_nanos_within_a_microsecond() -> None:
    # Nanoseconds pass through a float, so only microsecond precision is promised.
    value = timestamp_from_epoch(1705031221123456789)
    expected = datetime(2024, 1, 12, 3, 47, 1, 123456, tzinfo=UTC)
    assert value is not None
    assert abs(value - expected) <= timedelta(microseconds=1)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(0, id="zero"),
        pytest.param(-5, id="negative"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="infinity"),
        pytest.param(1e30, id="beyond-datetime"),
    ],
)
def test_timestamp_from_epoch_rejects(value: float) -> None:
    assert timestamp_from_epoch(value) is None
