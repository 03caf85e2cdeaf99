"""The plugin hook, install/uninstall, and the PEP 517 backend wrapper."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import setuptools
from helpers import Link, make_tree, run
from setuptools import build_meta as stock_backend
from setuptools import discovery

import safe_find
from safe_find import _patches, _plugin, build_meta

STOCK_FIND_ITER = vars(discovery.PackageFinder)["_find_iter"]


@pytest.fixture(autouse=True)
def stock_setuptools() -> Iterator[None]:
    _patches.uninstall()
    yield
    _patches.uninstall()


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "src", {"p": {"__init__.py": "", "sub": {"__init__.py": "", "p": Link("..")}}})


def test_install_twice_is_harmless_and_uninstall_restores_setuptools(looping: Path) -> None:
    first = _patches.install(safe_find.Settings())
    patched_find_iter = vars(discovery.PackageFinder)["_find_iter"]
    second = _patches.install(safe_find.Settings(on_loop="ignore"))
    assert vars(discovery.PackageFinder)["_find_iter"] is patched_find_iter
    assert _patches._active() is second is not first
    assert setuptools.find_packages(str(looping)) == ["p", "p.sub"]
    _patches.uninstall()
    assert vars(discovery.PackageFinder)["_find_iter"] is STOCK_FIND_ITER
    _patches.uninstall()  # and a second uninstall too
    assert vars(discovery.PackageFinder)["_find_iter"] is STOCK_FIND_ITER


def test_patched_blocks_nest_and_restore_what_was_there() -> None:
    with safe_find.patched() as outer:
        with safe_find.patched(safe_find.Settings(links="never")) as inner:
            assert _patches._active() is inner
        assert _patches._active() is outer
        assert vars(discovery.PackageFinder)["_find_iter"] is not STOCK_FIND_ITER
    assert not _patches.installed()
    assert vars(discovery.PackageFinder)["_find_iter"] is STOCK_FIND_ITER


def test_the_hook_runs_when_setuptools_creates_a_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """safe-find is installed here, so its entry point is live, as in a build environment."""
    monkeypatch.chdir(tmp_path)
    assert not _patches.installed()
    setuptools.Distribution()
    assert _patches.installed()
    assert _patches._active().settings.project_root == str(tmp_path)  # type: ignore[union-attr]


def test_the_hook_reads_the_project_settings_and_can_be_switched_off(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.safe-find]\nlinks = "never"\n')
    runtime = _plugin.activate(str(tmp_path))
    assert runtime is not None
    assert runtime.settings.links == "never"
    (tmp_path / "pyproject.toml").write_text("[tool.safe-find]\nenabled = false\n")
    assert _plugin.activate(str(tmp_path)) is None
    assert not _patches.installed()


def test_the_hook_entry_point_is_declared() -> None:
    from importlib.metadata import entry_points

    found = entry_points()
    group = "setuptools.finalize_distribution_options"
    # Python 3.9's importlib.metadata has no select(): it returns a dict of groups.
    points = found.select(group=group) if hasattr(found, "select") else found.get(group, [])
    # A distribution seen twice on the path (3.9 does not de-duplicate) lists it twice.
    ours = {ep.value: ep for ep in points if ep.name == "safe_find"}
    assert list(ours) == ["safe_find._plugin:finalize_distribution_options"]
    assert ours["safe_find._plugin:finalize_distribution_options"].load() is _plugin.finalize_distribution_options


def test_backend_offers_exactly_the_hooks_of_setuptools() -> None:
    hooks = [name for name in build_meta.__all__ if name != "__legacy__"]
    assert hooks == [name for name in hooks if hasattr(stock_backend, name)]
    assert {"build_wheel", "build_sdist", "get_requires_for_build_wheel", "prepare_metadata_for_build_wheel"} <= set(
        hooks
    )
    assert ("build_editable" in hooks) is hasattr(stock_backend, "build_editable")
    for name in hooks:
        assert getattr(build_meta, name).__wrapped__ == getattr(stock_backend, name)
        assert getattr(build_meta.__legacy__, name).__wrapped__ == getattr(stock_backend.__legacy__, name)


def test_backend_hook_runs_setup_py_with_the_walks_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_tree(
        tmp_path / "project",
        {
            "src": {"legacy": {"__init__.py": "", "sub": {"__init__.py": "", "loop": Link("../..")}}},
            "setup.py": (
                "from setuptools import find_packages, setup\n"
                "PACKAGES = find_packages('src')\n"
                "assert sorted(PACKAGES) == ['legacy', 'legacy.sub'], PACKAGES\n"
                "setup(name='legacy', version='0', package_dir={'': 'src'}, packages=PACKAGES)\n"
            ),
        },
    )
    monkeypatch.chdir(project)
    assert build_meta.get_requires_for_build_wheel() == []
    assert _patches.installed()


_LATE_IMPORT = r"""
import glob, json, sys, types
import setuptools.build_meta  # what a frontend imports before any hook runs
from safe_find import _patches, _plugin, _startup

