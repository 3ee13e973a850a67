"""Run the examples that rules carry: ``prodrescue rules test``.

Every example is read through the same ingest as real logs (header parsing,
folding), so an example also checks that its log format is understood. A
``match`` example passes when some condition of the rule counts one of its
events, and a ``no_match`` example passes when none does. Conditions that
``when`` only negates (``a and not b``) block the rule rather than trigger
it, so they are left out. Here a pairing condition counts an event that its
acquire or release pattern matches.
``fire`` and ``no_fire`` examples run the whole rule over the excerpt.
"""

from __future__ import annotations

__all__ = ["ExampleFailure", "run_rule_examples"]

from collections.abc import Iterable
from dataclasses import dataclass

from prodrescue.ingest.records import Event
from prodrescue.ingest.stream import SourceCounter, iter_events
from prodrescue.rules.conditions import MatchCondition, Observed, PairingCondition
from prodrescue.rules.engine import RuleEngine
from prodrescue.rules.model import Rule

# Year given to example timestamps that have none. Examples should not depend
# on it, and a fixed year keeps runs reproducible.
_EXAMPLE_YEAR = 2024


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    """An example that did not behave as declared."""

    rule: Rule
    kind: str
    example: str
    message: str

    def __str__(self) -> str:
        first_line = self.example.strip().splitlines()[0] if self.example.strip() else ""
        return (
            f"{self.rule.location}: rule '{self.rule.id}', {self.kind} example {first_line!r}: {self.message}"
        )


def run_rule_examples(rules: Iterable[Rule]) -> tuple[int, list[ExampleFailure]]:
    """Check every example of every rule and return how many ran and the failures."""
    total = 0
    failures: list[ExampleFailure] = []
    for rule in rules:
        examples = rule.examples
        for kind, items in (
            ("match", examples.match),
            ("no_match", examples.no_match),
            ("fire", examples.fire),
            ("no_fire", examples.no_fire),
        ):
            for example in items:
                total += 1
                message = _check(rule, kind, example)
                if message is not None:
                    failures.append(ExampleFailure(rule, kind, example, message))
    return total, failures


def _events(example: str) -> list[Event]:
    counter = SourceCounter("<example>")
    events = list(iter_events(example.splitlines(), counter, _EXAMPLE_YEAR))
    for ordinal, event in enumerate(events):
        event.ordinal = ordinal
    return events


def _check(rule: Rule, kind: str, example: str) -> str | None:
    events = _events(example)
    if not events:
        return "the example is empty"
    if kind in ("match", "no_match"):
        matching = [name for event in events for name in _matching_conditions(rule, event)]
        if kind == "match" and not matching:
            return "no condition matched it"
        if kind == "no_match" and matching:
            return f"condition '{matching[0]}' matched it"
        return None

    engine = RuleEngine([rule])
    for event in events:
        engine.observe(event)
    end = max((event.timestamp for event in events if event.timestamp), default=None)
    result = engine.finish(end)[0]
    if kind == "fire" and not result.fired:
        details = "; ".join(f"{name}: {outcome.detail}" for name, outcome in result.outcomes.items())
        return f"the rule did not fire ({details})"
    if kind == "no_fire" and result.fired:
        return "the rule fired"
    return None


def _matching_conditions(rule: Rule, event: Event) -> list[str]:
    text = event.text
    blockers = set(rule.when.names()) - set(rule.when.positive_names())
    names = []
    for condition in rule.conditions:
        if condition.name in blockers:
            continue
        options = condition.options
        if options.min_level is not None and event.level is not None and event.level < options.min_level:
            continue
        if isinstance(condition, PairingCondition):
            if condition.acquire.search(text) or condition.release.search(text):
                names.append(condition.name)
        elif isinstance(condition, MatchCondition):
            state = condition.new_state(rule.capture_types)
            if state.observe(event, text) is Observed.COUNTED:
                names.append(condition.name)
    return names
