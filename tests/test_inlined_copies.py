"""Each piece of code written out on a hot path for speed, pinned to the function it copies.

The walk and the finders run once per directory of a tree, where a call costs more
than the test it makes: three tests, and the count of paths of ``Progress.add``, are
written out there instead of called. Each test here fails if a copy drifts from its
original.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import Link, make_tree
from hypothesis import given
from hypothesis import strategies as st

from safe_find import _fanout, _finders, walk
from safe_find._finders import INIT, _Search, _take_children, is_package, list_packages, name_filter
from safe_find._walk import LinkMode

# -- _take_children's include/exclude test is _Search.accepts ------------------------------


class _Named:
    """What ``_take_children`` reads of a child: its name."""

    def __init__(self, name: str) -> None:
        self.name = name


PATTERNS = ["a", "a.*", "a*", "*b", "*.b", "a?c", "[ab]*", "*", "x.y.z", "*x*"]
NAMES = st.text(alphabet="abcxyz.", min_size=1, max_size=6)


@given(
    exclude=st.lists(st.sampled_from(PATTERNS), max_size=4),
    include=st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=3),
    names=st.lists(st.text(alphabet="abcxyz", min_size=1, max_size=4), max_size=8),
    prefix=st.sampled_from([None, "a", "a.b", "x"]),
)
def test_take_children_filters_as_accepts_does(
    exclude: list[str], include: list[str], names: list[str], prefix: str | None
) -> None:
    search = _Search(name_filter(exclude), name_filter(include), lambda _child, _name: True, ())
    children: list[Any] = [_Named(name) for name in dict.fromkeys(names)]
    found: list[str] = []
    candidates: dict[Any, str] = {}
    _take_children(children, prefix, search, None, found, candidates)
    assert found == [package for package in candidates.values() if search.accepts(package)]
    assert len(candidates) == len(children)


def test_accepts_is_setuptools_filtering() -> None:
    from setuptools.discovery import _Filter

    for exclude in (["a"], ["a.*"], ["*b", "x*"]):
        search = _Search(name_filter(exclude), name_filter(["*"]), is_package, ())
        stock_exclude = _Filter(*exclude)
        for package in ("a", "a.b", "ab", "x", "xb", "c.d"):
            assert search.accepts(package) is not bool(stock_exclude(package)), (exclude, package)


# -- the regular-package finder's __init__.py test is Directory.has_file --------------------


def _every_kind_of_init(root: Path) -> Path:
    """One candidate directory per kind of ``__init__.py`` (and of its absence)."""
    make_tree(root, {"file": {INIT: ""}, "none": {"x.py": ""}, "dir": {INIT: {}}, "target": {"t.txt": ""}})
    for name in ("dangling", "to-file", "to-dir", "fifo", "upper"):
        (root / name).mkdir()
    (root / "dangling" / INIT).symlink_to("missing")
    (root / "to-file" / INIT).symlink_to("../file/__init__.py")
    (root / "to-dir" / INIT).symlink_to("../target", target_is_directory=True)
    os.mkfifo(root / "fifo" / INIT)
    (root / "upper" / "__INIT__.PY").write_text("")
    return root


def test_the_finders_written_out_init_test_is_has_file(tmp_path: Path) -> None:
    """(Directories that cannot be searched or listed: ``test_faults.py``, against stock.)"""
    root = str(_every_kind_of_init(tmp_path / "root"))
    exclude, include = name_filter(()), name_filter(["*"])
    written_out = list_packages(root, exclude, include, is_package)  # decides at the candidate's visit

    def through_has_file(directory: Any, _name: str) -> bool:
        return bool(directory.has_file(INIT))

    called = list_packages(root, exclude, include, through_has_file)  # decides at the parent's visit
    assert written_out == called == ["file", "to-file"]


# -- the walk's written-out push and pop are _Chain.push and pop ------------------------------


@pytest.mark.parametrize(
    "tree",
    [
        {"a": {"b": {"c": {}}, "d": {}}, "e": {}},
        {"a": {"b": {"up": Link("..")}, "alias": Link("../e")}, "e": {"f": {}}},
        {"m": {"d1": {"b": {"t": {"up": Link("../..")}}}}, "alias": Link("m/d1/b")},
        # Two links to one directory in two branches, each a leaf of the walk.
        {"a": {"x": Link("../t")}, "b": {"y": Link("../t")}, "t": {}},
    ],
    ids=["plain", "links", "cycle-entered-midway", "leaf-links"],
)
@pytest.mark.parametrize("links", ["follow", "once"])
def test_the_chain_is_the_path_from_the_root_at_every_visit(
    tree: dict[str, Any], links: LinkMode, tmp_path: Path
) -> None:
    """With ``once`` every directory's identity is known, so every one counts."""
    root = make_tree(tmp_path / "root", tree)
    for directory in walk(str(root), links=links, report=lambda _report: None):
        chain = directory._walk.chain
        assert chain.known <= len(chain.members)
        lineage = []
        node = directory
        while node is not None:
            lineage.append(node)
            node = node.parent
        assert [member.path for member in chain.members] == [node.path for node in lineage[::-1]], directory
        known = chain.members[: chain.known]
        assert all(member._identity is not None for member in known)
        assert chain.ids == {member._identity: member for member in known}
        directory.dirs  # decide, as the finders do  # noqa: B018


def test_a_link_left_behind_is_off_the_chain(tmp_path: Path) -> None:
    """A link to ``t`` walked in one branch is no ancestor in the next: both are walked."""
    root = make_tree(tmp_path / "root", {"a": {"x": Link("../t")}, "b": {"y": Link("../t")}, "t": {}})
    walked = sorted(os.path.relpath(directory.path, root) for directory in walk(str(root)))
    assert walked == sorted(os.path.relpath(path, root) for path, _, _ in os.walk(root, followlinks=True))


def test_the_finders_decide_as_reading_dirs_does(tmp_path: Path) -> None:
    """The finders read ``listed_dirs`` after ``decide_links``, where others read ``dirs``."""
    root = make_tree(tmp_path / "root", {"p": {INIT: "", "q": {INIT: ""}, "l": Link("q"), "up": Link("..")}})
    reports: list[Any] = []
    found = _finders.find_packages(str(root), options=_finders.WalkOptions(report=reports.append))
    assert found == ["p", "p.q", "p.l"]
    assert [os.path.relpath(report.link, root) for report in reports] == ["p/up"]


# -- the listing's written-out count of paths is Progress.add ---------------------------------


def test_the_listings_count_of_paths_is_progress_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each look the listing takes at the counts (a heartbeat due at every one here) comes at
    the count ``Progress.add`` reaches, given each directory's subdirectories in walk order."""
    # 1 + 63 + 32 * k paths: the count lands on 1,024 and 2,048 exactly, where ">=" matters.
    root = make_tree(tmp_path / "tree", {f"a{i}": {f"b{j}": {} for j in range(32)} for i in range(63)})
    monkeypatch.setattr(_fanout, "HEARTBEAT_FIRST", 0.0)
    monkeypatch.setattr(_fanout.time, "monotonic", lambda: 0.0)
    looks: list[int] = []
    subdirectories = [
        len(directory.dirs) for directory in walk(str(root), heartbeat=lambda *beat: looks.append(beat[1]))
    ]
    reference: list[int] = []
    progress = _fanout.Progress(str(root), lambda *beat: reference.append(beat[1]))
    for count in subdirectories:
        if count:
            progress.add(count, str(root))
    assert progress.paths == 1 + 63 + 63 * 32
    assert looks == reference == [1024, 2048]