COMMANDS = ("setuptools.command.build_py", "setuptools.command.egg_info")
result = {"before_hook": [name for name in COMMANDS if name in sys.modules]}
_plugin.finalize_distribution_options(types.SimpleNamespace(src_root=sys.argv[1]))
result["after_hook"] = [name for name in COMMANDS if name in sys.modules]
result["finder_waits"] = _startup.after_import in sys.meta_path
import setuptools.command.build_py as build_py
result["build_py_patched"] = build_py.glob is not glob.glob and build_py.glob.__wrapped__ is glob.glob
result["finder_still_waits"] = _startup.after_import in sys.meta_path
import setuptools.command.egg_info as egg_info
result["egg_info_patched"] = "safe_find" in egg_info.glob.__code__.co_filename
result["finder_gone"] = _startup.after_import not in sys.meta_path
loaders = {type(build_py.__loader__).__name__, type(build_py.__spec__.loader).__name__}
result["own_loader"] = loaders == {"SourceFileLoader"}
_patches.uninstall()
result["restored"] = build_py.glob is glob.glob
print(json.dumps(result))
"""


def test_the_hook_patches_command_modules_when_they_are_imported_not_before(tmp_path: Path) -> None:
    """Importing setuptools' command modules only to patch them would cost every build
    about 10 ms: the hook leaves them to their first import and patches them then."""
    result = run([sys.executable, "-c", _LATE_IMPORT, str(tmp_path)], timeout=60)
    assert json.loads(result.stdout) == {
        "before_hook": [],
        "after_hook": [],
        "finder_waits": True,
        "build_py_patched": True,
        "finder_still_waits": True,
        "egg_info_patched": True,
        "finder_gone": True,
        "own_loader": True,
        "restored": True,
    }


# -- activation at setuptools' import (safe_find.pth; see test_startup.py for the real thing) --


@pytest.fixture
def aliased(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose package list depends on ``links``: pkg.alias is a link to a package."""
    monkeypatch.chdir(tmp_path)
    return make_tree(tmp_path, {"pkg": {"__init__.py": "", "alias": Link("../other")}, "other": {"__init__.py": ""}})


def test_pending_walks_read_the_settings_of_the_working_directory_at_the_first_walk(aliased: Path) -> None:
    _plugin.activate_for_working_directory()
    assert _patches.installed()
    assert _patches.installation.runtime is None
    (aliased / "pyproject.toml").write_text('[tool.safe-find]\nlinks = "never"\n')  # read at the walk, not before
    assert setuptools.find_packages(include=["pkg*"]) == ["pkg"]
    runtime = _patches.installation.runtime
    assert runtime is not None
    assert runtime.settings.links == "never"
    assert runtime.settings.project_root == str(aliased)
    assert _patches.installation.pending is None


def test_a_bad_table_fails_every_pending_walk_until_it_is_fixed(aliased: Path) -> None:
    (aliased / "pyproject.toml").write_text('[tool.safe-find]\nlinks = "sometimes"\n')
    _plugin.activate_for_working_directory()
    for _ in range(2):  # setuptools may swallow the first (its parse for setup_requires ignores errors)
        with pytest.raises(safe_find.ConfigError, match='links = "sometimes" is not allowed'):
            setuptools.find_packages(include=["pkg*"])
    (aliased / "pyproject.toml").write_text("")
    assert setuptools.find_packages(include=["pkg*"]) == ["pkg", "pkg.alias"]


def test_a_pending_walk_with_enabled_false_gives_setuptools_back(aliased: Path) -> None:
    (aliased / "pyproject.toml").write_text("[tool.safe-find]\nenabled = false\n")
    _plugin.activate_for_working_directory()
    assert vars(discovery.PackageFinder)["_find_iter"] is not STOCK_FIND_ITER
    assert setuptools.find_packages(include=["pkg*"]) == ["pkg", "pkg.alias"]
    assert not _patches.installed()
    assert vars(discovery.PackageFinder)["_find_iter"] is STOCK_FIND_ITER


def test_the_hook_after_a_pending_walk_keeps_its_runtime_and_a_later_one_changes_it(aliased: Path) -> None:
    _plugin.activate_for_working_directory()
    assert setuptools.find_packages(include=["pkg*"]) == ["pkg", "pkg.alias"]
    first = _patches.installation.runtime
    assert _plugin.activate(str(aliased)) is first
    (aliased / "pyproject.toml").write_text('[tool.safe-find]\nlinks = "never"\n')
    assert _plugin.activate(str(aliased)) is not first


def test_the_environment_variable_switches_the_hook_off(aliased: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFE_FIND_DISABLE", "1")
    assert _plugin.activate(str(aliased)) is None
    setuptools.Distribution()
    assert not _patches.installed()
    monkeypatch.setenv("SAFE_FIND_DISABLE", "0")
    assert _plugin.activate(str(aliased)) is not None
