"""prodrescue: diagnose production incidents from logs, with evidence, from readable rules.

Typical use::

    import prodrescue

    diagnosis = prodrescue.diagnose(open("app.log", "rb"))
    for cause in diagnosis.causes[:3]:
        print(cause.score, cause.category, cause.summary)
"""

import logging

from prodrescue.api import diagnose, load_rules
from prodrescue.errors import InputError, ProdrescueError, RuleError, RuleProblem
from prodrescue.model import (
    SCHEMA_VERSION,
    Action,
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
    TimelineEntry,
    TimelineKind,
)
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
    "Cause",
    "Diagnosis",
    "EventTemplate",
    "Evidence",
    "InputError",
    "InputStats",
    "NearMiss",
    "ProdrescueError",
    "Redaction",
    "Risk",
    "Role",
    "RuleError",
    "RuleProblem",
    "RuleSet",
    "ScoreFactor",
    "Severity",
    "SourceStats",
    "TemplateExample",
    "TemplateListing",
    "TemplateSummary",
    "TimelineEntry",
    "TimelineKind",
    "__version__",
    "diagnose",
    "load_rules",
    "mine_templates",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
