"""Wording shared by the text and Markdown renderers."""

from __future__ import annotations

__all__ = ["baseline_headline", "format_time", "location", "one_line", "redaction_note", "status_update"]

from datetime import datetime

from prodrescue.model import BaselineReport, Cause, Diagnosis

_STATUS_WORDS = {
    "new": "new",
    "more": "more frequent",
    "fewer": "less frequent",
    "values": "with unusual values",
    "gone": "gone",
}


def format_time(value: datetime | None) -> str:
    """Format a time as ``2024-03-12 03:47:01 UTC`` (or with its ``+hhmm`` offset), or ``-`` when unknown."""
    if value is None:
        return "-"
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() == 0:
        return text + " UTC"
    return text + value.strftime(" %z")


def location(source: str, line: int) -> str:
    """Return ``source:line``."""
    return f"{source}:{line}"


def one_line(text: str, limit: int = 160) -> str:
    """Collapse whitespace and cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redaction_note(diagnosis: Diagnosis) -> str:
    """Say whether the quoted log lines were redacted, so a reader knows before pasting the report."""
    redaction = diagnosis.redaction
    if not redaction.enabled:
        return "Redaction was off: the quoted log lines may contain secrets."
    if redaction.replaced == 0:
        return "Secrets: none found in the quoted log lines."
    noun = "value" if redaction.replaced == 1 else "values"
    return f"Secrets: {redaction.replaced} {noun} redacted from the quoted log lines."


# Below this score, an unrecognized error is not called the likely root cause.
_LIKELY_SCORE = 0.5


def status_update(diagnosis: Diagnosis) -> str:
    """Build a one-line status for stakeholders from the top cause."""
    top = diagnosis.top
    if top is None:
        return "Investigating: no known failure pattern or unusual error was found in the logs provided."
    since = f" (since {format_time(top.first_seen)})" if top.first_seen else ""
    if top.rule_id is None and top.score < _LIKELY_SCORE:
        # An unusual error that matches no rule and scores low is a lead, not a cause.
        return (
            "Investigating: no known failure pattern was found; the most unusual error is "
            f"{top.title}{since}."
        )
    parts = [f"Investigating. Likely root cause: {top.title}{since}."]
    symptoms = _symptom_titles(diagnosis, top)
    if symptoms:
        parts.append(f"Effects: {'; '.join(symptoms)}.")
    if top.preceding_change is not None:
        parts.append("It began shortly after a deploy or config change.")
    first_safe = next((action.text for action in top.actions if action.risk.value == "safe"), None)
    if first_safe:
        parts.append(f"Next: {first_safe}")
    return " ".join(parts)


def _symptom_titles(diagnosis: Diagnosis, cause: Cause) -> list[str]:
    titles = []
    for symptom_id in cause.symptoms[:3]:
        symptom = diagnosis.cause(symptom_id)
        if symptom is not None:
            titles.append(symptom.title)
    return titles


def baseline_headline(report: BaselineReport) -> str:
    """Return one sentence that counts the templates of each kind of change against the baseline."""
    counts = {status: 0 for status in _STATUS_WORDS}
    for change in report.changes:
        counts[change.status] = counts.get(change.status, 0) + 1
    parts = ", ".join(f"{count} {_STATUS_WORDS[status]}" for status, count in counts.items())
    events = f"{report.events:,} event" + ("" if report.events == 1 else "s")
    templates = f"{report.templates:,} template" + ("" if report.templates == 1 else "s")
    return f"Compared with {report.name} ({events}, {templates}): {parts} (templates)"
