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
from prodrescue.rules.shapes import text_shape

logger = logging.getLogger(__name__)

_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")
# Text shapes whose unmatched conditions are kept. When the table fills, it
# starts again empty, so memory stays bounded when nearly every text is new.
_MAX_SHAPES = 50_000


@dataclass(frozen=True, slots=True)
class _ShapePlan:
    """The checks the engine runs on a text whose shape it has seen before."""

    slots: tuple[int, ...]  # the conditions to visit
    present: frozenset[str]  # the prefilter strings without digits that the shape contains
    digit_literals: tuple[str, ...]  # prefilter strings with digits that a text of the shape may contain


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
        # Conditions whose patterns and prefilter strings name no digit: a miss
        # on one text is a miss on every text of its shape.
        self._digit_blind = frozenset(
            slot
            for slot, (_, condition, _) in enumerate(self._slots)
            if all(digit_blind(pattern) for pattern in condition.patterns())
        )
        # Prefilter strings that name digits, found in a shape by their own
        # zeroed form: "status=503" may occur in a text of shape "status=000".
        self._digit_literals: dict[str, tuple[str, ...]] = {}
        for literal in self._index.literals:
            if _names_digit(literal):
                zeroed = text_shape(literal)
                self._digit_literals[zeroed] = (*self._digit_literals.get(zeroed, ()), literal)
        self._zeroed_index = LiteralIndex([frozenset(self._digit_literals)])
        # Per text shape, its plan; None for a shape seen once, which gets a plan
        # when it comes again (proving costs more than a plain check).
        self._plans: dict[str, _ShapePlan | None] = {}

    def observe(self, event: Event) -> None:
        """Evaluate every condition that could match one event. This runs once per event.

        Most events repeat an earlier event's text up to its digits. The
        second text of each shape is checked against every condition that its
        prefilter strings allow, and the conditions proven unable to match the
        shape (see :mod:`prodrescue.rules.shapes`) are left out of the plan
        that later texts of the shape follow.
        """
        text = event.text
        shape = text_shape(text)
        plan = self._plans.get(shape)
        if plan is None:
            if shape in self._plans:
                self._plans[shape] = self._plan_shape(event, text, shape)
                return
            if len(self._plans) >= _MAX_SHAPES:
                self._plans.clear()
            self._plans[shape] = None
            present = self._index.present(text.lower())
            for slot in self._chosen(present):
                self._observe_slot(slot, event, text, present)
            return
        present = plan.present
        if plan.digit_literals:
            lowered = text.lower()
            found = [literal for literal in plan.digit_literals if literal in lowered]
            if found:
                present = present.union(found)
        for slot in plan.slots:
            self._observe_slot(slot, event, text, present)

    def _chosen(self, present: Iterable[str]) -> set[int]:
        """Return the conditions that the prefilter strings in ``present`` allow."""
        chosen = set(self._always)
        for literal in present:
            chosen.update(self._by_literal.get(literal, ()))
        return chosen

    def _plan_shape(self, event: Event, text: str, shape: str) -> _ShapePlan:
        """Observe an event and return the plan for the later events of its text shape."""
        present = self._index.present(text.lower())
        digit_free = frozenset(literal for literal in present if not _names_digit(literal))
        digit_literals = tuple(
            literal
            for zeroed in self._zeroed_index.present(shape.lower())
            for literal in self._digit_literals[zeroed]
        )
        in_shape = digit_free.union(digit_literals)  # what some text of this shape may contain
        chosen = self._chosen(present)
        unmatched = set()
        for slot in sorted(chosen):
            seen = self._observe_slot(slot, event, text, present)
            if seen is Observed.NO_MATCH and self._cannot_match_shape(slot, text, in_shape):
                unmatched.add(slot)
        chosen |= self._chosen(digit_literals)
        return _ShapePlan(tuple(sorted(chosen - unmatched)), digit_free, digit_literals)

    def _cannot_match_shape(self, slot: int, text: str, in_shape: frozenset[str]) -> bool:
        """Return whether no text of the shape of ``text`` can match the condition in ``slot``.

        ``in_shape`` contains the prefilter strings that a text of the shape may contain.
        """
        if slot in self._digit_blind:
            return True
        return not any(
            (pattern.gate is None or not pattern.gate.isdisjoint(in_shape)) and pattern.may_match_shape(text)
            for pattern in self._slots[slot][1].patterns()
        )

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
