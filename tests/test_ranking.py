"""Ranking: factor scores, explained symptoms, changes before onset, unrecognized errors."""

from __future__ import annotations

import textwrap

import pytest

import prodrescue
from prodrescue.rules import RuleSet
from prodrescue.rules.loader import parse_rule_text

RULES = """
rules:
  - id: leak
    title: Locks never released
    category: lock-leak
    severity: high
    role: root-cause
    description: Locks stay held.
    conditions:
      leaked:
        pairing:
          acquire: 'acquired lock (?P<key>\\S+)'
          release: 'released lock (?P<key>\\S+)'
          unreleased: 2
    explains: [connection-pool-exhaustion]
    summary:
      - "{unreleased} locks leaked after {change} ({change_gap} later)."
      - "{unreleased} locks leaked."
    actions:
      - risk: avoid
        text: "Do not restart Redis under load."
      - risk: safe
        text: "Roll back: {change}"
  - id: pool
    title: Pool exhausted
    category: connection-pool-exhaustion
    severity: high
    role: root-cause
    description: Pool is empty.
    conditions:
      timeout:
        regex: 'Connection is not available'
  - id: deploy
    title: Application started with a version
    category: bad-deploy
    severity: info
    role: change
    description: A new version started.
    conditions:
      start:
        regex: 'Starting \\S+ (?P<version>v\\d+\\.\\d+\\.\\d+)'
"""


def rules() -> RuleSet:
    parsed, problems = parse_rule_text(RULES, "test.yaml")
    assert problems == []
    return RuleSet(tuple(parsed))


def diagnose(log: str) -> prodrescue.Diagnosis:
    return prodrescue.diagnose(textwrap.dedent(log).strip(), rules=rules(), reference_year=2024)


INCIDENT = """
    2024-03-12T23:40:00Z INFO Starting payments-api v2.14.0
    2024-03-12T23:42:00Z INFO acquired lock pay:1
    2024-03-12T23:43:00Z INFO acquired lock pay:2
    2024-03-12T23:44:00Z INFO acquired lock pay:3
    2024-03-12T23:44:01Z INFO released lock pay:3
    2024-03-13T03:47:00Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms
    2024-03-13T03:47:05Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms
"""


def test_explainer_ranks_first_with_symptom() -> None:
    diagnosis = diagnose(INCIDENT)
    leak, pool = diagnosis.causes[0], diagnosis.causes[1]
    assert leak.id == "leak"
    assert pool.id == "pool"
    assert leak.symptoms == ("pool",)
    assert pool.explained_by == "leak"
    assert pool.score < leak.score
    assert diagnosis.top is leak


def test_change_before_onset_is_named() -> None:
    leak = diagnose(INCIDENT).causes[0]
    assert leak.preceding_change is not None
    assert leak.preceding_change.line == 1
    assert leak.evidence[-1].condition == "change"
    assert leak.summary == "2 locks leaked after Starting payments-api v2.14.0 (2m later)."
    change = next(factor for factor in leak.factors if factor.name == "change")
    assert change.value > 0.9
    assert "began 2m after" in change.detail


def test_actions_sorted_by_risk_and_filled() -> None:
    leak = diagnose(INCIDENT).causes[0]
    assert [action.risk for action in leak.actions] == [prodrescue.Risk.SAFE, prodrescue.Risk.AVOID]
    assert leak.actions[0].text == "Roll back: Starting payments-api v2.14.0"


def test_score_is_weighted_mean_of_factors() -> None:
    leak = diagnose(INCIDENT).causes[0]
    total = sum(factor.value * factor.weight for factor in leak.factors)
    assert leak.score == pytest.approx(total, abs=0.002)
    assert sum(factor.weight for factor in leak.factors) == pytest.approx(1.0)
    assert 0.0 <= leak.score <= 1.0


def test_symptom_starting_first_is_not_explained() -> None:
    diagnosis = diagnose("""
        2024-03-13T03:40:00Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms
        2024-03-13T03:42:00Z INFO acquired lock pay:1
        2024-03-13T03:43:00Z INFO acquired lock pay:2
    """)
    pool = diagnosis.cause("pool")
    assert pool is not None
    assert pool.explained_by is None
    assert diagnosis.causes[0].id == "pool"


