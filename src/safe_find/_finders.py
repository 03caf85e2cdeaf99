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
from pathlib import PurePath
from typing import Callable, Iterable, Iterator, Union

from ._walk import Directory, LinkMode, Report, walk

__all__ = ["WalkOptions", "find_namespace_packages", "find_packages", "iter_packages", "name_filter"]

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

    def walk(self, top: str) -> Iterator[Directory]:
        return walk(
            top,
            links=self.links,
            boundary=self.boundary,
            follow_outside=self.follow_outside,
            report=self.report,
        )


def name_filter(patterns: Iterable[str]) -> NameTest:
    """``any(fnmatchcase(name, p) for p in patterns)`` as one compiled expression."""
    unique = list(dict.fromkeys(patterns))
    if not unique:
        return lambda _name: False
    if unique == ["*"]:
        return lambda _name: True
    expression = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in unique))
    match = expression.match
    return lambda name: match(name) is not None


def is_package(directory: Directory, _name: str) -> bool:
    return directory.has_file("__init__.py")


def is_namespace_package(_directory: Directory, _name: str) -> bool:
    return True


def iter_packages(
    where: str,
    exclude: NameTest,
    include: NameTest,
    looks_like_package: LooksLikePackage,
    prune: frozenset[str] | set[str] = frozenset(),
    options: WalkOptions | None = None,
) -> Iterator[str]:
    """Yield the dotted names of the packages below ``where``, in setuptools' order.

    ``prune`` holds the literal exclude patterns; a package ``p`` whose ``p*`` or
    ``p.*`` is among them is not searched further.
    """
    names: dict[Directory, str] = {}
    for directory in (options or WalkOptions()).walk(where):
        prefix = names.pop(directory, None)
        if prefix is None:
            # The root, or (links = "once") a parent revisited for the links walked
            # last: name it from its path, as setuptools names every package.
            relative = os.path.relpath(directory.path, where)
            prefix = "" if relative == os.curdir else relative.replace(os.sep, ".") + "."
        kept = []
        for child in directory.dirs:
            name = child.name
            if "." in name:
                continue
            package = prefix + name
            if not looks_like_package(child, package):
                continue
            if include(package) and not exclude(package):
                yield package
            if prune and (package + "*" in prune or package + ".*" in prune):
                continue
            names[child] = package + "."
            kept.append(child)
        directory.dirs[:] = kept


def _find(
    where: StrPath,
    exclude: Iterable[str],
    include: Iterable[str],
    looks_like_package: LooksLikePackage,
    options: WalkOptions | None,
) -> list[str]:
    excluded = (*ALWAYS_EXCLUDE, *exclude)
    return list(
        iter_packages(
            os.fspath(PurePath(where)),
            name_filter(excluded),
            name_filter(include),
            looks_like_package,
            frozenset(excluded),
            options,
        )
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
