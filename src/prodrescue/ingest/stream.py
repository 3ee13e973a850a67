"""Turn the raw lines of several sources into one stream of events in time order."""

from __future__ import annotations

__all__ = ["SourceCounter", "iter_events", "merge_events"]

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from prodrescue.ingest.folding import EventFolder
from prodrescue.ingest.lines import LineParser
from prodrescue.ingest.records import Event
from prodrescue.ingest.sources import decode_line


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
    events: int = 0
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None


def iter_events(lines: Iterable[str | bytes], counter: SourceCounter, reference_year: int) -> Iterator[Event]:
    """Parse and fold the lines of one source into events, updating ``counter``."""
    parser = LineParser(counter.name, reference_year)
    folder = EventFolder()
    number = 0
    for raw in lines:
        number += 1
        text, truncated = decode_line(raw)
        if truncated:
            counter.truncated_lines += 1
        if not text.strip():
            counter.blank_lines += 1
        record = parser.parse(number, text)
        if record.timestamp is not None:
            counter.timestamped_lines += 1
            if counter.first_timestamp is None:
                counter.first_timestamp = record.timestamp
            counter.last_timestamp = record.timestamp
        if record.header_found:
            counter.header_lines += 1
        if record.fields is not None:
            counter.json_lines += 1
        for event in folder.add(record):
            counter.events += 1
            yield event
    counter.lines = number
    for event in folder.finish():
        counter.events += 1
        yield event


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
