"""Interpreter start-up: safe-find's walks are in place before setuptools reads anything.

The wheel installs ``safe_find.pth`` and ``safe_find.start`` beside the packages.
Python 3.15 and later run the ``.start`` entry point (PEP 829) and skip the
``.pth`` import line; older Pythons run the import line. Either way ``_activation``
runs once at start-up, in every interpreter of that environment, so in every build
backend process, whichever hook the frontend calls first, and hands ``install`` the
activation. ``install`` only puts a finder at the front of ``sys.meta_path`` that
waits for ``setuptools``; the activation runs right after setuptools' first import,
before any of its code can read ``setup.cfg`` (``setup()`` parses it for
``setup_requires`` before any plugin hook runs) or a ``setup.py`` can call
``find_packages()``.

This module is the bottom of the package: it imports nothing of safe-find, and
nothing that start-up has not already imported (``os``, ``sys``; not even
``__future__``, so its annotations that name types are strings), and typing only
for the type checker.
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

DISABLE_VARIABLE = "SAFE_FIND_DISABLE"
"""Set to anything but ``0`` or the empty string, it keeps safe-find out of builds."""


def disabled_by_environment() -> bool:
    return os.environ.get(DISABLE_VARIABLE, "") not in ("", "0")


class AfterImport:
    """A ``sys.meta_path`` finder that runs callbacks right after a module's first import.

    It finds nothing itself: for a module it waits for, it asks the finders after
    it and wraps the loader they return, so the module runs as always and the
    callbacks run before anyone can call into it. It leaves ``sys.meta_path`` as
    soon as it waits for nothing, or on ``stop``.
    """

    def __init__(self) -> None:
        self.waiting: dict[str, list[Callable[[ModuleType], None]]] = {}

    def wait_for(self, name: str, callback: "Callable[[ModuleType], None]") -> None:
        self.waiting.setdefault(name, []).append(callback)
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def stop(self, name: str) -> None:
        """Wait no longer for ``name``; leave ``sys.meta_path`` when nothing is left to wait for."""
        self.waiting.pop(name, None)
        if not self.waiting and self in sys.meta_path:
            sys.meta_path.remove(self)

    def find_spec(
        self, name: str, path: "Sequence[str] | None" = None, target: "ModuleType | None" = None
    ) -> "ModuleSpec | None":
        if name not in self.waiting:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None) if finder is not self else None
            spec = find_spec(name, path, target) if find_spec is not None else None
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = _LoaderThenCallbacks(spec.loader, self)
                return spec  # type: ignore[no-any-return]  # getattr gives Any
        return None

    def imported(self, module: "ModuleType") -> None:
        callbacks = self.waiting.get(module.__name__, ())
        self.stop(module.__name__)
        for callback in callbacks:
            callback(module)


class _LoaderThenCallbacks:
    """A module's own loader, followed by the callbacks waiting for that module."""

    def __init__(self, loader: object, after: AfterImport) -> None:
        self.loader = loader
        self.after = after

    def create_module(self, spec: "ModuleSpec") -> "ModuleType | None":
        return self.loader.create_module(spec)  # type: ignore[attr-defined, no-any-return]

    def exec_module(self, module: "ModuleType") -> None:
        self.loader.exec_module(module)  # type: ignore[attr-defined]
        # The module keeps its own loader, as if nothing had come between.
        module.__loader__ = self.loader  # type: ignore[assignment]
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self.loader  # type: ignore[union-attr]  # checked just above
        self.after.imported(module)

    def __getattr__(self, name: str) -> object:  # get_source, get_resource_reader...
        return getattr(self.loader, name)


after_import = AfterImport()


_installed: "list[Callable[[], None]]" = []
"""The activation ``install`` was handed: one at most, whatever ran ``install``."""


def install(activate: "Callable[[], None]") -> None:
    """Run ``activate`` right after setuptools' first import (at once if it is imported).

    Called at start-up (see ``_activation``). A second call in the same interpreter
    does nothing: an environment that runs both the ``.pth`` line and the ``.start``
    entry still activates once. Does nothing when ``SAFE_FIND_DISABLE`` is set;
    ``enabled = false`` in ``[tool.safe-find]`` is honoured when the settings are
    read, at the first walk.
    """
    if _installed or disabled_by_environment():
        return
    _installed.append(activate)
    if "setuptools" in sys.modules:
        _activate(sys.modules["setuptools"])
    else:
        after_import.wait_for("setuptools", _activate)


def _activate(_setuptools: "ModuleType") -> None:
    """Run the activation ``install`` was handed.

    Nothing here may break ``import setuptools``: a failure is said on stderr, and
    setuptools goes on with its own walks (its plugin hook will try again).
    """
    try:
        _installed[0]()
    except Exception as error:  # never break setuptools' own import
        sys.stderr.write(
            f"safe-find: could not put its walks in place at setuptools' import ({type(error).__name__}: {error}); "
            "setuptools' own walks run until its plugin hook does.\n"
        )
