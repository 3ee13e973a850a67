"""Samples of the numeric parameters of templates, in bounded memory.

The miner returns each event's masked values in template order (a number, a
duration, an IP, ...). The sampler keeps, per template and per position of a
numeric value, a fixed-size uniform sample of the values (reservoir
sampling), so that quantiles can be compared between a baseline and an
incident without keeping every value.
"""

from __future__ import annotations

__all__ = ["ParameterSampler", "numeric_value"]

import random
from array import array
from collections.abc import Callable, Iterable

import numpy as np

from prodrescue.baseline.profile import ParameterSpread
from prodrescue.rules.values import parse_value

# Masked kinds whose values are numbers. Durations are compared in seconds.
NUMERIC_KINDS = frozenset({"NUM", "DURATION"})
SAMPLE_SIZE = 256  # values kept per template and position
_MAX_POSITIONS = 4  # numeric values per template that are sampled, the first ones in the line
_MAX_GROUPS = 5_000  # templates that get samples; later ones are counted but not sampled


def numeric_value(kind: str, text: str) -> float | None:
    """Return the number of a masked value of a numeric kind, or None."""
    if kind not in NUMERIC_KINDS:
        return None
    return parse_value(text).number


class ParameterSampler:
    """Uniform samples of numeric parameter values per (group, position).

    A group is a Drain3 cluster while events stream, and a template after
    :meth:`regrouped`.
    """

    def __init__(self, seed: int = 0) -> None:
        self._samples: dict[tuple[int, int], array[float]] = {}
        self._seen: dict[tuple[int, int], int] = {}
        self._kinds: dict[tuple[int, int], str] = {}
        self._groups: set[int] = set()
        self._positions: dict[int, list[int]] = {}
        self._random = random.Random(seed)

    def add(self, group: int, parameters: Iterable[tuple[str, str]]) -> None:
        """Sample the numeric values among one event's ``parameters`` (kind, text)."""
        if group not in self._groups:
            if len(self._groups) >= _MAX_GROUPS:
                return
            self._groups.add(group)
        position = 0
        for index, (kind, text) in enumerate(parameters):
            if position >= _MAX_POSITIONS or kind == "*":
                break
            number = numeric_value(kind, text)
            if number is None:
                continue
            position += 1
            self._keep((group, index), kind, number)

    def _keep(self, key: tuple[int, int], kind: str, number: float) -> None:
        seen = self._seen.get(key, 0) + 1
        self._seen[key] = seen
        sample = self._samples.get(key)
        if sample is None:
            self._samples[key] = array("d", [number])
            self._kinds[key] = kind
            self._positions.setdefault(key[0], []).append(key[1])
        elif len(sample) < SAMPLE_SIZE:
            sample.append(number)
        else:
            slot = self._random.randrange(seen)
            if slot < SAMPLE_SIZE:
                sample[slot] = number

    def regrouped(self, group_of: Callable[[int], int]) -> ParameterSampler:
        """Return the samples with groups mapped by ``group_of``, merging groups that map to one."""
        merged = ParameterSampler()
        for (group, index), sample in self._samples.items():
            key = (group_of(group), index)
            if key not in merged._kinds:
                merged._kinds[key] = self._kinds[(group, index)]
                merged._positions.setdefault(key[0], []).append(index)
            merged._seen[key] = merged._seen.get(key, 0) + self._seen[(group, index)]
            combined = merged._samples.get(key)
            values = array("d", sample) if combined is None else combined + sample
            if len(values) > SAMPLE_SIZE:
                values = array("d", merged._random.sample(list(values), SAMPLE_SIZE))
            merged._samples[key] = values
            merged._groups.add(key[0])
        return merged

    def values(self, group: int, index: int) -> array[float] | None:
        """Return the sampled values at one position of a group, or None."""
        return self._samples.get((group, index))

    def spreads(self, group: int) -> tuple[ParameterSpread, ...]:
        """Return the quantiles of every sampled position of ``group``, by position."""
        spreads = []
        for index in sorted(self._positions.get(group, ())):
            values = np.asarray(self._samples[(group, index)])
            low, p50, p95, p99, high = np.quantile(values, [0.0, 0.5, 0.95, 0.99, 1.0])
            spreads.append(
                ParameterSpread(
                    index=index,
                    kind=self._kinds[(group, index)],
                    count=self._seen[(group, index)],
                    minimum=float(low),
                    p50=float(p50),
                    p95=float(p95),
                    p99=float(p99),
                    maximum=float(high),
                    distinct=len(np.unique(values)),
                )
            )
        return tuple(spreads)
