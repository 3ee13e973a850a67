"""The literal prefilter: gates are strings every match must contain."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
import yaml

import prodrescue
from prodrescue.report import to_json
from prodrescue.rules.engine import RuleEngine
from prodrescue.rules.patterns import compile_pattern
from prodrescue.rules.prefilter import LiteralIndex, required_literals


@pytest.mark.parametrize(
    ("pattern", "gate"),
    [
        (r"deadlock detected", {"deadlock detected"}),
        (r"deadlock detected|40P01", {"deadlock detected", "40p01"}),
        (r"(?P<pool>\w+) - Connection is not available", {" - connection is not available"}),
        (r"could not (?:get|obtain) a connection", {" a connection"}),  # the longest required run
        (r"(?:Lettuce|Redis).{0,20}?(?:Unable to acquire|Pool exhausted)", {"unable to acquire", "pool exhausted"}),
        (r"x(?:yz)+ fail", {" fail"}),
        (r"(a|aa)+$", None),
        (r"\p{L}+ timed out", None),
        (r"ab", None),
    ],
)
def test_required_literals(pattern: str, gate: set[str] | None) -> None:
    assert required_literals(pattern, case_sensitive=False) == (frozenset(gate) if gate else None)


@pytest.mark.parametrize(
    "pattern",
    [r"deadlock detected|40P01", r"(?:get|obtain) a connection", r"timeout (?:of )?\d+ ?ms exceeded",
     r"(?i)Too many open files", r"lag(?:ging)? (?:of|by) (?P<lag>\d+s)"],
)
@pytest.mark.parametrize(
    "line",
    ["ERROR: deadlock detected", "SQLSTATE 40P01", "could not obtain a connection", "timeout of 500 ms exceeded",
     "accept4: too many open files", "replica lagging by 47s", "nothing relevant here", "Deadlock Detected!"],
)
def test_gate_never_hides_a_match(pattern: str, line: str) -> None:
    compiled = compile_pattern(pattern)
    present = LiteralIndex([compiled.gate]).present(line.lower())
    assert (compiled.search(line, present) is None) == (regex.search(pattern, line, regex.IGNORECASE) is None)


def test_index_reports_present_strings() -> None:
    index = LiteralIndex([frozenset({"deadlock", "40p01"}), None, frozenset({"timed out"})])
    assert index.literals == ("40p01", "deadlock", "timed out")
    assert index.present("request timed out after a deadlock") == frozenset({"deadlock", "timed out"})


def test_automaton_agrees_with_plain_lookup() -> None:
    gates = [frozenset({"deadlock detected", "40p01"}), frozenset({"timed out", "out of memory"}),
             frozenset({"connection refused", "refused"}), None]
    automaton, plain = LiteralIndex(gates), LiteralIndex(gates, use_automaton=False)
    for line in ["deadlock detected", "request timed out of memory", "connection refused by peer", "", "nothing"]:
        assert automaton.present(line) == plain.present(line)
    assert automaton.present("connection refused") == frozenset({"connection refused", "refused"})


REPOSITORY = Path(__file__).resolve().parents[1]
INPUTS = [REPOSITORY / "examples" / "payment-incident", *sorted((REPOSITORY / "benchmarks" / "cases").glob("*.yaml"))]


def _observe_every_condition(engine: RuleEngine, event) -> None:
    """Run every condition with every pattern, as if there were no prefilter."""
    text = event.text
    for slot in range(len(engine._slots)):
        engine._slots[slot][2].observe(event, text, None)


@pytest.mark.parametrize("source", INPUTS, ids=lambda path: path.stem)
def test_prefilter_gives_same_diagnosis(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if source.suffix == ".yaml":
        arguments = {"lines": yaml.safe_load(source.read_text())["log"]}
    else:
        arguments = {"paths": [source]}
    gated = to_json(prodrescue.diagnose(reference_year=2024, **arguments))
    monkeypatch.setattr(RuleEngine, "observe", _observe_every_condition)
    assert to_json(prodrescue.diagnose(reference_year=2024, **arguments)) == gated
