"""Property tests: generated trees with random directory links, against a reference model.

Every example builds a tree on disk (``base/root`` is walked, ``base/outside`` holds a
package a link may lead to, and maybe a link from there back to the root) with
directories, packages, plain folders, names with dots, ``__pycache__``,
``ez_setup``, a directory named ``__init__.py``, and links to
ancestors, the root's parent, siblings, descendants, their own directory,
themselves, missing targets, other links (chains) and the outside package.

The reference model below is written for these tests alone: setuptools' rules
(``os.walk(followlinks=True)`` order, a package is decided at its parent's visit,
``'.'`` in a name or no ``__init__.py`` means no package, the always-excluded names,
early pruning on literal ``pkg*`` / ``pkg.*`` excludes) plus the cycle rule of GNU
``find -L``: a directory, link or not, whose identity ``(st_dev, st_ino)`` is on the
path from the root (or above the root) is neither a package nor walked. It recurses,
asks ``os.stat`` of every directory, and keeps an explicit set of identities.

``mid_cycle_trees`` adds trees whose links lead into the middle of a cycle: an alias to
a directory below which a link leads back above the alias's target, so that plain
descent from there comes back to the alias itself (before safe-find checked every
directory below a link, it walked such a cycle one extra lap).

Stock setuptools is run only on trees the model proves acyclic (it cut no link while
walking every directory), where its walk is finite.

Examples per property: ``_hypothesis_profiles.CI_EXAMPLES`` (300) in CI.
"""

from __future__ import annotations

import fnmatch
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from setuptools import discovery

import safe_find
from safe_find import WalkOptions, _patches

# -- generated trees --------------------------------------------------------------------

DIR_NAMES = ["a", "b", "pkg", "sub", "x.y", "__pycache__", "ez_setup", "__init__.py"]
LINK_NAMES = ["l", "m", "loop", "a", "alias"]
LINK_KINDS = ["ancestor", "own-dir", "above-root", "dir", "missing", "itself", "link", "outside"]
EXCLUDES = [(), ("a",), ("a.*",), ("pkg*",), ("*.sub",), ("b", "b.*")]

RelPath = tuple[str, ...]


@dataclass(frozen=True)
class LinkSpec:
    parent: RelPath
    name: str
    kind: str
    index: int  # which ancestor / directory / link, taken modulo the choices
    absolute: bool
    target: RelPath = ()  # for kind "path": the directory it leads to, from the root


@dataclass
class TreeSpec:
    dirs: list[RelPath] = field(default_factory=lambda: [()])
    packages: list[RelPath] = field(default_factory=list)
    modules: list[RelPath] = field(default_factory=list)
    links: list[LinkSpec] = field(default_factory=list)
    outside_back: bool = False  # outside/ext/inner/back -> the root: loops through the outside


@st.composite
def trees(draw: st.DrawFn) -> TreeSpec:
    spec = TreeSpec()
    for _ in range(draw(st.integers(0, 8))):
        parent = draw(st.sampled_from(spec.dirs))
        path = (*parent, draw(st.sampled_from(DIR_NAMES)))
        if path not in spec.dirs:
            spec.dirs.append(path)
    for path in spec.dirs:
        if draw(st.booleans()):
            spec.packages.append(path)
        if draw(st.integers(0, 3)) == 0:
            spec.modules.append(path)
    for _ in range(draw(st.integers(0, 4))):
        spec.links.append(
            LinkSpec(
                parent=draw(st.sampled_from(spec.dirs)),
                name=draw(st.sampled_from(LINK_NAMES)),
                kind=draw(st.sampled_from(LINK_KINDS)),
                index=draw(st.integers(0, 7)),
                absolute=draw(st.booleans()),
            )
        )
    spec.outside_back = draw(st.booleans())
    return spec


