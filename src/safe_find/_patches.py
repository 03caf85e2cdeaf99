"""The setuptools functions safe-find replaces, found and checked at run time.

Each ``Target`` names one walk of setuptools, where it lives, how to recognise
its shape, and how to build the cycle-safe replacement from the original. A
target that is missing or has a shape we do not know is left alone, and the log
says once which walk is unprotected: safe-find never breaks a build that would
have worked without it.
"""

from __future__ import annotations

import contextlib
import functools
import glob as stdlib_glob
import importlib.util
import inspect
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

from ._config import Settings
from ._errors import FanOutError, failure_of_safe_find
from ._report import Diagnostics, heartbeat, log
from ._startup import after_import

if TYPE_CHECKING:
    from ._walk import Directory, WalkOptions

# The hook installs the replacements in every build; they import the walk, the
# finders and the glob (``from . import ...`` below) only when a walk runs.


class Runtime:
    """What the replacements consult while a build runs: settings, options, diagnostics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.diagnostics = Diagnostics(settings)
        self._options: WalkOptions | None = None
        # Set where links fanned out and ``on-fan-out = "once"``: every walk from then on.
        self.links_once = False
        # What code that is not safe-find's raised inside the walk under way (see ``foreign``).
        self._foreign: list[BaseException] = []

    @property
    def options(self) -> WalkOptions:
        """How the replacements walk: made on first use, so the hook does not import the walk."""
        if self._options is None:
            from ._walk import WalkOptions

            settings = self.settings
            self._options = WalkOptions(
                links="once" if self.links_once else settings.links,
                boundary=settings.project_root,
                follow_outside=settings.outside_links in ("follow", "warn"),
                report=self.diagnostics.record,
                heartbeat=heartbeat,
            )
        return self._options

    def guard(self, walk: str, run: Callable[[], Any]) -> Any:
        """Run one protected walk: fatal links stop it, our own failures are named, and
        what the project's own code raised in it (see ``foreign``) leaves untouched.

        Where links fan out, ``on-fan-out = "once"`` runs the walk again, and every
        later one, as ``links = "once"``; ``"error"`` stops the build there."""
        try:
            try:
                result = run()
            except FanOutError as fan_out:
                self.diagnostics.fan_out(fan_out.report, walk)  # raises, for "error"
                self._foreign.clear()
                self.links_once, self._options = True, None
                result = run()
        except Exception as exc:
            error = failure_of_safe_find(walk, exc, self._foreign)
            if error is None:
                raise
            raise error from exc
        finally:
            self._foreign.clear()
        self.diagnostics.raise_fatal(walk)
        return result

    def foreign(self, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call``, code that is not safe-find's (a subclass's ``_looks_like_package``), made
        to run inside a protected walk: what it raises is its own, not a failure of safe-find."""

        def run(*args: Any) -> Any:
            try:
                return call(*args)
            except Exception as exc:
                self._foreign.append(exc)
                raise

        return run


class Target:
    """One walk of setuptools: where it lives, how to recognise it, how to replace it.

    ``fallback`` is the name the same walk goes through in older releases, tried
    when ``attribute`` is absent. A plain class rather than a dataclass: the
    decorator costs about a millisecond at import, and the hook of every build
    imports this module.
    """

    __slots__ = ("attribute", "fallback", "fits", "make", "module", "owner", "walk")

    def __init__(
        self,
        walk: str,
        module: str,
        owner: str | None,
        attribute: str,
        fits: Callable[[Any], bool],
        make: Callable[[Any], Any],
        fallback: str | None = None,
    ) -> None:
        self.walk = walk
        self.module = module
        self.owner = owner
        self.attribute = attribute
        self.fits = fits
        self.make = make
        self.fallback = fallback

    def __repr__(self) -> str:
        return f"Target({self.walk!r}, {self.dotted!r})"

    @property
    def dotted(self) -> str:
        name = self.attribute if self.fallback is None else f"{self.attribute} (or {self.fallback})"
        return ".".join(part for part in (self.module, self.owner, name) if part)


