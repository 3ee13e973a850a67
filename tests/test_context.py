"""The service context file, and dependencies between services in the ranking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import prodrescue
from prodrescue.cli.main import main
from prodrescue.context import ContextError, load_context, parse_context

CONTEXT = """
services:
  checkout:
    depends_on: [orders-db]
    logs: ["checkout-*.log"]
  orders-db:
    logs: ["postgres*.log", "db"]
  mailer: {}
"""


def test_services_found_by_patterns_and_names() -> None:
    context = parse_context(CONTEXT)
    assert context.service_of("/var/log/checkout-1.log") == "checkout"
    assert context.service_of("postgresql-main.log") == "orders-db"
    assert context.service_of("compose.log", stream="db") == "orders-db"
    assert context.service_of("logs/mailer.err") == "mailer"
    assert context.service_of("other.log") is None


def test_dependency_chain_followed() -> None:
    context = parse_context(
        "services:\n  web: {depends_on: [api]}\n  api: {depends_on: [db]}\n  db: {}\n", "chain.yaml"
    )
    assert context.path("web", "db") == ["web", "api", "db"]
    assert context.path("db", "web") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("services: [a, b]", "expected a mapping 'services:'", id="not-a-mapping"),
        pytest.param("services:\n  a: {needs: [b]}\n", "unknown keys ['needs']", id="unknown-key"),
        pytest.param("services:\n  a: {depends_on: [a]}\n", "depends on itself", id="self"),
        pytest.param("services:\n  'a b': {}\n", "invalid service name", id="bad-name"),
        pytest.param("services:\n  a: {logs: 5}\n", "'logs' must be a list", id="bad-logs"),
        pytest.param("services: {a: [", "invalid YAML", id="bad-yaml"),
        pytest.param(
            "services:\n  a: !!python/object/apply:os.system ['true']\n", "invalid YAML", id="unsafe-tag"
        ),
    ],
)
def test_invalid_context_rejected(text: str, message: str) -> None:
    with pytest.raises(ContextError, match=re.escape(message)):
        parse_context(text, "context.yaml")


def test_missing_context_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(ContextError, match="cannot read"):
        load_context(tmp_path / "missing.yaml")


def write_incident(folder: Path) -> list[Path]:
    """Write a database log whose disk stalls at 10:04 and a checkout log that fails from 10:05."""
    database = [f"2024-05-01 10:0{minute}:00.000 UTC [77] LOG:  checkpoint complete" for minute in range(4)]
    database += [
        f"2024-05-01 10:04:{second:02d}.000 UTC [77] ERROR:  could not fsync file base/16384/2619: "
        "Input/output error"
        for second in range(0, 50, 10)
    ]
    checkout = [f"2024-05-01 10:0{minute}:30,000 INFO [orders] order {minute} saved" for minute in range(5)]
    checkout += [
        f"2024-05-01 10:05:{second:02d},000 ERROR [orders] order {second} not saved: commit did not complete"
        for second in range(0, 50, 5)
    ]
    paths = [folder / "postgres-main.log", folder / "checkout-1.log"]
    for path, lines in zip(paths, (database, checkout), strict=True):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def test_dependency_failure_explains_dependent_errors(tmp_path: Path) -> None:
    paths = write_incident(tmp_path)
    without = prodrescue.diagnose(paths=paths)
    with_context = prodrescue.diagnose(paths=paths, context=parse_context(CONTEXT))

    checkout_alone = next(cause for cause in without.causes if "not saved" in cause.title)
    assert checkout_alone.explained_by is None
    database = next(
        cause for cause in with_context.causes if "fsync" in cause.summary or "fsync" in cause.title
    )
    checkout = next(cause for cause in with_context.causes if "not saved" in cause.title)
    assert checkout.explained_by == database.id
    assert checkout.score < database.score
    assert with_context.top is database
    (dependency,) = [factor for factor in checkout.factors if factor.name == "dependency"]
    assert dependency.detail.startswith("checkout depends on orders-db")


def test_cli_context_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_incident(tmp_path)
    context = tmp_path / "context.yaml"
    context.write_text(CONTEXT, encoding="utf-8")
    assert main(["diagnose", *map(str, paths), "--context", str(context), "-q", "--format", "json"]) == 0
    assert '"name": "dependency"' in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("services: 3\n", encoding="utf-8")
    assert main(["diagnose", *map(str, paths), "--context", str(bad), "-q"]) == 1
    assert "expected a mapping" in capsys.readouterr().err


def test_unlisted_dependency_is_a_service() -> None:
    context = parse_context("services:\n  api:\n    depends_on: [redis]\n", "context.yaml")
    assert context.path("api", "redis") == ["api", "redis"]
    assert context.service_of("redis-server.log") == "redis"
