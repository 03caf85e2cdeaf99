"""One cycle rule for every walk: a directory already on the path is never entered again.

Whatever leads there: a link, a plain subdirectory below a link (a cycle entered in its
middle), a Windows junction, or a mount point. The property tests check the rule on
generated trees; these pin each way in, with the exact report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import setuptools
from helpers import Link, make_tree, run
from setuptools import discovery

import safe_find
from safe_find import LinkReport, WalkOptions, find_namespace_packages, walk
from safe_find import _filesystems as filesystems
from safe_find import _walk as walk_module


def walked(root: Path, **options: Any) -> tuple[list[str], list[LinkReport]]:
    reports: list[LinkReport] = []
    paths = [os.path.relpath(d.path, root) for d in walk(str(root), report=reports.append, **options)]
    return paths, reports


# -- a cycle entered in its middle --------------------------------------------------------

ISSUE_TREE = {
    "d2": {"__init__.py": "", "alias": Link("../mod/d1/b")},
    "mod": {
        "__init__.py": "",
        "d1": {"__init__.py": "", "b": {"__init__.py": "", "tests": {"__init__.py": "", "loop": Link("../..")}}},
        "tests": {"__init__.py": "", "loop": Link("../d1")},
    },
}


def test_a_plain_directory_below_a_link_that_is_its_ancestor_is_not_entered(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", ISSUE_TREE)
    paths, reports = walked(root)
    assert "d2/alias/tests/loop" in paths  # the link into the cycle is followed: its files are walked
    assert "d2/alias/tests/loop/b" not in paths  # where the cycle closes: d2/alias again
    closing = [report for report in reports if report.entry == str(root / "d2/alias/tests/loop/b")]
    assert closing == [
        LinkReport(str(root / "d2/alias/tests/loop"), "../..", "loop", str(root / "d2/alias"), entry=closing[0].entry)
    ]
    assert closing[0].describe() == (
        f"{root}/d2/alias/tests/loop/b: not entered, it is its ancestor {root}/d2/alias again "
        f"(reached through {root}/d2/alias/tests/loop -> ../..)"
    )


def test_the_issue_trees_give_no_package_twice(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "one", ISSUE_TREE)
    found = find_namespace_packages(str(root))
    assert "d2.alias.tests.loop.b" not in found
    assert "d2.alias.tests.loop" in found
    other = make_tree(
        tmp_path / "two",
        {"loop": Link("c/a/c/d2"), "c": {"a": {"c": {"d2": {"l2": Link("../..")}}}}},
    )
    found = find_namespace_packages(str(other))
    assert "loop.l2.c.d2" not in found  # loop again
    assert "loop.l2.c" in found


@pytest.mark.parametrize(
    ("tree", "stat_of"),
    [
        # A link from plain descent: only the link itself is asked of stat.
        ({"a": {"b": {"c": {}}}, "l": Link("a")}, ["l"]),
        # A link below a link, to a real ancestor of the first one's target: every
        # directory below it is checked (alias/t/up/b is alias again).
        (
            {"m": {"d1": {"b": {"t": {"up": Link("../..")}}}}, "alias": Link("m/d1/b")},
            ["alias", "alias/t/up", "alias/t/up/b", "m/d1/b/t/up"],
        ),
    ],
    ids=["alias", "cycle-entered-midway"],
)
def test_stat_is_asked_only_where_a_cycle_can_close(
    tree: dict[str, Any], stat_of: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain descent cannot come back to the path without a mount, nor can plain
    descent below a link, unless that link leads up into the real tree above an
    earlier link's target: no ``stat`` of a directory anywhere else."""
    root = make_tree(tmp_path / "root", tree)
    stats: list[str] = []

    class Counting:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry = entry

        def stat(self, **kwargs: Any) -> os.stat_result:
            stats.append(os.path.relpath(self.entry.path, root))
            return self.entry.stat(**kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.entry, name)

    monkeypatch.setattr(walk_module.os, "scandir", _wrapping(os.scandir, Counting))
    walked(root)
    assert sorted(stats) == stat_of


