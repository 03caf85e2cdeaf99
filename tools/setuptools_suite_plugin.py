"""pytest plugin of tools/setuptools_suite.py: safe-find on (or provably off) for a whole session.

The tool copies this file into the test virtual environment and loads it with
``-p setuptools_suite_plugin``. ``SAFE_FIND_SUITE=with`` installs the cycle-safe
walks before collection, so tests that call ``find_packages`` directly (without a
``Distribution`` to run the entry point) meet them too; ``SAFE_FIND_SUITE=without``
refuses to run if safe-find is importable, so the stock run really is stock.
What was protected goes to the JSON file named by ``SAFE_FIND_SUITE_STATE``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from typing import Any

import pytest

MODE = "SAFE_FIND_SUITE"
STATE = "SAFE_FIND_SUITE_STATE"

_header: list[str] = []


def _current(target: Any) -> tuple[Any, ...]:
    """What setuptools holds now at a target's place, and at its fallback name if it has one
    (a walk some releases reach under another name, such as ``iglob`` for ``glob``)."""
    names = [target.attribute, *filter(None, [getattr(target, "fallback", None)])]
    try:
        holder: Any = importlib.import_module(target.module)
        if target.owner is not None:
            holder = getattr(holder, target.owner)
    except (ImportError, AttributeError):
        return tuple(None for _ in names)
    return tuple(vars(holder).get(name) for name in names)


def _ours(value: Any) -> bool:
    """Whether ``value`` is one of safe-find's replacements. (Its start-up hook may have put
    them in place when setuptools was first imported, before this plugin ran.)"""
    function = getattr(value, "__func__", value)  # a classmethod's function
    code = getattr(function, "__code__", None)  # not __module__: functools.wraps copies the original's
    return code is not None and f"{os.sep}safe_find{os.sep}" in code.co_filename


def pytest_configure(config: pytest.Config) -> None:
    mode = os.environ.get(MODE)
    state: dict[str, Any] = {"mode": mode, "protected": [], "unprotected": []}
    if mode == "without":
        if importlib.util.find_spec("safe_find") is not None:
            raise pytest.UsageError(
                "safe-find is installed in this environment, so the stock run would not be stock; "
                "run `pip uninstall safe-find` in it (tools/setuptools_suite.py does this itself)."
            )
        _header.append("safe-find: not installed (stock setuptools)")
    elif mode == "with":
        from safe_find import Settings
        from safe_find._patches import TARGETS, install

        install(Settings())
        for target in TARGETS:
            protected = any(_ours(now) for now in _current(target))
            state["protected" if protected else "unprotected"].append(f"{target.walk} ({target.dotted})")
        _header.append(f"safe-find: installed for the session; protected: {'; '.join(state['protected']) or 'nothing'}")
    else:
        raise pytest.UsageError(f"{MODE} must be 'with' or 'without', not {mode!r}; run tools/setuptools_suite.py.")
    path = os.environ.get(STATE)
    if path:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(state, stream)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return list(_header)
