"""Random acyclic trees: safe-find's package lists equal stock setuptools', order included.

The optimised walk and finders must not change a single result. Trees mix packages,
plain directories, dotted and odd names, files that are links, broken links, FIFOs
and ``__init__.py`` directories, and directory links that do not loop; every tree is
checked with several filters, through the public functions and the patched setuptools.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import setuptools

import safe_find

NAMES = ["a", "b", "pkg", "tests", "ez_setup", "__pycache__", "x.y", "_p", "data", "a1", "é"]
EXCLUDES = [(), ("a",), ("a.*",), ("a*",), ("*.b",), ("[ab]*",), ("?",), ("*tests*",), ("pkg", "pkg.*"), ("*a",)]
INCLUDES = [("*",), ("a*",), ("a", "a.*"), ("*b*",), ("pkg.*",)]


def _tree(root: Path, rng: random.Random) -> list[Path]:
    """A random tree under ``root``; returns its directories."""
    dirs = [root]
    root.mkdir()
    for _ in range(rng.randint(5, 40)):
        parent = rng.choice(dirs)
        if len(parent.relative_to(root).parts) >= 4:
            continue
        path = parent / rng.choice(NAMES)
        if path.exists() or path.is_symlink():
            continue
        path.mkdir()
        dirs.append(path)
        kind = rng.random()
        if kind < 0.6:
            (path / "__init__.py").write_text("")
        elif kind < 0.65:
            (path / "__init__.py").mkdir()
        elif kind < 0.7:
            (path / "__init__.py").symlink_to(path / "missing")
        elif kind < 0.75:
            (path / "real.py").write_text("")
            (path / "__init__.py").symlink_to("real.py")
        elif kind < 0.78:
            os.mkfifo(path / "__init__.py")
        for index in range(rng.randint(0, 3)):
            (path / f"mod{index}.py").write_text("")
    # Links that cannot loop: into a side tree that holds no links itself.
    side = root / "side"
    for name in ("lib", "lib/inner"):
        (side / name).mkdir(parents=True, exist_ok=True)
        (side / name / "__init__.py").write_text("")
    for _ in range(rng.randint(0, 3)):
        parent = rng.choice(dirs)
        link = parent / rng.choice(["alias", "alias2", "lib"])
        if not link.exists() and not link.is_symlink():
            link.symlink_to(side / rng.choice(["lib", "lib/inner"]), target_is_directory=True)
    return dirs


def _all(where: str, exclude: tuple[str, ...], include: tuple[str, ...]) -> dict[str, list[str]]:
    results = {
        "stock": setuptools.find_packages(where, exclude, include),
        "stock-ns": setuptools.find_namespace_packages(where, exclude, include),
        "safe": safe_find.find_packages(where, exclude, include),
        "safe-ns": safe_find.find_namespace_packages(where, exclude, include),
    }
    with safe_find.patched():
        results["patched"] = setuptools.find_packages(where, exclude, include)
        results["patched-ns"] = setuptools.find_namespace_packages(where, exclude, include)
    return results


@pytest.mark.parametrize("seed", range(40))
def test_random_tree_parity(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "t"
    dirs = _tree(root, rng)
    wheres = [str(root), str(root) + os.sep, str(rng.choice(dirs))]
    for where in wheres:
        for exclude in rng.sample(EXCLUDES, 3):
            for include in rng.sample(INCLUDES, 2):
                got = _all(where, exclude, include)
                assert got["safe"] == got["stock"] == got["patched"], (where, exclude, include, got)
                assert got["safe-ns"] == got["stock-ns"] == got["patched-ns"], (where, exclude, include, got)


def test_relative_where_parity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1234)
    _tree(tmp_path / "t", rng)
    monkeypatch.chdir(tmp_path / "t")
    for where in (".", "./", "a", "./pkg/"):
        got = _all(where, (), ("*",))
        assert got["safe"] == got["stock"] == got["patched"], (where, got)
        assert got["safe-ns"] == got["stock-ns"] == got["patched-ns"], (where, got)


PATTERNS = ["*", "a", "a*", "*a", "a.*", "*.b", "*a*", "a**", "**", "[ab]*", "?", "a?c", "a[", "*[", ""]
PATTERNS += ["ez_setup", "*__pycache__"]
TEST_NAMES = ["", "a", "ab", "ba", "a.b", "b.a", "abc", "a[", "x[", "ez_setup", "p.__pycache__", "a.b.c", "é"]


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_name_filter_is_fnmatchcase(size: int) -> None:
    from fnmatch import fnmatchcase
    from itertools import combinations

    from safe_find._finders import name_filter

    for patterns in combinations(PATTERNS, size):
        test = name_filter(patterns)
        for name in TEST_NAMES:
            assert test(name) == any(fnmatchcase(name, p) for p in patterns), (patterns, name)


def test_once_mode_names_a_link_walked_last_under_its_parent(tmp_path: Path) -> None:
    """links = "once" walks links after the real tree: their package keeps its parent's prefix."""
    outside = tmp_path / "outside" / "extra"
    outside.mkdir(parents=True)
    (outside / "__init__.py").write_text("")
    pkg = tmp_path / "src" / "pkg"
    (pkg / "sub").mkdir(parents=True)
    for path in (pkg, pkg / "sub"):
        (path / "__init__.py").write_text("")
    (pkg / "sub" / "ext").symlink_to(outside, target_is_directory=True)
    options = safe_find.WalkOptions(links="once")
    assert safe_find.find_packages(str(tmp_path / "src"), options=options) == ["pkg", "pkg.sub", "pkg.sub.ext"]
