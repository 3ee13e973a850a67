"""The service context file: which services exist, which logs are theirs, what they depend on.

A small YAML file given with ``--context``::

    services:
      payments-api:
        depends_on: [redis, postgres]
        logs: ["payments-api*.log"]
      redis:
        logs: ["redis*.log"]
      postgres:
        logs: ["postgresql*.log", "db-*"]

``logs`` are shell-style patterns matched against a log's file name and
against its stream name (a docker compose service, a syslog program). A
service without ``logs`` owns the logs whose file or stream name contains
its name. With the context, a failure in a dependency explains the errors of
the services that depend on it, directly or through others.
"""

from __future__ import annotations

__all__ = ["ContextError", "ServiceContext", "load_context", "parse_context"]

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml

from prodrescue.errors import InputError
from prodrescue.ingest.reading import read_small_text

_MAX_CONTEXT_BYTES = 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9][\w.-]{0,100}")


class ContextError(InputError):
    """A context file that cannot be read or does not describe services as expected."""


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Services, the log name patterns of each, and the services each depends on."""

    dependencies: dict[str, tuple[str, ...]]
    logs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def service_of(self, source: str, stream: str = "") -> str | None:
        """Return the service that owns a log file (``source``) or stream, or None."""
        names = [PurePath(source).name, stream] if stream else [PurePath(source).name]
        for service in self.dependencies:
            patterns = self.logs.get(service)
            for name in names:
                if not name:
                    continue
                if patterns and any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                    return service
                if not patterns and service.lower() in name.lower():
                    return service
        return None

    def path(self, service: str, dependency: str) -> list[str] | None:
        """Return the chain of services from ``service`` to a ``dependency`` it relies on, or None."""
        queue = [[service]]
        seen = {service}
        while queue:
            chain = queue.pop(0)
            for following in self.dependencies.get(chain[-1], ()):
                if following == dependency:
                    return [*chain, following]
                if following not in seen:
                    seen.add(following)
                    queue.append([*chain, following])
        return None


def load_context(path: str | os.PathLike[str]) -> ServiceContext:
    """Read a context file. Raises :class:`ContextError` naming the problem."""
    file = Path(path)
    text = read_small_text(file, _MAX_CONTEXT_BYTES, "context file", ContextError)
    return parse_context(text, str(file))


def parse_context(text: str, name: str = "<context>") -> ServiceContext:
    """Parse the YAML text of a context file. ``name`` labels errors."""
    try:
        document = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise ContextError(f"{name}: invalid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        raise ContextError(f"{name}: expected a mapping 'services:' of service names")
    dependencies: dict[str, tuple[str, ...]] = {}
    logs: dict[str, tuple[str, ...]] = {}
    for key, value in document["services"].items():
        service = _service_name(key, name)
        entry = value or {}
        if not isinstance(entry, dict):
            raise ContextError(f"{name}: service '{service}' must be a mapping (depends_on, logs)")
        unknown = set(entry) - {"depends_on", "logs"}
        if unknown:
            raise ContextError(
                f"{name}: service '{service}' has unknown keys {sorted(map(str, unknown))}; "
                "expected depends_on and logs"
            )
        dependencies[service] = tuple(
            _service_name(item, name) for item in _strings(entry, "depends_on", name)
        )
        logs[service] = tuple(_strings(entry, "logs", name))
    # A dependency that is not listed under services (a managed database) is a
    # service without log patterns: logs whose name contains its name are its own.
    for service, needed in list(dependencies.items()):
        for dependency in needed:
            if dependency == service:
                raise ContextError(f"{name}: service '{service}' depends on itself")
            dependencies.setdefault(dependency, ())
    return ServiceContext(dependencies, logs)


def _strings(entry: dict[str, Any], key: str, name: str) -> list[str]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ContextError(f"{name}: '{key}' must be a list of names")
    return value


def _service_name(value: Any, name: str) -> str:
    text = str(value)
    if not _NAME.fullmatch(text):
        raise ContextError(f"{name}: invalid service name {text!r} (letters, digits, '.', '_' and '-')")
    return text
