"""Renderers: JSON layout, terminal text and the Markdown incident report."""

from __future__ import annotations

import json

import prodrescue
from prodrescue.report import render_markdown, render_text, to_dict
from prodrescue.report.common import status_update

LINES = [
    "2024-03-13T03:47:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms (total=10, active=10, idle=0, waiting=4)",
    "2024-03-13T03:47:02Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms (total=10, active=10, idle=0, waiting=6)",
]


def diagnosis() -> prodrescue.Diagnosis:
    return prodrescue.diagnose(LINES, source="api.log", reference_year=2024)


def test_json_layout() -> None:
    data = json.loads(json.dumps(to_dict(diagnosis())))
    assert data["schema_version"] == prodrescue.SCHEMA_VERSION
    assert next(iter(data)) == "schema_version"
    cause = data["causes"][0]
    for key in ("category", "rule_id", "score", "evidence", "factors", "summary", "actions", "symptoms"):
        assert key in cause, key
    evidence = cause["evidence"][0]
    assert evidence["text"] == LINES[0]
    assert evidence["source"] == "api.log"
    assert evidence["line"] == 1
    assert evidence["timestamp"] == "2024-03-13T03:47:01+00:00"
    assert cause["role"] == "root-cause"
    assert data["stats"]["span_seconds"] == 1.0


def test_text_report_sections() -> None:
    text = render_text(diagnosis())
    assert "#1 [" in text
    assert "connection-pool-exhaustion" in text
    assert "api.log:1" in text
    assert "Actions:" in text
    assert "Status update:" in text


def test_markdown_report_sections() -> None:
    markdown = render_markdown(diagnosis())
    for heading in ("# Incident report (draft)", "**Status update:**", "## Summary", "## Timeline",
                    "## Root cause:", "### Evidence", "### Why this ranking", "## Actions", "## Data quality"):
        assert heading in markdown, heading


def test_reports_without_causes() -> None:
    empty = prodrescue.diagnose(["2024-03-13T03:47:01Z INFO all good"], reference_year=2024)
    assert "No cause found" in render_text(empty)
    assert "No known failure pattern matched" in render_markdown(empty)


def test_text_evidence_shows_matched_line() -> None:
    lines = [
        "2012-12-19 16:58:15,380 - FATAL [SyncThread:0] - Severe unrecoverable error, exiting",
        "java.io.IOException: No space left on device",
        "        at java.io.FileOutputStream.writeBytes(Native Method)",
        "        at java.io.FileOutputStream.write(FileOutputStream.java:297)",
    ]
    diagnosis = prodrescue.diagnose(lines, reference_year=2024)
    item = diagnosis.causes[0].evidence[0]
    assert item.matched_line == "java.io.IOException: No space left on device"
    assert "... java.io.IOException: No space left on device" in render_text(diagnosis)


def test_status_does_not_call_weak_lead_a_cause() -> None:
    lines = [f"2024-03-13T03:47:{second:02d}Z INFO request served in {second} ms" for second in range(40)]
    lines.append("2024-03-13T03:47:59Z ERROR widget frobnication stalled unexpectedly")
    diagnosis = prodrescue.diagnose(lines, reference_year=2024)
    top = diagnosis.top
    assert top is not None
    assert top.rule_id is None
    assert top.score < 0.5
    status = status_update(diagnosis)
    assert status.startswith("Investigating: no known failure pattern was found; the most unusual error is ")
    assert "Likely root cause" not in status
