"""safe_find._glob against the matchers it replaces: same answers, same order, and no loops."""

from __future__ import annotations

import contextlib
import glob as stdlib_glob
import inspect
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Union

import pytest
import setuptools
from helpers import DROP_ROOT, Link, make_tree, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from setuptools import glob as setuptools_glob_module

from safe_find import WalkOptions, _glob
from safe_find._walk import LinkReport

STOCK_FINDALL = inspect.unwrap(setuptools.findall)  # stock even if a test left safe-find installed

Tree = dict[str, Union[str, Link, "Tree"]]

# Names that exercise hidden-file rules, extensions and fnmatch classes.
NAMES = st.sampled_from(["a", "b", "ab", "c.txt", "d.py", ".e", ".f.txt", "g h", "[x]"])
LEAVES = st.sampled_from(["file", "file", "link:ext", "link:ext/sub", "link:missing"])
TREES = st.recursive(LEAVES, lambda children: st.dictionaries(NAMES, children, max_size=4), max_leaves=14)
PARTS = st.sampled_from(
    ["**", "**", "*", "?", "*.txt", ".*", "a", "b", "[ab]*", "c.txt", "", "*.py", "[[]x]", "absent"]
)
PATTERNS = st.lists(PARTS, min_size=1, max_size=4).filter(lambda parts: parts[0] != "").map("/".join)
EXTERNAL: Tree = {"x.txt": "x", ".y.txt": "y", "sub": {"z.txt": "z", "deeper": {"w.py": "w"}}}


def _spec(node: object) -> Tree:
    assert isinstance(node, dict)
    spec: Tree = {}
    for name, value in node.items():
        if isinstance(value, dict):
            spec[name] = _spec(value)
        elif value == "file":
            spec[name] = "content\n"
        else:
            spec[name] = Link(value.split(":", 1)[1])  # relative to the tree root by _materialise
    return spec


@contextlib.contextmanager
def _materialise(tree: object) -> Iterator[Path]:
    """The generated tree at ROOT/tree, links pointing into ROOT/ext (never an ancestor)."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp).resolve()
        make_tree(root / "ext", EXTERNAL)
        spec = _spec(tree if isinstance(tree, dict) else {"only": tree})
        make_tree(root / "tree", _absolute_links(spec, root))
        yield root / "tree"


def _absolute_links(spec: Tree, root: Path) -> Tree:
    return {
        name: Link(str(root / value.target))
        if isinstance(value, Link)
        else value
        if isinstance(value, str)
        else _absolute_links(value, root)
        for name, value in spec.items()
    }


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tree=TREES, pattern=PATTERNS, recursive=st.booleans(), absolute=st.booleans())
def test_glob_equals_stdlib_glob(tree: object, pattern: str, recursive: bool, absolute: bool) -> None:
    with _materialise(tree) as top, _cwd(top):
        full = str(top / pattern) if absolute else pattern
        assert _glob.glob(full, recursive=recursive) == stdlib_glob.glob(full, recursive=recursive)
        assert list(_glob.iglob(full, recursive=recursive)) == list(stdlib_glob.iglob(full, recursive=recursive))
        if sys.version_info >= (3, 11):
            ours = _glob.glob(full, recursive=recursive, include_hidden=True)
            assert ours == stdlib_glob.glob(full, recursive=recursive, include_hidden=True)


@SETTINGS
@given(tree=TREES, pattern=PATTERNS, recursive=st.booleans(), absolute=st.booleans())
def test_setuptools_glob_equals_setuptools(tree: object, pattern: str, recursive: bool, absolute: bool) -> None:
    with _materialise(tree) as top, _cwd(top):
        full = str(top / pattern) if absolute else pattern
        assert _glob.setuptools_glob(full, recursive) == setuptools_glob_module.glob(full, recursive)


@SETTINGS
@given(tree=TREES, where=st.sampled_from([".", "a", "b", "absent", "ABS"]))
def test_findall_equals_setuptools(tree: object, where: str) -> None:
    with _materialise(tree) as top, _cwd(top):
        directory = str(top) if where == "ABS" else where
        assert _glob.findall(directory) == STOCK_FINDALL(directory)


# -- loops ---------------------------------------------------------------------------------

LOOPING: Tree = {
    "data": {
        "top.txt": "t",
        ".hidden.txt": "h",
        "one": {"inner.txt": "i", "loop": Link(".."), "up": Link("../..")},
        "two": {"loop": Link(".."), "deep": {"d.txt": "d", "root": Link("../../..")}},
    },
    "side.txt": "s",
}
LOOP_PATTERNS = ["data/**", "data/**/*.txt", "**/*.txt", "**", "data/*/*", "data/**/", "*/**/inner.txt", "**/.*"]


def _without_links(spec: Tree) -> Tree:
    return {k: v if isinstance(v, str) else _without_links(v) for k, v in spec.items() if not isinstance(v, Link)}


@pytest.mark.parametrize("pattern", LOOP_PATTERNS)
def test_a_looping_tree_matches_like_the_tree_without_its_links(tmp_path: Path, pattern: str) -> None:
    looping = make_tree(tmp_path / "looping", LOOPING)
    clean = make_tree(tmp_path / "clean", _without_links(LOOPING))
    with _cwd(clean):
        expected = stdlib_glob.glob(pattern, recursive=True)
        expected_setuptools = setuptools_glob_module.glob(pattern, recursive=True)
        expected_findall = STOCK_FINDALL("data")
    reports: list[LinkReport] = []
    options = WalkOptions(report=reports.append)
    with _cwd(looping):
        assert _glob.glob(pattern, recursive=True, options=options) == expected
        assert _glob.setuptools_glob(pattern, True, options=options) == expected_setuptools
        assert _glob.findall("data", options=options) == expected_findall
    assert {os.path.basename(report.link) for report in reports} == {"loop", "up", "root"}
    assert {report.reason for report in reports} == {"loop"}


def test_a_loop_report_names_the_link_its_target_and_the_ancestor(tmp_path: Path) -> None:
    make_tree(tmp_path, {"d": {"x.txt": "x", "s": {"back": Link("..")}}})
    reports: list[LinkReport] = []
    with _cwd(tmp_path):
        assert _glob.glob("d/**/*.txt", recursive=True, options=WalkOptions(report=reports.append)) == ["d/x.txt"]
        # the ancestor, as the walk that met the link spells it
        ancestors = {os.path.realpath(str(r.other)) for r in reports}
    assert {(r.link, r.target, r.reason) for r in reports} == {("d/s/back", "..", "loop")}
    assert ancestors == {str((tmp_path / "d").resolve())}


def test_links_never_keeps_double_star_out_of_links(tmp_path: Path) -> None:
    make_tree(tmp_path, {"d": {"x.txt": "x", "alias": Link("../e")}, "e": {"y.txt": "y"}})
    with _cwd(tmp_path):
        assert _glob.glob("d/**/*.txt", recursive=True) == ["d/x.txt", "d/alias/y.txt"]
        assert _glob.glob("d/**/*.txt", recursive=True, options=WalkOptions(links="never")) == ["d/x.txt"]
        # a literal path through the link is the user's own choice, and is honoured
        assert _glob.glob("d/alias/*.txt", options=WalkOptions(links="never")) == ["d/alias/y.txt"]


def test_links_once_walks_a_directory_reached_twice_once(tmp_path: Path) -> None:
    make_tree(tmp_path, {"d": {"x.txt": "x", "a1": Link("../e"), "a2": Link("../e")}, "e": {"y.txt": "y"}})
    with _cwd(tmp_path):
        found = _glob.glob("d/**/*.txt", recursive=True, options=WalkOptions(links="once"))
    assert found[0] == "d/x.txt"
    assert sorted(found[1:]) in (["d/a1/y.txt"], ["d/a2/y.txt"])


_GLOB_AS_NOBODY = (
    r"""
