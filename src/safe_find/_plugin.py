"""The ``setuptools.finalize_distribution_options`` hook: read settings, install, log.

setuptools calls it when it creates its ``Distribution``, before pyproject.toml
and setup.cfg are read; by then the start-up hook (``_startup``) has put the walks
in place at setuptools' import, and the plugin hook settles the settings from the
project root setuptools names. Either way, ``activate`` does the work.
"""

from __future__ import annotations

import atexit
import os
import sys
from types import TracebackType
from typing import Any

from . import _patches
from ._config import Settings, load_settings
from ._errors import IN_THE_HOOK, ConfigError, FanOutError, LinkError, failures_named
from ._report import log
from ._startup import DISABLE_VARIABLE, disabled_by_environment


def activate(project_root: str | None = None, *, settings: Settings | None = None) -> _patches.Runtime | None:
    """Install the cycle-safe walks for the project at ``project_root`` (default: here).

    ``settings`` is a seam for tests and tools that already hold them. Raises
    ``ConfigError`` when ``[tool.safe-find]`` is not valid. Does nothing when the
    ``SAFE_FIND_DISABLE`` environment variable is set, and keeps the settings of a
    ``patched`` block that is open.
    """
    installation = _patches.installation
    if installation.blocks:
        return installation.blocks[-1]
    if disabled_by_environment():
        log.info("safe-find: disabled by the environment variable %s", DISABLE_VARIABLE)
        _patches.uninstall()
        return None
    root = os.path.abspath(project_root or os.curdir)
    settings = settings or load_settings(root)
    if not settings.enabled:
        log.info("safe-find: disabled by [tool.safe-find] enabled = false in %s", settings.source)
        _patches.uninstall()
        return None
    current = installation.runtime
    if current is not None and current.settings == settings:
        installation.pending = None
        return current
    runtime = _patches.install(settings)
    log.info("safe-find: cycle-safe walks for %s (%s)", root, settings.describe())
    _register_summary()
    return runtime


def activate_for_working_directory() -> None:
    """At setuptools' import (see ``_startup``): the walks now, the settings of the
    project in the working directory (where frontends run the backend) at the first
    walk, so that a bad ``[tool.safe-find]`` never breaks ``import setuptools``."""
    _patches.install_pending(_activate_named)
    _register_summary()


def _activate_named() -> None:
    with failures_named(IN_THE_HOOK):
        activate()


def _register_summary() -> None:
    installation = _patches.installation
    if not installation.summary_registered:
        installation.summary_registered = True
        atexit.register(_log_summary)
        _show_our_errors_plainly()


def _show_our_errors_plainly() -> None:
    """Print a ``LinkError``, ``FanOutError`` or ``ConfigError`` that ends the process as
    its message alone.

    Each is the project's own tree or settings at work, not a fault: the traceback of
    setuptools' configuration reading above it would only bury what to fix. Every
    other exception keeps its traceback.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        if isinstance(error, (LinkError, FanOutError, ConfigError)):
            sys.stderr.write(f"error: {error}\n")
        else:
            previous(kind, error, traceback)

    sys.excepthook = hook


def _log_summary() -> None:
    runtime = _patches.installation.runtime
    if runtime is not None:
        summary = runtime.diagnostics.summary()
        if summary is not None:
            log.log(*summary)


def finalize_distribution_options(dist: Any) -> None:
    """Entry point of the ``setuptools.finalize_distribution_options`` group.

    A ``ConfigError`` leaves as setuptools' own ``SetupError``, which ``setup()``
    turns into one line of output ("error in setup command: ...") instead of a
    traceback, under pip, build and uv alike. Any other failure of safe-find's own
    leaves as an ``InternalError`` (see ``failures_named``).
    """
    try:
        with failures_named(IN_THE_HOOK):
            activate(getattr(dist, "src_root", None) or os.curdir)
    except ConfigError as error:
        from setuptools.errors import SetupError

        raise SetupError(str(error)) from error


# Run before setuptools' own finalizers and other plugins.
finalize_distribution_options.order = -1000  # type: ignore[attr-defined]