def test_change_outside_window_is_ignored() -> None:
    diagnosis = prodrescue.diagnose(textwrap.dedent(INCIDENT).strip(), rules=rules(),
                                    reference_year=2024, change_window_seconds=60)
    leak = diagnosis.cause("leak")
    assert leak is not None
    assert leak.preceding_change is None
    assert leak.summary == "2 locks leaked."


def test_timeline_lists_change_and_onsets_in_order() -> None:
    timeline = diagnose(INCIDENT).timeline
    kinds = [(entry.kind.value, entry.line) for entry in timeline]
    assert kinds[0] == ("change", 1)
    assert ("onset", 2) in kinds
    assert ("first-error", 6) in kinds
    assert ("onset", 6) in kinds


def test_unrecognized_error_burst_becomes_candidate() -> None:
    normal = [f"2024-03-13T03:{minute:02d}:{second:02d}Z INFO request served in 12 ms"
              for minute in range(0, 30) for second in (0, 20, 40)]
    burst = [f"2024-03-13T03:31:{second:02d}Z ERROR ledger service returned malformed checksum for batch {second}"
             for second in range(0, 40)]
    diagnosis = prodrescue.diagnose(normal + burst, rules=rules(), reference_year=2024)
    top = diagnosis.causes[0]
    assert top.category == "unrecognized"
    assert top.rule_id is None
    assert top.id.startswith("unrecognized:")
    assert "malformed checksum" in top.evidence[0].text
    assert top.score < 0.7


def test_near_miss_says_what_is_missing() -> None:
    rule = RULES.replace("""      timeout:
        regex: 'Connection is not available'""", """      timeout:
        regex: 'Connection is not available'
        count: 5
        within: 1m""")
    parsed, problems = parse_rule_text(rule, "test.yaml")
    assert problems == []
    diagnosis = prodrescue.diagnose(
        [
            "2024-03-13T03:47:00Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms",
            "2024-03-13T03:47:05Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms",
        ],
        rules=RuleSet(tuple(parsed)),
        reference_year=2024,
    )
    assert diagnosis.cause("pool") is None
    miss = next(miss for miss in diagnosis.near_misses if miss.rule_id == "pool")
    assert miss.matched == ()
    assert miss.missing == ("timeout: 2 matching events, at most 2 within 1m; needs 5 matching events within 1m",)


def test_untimed_paste_order_does_not_decide() -> None:
    # Without timestamps the order of a paste does not show which began
    # first, so the causal link decides.
    diagnosis = diagnose("""
        ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms
        INFO acquired lock pay:1
        INFO acquired lock pay:2
    """)
    assert diagnosis.causes[0].id == "leak"
    assert diagnosis.cause("pool").explained_by == "leak"


def test_small_paste_shows_unknown_error() -> None:
    # A few pasted lines are the incident itself: an error no rule knows still
    # becomes a candidate, although the anomaly factors need more history.
    diagnosis = diagnose("""
        2024-01-12T03:47:01Z ERROR ledger: checksum mismatch in batch 7
        2024-01-12T03:47:02Z ERROR ledger: checksum mismatch in batch 8
        2024-01-12T03:47:02Z INFO api: request served
    """)
    assert [cause.category for cause in diagnosis.causes] == ["unrecognized"]
    assert diagnosis.causes[0].count == 2
    assert diagnosis.causes[0].score < 0.5


def test_unknown_error_after_cause_is_related_evidence() -> None:
    diagnosis = diagnose(INCIDENT + """
    2024-03-13T03:47:06Z ERROR ledger service returned malformed checksum for batch 7
    """)
    leak = diagnosis.causes[0]
    related = [item for item in leak.evidence if item.condition == "related error"]
    assert len(related) == 1
    assert "malformed checksum" in related[0].text
    unknown = next(cause for cause in diagnosis.causes if cause.category == "unrecognized")
    assert unknown.explained_by == "leak"