def build(spec: TreeSpec, base: Path) -> Path:
    """Make the tree under ``base/root`` (and the outside package); return the root."""
    root = base / "root"
    outside = base / "outside" / "ext"
    (outside / "inner").mkdir(parents=True)
    (outside / "__init__.py").write_text("")
    (outside / "inner" / "__init__.py").write_text("")
    for path in spec.dirs:
        (root.joinpath(*path)).mkdir(parents=True, exist_ok=True)
    for path in spec.packages:
        init = root.joinpath(*path, "__init__.py")
        if not init.exists():  # a directory named __init__.py stays one
            init.write_text("")
    for path in spec.modules:
        root.joinpath(*path, "mod.py").write_text("x = 1\n")
    if spec.outside_back:
        (outside / "inner" / "back").symlink_to(os.path.relpath(root, outside / "inner"), target_is_directory=True)
    links_made: list[Path] = []
    for link in spec.links:
        where = root.joinpath(*link.parent)
        path = where / link.name
        if os.path.lexists(path):
            continue
        target = _target(link, root, where, path, links_made, outside)
        if link.absolute and not os.path.isabs(target):
            target = os.path.normpath(os.path.join(where, target))
        path.symlink_to(target, target_is_directory=True)
        links_made.append(path)
    return root


def _target(link: LinkSpec, root: Path, where: Path, path: Path, made: list[Path], outside: Path) -> str:
    depth = len(link.parent)
    if link.kind == "ancestor":
        return os.sep.join([".."] * (1 + link.index % (depth + 1))) if depth else "."
    if link.kind == "own-dir":
        return "."
    if link.kind == "above-root":
        return os.sep.join([".."] * (depth + 1))
    if link.kind == "dir":
        dirs = sorted(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())
        choice = dirs[link.index % len(dirs)] if dirs else root
        return os.path.relpath(choice, where)
    if link.kind == "missing":
        return "missing"
    if link.kind == "itself":
        return link.name
    if link.kind == "link":
        return os.path.relpath(made[link.index % len(made)], where) if made else link.name
    if link.kind == "path":
        return os.path.relpath(root.joinpath(*link.target), where)
    assert link.kind == "outside"
    return os.path.relpath(outside, where)


CHAIN = ("m", "d1", "b", "t")


@st.composite
def mid_cycle_trees(draw: st.DrawFn) -> TreeSpec:
    """A chain of directories ``m/d1/b/t``, an alias from outside the chain to one of them,
    a link further down the chain back above the alias's target, and some of ``trees()``."""
    spec = draw(trees())
    chain = [CHAIN[:depth] for depth in range(1, len(CHAIN) + 1)]
    for path in chain:
        if path not in spec.dirs:
            spec.dirs.append(path)
        if draw(st.booleans()) and path not in spec.packages:
            spec.packages.append(path)
    aliased = draw(st.integers(1, len(chain) - 1))  # the alias leads to chain[aliased]
    back_from = draw(st.integers(aliased, len(chain) - 1))  # the link back sits in chain[back_from]
    back_to = draw(st.integers(0, aliased - 1))  # and leads to chain[back_to], above the alias's target
    alias_parent = draw(st.sampled_from([(), ("x",), ("x", "y")]))
    for depth in range(1, len(alias_parent) + 1):
        if alias_parent[:depth] not in spec.dirs:
            spec.dirs.append(alias_parent[:depth])
    links = [
        LinkSpec(alias_parent, "alias", "path", 0, draw(st.booleans()), chain[aliased]),
        LinkSpec(chain[back_from], "back", "path", 0, draw(st.booleans()), chain[back_to]),
    ]
    spec.links = draw(st.permutations(links + spec.links))
    return spec


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def made(spec: TreeSpec, scratch: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=scratch) as base:
        yield build(spec, Path(base))


# -- the reference model ----------------------------------------------------------------


@dataclass
class Model:
    packages: list[str] = field(default_factory=list)
    walked: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)


