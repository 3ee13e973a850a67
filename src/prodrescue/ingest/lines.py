"""Turn one physical line into a :class:`Record`.

Order of the steps: drop terminal colour codes, take off a ``docker compose``
or ``kubectl --prefix`` prefix (it names the stream the line belongs to), then
read the line as a JSON object or as a text header plus message. A JSON
object whose message is itself a log line (Docker's ``log`` field) is parsed
once more, so the inner timestamp and level are found.
"""

from __future__ import annotations

__all__ = ["LineParser", "strip_ansi"]

import re

from prodrescue.ingest.header import HeaderParser
from prodrescue.ingest.jsonline import parse_json_object
from prodrescue.ingest.logfmt import parse_logfmt
from prodrescue.ingest.records import Record

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# docker compose pads service names and separates them with " | ".
_COMPOSE_PREFIX = re.compile(r"(?P<stream>[A-Za-z0-9][\w.-]{0,62}) +\| ?")
# A logfmt line starts with a key=value pair, most often time=, ts=, level= or msg=.
_LOGFMT_START = re.compile(r"[\w.@-]+=")
# kubectl logs --prefix: [pod/name/container]
_KUBECTL_PREFIX = re.compile(r"\[(?P<stream>(?:pod|deployment|statefulset|daemonset|job)/[^\]\s]+)\] ")


def strip_ansi(text: str) -> str:
    """Remove terminal colour and cursor codes."""
    if "\x1b" not in text:
        return text
    return _ANSI.sub("", text)


class LineParser:
    """Parser for the lines of one source, which keeps the per-source header state (the year)."""

    def __init__(self, source: str, reference_year: int) -> None:
        self.source = source
        self._header = HeaderParser(reference_year)
        self._reference_year = reference_year

    def parse(self, line_number: int, raw: str) -> Record:
        """Parse one line into a record; any text gives a record."""
        text = strip_ansi(raw)
        stream = ""
        prefix = _COMPOSE_PREFIX.match(text) or _KUBECTL_PREFIX.match(text)
        if prefix:
            stream = prefix["stream"]
            text = text[prefix.end() :]

        stripped = text.lstrip()
        if stripped.startswith("{") and stripped.rstrip().endswith("}"):
            record = self._parse_json(line_number, raw, stripped, stream)
            if record is not None:
                return record
        if _LOGFMT_START.match(stripped):
            fields = parse_logfmt(stripped, self._reference_year)
            if fields is not None:
                return Record(
                    source=self.source,
                    line=line_number,
                    raw=raw,
                    text=text,
                    message=fields.message,
                    timestamp=fields.timestamp,
                    level=fields.level,
                    stream=stream,
                    fields=fields.fields,
                    extra_lines=fields.extra_lines,
                    header_found=True,
                )
        return self._parse_text(line_number, raw, text, stream)

    def _parse_text(self, line_number: int, raw: str, text: str, stream: str) -> Record:
        header = self._header.parse(text)
        message = text[header.message_start :]
        return Record(
            source=self.source,
            line=line_number,
            raw=raw,
            text=text,
            message=message,
            timestamp=header.timestamp,
            level=header.level,
            stream=stream,
            secondary=header.secondary,
            header_found=header.message_start > 0,
            indented=header.indented,
        )

    def _parse_json(self, line_number: int, raw: str, text: str, stream: str) -> Record | None:
        parsed = parse_json_object(text, self._reference_year)
        if parsed is None:
            return None
        record = Record(
            source=self.source,
            line=line_number,
            raw=raw,
            text=text,
            message=parsed.message,
            timestamp=parsed.timestamp,
            level=parsed.level,
            stream=stream,
            fields=parsed.fields,
            extra_lines=parsed.extra_lines,
            header_found=True,
        )
        if not parsed.message_from_field:
            return record
        inner = parsed.message.strip()
        if "\n" in inner:
            first, _, rest = inner.partition("\n")
            inner = first
            record.extra_lines = tuple(rest.splitlines()) + record.extra_lines
        # In Docker's json-file driver and similar wrappers, the message is itself
        # a log line with its own header (or a JSON object).
        nested = self._parse_text(line_number, raw, inner, stream)
        if nested.header_found and not inner.startswith("{"):
            record.message = nested.message
            record.timestamp = record.timestamp or nested.timestamp
            record.level = record.level or nested.level
            record.secondary = nested.secondary
        elif inner.startswith("{") and inner.endswith("}"):
            inner_record = self._parse_json(line_number, raw, inner, stream)
            if inner_record is not None:
                inner_record.fields = {**(record.fields or {}), **(inner_record.fields or {})}
                inner_record.timestamp = inner_record.timestamp or record.timestamp
                inner_record.level = inner_record.level or record.level
                return inner_record
        else:
            record.message = inner
        return record