def test_change_in_other_file_needs_time_proximity(tmp_path) -> None:
    (tmp_path / "deploy.log").write_text("2024-03-12T20:00:00Z INFO Starting payments-api v2.14.0\n")
    (tmp_path / "api.log").write_text(textwrap.dedent("""\
        2024-03-12T23:42:00Z INFO acquired lock pay:1
        2024-03-12T23:43:00Z INFO acquired lock pay:2
    """))
    leak = prodrescue.diagnose(paths=[tmp_path], rules=rules(), reference_year=2024).cause("leak")
    assert leak is not None
    assert leak.preceding_change is None  # 3h40m before, in another file


def test_untimed_change_in_other_file_is_ignored(tmp_path) -> None:
    (tmp_path / "a-deploy.log").write_text("INFO Starting payments-api v2.14.0\n")
    (tmp_path / "b-api.log").write_text("INFO acquired lock pay:1\nINFO acquired lock pay:2\n")
    leak = prodrescue.diagnose(paths=[tmp_path], rules=rules(), reference_year=2024).cause("leak")
    assert leak is not None
    assert leak.preceding_change is None


def test_same_category_later_cause_is_listed_under_earlier() -> None:
    rule = RULES.replace("""  - id: pool
    title: Pool exhausted""", """  - id: lock-waits
    title: Lock waits time out
    category: lock-leak
    severity: high
    role: root-cause
    description: Waiters give up.
    conditions:
      waits:
        regex: 'timed out waiting for lock'
  - id: pool
    title: Pool exhausted""")
    parsed, problems = parse_rule_text(rule, "test.yaml")
    assert problems == []
    diagnosis = prodrescue.diagnose(textwrap.dedent(INCIDENT + """
    2024-03-13T03:46:00Z WARN timed out waiting for lock pay:1
    """).strip(), rules=RuleSet(tuple(parsed)), reference_year=2024)
    assert diagnosis.causes[0].id == "leak"
    assert diagnosis.cause("lock-waits").explained_by == "leak"


def test_values_placeholder_lists_distinct() -> None:
    from prodrescue.rules.placeholders import fill_placeholders
    from prodrescue.rules.values import ValueSummary, parse_value

    summary = ValueSummary.start(parse_value("api-1"))
    for host in ("api-2", "api-1", "api-3", "api-4", "api-5", "api-6"):
        summary.add(parse_value(host))
    assert fill_placeholders("{host.values}", {"host": summary}, {}) == "api-1, api-2, api-3 and 2+ more"
    two = ValueSummary.start(parse_value("a"))
    two.add(parse_value("b"))
    assert fill_placeholders("{host.values}", {"host": two}, {}) == "a and b"


def test_cause_counted_inside_effect_explains_it() -> None:
    # The paste starts with a save error whose disk error came before the excerpt.
    lines = ["7:M 02 Feb 2024 09:00:01.100 # Background saving error"]
    for second in range(10, 50, 10):
        lines += [
            f"7:M 02 Feb 2024 09:00:{second}.000 * 1 changes in 60 seconds. Saving...",
            f"41{second}:C 02 Feb 2024 09:00:{second}.090 # Write error saving DB on disk: No space left on device",
            f"7:M 02 Feb 2024 09:00:{second}.120 # Background saving error",
        ]
    diagnosis = prodrescue.diagnose(lines)
    top = diagnosis.top
    assert top is not None
    assert top.category == "disk-full"
    redis = next(cause for cause in diagnosis.causes if cause.category == "cache-degradation")
    assert redis.explained_by == top.id


def test_same_category_symptom_line_is_evidence() -> None:
    lines = [
        "Feb  2 09:00:01 mx1 smtpd[310]: warn: certificate has expired",
        "Feb  2 09:00:01 mx1 smtpd[311]: smtp-out: Server certificate verification failed on session 1a2b3c4d",
        "Feb  2 09:00:05 mx1 smtpd[311]: smtp-out: Server certificate verification failed on session 5e6f7a8b",
    ]
    top = prodrescue.diagnose(lines).top
    assert top is not None
    assert top.category == "tls-certificate"
    assert any("verification failed" in item.text for item in top.evidence)
