"""Ranking: candidate causes, their scores, explanation links, evidence and timeline."""

from prodrescue.ranking.assemble import build_causes, build_near_misses, build_timeline, departure_entry
from prodrescue.ranking.candidates import (
    Candidate,
    ChangeMarker,
    candidates_from_rules,
    candidates_from_templates,
    change_markers,
)
from prodrescue.ranking.scoring import FACTOR_WEIGHTS, rank_candidates

__all__ = [
    "FACTOR_WEIGHTS",
    "Candidate",
    "ChangeMarker",
    "build_causes",
    "build_near_misses",
    "build_timeline",
    "candidates_from_rules",
    "candidates_from_templates",
    "change_markers",
    "departure_entry",
    "rank_candidates",
]
