"""Evaluate a rule set over a stream of events.

The engine keeps one state per condition and nothing else, so its memory does
not grow with the input. A pattern that exceeds its time limit is disabled
for the rest of the run and reported as a fault of its rule.
"""

from __future__ import annotations

__all__ = ["RuleEngine", "RuleFault", "RuleResult"]

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.records import Event
from prodrescue.rules.conditions import Condition, ConditionState, Outcome
from prodrescue.rules.model import Rule
from prodrescue.rules.prefilter import LiteralIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuleFault:
    """A condition disabled during the run, with the reason."""

    rule_id: str
    condition: str
    message: str


@dataclass(slots=True)
class RuleResult:
    """How one rule ended: its condition outcomes and whether it fired."""

    rule: Rule
    fired: bool
    outcomes: dict[str, Outcome]

    @property
    def onset(self) -> Event | None:
        """The first event of the conditions that made the rule fire (or matched, if it did not)."""
        names = [name for name in self.rule.trigger_names if self.outcomes[name].held] or [
            name for name in self.rule.trigger_names if self.outcomes[name].matched
        ]
        firsts = [self.outcomes[name].first for name in names if self.outcomes[name].first is not None]
        return min(firsts, key=lambda event: event.ordinal) if firsts else None  # type: ignore[union-attr]

    @property
    def partial(self) -> bool:
        """True when the rule did not fire but one of its trigger conditions saw something."""
        return not self.fired and any(self.outcomes[name].matched for name in self.rule.trigger_names)


class RuleEngine:
    """Feed events with :meth:`observe`; collect results with :meth:`finish`."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._entries: list[tuple[Rule, list[tuple[Condition, ConditionState]]]] = []
        for rule in rules:
            types = rule.capture_types
            states = [(condition, condition.new_state(types)) for condition in rule.conditions]
            self._entries.append((rule, states))
        self._index = LiteralIndex(
            pattern.gate
            for rule, _ in self._entries
            for condition in rule.conditions
            for pattern in condition.patterns()
        )
        self.faults: list[RuleFault] = []

    def observe(self, event: Event) -> None:
        """Evaluate every condition on one event."""
        text = event.text
        present = self._index.present(text.lower())
        for rule, states in self._entries:
            for condition, state in states:
                try:
                    state.observe(event, text, present)
                except TimeoutError:
                    self._disable(rule, states, condition, event)

    def _disable(
        self,
        rule: Rule,
        states: list[tuple[Condition, ConditionState]],
        condition: Condition,
        event: Event,
    ) -> None:
        """Stop evaluating a condition whose pattern timed out; keep what it saw so far."""
        for index, (candidate, state) in enumerate(states):
            if candidate is condition:
                states[index] = (condition, _DisabledState(state))
                break
        patterns = ", ".join(repr(pattern.source) for pattern in condition.patterns())
        timeout = next(iter(condition.patterns())).timeout
        message = (
            f"rule '{rule.id}', condition '{condition.name}': a pattern ({patterns}) took longer "
            f"than {timeout:g} s on {event.source}:{event.first_line}, so the condition was "
            f"disabled for the rest of the run; fix the rule at {rule.location}"
        )
        logger.warning("%s", message)
        self.faults.append(RuleFault(rule.id, condition.name, message))

    def finish(self, end: datetime | None) -> list[RuleResult]:
        """Return every rule's result; ``end`` is the last timestamp of the input."""
        results = []
        for rule, states in self._entries:
            outcomes = {condition.name: state.outcome(end) for condition, state in states}
            held = {name: outcome.held for name, outcome in outcomes.items()}
            results.append(RuleResult(rule, rule.when.evaluate(held), outcomes))
        return results


class _DisabledState:
    """Wraps the state of a disabled condition: sees no more events, keeps its result."""

    def __init__(self, inner: ConditionState) -> None:
        self._inner = inner

    def observe(self, event: Event, text: str, present: frozenset[str] | None = None) -> bool:
        return False

    def outcome(self, end: datetime | None) -> Outcome:
        outcome = self._inner.outcome(end)
        outcome.detail += " (disabled after a pattern timeout)"
        return outcome
