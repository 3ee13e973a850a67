"""Location and loading of the built-in rule pack, installed or in a source checkout."""

from __future__ import annotations

__all__ = ["builtin_rules_dir", "load_builtin_rules"]

import functools
from importlib import resources
from pathlib import Path

from prodrescue.errors import RuleError, RuleProblem
from prodrescue.rules.loader import load_rule_files
from prodrescue.rules.model import RuleSet
from prodrescue.rules.patterns import unchecked_patterns


def builtin_rules_dir() -> Path:
    """Return the directory of the built-in rules.

    A wheel carries them as ``prodrescue/builtin_rules``. An editable install
    or a source checkout has no such folder, and uses the repository's
    top-level ``rules/`` instead. Raises :class:`RuleError` when neither exists.
    """
    packaged = Path(str(resources.files("prodrescue"))) / "builtin_rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleError(
        [
            RuleProblem(
                str(packaged),
                0,
                0,
                None,
                None,
                "the built-in rule pack is missing from this installation; reinstall prodrescue",
            )
        ]
    )


@functools.lru_cache(maxsize=1)
def load_builtin_rules() -> RuleSet:
    """Load the built-in pack, cached for the process because rule sets are immutable.

    Its patterns compile on first use: the pack's tests check every one of
    them, and compiling all 960 at start-up took about 200 ms, most of the
    time a short diagnosis takes.
    """
    with unchecked_patterns():
        return load_rule_files([builtin_rules_dir()])
