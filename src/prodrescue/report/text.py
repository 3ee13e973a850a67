"""Terminal report: the first causes in full (one by default), the other candidates in brief."""

from __future__ import annotations

__all__ = ["render_text"]

from prodrescue.model import Cause, Diagnosis, Evidence
from prodrescue.report.common import (
    baseline_headline,
    format_time,
    location,
    one_line,
    redaction_note,
    status_update,
)

_EVIDENCE_SHOWN = 6
_BASELINE_ROWS = 8
_COMMITS_SHOWN = 5
_EVIDENCE_LINES_SHOWN = 3


def render_text(diagnosis: Diagnosis, details: int = 1) -> str:
    """Render for a terminal. The first ``details`` causes get evidence, checks and actions."""
    out: list[str] = [_header(diagnosis), ""]
    if not diagnosis.causes:
        out += ["No cause found: no rule matched and no error template stood out.", ""]
    for cause in diagnosis.causes[:details]:
        out += _cause_block(diagnosis, cause, full=True)
    others = diagnosis.causes[details:]
    if others:
        out += ["Other candidates:"]
        for cause in others:
            out += _cause_block(diagnosis, cause, full=False)
        out.append("")
    if diagnosis.timeline:
        out.append("Timeline:")
        for entry in diagnosis.timeline:
            out.append(
                f"  {format_time(entry.timestamp):25} {entry.kind.value:12} "
                f"{location(entry.source, entry.line)}  {one_line(entry.text, 110)}"
            )
        out.append("")
    if diagnosis.baseline is not None:
        out.append(baseline_headline(diagnosis.baseline) + ":")
        for change in diagnosis.baseline.changes[:_BASELINE_ROWS]:
            out.append(
                f"  {change.status:6} {change.count:>7,}  {one_line(change.template, 70)}: {change.detail}"
            )
        out.append("")
    if diagnosis.suspect_commits:
        out.append("Suspect commits (before the onset, best suspect first):")
        for commit in diagnosis.suspect_commits[:_COMMITS_SHOWN]:
            out.append(
                f"  [{commit.score:.2f}] {commit.sha[:10]} {format_time(commit.time)} {commit.author}: "
                f"{one_line(commit.subject, 80)}"
            )
            out.append(f"         {'; '.join(commit.reasons)}")
        out.append("")
    if diagnosis.near_misses:
        out.append("Near misses (rules that matched in part, with what they still need):")
        for miss in diagnosis.near_misses[:5]:
            out.append(f"  {miss.rule_id} ({miss.category}): missing {'; '.join(miss.missing) or '-'}")
        out.append("")
    if diagnosis.caveats:
        out.append("Caveats:")
        out += [f"  - {caveat}" for caveat in diagnosis.caveats]
        out.append("")
    out.append(redaction_note(diagnosis))
    out.append(f"Status update: {status_update(diagnosis)}")
    return "\n".join(out) + "\n"


def _header(diagnosis: Diagnosis) -> str:
    stats = diagnosis.stats
    span = ""
    if stats.first_timestamp is not None:
        span = f", {format_time(stats.first_timestamp)} to {format_time(stats.last_timestamp)}"
    return (
        f"prodrescue: {stats.lines} lines, {stats.events} events, {stats.templates} templates, "
        f"{len(stats.sources)} source(s){span}"
    )


def _cause_block(diagnosis: Diagnosis, cause: Cause, full: bool) -> list[str]:
    role = cause.role.value
    if cause.explained_by:
        role = f"symptom of {cause.explained_by}"
    head = f"#{cause.rank} [{cause.score:.2f}] {cause.category}: {cause.title}  ({role}"
    head += f", rule {cause.rule_id})" if cause.rule_id else ")"
    lines = [head, f"    {cause.summary}"]
    if not full:
        lines.append(f"    {_first_seen(cause)}; {cause.count} events")
        return lines
    lines.append(f"    {_first_seen(cause)}; {_count(cause.count, 'event')}")
    lines.append("    Evidence:")
    for item in cause.evidence[:_EVIDENCE_SHOWN]:
        lines += _evidence_lines(item)
    hidden = len(cause.evidence) - _EVIDENCE_SHOWN
    if hidden > 0:
        lines.append(f"      ({hidden} more in --format json)")
    if cause.symptoms:
        ranked = sorted(cause.symptoms, key=lambda symptom_id: _rank_of(diagnosis, symptom_id))
        lines.append("    Explains: " + ", ".join(_symptom_label(diagnosis, s) for s in ranked))
    lines.append(
        "    Score: "
        + ", ".join(f"{factor.name} {factor.value:.2f}" for factor in cause.factors if factor.weight)
    )
    for factor in cause.factors:
        if factor.name == "dependency":
            lines.append(f"    Dependency: {factor.detail}")
    if cause.checks:
        lines.append("    Next checks:")
        lines += [f"      - {check}" for check in cause.checks]
    if cause.actions:
        lines.append("    Actions:")
        lines += [f"      {action.risk.value.upper():8} {action.text}" for action in cause.actions]
    lines.append("")
    return lines


def _evidence_lines(item: Evidence) -> list[str]:
    """Show the event's first line, then the line that matched (or the next lines)."""
    text_lines = item.text.splitlines() or [""]
    shown = [one_line(text_lines[0], 150)]
    if item.matched_line:
        shown.append("  ... " + one_line(item.matched_line, 140))
        more = len(text_lines) - 1
    else:
        shown += ["    " + one_line(line, 146) for line in text_lines[1:_EVIDENCE_LINES_SHOWN]]
        more = len(text_lines) - _EVIDENCE_LINES_SHOWN
    suffix = []
    if more > 0:
        suffix.append(f"+{more} lines")
    if item.similar:
        suffix.append(f"+{item.similar} similar")
    tag = f"  ({', '.join(suffix)})" if suffix else ""
    lines = [f"      {location(item.source, item.line)} [{item.condition}] {shown[0]}{tag}"]
    lines += [f"        {line}" for line in shown[1:]]
    return lines


def _rank_of(diagnosis: Diagnosis, cause_id: str) -> int:
    cause = diagnosis.cause(cause_id)
    return cause.rank if cause is not None else len(diagnosis.causes) + 1


def _symptom_label(diagnosis: Diagnosis, cause_id: str) -> str:
    symptom = diagnosis.cause(cause_id)
    if symptom is None:
        return f"{cause_id} (not listed)"
    return f"{symptom.category} (#{symptom.rank})"


def _first_seen(cause: Cause) -> str:
    if cause.first_seen is None:
        return f"first seen at {location(*cause.onset)} (no timestamp)"
    return f"first seen {format_time(cause.first_seen)} at {location(*cause.onset)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
