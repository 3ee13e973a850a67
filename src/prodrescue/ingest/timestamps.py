"""Timestamp recognition at the start of a log line, and from JSON values.

Each supported format is one regular expression with named groups, and the
first that matches at the given position wins. Formats without a year (syslog,
klog, Android, Proxifier) take the year from the caller. Formats without a
known zone are read as UTC, because a log line gives no better guess and
comparisons across files need aware datetimes.
"""

from __future__ import annotations

__all__ = [
    "TimestampMatch",
    "match_clock",
    "match_timestamp",
    "parse_timestamp_text",
    "parse_timestamp_value",
    "timestamp_from_epoch",
    "year_for_yearless",
]

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from prodrescue.levels import KLOG_LETTERS, Level

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH_NAMES = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)"

# Zone abbreviations that logs print, with their UTC offsets in hours. Ambiguous
# ones (IST: India, Israel or Ireland) are left out and read as no zone.
_ZONE_OFFSETS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "UT": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "JST": 9,
    "KST": 9,
    "HKT": 8,
    "SGT": 8,
    "AEST": 10,
    "AEDT": 11,
}
_ZONE = (
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|"
    + "|".join(sorted((name for name in _ZONE_OFFSETS if name != "Z"), key=len, reverse=True))
    + r")(?![\w])"
)
_CLOCK = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:[.,:](?P<fraction>\d{1,9}))?"
)
_AMPM = r"(?:\s?(?P<ampm>[AaPp][Mm])\b)?"

_PATTERNS: tuple[str, ...] = (
    # ISO 8601 / RFC 3339 and the common variants: 2024-01-12T03:47:01.123Z,
    # 2024-01-12 03:47:01,123, 2024/01/12 03:47:01, PostgreSQL's "... UTC".
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?:T|\s+)"
    + _CLOCK
    + r"(?:\s?"
    + _ZONE
    + r")?",
    # BGL: 2005-06-03-15.42.50.675872
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})-(?P<hour>\d{2})\.(?P<minute>\d{2})"
    r"\.(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?",
    # Compact forms: 20160825T101438.805110, 20171223-22:15:29:606, and
    # HealthApp's unpadded 20171223-22:16:0:119 and 20231115-0:4:9:012. An
    # unpadded hour is read only before a colon.
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})[T-](?P<hour>\d{2}|\d(?=:)):?(?P<minute>\d{1,2}):?"
    r"(?P<second>\d{1,2})(?:[.,:](?P<fraction>\d{1,9}))?(?:" + _ZONE + r")?",
    # HDFS: 081109 203615
    r"(?P<yy>\d{2})(?P<month>\d{2})(?P<day>\d{2}) (?P<hour>\d{2})(?P<minute>\d{2})"
    r"(?P<second>\d{2})(?!\d)",
    # MySQL 5.x and MariaDB before 10.1: 240112  3:45:20
    r"(?P<yy>\d{2})(?P<month>\d{2})(?P<day>\d{2})\s{1,2}" + _CLOCK + r"(?= )",
    # Spark / log4j short form: 17/06/09 20:10:40
    r"(?P<yy>\d{2})/(?P<month>\d{2})/(?P<day>\d{2}) " + _CLOCK,
    # Syslog and C's asctime: Jan 12 03:47:01, Sun Dec 04 04:47:44 2005,
    # Thu Aug 25 08:53:01 EDT 2016, Oct 17, 2024 3:04:05 PM
    _WEEKDAY + r"?(?P<mon>" + _MONTH_NAMES + r")\.?\s+(?P<day>\d{1,2}),?\s+"
    r"(?:(?P<year>\d{4})\s+)?" + _CLOCK + _AMPM + r"(?:\s+" + _ZONE + r")?(?:\s+(?P<year2>\d{4})(?!\d))?",
    # Day first: Apache 12/Jan/2024:03:47:01 +0000, Redis 22 Jan 04:10:16.688,
    # RFC 2822 Wed, 24 Apr 2019 13:01:30 +0200
    _WEEKDAY + r"?(?P<day>\d{1,2})[ /-](?P<mon>" + _MONTH_NAMES + r")[ /-]"
    r"(?:(?P<year>\d{4})[ :])?" + _CLOCK + r"(?:\s?" + _ZONE + r")?",
    # klog / glog: I0125 15:49:46.692758
    r"(?P<klog>[IWEF])(?P<month>\d{2})(?P<day>\d{2})\s+" + _CLOCK,
    # Android logcat: 03-17 16:13:38.811
    r"(?P<month>\d{2})-(?P<day>\d{2})\s+" + _CLOCK,
    # Proxifier: 10.30 16:49:06
    r"(?P<month>\d{2})\.(?P<day>\d{2}) " + _CLOCK,
)
# Names of the formats above, in the same order. The header parser checks for
# "syslog", because it expects a host and program name after a syslog timestamp.
_FORMAT_NAMES = (
    "iso",
    "bgl",
    "compact",
    "hdfs",
    "mysql",
    "short",
    "syslog",
    "day-first",
    "klog",
    "android",
    "proxifier",
)
_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in zip(_FORMAT_NAMES, _PATTERNS, strict=True)
)
_FORMAT_OF = dict(_FORMATS)


