"""Filesystem faults and odd files: each compared with stock setuptools where stock finishes.

Stock runs in-process with safe-find's patches uninstalled, and only on trees where
its walk is finite. Where stock cannot finish (a loop, or a tree deeper than its
recursion limit on Python 3.11), the test says what safe-find does instead.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import DROP_ROOT, Link, make_tree, run
from setuptools import discovery

import safe_find
from safe_find import LinkReport, WalkOptions, _patches


def stock(where: Path, namespace: bool = False) -> list[str]:
    _patches.uninstall()
    finder = discovery.PEP420PackageFinder if namespace else discovery.PackageFinder
    return finder.find(str(where))


def safe(where: Path, namespace: bool = False, reports: list[LinkReport] | None = None) -> list[str]:
    finder = safe_find.find_namespace_packages if namespace else safe_find.find_packages
    options = WalkOptions(report=reports.append) if reports is not None else None
    return finder(str(where), options=options)


def walked(top: Path) -> list[tuple[str, list[str], list[str]]]:
    return [(d.path, [c.name for c in d.dirs], d.files) for d in safe_find.walk(str(top))]


def os_walked(top: Path) -> list[tuple[str, list[str], list[str]]]:
    return [(p, d, f) for p, d, f in os.walk(str(top), followlinks=True)]


def assert_same_as_stock(where: Path) -> None:
    for namespace in (False, True):
        assert safe(where, namespace) == stock(where, namespace), f"namespace={namespace}"
    assert walked(where) == os_walked(where)


PKG = {"__init__.py": "", "mod.py": "x = 1\n"}

# -- permissions ------------------------------------------------------------------------

_AS_NOBODY = (
    r"""
import json, os, sys
import setuptools.discovery as discovery
import safe_find
from safe_find import _patches
_patches.uninstall()
os.chdir(sys.argv[1])
"""
    + DROP_ROOT
    + r"""result = {}
for where in (".", "pkg/no_search", "pkg/no_read", "pkg/neither"):  # as a subtree and as the root
    for name, finder in (("packages", discovery.PackageFinder), ("namespaces", discovery.PEP420PackageFinder)):
        result[where + " stock " + name] = finder.find(where)
    result[where + " safe packages"] = safe_find.find_packages(where)
    result[where + " safe namespaces"] = safe_find.find_namespace_packages(where)
    result[where + " safe walk"] = [[d.path, [c.name for c in d.dirs], d.files] for d in safe_find.walk(where)]
    result[where + " os.walk"] = [[p, d, f] for p, d, f in os.walk(where, followlinks=True)]
