"""Checks over the shared evaluation data: real incident cases and Loghub-2k logs.

The data sits in ``shared/`` beside this checkout (or where PRODRESCUE_SHARED
points); a user's fresh clone does not have it, so these tests skip there.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

import prodrescue

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRODRESCUE_SHARED", REPOSITORY.parent / "shared"))
CASES = SHARED / "cases"
LOGHUB = SHARED / "data" / "loghub-2k"

pytestmark = pytest.mark.skipif(
    not CASES.is_dir() or not LOGHUB.is_dir(),
    reason=f"shared evaluation data not found at {SHARED} (set PRODRESCUE_SHARED to its path)",
)


def load_harness():
    spec = importlib.util.spec_from_file_location("eval_cases", REPOSITORY / "benchmarks" / "eval_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_cases_meet_accuracy_targets() -> None:
    harness = load_harness()
    rules = prodrescue.load_rules()
    results = [harness.evaluate(case, case["log"].splitlines(), rules) for case in harness.load_cases([CASES])]
    total = len(results)
    top1 = sum(result.top1 for result in results) / total
    top3 = sum(result.top3 for result in results) / total
    evidence = sum(result.evidence_hit for result in results) / total
    misses = [(result.id, result.causes[:3], result.missing_evidence)
              for result in results if not (result.top1 and result.evidence_hit)]
    assert top1 >= 0.80, misses
    assert top3 >= 0.95, misses
    assert evidence >= 0.90, misses


@pytest.mark.parametrize("log", sorted(LOGHUB.glob("*/*_2k.log")) if LOGHUB.is_dir() else [],
                         ids=lambda path: path.parent.name)
def test_loghub_system_runs_cleanly(log: Path) -> None:
    diagnosis = prodrescue.diagnose(paths=[log], reference_year=2024)
    assert diagnosis.stats.lines == 2000
    assert diagnosis.stats.events > 0
    for cause in diagnosis.causes:
        assert 0.0 <= cause.score <= 1.0
        assert cause.evidence