def _parameters(function: Any) -> tuple[str, ...]:
    try:
        return tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return ()


# -- package discovery ----------------------------------------------------------------


def _name_test(filter_object: Any) -> tuple[Callable[[str], bool], frozenset[str]]:
    """A fast test equal to setuptools' filter object, and its literal patterns.

    setuptools 65+ keeps the patterns in ``_Filter._patterns``; older releases build
    a closure, which we call as it is (and, as they did, without early pruning).
    """
    from ._finders import name_filter

    patterns = getattr(filter_object, "_patterns", None)
    if isinstance(patterns, (dict, tuple, list)) and all(isinstance(p, str) for p in patterns):
        return name_filter(patterns), frozenset(patterns)
    return filter_object, frozenset()


def _package_test(finder: Any, stock: dict[str, Any], runtime: Runtime) -> Callable[[Directory, str], bool]:
    from ._finders import is_namespace_package, is_package

    looks = finder._looks_like_package
    if looks is stock.get("package"):
        return is_package
    if looks is stock.get("namespace"):
        return is_namespace_package
    theirs = runtime.foreign(looks)
    return lambda directory, name: bool(theirs(directory.path, name))


def _left_to_stock(path: Any) -> bool:
    """Whether ``path`` is one no system call takes (not a path, or a path with a NUL
    byte): the stock function gets it, and raises the error it raises without safe-find,
    which names the caller's mistake rather than safe-find."""
    try:
        return "\0" in os.fsdecode(path)
    except TypeError:
        return True


def _make_find_iter(original: Any) -> Any:
    from setuptools import discovery

    stock = {
        "package": getattr(discovery.PackageFinder, "_looks_like_package", None),
        "namespace": getattr(getattr(discovery, "PEP420PackageFinder", None), "_looks_like_package", None),
    }

    def _find_iter(cls: type, where: Any, exclude: Any, include: Any) -> Iterator[str]:
        from ._finders import list_packages

        runtime = _active()
        if runtime is None or _left_to_stock(where):  # None: uninstalled while a caller held the method
            yield from original.__get__(None, cls)(where, exclude, include)
            return
        exclude_test, prune = _name_test(exclude)
        include_test, _ = _name_test(include)
        found: list[str] = runtime.guard(
            "package discovery",
            lambda: list_packages(
                str(where), exclude_test, include_test, _package_test(cls, stock, runtime), prune, runtime.options
            ),
        )
        yield from found

    return classmethod(_find_iter)


def _fits_find_iter(original: Any) -> bool:
    return isinstance(original, classmethod) and _parameters(original.__func__)[1:] == ("where", "exclude", "include")


# -- file selection: glob patterns and findall ------------------------------------------
# Each call site imported its matcher by name, so the name in that module is what
# gets replaced; the replacement keeps the matcher's signature and, outside a
# build safe-find is active in (or for arguments it does not handle), calls it.


def _glob_module() -> Any:
    """``safe_find._glob``, imported when a glob first runs, not by the hook."""
    from . import _glob

    return _glob


def _is_stdlib(name: str) -> Callable[[Any], bool]:
    def fits(original: Any) -> bool:
        return original is getattr(stdlib_glob, name)

    return fits


def _make_stdlib_glob(walk: str, leave_out_special: bool = False) -> Callable[[Any], Any]:
    """A replacement for ``glob.glob`` or ``glob.iglob`` as imported by one call site.

    ``leave_out_special``: the call site copies what it matches without checking that
    it is a regular file (data files): FIFOs, sockets and devices are left out.
    """

    def make(original: Any) -> Any:
        lazy = original is stdlib_glob.iglob

        @functools.wraps(original)
        def replacement(
            pathname: Any,
            *,
            root_dir: Any = None,
            dir_fd: Any = None,
            recursive: bool = False,
            include_hidden: bool = False,
        ) -> Any:
            runtime = _active()
            if (
                runtime is None
                or root_dir is not None
                or dir_fd is not None
                or not isinstance(pathname, str)
                or "\0" in pathname
            ):
                extra = {"root_dir": root_dir, "dir_fd": dir_fd, "include_hidden": include_hidden}
                return original(pathname, recursive=recursive, **{k: v for k, v in extra.items() if v})
            found: list[str] = runtime.guard(
                walk,
                lambda: _glob_module().glob(
                    pathname,
                    recursive=recursive,
                    include_hidden=include_hidden,
                    options=runtime.options,
                    leave_out_special=leave_out_special,
                ),
            )
            return iter(found) if lazy else found

        return replacement

    return make


