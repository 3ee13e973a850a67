"""Log levels: one ordered scale for every logger's words, letters and numbers."""

from __future__ import annotations

__all__ = ["KLOG_LETTERS", "LOGCAT_LETTERS", "Level", "level_from_syslog_priority", "parse_level"]

import enum
import re


class Level(enum.IntEnum):
    """Normalised severity of a log event. Higher is more severe."""

    TRACE = 5
    DEBUG = 10
    INFO = 20
    NOTICE = 25
    WARNING = 30
    ERROR = 40
    CRITICAL = 50
    FATAL = 60

    @property
    def label(self) -> str:
        """The lower-case name used in output and in rule files."""
        return self.name.lower()


# Words and abbreviations used by common loggers, upper-cased. PostgreSQL's
# LOG is informational and PANIC is its most severe level. Python's logging
# uses CRITICAL, log4j FATAL, and java.util.logging SEVERE down to FINEST.
# MySQL's Note and System are informational, winston's verbose sits between
# info and debug and its silly below debug, and Apache writes trace1 to trace8.
_WORDS: dict[str, Level] = {
    "TRACE": Level.TRACE,
    "TRC": Level.TRACE,
    "TRCE": Level.TRACE,  # .NET console logger: trce, dbug, fail, crit
    "FINEST": Level.TRACE,
    "FINER": Level.TRACE,
    "VERBOSE": Level.DEBUG,
    "SILLY": Level.TRACE,
    "VRB": Level.TRACE,  # Serilog's Verbose, below Debug
    **{f"TRACE{number}": Level.TRACE for number in range(1, 9)},
    "DEBUG": Level.DEBUG,
    "DBG": Level.DEBUG,
    "DBUG": Level.DEBUG,
    "DEBUG1": Level.DEBUG,
    "DEBUG2": Level.DEBUG,
    "DEBUG3": Level.DEBUG,
    "DEBUG4": Level.DEBUG,
    "DEBUG5": Level.DEBUG,
    "FINE": Level.DEBUG,
    "CONFIG": Level.DEBUG,
    "INFO": Level.INFO,
    "INF": Level.INFO,
    "INFORMATION": Level.INFO,
    "INFORMATIONAL": Level.INFO,
    "LOG": Level.INFO,
    "NOTICE": Level.NOTICE,
    "NOTE": Level.INFO,
    "SYSTEM": Level.INFO,
    "WARN": Level.WARNING,
    "WARNING": Level.WARNING,
    "WRN": Level.WARNING,
    "ERROR": Level.ERROR,
    "ERR": Level.ERROR,
    "FAIL": Level.ERROR,
    "EROR": Level.ERROR,
    "SEVERE": Level.ERROR,
    "CRIT": Level.CRITICAL,
    "CRITICAL": Level.CRITICAL,
    "DPANIC": Level.CRITICAL,  # zap: panics in development, logs in production
    "ALERT": Level.CRITICAL,
    "FATAL": Level.FATAL,
    "FTL": Level.FATAL,
    "PANIC": Level.FATAL,
    "EMERG": Level.FATAL,
    "EMERGENCY": Level.FATAL,
}

# klog / glog prefix letters (I0125 15:49:46.692758 ...).
KLOG_LETTERS: dict[str, Level] = {
    "I": Level.INFO,
    "W": Level.WARNING,
    "E": Level.ERROR,
    "F": Level.FATAL,
}

# Android logcat priority letters (11-02 08:15:42.305  4410  4433 W Tag: ...).
# V is verbose, below debug, and A is assert, which logcat shows for wtf().
LOGCAT_LETTERS: dict[str, Level] = {
    "V": Level.TRACE,
    "D": Level.DEBUG,
    "I": Level.INFO,
    "W": Level.WARNING,
    "E": Level.ERROR,
    "F": Level.FATAL,
    "A": Level.FATAL,
}

# RFC 5424 severities 0 (emergency) to 7 (debug).
_SYSLOG_SEVERITIES = (
    Level.FATAL,
    Level.CRITICAL,
    Level.CRITICAL,
    Level.ERROR,
    Level.WARNING,
    Level.NOTICE,
    Level.INFO,
    Level.DEBUG,
)


_LEVEL_OFFSET = re.compile(r"([A-Z]+)[+-]\d{1,2}")


def parse_level(word: str) -> Level | None:
    """Map a level word from a log line or a JSON field to a :class:`Level`.

    Accepts any case, surrounding brackets and punctuation, and numeric
    levels as bunyan/pino (10..60) and syslog (0..7) write them. Returns None
    for anything else.
    """
    cleaned = word.strip().strip("[]<>():|-").upper()
    if not cleaned:
        return None
    level = _WORDS.get(cleaned)
    if level is not None:
        return level
    offset = _LEVEL_OFFSET.fullmatch(cleaned)
    if offset is not None:
        # Go's slog writes levels between the named ones as WARN+2 or INFO-4.
        return _WORDS.get(offset[1])
    if cleaned.isdigit():
        number = int(cleaned)
        if number <= 7:
            return _SYSLOG_SEVERITIES[number]
        return _BUNYAN_LEVELS.get(number)
    return None


_BUNYAN_LEVELS = {
    10: Level.TRACE,
    20: Level.DEBUG,
    30: Level.INFO,
    40: Level.WARNING,
    50: Level.ERROR,
    60: Level.FATAL,
}


def level_from_syslog_priority(priority: int) -> Level:
    """Return the level of a syslog ``<PRI>`` value (facility * 8 + severity)."""
    return _SYSLOG_SEVERITIES[priority % 8]
