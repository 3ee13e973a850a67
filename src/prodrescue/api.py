"""The public entry points: :func:`diagnose` and :func:`load_rules`."""

from __future__ import annotations

__all__ = ["diagnose", "learn", "load_rules", "resolve_baseline"]

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from prodrescue.baseline import Profile, load_profile
from prodrescue.baseline.learn import learn_profile
from prodrescue.changes import DEFAULT_WINDOW_SECONDS as DEFAULT_CHANGES_WINDOW_SECONDS
from prodrescue.changes import attach_suspects
from prodrescue.context import ServiceContext, load_context
from prodrescue.errors import InputError
from prodrescue.ingest import discover_sources
from prodrescue.ingest.reading import split_text
from prodrescue.ingest.timestamps import year_for_yearless
from prodrescue.mining import MinerSettings
from prodrescue.model import Diagnosis
from prodrescue.pipeline import DEFAULT_CHANGE_WINDOW_SECONDS, Input, run
from prodrescue.progress import ProgressCallback, ReadMeter
from prodrescue.rules import RuleSet, builtin_rules_dir, load_builtin_rules, load_rule_files

_MAX_PATH_CHARS = 4096
# A JSON file whose first 4 KiB contain this is read as a baseline profile, not as a log.
_PROFILE_MARK = re.compile(rb'"format"\s*:\s*"prodrescue-baseline"')

BaselineArgument = Profile | str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _warn_if_path(text: str | bytes, caller: str) -> None:
    """Warn when log text given to ``caller`` is one line that names an existing file.

    The warning points at the line that called ``caller``, two frames above
    :func:`collect_inputs`.
    """
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    if len(shown) > _MAX_PATH_CHARS or "\n" in shown:
        return
    try:
        exists = os.path.isfile(shown)
    except (ValueError, OSError):
        return
    if exists:
        warnings.warn(
            f"{caller}() got {shown!r} as log text, but it names a file; pass paths=[...] to read the file",
            UserWarning,
            stacklevel=4,
        )


def collect_inputs(
    lines: Iterable[str | bytes] | str | bytes | None,
    paths: Sequence[str | os.PathLike[str]],
    source: str,
    *,
    caller: str,
    progress: ProgressCallback | None = None,
) -> tuple[list[Input], list[InputError]]:
    """Turn the ``lines``, ``paths`` and ``source`` arguments of a public entry point into inputs.

    :func:`diagnose` describes the arguments. ``caller`` names the entry
    point in warnings. With ``progress``, the lines are counted as they are
    read and reported to it (see :class:`prodrescue.progress.ReadMeter`).
    Returns the inputs and the list that their readers append input errors
    to while they are read. That list already contains the paths that could
    not be opened.

    Raises:
        prodrescue.InputError: no ``lines`` were given and no path could be read.
    """
    meter = ReadMeter(progress) if progress is not None else None
    inputs: list[Input] = []
    if lines is not None:
        if isinstance(lines, (str, bytes)):
            _warn_if_path(lines, caller)
            lines = split_text(lines)
        inputs.append(Input(source, meter.watch_lines(lines) if meter is not None else lines))
    errors: list[InputError] = []
    for log_source in discover_sources(paths, errors):
        if meter is not None:
            read = meter.watch_source(log_source, errors)
        else:
            read = log_source.iter_lines(errors)
        inputs.append(Input(log_source.name, read))
    if errors and not inputs:
        more = f" (and {len(errors) - 1} more inputs that could not be read)" if len(errors) > 1 else ""
        raise InputError(f"{errors[0]}{more}")
    return inputs, errors


def load_rules(paths: Sequence[str | os.PathLike[str]] = (), *, builtin: bool = True) -> RuleSet:
    """Load rule files and directories, after the built-in pack unless ``builtin`` is False.

    Raises :class:`prodrescue.RuleError` listing every problem (file, line,
    rule id, field), including rule ids defined twice.
    """
    rule_paths = [Path(path) for path in paths]
    if not builtin:
        return load_rule_files(rule_paths)
    base = load_builtin_rules()
    if not rule_paths:
        return base
    return load_rule_files([builtin_rules_dir(), *rule_paths])