def _wrapping(scandir: Any, proxy: Any) -> Any:
    class Listing:
        def __init__(self, path: str) -> None:
            self.inner = scandir(path)

        def __iter__(self) -> Iterator[Any]:
            return (proxy(entry) for entry in self.inner)

        def close(self) -> None:
            self.inner.close()

        def __enter__(self) -> Listing:
            return self

        def __exit__(self, *_: object) -> None:
            self.close()

    return Listing


# -- Windows junctions, through the calls the walk makes on Windows ------------------------

REPARSE_MOUNT_POINT = 0xA0000003


class _Junction:
    """A directory entry that reports itself as a junction, as Windows does: not a link.

    The entry is a symbolic link on this file system, so that it leads where a junction
    would; to the walk it answers ``is_symlink()`` False and either ``is_junction()`` True
    (Python 3.12+) or a reparse tag of a mount point (before)."""

    def __init__(self, entry: os.DirEntry[str], modern: bool) -> None:
        self.entry = entry
        self.modern = modern

    def is_symlink(self) -> bool:
        return False if self.entry.name.startswith("j") else self.entry.is_symlink()

    def __getattr__(self, name: str) -> Any:
        if name == "is_junction":
            if not self.modern:
                raise AttributeError(name)
            return lambda: self.entry.name.startswith("j")
        return getattr(self.entry, name)

    def stat(self, *, follow_symlinks: bool = True) -> Any:
        if not follow_symlinks and self.entry.name.startswith("j") and not self.modern:
            return type("Stat", (), {"st_reparse_tag": REPARSE_MOUNT_POINT})()
        return self.entry.stat(follow_symlinks=follow_symlinks)


@pytest.fixture(params=["is_junction", "st_reparse_tag"])
def junctions(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    modern = request.param == "is_junction"
    monkeypatch.setattr(walk_module, "_JUNCTIONS", True)
    monkeypatch.setattr(walk_module.os, "scandir", _wrapping(os.scandir, lambda entry: _Junction(entry, modern)))


@pytest.mark.usefixtures("junctions")
def test_a_junction_into_its_own_ancestry_is_not_entered_and_named_as_a_junction(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"pkg": {"sub": {"jback": Link("..")}, "jside": Link("../other")}, "other": {}})
    paths, reports = walked(root)
    assert sorted(paths) == [".", "other", "pkg", "pkg/jside", "pkg/sub"]
    (loop,) = reports
    assert loop == LinkReport(str(root / "pkg/sub/jback"), "..", "loop", str(root / "pkg"), kind="junction")
    assert loop.describe() == (
        f"{root}/pkg/sub/jback -> .. (a junction): not followed, it loops back to its ancestor {root}/pkg"
    )


@pytest.mark.usefixtures("junctions")
def test_a_cycle_entered_through_a_junction_closes_below_it(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"jx": Link("m/b"), "m": {"b": {"up": Link("..")}}})
    paths, reports = walked(root)
    assert "jx/up" in paths
    assert "jx/up/b" not in paths
    (closing,) = [report for report in reports if report.entry is not None]
    assert closing.link == str(root / "jx/up")
    assert closing.kind == "link"
    assert closing.other == str(root / "jx")


@pytest.mark.usefixtures("junctions")
def test_links_never_leaves_junctions_out_too(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"jside": Link("other"), "other": {"x": {}}})
    paths, reports = walked(root, links="never")
    assert sorted(paths) == [".", "other", "other/x"]
    assert [(r.link, r.reason, r.kind) for r in reports] == [(str(root / "jside"), "never", "junction")]


@pytest.mark.usefixtures("junctions")
def test_a_glob_treats_a_junction_to_a_directory_as_the_walk_does(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"d": {"jloop": Link(".."), "f.txt": ""}})
    reports: list[Any] = []
    found = safe_find.glob(str(root / "d" / "*"), options=WalkOptions(report=reports.append))
    assert found == [str(root / "d" / "f.txt")]
    assert [(r.link, r.kind) for r in reports] == [(str(root / "d" / "jloop"), "junction")]


# -- file systems without inode numbers ------------------------------------------------------


