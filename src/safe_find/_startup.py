"""Interpreter start-up: safe-find's walks are in place before setuptools reads anything.

The wheel installs ``safe_find.pth`` beside the packages. Python runs its one line
at start-up in every interpreter of that environment, so in every build backend
process, whichever hook the frontend calls first. ``install`` only puts a finder
at the front of ``sys.meta_path`` that waits for ``setuptools``; the walks are
installed right after setuptools' first import, before any of its code can read
``setup.cfg`` (``setup()`` parses it for ``setup_requires`` before any plugin
hook runs) or a ``setup.py`` can call ``find_packages()``.

This module is imported at every interpreter start: it imports nothing that
start-up has not already imported (``os``, ``sys``; not even ``__future__``, so its
annotations that name types are strings), and typing only for the type checker.
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


def install() -> None:
    """Called by ``safe_find.pth`` at start-up: activate safe-find when setuptools is imported.

    Does nothing when ``SAFE_FIND_DISABLE`` is set; ``enabled = false`` in
    ``[tool.safe-find]`` is honoured when the settings are read, at the first walk.
    """
    if disabled_by_environment():
        return
    if "setuptools" in sys.modules:
        _activate(sys.modules["setuptools"])
    else:
        after_import.wait_for("setuptools", _activate)


def _activate(_setuptools: "ModuleType") -> None:
    """Put the walks in place, settings left for the first walk to read.

    Nothing here may break ``import setuptools``: a failure is said on stderr, and
    setuptools goes on with its own walks (its plugin hook will try again).
    """
    try:
        from ._plugin import activate_for_working_directory

        activate_for_working_directory()
    except Exception as error:  # never break setuptools' own import
        sys.stderr.write(
            f"safe-find: could not put its walks in place at setuptools' import ({type(error).__name__}: {error}); "
            "setuptools' own walks run until its plugin hook does.\n"
        )
