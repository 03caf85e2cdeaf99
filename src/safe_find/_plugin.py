"""The ``setuptools.finalize_distribution_options`` hook: read settings, install, log.

setuptools calls it when it creates its ``Distribution``, before pyproject.toml
and setup.cfg are read, so every discovery that follows is already cycle-safe.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
from typing import Any, Iterator, Optional

from . import _patches
from ._config import ConfigError, Settings, load_settings
from ._report import SafeFindError

__all__ = ["activate", "explained", "finalize_distribution_options"]

log = logging.getLogger("safe_find")
_summary_registered = False


def activate(project_root: Optional[str] = None, *, settings: Optional[Settings] = None) -> Optional[_patches.Runtime]:
    """Install the cycle-safe walks for the project at ``project_root`` (default: here).

    ``settings`` is a seam for tests and tools that already hold them.
    """
    root = os.path.abspath(project_root or os.curdir)
    settings = settings or load_settings(root)
    if not settings.enabled:
        log.info("safe-find: disabled by [tool.safe-find] enabled = false in %s", settings.source)
        _patches.uninstall()
        return None
    current = _patches._active()
    if current is not None and current.settings == settings:
        return current
    runtime = _patches.install(settings)
    log.debug("safe-find: cycle-safe walks installed for %s", root)
    _register_summary()
    return runtime


def _register_summary() -> None:
    global _summary_registered
    if not _summary_registered:
        _summary_registered = True
        atexit.register(_log_summary)


def _log_summary() -> None:
    runtime = _patches._active()
    if runtime is not None:
        line = runtime.diagnostics.summary()
        if line:
            log.warning(line)


@contextlib.contextmanager
def explained() -> Iterator[None]:
    """Around the build hooks: safe-find's own failures are named as such.

    A ``ConfigError`` (a bad ``[tool.safe-find]``) or another ``SafeFindError``
    stops the build as it is; any other exception becomes an ``InternalError``
    that names safe-find, the cause, and how to build without safe-find.
    """
    try:
        yield
    except (ConfigError, SafeFindError):
        raise
    except Exception as exc:
        raise _patches.InternalError("its setuptools hook", exc) from exc


def finalize_distribution_options(dist: Any) -> None:
    """Entry point of the ``setuptools.finalize_distribution_options`` group."""
    with explained():
        activate(getattr(dist, "src_root", None) or os.curdir)


# Run before setuptools' own finalizers and other plugins.
finalize_distribution_options.order = -1000  # type: ignore[attr-defined]