def _subset(*names: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _FORMAT_OF[name]) for name in _FORMAT_NAMES if name in names)


# The formats that can match, by the first character (a letter) or the third
# (after two digits). Each keeps the order of _FORMATS, so the same one wins.
_LETTER_FORMATS = _subset("syslog", "day-first", "klog")
_DIGIT_FORMATS = _subset("iso", "bgl", "compact", "hdfs", "mysql")
_DAY_FIRST_FORMATS = _subset("day-first")
_FORMATS_BY_THIRD = {
    "/": _subset("short", "day-first"),
    "-": _subset("day-first", "android"),
    ".": _subset("proxifier"),
    " ": _subset("day-first"),
}
# A time of day with no date (logback's default %d{HH:mm:ss.SSS}, pino-pretty, Serilog's console).
_CLOCK_ONLY = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?(?![\d:])"
)


@dataclass(frozen=True, slots=True)
class TimestampMatch:
    """A timestamp found in a line.

    ``end`` is the index just after it. ``zone_known`` is False when the line
    gave no known zone and UTC was assumed. ``year_known`` is False when the
    year came from the caller. ``level`` is set for formats that carry one
    (klog), and ``form`` names the format that matched.
    """

    value: datetime
    end: int
    zone_known: bool
    year_known: bool
    level: Level | None = None
    form: str = "iso"


def match_timestamp(text: str, pos: int = 0, default_year: int = 1970) -> TimestampMatch | None:
    """Return the timestamp that starts exactly at ``text[pos]``, or None.

    ``default_year`` fills in formats that have no year.
    """
    if pos >= len(text) or not text[pos].isalnum():
        return None
    for form, pattern in _candidates(text, pos):
        match = pattern.match(text, pos)
        if match is None:
            continue
        found = _build(match.groupdict(), default_year)
        if found is None:
            continue
        value, zone_known, year_known = found
        klog = match.groupdict().get("klog")
        level = KLOG_LETTERS.get(klog) if klog else None
        return TimestampMatch(value, match.end(), zone_known, year_known, level, form)
    return None


