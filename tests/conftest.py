"""Shared pytest setup: the Hypothesis profiles.

The default profile ``ci`` runs a fixed number of examples in a fixed order,
so that a run is repeatable and the property tests stay within about a minute.
Set ``HYPOTHESIS_PROFILE=long`` for a longer random search.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, database=None)
settings.register_profile("long", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
