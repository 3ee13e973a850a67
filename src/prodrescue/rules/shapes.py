"""Reuse rule work across texts that differ only in their digits.

Most log lines repeat an earlier line up to its numbers: ids, durations,
counters, timestamps. The rule engine keys what it learns about a text by the
text's shape, the text with every digit replaced by ``0``. A condition that
cannot match a shape is skipped for every later text of that shape.

"Cannot match" is proven, not guessed. A pattern that names no digit treats
every digit alike, so its result holds for the whole shape at once. A pattern
that names digits (``5\\d\\d``, ``ORA-00060``) is widened first: each literal
digit becomes ``\\d``. When the widened pattern does not match a text, no
text of the same shape can match the original.
"""

from __future__ import annotations

__all__ = ["digit_general_source", "text_shape"]

import re

_ZERO_DIGITS = str.maketrans("123456789", "000000000")
_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")
# Escapes followed by characters that spell a code point: widening their
# digits would change which character they name.
_CODE_ESCAPES = frozenset("xuUNo0123456789")
_VERBOSE_FLAG = re.compile(r"\(\?[a-zA-Z]*x")
_NAMED_GROUP_START = re.compile(r"\(\?P?<(?![=!])")


def text_shape(text: str) -> str:
    """Return ``text`` with every ASCII digit replaced by ``0``."""
    return text.translate(_ZERO_DIGITS)


def digit_general_source(source: str) -> str | None:
    """Return ``source`` with each literal digit widened to any digit, or None when that is unsafe.

    The result matches every text that ``source`` matches, and also the same
    texts with other digits. None is returned for back-references, recursion,
    code-point escapes and verbose patterns, and for digits in negated
    classes or negative lookarounds: there, widening is not a simple rewrite,
    and the caller treats the pattern as able to match anything.
    """
    if _VERBOSE_FLAG.search(source):
        return None  # comments could hide brackets and parentheses from this scan
    out: list[str] = []
    pos = 0
    class_body = -1  # where the body of the open character class starts, -1 outside one
    class_negated = class_digits = False
    groups: list[bool] = []  # per open group, whether it lies in a negative lookaround
    while pos < len(source):
        char = source[pos]
        if char == "\\":
            escaped = source[pos + 1 : pos + 2]
            if escaped in _CODE_ESCAPES or escaped == "g":
                return None
            out.append(source[pos : pos + 2])
            pos += 2
            continue
        if class_body >= 0:
            if char == "]" and pos > class_body:
                class_body = -1
                out.append("\\d]" if class_digits else "]")
            elif char.isdigit() and char.isascii():
                if class_negated:
                    return None
                class_digits = True
                out.append(char)
            else:
                out.append(char)
            pos += 1
            continue
        if char == "[":
            class_negated = source.startswith("^", pos + 1)
            class_body = pos + 2 if class_negated else pos + 1
            class_digits = False
            out.append(source[pos:class_body])
            pos = class_body
            continue
        end = _verbatim_end(source, pos)
        if end is None:
            return None
        if char == "(" and (end == pos or source[end - 1] != ")"):
            # Inside a negative lookaround, a wider digit would reject more, not less.
            negated = source.startswith(("(?!", "(?<!"), pos)
            groups.append(negated or bool(groups and groups[-1]))
        elif char == ")" and groups:
            groups.pop()
        if end > pos:
            out.append(source[pos:end])
            pos = end
            continue
        if char.isdigit() and char.isascii():
            if groups and groups[-1]:
                return None
            char = "\\d"
        out.append(char)
        pos += 1
    return "".join(out)


def _verbatim_end(source: str, pos: int) -> int | None:
    """Return the end of a construct at ``pos`` whose digits must stay, ``pos`` if none starts there.

    Such constructs are counted repeats (``{3}``), group names and comments.
    None means a construct that cannot be widened (recursion, a numbered
    group reference).
    """
    if source[pos] == "{":
        quantifier = _QUANTIFIER.match(source, pos)
        return quantifier.end() if quantifier else pos
    if not source.startswith("(?", pos):
        return pos
    after = source[pos + 2 : pos + 3]
    if after.isdigit() or (after in ("+", "-") and source[pos + 3 : pos + 4].isdigit()):
        return None
    if after == "#" or source.startswith("P=", pos + 2) or source.startswith("P>", pos + 2):
        close = source.find(")", pos)
        return None if close < 0 else close + 1
    if _NAMED_GROUP_START.match(source, pos):
        close = source.find(">", pos)
        return None if close < 0 else close + 1
    return pos
