"""A Markdown incident report draft: status line, summary, timeline, cause, evidence, actions."""

from __future__ import annotations

__all__ = ["render_markdown"]

from prodrescue.model import Cause, Diagnosis, Risk
from prodrescue.report.common import (
    baseline_headline,
    format_time,
    location,
    one_line,
    redaction_note,
    status_update,
)

_BASELINE_ROWS = 12
_RISK_LABELS = {Risk.SAFE: "Safe", Risk.CAUTION: "With caution", Risk.AVOID: "Avoid"}


def render_markdown(diagnosis: Diagnosis) -> str:
    """Render the incident report draft."""
    top = diagnosis.top
    out = ["# Incident report (draft)", "", f"**Status update:** {status_update(diagnosis)}", ""]
    out += _summary(diagnosis, top)
    out += _timeline(diagnosis)
    if top is not None:
        out += _root_cause(diagnosis, top)
        out += _actions(top)
    out += _other_candidates(diagnosis, top)
    out += _baseline(diagnosis)
    out += _suspect_commits(diagnosis)
    out += _data_quality(diagnosis)
    out.append("_Drafted by prodrescue from rules and statistics; check the evidence before you act._")
    return "\n".join(out) + "\n"


def _summary(diagnosis: Diagnosis, top: Cause | None) -> list[str]:
    stats = diagnosis.stats
    lines = ["## Summary", ""]
    if top is None:
        lines.append("No known failure pattern matched and no error template stood out.")
    else:
        lines.append(
            f"- **Root cause (most likely):** {top.title} (`{top.category}`, "
            f"score {top.score:.2f}). {top.summary}"
        )
        symptoms = [diagnosis.cause(symptom) for symptom in top.symptoms]
        for symptom in symptoms:
            if symptom is not None:
                lines.append(f"- **Symptom:** {symptom.title} (`{symptom.category}`). {symptom.summary}")
    span = ""
    if stats.first_timestamp is not None:
        span = f" from {format_time(stats.first_timestamp)} to {format_time(stats.last_timestamp)}"
    lines += ["", f"Input: {stats.lines} lines in {len(stats.sources)} source(s){span}.", ""]
    return lines


def _timeline(diagnosis: Diagnosis) -> list[str]:
    if not diagnosis.timeline:
        return []
    lines = ["## Timeline", "", "| time | what | where | line |", "|---|---|---|---|"]
    for entry in diagnosis.timeline:
        lines.append(
            f"| {format_time(entry.timestamp)} | {entry.kind.value} | `{location(entry.source, entry.line)}` "
            f"| {_cell(one_line(entry.text, 140))} |"
        )
    return [*lines, ""]


def _root_cause(diagnosis: Diagnosis, cause: Cause) -> list[str]:
    lines = [f"## Root cause: {cause.title}", "", cause.summary, ""]
    if cause.description:
        lines += [cause.description, ""]
    if cause.preceding_change is not None:
        change = cause.preceding_change
        lines += [
            f"It began after this change ({location(change.source, change.line)}):",
            "",
            "```",
            change.text,
            "```",
            "",
        ]
    lines += ["### Evidence", ""]
    for item in cause.evidence:
        if item.condition == "change":
            continue
        similar = f", and {item.similar} similar events" if item.similar else ""
        lines += [
            f"`{location(item.source, item.line)}` ({item.condition}{similar}):",
            "",
            "```",
            item.text,
            "```",
            "",
        ]
    lines += ["### Why this ranking", "", "| factor | value | weight | detail |", "|---|---|---|---|"]
    for factor in cause.factors:
        lines.append(f"| {factor.name} | {factor.value:.2f} | {factor.weight:.2f} | {_cell(factor.detail)} |")
    lines.append("")
    if cause.checks:
        lines += ["### Next checks", ""] + [f"- {check}" for check in cause.checks] + [""]
    return lines


def _actions(cause: Cause) -> list[str]:
    if not cause.actions:
        return []
    lines = ["## Actions", ""]
    for risk in Risk:
        texts = [action.text for action in cause.actions if action.risk is risk]
        if texts:
            lines.append(f"**{_RISK_LABELS[risk]}:**")
            lines += [f"- {text}" for text in texts]
            lines.append("")
    return lines


def _other_candidates(diagnosis: Diagnosis, top: Cause | None) -> list[str]:
    others = [cause for cause in diagnosis.causes if cause is not top]
    if not others:
        return []
    lines = [
        "## Other candidates",
        "",
        "| rank | score | category | title | relation |",
        "|---|---|---|---|---|",
    ]
    for cause in others:
        relation = f"symptom of `{cause.explained_by}`" if cause.explained_by else cause.role.value
        lines.append(
            f"| {cause.rank} | {cause.score:.2f} | `{cause.category}` | {_cell(cause.title)} | {relation} |"
        )
    return [*lines, ""]


def _baseline(diagnosis: Diagnosis) -> list[str]:
    report = diagnosis.baseline
    if report is None:
        return []
    lines = ["## What changed compared with the baseline", "", baseline_headline(report) + ".", ""]
    if report.changes:
        lines += ["| change | events | template | detail |", "|---|---:|---|---|"]
        for change in report.changes[:_BASELINE_ROWS]:
            lines.append(
                f"| {change.status} | {change.count:,} | `{_cell(one_line(change.template, 100))}` "
                f"| {_cell(change.detail)} |"
            )
    return [*lines, ""]


def _suspect_commits(diagnosis: Diagnosis) -> list[str]:
    if not diagnosis.suspect_commits:
        return []
    lines = [
        "## Suspect commits",
        "",
        "| score | commit | time | author | subject | why |",
        "|---:|---|---|---|---|---|",
    ]
    for commit in diagnosis.suspect_commits:
        lines.append(
            f"| {commit.score:.2f} | `{commit.sha[:10]}` | {format_time(commit.time)} "
            f"| {_cell(commit.author)} | {_cell(one_line(commit.subject, 100))} "
            f"| {_cell('; '.join(commit.reasons))} |"
        )
    return [*lines, ""]


def _data_quality(diagnosis: Diagnosis) -> list[str]:
    lines = ["## Data quality", ""]
    for source in diagnosis.stats.sources:
        lines.append(
            f"- `{source.name}`: {source.lines} lines, {source.events} events, "
            f"format {source.format}, {source.timestamped_share:.0%} with a timestamp, "
            f"{source.header_share:.0%} understood"
        )
    lines += [f"- {caveat}" for caveat in diagnosis.caveats]
    lines.append(f"- {redaction_note(diagnosis)}")
    if diagnosis.near_misses:
        lines.append("- Near misses (rules that matched in part, with what they still need):")
        for miss in diagnosis.near_misses[:5]:
            lines.append(f"  - `{miss.rule_id}`: missing {_cell('; '.join(miss.missing))}")
    return [*lines, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
