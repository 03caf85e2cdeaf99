"""How far one walk has gone: the fan-out rule, and the heartbeat of a long walk.

Following links as setuptools does, a walk goes through every path to a directory,
not every directory: ``a/x -> ../b`` and ``a/y -> ../b`` walk ``b`` twice, and two
such links per level, 26 levels deep, walk the 27 real directories 2**26 times. No
link there closes a cycle, and stock setuptools never finishes either. The walk
counts the directory paths it goes through and, of them, the paths walked inside a
link target it had entered before (each such path leads to a directory it has
walked already). Past ``FAN_OUT_PATHS`` paths, where nine in ten or more of them
were walked again, it stops with a ``FanOutError`` that names the links entered
most often. A tree that stock setuptools walks in about two seconds has fewer
paths, so the rule changes nothing there; links = "once" never walks a directory
again, so it never stops there.

The paths are counted where a listing finds subdirectories (an addition per
directory that has some) and where links are decided; the counts are looked at every
``CHECK_EVERY`` paths. The walk's loop itself is left alone: a few more instructions
there make its jumps longer, which costs every directory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._errors import FanOutError
from ._filesystems import link_target

if TYPE_CHECKING:
    from ._filesystems import Identity
    from ._walk import Directory

FAN_OUT_PATHS = 100_000
"""Fewer directory paths than this never stop a walk: stock setuptools' discovery walks
that many in about two seconds (43,000 paths a second, measured on a fan-out tree)."""
FAN_OUT_SHARE = 0.9
"""The share of the paths walked inside links entered before that makes a fan-out."""
CHECK_EVERY = 1024
"""Paths between two looks at the counts and at the clock."""
HEARTBEAT_FIRST = 5.0
"""Seconds of walking before the first heartbeat; each next one waits twice as long."""
TOP_LINKS = 3
"""How many of the directories entered most often a fan-out names, with their links."""
LINKS_PER_TARGET = 4

Heartbeat = Callable[[str, int, float], None]
"""Told, during a long walk, where it is, how many directory paths it has walked, and
for how many seconds."""


@dataclass(frozen=True)
class FanOutReport:
    """A walk of ``path`` stopped where directory links fan out: it went through
    ``paths`` directory paths and at most ``directories`` real directories. ``links``:
    the links into the directories it entered most often, each as (the link, what it
    says, how often the walk entered its target)."""

    path: str
    paths: int
    directories: int
    links: tuple[tuple[str, str, int], ...]
    reason: Literal["fan-out"] = "fan-out"

    def describe(self) -> str:
        """One line for a build log."""
        links = ", ".join(f"{link} -> {target} ({entries:,} times)" for link, target, entries in self.links)
        return (
            f"{self.path}: directory links fan out: {self.paths:,} directory paths walked through at most "
            f"{self.directories:,} real directories; the links entered most: {links}"
        )


class _Target:
    """A link target: how often the walk entered it, and the first links (with different
    names) that led there."""

    __slots__ = ("entries", "links")

    def __init__(self, link: str) -> None:
        self.entries = 1
        self.links = [link]


class Progress:
    """The counts of one walk. ``paths``: the directory paths met, listed or entered
    through a link; ``targets``: the link targets entered, by identity; ``repeated``:
    the paths met inside re-entered link targets left since; ``reentry``: the
    outermost re-entered link target being walked, and ``paths`` when it was entered."""

    __slots__ = ("heartbeat", "next_beat", "next_check", "paths", "reentry", "repeated", "root", "started", "targets")

    def __init__(self, root: str, heartbeat: Heartbeat | None) -> None:
        self.root = root
        self.paths = 1
        self.next_check = CHECK_EVERY
        self.targets: dict[Identity, _Target] = {}
        self.repeated = 0
        self.reentry: tuple[Directory, int] | None = None
        self.heartbeat = heartbeat
        self.started = time.monotonic() if heartbeat is not None else 0.0
        self.next_beat = self.started + HEARTBEAT_FIRST

    def entered(self, identity: Identity, link: str) -> bool:
        """A link (junction, mount point) at ``link`` to ``identity`` is entered; whether
        the walk entered that directory through a link before."""
        target = self.targets.get(identity)
        if target is None:
            self.targets[identity] = _Target(link)
            return False
        target.entries += 1
        if len(target.links) < LINKS_PER_TARGET:
            name = os.path.basename(link)
            if all(os.path.basename(other) != name for other in target.links):
                target.links.append(link)
        return True

    def walking_again(self, directory: Directory) -> None:
        """The walk goes into ``directory``, a link target it entered before."""
        if self.reentry is None:
            self.reentry = (directory, self.paths)

    def left(self, directory: Directory) -> None:
        """The walk is done with ``directory``, a link target it entered before."""
        if self.reentry is not None and self.reentry[0] is directory:
            self.repeated += self.paths - self.reentry[1]
            self.reentry = None

    def add(self, paths: int, where: str) -> None:
        """``paths`` more directory paths met, in ``where``."""
        self.paths += paths
        if self.paths >= self.next_check:
            self.checkpoint(where)

    def checkpoint(self, where: str) -> None:
        """Every ``CHECK_EVERY`` paths: stop a fan-out, and tell the heartbeat when due."""
        paths = self.paths
        self.next_check = paths + CHECK_EVERY
        if self.heartbeat is not None:
            now = time.monotonic()
            if now >= self.next_beat:
                self.heartbeat(where, paths, now - self.started)
                self.next_beat = self.started + 2 * (self.next_beat - self.started)
        if paths >= FAN_OUT_PATHS:
            repeated = self.repeated + (paths - self.reentry[1] if self.reentry is not None else 0)
            if repeated >= FAN_OUT_SHARE * paths:
                raise FanOutError(FanOutReport(self.root, paths, paths - repeated, self.links()))

    def links(self) -> tuple[tuple[str, str, int], ...]:
        """The links into the directories entered most often: each link where it really
        is (its directory resolved), what it says, and how often its target was entered."""
        ranked = sorted(self.targets.values(), key=lambda target: -target.entries)[:TOP_LINKS]
        found: dict[str, tuple[str, str, int]] = {}
        for target in ranked:
            for link in target.links:
                real = os.path.join(os.path.realpath(os.path.dirname(link)), os.path.basename(link))
                found.setdefault(real, (real, link_target(link), target.entries))
        return tuple(found.values())
