"""Build a baseline profile from healthy logs (``prodrescue learn``)."""

from __future__ import annotations

__all__ = ["learn_profile"]

import logging
from datetime import datetime

from prodrescue.baseline.parameters import ParameterSampler
from prodrescue.baseline.profile import Profile, ProfileTemplate
from prodrescue.ingest import SourceCounter, iter_events, merge_events
from prodrescue.mining import Miner, MinerSettings
from prodrescue.pipeline import Input

logger = logging.getLogger(__name__)


def learn_profile(
    inputs: list[Input],
    *,
    reference_year: int,
    latest: datetime | None = None,
    miner_settings: MinerSettings | None = None,
    created_by: str = "",
) -> Profile:
    """Mine the inputs and return their templates with counts, levels and numeric parameter spreads.

    The inputs are read the way a diagnosis reads them (headers, folding of
    multi-line events, masking), so that the same templates come out when
    the same system's logs are diagnosed later.
    """
    counters = [SourceCounter(item.name) for item in inputs]
    streams = [
        iter_events(item.lines, counter, reference_year, latest)
        for item, counter in zip(inputs, counters, strict=True)
    ]
    miner = Miner(miner_settings)
    sampler = ParameterSampler()
    counts: dict[int, int] = {}
    levels: dict[int, dict[str, int]] = {}
    first: datetime | None = None
    last: datetime | None = None
    events = 0
    for event in merge_events(streams):
        cluster, parameters = miner.add(event.headline)
        events += 1
        counts[cluster] = counts.get(cluster, 0) + 1
        level = event.level.name.lower() if event.level is not None else "none"
        by_level = levels.setdefault(cluster, {})
        by_level[level] = by_level.get(level, 0) + 1
        sampler.add(cluster, parameters)
        if event.timestamp is not None:
            first = event.timestamp if first is None or event.timestamp < first else first
            last = event.timestamp if last is None or event.timestamp > last else last

    templates = miner.resolve()
    texts = sorted({template.text for template in templates.values()})
    group_of_text = {text: group for group, text in enumerate(texts)}

    def group_of(cluster: int) -> int:
        template = templates.get(cluster)
        return group_of_text[template.text] if template is not None else -1

    by_template = sampler.regrouped(group_of)
    template_counts = [0] * len(texts)
    template_levels: list[dict[str, int]] = [{} for _ in texts]
    for cluster, count in counts.items():
        group = group_of(cluster)
        if group < 0:  # evicted by the template cap: its events are not part of the profile
            continue
        template_counts[group] += count
        for level, level_count in levels[cluster].items():
            template_levels[group][level] = template_levels[group].get(level, 0) + level_count

    profile_templates = tuple(
        ProfileTemplate(
            text,
            template_counts[group],
            dict(sorted(template_levels[group].items())),
            by_template.spreads(group),
        )
        for text, group in group_of_text.items()
        if template_counts[group]
    )
    seconds = (last - first).total_seconds() if first is not None and last is not None else None
    logger.debug("learned %d templates from %d events", len(profile_templates), events)
    return Profile(
        events=events,
        seconds=seconds,
        sources=tuple(item.name for item in inputs),
        templates=profile_templates,
        created_by=created_by,
    )
