"""Helpers of the speed and memory benchmarks: the code and machine measured, and the CLI command."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata, util
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def _package_folder() -> Path:
    """Return the folder of the ``prodrescue`` package that ``import prodrescue`` would load."""
    spec = util.find_spec("prodrescue")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("prodrescue is not installed in this environment")
    return Path(spec.origin).resolve().parent


def _source_hash(package: Path) -> str:
    """Return 12 hex digits of a BLAKE2b hash over the package's ``.py`` files, names included."""
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _git_revision(package: Path) -> str:
    """Return the commit of the checkout that contains ``package``, and whether its ``src/`` has changes."""
    checkout = package.parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not in a git checkout"
    return f"commit {commit}" + (" with uncommitted changes in src/" if changed else ", src/ clean")


def describe_revision() -> str:
    """Return where prodrescue is loaded from, its commit and source hash, the versions and the load."""
    package = _package_folder()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"prodrescue from {package} ({_git_revision(package)}; source hash {_source_hash(package)})\n"
        f"drain3-improved {metadata.version('drain3-improved')}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; load average {load}"
    )


def prodrescue_command() -> list[str]:
    """Return the command that runs the ``prodrescue`` CLI of this interpreter's environment."""
    script = Path(sys.executable).parent / "prodrescue"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "prodrescue"]
