"""List the templates that diagnosis mines from an input, with counts, levels and examples.

:func:`mine_templates` reads, parses and folds the input and mines each
event's headline exactly as :func:`prodrescue.diagnose` does, then stops: no
rules, no scores. Template ids come from :meth:`prodrescue.mining.Miner.resolve`
at the end of the input, so they are the ids that a diagnosis shows.

Memory stays bounded unless ``keep_events`` is set: the state kept per Drain3
cluster is a count, a level tally and one example line, and the number of
clusters tallied is capped at twice the miner's template cap.
"""

from __future__ import annotations

__all__ = ["EventTemplate", "TemplateExample", "TemplateListing", "TemplateSummary", "mine_templates"]

import logging
import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from prodrescue.api import collect_inputs
from prodrescue.ingest import Event, SourceCounter, iter_events, merge_events
from prodrescue.ingest.lines import strip_ansi
from prodrescue.ingest.reading import decode_line
from prodrescue.ingest.timestamps import year_for_yearless
from prodrescue.levels import Level
from prodrescue.mining import Miner, MinerSettings, Template
from prodrescue.model import Redaction, SourceStats
from prodrescue.pipeline import Input, source_stats
from prodrescue.progress import ProgressCallback
from prodrescue.redact import Redactor

logger = logging.getLogger(__name__)

# Characters kept of an example line, as in the diagnosis' template statistics.
_EXAMPLE_CHARS = 500
# The key under which events without a level are counted in ``levels``.
NO_LEVEL = "none"
# Levels in the order listed: most severe first, events without a level last.
_LEVEL_ORDER = {level.label: -int(level) for level in Level} | {NO_LEVEL: 0}


@dataclass(frozen=True, slots=True)
class TemplateExample:
    """The first event of a template: its source, 1-based first line, and that line as logged.

    ``text`` is cut to 500 characters, has terminal colour codes removed and,
    unless redaction was turned off, its secrets replaced by ``[REDACTED]``.
    """

    source: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    """A mined template and its events.

    ``id`` and ``text`` are those of :class:`prodrescue.mining.Template`.
    ``count`` is the number of events with this template. ``levels`` pairs
    each level name (``error``, ``info``, ...; ``none`` for events without a
    level) with its event count, most severe level first.
    """

    id: str
    text: str
    count: int
    levels: tuple[tuple[str, int], ...]
    example: TemplateExample


@dataclass(frozen=True, slots=True)
class EventTemplate:
    """The template of one event: its source, the 1-based number of its first line, the template id.

    ``template_id`` is empty when the event's template was evicted by the
    miner's template cap before the end of the input.
    """

    source: str
    line: int
    template_id: str


@dataclass(frozen=True, slots=True)
class TemplateListing:
    """The result of :func:`mine_templates`.

    ``templates`` are sorted by event count, highest first, then by first
    appearance. ``sources`` describes each input as in a diagnosis.
    ``events`` is None unless ``keep_events`` was set. Then it contains one
    item per event, in the order that diagnosis mines them (merged by
    timestamp across sources). ``unlisted_events`` counts the events whose
    template is not listed, because the template cap evicted it (then
    ``cap_reached`` is set) or because it first appeared after twice the
    cap's number of clusters had been tallied. ``input_errors`` names the
    inputs that could not be read, or not to their end. ``redaction`` states
    whether secrets were redacted from template texts and examples, and how
    many distinct values were replaced.
    """

    templates: tuple[TemplateSummary, ...]
    sources: tuple[SourceStats, ...]
    events: tuple[EventTemplate, ...] | None
    unlisted_events: int
    cap_reached: bool
    input_errors: tuple[str, ...]
    redaction: Redaction


@dataclass(slots=True)
class _ClusterTally:
    """Running count, level tally and first example of one Drain3 cluster's events."""

    first_ordinal: int
    example: tuple[str, int, str]
    count: int = 0
    levels: dict[str, int] = field(default_factory=dict)


