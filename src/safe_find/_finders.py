"""setuptools' package-finding rules, on top of the cycle-safe walk.

The rules are those of ``setuptools.discovery.PackageFinder._find_iter``: a
directory is a candidate if its name has no dot and it looks like a package; a
candidate is reported if it passes ``include`` and not ``exclude``; its children
are searched even when it is excluded, unless ``pkg*`` or ``pkg.*`` is excluded,
which excludes every name below it anyway. Results come in the same order,
because the walk keeps ``os.walk``'s order and each package takes its place in the
result at its parent's visit, as stock decides it.

Three ways to run them, one function each (``list_packages`` picks one): a regular
package is decided at its own visit, from the listing read to walk it
(``_find_deciding_at_own_visit``); any other test at the parent's visit
(``_find_deciding_at_parents_visit``); and with ``links = "once"``, where a link is
walked last as a second visit of its parent, at the parent's visit with that
second visit in mind (``_find_with_links_once``). All three decide a directory's
children with ``_take_children``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Callable

from ._paths import StrPath
from ._walk import Directory, WalkOptions

LooksLikePackage = Callable[[Directory, str], bool]
NameTest = Callable[[str], bool]

ALWAYS_EXCLUDE = ("ez_setup", "*__pycache__")
INIT = "__init__.py"


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
    return directory.has_file(INIT)


def is_namespace_package(_directory: Directory, _name: str) -> bool:
    return True


class _Search:
    """One search's tests, taken apart for ``_take_children``, which runs them inline.

    ``stops`` holds each ``p`` whose ``p*`` or ``p.*`` is excluded: stock prunes below it.
    """

    __slots__ = ("excluded", "include", "includes_all", "looks_like_package", "stops")

    def __init__(
        self, exclude: NameTest, include: NameTest, looks_like_package: LooksLikePackage, prune: Iterable[str]
    ) -> None:
        self.excluded = _as_filter(exclude)
        self.include = include
        self.includes_all = _as_filter(include).everything
        self.looks_like_package = looks_like_package
        literal = frozenset(prune)
        self.stops = {p[:-2] for p in literal if p.endswith(".*")} | {p[:-1] for p in literal if p.endswith("*")}

    def accepts(self, package: str) -> bool:
        """``include(package) and not exclude(package)``: ``_take_children`` inlines it."""
        return (self.includes_all or bool(self.include(package))) and not self.excluded(package)


def _take_children(
    children: list[Directory],
    package: str | None,
    search: _Search,
    test: LooksLikePackage | None,
    found: list[str],
    candidates: dict[Directory, str],
) -> None:
    """Decide the children of the directory of ``package`` (None: the root), at its visit.

    A child whose name has a dot, that ``test`` rejects (None: none is rejected here),
    or below which ``stops`` prunes, is pruned from ``children``; every other one goes
    into ``candidates`` with the package it would be, and into ``found`` if the
    filters accept that package. The filters are ``_Search.accepts``, written out:
    this loop runs once per directory of the tree, and a call per directory costs
    more than the test (a test pins the two together).
    """
    prefix = "" if package is None else package + "."
    stops, includes_all, include = search.stops, search.includes_all, search.include
    excluded = search.excluded
    literals, starts, ends, other = excluded.literals, excluded.starts, excluded.ends, excluded.other
    pruned: list[Directory] = []
    for child in children:
        name = child.name
        if "." in name:
            pruned.append(child)
            continue
        package = prefix + name
        if stops and package in stops:  # nothing below it is searched: decided now
            if search.looks_like_package(child, package) and search.accepts(package):
                found.append(package)
            pruned.append(child)
            continue
        if test is not None and not test(child, package):
            pruned.append(child)
            continue
        candidates[child] = package
        if (includes_all or include(package)) and not (
            package in literals
            or (ends and package.endswith(ends))
            or (starts and package.startswith(starts))
            or (other is not None and other(package))
        ):
            found.append(package)
    if pruned:
        left_out = set(pruned)
        children[:] = [child for child in children if child not in left_out]


def _find_deciding_at_own_visit(where: str, search: _Search, options: WalkOptions) -> list[str]:
    """Regular packages: a candidate's name takes its place in the result at its parent's
    visit, and is struck out at its own visit if its listing shows no ``__init__.py``
    (it is then pruned unwalked, its links undecided).

    Stock asks ``stat`` for every candidate's ``__init__.py`` at the parent's visit; the
    walk lists every directory anyway, and waiting for the candidate's own visit, one
    directory after another, spares holding the listings of all the parent's children
    at once (a tenth of the time of a wide flat layout).
    """
    found: list[str] = []
    waiting: dict[Directory, str] = {}  # candidates, until their own visit
    rejected: set[str] = set()  # names are unique: every path is walked once
    for directory in options.walk(where, keep_listings=False):
        package = waiting.pop(directory, None)  # None: the root
        if package is not None:
            # ``directory.has_file(INIT)``, its common case written out (once per
            # candidate; a test pins the two together).
            listed_not_regular = directory.non_regular_names
            if not (
                listed_not_regular is not None
                and INIT in directory.file_names  # type: ignore[operator]  # listed
                and INIT not in listed_not_regular
            ) and not directory.has_file(INIT):
                rejected.add(package)
                directory.prune()
                continue
        if directory.undecided is not None:
            directory.decide_links()
        children = directory.listed_dirs
        if children:
            _take_children(children, package, search, None, found, waiting)
    # Candidates the walk could not list are left: stock's ``stat`` decides them.
    rejected.update(package for child, package in waiting.items() if not child.has_file(INIT))
    return [package for package in found if package not in rejected] if rejected else found


def _find_deciding_at_parents_visit(where: str, search: _Search, options: WalkOptions) -> list[str]:
    """Namespace packages, and a subclass's own ``_looks_like_package``: each candidate
    is decided at its parent's visit, as stock decides it."""
    test = None if search.looks_like_package is is_namespace_package else search.looks_like_package
    found: list[str] = []
    names: dict[Directory, str] = {}  # candidates, until their own visit
    # Only the ``__init__.py`` test asks ``has_file``: other walks list by the plain path.
    for directory in options.walk(where, keep_listings=False, vouch_for_files=test is is_package):
        package = names.pop(directory, None)  # None: the root
        if directory.undecided is not None:
            directory.decide_links()
        children = directory.listed_dirs
        if children:
            _take_children(children, package, search, test, found, names)
    return found


