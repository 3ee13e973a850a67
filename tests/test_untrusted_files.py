"""Profiles and context files from untrusted sources: any content gives a result or a clear error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from prodrescue.baseline import Profile, ProfileError, profile_from_json
from prodrescue.context import ContextError, ServiceContext, parse_context

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)
# Documents shaped like a profile, with any value in any field.
profile_like = st.fixed_dictionaries(
    {"format": st.just("prodrescue-baseline"), "schema_version": st.just(1)},
    optional={
        "events": json_values,
        "seconds": json_values,
        "sources": json_values,
        "templates": st.lists(
            st.dictionaries(
                st.sampled_from(["text", "count", "levels", "parameters"]), json_values, max_size=4
            ),
            max_size=3,
        ),
    },
)


def check_profile(text: str) -> None:
    try:
        profile = profile_from_json(text, "untrusted.json")
    except ProfileError as error:
        assert str(error).startswith("untrusted.json: ")
    else:
        assert isinstance(profile, Profile)


@given(document=profile_like)
def test_profile_like_json_loads_or_fails_clearly(document: dict[str, Any]) -> None:
    check_profile(json.dumps(document))


@given(text=st.text(max_size=300))
def test_any_text_as_profile_fails_clearly(text: str) -> None:
    check_profile(text)


@given(
    services=st.dictionaries(
        st.text(max_size=10),
        st.none()
        | st.dictionaries(st.sampled_from(["depends_on", "logs", "other"]), json_values, max_size=3),
        max_size=4,
    )
)
def test_context_like_yaml_loads_or_fails_clearly(services: dict[str, Any]) -> None:
    text = json.dumps({"services": services})  # JSON is YAML
    try:
        context = parse_context(text, "context.yaml")
    except ContextError as error:
        assert str(error).startswith("context.yaml: ")
    else:
        assert isinstance(context, ServiceContext)
