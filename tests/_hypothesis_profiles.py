"""Hypothesis settings profiles, registered once and chosen by ``SAFE_FIND_HYPOTHESIS``.

- ``ci`` (the default): 300 examples per property, no deadline (a tree is made on
  disk for every example, and two pytest workers share two cores).
- ``dev``: 50 examples, for a quick local run.
- ``deep``: 3000 examples, for a long hunt (``SAFE_FIND_HYPOTHESIS=deep pytest tests/test_properties.py``).
- ``examples``: only the explicit ``@example`` regression cases (to check that they
  still fail on a revert of the fix they guard).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

CI_EXAMPLES = 300

_COMMON = {
    "deadline": None,
    # Each example builds a tree on disk: slow data generation is expected, not a smell.
    "suppress_health_check": [HealthCheck.too_slow],
}

settings.register_profile("ci", max_examples=CI_EXAMPLES, **_COMMON)
settings.register_profile("dev", max_examples=50, **_COMMON)
settings.register_profile("deep", max_examples=3000, **_COMMON)
settings.register_profile("examples", phases=[Phase.explicit], **_COMMON)
settings.load_profile(os.environ.get("SAFE_FIND_HYPOTHESIS", "ci"))
