"""Fixtures of the tests that build in environments of their own (``pytest_plugins = ["_fixtures"]``)."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from _envs import Envs, current_python, fetch, make_pair, requirements


@pytest.fixture(scope="session")
def uv(frontend_venv: Path) -> Path:
    """uv, to make the build environments quickly and offline."""
    return frontend_venv / "bin" / "uv"


@pytest.fixture(scope="session")
def safe_wheel(wheelhouse: Path) -> Path:
    """safe-find's wheel, built from this checkout."""
    (wheel,) = wheelhouse.glob("safe_find-*.whl")
    return wheel


@pytest.fixture(scope="session")
def envs(uv: Path, safe_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Envs:
    """This Python and this setuptools, with and without safe-find."""
    python = current_python()
    setuptools = version("setuptools")
    wheels = fetch(requirements(setuptools, python), python, tmp_path_factory.mktemp("wheels"))
    return make_pair(uv, sys.executable, setuptools, python, wheels, safe_wheel, tmp_path_factory.mktemp("envs"))
