"""Widening rule regexes over digits, and the engine's per-shape plans that rely on it."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from prodrescue.ingest import SourceCounter, iter_events
from prodrescue.rules.builtin import load_builtin_rules
from prodrescue.rules.engine import RuleEngine
from prodrescue.rules.patterns import compile_pattern
from prodrescue.rules.shapes import digit_general_source, text_shape


@pytest.mark.parametrize(
    ("source", "widened"),
    [
        pytest.param(r"status=5\d\d", r"status=\d\d\d", id="literal-digit"),
        pytest.param(r"ORA-00060\b", r"ORA-\d\d\d\d\d\b", id="error-code"),
        pytest.param(r"id=\w{12}", r"id=\w{12}", id="count-kept"),
        pytest.param(r"x{2,5}1", r"x{2,5}\d", id="range-count-kept"),
        pytest.param(r"[45]\d\d", r"[45\d]\d\d", id="class-gains-every-digit"),
        pytest.param(r"(?P<code1>5)", r"(?P<code1>\d)", id="group-name-kept"),
        pytest.param(r"(?<=HTTP/1\.1 )5", r"(?<=HTTP/\d\.\d )\d", id="positive-lookbehind"),
        pytest.param(r"(?!x)5", r"(?!x)\d", id="digit-after-negative-lookahead"),
        pytest.param(r"(?#error 42)x", r"(?#error 42)x", id="comment-kept"),
    ],
)
def test_digits_widened(source: str, widened: str) -> None:
    assert digit_general_source(source) == widened


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(r"(\d)\1", id="back-reference"),
        pytest.param(r"[^5]x", id="negated-class"),
        pytest.param(r"(?<!5)x", id="negative-lookbehind"),
        pytest.param(r"(?!a(b)5)x", id="nested-in-negative-lookahead"),
        pytest.param(r"\x35", id="code-point-escape"),
        pytest.param(r"(a)(?1)", id="recursion"),
        pytest.param(r"[^\]5]x", id="negated-class-with-escaped-bracket"),
        pytest.param("(?x) status=5\\d\\d  # see [docs", id="verbose"),
    ],
)
def test_unsafe_patterns_not_widened(source: str) -> None:
    assert digit_general_source(source) is None


def test_unwidened_pattern_may_always_match() -> None:
    pattern = compile_pattern(r"(?<!5)x")
    assert pattern.may_match_shape("nothing here")


# Patterns that name digits in the ways rules do, some of which cannot be widened.
DIGIT_PATTERNS = [
    r"status=5\d\d\b",
    r"[45]0[0-3] error",
    r"(?:111|113): refused",
    r"code (?P<code>4\d)",
    r"ORA-0006[01]",
    r"(?<!9)1 failed",
    r"x(?!7)\d",
    r"\b2{2}3",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="0123456789 =:-abcdefrxstuORA", max_size=40),
    replacement=st.text(alphabet="0123456789", min_size=40, max_size=40),
)
def test_widening_keeps_every_match(text: str, replacement: str) -> None:
    # A text with other digits that matches must leave may_match_shape True.
    digits = iter(replacement)
    other = "".join(next(digits) if char.isdigit() else char for char in text)
    assert text_shape(other) == text_shape(text)
    for source in DIGIT_PATTERNS:
        pattern = compile_pattern(source)
        if regex.search(source, other, regex.IGNORECASE):
            assert pattern.may_match_shape(text), (source, text, other)


def condition_counts(lines: list[str], planned: bool) -> dict[tuple[str, str], int]:
    engine = RuleEngine(load_builtin_rules())
    for ordinal, event in enumerate(iter_events(lines, SourceCounter("mixed.log"), 2024)):
        event.ordinal = ordinal
        if planned:
            engine.observe(event)
        else:
            engine._plan_shape(event, event.text, text_shape(event.text))  # every event checked in full
    return {
        (result.rule.id, name): outcome.count
        for result in engine.finish(None)
        for name, outcome in result.outcomes.items()
    }


def test_plans_match_full_check_counts() -> None:
    # Access-log lines of one shape whose status alternates between 2xx and 5xx,
    # ORA codes that differ in one digit, and a refused connection on varying ports.
    lines = []
    for second in range(40):
        status = (200, 503, 201, 500, 504)[second % 5]
        lines.append(
            f'10.0.0.{second % 7} - - [12/Mar/2024:01:00:{second:02d} +0000] "GET /api/v1/cart HTTP/1.1" '
            f'{status} 512 "-" "curl/8.{second % 3}"'
        )
        lines.append(f"2024-03-12 01:00:{second:02d},000 ERROR [db] ORA-0006{second % 2}: deadlock detected")
        lines.append(
            f"2024-03-12 01:00:{second:02d},500 ERROR [api] connect to 10.0.0.9:{5430 + second % 4} failed: Connection refused"
        )
    planned = condition_counts(lines, planned=True)
    assert planned == condition_counts(lines, planned=False)
    assert planned[("http-5xx-burst-access-log", "server_errors")] == 24
