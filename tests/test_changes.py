"""Suspect commits: reading a git repository's commits before the onset and ranking them."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import prodrescue
from prodrescue.changes import read_commits
from prodrescue.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "payment-incident"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def commit(repository: Path, path: str, text: str, when: str, subject: str) -> None:
    target = repository / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    environment = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repository), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repository), "commit", "-qm", subject], check=True, env=environment)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository with commits before, around and after the example incident (onset 23:45 on 12 March 2024)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.email", "dev@example.com"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.name", "Dev One"], check=True)
    lock = "src/main/java/com/example/payments/retry/RetryLock.java"
    before = "class RetryLock {\n  void take() {\n    lock();\n    work();\n    unlock();\n  }\n}\n"
    commit(tmp_path, lock, before, "2024-03-10T10:00:00Z", "Add the retry lock")
    after = before.replace("work();", "if (timedOut) return;")
    commit(tmp_path, lock, after, "2024-03-12T22:00:00+01:00", "Return early when the retry times out")
    commit(tmp_path, "docs/README.md", "notes\n", "2024-03-12T23:30:00Z", "Update the notes")
    commit(tmp_path, "docs/README.md", "more notes\n", "2024-03-13T05:00:00Z", "Commit after the incident")
    return tmp_path


def test_commits_read_with_files_and_functions(repository: Path) -> None:
    since = datetime(2024, 3, 12, tzinfo=timezone.utc)
    until = datetime(2024, 3, 13, tzinfo=timezone.utc)
    commits = read_commits(repository, since, until)
    assert [item.subject for item in commits] == ["Update the notes", "Return early when the retry times out"]
    assert commits[1].files == ("src/main/java/com/example/payments/retry/RetryLock.java",)
    assert "take" in commits[1].functions
    assert commits[1].author == "Dev One"


def test_commit_touching_evidence_ranks_first(repository: Path) -> None:
    diagnosis = prodrescue.diagnose(paths=[EXAMPLE], changes=repository)
    subjects = [item.subject for item in diagnosis.suspect_commits]
    assert subjects[0] == "Return early when the retry times out"
    assert "Commit after the incident" not in subjects
    top = diagnosis.suspect_commits[0]
    assert any("RetryLock.java, named in the evidence" in reason for reason in top.reasons)
    # The README change is more recent, but names nothing in the evidence.
    assert subjects.index("Update the notes") > 0


def test_window_limits_commits(repository: Path) -> None:
    diagnosis = prodrescue.diagnose(paths=[EXAMPLE], changes=repository, changes_window_seconds=6 * 3600)
    assert "Add the retry lock" not in [item.subject for item in diagnosis.suspect_commits]


def test_cli_shows_suspect_commits(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(EXAMPLE), "--changes", str(repository), "-q"]) == 0
    report = capsys.readouterr().out
    assert "Suspect commits" in report
    assert "Return early when the retry times out" in report


def test_not_a_repository_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(EXAMPLE), "--changes", str(tmp_path), "-q"]) == 1
    assert "cannot read commits" in capsys.readouterr().err


def test_missing_repository_not_found(tmp_path: Path) -> None:
    with pytest.raises(prodrescue.InputError, match="not found"):
        read_commits(
            tmp_path / "missing",
            datetime(2024, 1, 1, tzinfo=timezone.utc),
            datetime(2024, 2, 1, tzinfo=timezone.utc),
        )


def test_folder_limits_commits_to_it(repository: Path) -> None:
    since = datetime(2024, 3, 1, tzinfo=timezone.utc)
    until = datetime(2024, 3, 14, tzinfo=timezone.utc)
    subjects = [item.subject for item in read_commits(repository / "docs", since, until)]
    assert subjects == ["Commit after the incident", "Update the notes"]


def test_commit_times_in_utc(repository: Path) -> None:
    since = datetime(2024, 3, 12, tzinfo=timezone.utc)
    commits = read_commits(repository, since, datetime(2024, 3, 13, tzinfo=timezone.utc))
    assert all(item.time.utcoffset() == timedelta(0) for item in commits)


def test_changes_hours_needs_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(EXAMPLE), "--changes-hours", "5", "-q"]) == 2
    assert "--changes-hours needs --changes" in capsys.readouterr().err
