"""The rule engine: pattern timeouts and fault reporting."""

from __future__ import annotations

import time

import pytest

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.rules.engine import RuleEngine, digit_blind
from prodrescue.rules.loader import parse_rule_text
from prodrescue.rules.patterns import compile_pattern

# Alternatives that overlap, on a line of 'a's that cannot end the match: the regex
# module explores every split of the line, which takes far longer than any time limit.
BACKTRACKING_RULE = r"""
rules:
  - id: slow-pattern
    title: Slow pattern
    category: error-rate
    severity: low
    role: impact
    description: A rule whose regex backtracks for a very long time.
    conditions:
      bad:
        regex: '(a|aa)+$'
      good:
        regex: 'request failed'
"""


def test_backtracking_pattern_times_out_and_is_reported() -> None:
    rules, problems = parse_rule_text(BACKTRACKING_RULE, "slow.yaml")
    assert problems == []
    engine = RuleEngine(rules)
    lines = ["a" * 40 + "!", "request failed", "a" * 40 + "!"]
    started = time.monotonic()
    for ordinal, event in enumerate(iter_events(lines, SourceCounter("app.log"), 2024)):
        event.ordinal = ordinal
        engine.observe(event)
    elapsed = time.monotonic() - started
    result = engine.finish(None)[0]

    assert elapsed < 5
    assert len(engine.faults) == 1
    fault = engine.faults[0]
    assert fault.rule_id == "slow-pattern"
    assert fault.condition == "bad"
    assert "'(a|aa)+$'" in fault.message
    assert "app.log:1" in fault.message
    assert result.outcomes["good"].count == 1
    assert "disabled after a pattern timeout" in result.outcomes["bad"].detail


SHAPE_RULES = r"""
rules:
  - id: server-errors
    title: Server errors
    category: error-rate
    severity: low
    role: impact
    description: Responses with a 5xx status, which a literal digit in the pattern selects.
    conditions:
      failed:
        regex: 'status=5\d\d'
  - id: refused
    title: Refused
    category: connection-refused
    severity: low
    role: root-cause
    description: Refused connections, whatever the port.
    conditions:
      refused:
        regex: 'connection refused to port \d+'
"""


def counts_for(lines: list[str]) -> dict[str, int]:
    rules, problems = parse_rule_text(SHAPE_RULES, "shape.yaml")
    assert problems == []
    engine = RuleEngine(rules)
    for ordinal, event in enumerate(iter_events(lines, SourceCounter("app.log"), 2024)):
        event.ordinal = ordinal
        engine.observe(event)
    results = engine.finish(None)
    return {result.rule.id: next(iter(result.outcomes.values())).count for result in results}


def test_repeated_shapes_counted_by_digits() -> None:
    # "status=200" and "status=503" have the same shape once digits are zeroed,
    # so the 5xx condition must not be skipped on the strength of the first line.
    lines = ["GET /pay status=200", "GET /pay status=503", "GET /pay status=201", "GET /pay status=504"]
    assert counts_for(lines)["server-errors"] == 2


def test_repeated_shapes_still_counted() -> None:
    lines = [f"connection refused to port {port}" for port in (5432, 5433, 6379, 5432)]
    lines += ["connection reset by peer 12", "connection reset by peer 13"]
    assert counts_for(lines)["refused"] == 4


@pytest.mark.parametrize(
    ("source", "blind"),
    [
        pytest.param(r"connection refused", True, id="words"),
        pytest.param(r"port \d+ closed", True, id="any-digit"),
        pytest.param(r"[a-f0-9]{8} failed", False, id="digit-class"),
        pytest.param(r"status=5\d\d", False, id="digit-literal"),
        pytest.param(r"id=\w{12}", True, id="count"),
        pytest.param(r"(a)b\1", False, id="back-reference"),
    ],
)
def test_digit_blind_patterns(source: str, blind: bool) -> None:
    assert digit_blind(compile_pattern(source)) is blind
