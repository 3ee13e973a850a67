"""The diagnosis pipeline: lines → events → templates → rule matches and statistics → causes.

Everything streams. Each event passes once through the miner, the template
statistics and the rule engine, and only their state (per-template counters,
per-condition samples) outlives it. Ranking and report building run once at
the end, on that state.
"""

from __future__ import annotations

__all__ = ["DEFAULT_CHANGE_WINDOW_SECONDS", "Input", "run", "source_stats"]

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from prodrescue.baseline import ParameterSampler, Profile, baseline_report, compare_with_baseline
from prodrescue.context import ServiceContext
from prodrescue.errors import InputError
from prodrescue.ingest import Event, SourceCounter, iter_events, merge_events
from prodrescue.levels import Level
from prodrescue.mining import Miner, MinerSettings, template_key
from prodrescue.model import Diagnosis, InputStats, SourceStats
from prodrescue.ranking import (
    build_causes,
    build_near_misses,
    build_timeline,
    candidates_from_rules,
    candidates_from_templates,
    change_markers,
    departure_entry,
    rank_candidates,
)
from prodrescue.rules.conditions.base import format_seconds
from prodrescue.rules.engine import RuleEngine, RuleFault
from prodrescue.rules.model import RuleSet
from prodrescue.sanitize import sanitize_diagnosis
from prodrescue.scoring import TemplateStats, score_templates
from prodrescue.scoring.windows import find_departure

logger = logging.getLogger(__name__)

# A deploy or config change up to this long before a cause's onset is named
# as the change that preceded it.
DEFAULT_CHANGE_WINDOW_SECONDS = 3600.0
# A source with at least this many lines, of which less than this share was
# understood, gets a caveat: its format was probably not recognised.
_MIN_LINES_FOR_FORMAT_CAVEAT = 20
_LOW_UNDERSTOOD_SHARE = 0.5
# A baseline of fewer events than this gets a caveat: rates from it are rough.
_SMALL_BASELINE_EVENTS = 200


@dataclass(frozen=True, slots=True)
class Input:
    """One named stream of raw lines (a file, standard input, or a list in memory)."""

    name: str
    lines: Iterable[str | bytes]


@dataclass(slots=True)
class _Tracker:
    """Whole-input facts gathered while events stream past."""

    events: int = 0
    error_events: int = 0
    first_error: Event | None = None
    first_timestamp: datetime | None = None
    last_timestamp: datetime | None = None

    def add(self, event: Event) -> None:
        self.events += 1
        if event.level is not None and event.level >= Level.ERROR:
            self.error_events += 1
            if self.first_error is None:
                self.first_error = event
        stamp = event.timestamp
        if stamp is not None:
            if self.first_timestamp is None or stamp < self.first_timestamp:
                self.first_timestamp = stamp
            if self.last_timestamp is None or stamp > self.last_timestamp:
                self.last_timestamp = stamp


def run(
    inputs: list[Input],
    rules: RuleSet,
    *,
    reference_year: int,
    latest: datetime | None = None,
    max_causes: int | None = None,
    change_window: float = DEFAULT_CHANGE_WINDOW_SECONDS,
    miner_settings: MinerSettings | None = None,
    input_errors: list[InputError] | None = None,
    redact: bool = True,
    keep_ansi: bool = False,
    baseline: Profile | None = None,
    baseline_name: str = "baseline",
    context: ServiceContext | None = None,
) -> Diagnosis:
    """Diagnose the inputs with the rules. :func:`prodrescue.diagnose` describes the parameters.

    ``input_errors`` is the list that the inputs' readers append their errors
    to while they are read; it is read once all input has been consumed.
    """
    counters = [SourceCounter(item.name) for item in inputs]
    streams = [
        iter_events(item.lines, counter, reference_year, latest)
        for item, counter in zip(inputs, counters, strict=True)
    ]
    miner = Miner(miner_settings)
    stats = TemplateStats()
    engine = RuleEngine(rules)
    tracker = _Tracker()
    parameters = ParameterSampler() if baseline is not None else None

    for event in _numbered(merge_events(streams)):
        event.cluster_id, event.parameters = miner.add(event.headline)
        stats.add(event)
        engine.observe(event)
        tracker.add(event)
        if parameters is not None:
            parameters.add(event.cluster_id, event.parameters)

    templates = miner.resolve()
    stats = stats.regrouped(lambda cluster: template_key(cluster, templates))
    comparison = None
    if baseline is not None and parameters is not None:
        by_row = parameters.regrouped(lambda cluster: stats.row_of.get(cluster, -1))
        comparison = compare_with_baseline(stats, templates, by_row, baseline, baseline_name)
    results = engine.finish(tracker.last_timestamp)
    scores = score_templates(stats, comparison)
    found = find_departure(stats, scores.axis)
    departure = departure_entry(found, stats, templates) if found is not None else None
    changes = change_markers(results)
    candidates = candidates_from_rules(results, stats)
    covered = {cluster for candidate in candidates for cluster in candidate.per_cluster}
    candidates += candidates_from_templates(stats, scores, templates, covered, comparison)
    ranked = rank_candidates(candidates, scores, changes, change_window, context)
    if max_causes is not None:
        ranked = ranked[:max_causes]

    errors = input_errors or []
    causes = build_causes(ranked, templates)
    input_stats = _input_stats(counters, tracker, len({t.id for t in templates.values()}), len(rules))
    logger.debug("diagnosed %d events from %d inputs: %d causes", tracker.events, len(inputs), len(causes))
    diagnosis = Diagnosis(
        causes=causes,
        timeline=build_timeline(causes, ranked, changes, tracker.first_error, departure),
        stats=input_stats,
        near_misses=build_near_misses(results),
        caveats=_caveats(
            input_stats,
            counters,
            miner.cap_reached,
            engine.faults,
            errors,
            year_assumed=latest is not None,
            baseline_events=baseline.events if baseline is not None else None,
        ),
        input_errors=tuple(str(error) for error in errors),
        baseline=baseline_report(comparison, stats, templates) if comparison is not None else None,
    )
    return sanitize_diagnosis(diagnosis, redact_secrets=redact, keep_ansi=keep_ansi)


