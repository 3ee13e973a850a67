"""The rule engine: pattern timeouts and fault reporting."""

from __future__ import annotations

import time

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.rules.engine import RuleEngine
from prodrescue.rules.loader import parse_rule_text

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
