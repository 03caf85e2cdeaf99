"""Glob patterns and ``findall`` for setuptools' file selection, on the cycle-safe walk.

setuptools selects files with three matchers: the standard library's ``glob``
(package data, license files, data files and other configuration), its own
``setuptools.glob`` (MANIFEST.in), and ``setuptools.findall``. Each recurses
through ``**`` or ``os.walk(followlinks=True)`` with no memory of where it has
been, so one link back to an ancestor makes it run forever. Here each gives the
same answer in the same order on every tree the walk can take whole, and a tree
with a loop is matched as if the looping links were not there.

The rules kept, per matcher:

- standard ``glob``: ``*``, ``?`` and ``[...]`` skip names starting with a dot
  unless the pattern's own part does (or ``include_hidden``); ``**`` matches zero
  or more directories and neither yields nor enters hidden ones; a pattern
  starting with ``**`` does not yield the empty match; Python 3.13 (and the
  releases that took the same fix) yield a ``**`` zero-directory match only for
  an existing directory.
- ``setuptools.glob``: the same, except hidden names are matched like any other
  and ``**`` always yields its zero-directory match.
- ``findall``: every file below a directory, in ``os.walk`` order, relative to it
  when it is ``os.curdir``; distutils' own (``graft``, ``global-include``) enters
  each directory once, the first time its walk meets it.

Where setuptools copies what a pattern matches without checking that it is a
regular file (MANIFEST.in patterns, data files), a FIFO, socket or device matched
is left out and reported: copying it would block the build, or fail.

Directory listings all come from ``safe_find._walk``: a link the walk refuses
(a loop, or one the settings keep out) is not a directory here either.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator

from ._filesystems import special_file
from ._paths import StrPath
from ._walk import Directory, SpecialFileReport, WalkOptions, names_in

_MAGIC = re.compile("[*?[]")
_ZERO_MATCH_NEEDS_DIR: bool | None = None


def _has_magic(pattern: str) -> bool:
    return _MAGIC.search(pattern) is not None


def _hidden(name: str) -> bool:
    return name[:1] == "."


def _zero_match_needs_dir() -> bool:
    """Whether this Python's ``glob`` yields ``absent/**`` for a missing directory.

    CPython changed that in 3.13 (gh-79382) and may carry the fix to other
    releases, so the running ``glob`` is asked once, about a path that cannot exist.
    """
    global _ZERO_MATCH_NEEDS_DIR
    if _ZERO_MATCH_NEEDS_DIR is None:
        import glob as stdlib_glob

        absent = os.path.join(tempfile.gettempdir(), f"safe-find-probe-{os.getpid()}", "absent")
        _ZERO_MATCH_NEEDS_DIR = not stdlib_glob.glob(os.path.join(absent, "**"), recursive=True)
    return _ZERO_MATCH_NEEDS_DIR


class _Frame:
    """One directory of a ``**`` expansion whose entries are not all yielded yet."""

    __slots__ = ("path", "pending", "relative")

    def __init__(self, path: str, relative: str, names: list[str]) -> None:
        self.path = path
        self.relative = relative
        self.pending = iter(names)

    def join(self, name: str) -> str:
        return os.path.join(self.relative, name) if self.relative else name

    def until(self, name: str) -> Iterator[str]:
        """Yield the pending entries up to and including ``name``."""
        for pending in self.pending:
            yield self.join(pending)
            if pending == name:
                return

    def rest(self) -> Iterator[str]:
        for pending in self.pending:
            yield self.join(pending)


class _Matcher:
    """One glob call: the flavour's rules and the walk options."""

    def __init__(
        self,
        recursive: bool,
        hide: bool,
        zero_needs_dir: bool,
        options: WalkOptions | None,
        dironly: bool = True,
        leave_out_special: bool = False,
    ) -> None:
        self.recursive = recursive
        self.hide = hide
        self.zero_needs_dir = zero_needs_dir
        # The standard glob lists only directories for the parts before the last;
        # setuptools' lists everything, and a file then ends a "**/**" match as "file/".
        self.dironly = dironly
        self.options = options or WalkOptions()
        self.leave_out_special = leave_out_special

    def without_special(self, dirname: str, names: list[str], specials: dict[str, str]) -> list[str]:
        """``names`` (in ``dirname``) but the FIFOs, sockets and devices, each reported.

        ``specials`` maps the names that are such files to what each is.
        """
        if not specials:
            return names
        kept = []
        for name in names:
            what = specials.get(name)
            if what is None:
                kept.append(name)
            else:
                self.said(SpecialFileReport(os.path.join(dirname, name), what))
        return kept

    def regular(self, directory: Directory, names: list[str]) -> list[str]:
        """``names``, files of ``directory``, but the FIFOs, sockets and devices where asked."""
        if not self.leave_out_special or not names:
            return names
        return self.without_special(directory.path, names, directory.special_files(names))

    def said(self, report: SpecialFileReport) -> None:
        if self.options.report is not None:
            self.options.report(report)

    def exists(self, path: str) -> bool:
        """``os.path.lexists``, but a FIFO, socket or device is reported instead, where asked."""
        if not os.path.lexists(path):
            return False
        if self.leave_out_special:
            what = special_file(path)
            if what is not None:
                self.said(SpecialFileReport(path, what))
                return False
        return True

    # -- the pattern, one path component at a time -----------------------------------
    def expand(self, pathname: str, dironly: bool) -> Iterator[str]:
        dirname, basename = os.path.split(pathname)
        if not _has_magic(pathname):
            if basename:
                if self.exists(pathname):
                    yield pathname
            elif os.path.isdir(dirname):  # "dir/" names only a directory
                yield pathname
            return
        if not dirname:
            yield from self.in_directory(dirname, basename, dironly)
            return
        # os.path.split gives a drive or UNC root back unchanged: do not recurse on it.
        parents: Iterable[str] = (
            self.expand(dirname, self.dironly) if dirname != pathname and _has_magic(dirname) else [dirname]
        )
        for parent in parents:
            for name in self.in_directory(parent, basename, dironly):
                yield os.path.join(parent, name)

    def in_directory(self, dirname: str, basename: str, dironly: bool) -> Iterator[str]:
        if self.recursive and basename == "**":
            return self.recursive_names(dirname, dironly)
        if _has_magic(basename):
            return iter(self.matching(dirname, basename, dironly))
        return iter(self.literal(dirname, basename))

    def literal(self, dirname: str, basename: str) -> list[str]:
        if basename:
            return [basename] if self.exists(os.path.join(dirname, basename)) else []
        return [basename] if os.path.isdir(dirname) else []

    def matching(self, dirname: str, pattern: str, dironly: bool) -> list[str]:
        """The entries of ``dirname`` that match, in listing order.

        The last part of a pattern matches files and directories alike, in one
        directory: a listing alone answers it unless a match is a link to a
        directory (package data globs ``pkg/*.pyi`` thousands of times a build).
        Otherwise the walk lists the directory and decides its links; directories
        and files are matched apart, and interleaved only if both match.
        """
        if not dironly:
            listed = names_in(dirname or os.curdir)
            if listed is None:
                return []
            names, links, specials = listed
            matched = self.select(names, pattern)
            if links.isdisjoint(matched):
                return self.without_special(dirname, matched, specials) if self.leave_out_special else matched
        entries = self.options.walk(dirname or os.curdir)
        top = next(entries, None)
        if top is None:  # it cannot be read
            return []
        dirs = [child.name for child in top.dirs]
        top.dirs[:] = []
        # With links = "once" the walk hands over directory links last, each in
        # a second visit of its parent.
        for revisit in entries:
            dirs.extend(child.name for child in revisit.dirs)
            revisit.dirs[:] = []
        files = [] if dironly else self.regular(top, self.select(top.files, pattern))
        return self.in_order(top, self.select(dirs, pattern), files)

    def select(self, names: list[str], pattern: str) -> list[str]:
        """The ``names`` that ``pattern`` matches, hidden ones left out unless it asks for them."""
        if self.hide and not _hidden(pattern):
            names = [name for name in names if not _hidden(name)]
        return fnmatch.filter(names, pattern)

    # -- listings, all from the walk ---------------------------------------------------

    @staticmethod
    def in_order(directory: Directory, dirs: list[str], files: list[str]) -> list[str]:
        if not files:
            return dirs
        if not dirs:
            return files
        keep = {*dirs, *files}
        return [name for name in directory.names() if name in keep]

    def recursive_names(self, dirname: str, dironly: bool) -> Iterator[str]:
        """``**`` in ``dirname``: the zero-directory match, then every path below, pre-order.

        Each entry is yielded just before what lies below it, as a recursive
        listing would; the walk supplies the directories in that same order, so
        a stack of the directories still open says where each one goes.
        """
        if not self.zero_needs_dir or not dirname or os.path.isdir(dirname):
            yield ""
        frames: list[_Frame] = []
        relative_of: dict[str, str] = {}
        for directory in self.options.walk(dirname or os.curdir):
            if self.hide:
                directory.dirs[:] = [child for child in directory.dirs if not _hidden(child.name)]
            names = [child.name for child in directory.dirs]
            if not relative_of:  # the top
                relative = ""
            elif directory.path in relative_of:
                # links = "once": a second visit of a directory, holding one link.
                while frames:
                    yield from frames.pop().rest()
                frames.append(_Frame(directory.path, relative_of[directory.path], names))
                continue
            else:
                parent = directory.parent
                assert parent is not None
                while frames and frames[-1].path != parent.path:
                    yield from frames.pop().rest()
                yield from frames[-1].until(directory.name)
                relative = frames[-1].join(directory.name)
            relative_of[directory.path] = relative
            if not dironly:
                files = directory.files
                files = [n for n in files if not _hidden(n)] if self.hide else files
                files = self.regular(directory, files)
                names = self.in_order(directory, names, files)
            frames.append(_Frame(directory.path, relative, names))
        while frames:
            yield from frames.pop().rest()


