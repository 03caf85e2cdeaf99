"""What safe-find tells the build log: each link it did not simply follow, once.

Reports go through the standard ``logging`` module, which setuptools routes to
the build output, so ``pip -v``, ``python -m build`` and ``uv build -v`` show them.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from typing import TYPE_CHECKING

from ._config import Settings
from ._errors import SafeFindError

if TYPE_CHECKING:  # reports arrive as objects: the hook need not import the walk
    from ._walk import AnyReport, LinkReport

__all__ = ["Diagnostics", "LinkError", "SafeFindError", "relative", "summarize"]

log = logging.getLogger("safe_find")

FATAL = logging.ERROR + 1
"""The level of a report the settings make fatal: not logged, but named by the
``LinkError`` that stops the walk, with every other fatal link of that walk."""


class LinkError(SafeFindError):
    """Links the project's settings make fatal (``on-loop`` or ``outside-links`` = "error")."""

    def __init__(self, reports: list[LinkReport], where: str, source: str = "pyproject.toml") -> None:
        self.reports = reports
        self.where = where
        self.source = source
        lines = "\n".join(f"  {report.describe()}" for report in reports)
        settings = [
            f'{key} = "error"'
            for key, reason in (("on-loop", "loop"), ("outside-links", "outside"))
            if any(report.reason == reason for report in reports)
        ]
        super().__init__(
            f"safe-find stopped the build in {where}: {' and '.join(settings)} in [tool.safe-find] of {source} "
            f"refuses {_count(len(reports), 'link')}:\n{lines}\n"
            'Remove or retarget these links, or choose "warn" for that setting to go on without them.'
        )


class Diagnostics:
    """Collects the reports of every walk of one build and logs each once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: set[tuple[str, str]] = set()
        self.reports: list[AnyReport] = []
        self.fatal: list[LinkReport] = []

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
        key = (report.path, report.reason)
        if key in self.seen:
            return
        self.seen.add(key)
        self.reports.append(report)
        if level != FATAL:
            log.log(level, "safe-find: %s", report.describe())

    def level(self, report: AnyReport) -> int:
        """How much ``report`` matters under the settings: a logging level, or ``FATAL``."""
        if report.reason == "special":
            return logging.WARNING
        if report.reason == "loop":
            policy = self.settings.on_loop
            return FATAL if policy == "error" else logging.DEBUG if policy == "ignore" else logging.WARNING
        if report.reason == "outside":
            policy = self.settings.outside_links
            return FATAL if policy == "error" else logging.DEBUG if policy == "follow" else logging.WARNING
        return logging.INFO  # "once" and "never" skip links because the project asked to

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
        return level, f"safe-find: {summarize(self.reports)}"


@functools.cache
def _real(root: str) -> str:
    """``os.path.realpath(root)``, once per root: it costs a ``stat`` per component, and
    a looping tree can bring thousands of reports."""
    return os.path.realpath(root)


def relative(report: AnyReport, root: str) -> AnyReport:
    """``report`` with its paths relative to ``root`` where they are below it.

    Relative paths in the report are taken as relative to ``root`` (the working
    directory of a build). The root named by an outside link stays absolute.
    """

    def below(path: str) -> str:
        full = os.path.normpath(os.path.join(root, path))
        for base in dict.fromkeys((root, _real(root))):
            if full == base or full.startswith(base.rstrip(os.sep) + os.sep):
                return os.path.relpath(full, base)
        return full

    if report.reason == "special":
        return dataclasses.replace(report, path=below(report.path))
    other = report.other
    if other is not None and report.reason != "outside":
        other = below(other)
    entry = None if report.entry is None else below(report.entry)
    return dataclasses.replace(report, link=below(report.link), other=other, entry=entry)


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {noun[:-1]}ies" if noun.endswith("ory") else f"{number} {noun}s"


def summarize(reports: list[AnyReport]) -> str:
    """One line that counts ``reports`` by what was done and why."""
    specials = sum(report.reason == "special" for report in reports)
    links = [report for report in reports if report.reason != "special"]
    text = _summarize_links(links)
    if specials:
        text += "; " if text else ""
        text += f"{_count(specials, 'special file')} (FIFO, socket, device) left out"
    return text


def _summarize_links(reports: list[LinkReport]) -> str:
    skipped = [report for report in reports if not report.followed]
    why = {
        "loop": "looping back to an ancestor",
        "repeat": 'already walked (links = "once")',
        "never": 'links = "never"',
        "outside": "leaving the project",
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
    text = f"{_count(len(skipped), noun)} {verb} ({reasons})" if skipped else ""
    followed = len(reports) - len(skipped)
    if followed:
        text += "; " if text else ""
        text += f"{_count(followed, 'link')} leaving the project followed"
    return text
