"""``[tool.safe-find]`` of pyproject.toml, read once into one frozen ``Settings``.

Every validation error is raised here, as a ``ConfigError`` that knows the file,
the key, the bad value and what is allowed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on the 3.9 and 3.10 runs
    import tomli as tomllib

__all__ = ["ConfigError", "Settings", "load_settings", "settings_from_table"]

TABLE = "tool.safe-find"


class ConfigError(ValueError):
    """A ``[tool.safe-find]`` value safe-find cannot accept; the build stops."""

    def __init__(self, file: str, key: str, value: object, allowed: Tuple[str, ...], hint: str = "") -> None:
        self.file = file
        self.key = key
        self.value = value
        self.allowed = allowed
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.file}: [{TABLE}]"
        allowed = ", ".join(self.allowed)
        if self.key.startswith("unknown:"):
            key = self.key[len("unknown:") :]
            text = f"{where} has an unknown key {key!r}; the keys are: {allowed}."
        else:
            text = f"{where} {self.key} = {self.value!r} is not allowed; use one of: {allowed}."
        return f"{text} {self.hint}".rstrip()


_CHOICES: dict[str, Tuple[Any, ...]] = {
    "enabled": (True, False),
    "links": ("follow", "once", "never"),
    "on-loop": ("warn", "error", "ignore"),
    "outside-links": ("warn", "follow", "skip", "error"),
}


@dataclass(frozen=True)
class Settings:
    """What a project asked of safe-find; the defaults change nothing setuptools does
    except breaking loops (with a warning) and naming links that leave the project."""

    enabled: bool = True
    links: str = "follow"
    on_loop: str = "warn"
    outside_links: str = "warn"
    project_root: Optional[str] = None
    source: str = "defaults"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else repr(value)


def settings_from_table(table: Mapping[str, Any], file: str, project_root: Optional[str] = None) -> Settings:
    """Validate one ``[tool.safe-find]`` table (already parsed) into ``Settings``."""
    if not isinstance(table, Mapping):
        raise ConfigError(file, "(table)", table, ("a TOML table",))
    values: dict[str, Any] = {}
    known = tuple(_CHOICES)
    for key, value in table.items():
        if key not in _CHOICES:
            import difflib  # only for this error: the hook's import stays light

            close = difflib.get_close_matches(key, known, n=1)
            hint = f"Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(file, f"unknown:{key}", value, known, hint)
        allowed = _CHOICES[key]
        # bool is an int and 1 == True: compare types too, so `enabled = 1` is refused.
        if not any(type(value) is type(choice) and value == choice for choice in allowed):
            raise ConfigError(file, key, value, tuple(_show(choice) for choice in allowed))
        values[key.replace("-", "_")] = value
    return Settings(**values, project_root=project_root, source=file)


def load_settings(project_root: str) -> Settings:
    """Read ``[tool.safe-find]`` from ``project_root/pyproject.toml`` (defaults if absent).

    A pyproject.toml that is not valid TOML is left for setuptools to report, in its
    own words: safe-find then works with its defaults.
    """
    path = os.path.join(project_root, "pyproject.toml")
    try:
        with open(path, "rb") as stream:
            document = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError):
        return Settings(project_root=project_root)
    table = document.get("tool", {}).get("safe-find") if isinstance(document.get("tool"), dict) else None
    if table is None:
        return Settings(project_root=project_root, source=path)
    return settings_from_table(table, path, project_root)
