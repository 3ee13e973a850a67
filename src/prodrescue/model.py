"""The diagnosis as data: frozen dataclasses returned by :func:`prodrescue.diagnose`.

Every value here is immutable and JSON-friendly through
:func:`prodrescue.report.to_dict`. Scores are between 0 and 1, where higher
means more likely to be the root cause.
"""

from __future__ import annotations

__all__ = [
    "SCHEMA_VERSION",
    "Action",
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
    "TimelineEntry",
    "TimelineKind",
]

import enum
from dataclasses import dataclass
from datetime import datetime

# Version of the diagnosis JSON layout. Increase it on any incompatible change.
SCHEMA_VERSION = "1.0"


class Severity(str, enum.Enum):
    """Severity of a rule's finding when the rule fires."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Role(str, enum.Enum):
    """A rule's place in the causal chain.

    ``root-cause`` rules describe failures that start incidents, ``symptom``
    rules describe effects of some other failure, ``impact`` rules describe what
    users see, and ``change`` rules mark deploys and config changes for the
    timeline (they are never ranked as causes).
    """

    ROOT_CAUSE = "root-cause"
    SYMPTOM = "symptom"
    IMPACT = "impact"
    CHANGE = "change"
    UNRECOGNIZED = "unrecognized"


class Risk(str, enum.Enum):
    """Risk level of an action during the incident."""

    SAFE = "safe"
    CAUTION = "caution"
    AVOID = "avoid"


class TimelineKind(str, enum.Enum):
    """Kind of moment that a timeline entry marks."""

    FIRST_ERROR = "first-error"
    CHANGE = "change"
    ONSET = "onset"
    DEPARTURE = "departure"  # the first window whose mix of templates departs from normal


@dataclass(frozen=True, slots=True)
class Evidence:
    """One log event behind a cause.

    ``line`` and ``last_line`` are the 1-based physical lines of the event in
    ``source``. ``text`` is the event as logged (capped for very long events).
    On the last listed event of a template, ``similar`` counts the other
    matching events of that template that are not listed. ``condition`` names
    the rule condition that matched, or is ``change`` for a deploy line,
    ``anomaly`` for an unrecognized template and ``related error`` for an
    unrecognized error that the cause explains. ``matched_line`` is the line of
    a multi-line event where the condition matched, when that is not the first
    line; otherwise it is empty.
    """

    source: str
    line: int
    last_line: int
    timestamp: datetime | None
    text: str
    template_id: str
    condition: str
    similar: int = 0
    matched_line: str = ""


@dataclass(frozen=True, slots=True)
class ScoreFactor:
    """One named part of a cause's score: its value (0-1), its weight and a ``detail`` text."""

    name: str
    value: float
    weight: float
    detail: str


@dataclass(frozen=True, slots=True)
class Action:
    """Something the on-call engineer can do, with its risk."""

    risk: Risk
    text: str


