"""Drain3's parse tree, adjusted so that different words are not merged into one template.

Plain Drain merges a line into the most similar template of the same length
once enough of its tokens agree, and turns the tokens that differ into
wildcards. So ``VM Started`` and ``VM Paused``, or ``"GET /a"`` and
``"POST /a"``, become one template, although each is its own log statement.
Here two different *words* at the same position (letters only, perhaps
quoted or followed by punctuation) keep a line out of a template. Tokens that
look like values (digits, placeholders, paths, names with dots) still merge.

Word positions that really are variables (user names, say) produce many
small sibling templates instead. :mod:`prodrescue.mining.merging` joins those
siblings at the end, once it can count how many different words a position
took.
"""

from __future__ import annotations

__all__ = ["MAX_CANDIDATES", "WordAwareDrain", "is_word"]

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from drain3.drain import Drain, LogCluster

# A word: letters, hyphens or apostrophes inside, perhaps one final digit
# (SOCKS5, eth0), optionally wrapped in quotes or brackets and followed by
# punctuation ("GET, Started, (Lifecycle, SPP.).
_WORD = re.compile(r"[\"'(\[]?[A-Za-z][A-Za-z'-]*(?<=[A-Za-z]{2})\d?[\"')\]]?[.,;:!?]?[\"')\]]?")
_NO_MATCH = -1.0
# Templates of one tree leaf that a line is compared with, newest first. Leaves
# of ordinary logs hold far fewer; only input where nearly every line is a new
# template reaches it.
MAX_CANDIDATES = 256


@lru_cache(maxsize=65536)
def is_word(token: str) -> bool:
    """Return whether ``token`` is a plain word rather than a value."""
    return _WORD.fullmatch(token) is not None


class WordAwareDrain(Drain):
    """Drain3's ``Drain`` in which a word differing from the template's word blocks the match."""

    @staticmethod
    def has_numbers(s: Iterable[str]) -> bool:
        """Return whether a token is routed through the tree's wildcard branch.

        Drain3 routes tokens with digits there. Placeholders such as ``<NUM>``
        and names with dots or slashes are values too, so they join it.
        """
        token = "".join(s)
        return any(char.isdigit() or char in "<./\\@" for char in token)

    def fast_match(
        self, cluster_ids: Collection[int], tokens: Sequence[str], sim_th: float, include_params: bool
    ) -> LogCluster | None:
        """Find the best template for a line among the newest :data:`MAX_CANDIDATES` of a tree leaf.

        Drain3 compares a line with every template in its leaf. When nearly
        every line is new, a leaf grows to thousands of templates and each
        line costs that many comparisons, so only the newest ones are tried.
        """
        if len(cluster_ids) > MAX_CANDIDATES:
            cluster_ids = list(cluster_ids)[-MAX_CANDIDATES:]
        return super().fast_match(cluster_ids, tokens, sim_th, include_params)

    def get_seq_distance(
        self, seq1: Sequence[str], seq2: Sequence[str], include_params: bool
    ) -> tuple[float, int]:
        """Return the share of equal tokens and the wildcard count, or -1 when two words differ.

        A template token that keeps brackets or a ``key=`` around its
        wildcard (``[<*>]``, ``size=<*>``) counts as a wildcard for a token
        with the same surroundings.
        """
        wildcard = self.param_str
        equal = 0
        wildcards = 0
        for template_token, token in zip(seq1, seq2, strict=True):
            if template_token == wildcard:
                wildcards += 1
            elif template_token == token:
                equal += 1
            elif wildcard in template_token and _fits(template_token, token, wildcard):
                wildcards += 1
            elif is_word(template_token) and is_word(token):
                return _NO_MATCH, wildcards
        if not seq1:
            return 1.0, 0
        if include_params:
            equal += wildcards
        return equal / len(seq1), wildcards

    def create_template(self, seq1: Sequence[str], seq2: Sequence[str]) -> Sequence[str]:
        """Merge a line's tokens into a template, keeping what differing tokens share around the value.

        ``[job_1]`` and ``[job_2]`` become ``[<*>]``, and ``size=10,`` and
        ``size=20,`` become ``size=<*>,``, so the template keeps its brackets,
        keys and punctuation.
        """
        wildcard = self.param_str
        merged = []
        for token, template_token in zip(seq1, seq2, strict=True):
            if template_token in (token, wildcard):
                merged.append(template_token)
            elif wildcard in template_token and _fits(template_token, token, wildcard):
                merged.append(template_token)
            else:
                merged.append(_wildcard_between(token, template_token, wildcard))
        return merged


def _fits(template_token: str, token: str, wildcard: str) -> bool:
    prefix, _, suffix = template_token.partition(wildcard)
    return len(token) > len(prefix) + len(suffix) and token.startswith(prefix) and token.endswith(suffix)


def _wildcard_between(first: str, second: str, wildcard: str) -> str:
    """Return a wildcard with the opening brackets, key and closing punctuation that both tokens share."""
    prefix = _SHARED_PREFIX.match(first)
    start = prefix.group() if prefix and second.startswith(prefix.group()) else ""
    suffix = _SHARED_SUFFIX.search(first[len(start) :])
    end = suffix.group() if suffix and second.endswith(suffix.group()) else ""
    if len(first) <= len(start) + len(end) or len(second) <= len(start) + len(end):
        return wildcard
    return f"{start}{wildcard}{end}"


# Opening brackets and quotes (not the angle brackets of placeholders), then
# perhaps a key such as "size=" or "user:".
_SHARED_PREFIX = re.compile(r"[\[({\"']*(?:[A-Za-z][\w.-]*[=:])?")
# Closing brackets, quotes and trailing punctuation.
_SHARED_SUFFIX = re.compile(r"[\])}\"',.;:]+$")