def _fits_setuptools_glob(original: Any) -> bool:
    from setuptools import glob as setuptools_glob

    return original is setuptools_glob.glob and _parameters(original) == ("pathname", "recursive")


def _make_setuptools_glob(original: Any) -> Any:
    @functools.wraps(original)
    def glob(pathname: Any, recursive: bool = False) -> Any:
        runtime = _active()
        if runtime is None or not isinstance(pathname, str) or "\0" in pathname:
            return original(pathname, recursive)
        return runtime.guard(
            "MANIFEST.in patterns",
            lambda: _glob_module().setuptools_glob(pathname, recursive, options=runtime.options),
        )

    return glob


def _fits_findall(original: Any) -> bool:
    return callable(original) and _parameters(original) == ("dir",)


def _make_findall(walk: str) -> Callable[[Any], Any]:
    """A replacement for ``setuptools.findall`` or distutils' ``findall``.

    distutils' (pypa/distutils, in setuptools 61+) enters each directory once, the first
    time its walk meets it (``_UniqueDirs``): so does the replacement. The standard
    library's distutils (``SETUPTOOLS_USE_DISTUTILS=stdlib``) does not, nor does its
    replacement.
    """

    def make(original: Any) -> Any:
        unique = "_UniqueDirs" in getattr(original, "__globals__", {})

        @functools.wraps(original)
        def findall(dir: Any = os.curdir) -> Any:
            runtime = _active()
            if runtime is None or _left_to_stock(dir):
                return original(dir)
            return runtime.guard(walk, lambda: _glob_module().findall(dir, options=runtime.options, unique=unique))

        return findall

    return make


TARGETS: list[Target] = [
    Target(
        "package discovery", "setuptools.discovery", "PackageFinder", "_find_iter", _fits_find_iter, _make_find_iter
    ),
    Target(
        "package data",
        "setuptools.command.build_py",
        None,
        "glob",
        _is_stdlib("glob"),
        _make_stdlib_glob("package data"),
    ),
    Target(
        "MANIFEST.in patterns",
        "setuptools.command.egg_info",
        None,
        "glob",
        _fits_setuptools_glob,
        _make_setuptools_glob,
    ),
    # setuptools 77 globs license files with glob(recursive=True); before, with iglob.
    Target(
        "license files",
        "setuptools.dist",
        None,
        "glob",
        lambda original: _is_stdlib("glob")(original) or _is_stdlib("iglob")(original),
        _make_stdlib_glob("license files"),
        fallback="iglob",
    ),
    Target(
        "configuration globs",
        "setuptools.config.expand",
        None,
        "iglob",
        _is_stdlib("iglob"),
        _make_stdlib_glob("configuration globs", leave_out_special=True),
    ),
    Target("setuptools.findall", "setuptools", None, "findall", _fits_findall, _make_findall("setuptools.findall")),
    # MANIFEST.in graft and global-include, through distutils.filelist.findall.
    Target(
        "MANIFEST.in graft and global-include",
        "distutils.filelist",
        None,
        "findall",
        _fits_findall,
        _make_findall("MANIFEST.in graft and global-include"),
    ),
]


# -- install / uninstall ----------------------------------------------------------------


