"""Log ingestion: parse lines into records, fold records into events and merge the sources."""

from prodrescue.ingest.records import Event, Record
from prodrescue.ingest.sources import LogSource, discover_sources
from prodrescue.ingest.stream import SourceCounter, iter_events, merge_events

__all__ = [
    "Event",
    "LogSource",
    "Record",
    "SourceCounter",
    "discover_sources",
    "iter_events",
    "merge_events",
]
