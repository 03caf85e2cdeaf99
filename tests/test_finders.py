"""Parity: safe-find finds what stock setuptools finds, in the same order, on trees without loops."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import setuptools
from helpers import Link, make_tree
from setuptools import discovery

import safe_find
from safe_find import _patches, _plugin

PACKAGE = {"__init__.py": ""}

TREES: dict[str, dict[str, Any]] = {
    "src-layout": {
        "pkg": {
            **PACKAGE,
            "sub": {**PACKAGE, "deep": {**PACKAGE, "m.py": ""}},
            "ns": {"m.py": ""},
            "data": {"x.txt": ""},
        },
        "other": {**PACKAGE, "tests": PACKAGE},
        ".hidden": PACKAGE,
        "_private": PACKAGE,
        "__pycache__": {"x.pyc": ""},
        "with.dot": {**PACKAGE, "inside": PACKAGE},
        "ez_setup": PACKAGE,
        "not-an-identifier": PACKAGE,
        "pkg-stubs": {"__init__.pyi": "", "sub": {}},
        "init_is_dir": {"__init__.py": {}},
        "module.py": "",
    },
    "flat-layout": {
        "mypkg": {**PACKAGE, "util": PACKAGE},
        "tests": PACKAGE,
        "docs": {"conf.py": ""},
        "build": {"lib": PACKAGE},
        "venv": {"lib": {}},
        "tools": PACKAGE,
    },
    "namespaces": {
        "ns": {"a": {**PACKAGE, "x": {}}, "b": {"y": {**PACKAGE}}},
        "plain": {"dir": {"file.txt": ""}},
    },
    "acyclic-links": {
        "pkg": {**PACKAGE, "alias": Link("../other"), "again": Link("../other"), "sub": PACKAGE},
        "other": {**PACKAGE, "leaf": PACKAGE},
        "to_file": {"__init__.py": ""},
        "dangling": Link("nowhere"),
    },
    "link-chain": {
        "a": {**PACKAGE, "b": Link("../c")},
        "c": {**PACKAGE, "d": Link("../e")},
        "e": {**PACKAGE, "f": PACKAGE},
    },
}

FILTERS = [
    {},
    {"exclude": ["pkg.*"]},
    {"exclude": ["pkg*"]},
    {"exclude": ["*.sub", "other"]},
    {"include": ["pkg", "pkg.*"]},
    {"include": ["*.x", "ns.*"], "exclude": ["ns.b*"]},
    {"include": ["other*"], "exclude": ["*tests*"]},
]


@pytest.fixture(autouse=True)
def stock_setuptools() -> Iterator[None]:
    """Every test starts and ends with setuptools' own functions in place."""
    _patches.uninstall()
    yield
    _patches.uninstall()