def _find_with_links_once(where: str, search: _Search, options: WalkOptions) -> list[str]:
    """``links = "once"``: the walk marks what it yields as entered, so every candidate
    is decided at its parent's visit; a link walked last comes as a second visit of
    its parent (a new ``Directory`` with the parent's path), whose package is the one
    the parent had."""
    test = None if search.looks_like_package is is_namespace_package else search.looks_like_package
    found: list[str] = []
    names: dict[Directory, str] = {}
    packages_by_path: dict[str, str | None] = {}
    for directory in options.walk(where, keep_listings=False, vouch_for_files=test is is_package):
        package = names.pop(directory, None) or packages_by_path.get(directory.path)
        packages_by_path[directory.path] = package
        if directory.undecided is not None:
            directory.decide_links()
        children = directory.listed_dirs
        if children:
            _take_children(children, package, search, test, found, names)
    return found


def list_packages(
    where: str,
    exclude: NameTest,
    include: NameTest,
    looks_like_package: LooksLikePackage,
    prune: Iterable[str] = (),
    options: WalkOptions | None = None,
) -> list[str]:
    """The dotted names of the packages below ``where``, in setuptools' order.

    ``prune`` holds the literal exclude patterns; a package ``p`` whose ``p*`` or
    ``p.*`` is among them is not searched further.
    """
    options = options or WalkOptions()
    search = _Search(exclude, include, looks_like_package, prune)
    if options.links == "once":
        return _find_with_links_once(where, search, options)
    if looks_like_package is is_package:
        return _find_deciding_at_own_visit(where, search, options)
    return _find_deciding_at_parents_visit(where, search, options)


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
        excluded,
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
