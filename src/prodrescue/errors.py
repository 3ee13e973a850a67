"""Exceptions raised by prodrescue.

Every error derives from :class:`ProdrescueError`, so that embedding code can
catch one type. Messages state what failed, on which value, and what to do next.
"""

from __future__ import annotations

__all__ = ["InputError", "ProdrescueError", "RuleError", "RuleProblem"]

from dataclasses import dataclass


class ProdrescueError(Exception):
    """Root of every error that prodrescue raises on purpose."""


class InputError(ProdrescueError):
    """Error for a log input that is missing, unreadable, or not a regular file or directory."""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem found in a rule file, located as precisely as the file allows.

    ``line`` and ``column`` are 1-based. They are 0 when the problem concerns the
    whole file (for example, a file that is not valid YAML at all).
    """

    path: str
    line: int
    column: int
    rule_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        location = self.path
        if self.line:
            location += f":{self.line}"
            if self.column:
                location += f":{self.column}"
        context = []
        if self.rule_id:
            context.append(f"rule '{self.rule_id}'")
        if self.field:
            context.append(f"field '{self.field}'")
        prefix = f"{location}: " + (", ".join(context) + ": " if context else "")
        return prefix + self.message


class RuleError(ProdrescueError):
    """Error for one or more invalid rule files.

    ``problems`` lists every problem found in one pass, so that an author can fix
    a file in one edit. The message repeats them one per line.
    """

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def first(self) -> RuleProblem:
        return self.problems[0]
