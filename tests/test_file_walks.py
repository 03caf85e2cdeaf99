"""Every file-selection walk of setuptools is cycle-safe, through real configuration and real hooks.

These run with the setuptools of the test environment; ``test_matrix.py`` runs the
same checks on the other supported releases.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import _walk_projects
import pytest
from _checks import check_looping_project, check_parity, check_stock_meets_the_loop
from _envs import Envs
from _pep517 import call_hook
from _walk_projects import Project
from helpers import make_tree

from safe_find import _patches
from safe_find._config import Settings

pytest_plugins = ["_fixtures"]  # uv, safe_wheel and envs

SETUPTOOLS = version("setuptools")
RELEASE = tuple(int(part) for part in SETUPTOOLS.split("."))
LOOPING = {project.name: project for project in _walk_projects.looping(RELEASE)}
ACYCLIC = {project.name: project for project in _walk_projects.acyclic(RELEASE)}


@pytest.mark.frontend
@pytest.mark.parametrize("name", sorted(LOOPING))
def test_every_hook_finishes_on_a_loop_and_builds_what_the_tree_without_it_gives(
    name: str, envs: Envs, tmp_path: Path
) -> None:
    check_looping_project(LOOPING[name], envs, tmp_path)


@pytest.mark.frontend
@pytest.mark.parametrize("name", sorted(name for name, project in LOOPING.items() if "one/loop" in project.links))
def test_stock_setuptools_meets_the_loop_of_each_project(name: str, envs: Envs, tmp_path: Path) -> None:
    check_stock_meets_the_loop(LOOPING[name], envs, tmp_path)


@pytest.mark.frontend
def test_stock_setuptools_ships_the_package_again_below_a_link_above_the_graft(envs: Envs, tmp_path: Path) -> None:
    """distutils' findall stops at a directory it entered before, not at one above the graft."""
    project = LOOPING["graft-above-its-root"]
    tree = make_tree(tmp_path / "stock", project.tree)
    sdist = call_hook(envs.stock, tree, "build_sdist", project.stock_backend, tmp_path / "out", timeout=300)
    assert sdist.names is not None
    assert [name for name in sdist.names if name.endswith("/data/deep/up/__init__.py")], sdist.names


@pytest.mark.frontend
def test_stock_setuptools_fails_the_wheel_on_a_fifo_a_manifest_pattern_matches(envs: Envs, tmp_path: Path) -> None:
    """The sdist skips the FIFO, saying so, but build_py, copying the package data
    MANIFEST.in brought in, refuses it: the wheel cannot be built at all."""
    project = LOOPING["fifo-manifest"]
    tree = make_tree(tmp_path / "stock", project.tree)
    sdist = call_hook(envs.stock, tree, "build_sdist", project.stock_backend, tmp_path / "out")
    assert sdist.names is not None
    assert "fifo_manifest-1.0/pkg/a.dat" in sdist.names
    assert not [name for name in sdist.names if "pipe" in name]
    assert "'pkg/pipe.dat' not a regular file -- skipping" in sdist.output
    refused = re.escape("error: can't copy 'pkg/pipe.dat': doesn't exist or not a regular file")
    with pytest.raises(AssertionError, match=refused):
        call_hook(envs.stock, tree, "build_wheel", project.stock_backend, tmp_path / "out")


@pytest.mark.frontend
def test_stock_setuptools_fails_on_a_fifo_a_data_files_glob_matches(envs: Envs, tmp_path: Path) -> None:
    project = LOOPING["fifo-data-files"]
    tree = make_tree(tmp_path / "stock", project.tree)
    refused = re.escape("error: can't copy 'assets/pipe': doesn't exist or not a regular file")
    with pytest.raises(AssertionError, match=refused):
        call_hook(envs.stock, tree, "build_wheel", project.stock_backend, tmp_path / "out")


