"""Report text made safe to share: secrets redacted, colour codes removed, causes unchanged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import prodrescue
from prodrescue.cli.main import main
from prodrescue.report import render_markdown, render_text, to_json

# A connection-pool incident whose lines carry a DSN password and a bearer token.
SECRET_LINES = [
    "2024-03-13T03:46:58Z INFO connecting to postgres://orders:Winter2024!@db-1:5432/orders",
    "2024-03-13T03:47:01Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms"
    " (total=10, active=10, idle=0, waiting=4) url=postgres://orders:Winter2024!@db-1:5432/orders",
    "2024-03-13T03:47:02Z ERROR HikariPool-1 - Connection is not available, request timed out after 5000ms"
    " (total=10, active=10, idle=0, waiting=6) Authorization: Bearer mF3kT9qZ2xV7nR4pL8wB1cH6",
]
COLOURED_LINES = [
    "2024-03-13T03:47:01Z \x1b[31mERROR\x1b[0m HikariPool-1 - Connection is not available,"
    " request timed out after 5000ms (total=10, active=10, idle=0, waiting=4)",
    "2024-03-13T03:47:02Z \x1b[31mERROR\x1b[0m HikariPool-1 - Connection is not available,"
    " request timed out after 5000ms (total=10, active=10, idle=0, waiting=6)",
]


def quoted_text(diagnosis: prodrescue.Diagnosis) -> str:
    """All the log text that a diagnosis quotes, as one string."""
    parts = [entry.text for entry in diagnosis.timeline]
    for cause in diagnosis.causes:
        parts += [cause.title, cause.summary, *cause.checks, *(action.text for action in cause.actions)]
        parts += [item.text for item in cause.evidence] + [item.matched_line for item in cause.evidence]
    return "\n".join(parts)


def without_quotes(diagnosis: prodrescue.Diagnosis) -> list[tuple[str, float, int, tuple[str, ...]]]:
    """What was found, without the text that redaction changes."""
    return [(cause.id, cause.score, cause.count, cause.symptoms) for cause in diagnosis.causes]


def test_secrets_redacted_by_default() -> None:
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    assert "Winter2024!" not in quoted_text(diagnosis)
    assert "mF3kT9qZ2xV7nR4pL8wB1cH6" not in quoted_text(diagnosis)


def test_redaction_keeps_the_structure() -> None:
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    assert "postgres://orders:[REDACTED]@db-1:5432/orders" in quoted_text(diagnosis)


def test_redaction_counted() -> None:
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    assert diagnosis.redaction.enabled
    assert diagnosis.redaction.replaced >= 2


def test_redaction_off_keeps_secrets() -> None:
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024, redact=False)
    assert "Winter2024!" in quoted_text(diagnosis)
    assert diagnosis.redaction == prodrescue.Redaction(enabled=False, replaced=0)


def test_redaction_does_not_change_causes() -> None:
    redacted = prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    original = prodrescue.diagnose(SECRET_LINES, reference_year=2024, redact=False)
    assert without_quotes(redacted) == without_quotes(original)


def test_clean_input_counts_nothing() -> None:
    diagnosis = prodrescue.diagnose(COLOURED_LINES, reference_year=2024)
    assert diagnosis.redaction.replaced == 0


def test_colour_codes_removed_from_evidence() -> None:
    diagnosis = prodrescue.diagnose(COLOURED_LINES, reference_year=2024)
    assert "\x1b[" not in quoted_text(diagnosis)


def test_colour_codes_kept_when_asked() -> None:
    diagnosis = prodrescue.diagnose(COLOURED_LINES, reference_year=2024, keep_ansi=True)
    assert "\x1b[31mERROR\x1b[0m" in diagnosis.causes[0].evidence[0].text


def test_colour_codes_do_not_change_causes() -> None:
    coloured = prodrescue.diagnose(COLOURED_LINES, reference_year=2024)
    plain = prodrescue.diagnose(
        [line.replace("\x1b[31m", "").replace("\x1b[0m", "") for line in COLOURED_LINES], reference_year=2024
    )
    assert without_quotes(coloured) == without_quotes(plain)


def test_json_reports_redaction() -> None:
    data = json.loads(to_json(prodrescue.diagnose(SECRET_LINES, reference_year=2024)))
    assert data["redaction"]["enabled"] is True
    assert data["redaction"]["replaced"] >= 2


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_report_states_redaction(render) -> None:  # type: ignore[no-untyped-def]
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    assert f"Secrets: {diagnosis.redaction.replaced} values redacted" in render(diagnosis)


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_report_warns_when_redaction_off(render) -> None:  # type: ignore[no-untyped-def]
    diagnosis = prodrescue.diagnose(SECRET_LINES, reference_year=2024, redact=False)
    assert "Redaction was off" in render(diagnosis)


def test_preceding_change_counted_once() -> None:
    # The deploy line is both the cause's preceding change and one of its
    # evidence lines: its one secret counts once.
    deploy = (
        "2024-03-13T03:40:00Z INFO [token=mF3kT9qZ2xV7nR4pL8wB1cH6] deployment.apps/orders-api image updated"
    )
    pool = SECRET_LINES[1].replace(" url=postgres://orders:Winter2024!@db-1:5432/orders", "")
    diagnosis = prodrescue.diagnose([deploy, pool, pool], reference_year=2024)
    cause = diagnosis.causes[0]
    assert cause.preceding_change is not None
    assert cause.preceding_change in cause.evidence
    assert diagnosis.redaction.replaced == 1


def test_cli_redacts_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "api.log"
    log.write_text("\n".join(SECRET_LINES) + "\n")
    assert main(["diagnose", str(log), "--format", "json"]) == 0
    assert "Winter2024!" not in capsys.readouterr().out


def test_cli_no_redact_shows_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "api.log"
    log.write_text("\n".join(SECRET_LINES) + "\n")
    assert main(["diagnose", str(log), "--format", "json", "--no-redact"]) == 0
    assert "Winter2024!" in capsys.readouterr().out


def test_cli_keep_ansi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "api.log"
    log.write_text("\n".join(COLOURED_LINES) + "\n")
    assert main(["diagnose", str(log), "--format", "json", "--keep-ansi"]) == 0
    evidence = json.loads(capsys.readouterr().out)["causes"][0]["evidence"][0]["text"]
    assert "\x1b[31m" in evidence


def test_sanitize_leaves_input_diagnosis_alone() -> None:
    original = prodrescue.diagnose(SECRET_LINES, reference_year=2024, redact=False)
    copy = replace(original)
    prodrescue.diagnose(SECRET_LINES, reference_year=2024)
    assert original == copy
