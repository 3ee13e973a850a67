"""Join the pieces of lines that container runtimes split.

A CRI runtime (containerd, CRI-O) writes a long line as "P" (partial) lines
that end with an "F" (full) line. Docker's json-file driver cuts lines longer
than 16 KiB into several records. Only the record that ends the line has a
final ``\\n`` in its ``log`` value. The pieces become one line again, numbered from
its first physical line to its last, so events keep their file positions.
"""

from __future__ import annotations

__all__ = ["join_partial_lines"]

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prodrescue.ingest.reading import MAX_LINE_CHARS

# CRI (containerd, CRI-O) log files: "<RFC 3339 time> stdout|stderr F|P <line>"
CRI_LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\S+) (?P<stream>stdout|stderr) (?P<tag>[FP])(?: (?P<content>.*))?$"
)
_DOCKER_START = '{"log":"'
_DOCKER_COMPLETE = '\\n","stream":'


@dataclass(slots=True)
class _Piece:
    kind: str  # "cri" or "docker"
    content: str
    final: bool
    record: dict[str, Any] | None = None  # the first Docker record, whose other fields are kept


@dataclass(slots=True)
class _Line:
    """A line being put together from its pieces."""

    kind: str
    first: int
    head: str  # the first CRI piece's whole line (time, stream, tag), empty for Docker
    record: dict[str, Any] | None
    parts: list[str] = field(default_factory=list)
    chars: int = 0

    def add(self, content: str) -> None:
        # Past the per-line cap further pieces are dropped, as a long line is cut.
        if self.chars < MAX_LINE_CHARS:
            self.parts.append(content)
            self.chars += len(content)

    def text(self) -> str:
        if self.kind == "cri":
            return self.head + "".join(self.parts)
        assert self.record is not None
        return json.dumps({**self.record, "log": "".join(self.parts)}, ensure_ascii=False)


def join_partial_lines(numbered: Iterable[tuple[int, str]]) -> Iterator[tuple[int, int, str]]:
    """Yield ``(first line, last line, text)``, joining the pieces of split lines."""
    pending: _Line | None = None
    last = 0
    for number, text in numbered:
        last = number
        piece = _piece(text, joining_docker=pending is not None and pending.kind == "docker")
        if pending is not None and (piece is None or piece.kind != pending.kind):
            # The line's final piece never came: emit what there is.
            yield pending.first, number - 1, pending.text()
            pending = None
        if piece is None:
            yield number, number, text
            continue
        if pending is None:
            if piece.final:
                yield number, number, text
                continue
            head = text if piece.kind == "cri" else ""
            pending = _Line(piece.kind, number, head, piece.record)
            if piece.kind == "docker":
                pending.add(piece.content)
            continue
        pending.add(piece.content)
        if piece.final:
            yield pending.first, number, pending.text()
            pending = None
    if pending is not None:
        yield pending.first, last, pending.text()


def _piece(text: str, joining_docker: bool) -> _Piece | None:
    """Read ``text`` as a piece of a split line, or return None for an ordinary line.

    A complete Docker record is decoded only when it may end a split line.
    """
    if text[:2].isdigit():
        cri = CRI_LINE.match(text)
        if cri is not None:
            return _Piece("cri", cri["content"] or "", cri["tag"] == "F")
        return None
    if text.startswith(_DOCKER_START) and _DOCKER_COMPLETE not in text:
        try:
            record = json.loads(text)
        except ValueError:
            return None
        content = record.get("log") if isinstance(record, dict) else None
        if not isinstance(content, str):
            return None
        return _Piece("docker", content, content.endswith("\n"), record)
    if text.startswith(_DOCKER_START):
        return _Piece("docker", _docker_log(text) if joining_docker else "", True)
    return None


def _docker_log(text: str) -> str:
    try:
        record = json.loads(text)
    except ValueError:
        return ""
    content = record.get("log") if isinstance(record, dict) else None
    return content if isinstance(content, str) else ""
