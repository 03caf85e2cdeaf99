"""What safe-find tells the build log: each link it did not simply follow, once.

Reports go through the standard ``logging`` module, which setuptools routes to
the build output, so ``pip -v``, ``python -m build`` and ``uv build -v`` show them.
A build names at most ``LISTED`` of them one by one, and its closing summary
counts them all; ``safe-find check`` lists every one. A long walk's heartbeat goes
straight to stderr, as frontends show it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Union, overload

from ._config import Settings
from ._errors import CHECK_LISTS_ALL, LISTED, FanOutError, LinkError, count
from ._paths import real_path

if TYPE_CHECKING:  # reports arrive as objects: the hook need not import the walk
    from ._fanout import FanOutReport
    from ._walk import AnyReport, LinkReport, SpecialFileReport

    Reported = Union[AnyReport, FanOutReport]

log = logging.getLogger("safe_find")
"""safe-find's one logger: setuptools routes it to the build output."""

FATAL = logging.ERROR + 1
"""The level of a report the settings make fatal: not logged, but named by the
``LinkError`` that stops the walk, with every other fatal link of that walk."""


class Diagnostics:
    """Collects the reports of every walk of one build and logs each once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: set[tuple[str, str]] = set()
        self.reports: list[Reported] = []
        self.fatal: list[LinkReport] = []
        self.named = 0  # reports logged one by one, at most LISTED
        self.unnamed = 0  # reports past LISTED, counted by the summary

    def record(self, report: AnyReport) -> None:
        """Log ``report`` unless this build already named the same directory (or file) for
        the same reason.

        Paths are shown relative to the project root, as the build's other lines are.
        """
        root = self.settings.project_root
        if root is not None:
            report = relative(report, root)
        level = self.level(report)
        if level == FATAL and report not in self.fatal:
            assert report.reason != "special"
            # Named by the LinkError that stops the walk: by every walk that meets it, as
            # setuptools may swallow the first (it parses setup.cfg once, errors ignored,
            # for setup_requires).
            self.fatal.append(report)
        if level != FATAL:
            self._name(report, level)
        else:
            self._keep(report)

    def fan_out(self, report: FanOutReport, where: str) -> None:
        """A walk stopped where links fan out: raise ``FanOutError`` (``on-fan-out =
        "error"``), or say that the build goes on with ``links = "once"``."""
        root = self.settings.project_root
        if root is not None:
            report = relative(report, root)
        if self.settings.on_fan_out == "error":
            self._keep(report)
            raise FanOutError(report, where, self.settings.source) from None
        if self._keep(report):  # named whatever the count: the build changes course here
            log.warning('safe-find: %s. Walking on with links = "once" (on-fan-out = "once").', report.describe())

    def _keep(self, report: Reported) -> bool:
        """Keep ``report`` unless this build has the same path for the same reason."""
        key = (report.path, report.reason)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.reports.append(report)
        return True

    def _name(self, report: Reported, level: int) -> None:
        """Keep ``report`` and log it, while fewer than ``LISTED`` were."""
        if not self._keep(report):
            return
        if self.named < LISTED:
            self.named += 1
            log.log(level, "safe-find: %s", report.describe())
        else:
            self.unnamed += 1

    def level(self, report: Reported) -> int:
        """How much ``report`` matters under the settings: a logging level, or ``FATAL``."""
        if report.reason == "fan-out":
            return FATAL if self.settings.on_fan_out == "error" else logging.WARNING
        if report.reason == "special":
            return logging.WARNING
        if report.reason == "loop":
            on_loop = self.settings.on_loop
            return FATAL if on_loop == "error" else logging.DEBUG if on_loop == "ignore" else logging.WARNING
        if report.reason == "outside":
            outside = self.settings.outside_links
            return FATAL if outside == "error" else logging.DEBUG if outside == "follow" else logging.WARNING
        # "once" and "never" skip links because the project asked to; no project wants a
        # kernel file system walked.
        return logging.INFO

    def raise_fatal(self, where: str) -> None:
        """Stop the build, naming every fatal link met so far."""
        if self.fatal:
            fatal, self.fatal = self.fatal, []
            raise LinkError(fatal, where, self.settings.source)

    def summary(self) -> tuple[int, str] | None:
        """The closing line of a build that met links, and the level to log it at."""
        if not self.reports:
            return None
        level = min(logging.WARNING, max(self.level(report) for report in self.reports))
        unnamed = f"; {self.unnamed:,} of them not named above: {CHECK_LISTS_ALL}" if self.unnamed else ""
        return level, f"safe-find: {summarize(self.reports)}{unnamed}"


def heartbeat(where: str, paths: int, seconds: float) -> None:
    """A long walk is alive: one line on stderr, which every frontend shows."""
    shown = where if len(where) <= 100 else f"{where[:40]}...{where[-57:]}"
    sys.stderr.write(f"safe-find: still walking after {seconds:.0f} s, {paths:,} directories so far, at {shown}\n")
    sys.stderr.flush()


@overload
def relative(report: LinkReport, root: str) -> LinkReport: ...
@overload
def relative(report: SpecialFileReport, root: str) -> SpecialFileReport: ...
@overload
def relative(report: FanOutReport, root: str) -> FanOutReport: ...
@overload
def relative(report: Reported, root: str) -> Reported: ...
def relative(report: Any, root: str) -> Any:
    """``report`` with its paths relative to ``root`` where they are below it.

    Relative paths in the report are taken as relative to ``root`` (the working
    directory of a build). The root named by an outside link stays absolute.
    """

    def below(path: str) -> str:
        full = os.path.normpath(os.path.join(root, path))
        for base in dict.fromkeys((root, real_path(root))):
            if full == base or full.startswith(base.rstrip(os.sep) + os.sep):
                return os.path.relpath(full, base)
        return full

    if report.reason == "special":
        return dataclasses.replace(report, path=below(report.path))
    if report.reason == "fan-out":
        links = tuple((below(link), target, entries) for link, target, entries in report.links)
        return dataclasses.replace(report, path=below(report.path), links=links)
    other = report.other
    if other is not None and report.reason != "outside":
        other = below(other)
    entry = None if report.entry is None else below(report.entry)
    return dataclasses.replace(report, link=below(report.link), other=other, entry=entry)


def summarize(reports: list[Reported]) -> str:
    """One line that counts ``reports`` by what was done and why."""
    specials = sum(report.reason == "special" for report in reports)
    fan_outs = sum(report.reason == "fan-out" for report in reports)
    links = [report for report in reports if report.reason not in ("special", "fan-out")]
    text = _summarize_links(links)  # type: ignore[arg-type]  # the others are LinkReports
    if specials:
        text += "; " if text else ""
        text += f"{count(specials, 'special file')} (FIFO, socket, device) left out"
    if fan_outs:
        text += "; " if text else ""
        text += f"links fan out below {count(fan_outs, 'directory')}"
    return text


def _summarize_links(reports: list[LinkReport]) -> str:
    skipped = [report for report in reports if not report.followed]
    why = {
        "loop": "looping back to an ancestor",
        "repeat": 'already walked (links = "once")',
        "never": 'links = "never"',
        "outside": "leaving the project",
        "kernel": "kernel file systems",
    }
    reasons = ", ".join(
        f"{sum(report.reason == reason for report in skipped)} {text}"
        for reason, text in why.items()
        if any(report.reason == reason for report in skipped)
    )
    # Links and junctions not followed, unless a mount point or a directory below a
    # followed link (a cycle entered in its middle) is among them.
    links_only = all(report.entry is None and report.kind != "mount" for report in skipped)
    noun, verb = ("directory link", "not followed") if links_only else ("directory", "not entered")
    text = f"{count(len(skipped), noun)} {verb} ({reasons})" if skipped else ""
    followed = len(reports) - len(skipped)
    if followed:
        text += "; " if text else ""
        text += f"{count(followed, 'link')} leaving the project followed"
    return text
