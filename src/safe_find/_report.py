"""What safe-find tells the build log: each link it did not simply follow, once.

Reports go through the standard ``logging`` module, which setuptools routes to
the build output, so ``pip -v``, ``python -m build`` and ``uv build -v`` show them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, List, Optional, Set, Tuple

from ._config import Settings

if TYPE_CHECKING:
    from ._walk import LinkReport

__all__ = ["Diagnostics", "LinkError", "SafeFindError"]

log = logging.getLogger("safe_find")


class SafeFindError(Exception):
    """Base class of the errors safe-find raises."""


class LinkError(SafeFindError):
    """Links the project's settings make fatal (``on-loop`` or ``outside-links`` = "error")."""

    def __init__(self, reports: List[LinkReport], where: str) -> None:
        self.reports = reports
        self.where = where
        lines = "\n".join(f"  {report.describe()}" for report in reports)
        super().__init__(
            f"safe-find stopped the build: {len(reports)} link(s) in {where} are not allowed by "
            f"[tool.safe-find]:\n{lines}\n"
            "Remove or retarget these links, or change on-loop / outside-links in [tool.safe-find]."
        )


class Diagnostics:
    """Collects the reports of every walk of one build and logs each once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: Set[Tuple[str, str]] = set()
        self.reports: List[LinkReport] = []
        self.fatal: List[LinkReport] = []

    def record(self, report: LinkReport) -> None:
        key = (report.link, report.reason)
        if key in self.seen:
            return
        self.seen.add(key)
        self.reports.append(report)
        level = self._level(report)
        if level is None:
            self.fatal.append(report)
            level = logging.ERROR
        log.log(level, "safe-find: %s", report.describe())

    def _level(self, report: LinkReport) -> Optional[int]:
        """The log level of a report, or None when the settings make it fatal."""
        if report.reason == "loop":
            policy = self.settings.on_loop
            return None if policy == "error" else logging.DEBUG if policy == "ignore" else logging.WARNING
        if report.reason == "outside":
            policy = self.settings.outside_links
            return None if policy == "error" else logging.DEBUG if policy == "follow" else logging.WARNING
        return logging.INFO  # "once" and "never" skip links because the project asked to

    def raise_fatal(self, where: str) -> None:
        """Stop the build, naming every fatal link met so far."""
        if self.fatal:
            fatal, self.fatal = self.fatal, []
            raise LinkError(fatal, where)

    def summary(self) -> Optional[str]:
        if not self.reports:
            return None
        skipped = [report for report in self.reports if not report.followed]
        loops = sum(report.reason == "loop" for report in self.reports)
        return (
            f"safe-find: {len(skipped)} directory link(s) not followed ({loops} loop(s)), "
            f"{len(self.reports) - len(skipped)} link(s) outside the project followed"
        )