def test_without_inode_numbers_the_resolved_path_identifies_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_tree(tmp_path / "root", {"pkg": {"a": {"back": Link("..")}, "b": {}, "alias": Link("b")}})

    def no_inode(result: os.stat_result) -> os.stat_result:
        return os.stat_result((result.st_mode, 0, *tuple(result)[2:]))

    class Inodeless:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry = entry

        def stat(self, **kwargs: Any) -> os.stat_result:
            return no_inode(self.entry.stat(**kwargs))

        def inode(self) -> int:
            return 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self.entry, name)

    real_stat = os.stat
    monkeypatch.setattr(walk_module.os, "scandir", _wrapping(os.scandir, Inodeless))
    monkeypatch.setattr(walk_module.os, "stat", lambda path, **kw: no_inode(real_stat(path, **kw)))
    paths, reports = walked(root)
    assert sorted(paths) == [".", "pkg", "pkg/a", "pkg/alias", "pkg/b"]
    assert [(os.path.relpath(r.link, root), r.other) for r in reports] == [("pkg/a/back", str(root / "pkg"))]
    assert filesystems.identity_of(no_inode(real_stat(root)), str(root)) == (real_stat(root).st_dev, str(root))


# -- bind mounts, in a user and mount namespace of their own ----------------------------------

MOUNT_CHILD = r"""
import json, os, sys
sys.path[:0] = json.loads(sys.argv[2])
import safe_find
root = sys.argv[1]
reports = []
paths = [os.path.relpath(d.path, root) for d in safe_find.walk(root, report=reports.append)]
print(json.dumps({
    "paths": paths,
    "reports": [[os.path.relpath(r.link, root), r.kind, r.describe()] for r in reports],
    "packages": safe_find.find_namespace_packages(root),
}))
"""


def _unshare() -> str | None:
    """Why a user and mount namespace cannot be made here, or None if it can."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return "no unshare(1) on this system"
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True, text=True)
    return probe.stderr.strip() or f"unshare exited {probe.returncode}" if probe.returncode else None


def _walked_after_mounting(mounts: str, root: Path) -> Any:
    """What ``MOUNT_CHILD`` finds in ``root`` after the shell commands ``mounts``, run in
    a user and mount namespace of their own (skipped where the kernel refuses one)."""
    refused = _unshare()
    if refused is not None:
        pytest.skip(f"the kernel refuses a user and mount namespace: {refused}")
    source = str(Path(safe_find.__file__).parent.parent)
    script = f"{mounts} && exec {sys.executable} -c '{MOUNT_CHILD}' {root} '{json.dumps([source])}'"
    result = run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script], timeout=120)
    return json.loads(result.stdout)


def test_a_bind_mount_loop_is_not_entered_and_named_as_a_mount_point(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"a": {"__init__.py": "", "b": {"__init__.py": "", "c": {}}}})
    found = _walked_after_mounting(f"mount --bind {root / 'a'} {root / 'a' / 'b' / 'c'}", root)
    assert found["paths"] == [".", "a", "a/b"]
    assert found["reports"] == [
        ["a/b/c", "mount", f"{root}/a/b/c (a mount point): not entered, it loops back to its ancestor {root}/a"]
    ]
    assert found["packages"] == ["a", "a.b"]


def test_kernel_file_systems_mounted_in_a_project_are_named_and_not_entered(tmp_path: Path) -> None:
    """/sys and /proc bound into a package, as a container's volume or a chroot has them."""
    root = make_tree(tmp_path / "root", {"pkg": {"__init__.py": "", "sys": {}, "proc": {}, "sub": {"__init__.py": ""}}})
    mounts = f"mount --rbind /sys {root / 'pkg' / 'sys'} && mount --rbind /proc {root / 'pkg' / 'proc'}"
    found = _walked_after_mounting(mounts, root)
    assert sorted(found["paths"]) == [".", "pkg", "pkg/sub"]
    assert sorted(found["reports"]) == [
        ["pkg/proc", "mount", f"{root}/pkg/proc (a mount point): a kernel file system (proc), not entered"],
        ["pkg/sys", "mount", f"{root}/pkg/sys (a mount point): a kernel file system (sysfs), not entered"],
    ]
    assert found["packages"] == ["pkg", "pkg.sub"]


