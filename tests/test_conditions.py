"""Condition kinds evaluated over real log lines: regex thresholds, predicates, pairing."""

from __future__ import annotations

import textwrap

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.rules.engine import RuleEngine, RuleResult
from prodrescue.rules.loader import parse_rule_text


def run_rule(rule_yaml: str, log: str) -> RuleResult:
    rules, problems = parse_rule_text(textwrap.dedent(rule_yaml), "test.yaml")
    assert problems == []
    engine = RuleEngine(rules)
    events = list(iter_events(textwrap.dedent(log).strip().splitlines(), SourceCounter("app.log"), 2024))
    for ordinal, event in enumerate(events):
        event.ordinal = ordinal
        engine.observe(event)
    end = max((event.timestamp for event in events if event.timestamp), default=None)
    return engine.finish(end)[0]


THRESHOLD_RULE = """
rules:
  - id: timeouts
    title: Checkout timeouts
    category: connection-pool-exhaustion
    severity: high
    role: root-cause
    description: test
    conditions:
      timeout:
        regex: 'request timed out after (?P<wait>\\d+ms)'
        level: error
        count: 3
        within: 1m
"""


def test_threshold_reached_within_window() -> None:
    result = run_rule(THRESHOLD_RULE, """
        2024-03-13T03:47:01Z ERROR pool: request timed out after 5000ms
        2024-03-13T03:47:20Z ERROR pool: request timed out after 5001ms
        2024-03-13T03:47:50Z ERROR pool: request timed out after 5002ms
    """)
    assert result.fired
    assert result.outcomes["timeout"].count == 3
    assert result.outcomes["timeout"].values["wait"].maximum.text == "5002ms"


def test_threshold_spread_too_thin() -> None:
    result = run_rule(THRESHOLD_RULE, """
        2024-03-13T03:47:01Z ERROR pool: request timed out after 5000ms
        2024-03-13T03:49:20Z ERROR pool: request timed out after 5001ms
        2024-03-13T03:51:50Z ERROR pool: request timed out after 5002ms
    """)
    assert not result.fired
    assert result.partial
    assert result.outcomes["timeout"].detail == "3 matching events, at most 1 within 1m"


def test_level_filter_ignores_lower_levels() -> None:
    result = run_rule(THRESHOLD_RULE, """
        2024-03-13T03:47:01Z INFO pool: request timed out after 5000ms
        2024-03-13T03:47:02Z INFO pool: request timed out after 5000ms
        2024-03-13T03:47:03Z INFO pool: request timed out after 5000ms
    """)
    assert not result.fired
    assert result.outcomes["timeout"].count == 0


def test_window_unchecked_without_timestamps() -> None:
    result = run_rule(THRESHOLD_RULE, """
        ERROR: request timed out after 5000ms
        ERROR: request timed out after 5000ms
        ERROR: request timed out after 5000ms
    """)
    assert result.fired
    assert "window was not checked" in result.outcomes["timeout"].detail


PREDICATE_RULE = """
rules:
  - id: lag
    title: Replica lag
    category: replication-lag
    severity: high
    role: root-cause
    description: test
    conditions:
      behind:
        regex: 'replica \\S+ is (?P<lag>\\d+s) behind'
        where: lag > 30s
        exclude: 'during maintenance'
"""


def test_predicate_filters_small_values() -> None:
    result = run_rule(PREDICATE_RULE, """
        2024-03-13T03:50:00Z WARN health: replica redis-1 is 12s behind
        2024-03-13T03:50:30Z WARN health: replica redis-1 is 47s behind
    """)
    assert result.fired
    assert result.outcomes["behind"].count == 1
    assert result.outcomes["behind"].first.first_line == 2


def test_predicate_near_miss_reports_values() -> None:
    result = run_rule(PREDICATE_RULE, """
        2024-03-13T03:50:00Z WARN health: replica redis-1 is 12s behind
        2024-03-13T03:50:30Z WARN health: replica redis-1 is 19s behind
    """)
    assert not result.fired
    assert result.partial
    detail = result.outcomes["behind"].detail
    assert "2 matching events failed 'lag > 30s'" in detail
    assert "lag ranged 12s to 19s" in detail


def test_exclude_vetoes_event() -> None:
    result = run_rule(PREDICATE_RULE, """
        2024-03-13T03:50:00Z WARN health: replica redis-1 is 90s behind during maintenance
    """)
    assert not result.fired
    assert "1 matched but were excluded" in result.outcomes["behind"].detail


