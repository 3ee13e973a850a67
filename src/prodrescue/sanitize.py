"""Prepare a finished diagnosis for sharing: drop terminal colour codes, redact secrets.

Mining and rules work on the original text, so neither step can change which
causes are found. This runs once, on the strings of the diagnosis that quote
the log: evidence lines, the timeline, summaries, checks and actions filled
with captured values, titles of unrecognized errors and near-miss details.
"""

from __future__ import annotations

__all__ = ["sanitize_diagnosis"]

from collections.abc import Callable
from dataclasses import replace

from prodrescue.ingest.lines import strip_ansi
from prodrescue.model import Action, Cause, Diagnosis, Evidence, NearMiss, Redaction, TimelineEntry
from prodrescue.redact import Redactor


class _Cleaner:
    """Applies the chosen steps to one string at a time; its redactor counts the secrets."""

    def __init__(self, *, redact_secrets: bool, keep_ansi: bool) -> None:
        self.redactor = Redactor() if redact_secrets else None
        self.keep_ansi = keep_ansi

    def __call__(self, text: str) -> str:
        if not self.keep_ansi:
            text = strip_ansi(text)
        if self.redactor is not None:
            text = self.redactor.text(text)
        return text

    def all(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self(text) for text in texts)


def sanitize_diagnosis(diagnosis: Diagnosis, *, redact_secrets: bool, keep_ansi: bool) -> Diagnosis:
    """Return the diagnosis with colour codes removed (unless kept) and secrets redacted (if asked)."""
    clean = _Cleaner(redact_secrets=redact_secrets, keep_ansi=keep_ansi)
    causes = tuple(_cause(cause, clean) for cause in diagnosis.causes)
    timeline = tuple(_timeline_entry(entry, clean) for entry in diagnosis.timeline)
    near_misses = tuple(_near_miss(miss, clean) for miss in diagnosis.near_misses)
    return replace(
        diagnosis,
        causes=causes,
        timeline=timeline,
        near_misses=near_misses,
        redaction=Redaction(
            enabled=redact_secrets, replaced=clean.redactor.replaced if clean.redactor else 0
        ),
    )


def _cause(cause: Cause, clean: _Cleaner) -> Cause:
    evidence = tuple(_evidence(item, clean) for item in cause.evidence)
    change = None
    if cause.preceding_change is not None:
        # The change is also listed in the evidence: keep the two equal.
        position = next((i for i, item in enumerate(cause.evidence) if item is cause.preceding_change), None)
        change = evidence[position] if position is not None else _evidence(cause.preceding_change, clean)
    return replace(
        cause,
        title=clean(cause.title),
        summary=clean(cause.summary),
        checks=clean.all(cause.checks),
        actions=tuple(Action(action.risk, clean(action.text)) for action in cause.actions),
        evidence=evidence,
        preceding_change=change,
    )


def _evidence(item: Evidence, clean: Callable[[str], str]) -> Evidence:
    return replace(item, text=clean(item.text), matched_line=clean(item.matched_line))


def _timeline_entry(entry: TimelineEntry, clean: Callable[[str], str]) -> TimelineEntry:
    return replace(entry, text=clean(entry.text))


def _near_miss(miss: NearMiss, clean: _Cleaner) -> NearMiss:
    return replace(miss, matched=clean.all(miss.matched), missing=clean.all(miss.missing))
