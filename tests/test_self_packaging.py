"""safe-find's own sdist and wheel hold exactly the files they should (pypa/build does the same)."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers import REPO, offline_env, run

pytestmark = pytest.mark.frontend

WHEEL = {
    "safe_find/__init__.py",
    "safe_find/__main__.py",
    "safe_find/_activation.py",
    "safe_find/_check.py",
    "safe_find/_cli.py",
    "safe_find/_config.py",
    "safe_find/_errors.py",
    "safe_find/_fanout.py",
    "safe_find/_filesystems.py",
    "safe_find/_finders.py",
    "safe_find/_glob.py",
    "safe_find/_paths.py",
    "safe_find/_patches.py",
    "safe_find/_plugin.py",
    "safe_find/_report.py",
    "safe_find/_schema.py",
    "safe_find/_startup.py",
    "safe_find/_walk.py",
    "safe_find/build_meta.py",
    "safe_find/py.typed",
    "safe_find/schema.json",
}


def test_wheel_and_sdist_contents(tmp_path: Path, wheelhouse: Path, frontend_venv: Path) -> None:
    out = tmp_path / "dist"
    run([frontend_venv / "bin/python", "-m", "build", "--outdir", out, REPO], env=offline_env(wheelhouse), timeout=300)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    package = {name for name in names if name.startswith("safe_find/")}
    assert package == WHEEL
    # The start-up hook, at the top of the wheel, so that it lands in site-packages.
    start_up = {"safe_find.pth", "safe_find.start"}
    assert start_up <= names
    with zipfile.ZipFile(wheel) as archive:
        for name in start_up:
            assert archive.read(name) == (REPO / "src" / name).read_bytes()
    metadata = {name.split("/", 1)[1] for name in names - package - start_up}
    assert {"METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE", "top_level.txt"} <= metadata
    with tarfile.open(sdist) as archive:
        members = archive.getmembers()
    assert not [m.name for m in members if m.issym() or m.islnk()], "no link may ship in the sdist"
    top = {m.name.split("/", 2)[1] for m in members if m.name.count("/") >= 1}
    expected = {"src", "tests", "examples", "docs", "README.md", "CHANGELOG.md", "LICENSE", "pyproject.toml"}
    assert expected | {"setup.py", "mkdocs.yml"} <= top
    assert any(m.name.endswith("/src/safe_find.pth") for m in members)
    assert any(m.name.endswith("/src/safe_find.start") for m in members)
    assert not {".git", ".nox", "build", "dist"} & top
