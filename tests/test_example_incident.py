"""The bundled example: a lock leak after a deploy, with pool exhaustion as its symptom."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import prodrescue
from prodrescue.model import Risk

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "payment-incident"


@pytest.fixture(scope="module")
def diagnosis() -> prodrescue.Diagnosis:
    return prodrescue.diagnose(paths=[EXAMPLE])


def test_lock_leak_is_top_cause(diagnosis: prodrescue.Diagnosis) -> None:
    top = diagnosis.causes[0]
    assert top.category == "lock-leak"
    assert top.role is prodrescue.Role.ROOT_CAUSE
    assert top.explained_by is None


def test_deploy_line_is_evidence(diagnosis: prodrescue.Diagnosis) -> None:
    top = diagnosis.causes[0]
    assert top.preceding_change is not None
    assert "Starting PaymentsApplication v2.14.0" in top.preceding_change.text
    assert any("v2.14.0" in item.text for item in top.evidence)


def test_evidence_is_acquire_without_release(diagnosis: prodrescue.Diagnosis) -> None:
    log = (EXAMPLE / "payments-api.log").read_text()
    released = set(re.findall(r"Released lock (\S+)", log))
    acquires = [item for item in diagnosis.causes[0].evidence if "Acquired lock" in item.text]
    assert len(acquires) >= 3
    for item in acquires:
        key = re.search(r"Acquired lock (\S+)", item.text).group(1)
        assert key not in released, key


def test_pool_exhaustion_is_its_symptom(diagnosis: prodrescue.Diagnosis) -> None:
    top = diagnosis.causes[0]
    pool = next(cause for cause in diagnosis.causes if cause.category == "connection-pool-exhaustion")
    assert pool.explained_by == top.id
    assert pool.id in top.symptoms
    assert pool.rank > top.rank


def test_replication_lag_is_not_the_cause(diagnosis: prodrescue.Diagnosis) -> None:
    lag = next(cause for cause in diagnosis.causes if cause.category == "replication-lag")
    assert lag.rank > 1
    assert lag.score < diagnosis.causes[0].score


def test_actions_by_risk(diagnosis: prodrescue.Diagnosis) -> None:
    actions = diagnosis.causes[0].actions
    safe = " ".join(action.text for action in actions if action.risk is Risk.SAFE).lower()
    caution = " ".join(action.text for action in actions if action.risk is Risk.CAUTION).lower()
    avoid = " ".join(action.text for action in actions if action.risk is Risk.AVOID).lower()
    assert "roll back" in safe
    assert "prefix" in caution
    assert "restart redis" in avoid


def test_timeline_shows_deploy_before_onset(diagnosis: prodrescue.Diagnosis) -> None:
    kinds = [entry.kind for entry in diagnosis.timeline]
    assert prodrescue.TimelineKind.CHANGE in kinds
    change_at = kinds.index(prodrescue.TimelineKind.CHANGE)
    onset_at = next(index for index, entry in enumerate(diagnosis.timeline)
                    if entry.cause_id == diagnosis.causes[0].id)
    assert change_at < onset_at
