"""The start-up hook: ``safe_find.pth`` makes setuptools' walks cycle-safe at its first import.

Each test runs a fresh interpreter of the environment with safe-find's wheel
installed (the ``envs`` fixture), as a build backend process starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _checks import check_every_hook
from _envs import Envs, current_python, fetch, make_env, requirements
from _pep517 import call_hook
from _style_projects import STYLES
from helpers import Link, make_tree, run

pytestmark = pytest.mark.frontend
pytest_plugins = ["_fixtures"]  # uv, safe_wheel and envs

MODULES = "import json, sys; print(json.dumps(sorted(sys.modules)))"
GET_REQUIRES = "import setuptools.build_meta as backend; print(backend.get_requires_for_build_wheel())"
IS_STOCK = (
    "import setuptools.discovery as d; "
    "print(d.PackageFinder.__dict__['_find_iter'].__func__.__module__ == 'setuptools.discovery')"
)


# PEP 829: Python 3.15 runs ``safe_find.start`` and skips the import line of ``safe_find.pth``.
# These run in the 3.15 step of .ci/run (python3 tools/run.py tests-newest).
PEP_829 = pytest.mark.skipif(sys.version_info < (3, 15), reason="PEP 829 .start files: Python 3.15 and later")


def _python(envs: Envs, code: str, cwd: Path, **env: str) -> str:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "SAFE_FIND"))}
    return run([envs.safe, "-c", code], cwd=cwd, env={**environ, **env}, timeout=120).stdout


def test_start_up_imports_the_hook_and_nothing_else(envs: Envs, tmp_path: Path) -> None:
    ours = set(json.loads(run([envs.safe, "-c", MODULES], cwd=tmp_path, timeout=60).stdout))
    # Python 3.15's site resolves a .start entry point with pkgutil, whoever's it is.
    site_resolves = "import pkgutil; " if sys.version_info >= (3, 15) else ""
    stock = set(json.loads(run([envs.stock, "-c", site_resolves + MODULES], cwd=tmp_path, timeout=60).stdout))
    hook = {"safe_find", "safe_find._activation", "safe_find._startup"}
    assert hook <= ours - stock <= {*hook, "__future__"}
    assert "setuptools" not in ours


def test_setuptools_import_puts_the_walks_in_place_and_the_first_walk_reads_the_settings(
    envs: Envs, tmp_path: Path
) -> None:
    project = make_tree(
        tmp_path / "project",
        {
            "pyproject.toml": '[tool.safe-find]\nlinks = "never"\n',
            "pkg": {"__init__.py": "", "alias": Link("../other")},
            "other": {"__init__.py": ""},
        },
    )
    code = (
        "import setuptools\nfrom safe_find import _patches\n"
        "print(_patches.installed(), _patches.installation.runtime)\n"
        "print(setuptools.find_packages(include=['pkg*']))\n"
        "print(_patches.installation.runtime.settings.links)\n"
    )
    assert _python(envs, code, project).splitlines() == ["True None", "['pkg']", "never"]


def test_safe_find_disable_keeps_setuptools_stock_hook_included(envs: Envs, tmp_path: Path) -> None:
    code = f"{IS_STOCK}\nimport setuptools\nsetuptools.Distribution()\n"
    code += "from safe_find import _patches\nprint(_patches.installed())"
    assert _python(envs, code, tmp_path, SAFE_FIND_DISABLE="1").split() == ["True", "False"]
    assert _python(envs, IS_STOCK, tmp_path, SAFE_FIND_DISABLE="0").split() == ["False"]


def test_enabled_false_walks_as_stock_setuptools(envs: Envs, tmp_path: Path) -> None:
    """One loop link: stock setuptools ends (at the kernel's 40-link limit) after going round it."""
    project = make_tree(
        tmp_path / "project",
        {"pyproject.toml": "[tool.safe-find]\nenabled = false\n", "pkg": {"__init__.py": "", "loop": Link(".")}},
    )
    code = "import setuptools; print(len(setuptools.find_packages()))"
    stock = run([envs.stock, "-c", code], cwd=project, timeout=120).stdout
    assert int(stock) > 10
    assert _python(envs, code, project) == stock
    (project / "pyproject.toml").unlink()
    # The count, wherever the build log's summary (stderr, at exit) lands: PyPy flushes
    # stdout before the exit handlers run, CPython after.
    assert [line for line in _python(envs, code, project).splitlines() if line.isdigit()] == ["1"]


def _setup_cfg_project(root: Path, table: str) -> Path:
    tree = {**STYLES["setup-cfg-find"].tree}
    tree["pyproject.toml"] = f"{tree['pyproject.toml']}\n[tool.safe-find]\n{table}\n"
    return make_tree(root, tree)


def test_a_bad_table_never_breaks_import_setuptools_and_stops_the_first_hook_in_one_line(
    envs: Envs, tmp_path: Path
) -> None:
    project = _setup_cfg_project(tmp_path / "project", 'on_loop = "error"')
    assert _python(envs, "import setuptools; print('imported')", project).strip() == "imported"
    result = run([envs.safe, "-c", GET_REQUIRES], cwd=project, check=False, timeout=120)
    assert result.returncode != 0
    assert '[tool.safe-find] has an unknown key "on_loop". Did you mean "on-loop"?' in result.stdout
    assert "Traceback" not in result.stdout


def test_a_bad_table_stops_find_packages_in_setup_py_in_one_line(envs: Envs, tmp_path: Path) -> None:
    tree = {**STYLES["setup-py-find-packages"].tree}
    tree["pyproject.toml"] = f'{tree["pyproject.toml"]}\n[tool.safe-find]\nlinks = "sometimes"\n'
    project = make_tree(tmp_path / "project", tree)
    result = run([envs.safe, "-c", GET_REQUIRES], cwd=project, check=False, timeout=120)
    assert result.returncode == 1, result.stdout
    assert 'links = "sometimes" is not allowed; use one of: "follow", "once", "never".' in result.stdout
    assert "Traceback" not in result.stdout


def test_on_loop_error_stops_the_first_hook_naming_every_link(envs: Envs, tmp_path: Path) -> None:
    """setuptools parses setup.cfg twice in that hook, ignoring errors the first time:
    the second walk must stop the build too."""
    project = _setup_cfg_project(tmp_path / "project", 'on-loop = "error"')
    result = run([envs.safe, "-c", GET_REQUIRES], cwd=project, check=False, timeout=120)
    assert result.returncode != 0, result.stdout
    assert 'safe-find stopped the build in package discovery: on-loop = "error"' in result.stdout
    for link in STYLES["setup-cfg-find"].links:
        assert f"  {link} -> ..: not followed, it loops back to its ancestor mypkg" in result.stdout


def _purelib(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(run([python, "-c", code], timeout=60).stdout.strip())


def test_setuptools_imported_before_the_hook_is_patched_at_once(envs: Envs, tmp_path: Path) -> None:
    code = f"import sys; sys.path.append({str(_purelib(envs.safe))!r})\nimport setuptools\n"
    code += f"import safe_find._activation as activation; activation.start()\n{IS_STOCK}"
    assert run([envs.safe, "-S", "-c", code], cwd=tmp_path, timeout=60).stdout.split() == ["False"]


def test_a_failure_at_setuptools_import_is_said_and_setuptools_imports_all_the_same(envs: Envs, tmp_path: Path) -> None:
    code = (
        f"import sys; sys.path.append({str(_purelib(envs.safe))!r})\n"
        "import safe_find._plugin as plugin\n"
        "def broken(): raise RuntimeError('injected')\n"
        "plugin.activate_for_working_directory = broken\n"
        "import safe_find._activation as activation; activation.start()\n"
        f"import setuptools\n{IS_STOCK}"
    )
    result = run([envs.safe, "-S", "-c", code], cwd=tmp_path, timeout=60)
    assert result.stdout.splitlines() == [
        "safe-find: could not put its walks in place at setuptools' import (RuntimeError: injected); "
        "setuptools' own walks run until its plugin hook does.",
        "True",
    ]


COUNT_ACTIVATIONS = (
    "import safe_find._plugin as plugin\n"
    "calls = []\n"
    "activate = plugin.activate_for_working_directory\n"
    "plugin.activate_for_working_directory = lambda: calls.append(1) or activate()\n"
    "import safe_find._activation as activation; activation.start()  # the other file, run too\n"
    f"import setuptools\nprint(len(calls))\n{IS_STOCK}"
)


def test_safe_find_activates_once_whichever_start_up_files_run(envs: Envs, tmp_path: Path) -> None:
    assert _python(envs, COUNT_ACTIVATIONS, tmp_path).split() == ["1", "False"]


@PEP_829
def test_python_v_names_no_deprecated_import_line_and_runs_the_start_entry_once(envs: Envs, tmp_path: Path) -> None:
    purelib = _purelib(envs.safe)
    trace = run([envs.safe, "-v", "-c", COUNT_ACTIVATIONS], cwd=tmp_path, timeout=60).stdout
    pth, start = purelib / "safe_find.pth", purelib / "safe_find.start"
    assert f"import lines in {pth} are deprecated" not in trace
    assert f"import lines in {pth} are suppressed due to matching {start} file." in trace
    assert trace.count("Executing entry point: safe_find._activation:start") == 1, trace
    assert f"Exec'ing from {pth}" not in trace, trace


@pytest.fixture
def own_env(envs: Envs, safe_wheel: Path, uv: Path, tmp_path: Path) -> Envs:
    """An environment of its own with safe-find's wheel, for a test to change its start-up files."""
    python, setuptools = current_python(), ".".join(map(str, envs.version))
    needs = requirements(setuptools, python)
    wheels = fetch(needs, python, tmp_path / "wheels")
    safe = make_env(uv, sys.executable, tmp_path / "env", [*needs, str(safe_wheel)], [wheels])
    return Envs(safe, envs.stock, envs.version)


@PEP_829
def test_without_the_pth_import_line_as_python_3_18_reads_it_every_hook_finishes(own_env: Envs, tmp_path: Path) -> None:
    """The .start file alone activates safe-find: each hook, in a fresh process, on a
    setup.cfg ``find:`` project with loops in its package."""
    (_purelib(own_env.safe) / "safe_find.pth").write_text("")
    style = STYLES["setup-cfg-find"]
    check_every_hook("setup-cfg-find", style.tree, own_env, tmp_path, style.links)


@PEP_829
def test_without_either_start_up_file_the_first_hook_hangs(own_env: Envs, tmp_path: Path) -> None:
    """What the test above would meet if the .start file did nothing: stock setuptools' walk."""
    purelib = _purelib(own_env.safe)
    (purelib / "safe_find.pth").write_text("")
    (purelib / "safe_find.start").unlink()
    project = make_tree(tmp_path / "project", STYLES["setup-cfg-find"].tree)
    with pytest.raises(subprocess.TimeoutExpired):
        call_hook(
            own_env.safe, project, "get_requires_for_build_wheel", "setuptools.build_meta", tmp_path / "out", timeout=8
        )
