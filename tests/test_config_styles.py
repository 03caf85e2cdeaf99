"""safe-find in ``requires`` is all it takes, for every way a project names its packages.

Each style of ``_style_projects`` has loops inside its package. Stock setuptools hangs
on every one in the first hook every frontend calls (``get_requires_for_build_wheel``);
with safe-find, every hook finishes, each in a fresh process, in the order frontends
call them, and so does every frontend. The release matrix (``test_matrix.py``) runs
the hooks on every supported setuptools release.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from _checks import LOOP_NAMED, check_every_hook
from _envs import Envs
from _pep517 import call_hook
from _style_projects import PACKAGES, STYLES, Style
from helpers import make_tree, make_venv, offline_env, printed_by, run, wheel_packages

pytestmark = pytest.mark.frontend
pytest_plugins = ["_fixtures"]  # uv, safe_wheel and envs

BUILD_TIMEOUT = 240
HANG_TIMEOUT = 8  # stock walks 2**40 paths: it is still going long after this


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_hook_finishes_in_a_fresh_process_and_builds_what_the_tree_without_links_gives(
    name: str, envs: Envs, tmp_path: Path
) -> None:
    style = STYLES[name]
    check_every_hook(name, style.tree, envs, tmp_path, style.links)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_stock_setuptools_hangs_in_the_first_hook_frontends_call(name: str, envs: Envs, tmp_path: Path) -> None:
    project = make_tree(tmp_path / name, STYLES[name].tree)
    with pytest.raises(subprocess.TimeoutExpired):
        call_hook(
            envs.stock,
            project,
            "get_requires_for_build_wheel",
            "setuptools.build_meta",
            tmp_path / "out",
            timeout=HANG_TIMEOUT,
        )


@pytest.mark.parametrize("name", sorted(STYLES))
def test_check_names_the_links_the_build_names(name: str, envs: Envs, tmp_path: Path) -> None:
    style = STYLES[name]
    project = make_tree(tmp_path / name, style.tree)
    checked = run([envs.safe, "-m", "safe_find", "check", "--json", project], check=False, timeout=120)
    assert checked.returncode == 1, checked.stdout
    report = json.loads(checked.stdout)
    check_links = sorted(link["link"] for link in report["links"] if link["reason"] == "loop")
    built = call_hook(envs.safe, project, "get_requires_for_build_wheel", "setuptools.build_meta", tmp_path / "out")
    build_links = sorted({line.split("safe-find: ", 1)[1].split(" -> ")[0] for line in _named(built.output)})
    assert check_links == build_links == sorted(style.links), built.output


def _named(output: str) -> list[str]:
    return [line for line in output.splitlines() if LOOP_NAMED in line]


# -- real frontends ---------------------------------------------------------------------


def _one_wheel(out: Path) -> Path:
    (wheel,) = out.glob("*.whl")
    return wheel


def _imports_through_the_source_tree(python: Path, cwd: Path) -> None:
    code = "import mypkg.a, mypkg.b.mypkg.a as again; print(mypkg.a.NAME, again.__name__)"
    assert printed_by(python, code, cwd) == ["a", "mypkg.b.mypkg.a"]


def _pip_wheel(project: Path, tmp: Path, tools: Path, env: dict[str, str]) -> None:
    out = tmp / "out"
    run([tools / "bin/python", "-m", "pip", "wheel", "--no-deps", "-w", out, project], env=env, timeout=BUILD_TIMEOUT)
    assert wheel_packages(_one_wheel(out)) == PACKAGES


def _python_m_build(project: Path, tmp: Path, tools: Path, env: dict[str, str]) -> None:
    out = tmp / "out"
    run([tools / "bin/python", "-m", "build", "--outdir", out, project], env=env, timeout=BUILD_TIMEOUT)
    assert wheel_packages(_one_wheel(out)) == PACKAGES  # built from the sdist
    assert len(list(out.glob("*.tar.gz"))) == 1


def _uv_build(project: Path, tmp: Path, tools: Path, env: dict[str, str]) -> None:
    out = tmp / "out"
    command = [tools / "bin/uv", "build", "--no-index", "--python", tools / "bin/python", "--out-dir", out, project]
    run(command, env=env, timeout=BUILD_TIMEOUT)
    assert wheel_packages(_one_wheel(out)) == PACKAGES


def _pip_install_editable(project: Path, tmp: Path, tools: Path, env: dict[str, str]) -> None:
    python = make_venv(tmp / "venv", with_pip=False)
    command = [tools / "bin/python", "-m", "pip", "--python", python, "install", "--no-deps", "-e", project]
    run(command, env=env, timeout=BUILD_TIMEOUT)
    _imports_through_the_source_tree(python, tmp)


def _uv_pip_install_editable(project: Path, tmp: Path, tools: Path, env: dict[str, str]) -> None:
    python = make_venv(tmp / "venv", with_pip=False)
    command = [tools / "bin/uv", "pip", "install", "--no-index", "--python", python, "--no-deps", "-e", project]
    run(command, env=env, timeout=BUILD_TIMEOUT)
    _imports_through_the_source_tree(python, tmp)


FRONTENDS = {
    "pip-wheel": _pip_wheel,
    "python-m-build": _python_m_build,
    "uv-build": _uv_build,
    "pip-install-e": _pip_install_editable,
    "uv-pip-install-e": _uv_pip_install_editable,
}


@pytest.mark.parametrize("frontend", list(FRONTENDS))
@pytest.mark.parametrize("name", sorted(STYLES))
def test_frontend_finishes(name: str, frontend: str, tmp_path: Path, wheelhouse: Path, frontend_venv: Path) -> None:
    style: Style = STYLES[name]
    project = make_tree(tmp_path / name, style.tree)
    FRONTENDS[frontend](project, tmp_path, frontend_venv, offline_env(wheelhouse))