@dataclass(frozen=True, slots=True)
class Cause:
    """A candidate root cause (or a symptom), ranked by ``score``.

    ``id`` is the rule id, or ``unrecognized:<template id>`` for an anomalous
    error template that no rule covers. ``symptoms`` lists the ids of causes
    that this one explains, and ``explained_by`` names the cause that explains
    this one. ``onset`` locates the first event, as ``(source, line)``.
    """

    rank: int
    id: str
    rule_id: str | None
    category: str
    title: str
    role: Role
    severity: Severity
    score: float
    factors: tuple[ScoreFactor, ...]
    summary: str
    first_seen: datetime | None
    last_seen: datetime | None
    onset: tuple[str, int]
    count: int
    evidence: tuple[Evidence, ...]
    symptoms: tuple[str, ...]
    explained_by: str | None
    checks: tuple[str, ...]
    actions: tuple[Action, ...]
    description: str = ""
    preceding_change: Evidence | None = None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A key moment: the first error, a deploy or config change, a cause's onset."""

    timestamp: datetime | None
    kind: TimelineKind
    source: str
    line: int
    text: str
    cause_id: str | None = None


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A rule that matched in part: details of its matching and of its missing trigger conditions."""

    rule_id: str
    title: str
    category: str
    matched: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceStats:
    """Statistics of one input: size, the format detected, and how much of it was understood.

    ``format`` is the format of most lines (json, logfmt, cri, access-log,
    kubectl-events, rfc5424, syslog, klog, text, or plain when no header was
    recognised), and ``formats`` counts the non-blank lines of each.
    ``header_share`` is the share of non-blank lines that were understood: a
    recognised header (or JSON or logfmt structure), or a continuation line of
    an entry (counted as ``continuation`` in ``formats``). A low share means
    that the format was not understood, so messages may still carry their
    headers. ``zoneless_lines`` counts timestamps that gave no time zone and
    were read as UTC. ``out_of_order_lines`` counts timestamps more than a
    second earlier than one before them in the same source; the largest such
    step back is ``largest_step_back_seconds``.
    """

    name: str
    lines: int
    events: int
    timestamped_share: float
    header_share: float
    json_lines: int
    truncated_lines: int
    format: str = "plain"
    formats: tuple[tuple[str, int], ...] = ()
    zoneless_lines: int = 0
    out_of_order_lines: int = 0
    largest_step_back_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class InputStats:
    """Size and quality of the input as a whole."""

    lines: int
    events: int
    templates: int
    error_events: int
    first_timestamp: datetime | None
    last_timestamp: datetime | None
    timestamped_share: float
    sources: tuple[SourceStats, ...]
    rules_evaluated: int

    @property
    def span_seconds(self) -> float | None:
        """Seconds between the first and last timestamp, or None without timestamps."""
        if self.first_timestamp is None or self.last_timestamp is None:
            return None
        return (self.last_timestamp - self.first_timestamp).total_seconds()


@dataclass(frozen=True, slots=True)
class Redaction:
    """Whether secrets were redacted from the quoted log text, and how many distinct values were replaced."""

    enabled: bool
    replaced: int = 0


@dataclass(frozen=True, slots=True)
class TemplateChange:
    """A template whose frequency or values in the input differ from the baseline.

    ``status`` is ``new`` (absent from the baseline), ``more`` or ``fewer``
    (share of events at least doubled or halved), ``values`` (numeric values
    outside the baseline's range) or ``gone`` (frequent in the baseline,
    absent here). ``expected`` is the count that the baseline's share
    predicts for an input of this size. ``score`` is 0 to 1, higher is more
    unusual, and ``detail`` states the direction and the figures.
    """

    template: str
    status: str
    count: int
    expected: float
    score: float
    detail: str


@dataclass(frozen=True, slots=True)
class BaselineReport:
    """The comparison of the input with a baseline profile of healthy logs."""

    name: str
    events: int
    templates: int
    changes: tuple[TemplateChange, ...]


@dataclass(frozen=True, slots=True)
class SuspectCommit:
    """A commit made shortly before the incident began, with the reasons it is suspect.

    ``score`` is 0 to 1: recent commits, and commits that change files or
    functions named in the evidence, score higher (see
    :mod:`prodrescue.changes.suspects`).
    """

    sha: str
    author: str
    time: datetime
    subject: str
    score: float
    reasons: tuple[str, ...]
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The result of :func:`prodrescue.diagnose`.

    ``causes`` are ranked best first. ``caveats`` describe what limited the
    diagnosis (no timestamps, truncated lines, a rule that timed out, an input
    that could not be read). ``input_errors`` lists the inputs that could not
    be read, or not to their end, each as a message that names the input; the
    rest of the input was still diagnosed. ``redaction`` says whether secrets
    were redacted from the quoted log text and how many values were replaced.
    ``baseline`` compares the input with a baseline profile, when one was given.
    ``suspect_commits`` lists the commits of the repository given as
    ``changes`` that came shortly before the onset, best suspect first.
    """

    causes: tuple[Cause, ...]
    timeline: tuple[TimelineEntry, ...]
    stats: InputStats
    near_misses: tuple[NearMiss, ...]
    caveats: tuple[str, ...]
    input_errors: tuple[str, ...] = ()
    redaction: Redaction = Redaction(enabled=False)
    schema_version: str = SCHEMA_VERSION
    baseline: BaselineReport | None = None
    suspect_commits: tuple[SuspectCommit, ...] = ()

    @property
    def top(self) -> Cause | None:
        """The best-ranked cause that is not explained by another.

        If every cause is explained, it is the first cause. It is None when there
        are no causes.
        """
        for cause in self.causes:
            if cause.explained_by is None:
                return cause
        return self.causes[0] if self.causes else None

    def cause(self, cause_id: str) -> Cause | None:
        """Return the cause with this id, or None."""
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        return None