def _above(root: str) -> frozenset:
    """The identities of the root and of every real directory above it."""
    real = os.path.realpath(root)
    found = {_identity(real)}
    while os.path.dirname(real) != real:
        real = os.path.dirname(real)
        found.add(_identity(real))
    return frozenset(found)


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def model_find(
    root: str, namespace: bool, exclude: tuple[str, ...] = (), links: str = "follow", skip_outside: bool = False
) -> Model:
    """setuptools' package finder plus the cycle rule, recursive and plain.

    ``skip_outside``: a link whose real path is outside the root is not followed
    (``outside-links = "skip"`` with the root as the boundary)."""
    result = Model()
    inside = os.path.realpath(root) + os.sep
    patterns = ("ez_setup", "*__pycache__", *exclude)

    def excluded(name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)

    def visit(path: str, prefix: str, on_path: frozenset) -> None:
        try:
            names = os.listdir(path)
        except OSError:
            return
        kept = []
        for name in names:
            child = os.path.join(path, name)
            if not os.path.isdir(child):
                continue
            if _identity(child) in on_path:
                result.cut.append(child)
                continue
            if os.path.islink(child):
                if links == "never":
                    continue
                if skip_outside and not (os.path.realpath(child) + os.sep).startswith(inside):
                    continue
            if "." in name:
                continue
            package = prefix + name
            if not namespace and not os.path.isfile(os.path.join(child, "__init__.py")):
                continue
            if not excluded(package):
                result.packages.append(package)
            if f"{package}*" in patterns or f"{package}.*" in patterns:
                continue
            kept.append((child, package))
        for child, package in kept:
            visit(child, package + ".", on_path | {_identity(child)})

    visit(root, "", _above(root))
    return result


def model_walk(root: str) -> Model:
    """``os.walk(root, followlinks=True)`` plus the cycle rule, recursive and plain."""
    result = Model()

    def visit(path: str, on_path: frozenset) -> None:
        try:
            names = os.listdir(path)
        except OSError:
            return
        dirs, files = [], []
        for name in names:
            child = os.path.join(path, name)
            if not os.path.isdir(child):
                files.append(name)
            elif _identity(child) in on_path:
                result.cut.append(child)
            else:
                dirs.append(name)
        result.walked.append((path, dirs, files))
        for name in dirs:
            child = os.path.join(path, name)
            visit(child, on_path | {_identity(child)})

    visit(root, _above(root))
    return result


def acyclic(root: str) -> bool:
    return not model_walk(root).cut


def stock_find(root: str, namespace: bool, exclude: tuple[str, ...] = ()) -> list[str]:
    """setuptools' own finder, with safe-find's patches out of the way."""
    _patches.uninstall()
    finder = discovery.PEP420PackageFinder if namespace else discovery.PackageFinder
    return finder.find(root, exclude=exclude)


# A generated tree has at most 12 real directories and 4 links: a walk that yields more
# directories than this has gone round a loop. The bound turns a hang into a failure.
WALK_BOUND = 5_000


class Bounded(WalkOptions):
    """The walk of ``WalkOptions``, failing instead of running on past ``WALK_BOUND``."""

    def walk(self, top: str, **options: Any) -> Iterator[safe_find.Directory]:
        for count, directory in enumerate(super().walk(top, **options)):
            assert count < WALK_BOUND, f"the walk of {top} does not end"
            yield directory


def safe_walk(root: str, reports: list[safe_find.LinkReport] | None = None) -> list[tuple[str, list[str], list[str]]]:
    options = Bounded(report=reports.append if reports is not None else None)
    return [(d.path, [c.name for c in d.dirs], d.files) for d in options.walk(root)]


# -- regression examples (shrunk failures, kept) ------------------------------------------