def diagnose(
    lines: Iterable[str | bytes] | str | bytes | None = None,
    *,
    paths: Sequence[str | os.PathLike[str]] = (),
    source: str = "<input>",
    rules: RuleSet | None = None,
    top: int | None = None,
    change_window_seconds: float = DEFAULT_CHANGE_WINDOW_SECONDS,
    reference_year: int | None = None,
    miner_settings: MinerSettings | None = None,
    redact: bool = True,
    keep_ansi: bool = False,
    progress: ProgressCallback | None = None,
    baseline: BaselineArgument | None = None,
    changes: str | os.PathLike[str] | None = None,
    changes_window_seconds: float = DEFAULT_CHANGES_WINDOW_SECONDS,
    context: ServiceContext | str | os.PathLike[str] | None = None,
) -> Diagnosis:
    """Diagnose an incident from log lines and/or log files.

    Args:
        lines: log lines as ``str`` or ``bytes`` (any iterable, read once), or
            one string or bytes object containing many lines. The input is
            named ``source``.
        paths: files, directories (the files inside them), compressed files
            (gzip, bzip2, xz, zstd), or ``-`` for standard input. Several
            inputs are merged by timestamp. A path that cannot be read, or a
            file that fails part way, is listed in ``Diagnosis.input_errors``
            and the rest is still diagnosed.
        rules: the rules to apply, or the built-in pack when None (see
            :func:`load_rules` to add your own).
        top: keep only this many causes.
        change_window_seconds: how long before a cause's onset a deploy or
            config change counts as the change that preceded it.
        reference_year: year for timestamps that have none (syslog, klog),
            or the current UTC year when None.
        miner_settings: Drain3 parameters, for experiments.
        redact: replace secrets (passwords in URLs, tokens, keys; see
            :mod:`prodrescue.redact`) in the log text that the diagnosis
            quotes. Mining and rules always see the original text.
        keep_ansi: keep terminal colour codes in the quoted log text (they
            are always removed before mining and rules).
        progress: called with a :class:`prodrescue.ProgressInfo` (lines and
            bytes read so far) after every 4,096 lines of an input, when an
            input ends, and once all input has been read. It runs while the
            input is read, so it should return quickly.
        baseline: what healthy logs of the same system look like: a
            :class:`Profile` (see :func:`learn`), the path of a profile
            written by ``prodrescue learn``, or paths of healthy log files to
            learn one from now. Templates are then compared with it (new,
            more or fewer, unusual values), and an error template as usual
            as in the baseline is not raised as a cause. Without a baseline,
            the earlier part of the input serves as one.
        changes: a git repository of the service. Its commits from
            ``changes_window_seconds`` (3 days) before the onset up to it are
            listed in ``Diagnosis.suspect_commits``, ranked higher when they
            change files or functions named in the evidence.
        changes_window_seconds: how far before the onset commits are read.
        context: the services, their logs and their dependencies: a
            :class:`ServiceContext` or the path of a YAML context file (see
            :mod:`prodrescue.context`). A failure in a service then explains
            the errors of the services that depend on it.

    Returns:
        A :class:`Diagnosis` with causes ranked best first.

    Raises:
        prodrescue.InputError: no input could be read at all (every path is
            missing or unreadable, and no ``lines`` were given).
        prodrescue.RuleError: the built-in rules are missing or invalid.
        prodrescue.ProfileError: the baseline profile cannot be read.
        prodrescue.InputError: the ``changes`` repository or the ``context`` file cannot be read.
    """
    if changes is not None and not isinstance(changes, (str, os.PathLike)):
        raise TypeError(f"changes must be the path of a git repository, not {type(changes).__name__}")
    if context is not None and not isinstance(context, (ServiceContext, str, os.PathLike)):
        raise TypeError(f"context must be a ServiceContext or a path, not {type(context).__name__}")
    if context is not None and not isinstance(context, ServiceContext):
        context = load_context(context)
    profile, baseline_name = (
        resolve_baseline(baseline, reference_year) if baseline is not None else (None, "")
    )
    inputs, errors = collect_inputs(lines, paths, source, caller="diagnose", progress=progress)
    year, latest = year_for_yearless(reference_year)
    diagnosis = run(
        inputs,
        rules if rules is not None else load_builtin_rules(),
        reference_year=year,
        latest=latest,
        max_causes=top,
        change_window=change_window_seconds,
        miner_settings=miner_settings,
        input_errors=errors,
        redact=redact,
        keep_ansi=keep_ansi,
        baseline=profile,
        baseline_name=baseline_name,
        context=context,
    )
    if changes is not None:
        diagnosis = attach_suspects(diagnosis, changes, changes_window_seconds)
    return diagnosis


