"""The supported setuptools releases, each on a Python it installs on.

Each cell makes two environments (with and without safe-find), runs the
looping projects and every configuration style through every hook, each in a
fresh process, and builds the acyclic projects for artifact parity.
``SAFE_FIND_MATRIX=full`` (``python3 tools/run.py matrix``) runs every cell. The
default suite, to stay within its time budget, runs one cell, the floor:
setuptools 61 on Python 3.9, with every configuration style and the looping
projects whose call sites differ there (package data globbed without recursion,
license files through ``iglob``, MANIFEST.in through ``setuptools.glob``).
"""

from __future__ import annotations

import os
from pathlib import Path

import _walk_projects
import pytest
from _checks import check_every_hook, check_looping_project, check_parity
from _envs import MATRIX, SMOKE, Cell, Envs, fetch, find_python, make_pair, requirements
from _style_projects import STYLES

pytestmark = pytest.mark.frontend
pytest_plugins = ["_fixtures"]  # uv and safe_wheel, shared with test_file_walks.py

FULL = os.environ.get("SAFE_FIND_MATRIX") == "full"
CELLS = MATRIX if FULL else SMOKE
SMOKE_PROJECTS = ("license-files", "manifest", "package-data")
LOOPING = [project.name for project in _walk_projects.looping((84,)) if FULL or project.name in SMOKE_PROJECTS]
ACYCLIC = [project.name for project in _walk_projects.acyclic((84,))]


@pytest.fixture(scope="module", params=CELLS, ids=[cell.id for cell in CELLS])
def cell_envs(
    request: pytest.FixtureRequest, uv: Path, safe_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Envs:
    cell: Cell = request.param
    interpreter = find_python(cell.python)
    if interpreter is None:
        pytest.skip(f"Python {cell.python} is not installed (pyenv install {cell.python}) for {cell.id}")
    base = tmp_path_factory.mktemp(cell.id)
    wheels = fetch(requirements(cell.setuptools, cell.python), cell.python, base / "wheels")
    return make_pair(uv, interpreter, cell.setuptools, cell.python, wheels, safe_wheel, base / "envs")


def _project(projects: list, name: str) -> _walk_projects.Project:
    (project,) = [project for project in projects if project.name == name]
    return project


@pytest.mark.parametrize("name", LOOPING)
def test_looping_project_on_release(cell_envs: Envs, name: str, tmp_path: Path) -> None:
    check_looping_project(_project(_walk_projects.looping(cell_envs.version), name), cell_envs, tmp_path)


@pytest.mark.skipif(not FULL, reason="parity across releases runs in the full matrix (SAFE_FIND_MATRIX=full)")
@pytest.mark.parametrize("name", ACYCLIC)
def test_parity_on_release(cell_envs: Envs, name: str, tmp_path: Path) -> None:
    check_parity(_project(_walk_projects.acyclic(cell_envs.version), name), cell_envs, tmp_path)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_configuration_style_on_release(cell_envs: Envs, name: str, tmp_path: Path) -> None:
    style = STYLES[name]
    check_every_hook(name, style.tree, cell_envs, tmp_path, style.links)
