"""Shared fixtures and the hypothesis profiles.

``HYPOTHESIS_PROFILE=thorough python -m pytest tests/reference/test_properties.py``
runs the property tests with thousands of examples (by hand); the default profile
keeps CI to a few hundred.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=3000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)
