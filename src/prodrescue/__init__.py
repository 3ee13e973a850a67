"""prodrescue: diagnose production incidents from logs, with evidence, from readable rules.

Typical use::

    import prodrescue

    diagnosis = prodrescue.diagnose(open("app.log", "rb"))
    for cause in diagnosis.causes[:3]:
        print(cause.score, cause.category, cause.summary)
"""

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prodrescue.api import diagnose, learn, load_rules
    from prodrescue.baseline import Profile, ProfileError
    from prodrescue.errors import InputError, ProdrescueError, RuleError, RuleProblem
    from prodrescue.model import (
        SCHEMA_VERSION,
        Action,
        BaselineReport,
        Cause,
        Diagnosis,
        Evidence,
        InputStats,
        NearMiss,
        Redaction,
        Risk,
        Role,
        ScoreFactor,
        Severity,
        SourceStats,
        TemplateChange,
        TimelineEntry,
        TimelineKind,
    )
    from prodrescue.progress import ProgressInfo
    from prodrescue.rules import RuleSet
    from prodrescue.template_listing import (
        EventTemplate,
        TemplateExample,
        TemplateListing,
        TemplateSummary,
        mine_templates,
    )

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "BaselineReport",
    "Cause",
    "Diagnosis",
    "EventTemplate",
    "Evidence",
    "InputError",
    "InputStats",
    "NearMiss",
    "ProdrescueError",
    "Profile",
    "ProfileError",
    "ProgressInfo",
    "Redaction",
    "Risk",
    "Role",
    "RuleError",
    "RuleProblem",
    "RuleSet",
    "ScoreFactor",
    "Severity",
    "SourceStats",
    "TemplateChange",
    "TemplateExample",
    "TemplateListing",
    "TemplateSummary",
    "TimelineEntry",
    "TimelineKind",
    "__version__",
    "diagnose",
    "learn",
    "load_rules",
    "mine_templates",
]

# The module that defines each public name. It is imported on first access,
# so that ``import prodrescue`` does not load numpy, Drain3 and the rule
# engine until a function needs them.
_SOURCES = {
    "diagnose": "prodrescue.api",
    "load_rules": "prodrescue.api",
    "learn": "prodrescue.api",
    "Profile": "prodrescue.baseline",
    "ProfileError": "prodrescue.baseline",
    "ProgressInfo": "prodrescue.progress",
    "RuleSet": "prodrescue.rules",
    **dict.fromkeys(("InputError", "ProdrescueError", "RuleError", "RuleProblem"), "prodrescue.errors"),
    **dict.fromkeys(
        ("EventTemplate", "TemplateExample", "TemplateListing", "TemplateSummary", "mine_templates"),
        "prodrescue.template_listing",
    ),
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "Action",
            "BaselineReport",
            "Cause",
            "Diagnosis",
            "Evidence",
            "InputStats",
            "NearMiss",
            "Redaction",
            "Risk",
            "Role",
            "ScoreFactor",
            "Severity",
            "SourceStats",
            "TemplateChange",
            "TimelineEntry",
            "TimelineKind",
        ),
        "prodrescue.model",
    ),
}


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


logging.getLogger(__name__).addHandler(logging.NullHandler())
