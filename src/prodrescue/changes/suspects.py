"""Rank the commits before an incident by how likely they caused it.

A commit is a suspect when it was committed in the window before the
incident's onset. Its score, from 0 to 1, is a weighted sum:

* 0.4 for recency: 1 at the onset, 0.5 six hours before it, falling after that;
* 0.4 when a file it changes is named in the evidence (its name without the
  extension, such as ``RetryLock`` of ``RetryLock.java`` in a logger name or
  a stack frame);
* 0.2 when a function it changes (from git's hunk headers) is named in the evidence.

Each suspect carries the reasons behind its score.
"""

from __future__ import annotations

__all__ = ["DEFAULT_WINDOW_SECONDS", "attach_suspects", "rank_suspects"]

import os
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from prodrescue.changes.git import Commit, read_commits
from prodrescue.model import Diagnosis, SuspectCommit, TimelineKind
from prodrescue.rules.conditions import format_seconds

# Commits up to this long before the onset are read.
DEFAULT_WINDOW_SECONDS = 72 * 3600.0
_HALF_SCORE_HOURS = 6.0
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MIN_NAME = 4
# Names too common to point at one file, such as "main" in a stack frame.
_COMMON_NAMES = frozenset(
    {
        "main",
        "index",
        "init",
        "__init__",
        "utils",
        "util",
        "common",
        "test",
        "tests",
        "config",
        "setup",
        "readme",
    }
)
_MAX_SUSPECTS = 10


def attach_suspects(
    diagnosis: Diagnosis, repository: str | os.PathLike[str], window: float = DEFAULT_WINDOW_SECONDS
) -> Diagnosis:
    """Return the diagnosis with the suspect commits of ``repository`` before its onset.

    The onset is the first seen time of the top cause, or else the first
    timeline entry with a time. Without any timestamp, no commit can be
    placed, and a caveat explains why. Raises :class:`prodrescue.InputError` when
    the repository cannot be read.
    """
    onset = _onset(diagnosis)
    if onset is None:
        caveat = (
            f"no timestamps in the input, so the commits of {repository} could not be placed before the onset"
        )
        return replace(diagnosis, caveats=(*diagnosis.caveats, caveat))
    commits = read_commits(Path(repository), onset - timedelta(seconds=window), onset)
    texts = [item.text for cause in diagnosis.causes for item in cause.evidence]
    texts += [cause.title for cause in diagnosis.causes]
    return replace(diagnosis, suspect_commits=rank_suspects(commits, onset, texts))


def _onset(diagnosis: Diagnosis) -> datetime | None:
    top = diagnosis.top
    if top is not None and top.first_seen is not None:
        return top.first_seen
    for entry in diagnosis.timeline:
        if entry.timestamp is not None and entry.kind is not TimelineKind.CHANGE:
            return entry.timestamp
    return None


def rank_suspects(
    commits: Iterable[Commit], onset: datetime, evidence: Iterable[str]
) -> tuple[SuspectCommit, ...]:
    """Return the commits committed before ``onset``, best suspect first, with their reasons."""
    words = {word.lower() for text in evidence for word in _WORD.findall(text)}
    suspects = []
    for commit in commits:
        gap = (onset - commit.time).total_seconds()
        if gap < 0:
            continue
        recency = 1.0 / (1.0 + gap / 3600.0 / _HALF_SCORE_HOURS)
        files = [path for path in commit.files if _named(PurePosixPath(path).stem, words)]
        functions = [name for name in commit.functions if _named(name, words)]
        score = 0.4 * recency
        if files:
            score += 0.4
        if functions:
            score += 0.2
        reasons = [f"committed {format_seconds(gap)} before the onset"]
        if files:
            reasons.append(f"changes {', '.join(files[:3])}, named in the evidence")
        if functions:
            reasons.append(
                f"changes {', '.join(name + '()' for name in functions[:3])}, named in the evidence"
            )
        suspects.append(
            SuspectCommit(
                sha=commit.sha,
                author=commit.author,
                time=commit.time,
                subject=commit.subject,
                score=round(score, 3),
                reasons=tuple(reasons),
                files=commit.files[:20],
            )
        )
    suspects.sort(key=lambda suspect: (-suspect.score, -suspect.time.timestamp()))
    return tuple(suspects[:_MAX_SUSPECTS])


def _named(name: str, words: set[str]) -> bool:
    lowered = name.lower()
    return len(lowered) >= _MIN_NAME and lowered not in _COMMON_NAMES and lowered in words