def _run(matcher: _Matcher, pathname: str, skip_empty: bool) -> Iterator[str]:
    found = matcher.expand(pathname, False)
    if skip_empty:
        first = next(found, None)
        if first is None:
            return
        if first:
            yield first
    yield from found


def iglob(
    pathname: str,
    *,
    recursive: bool = False,
    include_hidden: bool = False,
    options: WalkOptions | None = None,
    leave_out_special: bool = False,
) -> Iterator[str]:
    """The standard library's ``glob.iglob``, cycle-safe, for this Python's rules.

    ``leave_out_special``: FIFOs, sockets and devices are not matched, and each is
    reported to the options' ``report``.
    """
    matcher = _Matcher(
        recursive, not include_hidden, _zero_match_needs_dir(), options, leave_out_special=leave_out_special
    )
    if sys.version_info >= (3, 10):
        skip = not pathname or (recursive and pathname[:2] == "**")
    else:
        skip = recursive and pathname == "**"
    return _run(matcher, pathname, skip)


def glob(
    pathname: str,
    *,
    recursive: bool = False,
    include_hidden: bool = False,
    options: WalkOptions | None = None,
    leave_out_special: bool = False,
) -> list[str]:
    """The standard library's ``glob.glob``, cycle-safe, for this Python's rules (see ``iglob``)."""
    found = iglob(
        pathname,
        recursive=recursive,
        include_hidden=include_hidden,
        options=options,
        leave_out_special=leave_out_special,
    )
    return list(found)


def setuptools_glob(pathname: str, recursive: bool = False, *, options: WalkOptions | None = None) -> list[str]:
    """``setuptools.glob.glob`` (MANIFEST.in): hidden names match, cycle-safe; FIFOs,
    sockets and devices are left out and reported (setuptools would copy them)."""
    matcher = _Matcher(recursive, False, False, options, dironly=False, leave_out_special=True)
    return list(_run(matcher, pathname, recursive and pathname == "**"))


def findall(dir: StrPath = os.curdir, *, options: WalkOptions | None = None, unique: bool = False) -> list[str]:
    """``setuptools.findall``: every file below ``dir``, cycle-safe, in ``os.walk`` order.

    ``unique``: each directory is walked once, the first time it is met, as distutils'
    own ``findall`` (``graft``, ``global-include``) does.
    """
    files = [
        os.path.join(directory.path, name)
        for directory in (options or WalkOptions()).walk(os.fspath(dir), unique=unique)
        for name in directory.files
        if directory.has_file(name)
    ]
    if dir == os.curdir:
        return [os.path.relpath(path, dir) for path in files]
    return files