def _candidates(text: str, pos: int) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Return the formats that can start at ``text[pos]``, in the order of :data:`_FORMATS`.

    The first character and the third tell most formats apart (``2024-``,
    ``17/06``, ``03-17``, ``10.30``, ``Jan``), so most lines try one to five
    patterns instead of all eleven.
    """
    if not text[pos].isdigit():
        return _LETTER_FORMATS
    third = text[pos + 2] if pos + 2 < len(text) else ""
    if third.isdigit():
        return _DIGIT_FORMATS
    if third.isalpha():
        return _DAY_FIRST_FORMATS
    return _FORMATS_BY_THIRD.get(third, ())


def year_for_yearless(reference_year: int | None) -> tuple[int, datetime | None]:
    """Return the year that timestamps without one get, and the latest date they may take.

    A given ``reference_year`` is used as it is. Without one, the current
    year is assumed. A yearless date more than a day in the future then
    moves a year back, because logs dated "Dec 30" read on 5 January are
    from the year before, so the latest date is returned too.
    """
    if reference_year is not None:
        return reference_year, None
    now = datetime.now(timezone.utc)
    return now.year, now + timedelta(days=1)


def match_clock(text: str, pos: int = 0) -> int | None:
    """Return the end of a time of day without a date at ``text[pos]``, or None."""
    match = _CLOCK_ONLY.match(text, pos)
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        return None
    return match.end()


def parse_timestamp_text(text: str, default_year: int = 1970) -> datetime | None:
    """Parse a whole string as a timestamp (a JSON field value, for example)."""
    found = parse_timestamp_value(text, default_year)
    return found[0] if found is not None else None


def parse_timestamp_value(text: str, default_year: int = 1970) -> tuple[datetime, bool] | None:
    """Parse a whole string as a timestamp; return it and whether it named its zone.

    Epoch numbers name a moment, so their zone counts as known.
    """
    stripped = text.strip()
    found = match_timestamp(stripped, 0, default_year)
    if found is not None and found.end >= len(stripped) - 1:
        return found.value, found.zone_known
    try:
        number = float(stripped)
    except ValueError:
        return None
    epoch = timestamp_from_epoch(number)
    return (epoch, True) if epoch is not None else None


# Epoch values from this one up are taken as milliseconds, from the next as
# microseconds, and from the last as nanoseconds. This is safe because seconds
# since 1970 stay below 1e11 until the year 5138.
_EPOCH_MILLIS_FROM = 1e11
_EPOCH_MICROS_FROM = 1e14
_EPOCH_NANOS_FROM = 1e17


def timestamp_from_epoch(value: float) -> datetime | None:
    """Convert epoch seconds, milliseconds, microseconds or nanoseconds to a UTC datetime.

    Returns None for NaN, for values not after 1970 and for values out of range.
    """
    if math.isnan(value) or value <= 0:  # not after 1970
        return None
    if value >= _EPOCH_NANOS_FROM:
        value /= 1e9
    elif value >= _EPOCH_MICROS_FROM:
        value /= 1e6
    elif value >= _EPOCH_MILLIS_FROM:
        value /= 1e3
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _build(groups: dict[str, str | None], default_year: int) -> tuple[datetime, bool, bool] | None:
    year_text = groups.get("year") or groups.get("year2")
    year_known = True
    if year_text:
        year = int(year_text)
    elif groups.get("yy"):
        year = 2000 + int(groups["yy"] or 0)
    else:
        year = default_year
        year_known = False

    month_name = groups.get("mon")
    month = _MONTHS.get(month_name[:3].lower(), 0) if month_name else int(groups.get("month") or 0)
    hour = int(groups["hour"] or 0)
    ampm = groups.get("ampm")
    if ampm:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    fraction = groups.get("fraction") or ""
    microsecond = int((fraction + "000000")[:6]) if fraction else 0
    try:
        value = datetime(
            year,
            month,
            int(groups["day"] or 0),
            hour,
            int(groups["minute"] or 0),
            min(int(groups["second"] or 0), 59),
            microsecond,
        )
    except ValueError:
        return None

    zone = groups.get("tz")
    offset = _zone_offset(zone) if zone else None
    if offset is None:
        return value.replace(tzinfo=timezone.utc), False, year_known
    return value.replace(tzinfo=offset), True, year_known


def _zone_offset(zone: str) -> timezone | None:
    hours = _ZONE_OFFSETS.get(zone)
    if hours is not None:
        return timezone(timedelta(hours=hours))
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    if not digits.isdigit() or len(digits) not in (2, 4):
        return None
    minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) == 4 else 0)
    if minutes > 14 * 60:
        return None
    return timezone(sign * timedelta(minutes=minutes))
