"""Fixtures; the helpers they use live in helpers.py (importable as ``helpers``)."""

from __future__ import annotations

import os
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import _hypothesis_profiles  # noqa: F401  # registers and loads the Hypothesis profile (SAFE_FIND_HYPOTHESIS)
import pytest
from helpers import (  # re-exported: tests may import them from either module
    EXAMPLES,
    REPO,
    Link,
    _cache_dir,
    _installed_version,
    build_safe_find_wheel,
    copy_example,
    download_wheels,
    make_tree,
    offline_env,
    run,
)

__all__ = ["EXAMPLES", "REPO", "Link", "copy_example", "make_tree", "offline_env", "run"]


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """safe-find's wheel, plus the setuptools and packaging installed here (and tomli if needed)."""
    house = tmp_path_factory.mktemp("wheelhouse")
    build_safe_find_wheel(house)
    requirements = [f"setuptools=={_installed_version('setuptools')}", f"packaging=={_installed_version('packaging')}"]
    if sys.version_info < (3, 11):
        requirements.append(f"tomli=={_installed_version('tomli')}")
    download_wheels(requirements, house)
    return house


@pytest.fixture(scope="session")
def frontend_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with pip and build, to run frontends from (built once)."""
    path = tmp_path_factory.mktemp("frontends") / "venv"
    venv.EnvBuilder(with_pip=True).create(path)
    python = path / "bin" / "python"
    cache = _cache_dir() / "frontends"
    cache.mkdir(exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "-q", "-d", cache, "build", "uv"], timeout=600)
    run(
        [python, "-m", "pip", "install", "-q", "--no-index", "--find-links", cache, "build", "uv"],
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        timeout=600,
    )
    return path


@pytest.fixture
def chdir(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
