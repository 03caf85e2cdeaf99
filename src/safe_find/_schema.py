"""The JSON schema of ``[tool.safe-find]`` for validate-pyproject.

Registered under the ``validate_pyproject.tool_schema`` entry point as
``safe-find``; validate-pyproject calls it with the tool name and checks the
table against what it returns.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def schema(tool: str = "safe-find") -> dict[str, Any]:
    """The schema of ``[tool.${tool}]``: safe-find's link policy (see its README)."""
    text = files("safe_find").joinpath("schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