# links = "once" lost P.q: src/N/Q was marked seen when N was only listed (N is no package).
ONCE_SEEN_AT_LISTING = TreeSpec(
    dirs=[(), ("a",), ("b",), ("b", "sub")],
    packages=[("a",), ("b", "sub")],
    links=[LinkSpec(("a",), "l", "dir", 2, False)],
)
# links = "once" named a link walked last without its parents, and walked links of a
# directory that was listed but pruned.
ONCE_DEFERRED_PREFIX = TreeSpec(
    dirs=[(), ("pkg",), ("b",)],
    packages=[("pkg",)],
    links=[LinkSpec(("pkg",), "alias", "outside", 0, False), LinkSpec(("b",), "l", "outside", 0, True)],
)
# links = "once" names a directory by its real path, here an always-excluded one.
ONCE_REAL_NAME_EXCLUDED = TreeSpec(
    dirs=[(), ("__pycache__",)],
    packages=[("__pycache__",)],
    modules=[(), ("__pycache__",)],
    links=[LinkSpec((), "l", "dir", 0, False)],
)
# Issue 13: d2/alias -> ../mod/d1/b, mod/d1/b/tests/loop -> ../.., mod/tests/loop -> ../d1:
# d2/alias/tests/loop/b is d2/alias again, and was walked one extra lap.
ISSUE_13_ALIAS = TreeSpec(
    dirs=[(), ("d2",), ("mod",), ("mod", "d1"), ("mod", "d1", "b"), ("mod", "d1", "b", "tests"), ("mod", "tests")],
    packages=[("d2",), ("mod",), ("mod", "d1"), ("mod", "d1", "b"), ("mod", "d1", "b", "tests"), ("mod", "tests")],
    links=[
        LinkSpec(("d2",), "alias", "path", 0, False, ("mod", "d1", "b")),
        LinkSpec(("mod", "d1", "b", "tests"), "loop", "path", 0, False, ("mod", "d1")),
        LinkSpec(("mod", "tests"), "loop", "path", 0, False, ("mod", "d1")),
    ],
)
# Issue 13: loop -> c/a/c/d2, c/a/c/d2/l2 -> ../..: loop/l2/c/d2 is loop again.
ISSUE_13_LOOP = TreeSpec(
    dirs=[(), ("c",), ("c", "a"), ("c", "a", "c"), ("c", "a", "c", "d2")],
    packages=[("c",), ("c", "a"), ("c", "a", "c"), ("c", "a", "c", "d2")],
    links=[
        LinkSpec((), "loop", "path", 0, False, ("c", "a", "c", "d2")),
        LinkSpec(("c", "a", "c", "d2"), "l2", "path", 0, False, ("c", "a")),
    ],
)
# The looping tree of uv issue 11238.
UV_11238 = TreeSpec(
    dirs=[(), ("pkg",), ("pkg", "a"), ("pkg", "b")],
    packages=[("pkg",), ("pkg", "a"), ("pkg", "b")],
    links=[LinkSpec(("pkg", "a"), "l", "ancestor", 0, False), LinkSpec(("pkg", "b"), "l", "ancestor", 0, False)],
)


# -- properties -------------------------------------------------------------------------


@given(spec=trees(), namespace=st.booleans(), exclude=st.sampled_from(EXCLUDES))
@example(spec=UV_11238, namespace=False, exclude=())
@example(spec=ISSUE_13_ALIAS, namespace=True, exclude=())
@example(spec=ISSUE_13_LOOP, namespace=False, exclude=())
@example(spec=ONCE_DEFERRED_PREFIX, namespace=True, exclude=())
def test_discovery_matches_the_model_and_stock_when_acyclic(
    scratch: Path, spec: TreeSpec, namespace: bool, exclude: tuple[str, ...]
) -> None:
    """Every tree: safe-find terminates and equals the model; acyclic trees: equals stock, in order."""
    for root in made(spec, scratch):
        finder = safe_find.find_namespace_packages if namespace else safe_find.find_packages
        found = finder(str(root), exclude=exclude, options=Bounded())
        expected = model_find(str(root), namespace, exclude).packages
        assert found == expected, _tree(root)
        if acyclic(str(root)):
            assert found == stock_find(str(root), namespace, exclude), _tree(root)
        # Through setuptools itself, with the patches in place.
        with safe_find.patched():
            finder_class = discovery.PEP420PackageFinder if namespace else discovery.PackageFinder
            assert finder_class.find(str(root), exclude=exclude) == expected, _tree(root)


@given(spec=trees())
@example(spec=UV_11238)
@example(spec=ISSUE_13_ALIAS)
@example(spec=ISSUE_13_LOOP)
def test_walk_matches_the_model_and_os_walk_when_acyclic(scratch: Path, spec: TreeSpec) -> None:
    """``safe_find.walk``: the model's dirpaths, dirnames and filenames in order, and a report
    for each directory it does not enter; os.walk's when acyclic."""
    check_walk(spec, scratch)


@given(spec=mid_cycle_trees())
def test_walk_of_a_cycle_entered_midway_matches_the_model(scratch: Path, spec: TreeSpec) -> None:
    check_walk(spec, scratch)


