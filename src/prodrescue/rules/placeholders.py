"""Fill rule sentences (summary, checks, actions) with captured values.

``{name}`` is the last value of a capture, ``{name.max}`` (``min``, ``first``,
``last``, ``count``) a statistic over the matched events, and built-in names
such as ``{count}``, ``{unreleased}`` or ``{change}`` come from the engine.
A sentence whose placeholders cannot all be filled is skipped, so a rule can
list a precise summary first and a plainer one after it.
"""

from __future__ import annotations

__all__ = ["fill_placeholders"]

import string
from collections.abc import Mapping

from prodrescue.rules.values import Value, ValueSummary


def fill_placeholders(
    text: str, summaries: Mapping[str, ValueSummary], values: Mapping[str, Value | str]
) -> str | None:
    """Return ``text`` with every placeholder filled, or None if one has no value."""
    pieces = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        pieces.append(literal)
        if name is None:
            continue
        filled = _lookup(name, summaries, values)
        if filled is None:
            return None
        pieces.append(filled)
    return "".join(pieces)


def _lookup(
    name: str, summaries: Mapping[str, ValueSummary], values: Mapping[str, Value | str]
) -> str | None:
    base, _, statistic = name.partition(".")
    # A built-in value, used only when no capture has the same name.
    if not statistic and base in values and base not in summaries:
        value = values[base]
        return value.text if isinstance(value, Value) else value
    summary = summaries.get(base)
    if summary is None:
        extra = values.get(name)
        if extra is None:
            return None
        return extra.text if isinstance(extra, Value) else extra
    if statistic in ("", "last"):
        return summary.last.text.strip()
    if statistic == "first":
        return summary.first.text.strip()
    if statistic == "count":
        return str(summary.count)
    chosen = summary.maximum if statistic == "max" else summary.minimum
    return chosen.text.strip() if chosen is not None else None