def test_mount_points_are_read_from_the_mount_table_with_its_escapes() -> None:
    assert filesystems.unescape_mount_point(b"/mnt/with\\040space\\011tab\\134back") == b"/mnt/with space\ttab\\back"
    if os.path.exists("/proc/self/mountinfo"):
        assert "proc" in filesystems.mounts().names or "sys" in filesystems.mounts().names


MOUNTINFO = rb"""22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
25 24 0:23 / /dev/shm rw,relatime shared:4 - tmpfs tmpfs rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 master:2 - cgroup cgroup rw,cpu
47 27 254:0 /work /mnt/my\040work rw,relatime - ext4 /dev/vda rw
50 27 0:45 / /mnt/debug rw - debugfs none rw
"""


def test_the_mount_table_gives_the_kernel_file_systems_by_device() -> None:
    mounts = filesystems.parse_mountinfo(MOUNTINFO)
    assert mounts.names == {"proc", "sys", "shm", "cpu", "my work", "debug"}
    assert dict(mounts.kernel) == {
        os.makedev(0, 21): "proc",
        os.makedev(0, 22): "sysfs",
        os.makedev(0, 29): "cgroup",
        os.makedev(0, 45): "debugfs",
    }


@pytest.mark.skipif(not os.path.exists("/proc/self/mountinfo"), reason="Linux: a kernel file system at /proc")
def test_a_link_into_a_kernel_file_system_is_named_and_not_followed(tmp_path: Path) -> None:
    kernel = filesystems.mounts().kernel
    targets = [path for path in ("/proc", "/sys") if os.path.isdir(path) and os.stat(path).st_dev in kernel]
    if not targets:
        pytest.skip(f"neither /proc nor /sys is a kernel file system here: {dict(kernel)}")
    target = targets[0]
    root = make_tree(tmp_path / "root", {"pkg": {"__init__.py": "", "k": Link(target), "sub": {"__init__.py": ""}}})
    paths, reports = walked(root)
    assert sorted(paths) == [".", "pkg", "pkg/sub"]
    kind = kernel[os.stat(target).st_dev]
    assert [r.describe() for r in reports] == [f"{root}/pkg/k -> {target}: a kernel file system ({kind}), not followed"]


# -- code that is not safe-find's, inside a protected walk ------------------------------------


class _Theirs(discovery.PackageFinder):
    @staticmethod
    def _looks_like_package(path: str, _package_name: str) -> bool:
        raise LookupError(f"the project's own test could not decide {os.path.basename(path)}")


def test_what_a_subclass_raises_in_a_protected_walk_is_its_own(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"pkg": {"__init__.py": ""}})
    with safe_find.patched(), pytest.raises(LookupError, match="the project's own test could not decide pkg") as info:
        _Theirs.find(str(root))
    assert not isinstance(info.value, safe_find.SafeFindError)
    with safe_find.patched():  # and the next walk is safe-find's own again
        assert setuptools.find_packages(str(root)) == ["pkg"]


# -- MANIFEST.in graft and global-include (distutils' findall) ------------------------------


def test_global_include_does_not_enter_a_directory_above_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """distutils' findall remembers what it entered from its root, not what lies above it."""
    from setuptools.command.egg_info import FileList

    outer = make_tree(tmp_path / "outer", {"x.txt": "x\n", "proj": {"a.txt": "a\n", "docs": {"up": Link("../..")}}})
    monkeypatch.chdir(outer / "proj")

    def included() -> list[str]:
        files = FileList()
        files.global_include("*.txt")
        return sorted(files.files)

    assert "docs/up/x.txt" in included()  # stock: the directory above, entered once
    reports: list[Any] = []
    with safe_find.patched() as runtime:
        runtime.options.report = reports.append
        assert included() == ["a.txt"]
    assert [(r.link, r.target, r.other) for r in reports] == [("./docs/up", "../..", str(outer))]