def _numbered(events: Iterator[Event]) -> Iterator[Event]:
    for ordinal, event in enumerate(events):
        event.ordinal = ordinal
        yield event


def _input_stats(counters: list[SourceCounter], tracker: _Tracker, templates: int, rules: int) -> InputStats:
    lines = sum(counter.lines for counter in counters)
    timestamped = sum(counter.timestamped_lines for counter in counters)
    content_lines = lines - sum(counter.blank_lines for counter in counters)
    sources = tuple(source_stats(counter) for counter in counters)
    return InputStats(
        lines=lines,
        events=tracker.events,
        templates=templates,
        error_events=tracker.error_events,
        first_timestamp=tracker.first_timestamp,
        last_timestamp=tracker.last_timestamp,
        timestamped_share=_share(timestamped, content_lines),
        sources=sources,
        rules_evaluated=rules,
    )


def source_stats(counter: SourceCounter) -> SourceStats:
    """Summarise the counts of one source, read to its end, as :class:`SourceStats`."""
    return SourceStats(
        name=counter.name,
        lines=counter.lines,
        events=counter.events,
        timestamped_share=_share(counter.timestamped_lines, counter.lines - counter.blank_lines),
        header_share=_share(counter.header_lines, counter.lines - counter.blank_lines),
        json_lines=counter.json_lines,
        truncated_lines=counter.truncated_lines,
        format=counter.detected_format,
        formats=tuple(sorted(counter.formats.items(), key=lambda item: (-item[1], item[0]))),
        zoneless_lines=counter.zoneless_lines,
        out_of_order_lines=counter.out_of_order_lines,
        largest_step_back_seconds=round(counter.largest_step_back, 3),
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole > 0 else 0.0


def _caveats(
    stats: InputStats,
    counters: list[SourceCounter],
    cap_reached: bool,
    faults: list[RuleFault],
    errors: list[InputError],
    *,
    year_assumed: bool,
    baseline_events: int | None = None,
) -> tuple[str, ...]:
    caveats = [f"input not fully read, the diagnosis is without it: {error}" for error in errors]
    if stats.events == 0:
        caveats.append("the input has no log lines, so there is nothing to diagnose")
    elif stats.first_timestamp is None:
        caveats.append(
            "no timestamps were found, so onset order follows line order and time windows "
            "in rules were not checked"
        )
    else:
        untimed = [s.name for s in stats.sources if s.lines and s.timestamped_share == 0.0]
        if untimed:
            caveats.append(
                f"no timestamps in {', '.join(untimed)}: its events are placed by line order "
                "next to the timed sources"
            )
    for source in stats.sources:
        if source.lines >= _MIN_LINES_FOR_FORMAT_CAVEAT and source.header_share < _LOW_UNDERSTOOD_SHARE:
            caveats.append(
                f"only {source.header_share:.0%} of the lines of {source.name} had a recognised "
                "header or structure, so their messages may still carry timestamps and levels "
                "(see 'prodrescue parse')"
            )
    caveats.extend(_time_order_caveats(counters))
    yearless = [counter.name for counter in counters if counter.yearless_timestamps]
    if yearless and year_assumed:
        caveats.append(
            f"timestamps without a year in {', '.join(yearless)} were given the current year, or the "
            "year before where that would put them in the future; pass --year (reference_year=) "
            "if the logs are from another year"
        )
    truncated = sum(counter.truncated_lines for counter in counters)
    if truncated:
        lines = "1 line" if truncated == 1 else f"{truncated} lines"
        caveats.append(f"{lines} longer than 65,536 characters were cut to that length before analysis")
    if cap_reached:
        caveats.append(
            "the template cap was reached, so the least recently seen templates were merged "
            "away; rare early templates may be missing from the statistics"
        )
    caveats.extend(fault.message for fault in faults)
    if baseline_events is not None and baseline_events < _SMALL_BASELINE_EVENTS:
        caveats.append(
            f"the baseline has only {baseline_events} events, so its verdicts (new, more frequent) rest "
            "on little data; learn it from more healthy logs"
        )
    return tuple(caveats)


def _time_order_caveats(counters: list[SourceCounter]) -> list[str]:
    """Warn where timestamps go back in time, or where zoned and zoneless sources meet."""
    caveats = []
    for counter in counters:
        if counter.out_of_order_lines:
            count = counter.out_of_order_lines
            lines = "1 line" if count == 1 else f"{count} lines"
            caveats.append(
                f"{lines} of {counter.name} {'is' if count == 1 else 'are'} timed earlier than a "
                f"line above (by up to {format_seconds(counter.largest_step_back)}); its events keep the "
                "order of the file, so onsets in it follow line order"
            )
    timed = [counter for counter in counters if counter.timestamped_lines]
    zoneless = [counter.name for counter in timed if counter.zoneless_lines * 2 > counter.timestamped_lines]
    zoned = [counter.name for counter in timed if counter.zoneless_lines * 2 <= counter.timestamped_lines]
    if zoneless and zoned:
        caveats.append(
            f"timestamps without a time zone in {', '.join(zoneless)} were read as UTC; if they are "
            f"local time, their order against {', '.join(zoned)} is off by the zone offset"
        )
    return caveats