PAIRING_RULE = """
rules:
  - id: leak
    title: Lock leak
    category: lock-leak
    severity: high
    role: root-cause
    description: test
    conditions:
      leaked:
        pairing:
          acquire: 'acquired lock (?P<key>[\\w:.-]+)'
          release: 'released lock (?P<key>[\\w:.-]+)'
          unreleased: 2
          older_than: 5m
"""


def test_pairing_counts_old_unreleased_keys() -> None:
    result = run_rule(PAIRING_RULE, """
        2024-03-13T01:00:00Z INFO acquired lock pay:1
        2024-03-13T01:00:01Z INFO released lock pay:1
        2024-03-13T01:00:02Z INFO acquired lock pay:2
        2024-03-13T01:00:03Z INFO acquired lock pay:3
        2024-03-13T01:59:00Z INFO acquired lock pay:4
        2024-03-13T02:00:00Z INFO heartbeat
    """)
    outcome = result.outcomes["leaked"]
    assert result.fired
    assert outcome.count == 2  # pay:4 is younger than 5m at the end of the input
    assert outcome.extra["oldest_key"].text == "pay:2"
    assert outcome.extra["acquired"].number == 4
    assert outcome.extra["released"].number == 1
    assert [event.first_line for event in outcome.samples] == [3, 4]


def test_pairing_all_released_is_quiet() -> None:
    result = run_rule(PAIRING_RULE, """
        2024-03-13T01:00:00Z INFO acquired lock pay:1
        2024-03-13T01:00:01Z INFO released lock pay:1
        2024-03-13T01:00:02Z INFO acquired lock pay:2
        2024-03-13T01:00:03Z INFO released lock pay:2
        2024-03-13T02:00:00Z INFO heartbeat
    """)
    assert not result.fired
    assert result.partial
    assert "2 acquired, 2 released, 0 left unreleased" in result.outcomes["leaked"].detail


def test_pairing_without_timestamps_counts_all_open() -> None:
    result = run_rule(PAIRING_RULE, """
        acquired lock pay:1
        acquired lock pay:2
    """)
    assert result.fired
    assert result.outcomes["leaked"].count == 2


WHEN_RULE = """
rules:
  - id: both
    title: Both needed
    category: slow-query
    severity: medium
    role: root-cause
    description: test
    conditions:
      slow:
        regex: 'duration: (?P<ms>[\\d.]+) ms'
        where: ms > 1000
      timeout:
        regex: 'statement timeout'
      noise:
        regex: 'autovacuum'
    when: slow and timeout and not noise
"""


def test_when_expression_requires_all() -> None:
    result = run_rule(WHEN_RULE, """
        2024-03-13 03:47:01 UTC [7] LOG:  duration: 5012.3 ms  statement: select 1
    """)
    assert not result.fired
    assert result.outcomes["slow"].held
    assert not result.outcomes["timeout"].held


def test_when_expression_fires() -> None:
    result = run_rule(WHEN_RULE, """
        2024-03-13 03:47:01 UTC [7] LOG:  duration: 5012.3 ms  statement: select 1
        2024-03-13 03:47:02 UTC [7] ERROR:  canceling statement due to statement timeout
    """)
    assert result.fired
    assert result.onset is not None
    assert result.onset.first_line == 1


def test_when_not_blocks_firing() -> None:
    result = run_rule(WHEN_RULE, """
        2024-03-13 03:47:01 UTC [7] LOG:  duration: 5012.3 ms  statement: select 1
        2024-03-13 03:47:02 UTC [7] ERROR:  canceling statement due to statement timeout
        2024-03-13 03:47:03 UTC [9] LOG:  automatic vacuum of table "t": index scans: 1 (autovacuum)
    """)
    assert not result.fired


def test_condition_sees_continuation_lines() -> None:
    rule = """
    rules:
      - id: disk
        title: Disk full
        category: disk-full
        severity: critical
        role: root-cause
        description: test
        conditions:
          enospc:
            regex: 'No space left on device'
    """
    result = run_rule(rule, """
        2012-12-19 16:58:15,380 - FATAL [SyncThread:0:SyncRequestProcessor@148] - Severe unrecoverable error, exiting
        java.io.IOException: No space left on device
                at java.io.FileOutputStream.writeBytes(Native Method)
    """)
    assert result.fired
    assert result.outcomes["enospc"].samples[0].last_line == 3
