"""The scores of benchmarks/templates.py: template normalisation, GA, PA, FGA and the error report.

The checks over the Loghub-2k data skip when ``shared/`` is not beside the
checkout (or where PRODRESCUE_SHARED points).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from prodrescue.mining.masking import PLACEHOLDERS

REPOSITORY = Path(__file__).resolve().parents[1]
BENCHMARKS = REPOSITORY / "benchmarks"
LOGHUB = Path(os.environ.get("PRODRESCUE_SHARED", REPOSITORY.parent / "shared")) / "data" / "loghub-2k"
needs_loghub = pytest.mark.skipif(
    not LOGHUB.is_dir(), reason=f"Loghub-2k data not found at {LOGHUB} (set PRODRESCUE_SHARED to its path)"
)


def load(name: str) -> ModuleType:
    """Import a benchmark module; they import each other by their bare names, as scripts do."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


metrics = load("template_metrics")
errors = load("template_errors")
normaliser = metrics.TemplateNormaliser(PLACEHOLDERS)


@pytest.mark.parametrize(
    ("template", "corrected"),
    [
        ("open   file\t<*>", "open file <*>"),  # DS
        ("cannot read /var/log/app.log now", "cannot read <*> now"),  # PS
        ("enabled=true, cached=FALSE", "enabled=<*>, cached=<*>"),  # BL
        ("login as root from admin", "login as <*> from <*>"),  # US
        ("port 8080 open", "port <*> open"),  # DG
        ("block blk_<*> done", "block <*> done"),  # WV
        ("from <*>.<*>.<*>.<*> to", "from <*> to"),  # DV and DG
        ("id <*><*>", "id <*>"),  # CV
        ("version v1.2", "version v1.<*>"),  # dots split tokens
        ("a-b c+d", "a-b c+d"),  # words between delimiters stay
        ("sts:<*>_rsn:<*>", "sts:<*>:<*>"),  # WV inside a colon-separated token
    ],
)
def test_correction_rules(template: str, corrected: str) -> None:
    assert metrics.correct_template(template) == corrected


@pytest.mark.parametrize(
    ("template", "normalised"),
    [
        ("took <DURATION> for <NUM> rows", "took <*> for <*> rows"),
        ("block blk_<NUM> from /<IP>", "block <*> from <*>"),
        ("send <*> to <EMAIL>", "send <*> to <*>"),
        ("literal <word> stays", "literal <word> stays"),
    ],
)
def test_normaliser_maps_typed_placeholders(template: str, normalised: str) -> None:
    assert normaliser.normalise(template) == normalised


def score(truth: list[str], keys: list[str | None]):
    """Score a grouping; every predicted template is "x", so only GA and FGA mean anything."""
    truth_templates = [f"event {event}" for event in truth]
    predicted: list[str | None] = []
    for key in keys:
        predicted.append(None if key is None else "x")
    return metrics.score_parse(truth, truth_templates, keys, predicted, normaliser)


def test_exact_grouping_scores_one() -> None:
    result = score(["A", "A", "B"], ["x", "x", "y"])
    assert result.grouping_accuracy == 1.0
    assert result.fga == 1.0


def test_merged_groups_lose_lines() -> None:
    result = score(["A", "A", "B", "B", "C"], ["x", "x", "y", "y", "y"])
    assert result.grouping_accuracy == pytest.approx(2 / 5)
    assert result.fga == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert result.predicted_groups == 2
    assert result.truth_groups == 3


def test_split_group_scores_zero() -> None:
    result = score(["A", "A"], ["x", "y"])
    assert result.grouping_accuracy == 0.0
    assert result.fga == 0.0


def test_unpredicted_line_is_wrong() -> None:
    result = score(["A", "A", "B"], ["x", None, "y"])
    assert result.grouping_accuracy == pytest.approx(1 / 3)
    assert result.unpredicted_lines == 1
    assert result.parsing_accuracy == 0.0


def test_parsing_accuracy_after_normalisation() -> None:
    templates = ["event <NUM> done", "event blk_<NUM> done", "event 7 failed", None]
    result = metrics.score_parse(
        ["A", "A", "B", "B"],
        ["event <*> done", "event <*> done", "event <*> failed", "event <*> failed"],
        ["x", "x", "y", None],
        templates,
        normaliser,
    )
    assert result.parsing_accuracy == pytest.approx(3 / 4)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="one item per line"):
        metrics.score_parse(["A"], ["a"], ["x", "y"], ["a", "b"], normaliser)


def test_grouping_errors_split_and_merged() -> None:
    found = metrics.grouping_errors(["A", "A", "A", "B", "C"], ["x", "x", "y", "y", "z"])
    assert [(error.truth_id, error.split, error.merged) for error in found] == [
        ("A", True, True),
        ("B", False, True),
    ]
    assert [(share.key, len(share.lines), share.others) for share in found[0].shares] == [
        ("x", 2, []),
        ("y", 1, [("B", 1)]),
    ]


def test_error_report_names_groups_and_lines() -> None:
    report = errors.format_errors(
        ["start 1", "start 2", "start three", "stop 4"],
        truth_ids=["A", "A", "A", "B"],
        truth_templates=["start <*>", "start <*>", "start <*>", "stop <*>"],
        keys=["x", "x", None, "y"],
        templates=["start <NUM>", "start <NUM>", None, "halt <NUM>"],
        normaliser=normaliser,
        limit=5,
    )
    assert "Ground-truth groups split or merged: 1 group with 3 lines" in report
    assert "A  3 lines, split  truth: start <*>" in report
    assert "2 lines -> x (its group: 2 lines; text matches after normalisation): start <NUM>" in report
    assert "1 line got no template" in report
    assert "line 3: start three" in report
    assert "Groups found exactly but templated differently: 1 group with 1 line" in report
    assert "  prodrescue, normalised: halt <*>" in report


@needs_loghub
def test_ground_truth_nearly_unchanged() -> None:
    benchmark = load("templates")
    changed = {}
    for name in benchmark.find_systems(LOGHUB):
        system = benchmark.load_system(LOGHUB, name)
        assert len(system.event_ids) == 2000
        count = sum(1 for template in system.templates if normaliser.normalise(template) != template)
        if count:
            changed[name] = count
    assert changed == {"Hadoop": 1, "Mac": 20}


@needs_loghub
def test_benchmark_runs_one_system(capsys: pytest.CaptureFixture[str]) -> None:
    benchmark = load("templates")
    assert benchmark.main([str(LOGHUB), "--system", "Apache", "--markdown", "--show-errors", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| system | header share | folded | prodrescue raw GA |")
    assert "| Apache |" in out
    assert "Ground-truth groups split or merged:" in out


@needs_loghub
def test_benchmark_rejects_unknown_system(capsys: pytest.CaptureFixture[str]) -> None:
    benchmark = load("templates")
    assert benchmark.main([str(LOGHUB), "--system", "Nope"]) == 2
    assert "no system 'Nope'" in capsys.readouterr().err
