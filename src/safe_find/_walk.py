"""The one directory walk of safe-find: top-down, link-following, and cycle-safe.

Every other module asks this one for directory contents. The rule that keeps the
walk finite is the one of GNU ``find -L`` and Rust's ``walkdir``: a directory is
never entered again while it is on the path from the walk's root to where the walk
stands, or is one of the real ancestors of the root itself (a link to ``/`` or to
the project root contains the link, so it is a loop too), whatever leads there: a
symbolic link, a plain subdirectory of a directory reached through a link (a cycle
entered in its middle), a Windows junction, or a mount point (a bind mount).
Directories are identified by ``(st_dev, st_ino)``, or by their resolved path where
the file system gives no inode number. Each directory not entered is reported, with
the link, junction or mount point that led into the cycle.

Identities cost a ``stat``, so the walk asks for them only where a cycle can close.
Plain descent from the root can only come back to a directory through a mount: on
Linux the walk reads the mount table once per process and asks ``stat`` only of
directories named like a mount point. Links and junctions are checked where they
are met. Below one, plain descent stays in the real tree below its target, and can
come back to a directory on the path only if that target is a real ancestor of a
link target higher on the path (the walk went down through one link and back up
through another): only below such a link, and below a mount point, is every
directory checked. A tree without links costs one ``os.scandir`` per directory and
nothing more.

The walk keeps the order and the error handling of ``os.walk(top,
followlinks=True)``: children in ``scandir`` order, depth first, directories that
cannot be listed silently left out, and the caller may prune ``Directory.dirs`` in
place before the walk descends. A directory's links are decided once it is yielded,
when the caller reads ``dirs`` or the walk descends: a caller that prunes it with
``Directory.prune`` instead leaves them undecided and unreported, as it leaves the
directory unwalked.

The parts: ``_Chain`` (the path from the root, and the identities on it),
``_list_directory`` (one ``scandir``), ``_Links`` (what to do with each link, and
the reports), ``_Revisits`` (``links = "once"``: links walked last), and ``walk``,
which drives them.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Callable, Literal, Union

from ._fanout import Heartbeat, Progress
from ._filesystems import (
    CASE_INSENSITIVE,
    JUNCTIONS,
    STAT_FOR_IDENTITY,
    Identity,
    identity_of,
    is_junction,
    is_mount_point,
    link_target,
    mounts,
    real_ancestors,
    special_entry,
    special_file,
)
from ._paths import real_path, within

LinkMode = Literal["follow", "once", "never"]
"""How directory links are treated: ``follow`` them as setuptools does and break
cycles at ancestors; enter each real directory only ``once``; or ``never`` descend."""

LinkKind = Literal["link", "junction", "mount"]
"""What leads into a directory other than plain descent: a symbolic link, a Windows
junction (a directory to Python, not a link), or a mount point."""

Reason = Literal["loop", "repeat", "never", "outside", "kernel"]
"""Why a link is reported: it loops back to an ancestor; it leads to a directory
already walked (``once``); links are not followed (``never``); it leaves the
project; it leads into a kernel file system (see ``_filesystems``)."""

# What leads into a subdirectory ``_list_directory`` notes: a ``LinkKind``, or "plain"
# for a plain subdirectory where a cycle may close.
_NotedKind = Literal["link", "junction", "mount", "plain"]
# A subdirectory ``_list_directory`` leaves for ``_Links.decide``: how many directories
# precede it in the listing, its name, its identity, and what leads there.
_Noted = tuple[int, str, Identity, _NotedKind]

_JUNCTIONS = JUNCTIONS  # a global of this module: the listing's hot loop reads it

# Elsewhere a directory is listed through ``path/.``: looking up "." inside it makes
# the kernel check search permission on it (POSIX: it is a component of the path
# prefix), so a listing read that way proves that ``stat`` reaches every name it
# holds, and ``has_file`` answers from it without a system call. A directory that
# can be listed but not searched (mode r--) is listed by its plain path instead,
# as ``os.walk`` lists it, and there ``has_file`` asks ``stat``, which says no.
# It also takes a path short enough for ``stat`` to accept any name joined to it:
# near PATH_MAX, "." fits where "__init__.py" does not.
_TRUST_LISTING = not CASE_INSENSITIVE
_SEP, _ALTSEP = os.sep, os.altsep
_SEPARATORS = _SEP + (_ALTSEP or "")
_PATH_MAX = 4096 if sys.platform.startswith("linux") else 1024  # bytes, with the final NUL
_NAME_MAX = 255  # bytes
# A path shorter than this many characters has room (a character is at most 4 bytes).
_SHORT = (_PATH_MAX - 1 - _NAME_MAX) // 4 if _TRUST_LISTING else 0
_PROBE = _SEP + "."
_NO_DIRS: tuple[()] = ()  # what a directory without subdirectories lists as ``listed_dirs``


# -- what the walk reports -----------------------------------------------------------------


@dataclass(frozen=True)
class LinkReport:
    """A directory link the walk met and did not simply follow.

    ``link`` is the link's path as the walk reached it, ``target`` what the link
    says (``os.readlink``; empty for a mount point), ``reason`` why it is reported,
    ``other`` the directory it duplicates: the ancestor it loops back to, or the
    path where the directory was first walked; for a kernel file system, its type.
    ``followed`` is true only for a link that leaves the project and is followed all
    the same. ``kind`` says what ``link`` is. ``entry`` is set when the directory not
    entered lies below the link rather than being the link itself: the link was
    followed and led into the middle of a cycle, and ``entry`` is where the cycle
    closes.
    """

    link: str
    target: str
    reason: Reason
    other: str | None = None
    followed: bool = False
    entry: str | None = None
    kind: LinkKind = "link"

    @property
    def path(self) -> str:
        """The directory not entered (or, for an outside link followed, entered)."""
        return self.link if self.entry is None else self.entry

    def describe(self) -> str:
        """One line for a build log."""
        where = {
            "link": f"{self.link} -> {self.target}",
            "junction": f"{self.link} -> {self.target} (a junction)",
            "mount": f"{self.link} (a mount point)",
        }[self.kind]
        if self.entry is not None:
            return f"{self.entry}: not entered, it is its ancestor {self.other} again (reached through {where})"
        if self.reason == "loop":
            verb = "entered" if self.kind == "mount" else "followed"
            return f"{where}: not {verb}, it loops back to its ancestor {self.other}"
        if self.reason == "repeat":
            return f'{where}: not followed, {self.other} is already walked (links = "once")'
        if self.reason == "never":
            return f'{where}: not followed (links = "never")'
        if self.reason == "kernel":
            verb = "entered" if self.kind == "mount" else "followed"
            return f"{where}: a kernel file system ({self.other}), not {verb}"
        action = "followed" if self.followed else "not followed"
        return f"{where}: leads outside the project root {self.other}, {action}"


@dataclass(frozen=True)
class SpecialFileReport:
    """A file a pattern matched that is no regular file (a FIFO, a socket, a device),
    left out: setuptools would block reading it, or fail, when it copies it."""

    path: str
    what: str  # "a FIFO", "a socket", "a character device", "a block device"
    reason: Literal["special"] = "special"

    def describe(self) -> str:
        return f"{self.path}: {self.what}, not a regular file: left out (copying it would block or fail)"


AnyReport = Union[LinkReport, SpecialFileReport]
Report = Callable[[AnyReport], None]


def _ignore(_report: AnyReport) -> None:
    return None


class WalkOptions:
    """How a walk treats links: the knobs of ``walk``, gathered for the call sites.

    ``boundary``: a real path; a link that leads outside it is reported, and
    followed only if ``follow_outside``. ``report`` receives every report;
    ``heartbeat``, during a long walk, where it is (see ``_fanout``).
    """

    __slots__ = ("boundary", "follow_outside", "heartbeat", "links", "report")

    def __init__(
        self,
        links: LinkMode = "follow",
        boundary: str | None = None,
        follow_outside: bool = True,
        report: Report | None = None,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.links: LinkMode = links
        self.boundary = boundary
        self.follow_outside = follow_outside
        self.report = report
        self.heartbeat = heartbeat

    def walk(
        self, top: str, *, keep_listings: bool = True, vouch_for_files: bool = True, unique: bool = False
    ) -> Iterator[Directory]:
        return walk(
            top,
            links=self.links,
            boundary=self.boundary,
            follow_outside=self.follow_outside,
            report=self.report,
            heartbeat=self.heartbeat,
            keep_listings=keep_listings,
            vouch_for_files=vouch_for_files,
            unique=unique,
        )


# -- directories -----------------------------------------------------------------------------


class Directory:
    """One directory of the walk: its path, and its listing, read once when needed.

    ``dirs`` and ``files`` keep ``os.scandir`` order. ``dirs`` holds the child
    directories the walk will descend into (links already decided); remove items
    from it to prune, as with the ``dirnames`` list of ``os.walk``.

    For callers on a hot path (a finder runs once per directory of the tree), the
    listing itself, to read and never to change:

    - ``listed_dirs``: the subdirectories the walk will descend into so far: an
      empty tuple where there are none, None until the directory is listed;
    - ``undecided``: the subdirectories the listing noted (links, junctions, mount
      points, plain ones where a cycle may close) and the walk has not decided yet,
      or None; ``decide_links`` decides them into ``listed_dirs``, as reading
      ``dirs`` does, and the walk does once the caller is done with the directory;
    - ``file_names``: the names of the entries that are not directories (None if the
      directory cannot be listed);
    - ``non_regular_names``: those of them that are not regular files (dangling
      links, FIFOs...), or None where the listing cannot vouch for ``isfile``.
    """

    # A directory listed only to look inside it (``has_file``) and never walked
    # decides, and reports, none of its links. ``via`` is set where every
    # subdirectory must be checked against the path: it is the directory, at or above
    # this one, entered through the link (junction, mount point) that may close a
    # cycle below it; with ``unique``, the root is everyone's ``via``.
    __slots__ = (
        "_identity",
        "_walk",
        "file_names",
        "listed_dirs",
        "name",
        "non_regular_names",
        "outside",
        "parent",
        "path",
        "undecided",
        "via",
    )
    listed_dirs: list[Directory] | tuple[()] | None
    undecided: list[_Noted] | None
    again = False  # entered through a link before (``_Entered``)
    file_names: tuple[str, ...] | None
    non_regular_names: tuple[str, ...] | None

    def __init__(
        self,
        walk: _Walk,
        path: str,
        name: str,
        parent: Directory | None,
        identity: Identity | None = None,
        outside: bool = False,
        via: Directory | None = None,
    ) -> None:
        self._walk = walk
        self.path = path
        self.name = name
        self.parent = parent
        self._identity = identity
        self.outside = outside
        self.via = via
        self.listed_dirs = None

    def __repr__(self) -> str:
        return f"Directory({self.path!r})"

    @property
    def dirs(self) -> list[Directory]:
        self.decide_links()
        dirs = self.listed_dirs
        if dirs is _NO_DIRS:  # a list of its own, for the caller to prune
            dirs = self.listed_dirs = []
        return dirs  # type: ignore[return-value]  # a list unless _NO_DIRS

    def decide_links(self) -> None:
        """Decide the subdirectories the listing noted: refuse and report the ones not to
        enter, put the others into ``listed_dirs``. Reading ``dirs`` does it too."""
        if self.listed_dirs is None:
            self._walk.list(self)
        if self.undecided is not None:
            self._walk.links.decide(self)

    @property
    def files(self) -> list[str]:
        """Names of the entries that are not directories (files, broken links, FIFOs...)."""
        if self.listed_dirs is None:
            self._walk.list(self)
        return list(self.file_names or ())

    def has_file(self, name: str) -> bool:
        """``os.path.isfile(join(path, name))``, answered from the directory's listing.

        The directory is listed if it was not (a directory asked about is usually
        walked next). ``stat`` is asked only where the listing cannot vouch for
        the answer: the directory could not be listed through ``path/.``, or the
        name is missing but a spelling of it that differs in case is listed (a
        case-insensitive file system would find it).
        """
        if self.listed_dirs is None:
            self._walk.list(self)
        not_files = self.non_regular_names
        if not_files is not None:
            files: tuple[str, ...] = self.file_names  # type: ignore[assignment]  # listed
            if name in files:  # a listed name is one entry, never a path below it
                return name not in not_files
            plain = _SEP not in name and (_ALTSEP is None or _ALTSEP not in name)
            if plain and not _case_variant_listed(name, files):
                return False
        return os.path.isfile(os.path.join(self.path, name))

    def names(self) -> list[str]:
        """Every name in the directory in listing order, files and directories interleaved.

        ``dirs`` and ``files`` each keep that order but not their interleaving, which
        glob's ``**`` reproduces; the directory is read again (only for callers that
        ask), so ``scandir`` in the walk stays as lean as it is.
        """
        try:
            return os.listdir(self.path)
        except OSError:
            return [*(self.file_names or ()), *(child.name for child in self.dirs)]

    def prune(self) -> None:
        """Walk nothing below this directory, and decide none of its links.

        ``dirs[:] = []`` prunes too, but reading ``dirs`` decides the links first, and
        reports the ones not followed. A caller that only looked at the directory's
        files (a finder that sees no ``__init__.py``) prunes it this way, so that a
        directory it does not walk names none of its links, as stock never sees them.
        (With ``links = "once"``, a directory yielded and pruned still counts as walked.)
        """
        if self.listed_dirs is None:
            self._walk.list(self)
        self.listed_dirs = _NO_DIRS
        self.undecided = None

    def special_files(self, names: Iterable[str]) -> dict[str, str]:
        """Which of ``names``, files of this directory, are FIFOs, sockets or devices, and
        what each is. ``stat`` is asked only of names the listing does not vouch for as
        regular files."""
        if self.listed_dirs is None:
            self._walk.list(self)
        not_files = self.non_regular_names
        found = {}
        for name in names if not_files is None else [name for name in names if name in not_files]:
            what = special_file(_join(self.path, name))
            if what is not None:
                found[name] = what
        return found

    def identity(self) -> Identity:
        if self._identity is None:
            self._identity = identity_of(os.stat(self.path), self.path)
        return self._identity


class _Entered(Directory):
    """A directory entered through a link, a junction or a mount point: ``kind`` says
    which. If it may close a cycle below itself, it is its own ``via``. ``again``: the
    walk entered the same directory through a link before (see ``_fanout``)."""

    __slots__ = ("again", "kind")

    def __init__(
        self,
        walk: _Walk,
        path: str,
        name: str,
        parent: Directory,
        identity: Identity,
        outside: bool,
        kind: LinkKind,
        check_below: bool,
    ) -> None:
        super().__init__(walk, path, name, parent, identity, outside)
        self.kind = kind
        self.again = walk.revisits is None and walk.progress.entered(identity, path)
        if check_below:  # a reference to itself: these are few
            self.via = self


# -- the ancestor chain ------------------------------------------------------------------------


class _Chain:
    """The directories from the walk's root to where it stands, and their identities.

    Identities are computed only when a link (or a mount point, or a plain
    directory where a cycle may close) is decided, so the known ones are always a
    prefix of the chain: ``known`` of them, in ``ids``. The walk appends a directory
    whose identity nobody has asked for straight to ``members`` (``push`` would do
    nothing more for it), and takes it off the same way.
    """

    def __init__(self, root: str, progress: Progress) -> None:
        self.root = root
        self.progress = progress
        self.members: list[Directory] = []
        self.ids: dict[Identity, Directory] = {}
        self.known = 0
        self._above_root: dict[Identity, str] | None = None
        self._real_ancestors: dict[Identity, set[Identity]] = {}

    def push(self, directory: Directory) -> None:
        self.members.append(directory)
        if directory.again:
            self.progress.walking_again(directory)
        if self.known == len(self.members) - 1 and directory._identity is not None:
            self.ids.setdefault(directory._identity, directory)
            self.known += 1

    def pop(self) -> Directory:
        directory = self.members.pop()
        if directory.again:
            self.progress.left(directory)
        if self.known > len(self.members):
            self.known -= 1
            identity = directory.identity()
            if self.ids.get(identity) is directory:
                del self.ids[identity]
        return directory

    def reset(self, lineage_end: Directory | None) -> None:
        """Make the chain the lineage ending at ``lineage_end`` (for links walked last)."""
        lineage: list[Directory] = []
        while lineage_end is not None:
            lineage.append(lineage_end)
            lineage_end = lineage_end.parent
        self.members.clear()
        self.ids.clear()
        self.known = 0
        for node in reversed(lineage):
            self.push(node)

    def identities(self, listed: Directory) -> dict[Identity, Directory]:
        """The identities of the directories on the chain, ``listed`` aside when it is
        the chain's last member (as at its visit): a link back to a proper ancestor
        (``back -> ..``) is then found without a ``stat`` of the directory being listed.
        Each directory on the chain is asked once for its identity while it is there."""
        members = self.members
        end = len(members) - 1 if members and members[-1] is listed else len(members)
        if self.known < end:
            for node in members[self.known : end]:
                self.ids.setdefault(node.identity(), node)
            self.known = end
        return self.ids

    def ancestor_of(self, listed: Directory, target: Identity) -> str | None:
        """The path of the ancestor of ``listed`` (itself included) that ``target`` is."""
        hit = self.identities(listed).get(target)
        if hit is not None:
            return hit.path
        if listed.identity() == target:
            return listed.path
        return self.above_root().get(target)

    def above_root(self) -> dict[Identity, str]:
        """Identities of the real directories above the root: a link to one holds itself."""
        if self._above_root is None:
            self._above_root = {}
            for identity, path in real_ancestors(self.root):
                self._above_root.setdefault(identity, path)
        return self._above_root

    def real_ancestors(self, entered: Directory) -> set[Identity]:
        """The identities of the real directories above the one ``entered`` leads to:
        resolved once per directory (by identity), however many links lead there."""
        key = entered.identity()
        found = self._real_ancestors.get(key)
        if found is None:
            found = self._real_ancestors[key] = {identity for identity, _ in real_ancestors(entered.path)}
        return found


# -- listing one directory ------------------------------------------------------------------


def _list_directory(walk: _Walk, directory: Directory) -> bool:
    """List ``directory`` into its ``listed_dirs`` and ``file_names``; False if it cannot be read.

    This runs once per directory and its loop once per entry of the tree, so both do
    as little as they can (it is the walk's hot path, and is longer than a function
    should be for that reason alone): the loop only sorts the entry, which ``scandir``
    answers without a system call but for links; most entries are files, and
    ``is_file`` first sorts them with one call. (Mapping ``is_file`` over a listing in
    C measured slower than this loop.) Subdirectories where a cycle may close (links,
    junctions, mount points, and every subdirectory of a directory with a ``via``)
    are only noted, with their identity and their place among the directories;
    ``_Links.decide`` decides them when the directory is visited.
    """
    path = directory.path
    trusted = walk.trust_listings and (len(path) < _SHORT or _room_for_any_name(path))
    try:
        listing = os.scandir(path + _PROBE if trusted else path)
    except OSError:
        try:  # by its plain path, as os.walk lists it: mode r--, a path near PATH_MAX
            listing = os.scandir(path)
        except OSError:
            _unreadable(directory)
            return False
        trusted = False
    dirs: list[Directory] | None = None  # made with ``base``, at the first directory
    files: list[str] = []
    not_files = noted = None
    base = ""
    outside = directory.outside
    check_all = directory.via is not None
    watched = walk.watched
    kind: _NotedKind
    try:
        for entry in listing:
            try:
                if entry.is_file():
                    files.append(entry.name)
                    continue
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            name = entry.name
            if not is_dir:
                files.append(name)
                if not_files is None:
                    not_files = []
                not_files.append(name)
                continue
            if entry.is_symlink():
                kind = "link"
            elif not (check_all or name in watched):  # the common case
                if dirs is None:
                    base = _base(path)
                    dirs = []
                dirs.append(Directory(walk, base + name, name, directory, None, outside))
                continue
            elif _JUNCTIONS and is_junction(entry):
                kind = "junction"
            elif name in walk.mounts and is_mount_point(entry):
                kind = "mount"
            elif check_all:
                kind = "plain"
            else:
                if dirs is None:
                    base = _base(path)
                    dirs = []
                dirs.append(Directory(walk, base + name, name, directory, None, outside))
                continue
            try:
                # For a link, the stat is_dir made, kept by the entry.
                st = os.stat(entry.path) if STAT_FOR_IDENTITY else entry.stat()
            except OSError:  # gone since it was listed: as os.walk, left out
                continue
            identity = (st.st_dev, st.st_ino) if st.st_ino else identity_of(st, entry.path)
            if noted is None:
                noted = []
            noted.append((0 if dirs is None else len(dirs), name, identity, kind))
    except OSError:
        # As os.walk: a directory that fails mid-listing contributes nothing.
        _unreadable(directory)
        return False
    finally:
        listing.close()
    # Most directories hold no directory: they share one empty listing, and the
    # garbage collector has one object fewer to count per directory.
    if dirs is None:
        directory.listed_dirs = _NO_DIRS
    else:
        directory.listed_dirs = dirs
        # The paths met are counted here (and in ``_Links.decide``), in the branch the
        # listing takes anyway: a test more per directory would cost every directory.
        progress = walk.progress
        progress.paths += len(dirs)
        if progress.paths >= progress.next_check:
            progress.checkpoint(path)  # may raise FanOutError: the walk ends
    # A tuple of strings is untracked by the garbage collector after its first
    # pass: with thousands of directories alive, what it must scan matters.
    directory.file_names = tuple(files)
    directory.non_regular_names = None if not trusted else () if not_files is None else tuple(not_files)
    directory.undecided = [] if noted is None and walk.revisits is not None else noted
    return True


def _unreadable(directory: Directory) -> None:
    """As os.walk: a directory that cannot be listed contributes nothing, and its
    files are asked of ``stat`` instead."""
    directory.listed_dirs = []
    directory.file_names = directory.non_regular_names = directory.undecided = None


def _room_for_any_name(path: str) -> bool:
    """Whether a listing of ``path`` can be trusted: ``join(path, name)`` stays below PATH_MAX."""
    return _TRUST_LISTING and len(os.fsencode(path)) + 1 + _NAME_MAX < _PATH_MAX


# -- what to do with each link ---------------------------------------------------------------


class _Links:
    """The link policy of one walk: which noted subdirectories to enter, and the reports.

    ``decide`` runs at a directory's visit. A subdirectory whose identity is on the
    chain (or above the root) is refused; a link, by the settings, is followed,
    left for later (``once``), or not (``never``, ``outside``); a plain one is
    entered.
    """

    def __init__(
        self,
        chain: _Chain,
        mode: LinkMode,
        boundary: str | None,
        follow_outside: bool,
        report: Report,
        revisits: _Revisits | None,
    ) -> None:
        self.chain = chain
        self.mode = mode
        self.boundary = boundary
        self.follow_outside = follow_outside
        self.report = report
        self.revisits = revisits
        self.kernel = mounts().kernel
        self.inside_by_identity: dict[Identity, bool] = {}

    def decide(self, directory: Directory) -> None:
        """Decide the noted subdirectories of a listed directory, at its visit: report
        the ones not to enter, put the others in ``dirs`` at their place in the listing.
        With ``links = "once"``, links wait for later (``enter``), and directories
        walked before are dropped (every directory is decided then: its noted list is
        empty rather than None)."""
        noted = directory.undecided
        directory.undecided = None
        if not noted:
            if noted is not None:
                self.drop_walked(directory)
            return
        listed = directory.listed_dirs
        assert listed is not None  # decided after listing
        inserted = 0
        ancestors = self.chain.identities(directory)
        # A plain subdirectory where a cycle may close is decided here, without the
        # checks of a link (there are as many as the linked trees have directories).
        # The directory being listed is then known by identity: ``identities`` leaves
        # it out.
        own = directory._identity
        above = self.chain.above_root() if own is not None else None
        base = _base(directory.path)
        via = directory.via
        for position, name, identity, kind in noted:
            hit = ancestors.get(identity)
            if hit is not None:  # the common loop, back to an ancestor, decided here
                self.refuse(directory, name, kind, hit.path)
                continue
            if kind == "plain" and above is not None and identity != own and identity not in above:
                child: Directory | None = Directory(
                    directory._walk, base + name, name, directory, identity, directory.outside, via
                )
            else:
                child = self.enter(directory, name, identity, kind)
            if child is not None:
                if isinstance(listed, tuple):  # _NO_DIRS
                    listed = directory.listed_dirs = []
                listed.insert(position + inserted, child)
                inserted += 1
        if inserted:
            self.chain.progress.add(inserted, directory.path)
        if self.revisits is not None:
            self.drop_walked(directory)

    def drop_walked(self, directory: Directory) -> None:
        """``links = "once"``: the subdirectories whose directory was walked before are not entered."""
        assert self.revisits is not None
        seen = self.revisits.seen
        listed = directory.listed_dirs
        assert listed is not None  # decided after listing
        kept = [child for child in listed if child.identity() not in seen]
        if len(kept) != len(listed):
            directory.listed_dirs = kept

    def enter(self, parent: Directory, name: str, identity: Identity, kind: _NotedKind) -> Directory | None:
        """The directory to enter as ``name`` of ``parent`` (a link, a junction, a mount
        point, or a plain subdirectory where a cycle may close), if any."""
        ancestor = self.chain.ancestor_of(parent, identity)
        if ancestor is not None:
            self.refuse(parent, name, kind, ancestor)
            return None
        walk = parent._walk
        path = _join(parent.path, name)
        if kind == "plain":
            return Directory(walk, path, name, parent, identity, parent.outside, parent.via)
        kernel = self.kernel.get(identity[0])
        if kernel is not None:
            self.report_link(path, "kernel", kernel, kind=kind)
            return None
        if kind == "mount":
            return _Entered(walk, path, name, parent, identity, parent.outside, "mount", True)
        if self.mode == "never":
            self.report_link(path, "never", kind=kind)
            return None
        outside = parent.outside
        if self.boundary is not None and not outside and not self.inside(identity, path):
            outside = True
            self.report_link(path, "outside", self.boundary, self.follow_outside, kind=kind)
            if not self.follow_outside:
                return None
        check_below = self.closes_midway(parent, identity)
        child = _Entered(walk, path, name, parent, identity, outside, kind, check_below)
        if self.revisits is not None:
            self.revisits.walk_last(parent, child)
            return None
        return child

    def inside(self, identity: Identity, path: str) -> bool:
        """Whether the directory ``path`` leads to is within the boundary: resolved once
        per directory, however many links lead there."""
        inside = self.inside_by_identity.get(identity)
        if inside is None:
            assert self.boundary is not None
            inside = self.inside_by_identity[identity] = within(os.path.realpath(path), self.boundary)
        return inside

    def closes_midway(self, parent: Directory, target: Identity) -> bool:
        """Whether plain descent below a link to ``target``, met in ``parent``, may come
        back to a directory on the path: whether ``target`` is a real ancestor of the
        target of a link higher on the path (the walk went down through that link and
        comes back up through this one). Computed only for links met below links."""
        node: Directory | None = parent
        while node is not None:
            if isinstance(node, _Entered) and node.kind != "mount" and target in self.chain.real_ancestors(node):
                return True
            node = node.parent
        return False

    def report_link(
        self, link: str, reason: Reason, other: str | None = None, followed: bool = False, kind: LinkKind = "link"
    ) -> None:
        """Report a link; nothing to do (not even ``readlink``) when nobody listens."""
        if self.report is not _ignore:
            self.report(LinkReport(link, _target(link, kind), reason, other, followed, kind=kind))

    def refuse(self, parent: Directory, name: str, kind: _NotedKind, ancestor: str) -> None:
        """Report the directory ``name`` of ``parent``, not entered: it is ``ancestor``.

        A link, junction or mount point is reported as itself; a plain subdirectory
        (a cycle entered in its middle) with the link, junction or mount point that
        led into the cycle.
        """
        if self.report is _ignore:
            return
        path = _join(parent.path, name)
        if kind != "plain":
            self.report_link(path, "loop", ancestor, kind=kind)
            return
        through = parent.via
        if not isinstance(through, _Entered):
            # Plain descent came back to an ancestor: only a mount point the walk could
            # not tell (no mount table here) can do that. It is named as one.
            self.report_link(path, "loop", ancestor, kind="mount")
            return
        target = _target(through.path, through.kind)
        self.report(LinkReport(through.path, target, "loop", ancestor, entry=path, kind=through.kind))


# -- links = "once": links walked last ---------------------------------------------------------


class _Revisits:
    """What ``links = "once"`` remembers: every directory entered, and the links left
    for last, so that a directory reached both by its real path and through a link
    keeps its real path.

    A directory counts as entered when it is yielded, not when it is listed: one
    listed only to look inside it (``has_file``) and then pruned by the caller is not
    walked, so a link may still lead there, and the links found in it wait in
    ``pending`` and are never walked.
    """

    def __init__(self) -> None:
        self.seen: dict[Identity, str] = {}
        self.pending: dict[Directory, list[Directory]] = {}
        self.queue: deque[Directory] = deque()

    def walk_last(self, parent: Directory, link: Directory) -> None:
        """``link``, met in ``parent``, is walked after the real tree, unless its
        directory was walked before (then it is reported)."""
        first = self.seen.get(link.identity())
        if first is not None:
            parent._walk.links.report_link(link.path, "repeat", first, kind=_kind_of(link))
        else:
            self.pending.setdefault(parent, []).append(link)

    def entered(self, directory: Directory) -> None:
        """``directory`` was yielded: it is seen, and its links are queued."""
        self.seen.setdefault(directory.identity(), directory.path)
        links = self.pending.pop(directory, None)
        if links:
            self.queue.extend(links)

    def next(self, chain: _Chain, links: _Links) -> Directory | None:
        """The next link left for last, as a second visit of its parent whose ``dirs``
        holds only it and whose files are none."""
        while self.queue:
            link = self.queue.popleft()
            identity = link.identity()
            first = self.seen.get(identity)
            if first is not None:
                links.report_link(link.path, "repeat", first, kind=_kind_of(link))
                continue
            self.seen[identity] = link.path
            parent = link.parent
            assert parent is not None
            revisit = Directory(
                link._walk, parent.path, parent.name, parent.parent, parent._identity, parent.outside, parent.via
            )
            revisit.listed_dirs, revisit.file_names = [link], ()
            revisit.non_regular_names = revisit.undecided = None
            chain.reset(parent.parent)
            return revisit
        return None


def _kind_of(directory: Directory) -> LinkKind:
    return directory.kind if isinstance(directory, _Entered) else "link"


# -- the walk ------------------------------------------------------------------------------------


class _Walk:
    """One walk's parts, which its directories call back into: the listing settings,
    the chain, the link policy, the counts (``_fanout``) and, for ``once``, the revisits."""

    def __init__(self, root: str, options: WalkOptions, trust_listings: bool, unique: bool) -> None:
        self.trust_listings = trust_listings
        self.progress = Progress(root, options.heartbeat)
        self.mounts = mounts().names
        # The names ``_list_directory`` looks at twice: those of mount points; on
        # Windows, every name (any directory may be a junction).
        self.watched: Container[str] = _EVERY_NAME if _JUNCTIONS else self.mounts
        self.chain = _Chain(root, self.progress)
        self.revisits = _Revisits() if options.links == "once" else None
        boundary = real_path(options.boundary) if options.boundary is not None else None
        report = options.report or _ignore
        self.links = _Links(self.chain, options.links, boundary, options.follow_outside, report, self.revisits)
        # ``unique``: each directory is entered once, the first time the walk meets it
        # (distutils' findall); ``once`` does that already.
        self.entered: set[Identity] | None = None
        if unique and self.revisits is None:
            self.entered = set()
            self.list = self.list_unique  # type: ignore[method-assign]  # this walk's alone

    list = _list_directory  # one listing of one directory; see ``_list_directory``

    def list_unique(self, directory: Directory) -> bool:
        """List a directory, unless this walk entered it before (its identity is known:
        every directory is checked): that one is left out, as one that cannot be read."""
        assert self.entered is not None
        try:
            identity: Identity | None = directory.identity()
        except OSError:
            identity = None
        if identity is None or identity in self.entered:
            _unreadable(directory)
            return False
        self.entered.add(identity)
        return _list_directory(self, directory)


def walk(
    top: str,
    *,
    links: LinkMode = "follow",
    boundary: str | None = None,
    follow_outside: bool = True,
    report: Report | None = None,
    heartbeat: Heartbeat | None = None,
    keep_listings: bool = True,
    vouch_for_files: bool = True,
    unique: bool = False,
) -> Iterator[Directory]:
    """Walk ``top`` depth first, yielding each ``Directory`` before its children.

    ``boundary``: a real path; a link that leads outside it is reported, and
    followed only if ``follow_outside``. ``report`` receives every ``LinkReport``.
    A directory on a kernel file system (``_filesystems``) is reported, not entered.
    Where links fan out (``_fanout``), the walk raises ``FanOutError``; during a
    long walk, ``heartbeat`` is told where it is, after 5 s, 10 s, 20 s...
    In ``once`` mode a directory reached through a link is yielded after the
    whole real tree, as a second visit of its parent whose ``dirs`` holds only it
    and whose ``files`` is empty.

    ``keep_listings=False`` is for callers that never look back: the listing of a
    directory is dropped as soon as everything below it is walked (it is read
    again if asked for), so the walk holds only the directories on the current
    path and their children, as ``os.walk`` does, instead of the whole tree.

    ``vouch_for_files=False`` is for callers that never ask ``has_file``: each
    directory is then listed by its plain path, one path component cheaper than
    ``path/.``, and ``has_file`` asks ``stat`` as ``os.path.isfile`` does.

    ``unique=True`` enters each directory once, the first time the walk meets it,
    as distutils' ``findall`` does: a directory met again by another path is left
    out silently (it is no loop), at a ``stat`` per directory.

    The descent is written out here rather than delegated to a helper generator, so
    that every directory crosses one generator frame instead of two; that, and the
    steps of a visit in order, make it longer than a function should be.
    """
    top = os.fspath(top)
    if not top:  # as os.walk(""): nothing to list
        return
    options = WalkOptions(links, boundary, follow_outside, report, heartbeat)
    state = _Walk(top, options, vouch_for_files, unique)
    root = Directory(state, top, os.path.basename(top), None)
    if state.entered is not None:
        root.via = root  # every directory is checked: the root is everyone's ``via``
    revisits = state.revisits
    if revisits is not None:
        try:
            revisits.seen[root.identity()] = top
        except OSError:
            return
    if not state.list(root):
        return
    chain = state.chain
    members = chain.members
    decide = state.links.decide
    visit: Directory | None = root
    while visit is not None:
        chain.push(visit)
        yield visit
        if visit.undecided is not None:
            decide(visit)
        if revisits is not None:
            revisits.entered(visit)
        stack = [iter(visit.dirs)]
        while stack:
            for child in stack[-1]:
                if child.listed_dirs is None:
                    state.list(child)
                if child.file_names is None:  # unreadable: left out, as os.walk does
                    continue
                # ``_Chain.push`` and ``pop``, for a directory whose identity nobody
                # asked for, are a plain append and pop (see ``_Chain``).
                if child._identity is None:
                    members.append(child)
                else:
                    chain.push(child)
                yield child
                # Its links are decided now, unless the caller read ``dirs`` (which
                # decides them) or pruned it unseen with ``prune``.
                if child.undecided is not None:
                    decide(child)
                if revisits is not None:
                    revisits.entered(child)
                if child.listed_dirs:
                    stack.append(iter(child.listed_dirs))
                    break
                # Nothing below: done with ``child`` here, without a turn of the stack.
                if child._identity is None:
                    members.pop()
                else:
                    chain.pop()
                if not keep_listings:
                    child.listed_dirs = child.file_names = None
            else:
                stack.pop()
                done = members.pop() if members[-1]._identity is None else chain.pop()
                if not keep_listings:
                    # Everything below ``done`` is walked: dropping its listing frees
                    # that subtree now, by reference counting, rather than leaving
                    # parent <-> child cycles for the garbage collector.
                    done.listed_dirs = done.file_names = None
        visit = revisits.next(chain, state.links) if revisits is not None else None


def names_in(path: str) -> tuple[list[str], set[str], dict[str, str]] | None:
    """The names in one directory in listing order, those of them that are links (or
    junctions) to directories, and those that are FIFOs, sockets or devices, with what
    each is; None if it cannot be read.

    For a caller that matches names in a single directory and walks nothing below
    it (a glob pattern whose last part alone has wildcards): no walk state is made
    and no link is decided. A link to a directory among its matches is for ``walk``
    to decide, as ever.
    """
    names: list[str] = []
    links: set[str] = set()
    specials: dict[str, str] = {}
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                name = entry.name
                names.append(name)
                try:
                    if entry.is_file():
                        continue
                    if entry.is_dir():
                        if entry.is_symlink() or (_JUNCTIONS and is_junction(entry)):
                            links.add(name)
                        continue
                except OSError:  # as in listing: not a directory
                    pass
                what = special_entry(entry)
                if what is not None:
                    specials[name] = what
    except OSError:  # as os.walk: what cannot be listed contributes nothing
        return None
    return names, links, specials


# -- small helpers ---------------------------------------------------------------------------


def _base(path: str) -> str:
    """What ``os.path.join(path, name)`` puts before a plain ``name`` (``path`` not empty)."""
    return path if path[-1] in _SEPARATORS else path + os.sep


def _join(path: str, name: str) -> str:
    """``os.path.join(path, name)`` for a non-empty ``path`` and a plain ``name``."""
    return _base(path) + name


def _target(path: str, kind: str) -> str:
    """What a report shows a link or junction leads to; a mount point says nothing."""
    return "" if kind == "mount" else link_target(path)


def _case_variant_listed(name: str, names: tuple[str, ...]) -> bool:
    """Whether ``names`` holds ``name`` spelt with other cases (one pass, in C)."""
    return bool(names) and f"\0{name.casefold()}\0" in "\0".join(("", *names, "")).casefold()


class _EveryName:
    """A container that holds every name."""

    def __contains__(self, _name: object) -> bool:
        return True


_EVERY_NAME = _EveryName()
