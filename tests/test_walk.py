"""The walk: os.walk's order and contents on acyclic trees, and the ancestor rule on loops."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import setuptools
from helpers import Link, make_tree

from safe_find import LinkReport, WalkOptions, find_namespace_packages, find_packages, walk

ACYCLIC = {
    "a": {"__init__.py": "", "b": {"x.py": "", "c": {}}, ".hidden": {"h.txt": ""}},
    "d": {"e": {"f": {"g.txt": ""}}},
    "alias": Link("d/e"),
    "twice": Link("d/e"),
    "dangling": Link("missing"),
    "file.txt": "text",
}


def as_os_walk(top: Path) -> list[tuple[str, list[str], list[str]]]:
    return [(d.path, [c.name for c in d.dirs], sorted(d.files)) for d in walk(str(top))]


def stock_os_walk(top: Path) -> list[tuple[str, list[str], list[str]]]:
    return [(root, dirs, sorted(files)) for root, dirs, files in os.walk(str(top), followlinks=True)]


def test_acyclic_tree_is_walked_exactly_as_os_walk_follows_links(tmp_path: Path) -> None:
    make_tree(tmp_path, ACYCLIC)
    assert as_os_walk(tmp_path) == stock_os_walk(tmp_path)


def test_pruning_dirs_in_place_stops_descent_like_os_walk(tmp_path: Path) -> None:
    make_tree(tmp_path, ACYCLIC)
    seen = []
    for directory in walk(str(tmp_path)):
        seen.append(os.path.relpath(directory.path, tmp_path))
        directory.dirs[:] = [child for child in directory.dirs if child.name != "d"]
    assert "d" not in seen
    assert os.path.join("alias", "f") in seen


@pytest.mark.parametrize(
    ("link", "target", "ancestor"),
    [
        ("pkg/sub/back", "..", "pkg"),
        ("pkg/sub/top", "../..", "."),
        ("pkg/self", ".", "pkg"),
        ("pkg/sub/up", "../../..", ".."),
    ],
)
def test_link_into_its_own_ancestry_is_reported_and_not_followed(
    tmp_path: Path, link: str, target: str, ancestor: str
) -> None:
    root = tmp_path / "root"
    make_tree(root, {"pkg": {"__init__.py": "", "sub": {"__init__.py": ""}}})
    (root / link).symlink_to(target, target_is_directory=True)
    reports: list[LinkReport] = []
    paths = [d.path for d in walk(str(root), report=reports.append)]
    assert str(root / link) not in paths
    assert reports == [
        LinkReport(
            str(root / link),
            target,
            "loop",
            os.path.realpath(root / ancestor) if ancestor == ".." else str(root / ancestor).rstrip("/."),
        )
    ]


def test_two_links_per_level_walk_each_real_directory_once(tmp_path: Path) -> None:
    """The tree of uv issue 11238, which makes stock setuptools walk exponentially."""
    make_tree(
        tmp_path,
        {"repo_name": {"sub1": {"repo_name": Link("..")}, "sub2": {"repo_name": Link("..")}}},
    )
    reports: list[LinkReport] = []
    paths = sorted(os.path.relpath(d.path, tmp_path) for d in walk(str(tmp_path), report=reports.append))
    assert paths == [".", "repo_name", "repo_name/sub1", "repo_name/sub2"]
    assert sorted(r.link for r in reports) == [
        str(tmp_path / "repo_name/sub1/repo_name"),
        str(tmp_path / "repo_name/sub2/repo_name"),
    ]
    assert {r.other for r in reports} == {str(tmp_path / "repo_name")}


def test_links_between_siblings_terminate_with_every_path_walked_once(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a": {"to_b": Link("../b")}, "b": {"to_a": Link("../a")}})
    reports: list[LinkReport] = []
    paths = sorted(os.path.relpath(d.path, tmp_path) for d in walk(str(tmp_path), report=reports.append))
    assert paths == [".", "a", "a/to_b", "b", "b/to_a"]
    assert sorted(os.path.relpath(r.link, tmp_path) for r in reports) == ["a/to_b/to_a", "b/to_a/to_b"]


def test_link_to_filesystem_root_is_a_loop(tmp_path: Path) -> None:
    make_tree(tmp_path, {"pkg": {"root": Link("/")}})
    reports: list[LinkReport] = []
    assert len(list(walk(str(tmp_path), report=reports.append))) == 2
    assert [(r.reason, r.other) for r in reports] == [("loop", "/")]


def test_never_mode_skips_and_names_every_directory_link(tmp_path: Path) -> None:
    make_tree(tmp_path, ACYCLIC)
    reports: list[LinkReport] = []
    paths = {os.path.relpath(d.path, tmp_path) for d in walk(str(tmp_path), links="never", report=reports.append)}
    assert not {"alias", "twice"} & paths
    assert sorted((os.path.basename(r.link), r.reason) for r in reports) == [("alias", "never"), ("twice", "never")]


def test_once_mode_keeps_the_real_path_and_names_the_repeats(tmp_path: Path) -> None:
    # "alias" sorts and is listed (on most file systems) before "d"; the real path must win anyway.
    root = make_tree(tmp_path / "root", {"alias": Link("d/e"), "d": {"e": {"f": {}}}, "z": Link("../elsewhere")})
    make_tree(tmp_path / "elsewhere", {"inner": {}})
    reports: list[LinkReport] = []
    paths = [os.path.relpath(d.path, root) for d in walk(str(root), links="once", report=reports.append)]
    assert "d/e" in paths
    assert "d/e/f" in paths
    assert not any(p.startswith("alias") for p in paths)
    assert [(os.path.basename(r.link), r.reason, os.path.relpath(str(r.other), root)) for r in reports] == [
        ("alias", "repeat", "d/e")
    ]
    # A directory reached only through a link is still walked, once.
    assert paths.count("z/inner") == 1


def test_once_mode_does_not_enter_below_a_link_what_an_earlier_link_walked(tmp_path: Path) -> None:
    """A link walked last leads to a directory not walked yet, whose plain subdirectory
    an earlier link walked: that subdirectory is not entered a second time. (Links are
    walked in the order their directories were: the root's ``m`` before ``c/l``.)"""
    root = make_tree(tmp_path / "root", {"m": Link("../ext/b/y"), "c": {"l": Link("../../ext/b")}})
    make_tree(tmp_path / "ext", {"b": {"y": {"f.txt": ""}}})
    paths = [os.path.relpath(d.path, root) for d in walk(str(root), links="once")]
    # A link walked last comes as a second visit of its parent: "." and "c" twice.
    assert sorted(paths) == [".", ".", "c", "c", "c/l", "m"]


def test_links_leaving_the_boundary_are_named_and_followed_or_skipped(tmp_path: Path) -> None:
    outside = make_tree(tmp_path / "outside", {"secret": {"key.txt": ""}})
    project = make_tree(tmp_path / "project", {"pkg": {"data": Link(str(outside))}})
    for follow in (True, False):
        reports: list[LinkReport] = []
        paths = [
            d.path for d in walk(str(project), boundary=str(project), follow_outside=follow, report=reports.append)
        ]
        assert (str(project / "pkg/data/secret") in paths) is follow
        assert [(r.reason, r.followed, r.other) for r in reports] == [("outside", follow, str(project))]


def test_unreadable_root_yields_nothing(tmp_path: Path) -> None:
    assert list(walk(str(tmp_path / "missing"))) == []


def test_report_describes_link_target_and_ancestor() -> None:
    report = LinkReport("src/p/sub/p", "..", "loop", "src/p")
    assert report.describe() == "src/p/sub/p -> ..: not followed, it loops back to its ancestor src/p"


# -- what a listing proves ---------------------------------------------------------------------


def test_a_directory_looked_into_but_never_walked_names_none_of_its_links(tmp_path: Path) -> None:
    """``find_packages`` lists each candidate to see its ``__init__.py``. ``data`` is no
    package, so neither stock nor safe-find walks it: its links are none of the build's
    business, and naming them (or failing on them with ``on-loop = "error"``) would be wrong."""
    make_tree(tmp_path, {"pkg": {"__init__.py": "", "data": {"x.txt": "", "loop": Link(".."), "root": Link("/")}}})
    reports: list[LinkReport] = []
    found = find_packages(str(tmp_path), options=WalkOptions(report=reports.append))
    assert found == setuptools.find_packages(str(tmp_path)) == ["pkg"]
    assert reports == []
    # Walked, the same directory names both.
    find_namespace_packages(str(tmp_path), options=WalkOptions(report=reports.append))
    assert sorted(os.path.basename(report.link) for report in reports) == ["loop", "root"]


@pytest.mark.parametrize("vouch_for_files", [True, False])
def test_has_file_answers_as_isfile_for_every_kind_of_entry(tmp_path: Path, vouch_for_files: bool) -> None:
    make_tree(
        tmp_path,
        {
            "d": {
                "file.py": "",
                "to_file": Link("file.py"),
                "dangling": Link("missing"),
                "sub": {},
                "to_sub": Link("sub"),
                "loop": Link(".."),
                "self": Link("self"),
            }
        },
    )
    os.mkfifo(tmp_path / "d" / "fifo")
    names = [*os.listdir(tmp_path / "d"), "missing", "FILE.PY", "sub/x", ""]
    (directory,) = (d for d in walk(str(tmp_path), vouch_for_files=vouch_for_files) if d.name == "d")
    for name in names:
        assert directory.has_file(name) == os.path.isfile(os.path.join(directory.path, name)), name


def test_a_name_missing_from_the_listing_but_listed_in_other_case_is_asked_of_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a case-insensitive file system (vfat, ext4 casefold, on Linux too) ``isfile``
    finds ``__INIT__.PY`` by the name ``__init__.py``; the listing alone would not."""
    make_tree(tmp_path, {"upper": {"__INIT__.PY": ""}, "none": {"mod.py": ""}})
    asked: list[str] = []
    isfile = os.path.isfile

    def spy(path: str) -> bool:
        asked.append(os.path.basename(os.path.dirname(path)))
        return isfile(path)

    monkeypatch.setattr(os.path, "isfile", spy)
    by_name = {d.name: d for d in walk(str(tmp_path))}
    assert not by_name["upper"].has_file("__init__.py")
    assert not by_name["none"].has_file("__init__.py")
    assert asked == ["upper"]


def test_prune_leaves_a_directory_unwalked_and_its_links_undecided(tmp_path: Path) -> None:
    """``prune`` is for a caller that looked only at a directory's files: nothing below
    it is walked and none of its links is named. ``dirs[:] = []`` decides them first."""
    make_tree(tmp_path, {"looked": {"x.txt": "", "sub": {}, "loop": Link("..")}, "cleared": {"loop": Link("..")}})
    reports: list[LinkReport] = []
    seen = []
    for directory in walk(str(tmp_path), report=reports.append):
        seen.append(os.path.relpath(directory.path, tmp_path))
        if directory.name == "looked":
            assert directory.files == ["x.txt"]
            directory.prune()
        elif directory.name == "cleared":
            directory.dirs[:] = []
    assert sorted(seen) == [".", "cleared", "looked"]
    assert [os.path.relpath(report.link, tmp_path) for report in reports] == [os.path.join("cleared", "loop")]


def test_a_link_back_to_its_parent_costs_no_stat_of_the_directory_holding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ancestors on the chain answer ``back -> ..``; the directory that holds the link
    is asked for its identity only when no ancestor matches (a link to itself)."""
    make_tree(tmp_path, {"pkg": {"__init__.py": "", "leaf": {"__init__.py": "", "back": Link("..")}}})
    stat = os.stat
    asked: list[str] = []

    def spy(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        asked.append(os.fspath(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    reports: list[LinkReport] = []
    assert find_packages(str(tmp_path), options=WalkOptions(report=reports.append)) == ["pkg", "pkg.leaf"]
    assert [report.reason for report in reports] == ["loop"]
    assert str(tmp_path / "pkg" / "leaf") not in asked, asked