@pytest.mark.frontend
@pytest.mark.parametrize("name", sorted(ACYCLIC))
def test_wheel_and_sdist_equal_stock_on_acyclic_projects(name: str, envs: Envs, tmp_path: Path) -> None:
    check_parity(ACYCLIC[name], envs, tmp_path)


# -- a target setuptools no longer has, or has changed ------------------------------------

SHIM = '''"""An in-tree backend: a setuptools whose walks are not where safe-find looks for them.

safe-find's start-up hook would patch setuptools at its import, before this module
could change it: the shim stops that hook first, so that safe-find's plugin hook
meets the changed setuptools, as it would a release whose walks moved.
"""
try:
    from safe_find._startup import after_import
except ImportError:  # the stock environment
    pass
else:
    after_import.stop("setuptools")

import setuptools
import setuptools.command.build_py as build_py

_stock_glob = build_py.glob


def glob(pattern, *args, **kwargs):  # a call site of a shape safe-find does not know
    return _stock_glob(pattern, *args, **kwargs)


build_py.glob = glob
del setuptools.findall  # a target that is gone

from setuptools.build_meta import *  # noqa: E402,F403
'''


@pytest.mark.frontend
def test_a_missing_or_changed_target_leaves_the_build_to_setuptools_and_names_the_walk(
    envs: Envs, tmp_path: Path
) -> None:
    project: Project = ACYCLIC["package-data-parity"]
    tree = {**project.tree, "_backend": {"shim.py": SHIM}}
    ours = call_hook(
        envs.safe, make_tree(tmp_path / "safe", tree), "build_wheel", "shim", tmp_path / "o1", backend_path="_backend"
    )
    stock = call_hook(
        envs.stock, make_tree(tmp_path / "stock", tree), "build_wheel", "shim", tmp_path / "o2", backend_path="_backend"
    )
    assert ours.names == stock.names
    assert "safe-find: package data is not protected: setuptools.command.build_py.glob has a shape" in ours.output
    assert "safe-find: setuptools.findall is not protected: setuptools.findall is not in this setuptools" in ours.output
    assert ours.output.count("package data is not protected") == 1, ours.output


@pytest.fixture
def fresh_patch_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An install as in a new build process, undone afterwards."""
    if _patches.installed():
        pytest.skip("safe-find is already installed in this process")
    monkeypatch.setattr(_patches.installation, "unprotected", set())
    yield
    _patches.uninstall()


def _target(**changes: object) -> _patches.Target:
    (package_data,) = [target for target in _patches.TARGETS if target.walk == "package data"]
    fields = {name: getattr(package_data, name) for name in ("walk", "module", "owner", "attribute", "fits", "make")}
    return _patches.Target(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.usefixtures("fresh_patch_state")
@pytest.mark.parametrize(
    ("target", "why"),
    [
        (_target(attribute="glob_renamed"), "setuptools.command.build_py.glob_renamed is not in this setuptools"),
        (_target(module="setuptools.command.no_such_module"), "no_such_module.glob is not in this setuptools"),
        (_target(fits=lambda original: False), "setuptools.command.build_py.glob has a shape safe-find does not know"),
    ],
)
def test_an_unknown_target_is_left_alone_and_named_once(
    target: _patches.Target, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    import setuptools.command.build_py as build_py

    before = build_py.glob
    with caplog.at_level(logging.WARNING, logger="safe_find"):
        _patches.install(Settings(), targets=[target, target])
    assert build_py.glob is before
    messages: list[str] = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1, messages
    assert messages[0].startswith("safe-find: package data is not protected: ")
    assert why in messages[0]
    assert "a link loop in it may still hang the build" in messages[0]


@pytest.mark.usefixtures("fresh_patch_state")
def test_every_target_is_found_in_this_setuptools(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="safe_find"):
        _patches.install(Settings())
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    walks = [target.walk for target in _patches.TARGETS]
    assert walks == [
        "package discovery",
        "package data",
        "MANIFEST.in patterns",
        "license files",
        "configuration globs",
        "setuptools.findall",
        "MANIFEST.in graft and global-include",
    ]