@pytest.fixture(params=sorted(TREES))
def tree(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return make_tree(tmp_path / request.param, TREES[request.param])


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
@pytest.mark.parametrize(
    ("ours", "stock"),
    [
        (safe_find.find_packages, setuptools.find_packages),
        (safe_find.find_namespace_packages, setuptools.find_namespace_packages),
    ],
    ids=["find_packages", "find_namespace_packages"],
)
def test_public_finders_equal_stock(
    tree: Path, filters: dict[str, list[str]], ours: Callable[..., list[str]], stock: Callable[..., list[str]]
) -> None:
    expected = stock(str(tree), **filters)
    assert ours(str(tree), **filters) == expected
    assert ours(tree, **filters) == expected  # a Path works as in setuptools


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
@pytest.mark.parametrize("finder", ["PackageFinder", "PEP420PackageFinder", "FlatLayoutPackageFinder"])
def test_patched_setuptools_finders_equal_stock(tree: Path, filters: dict[str, list[str]], finder: str) -> None:
    find = getattr(discovery, finder).find
    expected = find(str(tree), **filters)
    with safe_find.patched():
        assert discovery.PackageFinder._find_iter is not _patches_original()
        assert find(str(tree), **filters) == expected


def _patches_original() -> Any:
    return vars(discovery.PackageFinder)["_find_iter"]


def test_relative_where_is_resolved_like_stock(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    for where in (tree.name, f"./{tree.name}/", f"{tree.name}/."):
        assert safe_find.find_packages(where) == setuptools.find_packages(where)
    monkeypatch.chdir(tree)
    assert safe_find.find_namespace_packages() == setuptools.find_namespace_packages()


def test_custom_finder_subclass_keeps_its_own_package_test(tree: Path) -> None:
    class OnlyWithMarker(discovery.PackageFinder):
        @staticmethod
        def _looks_like_package(path: Any, _name: str) -> bool:
            return os.path.isfile(os.path.join(path, "m.py")) or os.path.basename(path) == "pkg"

    expected = OnlyWithMarker.find(str(tree))
    with safe_find.patched():
        assert OnlyWithMarker.find(str(tree)) == expected


# -- through setuptools' own configuration --------------------------------------------------

PROJECT = '[project]\nname = "demo"\nversion = "0"\n'
CONFIGS = {
    "pyproject-find": (
        "pyproject.toml",
        PROJECT + '[tool.setuptools.packages.find]\nwhere = ["src"]\nexclude = ["pkg.sub*"]\n',
    ),
    "pyproject-namespaces-off": (
        "pyproject.toml",
        PROJECT + '[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = false\n',
    ),
    "setupcfg-find": (
        "setup.cfg",
        "[options]\npackage_dir =\n    = src\npackages = find:\n\n[options.packages.find]\nwhere = src\n",
    ),
    "setupcfg-find-namespace": (
        "setup.cfg",
        "[options]\npackage_dir =\n    = src\npackages = find_namespace:\n\n[options.packages.find]\nwhere = src\n",
    ),
    "auto-src": ("pyproject.toml", PROJECT),
}


def _discover(project: Path, monkeypatch: pytest.MonkeyPatch, *, stock: bool) -> tuple[list[str], Any]:
    """The packages and package_dir setuptools configures for ``project``."""
    monkeypatch.chdir(project)
    if stock:
        # The plugin is installed in this environment: make its hook a no-op for the stock run.
        monkeypatch.setattr(_plugin, "finalize_distribution_options", lambda dist: None)
    dist = setuptools.Distribution()
    dist.parse_config_files()
    dist.set_defaults(name=False)
    if stock:
        assert not _patches.installed()
        monkeypatch.undo()
    else:
        assert _patches.installed()
    return list(dist.packages or []), dict(dist.package_dir or {})


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_configured_discovery_equals_stock(config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name, text = CONFIGS[config]
    project = make_tree(tmp_path / "project", {"src": TREES["src-layout"], name: text})
    if name != "pyproject.toml":
        (project / "pyproject.toml").write_text("")
    expected = _discover(project, monkeypatch, stock=True)
    _patches.uninstall()
    assert expected[0], "the stock run found no packages: the comparison would prove nothing"
    assert _discover(project, monkeypatch, stock=False) == expected


def test_flat_layout_automatic_discovery_equals_stock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_tree(
        tmp_path / "flat",
        {"mypkg": {**PACKAGE, "sub": PACKAGE, "alias": Link("sub")}, "tests": PACKAGE, "pyproject.toml": PROJECT},
    )
    expected = _discover(project, monkeypatch, stock=True)
    _patches.uninstall()
    assert sorted(expected[0]) == ["mypkg", "mypkg.alias", "mypkg.sub"]
    assert _discover(project, monkeypatch, stock=False) == expected


# -- loops --------------------------------------------------------------------------------


def test_looping_tree_finds_each_real_package_once(tmp_path: Path) -> None:
    src = make_tree(
        tmp_path / "src",
        {
            "repo_name": {
                **PACKAGE,
                "sub1": {**PACKAGE, "repo_name": Link("..")},
                "sub2": {**PACKAGE, "repo_name": Link("..")},
            }
        },
    )
    reports: list[safe_find.LinkReport] = []
    options = safe_find.WalkOptions(report=reports.append)
    assert sorted(safe_find.find_packages(src, options=options)) == ["repo_name", "repo_name.sub1", "repo_name.sub2"]
    assert sorted(os.path.relpath(r.link, src) for r in reports) == [
        "repo_name/sub1/repo_name",
        "repo_name/sub2/repo_name",
    ]
    with safe_find.patched():
        assert sorted(setuptools.find_packages(str(src))) == ["repo_name", "repo_name.sub1", "repo_name.sub2"]