def mine_templates(
    lines: Iterable[str | bytes] | str | bytes | None = None,
    *,
    paths: Sequence[str | os.PathLike[str]] = (),
    source: str = "<input>",
    reference_year: int | None = None,
    parse_headers: bool = True,
    keep_events: bool = False,
    miner_settings: MinerSettings | None = None,
    redact: bool = True,
    progress: ProgressCallback | None = None,
) -> TemplateListing:
    """Mine the templates of log lines and/or log files, as :func:`prodrescue.diagnose` mines them.

    Args:
        lines: log lines as ``str`` or ``bytes`` (any iterable, read once), or
            one string or bytes object containing many lines, named ``source``.
        paths: files, directories, compressed files or ``-`` for standard
            input, as for :func:`prodrescue.diagnose`. A path that cannot be
            read is listed in ``input_errors`` and the rest is still mined.
        reference_year: year for timestamps that have none (syslog, klog),
            or the current UTC year when None.
        parse_headers: when False, every non-blank line is one whole message:
            no header parsing and no folding of continuation lines.
            Use it for messages that were already taken out of their log
            lines. Colour codes are still removed, as they are before mining.
        keep_events: also return the template of every event in ``events``.
            This keeps one item per event in memory.
        miner_settings: Drain3 parameters, for experiments.
        redact: replace secrets in template texts and example lines (see
            :mod:`prodrescue.redact`). Mining always reads the original text.
        progress: called with the lines and bytes read so far, as for
            :func:`prodrescue.diagnose`.

    Raises:
        prodrescue.InputError: no input could be read at all.
    """
    inputs, errors = collect_inputs(lines, paths, source, caller="mine_templates", progress=progress)
    year, latest = year_for_yearless(reference_year)
    counters = [SourceCounter(item.name) for item in inputs]
    streams = [
        _events(item, counter, year, latest, parse_headers)
        for item, counter in zip(inputs, counters, strict=True)
    ]

    miner = Miner(miner_settings)
    max_tallies = 2 * miner.settings.max_templates
    tallies: dict[int, _ClusterTally] = {}
    untallied = 0
    recorded = _RecordedEvents() if keep_events else None

    for ordinal, event in enumerate(merge_events(streams)):
        cluster, _parameters = miner.add(event.headline)
        if recorded is not None:
            recorded.add(event, cluster)
        tally = tallies.get(cluster)
        if tally is None:
            if len(tallies) >= max_tallies:
                # NOTE: a cluster first seen past this point is never listed, even
                # when it is still live at the end; ``events`` does name its template.
                untallied += 1
                continue
            example = (event.source, event.first_line, event.lines[0][:_EXAMPLE_CHARS])
            tally = _ClusterTally(first_ordinal=ordinal, example=example)
            tallies[cluster] = tally
        tally.count += 1
        label = event.level.label if event.level is not None else NO_LEVEL
        tally.levels[label] = tally.levels.get(label, 0) + 1

    resolved = miner.resolve()
    redactor = Redactor() if redact else None
    summaries, unlisted = _summaries(tallies, resolved, redactor)
    listing = TemplateListing(
        templates=summaries,
        sources=tuple(source_stats(counter) for counter in counters),
        events=recorded.resolve(resolved) if recorded is not None else None,
        unlisted_events=unlisted + untallied,
        cap_reached=miner.cap_reached,
        input_errors=tuple(str(error) for error in errors),
        redaction=Redaction(enabled=redact, replaced=redactor.replaced if redactor else 0),
    )
    logger.debug(
        "mined %d templates from %d events of %d inputs",
        len(summaries),
        sum(counter.events for counter in counters),
        len(inputs),
    )
    return listing


def _events(
    item: Input, counter: SourceCounter, year: int, latest: datetime | None, parse_headers: bool
) -> Iterator[Event]:
    if parse_headers:
        return iter_events(item.lines, counter, year, latest)
    return _message_events(item.lines, counter)


def _message_events(lines: Iterable[str | bytes], counter: SourceCounter) -> Iterator[Event]:
    """Make one event of each non-blank line, keeping the line whole as its message.

    Blank lines are counted in ``counter`` but give no event, as in folding.
    """
    for number, raw in enumerate(lines, 1):
        counter.lines = number
        text, truncated = decode_line(raw)
        if truncated:
            counter.truncated_lines += 1
        text = strip_ansi(text)
        if not text.strip():
            counter.blank_lines += 1
            continue
        counter.formats["plain"] = counter.formats.get("plain", 0) + 1
        counter.events += 1
        yield Event(source=counter.name, first_line=number, last_line=number, message=text, lines=[text])


def _summaries(
    tallies: dict[int, _ClusterTally], resolved: dict[int, Template], redactor: Redactor | None
) -> tuple[tuple[TemplateSummary, ...], int]:
    """Combine the tallies of clusters that resolve to one template id.

    Returns the summaries, sorted, and the number of events whose cluster was
    evicted before the end (it has no template).
    """
    grouped: dict[str, list[_ClusterTally]] = {}
    texts: dict[str, str] = {}
    unlisted = 0
    for cluster, tally in tallies.items():
        template = resolved.get(cluster)
        if template is None:
            unlisted += tally.count
            continue
        grouped.setdefault(template.id, []).append(tally)
        texts[template.id] = template.text

    clean = redactor.text if redactor is not None else _unchanged
    ranked: list[tuple[int, int, TemplateSummary]] = []
    for template_id, group in grouped.items():
        first = min(group, key=lambda tally: tally.first_ordinal)
        levels: dict[str, int] = {}
        for tally in group:
            for label, count in tally.levels.items():
                levels[label] = levels.get(label, 0) + count
        count = sum(tally.count for tally in group)
        example_source, example_line, example_text = first.example
        summary = TemplateSummary(
            id=template_id,
            text=clean(texts[template_id]),
            count=count,
            levels=tuple(sorted(levels.items(), key=lambda item: _LEVEL_ORDER[item[0]])),
            example=TemplateExample(example_source, example_line, clean(strip_ansi(example_text))),
        )
        ranked.append((-count, first.first_ordinal, summary))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(summary for _, _, summary in ranked), unlisted


def _unchanged(text: str) -> str:
    return text


class _RecordedEvents:
    """The source, first line and Drain3 cluster of every event, in compact arrays."""

    def __init__(self) -> None:
        self._source_names: list[str] = []
        self._source_index: dict[str, int] = {}
        self._sources = array("I")
        self._lines = array("Q")
        self._clusters = array("q")

    def add(self, event: Event, cluster: int) -> None:
        index = self._source_index.get(event.source)
        if index is None:
            index = len(self._source_names)
            self._source_index[event.source] = index
            self._source_names.append(event.source)
        self._sources.append(index)
        self._lines.append(event.first_line)
        self._clusters.append(cluster)

    def resolve(self, resolved: dict[int, Template]) -> tuple[EventTemplate, ...]:
        """Name each event's template by its final id (empty for an evicted cluster)."""
        ids = {cluster: template.id for cluster, template in resolved.items()}
        names = self._source_names
        return tuple(
            EventTemplate(names[index], line, ids.get(cluster, ""))
            for index, line, cluster in zip(self._sources, self._lines, self._clusters, strict=True)
        )
