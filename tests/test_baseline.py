"""Baselines: learning a profile of healthy logs and diagnosing an incident against it."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

import prodrescue
from prodrescue.baseline import ProfileError, load_profile, profile_from_json
from prodrescue.cli.main import main

# A service's routine lines. The billing export fails routinely: an error-level
# template that is frequent on a good day too.
ROUTINE = (
    (0.50, "INFO [api] GET /orders/{id} completed in {small} ms"),
    (0.30, "INFO [worker] job {id} done after {digit} retries"),
    (0.15, "ERROR [billing] invoice export to ftp failed, will retry in {small} s"),
    (0.05, "WARNING [cache] slow lookup of key user:{id} took {slow} ms"),
)
MISMATCH = "ERROR [ledger] balance mismatch for account {id}: expected {small} got {slow}"


def routine_template(pick: float) -> str:
    """Return the routine template that a uniform draw ``pick`` in [0, 1) selects."""
    total = 0.0
    for share, template in ROUTINE:
        total += share
        if pick < total:
            return template
    return ROUTINE[-1][1]


def service_log(lines: int, start: int, seed: int, extra: dict[int, str] | None = None) -> list[str]:
    """Return routine lines one second apart from ``start`` seconds after 10:00, with ``extra`` lines inserted."""
    chooser = random.Random(seed)
    out = []
    for offset in range(lines):
        second = start + offset
        stamp = f"2024-05-01 {10 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d},000"
        template = (extra or {}).get(offset, routine_template(chooser.random()))
        values = {
            "id": chooser.randrange(10_000, 99_999),
            "small": chooser.randrange(5, 60),
            "digit": chooser.randrange(1, 9),
            "slow": chooser.randrange(100, 300),
        }
        out.append(f"{stamp} {template.format(**values)}")
    return out


@pytest.fixture(scope="module")
def profile() -> prodrescue.Profile:
    return prodrescue.learn(service_log(3000, 0, seed=1), source="healthy.log")


def test_learn_lists_templates_with_levels(profile: prodrescue.Profile) -> None:
    texts = {template.text: template for template in profile.templates}
    export = texts["invoice export to ftp failed, will retry in <NUM> s"]
    assert profile.events == 3000
    assert len(texts) == 4
    assert export.levels == {"error": export.count}
    assert export.error_count > 300
    assert profile.seconds == pytest.approx(2999.0)


def test_learn_records_numeric_spread(profile: prodrescue.Profile) -> None:
    texts = {template.text: template for template in profile.templates}
    (latency,) = texts["GET <PATH> completed in <NUM> ms"].parameters
    assert latency.kind == "NUM"
    assert latency.minimum >= 5
    assert latency.maximum <= 59
    assert latency.minimum <= latency.p50 <= latency.p95 <= latency.p99 <= latency.maximum


def test_new_uncovered_error_is_top_cause(profile: prodrescue.Profile) -> None:
    incident = service_log(400, 4000, seed=2, extra={offset: MISMATCH for offset in range(200, 350, 5)})
    diagnosis = prodrescue.diagnose(incident, baseline=profile)
    top = diagnosis.top
    assert top is not None
    assert top.category == "unrecognized"
    assert "balance mismatch" in top.title
    assert "not in the baseline" in top.summary
    assert all("balance mismatch for account" in item.text for item in top.evidence)
    assert diagnosis.baseline is not None
    assert [change.status for change in diagnosis.baseline.changes] == ["new"]


def test_usual_error_template_not_raised(profile: prodrescue.Profile) -> None:
    # The paste starts in a quiet stretch and the routine export failures come
    # later, so within the paste alone they look new and bursting.
    quiet = [line for line in service_log(260, 4000, seed=3) if "[billing]" not in line][:200]
    export = "ERROR [billing] invoice export to ftp failed, will retry in {small} s"
    busy = service_log(200, 4200, seed=4, extra={offset: export for offset in range(0, 200, 3)})
    incident = quiet + busy
    without = prodrescue.diagnose(incident)
    with_baseline = prodrescue.diagnose(incident, baseline=profile)
    assert any("invoice export" in cause.title for cause in without.causes)
    assert not any("invoice export" in cause.title for cause in with_baseline.causes)


def test_more_frequent_template_scored_up(profile: prodrescue.Profile) -> None:
    export = "ERROR [billing] invoice export to ftp failed, will retry in {small} s"
    incident = service_log(400, 4000, seed=4, extra={offset: export for offset in range(100, 400, 2)})
    diagnosis = prodrescue.diagnose(incident, baseline=profile)
    assert diagnosis.baseline is not None
    changes = {change.template: change for change in diagnosis.baseline.changes}
    export_change = changes["invoice export to ftp failed, will retry in <NUM> s"]
    assert export_change.status == "more"
    assert "x its baseline rate" in export_change.detail
    assert 0.0 < export_change.score <= 1.0
    assert any("invoice export" in cause.title for cause in diagnosis.causes)


def test_unusual_values_reported(profile: prodrescue.Profile) -> None:
    slow = "INFO [api] GET /orders/{id} completed in {slow}0 ms"
    incident = service_log(400, 4000, seed=5, extra={offset: slow for offset in range(0, 400, 3)})
    diagnosis = prodrescue.diagnose(incident, baseline=profile)
    assert diagnosis.baseline is not None
    (change,) = [change for change in diagnosis.baseline.changes if change.template.startswith("GET")]
    assert change.status == "values"
    assert "above the baseline p99" in change.detail


def test_gone_template_listed(profile: prodrescue.Profile) -> None:
    incident = [line for line in service_log(600, 4000, seed=6) if "[worker]" not in line]
    diagnosis = prodrescue.diagnose(incident, baseline=profile)
    assert diagnosis.baseline is not None
    gone = [change for change in diagnosis.baseline.changes if change.status == "gone"]
    assert [change.template for change in gone] == ["job <NUM> done after <NUM> retries"]
    assert gone[0].expected > 100


def test_profile_round_trips_through_json(profile: prodrescue.Profile) -> None:
    assert profile_from_json(profile.to_json()) == profile


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("not json", "not a JSON baseline profile", id="not-json"),
        pytest.param('["a"]', "not a baseline profile", id="not-an-object"),
        pytest.param('{"format": "prodrescue-baseline", "schema_version": 99}', "version 99", id="version"),
        pytest.param(
            '{"format": "prodrescue-baseline", "schema_version": 1, "events": -1}', "'events'", id="negative"
        ),
        pytest.param(
            '{"format": "prodrescue-baseline", "schema_version": 1, "events": 1, "templates": [{"text": 5}]}',
            "templates[].text",
            id="template-text",
        ),
        pytest.param(
            '{"py/object": "os.system", "format": "prodrescue-baseline", "schema_version": 1, "events": 1,'
            ' "templates": [{"text": "a", "count": 1, "levels": {"error": "x"}}]}',
            "levels",
            id="level-count",
        ),
    ],
)
def test_invalid_profile_rejected(document: str, message: str) -> None:
    with pytest.raises(ProfileError, match=re.escape(message)):
        profile_from_json(document, "bad.json")


def test_missing_profile_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.json")


def test_cli_learn_then_diagnose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    healthy = tmp_path / "healthy.log"
    healthy.write_text("\n".join(service_log(3000, 0, seed=1)) + "\n", encoding="utf-8")
    incident = tmp_path / "incident.log"
    lines = service_log(400, 4000, seed=2, extra={offset: MISMATCH for offset in range(200, 350, 5)})
    incident.write_text("\n".join(lines) + "\n", encoding="utf-8")
    profile_path = tmp_path / "profile.json"

    assert main(["learn", str(healthy), "-o", str(profile_path), "-q"]) == 0
    assert json.loads(profile_path.read_text(encoding="utf-8"))["schema_version"] == 1
    capsys.readouterr()
    assert main(["diagnose", str(incident), "--baseline", str(profile_path), "--format", "json", "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["causes"][0]["category"] == "unrecognized"
    assert report["baseline"]["name"] == str(profile_path)
    assert report["baseline"]["changes"][0]["status"] == "new"


def test_cli_baseline_from_log_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    healthy = tmp_path / "healthy.log"
    healthy.write_text("\n".join(service_log(3000, 0, seed=1)) + "\n", encoding="utf-8")
    incident = tmp_path / "incident.log"
    incident.write_text("\n".join(service_log(400, 4000, seed=3)) + "\n", encoding="utf-8")
    assert main(["diagnose", str(incident), "--baseline", str(healthy), "-q"]) == 0
    report = capsys.readouterr().out
    assert "Compared with" in report
    assert "invoice export" not in report.split("Timeline:")[0]


def test_cli_invalid_profile_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = tmp_path / "incident.log"
    incident.write_text("2024-05-01 10:00:00,000 ERROR [x] failed\n", encoding="utf-8")
    bad = tmp_path / "profile.json"
    bad.write_text('{"format": "prodrescue-baseline", "schema_version": 7}', encoding="utf-8")
    assert main(["diagnose", str(incident), "--baseline", str(bad), "-q"]) == 1
    assert "schema version 7" in capsys.readouterr().err


def test_template_generalised_differently_still_matches() -> None:
    # On the good day one host replied. In the incident several hosts reply, and the
    # host number is masked either way, so both days give the same template.
    healthy = [
        f"2024-05-01 10:00:{second % 60:02d},000 INFO [db] connected to db-1 in {second} ms"
        for second in range(300)
    ]
    hosts = ("db-1", "db-2", "db-3", "db-4", "db-5", "db-6")
    incident = [
        f"2024-05-01 11:00:{second % 60:02d},000 INFO [db] connected to {hosts[second % 6]} in {second} ms"
        for second in range(60)
    ]
    diagnosis = prodrescue.diagnose(incident, baseline=prodrescue.learn(healthy))
    assert diagnosis.baseline is not None
    assert [change.status for change in diagnosis.baseline.changes] == []


def test_growing_ids_not_unusual_values(profile: prodrescue.Profile) -> None:
    # Job ids keep growing: the incident's are all above the baseline's, but they are ids.
    later_jobs = "INFO [worker] job 1{id} done after {digit} retries"
    incident = service_log(400, 4000, seed=7, extra={offset: later_jobs for offset in range(0, 400, 2)})
    diagnosis = prodrescue.diagnose(incident, baseline=profile)
    assert diagnosis.baseline is not None
    assert not [change for change in diagnosis.baseline.changes if "baseline p99" in change.detail]


def test_compact_profile_recognised(profile: prodrescue.Profile, tmp_path: Path) -> None:
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(json.loads(profile.to_json()), separators=(",", ":")), encoding="utf-8")
    diagnosis = prodrescue.diagnose(service_log(100, 4000, seed=8), baseline=compact)
    assert diagnosis.baseline is not None
    assert diagnosis.baseline.events == 3000


def test_two_profiles_rejected(profile: prodrescue.Profile, tmp_path: Path) -> None:
    paths = [tmp_path / "one.json", tmp_path / "two.json"]
    for path in paths:
        path.write_text(profile.to_json(), encoding="utf-8")
    with pytest.raises(prodrescue.InputError, match="give one profile"):
        prodrescue.diagnose(["x"], baseline=paths)


def test_unreadable_healthy_log_stops_learning(tmp_path: Path) -> None:
    healthy = tmp_path / "healthy.log"
    healthy.write_text("\n".join(service_log(300, 0, seed=1)) + "\n", encoding="utf-8")
    with pytest.raises(prodrescue.InputError, match="not fully read"):
        prodrescue.learn(paths=[healthy, tmp_path / "missing.log"])


def test_empty_healthy_input_rejected() -> None:
    with pytest.raises(prodrescue.InputError, match="no log lines"):
        prodrescue.learn([])


def test_small_baseline_gets_caveat() -> None:
    small = prodrescue.learn(service_log(50, 0, seed=1))
    diagnosis = prodrescue.diagnose(service_log(100, 4000, seed=8), baseline=small)
    assert any("the baseline has only 50 events" in caveat for caveat in diagnosis.caveats)


def test_invalid_baseline_argument_type() -> None:
    with pytest.raises(TypeError, match="baseline must be"):
        prodrescue.diagnose(["x"], baseline=42)  # type: ignore[arg-type]


def test_missing_schema_version_named() -> None:
    with pytest.raises(ProfileError, match="no 'schema_version' field"):
        profile_from_json('{"format": "prodrescue-baseline"}')


def test_cli_learn_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    healthy = tmp_path / "healthy.log"
    healthy.write_text("\n".join(service_log(300, 0, seed=1)) + "\n", encoding="utf-8")
    assert main(["learn", str(healthy), "-o", "-", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == 300
