"""Template mining with Drain3, behind ids that depend only on the template text.

Drain3 numbers its clusters in arrival order, so the same template gets a
different number in another run or shard. Here every template is named by a
hash of its final text, which is stable across runs, machines and inputs.
Events refer to Drain3 clusters while the input streams. The ids are resolved
once, at the end, when every template has its final form.
"""

from __future__ import annotations

__all__ = ["Miner", "MinerSettings", "Template", "template_id_for", "template_key"]

import hashlib
from dataclasses import dataclass
from typing import TypeVar

from drain3.drain import LogCluster

from prodrescue.mining.masking import Masker
from prodrescue.mining.merging import merge_siblings
from prodrescue.mining.tree import WordAwareDrain

# Maximum characters of a headline that are mined, because Drain3's cost grows
# with the token count. The start of a message usually decides its template.
_MAX_MINED_CHARS = 2000
_WILDCARD = "<*>"
_V = TypeVar("_V")
_ZERO_DIGITS = str.maketrans("123456789", "000000000")
# Entries kept in each cache. When one fills, it starts again empty, so memory
# stays bounded on input where nearly every message is new.
_CACHE_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class MinerSettings:
    """Drain3 parameters.

    ``max_templates`` caps Drain3's memory. Beyond it, Drain3 evicts the least
    recently used template, and the diagnosis reports that the cap was hit.
    """

    similarity_threshold: float = 0.4
    depth: int = 4
    max_children: int = 100
    max_templates: int = 50_000


@dataclass(frozen=True, slots=True)
class Template:
    """A mined template: content-hash ``id``, ``text`` with placeholders, event ``count``."""

    id: str
    text: str
    count: int


def template_id_for(text: str) -> str:
    """Return the stable id of a template text: 12 hex digits of its BLAKE2b hash."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def _wildcard_value(template_token: str, token: str) -> str:
    """Return the part of ``token`` that the wildcard of ``template_token`` (``[<*>]``, ``id=<*>``) covers."""
    prefix, _, suffix = template_token.partition(_WILDCARD)
    if token.startswith(prefix) and token.endswith(suffix) and len(token) > len(prefix) + len(suffix):
        return token[len(prefix) : len(token) - len(suffix)]
    return token


def _remember(cache: dict[str, _V], key: str, value: _V) -> None:
    if len(cache) >= _CACHE_ENTRIES:
        cache.clear()
    cache[key] = value


def template_key(cluster: int, templates: dict[int, Template]) -> str:
    """Return the id of a cluster's template, or a key of its own when it has none (evicted, overflow)."""
    template = templates.get(cluster)
    return template.id if template is not None else f"cluster:{cluster}"


class Miner:
    """Drain3 template miner for event headlines. Call :meth:`add` once per event."""

    def __init__(self, settings: MinerSettings | None = None) -> None:
        self.settings = settings or MinerSettings()
        self._masker = Masker()
        # Masking by message with its digits zeroed, and the cluster of each masked text.
        self._masked: dict[str, tuple[str, tuple[tuple[str, int, int], ...]]] = {}
        self._cluster_of: dict[str, int] = {}
        self._drain = WordAwareDrain(
            sim_th=self.settings.similarity_threshold,
            depth=self.settings.depth,
            max_children=self.settings.max_children,
            max_clusters=self.settings.max_templates,
            param_str=_WILDCARD,
        )

    def add(self, headline: str) -> tuple[int, tuple[tuple[str, str], ...]]:
        """Mine one headline and return its Drain3 cluster number and typed parameters.

        Parameters are the masked values (``("NUM", "200")``) followed by the
        token parts that Drain3 turned into wildcards (``("*", "worker-a")``).
        A headline seen before up to its digits costs two dictionary lookups,
        because masking and matching give the same result for it.
        """
        message = headline[:_MAX_MINED_CHARS]
        key = message.translate(_ZERO_DIGITS)
        masking = self._masked.get(key)
        if masking is None:
            masking = self._masker.mask_spans(message)
            _remember(self._masked, key, masking)
        masked, spans = masking
        values = tuple((kind, message[start:end]) for kind, start, end in spans)

        cluster = self._known_cluster(masked)
        if cluster is None:
            cluster, _change = self._drain.add_log_message(masked)
            _remember(self._cluster_of, masked, cluster.cluster_id)
        template_tokens = cluster.log_template_tokens
        if not any(_WILDCARD in token for token in template_tokens):
            return cluster.cluster_id, values
        tokens = masked.split()
        wildcards = tuple(
            ("*", _wildcard_value(template_token, token))
            for token, template_token in zip(tokens, template_tokens, strict=False)
            if _WILDCARD in template_token and token != template_token
        )
        return cluster.cluster_id, values + wildcards

    def _known_cluster(self, masked: str) -> LogCluster | None:
        """Return the live cluster that this masked text joined before, counting it as Drain3 would.

        A masked text that matched a cluster once matches it again, and adds
        nothing to its template, so only the size and the recency need updating.
        """
        number = self._cluster_of.get(masked)
        if number is None:
            return None
        clusters = self._drain.id_to_cluster
        if number not in clusters:  # evicted by the template cap
            return None
        cluster = clusters[number]  # indexing marks it as recently used
        if cluster is None:
            return None
        cluster.size += 1
        return cluster

    @property
    def cap_reached(self) -> bool:
        """Whether Drain3 evicted templates because of ``max_templates``."""
        return self._drain.clusters_counter > len(self._drain.id_to_cluster)

    def resolve(self) -> dict[int, Template]:
        """Map every live Drain3 cluster number to its final template.

        Sibling templates that differ only in a high-variety word are joined
        first (see :mod:`prodrescue.mining.merging`). Clusters that end with
        the same text share one id, and their templates carry the combined
        count.
        """
        clusters = [cluster for cluster in self._drain.id_to_cluster.values() if cluster is not None]
        final = merge_siblings([tuple(cluster.log_template_tokens) for cluster in clusters], _WILDCARD)
        texts = [" ".join(tokens) for tokens in final]
        by_text: dict[str, int] = {}
        for cluster, text in zip(clusters, texts, strict=True):
            by_text[text] = by_text.get(text, 0) + cluster.size
        return {
            cluster.cluster_id: Template(template_id_for(text), text, by_text[text])
            for cluster, text in zip(clusters, texts, strict=True)
        }
