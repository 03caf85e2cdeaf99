"""Nothing lost, nothing written: every PEP 517 hook leaves a looping tree as it was.

Each hook runs as a frontend runs it: in a fresh process, in the project directory,
with ``setuptools.build_meta`` as the backend and safe-find active through its entry
point (installed in this environment). Before and after each hook the test records
every entry of the project and of a directory outside it that a link leads to, without
following links: type, mode, link target, file contents and file mtime. The only
differences allowed are what setuptools writes itself: ``*.egg-info`` and ``build/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

import pytest
from helpers import Link, make_tree, run

Entry = tuple[str, int, str, int]  # kind, mode, link target or content digest, mtime_ns
Snapshot = dict[str, Entry]

HOOKS = [
    ("get_requires_for_build_wheel", []),
    ("get_requires_for_build_editable", []),
    ("prepare_metadata_for_build_wheel", ["{out}"]),
    ("build_sdist", ["{out}"]),
    ("build_wheel", ["{out}"]),
    ("build_editable", ["{out}"]),
]

DRIVER = r"""
import json, sys
import setuptools.build_meta as backend
hook, args = sys.argv[1], sys.argv[2:]
print("HOOK RESULT", json.dumps(getattr(backend, hook)(*args)))
"""


def snapshot(top: Path) -> Snapshot:
    """Every entry below ``top``, links not followed."""
    found: Snapshot = {}
    for path, dirs, files in os.walk(top):  # followlinks=False: a link is listed, not entered
        for name in [os.curdir] if path == str(top) else []:
            found[name] = ("dir", stat.S_IMODE(os.lstat(path).st_mode), "", 0)
        for name in dirs + files:
            full = os.path.join(path, name)
            relative = os.path.relpath(full, top)
            info = os.lstat(full)
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", mode, os.readlink(full), 0)
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = ("dir", mode, "", 0)
            else:
                digest = hashlib.sha256(Path(full).read_bytes()).hexdigest()
                found[relative] = ("file", mode, digest, info.st_mtime_ns)
    return found


def setuptools_own(relative: str) -> bool:
    parts = Path(relative).parts
    return parts[0] == "build" or any(part.endswith(".egg-info") for part in parts)


@pytest.fixture
def looping_project(tmp_path: Path) -> Path:
    shared = make_tree(tmp_path / "shared", {"table.csv": "a,b\n", "deep": {"more.txt": "more"}})
    root = make_tree(
        tmp_path / "proj",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools", "safe-find"]\n'
                'build-backend = "setuptools.build_meta"\n\n'
                '[project]\nname = "repo_name"\nversion = "0.1.0"\n\n'
                '[tool.setuptools.packages.find]\nwhere = ["src"]\n\n'
                '[tool.setuptools.package-data]\nrepo_name = ["*.txt", "data/*"]\n'
            ),
            "README.md": "looping\n",
            "src": {
                "repo_name": {
                    "__init__.py": "",
                    "notes.txt": "notes",
                    "data": {"x.txt": "x"},
                    "sub1": {"__init__.py": "", "repo_name": Link("..")},
                    "sub2": {"__init__.py": "", "repo_name": Link("..")},
                    "shared": Link("../../../shared"),
                    "gone": Link("nowhere"),
                }
            },
        },
    )
    (root / "src" / "repo_name" / "notes.txt").chmod(0o600)
    (root / "src" / "repo_name" / "data").chmod(0o750)
    (root / "src" / "repo_name" / "readme-link.txt").symlink_to("notes.txt")
    (shared / "table.csv").chmod(0o640)
    return root


@pytest.mark.parametrize(("hook", "arguments"), HOOKS, ids=[hook for hook, _ in HOOKS])
def test_hook_leaves_the_tree_as_it_was(looping_project: Path, hook: str, arguments: list) -> None:
    shared = looping_project.parent / "shared"
    out = looping_project.parent / "out"
    out.mkdir()
    before, before_shared = snapshot(looping_project), snapshot(shared)
    result = run(
        [sys.executable, "-c", DRIVER, hook, *[arg.format(out=out) for arg in arguments]],
        cwd=looping_project,
        timeout=120,
    )
    assert "HOOK RESULT" in result.stdout
    # safe-find was there: it met both loops (without it the hook would not return).
    assert "src/repo_name/sub1/repo_name -> ..: not followed" in result.stdout, result.stdout
    after = snapshot(looping_project)
    assert snapshot(shared) == before_shared, "the directory outside the project changed"
    lost = {path: entry for path, entry in before.items() if after.get(path) != entry}
    added = {path: entry for path, entry in after.items() if path not in before and not setuptools_own(path)}
    assert lost == {}, result.stdout
    assert added == {}, result.stdout
    if hook.startswith("build_"):
        (artifact,) = out.iterdir()
        assert artifact.name == json.loads(result.stdout.split("HOOK RESULT", 1)[1].splitlines()[0])


def test_the_snapshot_sees_what_a_careless_hook_would_do(looping_project: Path) -> None:
    """The instrument itself: a write through a link, a mode change, a retargeted link."""
    shared = looping_project.parent / "shared"
    package = looping_project / "src" / "repo_name"
    before, before_shared = snapshot(looping_project), snapshot(shared)
    (package / "shared" / "table.csv").write_text("changed\n")
    assert snapshot(shared) != before_shared
    (package / "data").chmod(0o755)
    (package / "gone").unlink()
    (package / "gone").symlink_to("elsewhere")
    changed = {path for path, entry in snapshot(looping_project).items() if before.get(path) != entry}
    assert changed == {"src/repo_name/data", "src/repo_name/gone"}
