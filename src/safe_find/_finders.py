"""setuptools' package-finding rules, on top of the cycle-safe walk.

The rules are those of ``setuptools.discovery.PackageFinder._find_iter``: a
directory is a candidate if its name has no dot and it looks like a package; a
candidate is reported if it passes ``include`` and not ``exclude``; its children
are searched even when it is excluded, unless ``pkg*`` or ``pkg.*`` is excluded,
which excludes every name below it anyway. Results come in the same order,
because the walk keeps ``os.walk``'s order and packages are decided at their
parent's visit, as stock does.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Callable, Union

from ._walk import Directory, LinkMode, Report, walk

__all__ = ["WalkOptions", "find_namespace_packages", "find_packages", "list_packages", "name_filter"]

StrPath = Union[str, "os.PathLike[str]"]
LooksLikePackage = Callable[[Directory, str], bool]
NameTest = Callable[[str], bool]

ALWAYS_EXCLUDE = ("ez_setup", "*__pycache__")


class WalkOptions:
    """How a walk treats links: the knobs of ``walk`` gathered for the call sites."""

    __slots__ = ("boundary", "follow_outside", "links", "report")

    def __init__(
        self,
        links: LinkMode = "follow",
        boundary: str | None = None,
        follow_outside: bool = True,
        report: Report | None = None,
    ) -> None:
        self.links: LinkMode = links
        self.boundary = boundary
        self.follow_outside = follow_outside
        self.report = report

    def walk(
        self, top: str, *, keep_listings: bool = True, vouch_for_files: bool = True, unique: bool = False
    ) -> Iterator[Directory]:
        return walk(
            top,
            links=self.links,
            boundary=self.boundary,
            follow_outside=self.follow_outside,
            report=self.report,
            keep_listings=keep_listings,
            vouch_for_files=vouch_for_files,
            unique=unique,
        )


_WILDCARDS = ("*", "?", "[")


class NameFilter:
    """``any(fnmatchcase(name, p) for p in patterns)``, as cheap as the patterns allow.

    It runs once per directory of the tree, so the common shapes skip the regular
    expression: a literal is a set lookup, ``abc*`` a ``startswith`` and ``*abc``
    an ``endswith``; anything else joins one compiled expression, ``other``. The
    parts are kept apart so that the finder can test them inline: calling even a
    small function per directory costs more than the test.
    """

    __slots__ = ("ends", "literals", "other", "starts")

    def __init__(
        self,
        literals: frozenset[str] = frozenset(),
        starts: tuple[str, ...] = (),
        ends: tuple[str, ...] = (),
        other: Callable[[str], object] | None = None,
    ) -> None:
        self.literals = literals
        self.starts = starts
        self.ends = ends
        self.other = other

    @property
    def everything(self) -> bool:
        return self.other is _always

    def __call__(self, name: str) -> bool:
        return (
            name in self.literals
            or (bool(self.starts) and name.startswith(self.starts))
            or (bool(self.ends) and name.endswith(self.ends))
            or (self.other is not None and bool(self.other(name)))
        )


def name_filter(patterns: Iterable[str]) -> NameFilter:
    """The ``NameFilter`` of setuptools' patterns (``fnmatchcase``, case-sensitive)."""
    unique = list(dict.fromkeys(patterns))
    if "*" in unique:
        return NameFilter(other=_always)
    literals: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    others: list[str] = []
    for pattern in unique:
        body = pattern[:-1] if pattern.endswith("*") else pattern[1:] if pattern.startswith("*") else pattern
        if any(wildcard in body for wildcard in _WILDCARDS):
            others.append(pattern)
        elif body is pattern:
            literals.add(pattern)
        elif pattern.endswith("*"):
            prefixes.append(body)
        else:
            suffixes.append(body)
    other = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in others)).match if others else None
    return NameFilter(frozenset(literals), tuple(prefixes), tuple(suffixes), other)


def _as_filter(test: NameTest) -> NameFilter:
    """A ``NameFilter`` for any test: an opaque one (older setuptools' closures) is its ``other``."""
    return test if isinstance(test, NameFilter) else NameFilter(other=test)


def _always(_name: str) -> bool:
    return True


def is_package(directory: Directory, _name: str) -> bool:
    return directory.has_file("__init__.py")


def is_namespace_package(_directory: Directory, _name: str) -> bool:
    return True


