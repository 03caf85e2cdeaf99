"""Trees that are long to walk, through real hooks and frontends.

The fan-out tree ends in an error that names its links, or, as the project asks,
builds its 27 packages (stock setuptools walks its 2**26 paths and never finishes);
a long walk says so on the way; a tree with a thousand loops gets a readable log.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from _checks import check_every_hook
from _envs import Envs
from _pep517 import call_hook
from helpers import FAN_OUT_PYPROJECT, Link, fan_out_tree, make_tree, offline_env, run, wheel_packages

pytestmark = pytest.mark.frontend
pytest_plugins = ["_fixtures"]  # uv, safe_wheel and envs

DEPTH = 26
PACKAGES = sorted(["pkg", *(f"pkg.d{level}" for level in range(DEPTH))])
NAMED = f"src/pkg/d{DEPTH - 2}/x -> ../d{DEPTH - 1} (its target entered"
REMEDY = 'set links = "once" (or on-fan-out = "once") under [tool.safe-find]'


def _project(root: Path, table: str = "") -> Path:
    return make_tree(root, {"pyproject.toml": FAN_OUT_PYPROJECT + table, **fan_out_tree(DEPTH)})


def test_the_first_hook_ends_in_one_error_naming_the_links(envs: Envs, tmp_path: Path) -> None:
    project = _project(tmp_path / "fanout")
    hook = [envs.safe, Path(__file__).parent / "_pep517.py", "setuptools.build_meta"]
    done = run(
        [*hook, "get_requires_for_build_wheel", tmp_path / "out", tmp_path / "r.json"],
        cwd=project,
        check=False,
        timeout=120,
    )
    assert done.returncode != 0, done.stdout
    assert "error: safe-find stopped the build in package discovery: directory links fan out below src" in done.stdout
    assert NAMED in done.stdout
    assert REMEDY in done.stdout
    assert "Traceback" not in done.stdout, "the error is shown as its message alone"


@pytest.mark.parametrize("table", ['links = "once"', 'on-fan-out = "once"'])
def test_with_once_every_hook_builds_the_27_packages(envs: Envs, tmp_path: Path, table: str) -> None:
    tree = {"pyproject.toml": f"{FAN_OUT_PYPROJECT}\n[tool.safe-find]\n{table}\n", **fan_out_tree(DEPTH)}
    logs = check_every_hook("fanout", tree, envs, tmp_path, [])
    if table.startswith("on-fan-out"):
        assert any('Walking on with links = "once" (on-fan-out = "once")' in log for log in logs), logs


def test_pip_wheel_ends_with_the_links_named(tmp_path: Path, wheelhouse: Path, frontend_venv: Path) -> None:
    project = _project(tmp_path / "fanout")
    command = [frontend_venv / "bin/python", "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "out", project]
    done = run(command, env=offline_env(wheelhouse), timeout=120, check=False)
    assert done.returncode != 0, done.stdout
    assert NAMED in done.stdout, done.stdout


def test_uv_build_with_on_fan_out_once_builds_the_27_packages(
    tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    project = _project(tmp_path / "fanout", '\n[tool.safe-find]\non-fan-out = "once"\n')
    out = tmp_path / "out"
    command = [frontend_venv / "bin/uv", "build", "--no-index", "--python", frontend_venv / "bin/python"]
    run([*command, "--out-dir", out, project], env=offline_env(wheelhouse), timeout=240)
    (wheel,) = out.glob("*.whl")
    assert wheel_packages(wheel) == PACKAGES


def test_stock_setuptools_does_not_finish_on_the_fan_out_tree(envs: Envs, tmp_path: Path) -> None:
    project = _project(tmp_path / "fanout")
    with pytest.raises(subprocess.TimeoutExpired):
        call_hook(envs.stock, project, "get_requires_for_build_wheel", "setuptools.build_meta", tmp_path, timeout=20)


SETUP_PY = """\
import safe_find._fanout
from setuptools import find_packages, setup

safe_find._fanout.HEARTBEAT_FIRST = 0.0  # the first heartbeat at the first look at the clock
setup(name="slow", version="1", packages=find_packages("src"), package_dir={"": "src"})
"""


@pytest.mark.parametrize("frontend", ["python-m-build", "pip-wheel-v"])
def test_a_long_walk_says_so_through_the_frontend(
    tmp_path: Path, wheelhouse: Path, frontend_venv: Path, frontend: str
) -> None:
    """The heartbeat's words, where a frontend shows them (its time, lowered here, aside)."""
    tree = {"setup.py": SETUP_PY, "pyproject.toml": FAN_OUT_PYPROJECT.split("\n[project]")[0], **fan_out_tree(12)}
    project = make_tree(tmp_path / "slow", tree)
    python = frontend_venv / "bin/python"
    out = tmp_path / "out"
    command = {
        "python-m-build": [python, "-m", "build", "--wheel", "--outdir", out, project],
        "pip-wheel-v": [python, "-m", "pip", "wheel", "-v", "--no-deps", "-w", out, project],
    }[frontend]
    done = run(command, env=offline_env(wheelhouse), timeout=240)
    beats = [line for line in done.stdout.splitlines() if "safe-find: still walking after 0 s, " in line]
    assert beats, done.stdout
    assert " directories so far, at src/pkg/d" in beats[0]


def test_a_thousand_loops_make_a_screenful_of_log(envs: Envs, tmp_path: Path) -> None:
    loops = {f"sub{n}": {"__init__.py": "", "back": Link("..")} for n in range(1000)}
    tree = {"pyproject.toml": FAN_OUT_PYPROJECT, "src": {"pkg": {"__init__.py": "", **loops}}}
    project = make_tree(tmp_path / "loops", tree)
    built = call_hook(envs.safe, project, "get_requires_for_build_wheel", "setuptools.build_meta", tmp_path / "out")
    named = [line for line in built.output.splitlines() if "loops back to its ancestor" in line]
    assert len(named) == 20, built.output
    assert (
        "safe-find: 1000 directory links not followed (1000 looping back to an ancestor); "
        "980 of them not named above: `safe-find check` lists them all"
    ) in built.output.splitlines()
    checked = run([envs.safe, "-m", "safe_find", "check", project], check=False, timeout=120)
    assert checked.stdout.count("loops back to its ancestor") == 1000