class Installation:
    """What safe-find has put in place in this process, and the runtime the walks use.

    ``runtime`` is None while setuptools' own walks are in force. ``pending``, when
    set, reads the project's settings and makes the runtime: the replacements are
    put in place at setuptools' import (``_startup``), before the settings can be
    known to be valid, and the first walk, or the plugin hook, reads them.
    """

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.pending: Callable[[], object] | None = None
        self.saved: list[tuple[Any, str, Any]] = []
        self.unprotected: set[str] = set()
        # The runtimes of the ``patched`` blocks open now, innermost last: the plugin
        # hook keeps theirs whatever the project's pyproject.toml says.
        self.blocks: list[Runtime] = []
        self.summary_registered = False  # the build's closing line, logged at exit

    def active(self) -> Runtime | None:
        """The runtime of the walks; None when setuptools' own walks should run."""
        if self.pending is not None:
            self.pending()  # installs a runtime or uninstalls; a ConfigError leaves it pending
        return self.runtime


installation = Installation()


def _active() -> Runtime | None:
    return installation.active()


def installed() -> bool:
    return installation.runtime is not None or installation.pending is not None


def install(settings: Settings, targets: list[Target] | None = None) -> Runtime:
    """Put the cycle-safe walks in place; a second call only swaps the settings."""
    runtime = Runtime(settings)
    if not installed():
        _replace(TARGETS if targets is None else targets)
    installation.runtime = runtime
    installation.pending = None
    return runtime


def install_pending(read_settings: Callable[[], object], targets: list[Target] | None = None) -> None:
    """Put the walks in place now; ``read_settings`` runs at the first walk and is to
    call ``install`` (or ``uninstall``). Nothing changes if safe-find is installed."""
    if not installed():
        _replace(TARGETS if targets is None else targets)
        installation.pending = read_settings


def _replace(targets: list[Target]) -> None:
    """Replace each target in its module, or wait for the module's first import.

    The command modules are not imported yet when the hook runs: importing them only
    to patch them would cost every build about 10 ms.
    """
    installation.saved = []
    for target in targets:
        module = sys.modules.get(target.module)
        if module is not None:
            _patch(target, module)
        elif _importable(target.module):
            after_import.wait_for(target.module, functools.partial(_patch_if_installed, target))
        else:
            _unprotected(target, "is not in this setuptools")


def _patch_if_installed(target: Target, module: Any) -> None:
    if installed():
        _patch(target, module)


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _patch(target: Target, module: Any) -> None:
    """Replace one target in its (imported) module, or say why it is left alone."""
    try:
        holder = module if target.owner is None else getattr(module, target.owner)
        attribute = target.attribute
        if attribute not in vars(holder) and target.fallback is not None:
            attribute = target.fallback
        original = vars(holder)[attribute]
    except (AttributeError, KeyError):
        _unprotected(target, "is not in this setuptools")
        return
    if not target.fits(original):
        _unprotected(target, "has a shape safe-find does not know")
        return
    setattr(holder, attribute, target.make(original))
    installation.saved.append((holder, attribute, original))


def _unprotected(target: Target, why: str) -> None:
    if target.walk not in installation.unprotected:
        installation.unprotected.add(target.walk)
        log.warning(
            "safe-find: %s is not protected: %s %s; setuptools' own code runs there, "
            "and a link loop in it may still hang the build.",
            target.walk,
            target.dotted,
            why,
        )


def uninstall() -> None:
    """Give setuptools its own functions back."""
    for target in TARGETS:
        after_import.stop(target.module)
    for holder, attribute, original in reversed(installation.saved):
        setattr(holder, attribute, original)
    installation.saved = []
    installation.runtime = None
    installation.pending = None


@contextlib.contextmanager
def patched(settings: Settings | None = None) -> Iterator[Runtime]:
    """Cycle-safe setuptools inside the block, with ``settings`` (default: the defaults)
    whatever the plugin hook reads meanwhile; what was in place before, after it.

    The one way to switch the walks on for a block: for tests, and for tools that
    create setuptools ``Distribution`` objects themselves (``safe-find check``).
    """
    was_installed = installed()
    previous = installation.runtime, installation.pending
    runtime = install(settings or Settings())
    installation.blocks.append(runtime)
    try:
        yield runtime
    finally:
        installation.blocks.pop()
        if was_installed:
            installation.runtime, installation.pending = previous
        else:
            uninstall()