import glob, json, os, sys
from safe_find import _glob
os.chdir(sys.argv[1])
"""
    + DROP_ROOT
    + r"""patterns = ("d/**", "d/**/", "d/**/x.txt", "d/*/x.txt")
print(json.dumps({p: [_glob.glob(p, recursive=True), glob.glob(p, recursive=True)] for p in patterns}))
"""
)


def test_unreadable_directories_are_matched_but_not_listed(tmp_path: Path) -> None:
    """Real permissions: a child process enters the tree, then drops root for ``nobody``."""
    make_tree(tmp_path, {"d": {"closed": {"x.txt": "x"}, "open": {"y.txt": "y"}}})
    (tmp_path / "d" / "closed").chmod(0o311)
    try:
        result = run([sys.executable, "-c", _GLOB_AS_NOBODY, tmp_path], timeout=120)
    finally:
        (tmp_path / "d" / "closed").chmod(0o755)
    found = json.loads(result.stdout)
    for pattern, (ours, stock) in found.items():
        assert ours == stock, pattern
    assert "d/closed/x.txt" not in found["d/**/x.txt"][1], "the directory was readable after all"


def test_a_last_part_lists_one_directory_and_leaves_its_links_to_the_walk(tmp_path: Path) -> None:
    """``d/*.txt`` is answered from one listing of ``d``: nothing below is walked, so
    no link of ``d`` is judged. ``d/*`` matches the loop itself, which the walk then
    refuses and names."""
    make_tree(tmp_path, {"d": {"a.txt": "", "sub": {"b.txt": ""}, "loop": Link(".."), "alias": Link("sub")}})
    reports: list[LinkReport] = []
    options = WalkOptions(report=reports.append)
    assert _glob.glob(str(tmp_path / "d" / "*.txt"), options=options) == [str(tmp_path / "d" / "a.txt")]
    assert reports == []
    everything = _glob.glob(str(tmp_path / "d" / "*"), options=options)
    assert everything == [path for path in stdlib_glob.glob(str(tmp_path / "d" / "*")) if not path.endswith("loop")]
    assert [(os.path.basename(report.link), report.reason) for report in reports] == [("loop", "loop")]