def list_packages(
    where: str,
    exclude: NameTest,
    include: NameTest,
    looks_like_package: LooksLikePackage,
    prune: frozenset[str] | set[str] = frozenset(),
    options: WalkOptions | None = None,
) -> list[str]:
    """The dotted names of the packages below ``where``, in setuptools' order.

    ``prune`` holds the literal exclude patterns; a package ``p`` whose ``p*`` or
    ``p.*`` is among them is not searched further. This loop runs once per
    directory of the tree: the common tests are made inline rather than called.

    Stock decides each package at its parent's visit, with a ``stat`` of every
    candidate's ``__init__.py``. The walk lists every directory anyway, so the plain
    ``__init__.py`` test waits for the candidate's own visit, one directory after
    another, rather than holding the listings of all the parent's children at once
    (which costs a wide flat layout about a tenth of its time): the candidate's name
    takes its place in the result at the parent's visit, in stock's order, and is
    struck out at its own visit if it is no package, and the candidate pruned
    unwalked. A test that is not ``__init__.py`` alone (a subclass's
    ``_looks_like_package``), a candidate pruned early, and ``links = "once"``
    (whose walk marks what it yields as entered) decide at the parent's visit.
    """
    # Stock prunes below ``p`` when ``p*`` or ``p.*`` is excluded: the set of such ``p``.
    stops = {p[:-2] for p in prune if p.endswith(".*")} | {p[:-1] for p in prune if p.endswith("*")}
    options = options or WalkOptions()
    later = looks_like_package is is_package and options.links != "once"
    namespace = looks_like_package is is_namespace_package
    every = _as_filter(include).everything
    excluded = _as_filter(exclude)
    ex_literals, ex_starts, ex_ends, ex_other = excluded.literals, excluded.starts, excluded.ends, excluded.other
    found: list[str] = []
    # Candidates left for their own visit, by package name. A name goes into ``found``
    # at once if include/exclude want it, and into ``rejected`` at the candidate's
    # visit if it is no package: names are unique, as every path is walked once.
    waiting: dict[Directory, str] = {}
    rejected: set[str] = set()
    names: dict[Directory, str] = {}  # the others, likewise (the package each one would be)
    # With links = "once" a link is walked last, as a second visit of its parent: a
    # new Directory with the parent's path, whose package is the one the parent had.
    visited: dict[str, str | None] | None = {} if options.links == "once" else None
    # Only the ``__init__.py`` test asks ``has_file``: other walks list by the plain path.
    for directory in options.walk(where, keep_listings=False, vouch_for_files=looks_like_package is is_package):
        if later:
            package = waiting.pop(directory, None)  # None: the root
            if package is not None:
                # _has_init(directory), its common case inline (once per candidate).
                not_files = directory._not_files
                if not (
                    not_files is not None and "__init__.py" in directory._files and "__init__.py" not in not_files  # type: ignore[operator]  # listed
                ) and not directory.has_file("__init__.py"):
                    rejected.add(package)
                    directory.prune()
                    continue
        else:
            package = names.pop(directory, None)  # None: the root, or a second visit
            if visited is not None:
                if package is None:
                    package = visited.get(directory.path)
                visited[directory.path] = package
        if directory._links is not None:  # decided here, as reading ``dirs`` would
            directory._walk.vet(directory)
        children: list[Directory] = directory._dirs  # type: ignore[assignment]  # listed
        if not children:
            continue
        prefix = "" if package is None else package + "."
        pruned: list[Directory] = []
        for child in children:
            name = child.name
            if "." in name:
                pruned.append(child)
                continue
            package = prefix + name
            if stops and package in stops:  # nothing below it is searched: decided now
                if looks_like_package(child, package) and (every or include(package)) and not excluded(package):
                    found.append(package)
                pruned.append(child)
                continue
            if later:
                waiting[child] = package
            elif namespace or looks_like_package(child, package):
                names[child] = package
            else:
                pruned.append(child)
                continue
            # (every or include(package)) and not excluded(package), inline.
            if (every or include(package)) and not (
                package in ex_literals
                or (ex_ends and package.endswith(ex_ends))
                or (ex_starts and package.startswith(ex_starts))
                or (ex_other is not None and ex_other(package))
            ):
                found.append(package)
        if pruned:
            left_out = set(pruned)
            children[:] = [child for child in children if child not in left_out]
    # Candidates the walk could not list are left: stock's ``stat`` decides them.
    rejected.update(package for child, package in waiting.items() if not child.has_file("__init__.py"))
    return [package for package in found if package not in rejected] if rejected else found


def _find(
    where: StrPath,
    exclude: Iterable[str],
    include: Iterable[str],
    looks_like_package: LooksLikePackage,
    options: WalkOptions | None,
) -> list[str]:
    excluded = (*ALWAYS_EXCLUDE, *exclude)
    return list_packages(
        os.fspath(PurePath(where)),
        name_filter(excluded),
        name_filter(include),
        looks_like_package,
        frozenset(excluded),
        options,
    )


def find_packages(
    where: StrPath = ".",
    exclude: Iterable[str] = (),
    include: Iterable[str] = ("*",),
    *,
    options: WalkOptions | None = None,
) -> list[str]:
    """``setuptools.find_packages``, cycle-safe: same arguments, same result, same order."""
    return _find(where, exclude, include, is_package, options)


def find_namespace_packages(
    where: StrPath = ".",
    exclude: Iterable[str] = (),
    include: Iterable[str] = ("*",),
    *,
    options: WalkOptions | None = None,
) -> list[str]:
    """``setuptools.find_namespace_packages`` (PEP 420), cycle-safe."""
    return _find(where, exclude, include, is_namespace_package, options)
