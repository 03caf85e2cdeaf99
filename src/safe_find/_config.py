"""``[tool.safe-find]`` of pyproject.toml, read once into one frozen ``Settings``.

Every validation error is raised here, as a ``ConfigError`` that knows the file,
the key, the bad value and what is allowed. ``schema.json`` describes the same
table for ``validate-pyproject``; the tests keep the two in agreement.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ._errors import ConfigError, show

if TYPE_CHECKING:  # the hook imports this module: the walk stays out of it
    from ._walk import LinkMode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on the 3.9 and 3.10 runs
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError

OnLoop = Literal["warn", "error", "ignore"]
OutsideLinks = Literal["warn", "follow", "skip", "error"]
OnFanOut = Literal["error", "once"]

CHOICES: Mapping[str, tuple[Any, ...]] = {
    "enabled": (True, False),
    "links": ("follow", "once", "never"),
    "on-loop": ("warn", "error", "ignore"),
    "outside-links": ("warn", "follow", "skip", "error"),
    "on-fan-out": ("error", "once"),
}
"""Every key of the table and its allowed values, the default first (the tests keep
them equal to ``LinkMode``, ``OnLoop``, ``OutsideLinks`` and ``OnFanOut``)."""

DEFAULTS: Mapping[str, Any] = {key: choices[0] for key, choices in CHOICES.items()}


class Settings(NamedTuple):
    """What a project asked of safe-find; the defaults change nothing setuptools does
    except breaking loops (with a warning) and naming links that leave the project.

    A named tuple rather than a frozen dataclass: the hook of every build imports
    this module, and the dataclass decorator costs about a millisecond there.
    """

    enabled: bool = True
    links: LinkMode = "follow"
    on_loop: OnLoop = "warn"
    outside_links: OutsideLinks = "warn"
    on_fan_out: OnFanOut = "error"
    project_root: str | None = None
    source: str = "defaults"

    def describe(self) -> str:
        """The policy in the words of the table, for logs and reports."""
        keys = [key for key in CHOICES if key != "enabled"]
        return ", ".join(f"{key} = {show(getattr(self, key.replace('-', '_')))}" for key in keys)


def _close(word: object, candidates: tuple[Any, ...]) -> str | None:
    if not isinstance(word, str):
        return None
    words = [str(candidate) for candidate in candidates if isinstance(candidate, str)]
    # Compare in lower case with "_" as "-": `on_loop`, `On-Loop` and `Error` all find their key.
    normal = {candidate.lower().replace("_", "-"): candidate for candidate in words}
    import difflib  # only when a value is refused: the hook's import stays light

    close = difflib.get_close_matches(word.lower().replace("_", "-"), list(normal), n=1, cutoff=0.6)
    return show(normal[close[0]]) if close else None


def settings_from_table(table: object, file: str, project_root: str | None = None) -> Settings:
    """Validate one ``[tool.safe-find]`` table (already parsed) into ``Settings``."""
    keys = tuple(CHOICES)
    if not isinstance(table, Mapping):
        raise ConfigError(file, None, table, keys)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in CHOICES:
            raise ConfigError(file, key, value, keys, unknown_key=True, suggestion=_close(key, keys))
        allowed = CHOICES[key]
        # bool is an int and 1 == True: compare types too, so `enabled = 1` is refused.
        if not any(type(value) is type(choice) and value == choice for choice in allowed):
            shown = tuple(show(choice) for choice in allowed)
            raise ConfigError(file, key, value, shown, suggestion=_close(value, allowed), default=allowed[0])
        values[key.replace("-", "_")] = value
    return Settings(**values, project_root=project_root, source=file)


def read_pyproject(project_root: str) -> Mapping[str, Any] | None:
    """The parsed ``project_root/pyproject.toml``, or None if there is none.

    ``tomllib.TOMLDecodeError`` goes to the caller: the build leaves it to
    setuptools, the command reports it.
    """
    path = os.path.join(project_root, "pyproject.toml")
    try:
        with open(path, "rb") as stream:
            document: Mapping[str, Any] = tomllib.load(stream)
            return document
    except FileNotFoundError:
        return None


def settings_from_document(document: Mapping[str, Any] | None, path: str, project_root: str) -> Settings:
    """The ``Settings`` of one parsed pyproject.toml (defaults without the table)."""
    tool = document.get("tool") if document is not None else None
    if not isinstance(tool, Mapping) or "safe-find" not in tool:
        return Settings(project_root=project_root, source=path if document is not None else "defaults")
    return settings_from_table(tool["safe-find"], path, project_root)


def load_settings(project_root: str) -> Settings:
    """Read ``[tool.safe-find]`` from ``project_root/pyproject.toml`` (defaults if absent).

    A pyproject.toml that is not valid TOML (or cannot be read) is left for
    setuptools to report in its own words, since it reads the same file next: the
    hook then installs the walks with their defaults, and the build stops there.
    """
    path = os.path.join(project_root, "pyproject.toml")
    try:
        document = read_pyproject(project_root)
    except (OSError, UnicodeDecodeError, TOMLDecodeError):  # not UTF-8: not TOML either
        return Settings(project_root=project_root)
    return settings_from_document(document, path, project_root)
