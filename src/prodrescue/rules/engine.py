"""Evaluate a rule set over a stream of events.

The engine keeps one state per condition and nothing else, so its memory does
not grow with the input. A pattern that exceeds its time limit is disabled
for the rest of the run and reported as a fault of its rule.
"""

from __future__ import annotations

__all__ = ["RuleEngine", "RuleFault", "RuleResult", "digit_blind"]

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.records import Event
from prodrescue.rules.conditions import Condition, ConditionState, Observed, Outcome
from prodrescue.rules.model import Rule
from prodrescue.rules.patterns import Pattern
from prodrescue.rules.prefilter import LiteralIndex

logger = logging.getLogger(__name__)

_ZERO_DIGITS = str.maketrans("123456789", "000000000")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")
# Text shapes whose unmatched conditions are kept. When the table fills, it
# starts again empty, so memory stays bounded when nearly every text is new.
_MAX_SHAPES = 50_000


@dataclass(frozen=True, slots=True)
class RuleFault:
    """A condition disabled during the run, with the reason."""

    rule_id: str
    condition: str
    message: str


@dataclass(slots=True)
class RuleResult:
    """Result of one rule: its condition outcomes and whether it fired."""

    rule: Rule
    fired: bool
    outcomes: dict[str, Outcome]

    @property
    def onset(self) -> Event | None:
        """Earliest first event of the trigger conditions that held.

        When no trigger condition held, the trigger conditions that matched are used.
        """
        names = [name for name in self.rule.trigger_names if self.outcomes[name].held] or [
            name for name in self.rule.trigger_names if self.outcomes[name].matched
        ]
        firsts = [self.outcomes[name].first for name in names if self.outcomes[name].first is not None]
        return min(firsts, key=lambda event: event.ordinal) if firsts else None  # type: ignore[union-attr]

    @property
    def partial(self) -> bool:
        """Whether the rule did not fire although one of its trigger conditions matched an event."""
        return not self.fired and any(self.outcomes[name].matched for name in self.rule.trigger_names)


class RuleEngine:
    """Evaluator of a rule set. Call :meth:`observe` per event and :meth:`finish` for the results.

    Conditions are visited only when the event contains one of their prefilter
    strings (or when they have a pattern without any). So the regex searches
    per event follow the number of rules that could match, not the size of the
    pack. The prefilter itself still checks every gate string of the pack.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = list(rules)
        self._slots: list[tuple[Rule, Condition, ConditionState]] = []
        self._always: list[int] = []
        by_literal: dict[str, list[int]] = {}
        for rule in self._rules:
            types = rule.capture_types
            for condition in rule.conditions:
                slot = len(self._slots)
                self._slots.append((rule, condition, condition.new_state(types)))
                gates = [pattern.gate for pattern in condition.patterns()]
                if any(gate is None for gate in gates):
                    self._always.append(slot)
                    continue
                for gate in gates:
                    for literal in gate or ():
                        by_literal.setdefault(literal, []).append(slot)
        self._by_literal = {literal: tuple(dict.fromkeys(slots)) for literal, slots in by_literal.items()}
        self._index = LiteralIndex(
            pattern.gate
            for rule in self._rules
            for condition in rule.conditions
            for pattern in condition.patterns()
        )
        self.faults: list[RuleFault] = []
        # Conditions whose patterns and prefilter strings name no digit, and for each
        # text shape (the text with its digits zeroed), those of them that found no match.
        self._digit_blind = frozenset(
            slot
            for slot, (_, condition, _) in enumerate(self._slots)
            if all(digit_blind(pattern) for pattern in condition.patterns())
        )
        self._no_match: dict[str, frozenset[int]] = {}

    def observe(self, event: Event) -> None:
        """Evaluate every condition that could match one event. This runs once per event.

        Most events repeat an earlier event's text up to its digits. For such
        a text, the conditions whose patterns found no match the first time
        are skipped: none of their patterns depends on which digits a text
        holds, so they cannot match now either (see :func:`digit_blind`).
        """
        text = event.text
        present = self._index.present(text.lower())
        chosen: Iterable[int] = self._always
        if present:
            selected = set(self._always)
            for literal in present:
                selected.update(self._by_literal.get(literal, ()))
            chosen = selected

        shape = text.translate(_ZERO_DIGITS)
        skipped = self._no_match.get(shape)
        if skipped is not None:
            for slot in chosen:
                if slot not in skipped:
                    self._observe_slot(slot, event, text, present)
            return

        unmatched = []
        for slot in chosen:
            seen = self._observe_slot(slot, event, text, present)
            if seen is Observed.NO_MATCH and slot in self._digit_blind:
                unmatched.append(slot)
        if len(self._no_match) >= _MAX_SHAPES:
            self._no_match.clear()
        self._no_match[shape] = frozenset(unmatched)

    def _observe_slot(self, slot: int, event: Event, text: str, present: frozenset[str] | None) -> Observed:
        state = self._slots[slot][2]
        try:
            return state.observe(event, text, present)
        except TimeoutError:
            self._disable(slot, event)
            return Observed.NOT_COUNTED

    def _disable(self, slot: int, event: Event) -> None:
        """Stop evaluating a condition whose pattern timed out, keep its result so far and record a fault."""
        rule, condition, state = self._slots[slot]
        self._slots[slot] = (rule, condition, _DisabledState(state))
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
        """Return the result of every rule. ``end`` is the last timestamp of the input."""
        outcomes_by_rule: dict[int, dict[str, Outcome]] = {}
        for rule, condition, state in self._slots:
            outcomes_by_rule.setdefault(id(rule), {})[condition.name] = state.outcome(end)
        results = []
        for rule in self._rules:
            outcomes = outcomes_by_rule.get(id(rule), {})
            held = {name: outcome.held for name, outcome in outcomes.items()}
            results.append(RuleResult(rule, rule.when.evaluate(held), outcomes))
        return results


def digit_blind(pattern: Pattern) -> bool:
    """Return whether ``pattern`` matches a text exactly where it matches the text with other digits.

    That holds when neither the pattern nor its prefilter gate names a
    digit: ``\\d`` and counts such as ``{3}`` treat every digit alike. A
    back-reference (``\\1``) is counted as naming one, to be safe.
    """
    source = _QUANTIFIER.sub("", pattern.source).replace("\\d", "").replace("\\D", "")
    if _names_digit(source):
        return False
    return not any(_names_digit(literal) for literal in pattern.gate or ())


def _names_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)


class _DisabledState:
    """Wrapper of a disabled condition's state that ignores further events and keeps its result."""

    def __init__(self, inner: ConditionState) -> None:
        self._inner = inner

    def observe(self, event: Event, text: str, present: frozenset[str] | None = None) -> Observed:
        return Observed.NOT_COUNTED

    def outcome(self, end: datetime | None) -> Outcome:
        outcome = self._inner.outcome(end)
        outcome.detail += " (disabled after a pattern timeout)"
        return outcome
