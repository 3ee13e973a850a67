"""Turn the raw lines of several sources into one stream of events in time order."""

from __future__ import annotations

__all__ = ["OUT_OF_ORDER_TOLERANCE", "SourceCounter", "iter_events", "merge_events"]

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.ingest.folding import EventFolder
from prodrescue.ingest.lines import LineParser
from prodrescue.ingest.partial import join_partial_lines
from prodrescue.ingest.reading import decode_line
from prodrescue.ingest.records import Event, Record

# Seconds a timestamp may lie behind an earlier one in the same source before
# the line counts as out of order.
OUT_OF_ORDER_TOLERANCE = 1.0


@dataclass(slots=True)
class SourceCounter:
    """Line and event counts of one source, updated while its lines are read."""

    name: str
    lines: int = 0
    blank_lines: int = 0
    timestamped_lines: int = 0
    header_lines: int = 0
    json_lines: int = 0
    truncated_lines: int = 0
    zoneless_lines: int = 0
    yearless_timestamps: int = 0
    out_of_order_lines: int = 0
    largest_step_back: float = 0.0
    events: int = 0
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None
    latest_timestamp: datetime | None = None
    formats: dict[str, int] = field(default_factory=dict)

    @property
    def detected_format(self) -> str:
        """The format of most non-blank lines, ``plain`` when none was recognised."""
        structured = {
            name: count for name, count in self.formats.items() if name not in ("plain", "continuation")
        }
        if not structured:
            return "plain"
        return max(sorted(structured), key=lambda name: structured[name])


def iter_events(
    lines: Iterable[str | bytes], counter: SourceCounter, reference_year: int, latest: datetime | None = None
) -> Iterator[Event]:
    """Parse and fold the lines of one source into events, updating ``counter``.

    ``latest``, given when ``reference_year`` is only assumed (the current
    year), moves a file's yearless dates a year back when they would lie after it.
    """
    parser = LineParser(counter.name, reference_year, latest)
    folder = EventFolder()
    number = 0
    for number, last, text in _numbered_lines(lines, counter):
        if not text.strip():
            counter.blank_lines += 1
        record = parser.parse(number, text)
        record.last_line = last
        appended_before = folder.appended_lines
        events = list(folder.add(record))
        _count(counter, record, continuation=folder.appended_lines > appended_before)
        for event in events:
            counter.events += 1
            yield event
    counter.lines = max(counter.lines, number)
    counter.yearless_timestamps = parser.yearless_timestamps
    for event in folder.finish():
        counter.events += 1
        yield event


def _numbered_lines(lines: Iterable[str | bytes], counter: SourceCounter) -> Iterator[tuple[int, int, str]]:
    """Decode lines, number them from 1 and join split container lines.

    Yields the first and last physical line numbers and the text.
    """
    return join_partial_lines(_decoded(lines, counter))


def _decoded(lines: Iterable[str | bytes], counter: SourceCounter) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(lines, 1):
        counter.lines = number
        text, truncated = decode_line(raw)
        if truncated:
            counter.truncated_lines += 1
        yield number, text


def _count(counter: SourceCounter, record: Record, continuation: bool) -> None:
    if record.timestamp is not None:
        _count_timestamp(counter, record.timestamp, record.zone_known)
    if record.header_found or continuation:
        counter.header_lines += 1
    if record.fields is not None:
        counter.json_lines += 1
    if record.text.strip():
        form = "continuation" if continuation and not record.header_found else record.format
        counter.formats[form] = counter.formats.get(form, 0) + 1


def _count_timestamp(counter: SourceCounter, stamp: datetime, zone_known: bool) -> None:
    """Count a timestamped line, noting a missing zone and a step back in time.

    Threads that share a log file can write a few milliseconds out of order,
    so only a step back of more than :data:`OUT_OF_ORDER_TOLERANCE` seconds
    behind the latest time seen so far counts.
    """
    counter.timestamped_lines += 1
    if not zone_known:
        counter.zoneless_lines += 1
    if counter.first_timestamp is None:
        counter.first_timestamp = stamp
    counter.last_timestamp = stamp
    latest = counter.latest_timestamp
    if latest is None or stamp > latest:
        counter.latest_timestamp = stamp
        return
    step_back = (latest - stamp).total_seconds()
    if step_back > OUT_OF_ORDER_TOLERANCE:
        counter.out_of_order_lines += 1
        counter.largest_step_back = max(counter.largest_step_back, step_back)


def merge_events(streams: list[Iterator[Event]]) -> Iterator[Event]:
    """Merge per-source event streams by timestamp, keeping each source's order.

    An event without a timestamp sorts at the time of the last timestamped
    event before it in its source (or before all timestamped events, if none came yet),
    so untimed lines stay next to their neighbours.
    """
    if len(streams) == 1:
        yield from streams[0]
        return
    keyed = [_with_sort_keys(stream, index) for index, stream in enumerate(streams)]
    for _, event in heapq.merge(*keyed, key=lambda item: item[0]):
        yield event


def _with_sort_keys(stream: Iterator[Event], index: int) -> Iterator[tuple[tuple[float, int, int], Event]]:
    last = float("-inf")
    for sequence, event in enumerate(stream):
        if event.timestamp is not None:
            last = event.timestamp.timestamp()
        yield (last, index, sequence), event
