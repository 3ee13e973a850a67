"""Condition kinds of rule files, by the YAML key that selects them.

To add a kind, write a :class:`Condition` subclass with a state object that
follows :class:`ConditionState`, add its keys and the code that builds it to
:mod:`prodrescue.rules.condition_builder`, and register it here.
"""

from prodrescue.rules.conditions.base import (
    Condition,
    ConditionOptions,
    ConditionState,
    Observed,
    Outcome,
    format_seconds,
)
from prodrescue.rules.conditions.match import MatchCondition
from prodrescue.rules.conditions.pairing import PairingCondition

CONDITION_KINDS: dict[str, type[Condition]] = {
    MatchCondition.kind: MatchCondition,
    PairingCondition.kind: PairingCondition,
}

__all__ = [
    "CONDITION_KINDS",
    "Condition",
    "ConditionOptions",
    "ConditionState",
    "MatchCondition",
    "Observed",
    "Outcome",
    "PairingCondition",
    "format_seconds",
]
