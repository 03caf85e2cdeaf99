"""Every error safe-find raises, and the one place that names safe-find's own failures.

Each class carries what it complains about as attributes, and its message says what
to do next. All of them are exported by ``safe_find``. What the walks and the hooks
raise goes through ``failure_of_safe_find``: a ``SafeFindError`` leaves as it is, any
other exception becomes an ``InternalError`` that names safe-find and the way to build
without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reports arrive as objects: errors need not import the walk
    from ._fanout import FanOutReport
    from ._walk import LinkReport

TABLE = "tool.safe-find"
LISTED = 20
"""How many links a build log or an error names one by one: a screenful, on any tree."""
CHECK_LISTS_ALL = "`safe-find check` lists them all"
IN_THE_HOOK = "its setuptools hook"
"""Where a failure in safe-find's setuptools hook (or backend wrapper) is said to be."""
SWITCH_OFF = (
    "To build without safe-find, set `enabled = false` under [tool.safe-find] in pyproject.toml, "
    "or SAFE_FIND_DISABLE=1 in the environment, or remove it from [build-system] requires."
)


class SafeFindError(Exception):
    """Base class of the errors safe-find raises."""


class ConfigError(SafeFindError, ValueError):
    """A ``[tool.safe-find]`` value safe-find cannot accept; the build stops.

    ``key`` is the offending key (``None`` when the table itself is wrong),
    ``value`` what the file gives it, ``allowed`` the keys (for an unknown key) or
    the values (for a bad value) that would be accepted, written as in TOML,
    ``suggestion`` the close match to a misspelling, if there is one, and
    ``default`` the value safe-find uses without the key.
    """

    def __init__(
        self,
        file: str,
        key: str | None,
        value: object,
        allowed: tuple[str, ...],
        *,
        unknown_key: bool = False,
        suggestion: str | None = None,
        default: object = None,
    ) -> None:
        self.file = file
        self.key = key
        self.value = value
        self.allowed = allowed
        self.unknown_key = unknown_key
        self.suggestion = suggestion
        self.default = default
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.file}: [{TABLE}]"
        allowed = ", ".join(self.allowed)
        guess = f" Did you mean {self.suggestion}?" if self.suggestion else ""
        if self.key is None:
            return (
                f"{self.file}: {TABLE} = {show(self.value)} is {kind_of(self.value)}, not a table. "
                f"Write it as a [{TABLE}] table whose keys are: {allowed}."
            )
        if self.unknown_key:
            return f"{where} has an unknown key {show(self.key)}.{guess} The keys are: {allowed}. Rename or remove it."
        expected = kind_of(self.default)
        got = "" if kind_of(self.value) == expected else f" is {kind_of(self.value)}, not {expected};"
        text = f"{where} {self.key} = {show(self.value)}{got or ' is not allowed;'} use one of: {allowed}."
        return f"{text}{guess} Without the key, safe-find uses {show(self.default)}."


class LinkError(SafeFindError):
    """Links the project's settings make fatal (``on-loop`` or ``outside-links`` = "error")."""

    def __init__(self, reports: Sequence[LinkReport], where: str, source: str = "pyproject.toml") -> None:
        self.reports = list(reports)
        self.where = where
        self.source = source
        lines = "\n".join(f"  {report.describe()}" for report in reports[:LISTED])
        if len(reports) > LISTED:
            lines += f"\n  ... and {len(reports) - LISTED:,} more: {CHECK_LISTS_ALL}"
        settings = [
            f'{key} = "error"'
            for key, reason in (("on-loop", "loop"), ("outside-links", "outside"))
            if any(report.reason == reason for report in reports)
        ]
        super().__init__(
            f"safe-find stopped the build in {where}: {' and '.join(settings)} in [tool.safe-find] of {source} "
            f"refuses {count(len(reports), 'link')}:\n{lines}\n"
            'Remove or retarget these links, or choose "warn" for that setting to go on without them.'
        )


class FanOutError(SafeFindError):
    """A walk stopped where directory links fan out: it went through far more directory
    paths than there are real directories (see ``report``), and would not finish as
    setuptools walks. ``where`` is the walk, ``source`` the pyproject.toml that could
    change it, when known."""

    def __init__(self, report: FanOutReport, where: str | None = None, source: str = "pyproject.toml") -> None:
        self.report = report
        self.where = where
        self.source = source
        stopped = f"safe-find stopped the build in {where}" if where else "safe-find stopped a walk"
        links = "\n".join(
            f"  {link} -> {target} (its target entered {entries:,} times)" for link, target, entries in report.links
        )
        super().__init__(
            f"{stopped}: directory links fan out below {report.path}: {report.paths:,} directory paths "
            f"walked, through at most {report.directories:,} real directories (setuptools' own walk goes "
            f"through every path, and would not finish). The links entered most:\n{links}\n"
            f'To build, set links = "once" (or on-fan-out = "once") under [{TABLE}] in {source}: each real '
            "directory is then entered once. Or exclude the directory that holds these links, or remove them."
        )


class InternalError(SafeFindError):
    """safe-find itself failed in ``where`` (a walk, or its hook); ``cause`` is what it raised."""

    def __init__(self, where: str, cause: BaseException) -> None:
        self.where = where
        self.cause = cause
        super().__init__(
            f"safe-find failed in {where}: {type(cause).__name__}: {cause}. "
            f"This is a bug in safe-find; please report it. {SWITCH_OFF}"
        )


class CheckError(SafeFindError):
    """``safe-find check`` cannot check ``path``: no project there, or a file setuptools cannot read."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def failure_of_safe_find(where: str, exc: Exception, theirs: Sequence[BaseException] = ()) -> InternalError | None:
    """The ``InternalError`` for ``exc``, raised in safe-find's own work in ``where``; None
    when ``exc`` is a ``SafeFindError`` or one of ``theirs`` (raised by the project's own
    code, called from there), which leave as they are.

    The one rule, used by ``failures_named`` and by the walks (which run it in their
    own ``except``: a context manager per walk costs a build thousands of them)."""
    if isinstance(exc, SafeFindError) or any(exc is raised for raised in theirs):
        return None
    return InternalError(where, exc)


@contextlib.contextmanager
def failures_named(where: str) -> Iterator[None]:
    """Around safe-find's own work: a failure of safe-find leaves as an ``InternalError``
    naming ``where`` (see ``failure_of_safe_find``)."""
    try:
        yield
    except Exception as exc:
        error = failure_of_safe_find(where, exc)
        if error is None:
            raise
        raise error from exc


# -- words for messages -------------------------------------------------------------------


def show(value: object) -> str:
    """A value as it is written in TOML, so messages quote what the user wrote."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key} = {show(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    return str(value)


def kind_of(value: object) -> str:
    """The TOML name of a value's type."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "an array"
    return "a date or time"


def count(number: int, noun: str) -> str:
    """``1 link``, ``2 links``, ``2 directories``."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {noun[:-1]}ies" if noun.endswith("ory") else f"{number} {noun}s"
