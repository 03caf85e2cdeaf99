"""A PEP 517 backend: ``setuptools.build_meta`` with the cycle-safe walks in place first.

For projects whose ``setup.py`` calls ``find_packages()`` at import time, before
setuptools creates the ``Distribution`` that runs the plugin hook::

    [build-system]
    requires = ["setuptools", "safe-find"]
    build-backend = "safe_find.build_meta"

Every hook of the installed setuptools is offered, and nothing more.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from setuptools import build_meta as _setuptools_backend

from ._errors import IN_THE_HOOK, ConfigError, failures_named
from ._plugin import activate

__all__ = [
    name
    for name in (
        "get_requires_for_build_wheel",
        "get_requires_for_build_sdist",
        "prepare_metadata_for_build_wheel",
        "build_wheel",
        "build_sdist",
        "get_requires_for_build_editable",
        "prepare_metadata_for_build_editable",
        "build_editable",
    )
    if hasattr(_setuptools_backend, name)
] + ["__legacy__"]


def _protected(hook: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(hook)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            with failures_named(IN_THE_HOOK):
                activate()
        except ConfigError as error:
            # As setuptools' setup() does with its own errors: one line, no traceback.
            raise SystemExit(f"error: {error}") from None
        return hook(*args, **kwargs)

    return run


class _Backend:
    """A backend object whose hooks are the protected hooks of another one."""

    def __init__(self, backend: Any) -> None:
        for name in __all__[:-1]:
            setattr(self, name, _protected(getattr(backend, name)))


for _name in __all__[:-1]:
    globals()[_name] = _protected(getattr(_setuptools_backend, _name))

__legacy__ = _Backend(_setuptools_backend.__legacy__)
