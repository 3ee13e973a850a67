"""``where`` predicates and ``when`` expressions."""

import pytest

from prodrescue.rules.expression import ExpressionError, parse_expression
from prodrescue.rules.predicates import PredicateError, parse_predicate
from prodrescue.rules.values import parse_value


def values(**texts: str) -> dict:
    return {name: parse_value(text) for name, text in texts.items()}


@pytest.mark.parametrize(
    ("predicate", "captured", "expected"),
    [
        ("lag > 30s", {"lag": "47s"}, True),
        ("lag > 30s", {"lag": "12000ms"}, False),
        ("lag >= 47", {"lag": "47"}, True),
        ("active == max", {"active": "200", "max": "200"}, True),
        ("active == max", {"active": "199", "max": "200"}, False),
        ("used >= 95%", {"used": "97%"}, True),
        ("role == primary", {"role": "primary"}, False),  # 'primary' is a capture name, not a literal
        ("size < 1GB", {"size": "512MB"}, True),
        ("state != 0", {"state": "3"}, True),
    ],
)
def test_predicate_evaluation(predicate: str, captured: dict, expected: bool) -> None:
    assert parse_predicate(predicate).evaluate(values(**captured)) is expected


def test_predicate_missing_capture_is_false() -> None:
    assert parse_predicate("lag > 30s").evaluate({}) is False


def test_predicate_text_compare_only_equality() -> None:
    predicate = parse_predicate("mode > other")
    assert predicate.evaluate(values(mode="fast", other="slow")) is False


@pytest.mark.parametrize("text", ["lag >> 30", "lag", "30 > 20", "lag > thirty-ish"])
def test_predicate_parse_errors(text: str) -> None:
    with pytest.raises(PredicateError):
        parse_predicate(text)


def test_expression_precedence() -> None:
    expression = parse_expression("a or b and not c")
    assert expression.evaluate({"a": False, "b": True, "c": False}) is True
    assert expression.evaluate({"a": False, "b": True, "c": True}) is False
    assert expression.evaluate({"a": True, "b": False, "c": True}) is True


def test_expression_names() -> None:
    expression = parse_expression("(leak and waits) or not quiet")
    assert expression.names() == ("leak", "waits", "quiet")
    assert expression.positive_names() == ("leak", "waits")


@pytest.mark.parametrize("text", ["", "a and", "(a or b", "a b", "and a", "a & b"])
def test_expression_parse_errors(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text)
