"""Rules as loaded: frozen descriptions of incident patterns and their advice."""

from __future__ import annotations

__all__ = ["CATEGORIES", "Rule", "RuleAction", "RuleExamples", "RuleSet"]

from collections.abc import Iterator
from dataclasses import dataclass

from prodrescue.model import Risk, Role, Severity
from prodrescue.rules.conditions import Condition
from prodrescue.rules.expression import Expression
from prodrescue.rules.values import ValueType

# Root-cause categories that diagnoses are scored against, plus ``error-rate``
# for impact rules (requests failing), which is not a root cause by itself.
CATEGORIES: dict[str, str] = {
    "connection-pool-exhaustion": (
        "a client-side connection pool has no free connection; callers time out waiting"
    ),
    "db-connection-limit": "the database server refuses new connections (max_connections, too many clients)",
    "lock-leak": "a lock is taken and never released, or held far too long",
    "deadlock": "two transactions wait on each other; the database kills one",
    "replication-lag": "a replica falls behind, loses its link, resyncs in a loop, or cancels queries",
    "cache-degradation": "the cache refuses writes or loses data: OOM, MISCONF, evictions, failover",
    "slow-query": "queries exceed statement timeouts or run so long that they pile up",
    "memory-exhaustion": "a process runs out of memory: OOM killer, OOMKilled, heap space",
    "disk-full": "a volume is full: no space left on device, watermarks",
    "fd-exhaustion": "the process hits its open-files limit",
    "dns-failure": "names do not resolve",
    "tls-certificate": "expired, untrusted or mismatched certificates; handshake failures",
    "upstream-timeout": "a proxy or client gives up waiting for an upstream (504, H12, deadline exceeded)",
    "connection-refused": "a dependency is down or unreachable",
    "crash-loop": "a process or container restarts over and over",
    "thread-pool-exhaustion": "worker threads or processes are all busy, or killed for timing out",
    "bad-deploy": "a deploy, upgrade or config change starts the failure",
    "rate-limiting": "a dependency throttles or rejects requests (429, quota)",
    "queue-backlog": "consumers fall behind: lag, rebalances, broker flow control",
    "gc-pressure": "garbage-collection pauses stall the process",
    "error-rate": "requests or jobs fail at an elevated rate (an impact, not a root cause)",
}


@dataclass(frozen=True, slots=True)
class RuleAction:
    """Advice with its risk. ``text`` may use the same placeholders as the summary."""

    risk: Risk
    text: str


@dataclass(frozen=True, slots=True)
class RuleExamples:
    """Examples that ``prodrescue rules test`` checks.

    ``match``/``no_match`` are single log entries (one line, or a line with its
    continuation lines) that some condition must, or no condition may, match.
    ``fire``/``no_fire`` are log excerpts on which the whole rule must, or must
    not, fire.
    """

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    fire: tuple[str, ...] = ()
    no_fire: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One incident pattern. See docs/rules.md for the meaning of every field."""

    id: str
    title: str
    category: str
    severity: Severity
    role: Role
    description: str
    conditions: tuple[Condition, ...]
    when: Expression
    explains: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    actions: tuple[RuleAction, ...] = ()
    examples: RuleExamples = RuleExamples()
    captures: tuple[tuple[str, ValueType], ...] = ()
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def trigger_names(self) -> tuple[str, ...]:
        """Names of the conditions that can make the rule fire. The others only add evidence."""
        return self.when.positive_names()

    @property
    def capture_types(self) -> dict[str, ValueType]:
        """Declared capture types by name."""
        return dict(self.captures)

    @property
    def location(self) -> str:
        """``path:line`` of the rule's definition, or ``<memory>`` for a rule not loaded from a file."""
        return f"{self.path}:{self.line}" if self.path else "<memory>"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one run, in load order. The loader rejects duplicate ids."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with this id, or None."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None
