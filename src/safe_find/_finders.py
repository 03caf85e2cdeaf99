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

    def walk(self, top: str, *, keep_listings: bool = True) -> Iterator[Directory]:
        return walk(
            top,
            links=self.links,
            boundary=self.boundary,
            follow_outside=self.follow_outside,
            report=self.report,
            keep_listings=keep_listings,
        )


_WILDCARDS = ("*", "?", "[")


def name_filter(patterns: Iterable[str]) -> NameTest:
    """``any(fnmatchcase(name, p) for p in patterns)``, as cheap as the patterns allow.

    It runs once per directory of the tree, so the common shapes skip the regular
    expression: a literal is a set lookup, ``abc*`` a ``startswith`` and ``*abc``
    an ``endswith``; anything else joins one compiled expression.
    """
    unique = list(dict.fromkeys(patterns))
    if "*" in unique:
        return _always
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
    starts, ends = tuple(prefixes), tuple(suffixes)
    if others:
        match = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in others)).match
        return lambda name: (
            name in literals or name.startswith(starts) or name.endswith(ends) or match(name) is not None
        )
    if starts:
        return lambda name: name in literals or name.startswith(starts) or name.endswith(ends)
    if ends:  # setuptools' own ("ez_setup", "*__pycache__") is this shape
        return lambda name: name in literals or name.endswith(ends)
    if literals:
        return literals.__contains__
    return _never


def _always(_name: str) -> bool:
    return True


def _never(_name: str) -> bool:
    return False


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
    """
    # Stock prunes below ``p`` when ``p*`` or ``p.*`` is excluded: the set of such ``p``.
    stops = {p[:-2] for p in prune if p.endswith(".*")} | {p[:-1] for p in prune if p.endswith("*")}
    init_file = looks_like_package is is_package
    namespace = looks_like_package is is_namespace_package
    every = include is _always
    found: list[str] = []
    names: dict[Directory, str] = {}
    options = options or WalkOptions()
    # With links = "once" a link is walked last, as a second visit of its parent: a
    # new Directory with the parent's path, whose prefix is the one the parent had.
    visited: dict[str, str] | None = {} if options.links == "once" else None
    # Packages are decided at their parent's visit and nothing looks back after.
    for directory in options.walk(where, keep_listings=False):
        prefix = names.pop(directory, None)
        if prefix is None:  # the root, or a second visit
            prefix = visited.get(directory.path, "") if visited is not None else ""
        if visited is not None:
            visited[directory.path] = prefix
        # The walk yields directories listed, their links vetted: ``dirs`` without
        # the property's checks.
        children: list[Directory] = directory._dirs  # type: ignore[assignment]
        if not children:
            continue
        pruned: list[Directory] = []
        for child in children:
            name = child.name
            if "." in name:
                pruned.append(child)
                continue
            package = prefix + name
            if init_file:
                # child.has_file("__init__.py"), its common case inline (this runs once
                # per candidate): a listing that vouches for isfile and holds the name.
                if child._dirs is None:
                    child._walk.scan(child)
                listed = child._not_files
                looks = (
                    listed is not None and "__init__.py" in child._files and "__init__.py" not in listed  # type: ignore[operator]
                ) or child.has_file("__init__.py")
            else:
                looks = namespace or looks_like_package(child, package)
            if not looks:
                pruned.append(child)
                continue
            if (every or include(package)) and not exclude(package):
                found.append(package)
            if stops and package in stops:
                pruned.append(child)
                continue
            names[child] = package + "."
        if pruned:
            left_out = set(pruned)
            children[:] = [child for child in children if child not in left_out]
    return found


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
