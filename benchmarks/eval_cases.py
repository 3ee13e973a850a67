"""Score diagnoses against incident case files: top-1, top-3 and evidence hit rates.

A case file is YAML with ``id``, ``category``, ``expected.top`` (the category
a good diagnosis ranks first), ``expected.evidence_contains`` (substrings that
must appear in the evidence of the best-ranked cause of that category) and
``log`` (the lines). Every ``*.yaml`` file in the given directories is read,
except README files.

    python benchmarks/eval_cases.py ../shared/cases
    python benchmarks/eval_cases.py ../shared/cases --splice ../shared/data/loghub-2k
    python benchmarks/eval_cases.py ../shared/cases --json

``--splice`` puts each case's lines in the middle of 3,000 lines of other
systems' logs (1,500 from each of two Loghub-2k systems, chosen by the case's
position), which checks that ordinary noise neither hides nor outranks the
incident.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

import prodrescue

_NOISE_LINES_PER_SYSTEM = 1500
_REFERENCE_YEAR = 2024


@dataclass
class CaseResult:
    """The outcome of one case."""

    id: str
    expected: str
    top: str | None
    rank: int | None
    top1: bool
    top3: bool
    evidence_hit: bool
    missing_evidence: list[str] = field(default_factory=list)
    score: float | None = None
    causes: list[str] = field(default_factory=list)


def load_cases(directories: list[Path]) -> list[dict[str, Any]]:
    """Read every case file in the directories, sorted by file name."""
    cases = []
    for directory in directories:
        if not directory.is_dir():
            raise SystemExit(f"eval_cases: {directory}: not a directory")
        for path in sorted(directory.glob("*.yaml")):
            if path.name.lower().startswith("readme"):
                continue
            case = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(case, dict) or "log" not in case or "expected" not in case:
                raise SystemExit(f"eval_cases: {path}: expected keys 'log' and 'expected'")
            case.setdefault("id", path.stem)
            cases.append(case)
    return cases


def noise_systems(loghub: Path) -> list[Path]:
    """The raw Loghub-2k logs, one per system, sorted by name."""
    logs = sorted(loghub.glob("*/*_2k.log"))
    if not logs:
        raise SystemExit(f"eval_cases: no */*_2k.log files under {loghub}")
    return logs


def spliced_lines(case_lines: list[str], index: int, systems: list[Path]) -> list[str]:
    """Case lines in the middle of two systems' logs."""
    first = systems[index % len(systems)]
    second = systems[(index + 5) % len(systems)]
    noise = []
    for path in (first, second):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        noise += lines[:_NOISE_LINES_PER_SYSTEM]
    middle = len(noise) // 2
    return noise[:middle] + case_lines + noise[middle:]


def evaluate(case: dict[str, Any], lines: list[str], rules: prodrescue.RuleSet) -> CaseResult:
    """Diagnose one case and compare with its expectations."""
    expected = case["expected"]["top"]
    wanted = list(case["expected"].get("evidence_contains") or [])
    diagnosis = prodrescue.diagnose(
        lines, source=f"{case['id']}.log", rules=rules, reference_year=_REFERENCE_YEAR
    )
    categories = [cause.category for cause in diagnosis.causes]
    rank = categories.index(expected) + 1 if expected in categories else None
    missing = wanted
    if rank is not None:
        cause = diagnosis.causes[rank - 1]
        texts = [item.text for item in cause.evidence]
        missing = [needle for needle in wanted if not any(needle in text for text in texts)]
    top = diagnosis.causes[0] if diagnosis.causes else None
    return CaseResult(
        id=case["id"],
        expected=expected,
        top=top.category if top else None,
        rank=rank,
        top1=rank == 1,
        top3=rank is not None and rank <= 3,
        evidence_hit=rank is not None and not missing,
        missing_evidence=missing,
        score=top.score if top else None,
        causes=[f"{cause.category}:{cause.score:.2f}" for cause in diagnosis.causes[:5]],
    )


def summary_line(results: list[CaseResult], label: str) -> str:
    """``cases: N  top-1: x (a/N)  top-3: ...  evidence: ...``"""
    total = len(results)

    def rate(name: str) -> str:
        hits = sum(1 for result in results if getattr(result, name))
        return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a"

    return (
        f"{label}cases: {total}  top-1: {rate('top1')}  top-3: {rate('top3')}  "
        f"evidence: {rate('evidence_hit')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directories", nargs="+", type=Path, help="directories of case files")
    parser.add_argument(
        "--splice",
        type=Path,
        metavar="LOGHUB_DIR",
        help="also run each case spliced into Loghub-2k noise from this directory",
    )
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="add the rules in this file or directory to the built-in pack (repeatable)",
    )
    arguments = parser.parse_args(argv)

    rules = prodrescue.load_rules(arguments.rules)
    cases = load_cases(arguments.directories)
    runs = {"plain": [evaluate(case, case["log"].splitlines(), rules) for case in cases]}
    if arguments.splice:
        systems = noise_systems(arguments.splice)
        runs["spliced"] = [
            evaluate(case, spliced_lines(case["log"].splitlines(), index, systems), rules)
            for index, case in enumerate(cases)
        ]

    if arguments.json:
        print(
            json.dumps(
                {name: [asdict(result) for result in results] for name, results in runs.items()}, indent=2
            )
        )
        return 0
    for name, results in runs.items():
        print(f"== {name}")
        for result in results:
            mark = "ok " if result.top1 and result.evidence_hit else "MISS"
            detail = f"rank {result.rank}" if result.rank else "not found"
            missing = f"; evidence missing {result.missing_evidence}" if result.missing_evidence else ""
            print(
                f"{mark} {result.id:52} expected {result.expected:27} {detail}; top: "
                f"{', '.join(result.causes[:3]) or '-'}{missing}"
            )
        print(summary_line(results, f"{name}: "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
