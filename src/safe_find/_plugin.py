"""The ``setuptools.finalize_distribution_options`` hook: read settings, install, log.

setuptools calls it when it creates its ``Distribution``, before pyproject.toml
and setup.cfg are read, so every discovery that follows is already cycle-safe.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from . import _patches
from ._config import ConfigError, Settings, load_settings
from ._errors import SafeFindError
from ._report import LinkError
from ._startup import DISABLE_VARIABLE, disabled_by_environment

__all__ = ["activate", "activate_for_working_directory", "explained", "finalize_distribution_options", "held"]

log = logging.getLogger("safe_find")
_summary_registered = False
_held: list[_patches.Runtime] = []


def activate(project_root: str | None = None, *, settings: Settings | None = None) -> _patches.Runtime | None:
    """Install the cycle-safe walks for the project at ``project_root`` (default: here).

    ``settings`` is a seam for tests and tools that already hold them. Raises
    ``ConfigError`` when ``[tool.safe-find]`` is not valid. Does nothing when the
    ``SAFE_FIND_DISABLE`` environment variable is set.
    """
    if _held:
        return _held[-1]
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
    current = _patches.installation.runtime
    if current is not None and current.settings == settings:
        _patches.installation.pending = None
        return current
    runtime = _patches.install(settings)
    log.info("safe-find: cycle-safe walks for %s (%s)", root, settings.describe())
    _register_summary()
    return runtime


def activate_for_working_directory() -> None:
    """At setuptools' import (see ``_startup``): the walks now, the settings of the
    project in the working directory (where frontends run the backend) at the first
    walk, so that a bad ``[tool.safe-find]`` never breaks ``import setuptools``."""
    _patches.install_pending(_activate_explained)
    _register_summary()


def _activate_explained() -> None:
    with explained():
        activate()


@contextlib.contextmanager
def held(settings: Settings) -> Iterator[_patches.Runtime]:
    """The walks with ``settings`` for the block, whatever the hook would read meanwhile.

    For tools that create setuptools ``Distribution`` objects themselves (``safe-find
    check``): their hook call keeps these walks, even with ``enabled = false``.
    """
    with _patches.patched(settings) as runtime:
        _held.append(runtime)
        try:
            yield runtime
        finally:
            _held.pop()


def _register_summary() -> None:
    global _summary_registered
    if not _summary_registered:
        _summary_registered = True
        atexit.register(_log_summary)
        _show_our_errors_plainly()


def _show_our_errors_plainly() -> None:
    """Print a ``LinkError`` or ``ConfigError`` that ends the process as its message alone.

    Either is the project's own settings at work, not a fault: the traceback of
    setuptools' configuration reading above it would only bury what to fix. Every
    other exception keeps its traceback.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        if isinstance(error, (LinkError, ConfigError)):
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


@contextlib.contextmanager
def explained() -> Iterator[None]:
    """Around the build hooks: safe-find's own failures are named as such.

    A ``SafeFindError`` (a ``ConfigError``, a ``LinkError``) leaves as it is; any
    other exception becomes an ``InternalError`` that names safe-find, the cause,
    and how to build without safe-find.
    """
    try:
        yield
    except SafeFindError:
        raise
    except Exception as exc:
        raise _patches.InternalError("its setuptools hook", exc) from exc


def finalize_distribution_options(dist: Any) -> None:
    """Entry point of the ``setuptools.finalize_distribution_options`` group.

    A ``ConfigError`` leaves as setuptools' own ``SetupError``, which ``setup()``
    turns into one line of output ("error in setup command: ...") instead of a
    traceback, under pip, build and uv alike. Any other failure of safe-find's own
    leaves as an ``InternalError`` (see ``explained``).
    """
    try:
        with explained():
            activate(getattr(dist, "src_root", None) or os.curdir)
    except ConfigError as error:
        from setuptools.errors import SetupError

        raise SetupError(str(error)) from error


# Run before setuptools' own finalizers and other plugins.
finalize_distribution_options.order = -1000  # type: ignore[attr-defined]