def learn(
    lines: Iterable[str | bytes] | str | bytes | None = None,
    *,
    paths: Sequence[str | os.PathLike[str]] = (),
    source: str = "<input>",
    reference_year: int | None = None,
    progress: ProgressCallback | None = None,
) -> Profile:
    """Learn what healthy logs look like, for :func:`diagnose`'s ``baseline``.

    The arguments are those of :func:`diagnose`. Returns a :class:`Profile`
    of the templates with their counts, levels and numeric value spreads;
    ``Profile.to_json()`` gives the file that ``prodrescue learn`` writes.

    Raises:
        prodrescue.InputError: no input could be read at all.
    """
    inputs, errors = collect_inputs(lines, paths, source, caller="learn", progress=progress)
    year, latest = year_for_yearless(reference_year)
    profile = learn_profile(inputs, reference_year=year, latest=latest, created_by=f"prodrescue {_version()}")
    # A baseline learned from part of the healthy logs would call the rest "new", so nothing is skipped.
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"healthy input not fully read, so no baseline was learned: {errors[0]}{more}")
    if profile.events == 0:
        raise InputError("the healthy input has no log lines, so there is no baseline to learn")
    return profile


def resolve_baseline(baseline: BaselineArgument, reference_year: int | None = None) -> tuple[Profile, str]:
    """Return the profile that a ``baseline`` argument names, and a name for it in reports.

    One path to a file that starts as a profile is loaded. Other paths are
    read as healthy logs and learned from.

    Raises:
        prodrescue.ProfileError: a profile file is invalid.
        prodrescue.InputError: none of the log paths can be read.
    """
    if isinstance(baseline, Profile):
        return baseline, "baseline profile"
    if isinstance(baseline, (str, os.PathLike)):
        paths = [baseline]
    elif isinstance(baseline, (list, tuple)) and all(
        isinstance(path, (str, os.PathLike)) for path in baseline
    ):
        paths = list(baseline)
    else:
        raise TypeError(
            f"baseline must be a Profile, a path or a list of paths, not {type(baseline).__name__}"
        )
    profiles = [path for path in paths if _is_profile_file(Path(path))]
    if profiles and len(paths) > 1:
        raise InputError(
            f"{profiles[0]} is a baseline profile: give one profile, or healthy log files to learn "
            "from, not several profiles or both"
        )
    if profiles:
        return load_profile(Path(paths[0])), str(paths[0])
    names = ", ".join(str(path) for path in paths[:3]) + (
        f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    )
    return learn(paths=paths, reference_year=reference_year), names


def _is_profile_file(path: Path) -> bool:
    """Return whether a file is a baseline profile: a JSON object whose format field names one."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError:
        return False
    return start.lstrip().startswith(b"{") and _PROFILE_MARK.search(start) is not None


def _version() -> str:
    from prodrescue import __version__

    return __version__