def check_walk(spec: TreeSpec, scratch: Path) -> None:
    for root in made(spec, scratch):
        reports: list[safe_find.LinkReport] = []
        walked = safe_walk(str(root), reports)
        reference = model_walk(str(root))
        assert walked == reference.walked, _tree(root)
        assert sorted(report.path for report in reports) == sorted(reference.cut), _tree(root)
        if not reference.cut:
            assert walked == [(p, d, f) for p, d, f in os.walk(str(root), followlinks=True)], _tree(root)


@given(spec=mid_cycle_trees(), namespace=st.booleans())
def test_discovery_of_a_cycle_entered_midway_matches_the_model(scratch: Path, spec: TreeSpec, namespace: bool) -> None:
    for root in made(spec, scratch):
        finder = safe_find.find_namespace_packages if namespace else safe_find.find_packages
        assert finder(str(root), options=Bounded()) == model_find(str(root), namespace).packages, _tree(root)


@given(spec=trees(), namespace=st.booleans())
@example(spec=ONCE_SEEN_AT_LISTING, namespace=False)
@example(spec=ONCE_DEFERRED_PREFIX, namespace=False)
@example(spec=ONCE_REAL_NAME_EXCLUDED, namespace=False)
def test_links_once_never_and_outside_skipped(scratch: Path, spec: TreeSpec, namespace: bool) -> None:
    """``never`` equals the model without links; links leaving the root not followed
    (``outside-links = "skip"``) equal the model that skips them; ``once`` finds each real
    package directory exactly once, under a name whose every prefix is a package, and no
    fewer than ``follow``."""
    for root in made(spec, scratch):
        finder = safe_find.find_namespace_packages if namespace else safe_find.find_packages
        never = finder(str(root), options=Bounded(links="never"))
        assert never == model_find(str(root), namespace, links="never").packages, _tree(root)

        skip = finder(str(root), options=Bounded(boundary=str(root), follow_outside=False))
        assert skip == model_find(str(root), namespace, skip_outside=True).packages, _tree(root)

        once = finder(str(root), options=Bounded(links="once"))
        real = [os.path.realpath(os.path.join(root, *name.split("."))) for name in once]
        assert len(real) == len(set(real)), (once, _tree(root))
        for name in once:
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                package = root.joinpath(*parts[:depth])
                assert package.is_dir(), (name, _tree(root))
                assert "." not in parts[depth - 1]
                if not namespace:
                    assert (package / "__init__.py").is_file(), (name, _tree(root))
        follow = model_find(str(root), namespace).packages
        real_follow = {os.path.realpath(os.path.join(root, *name.split("."))) for name in follow}
        assert set(real) <= real_follow, (once, follow, _tree(root))
        # once names a directory by the path it was first walked under; when that name
        # is always excluded (__pycache__, ez_setup) the directory is walked, not listed.
        if not any(part in ("__pycache__", "ez_setup") for path in spec.dirs for part in path):
            assert set(real) == real_follow, (once, follow, _tree(root))


def _tree(root: Path) -> str:
    """The tree as text, for assertion messages."""
    lines = []
    for path in sorted(root.parent.rglob("*")):
        relative = path.relative_to(root.parent)
        if path.is_symlink():
            lines.append(f"{relative} -> {os.readlink(path)}")
        elif path.is_dir():
            lines.append(f"{relative}/")
        else:
            lines.append(str(relative))
    return "\n".join(lines)


@given(spec=trees())
@example(spec=UV_11238)
def test_distutils_findall_replacement_equals_it_where_no_link_leads_above_the_root(
    scratch: Path, spec: TreeSpec
) -> None:
    """``graft`` and ``global-include`` (distutils' findall, each directory entered once):
    safe-find's findall with ``unique`` gives the same files in the same order wherever no
    directory above the walk's root is reached (distutils enters those once; safe-find
    never does)."""
    from setuptools._distutils.filelist import findall as distutils_findall

    for root in made(spec, scratch):
        ours = safe_find.findall(str(root), options=Bounded(), unique=True)
        above = _above(str(root)) - {_identity(str(root))}
        if not any(_identity(os.path.join(d, n)) in above for d, dirs, _ in os.walk(root) for n in dirs):
            assert ours == distutils_findall(str(root)), _tree(root)