print(json.dumps(result))
"""
)


@pytest.fixture
def unprivileged_tree(tmp_path: Path) -> Iterator[Path]:
    tree = make_tree(
        tmp_path / "tree",
        {
            "pkg": {
                **PKG,
                "no_search": {**PKG, "sub": PKG, "alias": Link("../ok")},  # r--: listable, not searchable
                "no_read": {**PKG, "sub": PKG},  # -wx: searchable, not listable
                "neither": {**PKG, "sub": PKG},  # ---
                "ok": PKG,
            }
        },
    )
    modes = {"no_search": 0o444, "no_read": 0o311, "neither": 0o000}
    for name, mode in modes.items():
        (tree / "pkg" / name).chmod(mode)
    try:
        yield tree
    finally:
        for name in modes:
            (tree / "pkg" / name).chmod(0o755)


def test_directories_without_read_or_search_permission(unprivileged_tree: Path) -> None:
    """Real permissions, not a simulation: a child process drops root for ``nobody``
    (after importing everything, and after entering the tree, whose ancestors nobody
    may not search) and runs stock setuptools and safe-find on the same tree."""
    result = run([sys.executable, "-c", _AS_NOBODY, unprivileged_tree], timeout=120)
    found = json.loads(result.stdout)
    for where in (".", "pkg/no_search", "pkg/no_read", "pkg/neither"):
        assert found[f"{where} safe packages"] == found[f"{where} stock packages"], where
        assert found[f"{where} safe namespaces"] == found[f"{where} stock namespaces"], where
        assert found[f"{where} safe walk"] == found[f"{where} os.walk"], where
    # The cases really arose: stock skips the directory it cannot search, lists the one
    # it can search but not read as a package without looking inside.
    assert "pkg.no_search" not in found[". stock packages"]
    assert "pkg.no_read" in found[". stock packages"]
    assert "pkg.no_read.sub" not in found[". stock packages"]
    assert found["pkg/neither stock namespaces"] == []


# -- links that cannot be followed --------------------------------------------------------


def test_link_to_itself_is_a_file_as_in_stock(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree", {"pkg": {**PKG, "sub": PKG, "self": Link("self")}})
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        os.stat(tree / "pkg" / "self")
    assert_same_as_stock(tree)
    assert "self" in dict((Path(p).name, f) for p, _, f in walked(tree))["pkg"]


def test_link_to_its_own_directory_is_a_loop(tmp_path: Path) -> None:
    """``pkg/here -> .``: stock walks it until the path is too long (tens of thousands of
    names); safe-find does not follow it, reports it, and finds what the tree holds."""
    tree = make_tree(tmp_path / "tree", {"pkg": {**PKG, "sub": PKG, "here": Link(".")}})
    reports: list[LinkReport] = []
    assert safe(tree, reports=reports) == ["pkg", "pkg.sub"]
    assert reports == [LinkReport(str(tree / "pkg" / "here"), ".", "loop", str(tree / "pkg"))]
    (tree / "pkg" / "here").unlink()
    assert stock(tree) == ["pkg", "pkg.sub"]


def test_dangling_link(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree", {"pkg": {**PKG, "sub": PKG, "gone": Link("../nowhere")}})
    assert not (tree / "pkg" / "gone").exists()
    assert_same_as_stock(tree)


def test_chain_of_links_longer_than_the_kernel_follows(tmp_path: Path) -> None:
    """45 links in a chain: the first 40 or so resolve, the rest fail with ELOOP."""
    spec: dict = {"pkg": {**PKG, "sub": PKG}}
    spec["pkg"]["c0"] = Link("sub")
    for index in range(1, 45):
        spec["pkg"][f"c{index}"] = Link(f"c{index - 1}")
    tree = make_tree(tmp_path / "tree", spec)
    with pytest.raises(OSError, match="Too many levels of symbolic links") as failure:
        os.stat(tree / "pkg" / "c44")
    assert failure.value.errno == errno.ELOOP
    assert (tree / "pkg" / "c10" / "__init__.py").is_file()
    assert_same_as_stock(tree)


# -- long paths and deep trees --------------------------------------------------------------


def _nest(top: Path, name: str, depth: int, packages: int) -> None:
    """``depth`` nested directories named ``name`` below ``top``, the first ``packages``
    of them with an ``__init__.py``; made relative to open directories, so that no
    path handed to the kernel is long."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
            if level < packages:
                os.close(os.open("__init__.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)


def _unnest(top: Path, name: str) -> None:
    """Remove a deep chain without recursion (shutil.rmtree recurses on Python 3.11)
    and without long paths: go down with chdir, come back up removing."""
    here = os.getcwd()
    try:
        os.chdir(top)
        depth = 0
        while os.path.isdir(name):
            os.chdir(name)
            depth += 1
        for _ in range(depth):
            for entry in os.listdir(os.curdir):
                os.unlink(entry)
            os.chdir(os.pardir)
            os.rmdir(name)
    finally:
        os.chdir(here)
    shutil.rmtree(top)


def _chain_expected(top: Path, name: str, namespace: bool = False) -> list[str]:
    """What setuptools' rules give on a chain ``name/name/...``, computed iteratively:
    a level is a package while its parent's path is short enough to list (and, for a
    regular package, its ``__init__.py`` path short enough to stat)."""
    found, path, prefix = [], str(top), ""
    while True:
        try:
            listing = os.listdir(path)
        except OSError:
            return found
        child = os.path.join(path, name)
        if name not in listing or not (namespace or os.path.isfile(os.path.join(child, "__init__.py"))):
            return found
        found.append(prefix + name)
        path, prefix = child, prefix + name + "."


def test_path_longer_than_path_max(tmp_path: Path) -> None:
    top = tmp_path / "tree"
    top.mkdir()
    name = "d" * 200
    _nest(top, name, 30, 30)  # about 6,000 characters
    expected = _chain_expected(top, name)
    assert 5 < len(expected) < 30, "the deepest levels must lie beyond PATH_MAX"
    assert safe(top) == expected == stock(top)
    assert safe(top, namespace=True) == stock(top, namespace=True)


@pytest.fixture
def deep_tree(tmp_path: Path) -> Iterator[Path]:
    """10,000 nested directories ``a/a/...``. Only the first ~2,040 are reachable by
    path (PATH_MAX), so only the first 2,100 get an ``__init__.py``. The tree goes on a
    tmpfs when there is one (/dev/shm): on a busy ext4 disk, 20,000 directory
    operations take a minute there and a fraction of a second here."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        base = Path(tempfile.mkdtemp(prefix="safe-find-deep-", dir=shm))
    else:
        base = tmp_path
    top = base / "deep"
    top.mkdir()
    try:
        _nest(top, "a", 10_000, 2_100)
        yield top
    finally:
        _unnest(top, "a")
        if base != tmp_path:
            base.rmdir()


def test_tree_ten_thousand_levels_deep(deep_tree: Path) -> None:
    """No RecursionError, through setuptools with the patches in. Below about 2,000
    levels the path exceeds PATH_MAX and, as in stock, is not listed: the packages are
    exactly the levels down to the last whose ``__init__.py`` can be stat-ed."""
    # Each pass over the tree costs O(depth**2) in the kernel (every path is looked up
    # from the top), so the expectation is checked at its edge, not by another pass.
    with safe_find.patched():
        found = discovery.PackageFinder.find(str(deep_tree))
    depth = len(found)
    assert 1500 < depth < 2_100
    assert found == [".".join(["a"] * level) for level in range(1, depth + 1)]
    assert (deep_tree.joinpath(*["a"] * depth) / "__init__.py").is_file()
    with pytest.raises(OSError, match="File name too long"):
        os.stat(deep_tree.joinpath(*["a"] * (depth + 1)) / "__init__.py")
    if sys.version_info >= (3, 12):  # os.walk is iterative from 3.12
        assert stock(deep_tree) == found
    else:  # setuptools' os.walk recurses once per level
        with pytest.raises(RecursionError):
            stock(deep_tree)


# -- names that are not UTF-8 -----------------------------------------------------------------


def test_names_that_are_not_valid_utf8(tmp_path: Path) -> None:
    top = tmp_path / "tree"
    raw = os.fsencode(top)
    for directory in (b"/pk\xffg", b"/pk\xffg/s\xfeb", b"/plain\xff"):
        os.makedirs(raw + directory)
    for file in (b"/pk\xffg/__init__.py", b"/pk\xffg/s\xfeb/__init__.py", b"/pk\xffg/m\xff.py"):
        open(raw + file, "w").close()
    os.symlink(b"s\xfeb", raw + b"/pk\xffg/al\xffias")
    os.symlink(b"..", raw + b"/pk\xffg/s\xfeb/lo\xffop")
    reports: list[LinkReport] = []
    found = safe(top, reports=reports)
    assert sorted(found) == ["pk\udcffg", "pk\udcffg.al\udcffias", "pk\udcffg.s\udcfeb"]
    # The loop is met twice: through the real directory and through the link to it.
    assert sorted(os.path.relpath(r.link, top) for r in reports) == [
        "pk\udcffg/al\udcffias/lo\udcffop",
        "pk\udcffg/s\udcfeb/lo\udcffop",
    ]
    assert "lo\udcffop -> ..: not followed" in reports[0].describe()
    os.unlink(raw + b"/pk\xffg/s\xfeb/lo\xffop")
    assert_same_as_stock(top)


# -- a tree that changes while it is walked -----------------------------------------------------

MUTATIONS = ["remove", "replace-with-file", "replace-with-empty-dir", "remove-current"]


def _mutate(tree: Path, how: str) -> None:
    if how == "remove":
        shutil.rmtree(tree / "pkg" / "b")
    elif how == "replace-with-file":
        shutil.rmtree(tree / "pkg" / "b")
        (tree / "pkg" / "b").write_text("now a file")
    elif how == "replace-with-empty-dir":
        shutil.rmtree(tree / "pkg" / "b")
        (tree / "pkg" / "b").mkdir()
    else:  # the directory being walked goes, after it was listed
        shutil.rmtree(tree / "pkg")


def _mutating_walk(tree: Path, how: str, safe_walk: bool) -> list[tuple[str, list[str], list[str]]]:
    """Walk, and change the tree when ``pkg`` is yielded (its listing is already made)."""
    out = []
    if safe_walk:
        for directory in safe_find.walk(str(tree)):
            out.append((directory.path, [c.name for c in directory.dirs], directory.files))
            if directory.path.endswith(os.sep + "pkg"):
                _mutate(tree, how)
    else:
        for path, dirs, files in os.walk(str(tree), followlinks=True):
            out.append((path, list(dirs), files))
            if path.endswith(os.sep + "pkg"):
                _mutate(tree, how)
    return out


SPEC_MUTATED = {"pkg": {**PKG, "a": {**PKG, "x": PKG}, "b": {**PKG, "y": PKG, "z": {"w": PKG}}, "c": PKG}}


@pytest.mark.parametrize("how", MUTATIONS)
def test_directory_removed_or_replaced_during_the_walk(tmp_path: Path, how: str) -> None:
    """The same mutation at the same point of the walk: safe-find yields what os.walk yields."""
    first = make_tree(tmp_path / "one", SPEC_MUTATED)
    second = make_tree(tmp_path / "two", SPEC_MUTATED)
    ours = _mutating_walk(first, how, safe_walk=True)
    theirs = _mutating_walk(second, how, safe_walk=False)
    assert [(os.path.relpath(p, first), d, f) for p, d, f in ours] == [
        (os.path.relpath(p, second), d, f) for p, d, f in theirs
    ]
    assert len(ours) < 9, "the mutation must have removed part of the walk"


def test_directory_replaced_by_a_link_to_the_root_during_the_walk(tmp_path: Path) -> None:
    """A loop that appears mid-walk (``pkg/b`` becomes ``-> ..``) is caught like any other;
    os.walk would go round it until the path is too long."""
    tree = make_tree(tmp_path / "tree", SPEC_MUTATED)
    reports: list[LinkReport] = []
    seen = []
    for directory in safe_find.walk(str(tree), report=reports.append):
        seen.append(os.path.relpath(directory.path, tree))
        if seen[-1] == "pkg":
            shutil.rmtree(tree / "pkg" / "b")
            (tree / "pkg" / "b").symlink_to("..", target_is_directory=True)
    # pkg/b was listed as a real directory, so it is entered once more (as pkg/b/pkg);
    # the link met inside it closes the loop and is not followed.
    assert len(seen) == len(set(seen)) < 12, seen
    assert [(os.path.relpath(r.link, tree), r.reason, r.other) for r in reports] == [("pkg/b/pkg/b", "loop", str(tree))]


def test_link_target_removed_before_links_once_walks_it(tmp_path: Path) -> None:
    """``links = "once"`` walks links last: a target gone by then is skipped, as os.walk
    skips a directory it can no longer list."""
    make_tree(tmp_path, {"root": {"pkg": {**PKG, "alias": Link("../../ext")}}, "ext": {**PKG, "inner": PKG}})
    seen = []
    for directory in safe_find.walk(str(tmp_path / "root"), links="once"):
        seen.append((os.path.relpath(directory.path, tmp_path), [c.name for c in directory.dirs]))
        if seen[-1][0] == "root/pkg" and (tmp_path / "ext").exists():  # alias is vetted, not walked yet
            shutil.rmtree(tmp_path / "ext")
    assert seen == [("root", ["pkg"]), ("root/pkg", []), ("root/pkg", ["alias"])]


# -- FIFOs and sockets -----------------------------------------------------------------------


def test_fifo_and_socket_where_a_package_might_be(tmp_path: Path) -> None:
    """Never opened, never taken for a directory or a package: as stock, and no hang."""
    tree = make_tree(tmp_path / "tree", {"pkg": {**PKG, "real": PKG, "x": {}}})
    os.mkfifo(tree / "pkg" / "fifo")
    os.mkfifo(tree / "pkg" / "x" / "__init__.py")  # a package whose __init__.py is a FIFO
    sock = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(tree / "pkg")  # AF_UNIX paths are short: bind relative to here
    try:
        sock.bind("sock")
    finally:
        os.chdir(cwd)
        sock.close()
    (tree / "pkg" / "link_to_fifo").symlink_to("fifo")
    assert stat.S_ISSOCK(os.lstat(tree / "pkg" / "sock").st_mode)
    assert stat.S_ISFIFO(os.lstat(tree / "pkg" / "fifo").st_mode)
    assert_same_as_stock(tree)
    assert safe(tree) == ["pkg", "pkg.real"]
    assert sorted(safe(tree, namespace=True)) == ["pkg", "pkg.real", "pkg.x"]
