"""Read the commits of a git repository in a time window, with the files and functions they change."""

from __future__ import annotations

__all__ = ["Commit", "read_commits"]

import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prodrescue.errors import InputError

logger = logging.getLogger(__name__)

_RECORD = "\x1e"
_FIELD = "\x1f"
_MAX_COMMITS = 500
_TIMEOUT_SECONDS = 60
# The name before "(" in a hunk header's context: "def acquire(self):",
# "public void release(String key) {", "func (l *Lock) Acquire(ctx".
_FUNCTION = re.compile(r"([A-Za-z_][\w$]*)\s*\(")
_HUNK = re.compile(r"^@@ [^@]* @@ ?(?P<context>.*)$")
_DIFF_FILE = re.compile(r"^diff --git a/\S+ b/(?P<path>\S+)$")
# git's built-in diff drivers, which name the enclosing function in each hunk
# header. A repository's own .gitattributes still takes precedence.
_FUNCTION_DRIVERS = "".join(
    f"*.{extension} diff={driver}\n"
    for extension, driver in (
        ("java", "java"),
        ("kt", "kotlin"),
        ("py", "python"),
        ("go", "golang"),
        ("rb", "ruby"),
        ("rs", "rust"),
        ("cs", "csharp"),
        ("php", "php"),
        ("c", "cpp"),
        ("cc", "cpp"),
        ("cpp", "cpp"),
        ("h", "cpp"),
        ("hpp", "cpp"),
        ("sh", "bash"),
    )
)


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit: its id, author, commit time, subject, and the files and functions it changes."""

    sha: str
    author: str
    time: datetime
    subject: str
    files: tuple[str, ...]
    functions: tuple[str, ...]


def read_commits(repository: str | Path, since: datetime, until: datetime) -> list[Commit]:
    """Return the commits (no merges) committed between ``since`` and ``until``, newest first.

    Only commits that change files under ``repository`` count, so a service's
    folder in a larger repository limits them to that service. Times are in
    UTC. At most 500 commits are read. Raises :class:`InputError` when git is not
    installed, the path is not a repository, or git fails.
    """
    git = shutil.which("git")
    if git is None:
        raise InputError("git is not installed, and reading commits with --changes needs it")
    path = Path(repository).expanduser()
    if not path.exists():
        raise InputError(f"{path}: not found, so there is no git repository to read commits from")
    if not path.is_dir():
        raise InputError(f"{path}: not a directory, so not a git repository to read commits from")
    with tempfile.TemporaryDirectory(prefix="prodrescue-git-") as scratch:
        attributes = Path(scratch) / "attributes"
        attributes.write_text(_FUNCTION_DRIVERS, encoding="utf-8")
        output = _run_log(git, path, since, until, attributes)
    commits = [commit for record in output.split(_RECORD)[1:] if (commit := _parse(record)) is not None]
    logger.debug("read %d commits from %s", len(commits), path)
    return commits


def _run_log(git: str, path: Path, since: datetime, until: datetime, attributes: Path) -> str:
    command = [
        git,
        "-c",
        f"core.attributesFile={attributes}",
        "-C",
        str(path),
        "log",
        f"--since={since.isoformat()}",
        f"--until={until.isoformat()}",
        "--no-merges",
        f"--max-count={_MAX_COMMITS}",
        "--no-color",
        "--no-ext-diff",
        "-U0",
        "-p",
        f"--format={_RECORD}%H{_FIELD}%an{_FIELD}%cI{_FIELD}%s",
        # Only the commits that touch the given folder: a service's folder in a monorepo.
        "--",
        ".",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"{path}: git log failed: {error}") from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[0] if message else f"exit code {result.returncode}"
        raise InputError(f"{path}: cannot read commits: {reason}")
    return result.stdout.decode("utf-8", "replace")


def _parse(record: str) -> Commit | None:
    header, _, patch = record.partition("\n")
    fields = header.split(_FIELD)
    if len(fields) != 4:
        return None
    sha, author, stamp, subject = fields
    try:
        time = datetime.fromisoformat(stamp).astimezone(timezone.utc)
    except ValueError:
        return None
    files: dict[str, None] = {}
    functions: dict[str, None] = {}
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            match = _DIFF_FILE.match(line)
            if match:
                files[match["path"]] = None
        elif line.startswith("@@"):
            hunk = _HUNK.match(line)
            function = _FUNCTION.search(hunk["context"]) if hunk else None
            if function:
                functions[function.group(1)] = None
    return Commit(sha, author, time, subject, tuple(files), tuple(functions))
