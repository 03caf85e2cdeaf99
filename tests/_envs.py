"""Build environments: one with safe-find, one stock, for a Python and a setuptools release.

Environments are made with uv, offline, from wheels fetched once into the test
cache (the package registry is the only network the tests use).
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import download_wheels, run

# Runtime needs of safe-find and of old setuptools, pinned to releases that install
# on every Python of the matrix.
PACKAGING = "packaging==26.3"
TOMLI = "tomli==2.5.0"
WHEEL = "wheel==0.45.1"  # setuptools < 70.1 builds wheels with the wheel package; 0.46 needs 70.1


@dataclass(frozen=True)
class Cell:
    """One cell of the release matrix."""

    setuptools: str
    python: str  # "3.9" ... "3.15"

    @property
    def version(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.setuptools.split("."))

    @property
    def id(self) -> str:
        return f"setuptools{self.setuptools}-py{self.python}"


# The newest release of every major version from 61 to 84, each on a Python it installs
# on, every Python from 3.9 to 3.13 several times; 61 on the oldest Python safe-find
# supports, and on 3.9 also the newest release that installs there (84 needs 3.10);
# the newest release on 3.14 and 3.15 (Debian's: run the matrix inside the sid root).
MATRIX = (
    Cell("61.3.1", "3.9"),
    Cell("62.6.0", "3.10"),
    Cell("63.4.3", "3.9"),
    Cell("64.0.3", "3.10"),
    Cell("65.7.0", "3.11"),
    Cell("66.1.1", "3.11"),
    Cell("67.8.0", "3.12"),
    Cell("68.2.2", "3.11"),
    Cell("69.5.1", "3.12"),
    Cell("70.3.0", "3.12"),
    Cell("71.1.0", "3.13"),
    Cell("72.2.0", "3.10"),
    Cell("73.0.1", "3.11"),
    Cell("74.1.3", "3.12"),
    Cell("75.9.1", "3.13"),
    Cell("76.1.0", "3.9"),
    Cell("77.0.3", "3.10"),
    Cell("78.1.1", "3.11"),
    Cell("79.0.1", "3.12"),
    Cell("80.10.2", "3.13"),
    Cell("81.0.0", "3.10"),
    Cell("82.0.1", "3.9"),
    Cell("83.0.0", "3.12"),
    Cell("84.2.1", "3.13"),
    Cell("84.2.1", "3.14"),
    Cell("84.2.1", "3.15"),
)
SMOKE = (Cell("61.3.1", "3.9"),)


def find_python(version: str) -> str | None:
    """The interpreter for ``version`` ("3.9"): on PATH, else pyenv's own binary.

    pyenv's shims answer only for the selected version, so they are passed over.
    """
    path = os.pathsep.join(entry for entry in os.environ.get("PATH", "").split(os.pathsep) if "shims" not in entry)
    found = shutil.which(f"python{version}", path=path)
    if found:
        return found
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(glob.glob(str(root / f"{version}.*" / "bin" / f"python{version}")))
    return candidates[-1] if candidates else None


def requirements(setuptools: str, python: str) -> list[str]:
    needs = [f"setuptools=={setuptools}", PACKAGING]
    if tuple(int(part) for part in setuptools.split(".")) < (70, 1):
        needs.append(WHEEL)
    if tuple(int(part) for part in python.split(".")) < (3, 11):
        needs.append(TOMLI)
    return needs


def fetch(needs: list[str], python: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    download_wheels(needs, dest, python_version=python)
    return dest


def make_env(uv: Path, interpreter: str, dest: Path, needs: list[str], find_links: list[Path]) -> Path:
    """A virtual environment at ``dest`` with exactly ``needs`` installed; its python."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update(UV_NO_CACHE="1", UV_PYTHON_DOWNLOADS="never", UV_OFFLINE="1")
    run([uv, "venv", "-q", "--python", interpreter, dest], env=env, timeout=120)
    python = dest / "bin" / "python"
    links = [arg for path in find_links for arg in ("--find-links", str(path))]
    run([uv, "pip", "install", "-q", "--python", python, "--no-index", *links, *needs], env=env, timeout=300)
    return python


@dataclass(frozen=True)
class Envs:
    safe: Path  # python of the environment with safe-find
    stock: Path  # python of the same environment without it
    version: tuple[int, ...]


def make_pair(
    uv: Path, interpreter: str, setuptools: str, python: str, wheels: Path, safe_wheel: Path, dest: Path
) -> Envs:
    needs = requirements(setuptools, python)
    stock = make_env(uv, interpreter, dest / "stock", needs, [wheels])
    safe = make_env(uv, interpreter, dest / "safe", [*needs, str(safe_wheel)], [wheels])
    return Envs(safe, stock, tuple(int(part) for part in setuptools.split(".")))


def current_python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"
