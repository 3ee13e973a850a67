"""Baselines: what healthy logs look like, and how an incident differs from them."""

from prodrescue.baseline.compare import (
    BaselineComparison,
    TemplateShift,
    baseline_report,
    compare_with_baseline,
)
from prodrescue.baseline.parameters import ParameterSampler
from prodrescue.baseline.profile import (
    Profile,
    ProfileError,
    ProfileTemplate,
    load_profile,
    profile_from_json,
)

__all__ = [
    "BaselineComparison",
    "ParameterSampler",
    "Profile",
    "ProfileError",
    "ProfileTemplate",
    "TemplateShift",
    "baseline_report",
    "compare_with_baseline",
    "load_profile",
    "profile_from_json",
]
