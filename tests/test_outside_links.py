"""Links that leave the project: ``data -> /``, ``data -> ~``, ``data -> /etc``.

A link to a real ancestor of the walk's root (``/``, or ``~`` when the project lies
under home) contains the link, so it is a loop: not followed, reported. A link to
anything else outside the project root is followed by default, as setuptools does,
and named in the build log; ``outside-links = "skip"`` does not follow it and
``"error"`` stops the build, naming it.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from helpers import make_tree, offline_env, run
from setuptools import discovery

import safe_find
from safe_find import LinkReport, Settings, _patches

PKG = {"__init__.py": "", "mod.py": "x = 1\n"}


def project(root: Path, links: dict, namespaces: bool = False, table: str = "") -> Path:
    make_tree(root, {"src": {"pkg": {**PKG, "sub": PKG}}})
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools", "safe-find"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "hostile"\nversion = "1.0"\n\n'
        f'[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = {str(namespaces).lower()}\n'
        + (f"\n[tool.safe-find]\n{table}\n" if table else "")
    )
    for name, target in links.items():
        (root / "src" / "pkg" / name).symlink_to(target, target_is_directory=True)
    return root


def find(root: Path, namespace: bool, settings: Settings) -> tuple:
    """setuptools' own finder with safe-find installed as the plugin installs it."""
    finder = discovery.PEP420PackageFinder if namespace else discovery.PackageFinder
    with safe_find.patched(settings) as runtime:
        found = finder.find(str(root / "src"))
    return found, runtime.diagnostics.reports


# -- in-process -----------------------------------------------------------------------------


def test_link_to_the_filesystem_root_is_a_loop(tmp_path: Path) -> None:
    """Namespace discovery, the walk that would take in the whole disk: it never leaves
    the project, and ``pkg/everything -> /`` is reported as a loop back to ``/``."""
    root = project(tmp_path / "proj", {"everything": "/"})
    found, reports = find(root, True, Settings(project_root=str(root)))
    assert found == ["pkg", "pkg.sub"]
    # The build log names links relative to the project root.
    assert reports == [LinkReport("src/pkg/everything", "/", "loop", "/")]
    walked = [d.path for d in safe_find.walk(str(root), boundary=str(root))]
    assert all(path.startswith(str(root)) for path in walked)
    assert len(walked) == 4, walked  # proj, src, pkg, sub


@pytest.mark.parametrize("home_is_ancestor", [True, False], ids=["project-under-home", "home-elsewhere"])
def test_link_to_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home_is_ancestor: bool) -> None:
    """``data -> ~`` (the shell expands ``~`` when the link is made)."""
    home = tmp_path / "home"
    make_tree(home, {"__init__.py": "", "notes": {"__init__.py": "", "todo.txt": "x"}})
    monkeypatch.setenv("HOME", str(home))
    root = project((home if home_is_ancestor else tmp_path) / "proj", {"data": os.path.expanduser("~")})
    link = "src/pkg/data"  # relative to the project root, as the build log names it
    found, reports = find(root, False, Settings(project_root=str(root)))
    if home_is_ancestor:
        assert found == ["pkg", "pkg.sub"]
        assert reports == [LinkReport(link, str(home), "loop", str(home))]
    else:
        assert "pkg.data.notes" in found
        assert reports == [LinkReport(link, str(home), "outside", str(root), followed=True)]
        assert found == _stock(root, False)


def _stock(root: Path, namespace: bool) -> list[str]:
    _patches.uninstall()
    finder = discovery.PEP420PackageFinder if namespace else discovery.PackageFinder
    return finder.find(str(root / "src"))


@pytest.mark.parametrize(
    ("policy", "followed", "fatal"),
    [("warn", True, False), ("follow", True, False), ("skip", False, False), ("error", False, True)],
)
def test_link_to_etc_by_policy(tmp_path: Path, policy: str, followed: bool, fatal: bool) -> None:
    """``pkg/data -> /etc``: by default followed as stock follows it, and named."""
    root = project(tmp_path / "proj", {"data": "/etc"})
    settings = Settings(outside_links=policy, project_root=str(root))
    link = "src/pkg/data"  # relative to the project root, as the build log names it
    expected = LinkReport(link, "/etc", "outside", str(root), followed=followed)
    if fatal:
        with pytest.raises(safe_find.LinkError, match=r"src/pkg/data -> /etc: leads outside the project root"):
            find(root, False, settings)
        return
    found, reports = find(root, False, settings)
    assert reports == [expected]
    assert found == _stock(root, False)


# -- through a real frontend ------------------------------------------------------------------


def build_wheel(frontend_venv: Path, wheelhouse: Path, root: Path, check: bool = True) -> tuple:
    out = root.parent / "dist"
    result = run(
        [frontend_venv / "bin" / "python", "-m", "build", "--wheel", "--outdir", out, root],
        env=offline_env(wheelhouse),
        timeout=300,
        check=check,
    )
    return result, out


def wheel_names(out: Path) -> list[str]:
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return sorted(name for name in archive.namelist() if ".dist-info/" not in name)


@pytest.mark.frontend
def test_build_with_a_link_to_root_finishes(tmp_path: Path, frontend_venv: Path, wheelhouse: Path) -> None:
    """Namespace discovery over ``src/pkg/everything -> /``: stock would walk the whole
    disk (and round /proc); with safe-find the build finishes and says why."""
    root = project(tmp_path / "proj", {"everything": "/"}, namespaces=True)
    result, out = build_wheel(frontend_venv, wheelhouse, root)
    assert "src/pkg/everything -> /: not followed, it loops back to its ancestor /" in result.stdout, result.stdout
    assert wheel_names(out) == ["pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py", "pkg/sub/mod.py"]


@pytest.mark.frontend
def test_build_follows_and_names_a_link_to_etc(tmp_path: Path, frontend_venv: Path, wheelhouse: Path) -> None:
    root = project(tmp_path / "proj", {"data": "/etc"})
    result, out = build_wheel(frontend_venv, wheelhouse, root)
    assert f"src/pkg/data -> /etc: leads outside the project root {root}, followed" in result.stdout, result.stdout
    assert wheel_names(out) == ["pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py", "pkg/sub/mod.py"]


@pytest.mark.frontend
def test_build_fails_on_a_link_to_etc_when_outside_links_is_error(
    tmp_path: Path, frontend_venv: Path, wheelhouse: Path
) -> None:
    root = project(tmp_path / "proj", {"data": "/etc"}, table='outside-links = "error"')
    result, out = build_wheel(frontend_venv, wheelhouse, root, check=False)
    assert result.returncode != 0, result.stdout
    assert "error: safe-find stopped the build in package discovery" in result.stdout, result.stdout
    assert f"src/pkg/data -> /etc: leads outside the project root {root}, not followed" in result.stdout
    assert not list(out.glob("*.whl"))
