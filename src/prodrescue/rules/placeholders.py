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
    if statistic == "values":
        return _list_values(summary)
    if statistic == "first":
        return summary.first.text.strip()
    if statistic == "count":
        return str(summary.count)
    chosen = summary.maximum if statistic == "max" else summary.minimum
    return chosen.text.strip() if chosen is not None else None


def _list_values(summary: ValueSummary) -> str:
    """Name the distinct values seen: ``a``, ``a and b``, ``a, b, c and 2 more``."""
    values = [text.strip() for text in summary.distinct]
    shown = values[:3]
    more = len(values) - len(shown)
    if more > 0 or summary.distinct_overflow:
        extra = f"{more}+" if summary.distinct_overflow else str(more)
        return ", ".join(shown) + f" and {extra} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
