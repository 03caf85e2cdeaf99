"""The plugin hook, install/uninstall, and the PEP 517 backend wrapper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import setuptools
from helpers import Link, make_tree
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
