"""Template statistics and baseline-free anomaly scoring."""

from prodrescue.scoring.anomaly import AnomalyScores, score_templates
from prodrescue.scoring.stats import TemplateStats

__all__ = ["AnomalyScores", "TemplateStats", "score_templates"]
