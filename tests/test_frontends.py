"""The looping example through real frontends, offline, against a wheelhouse built by the tests.

Each build must finish and give what stock setuptools gives for the same tree
without its looping links; stock setuptools on the looping tree must hang.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import (
    copy_example,
    make_venv,
    offline_env,
    printed_by,
    run,
    sdist_names,
    wheel_names,
    wheel_packages,
)

pytestmark = pytest.mark.frontend

PACKAGES = ["repo_name", "repo_name.sub1", "repo_name.sub2"]
BUILD_TIMEOUT = 240
HANG_TIMEOUT = 20


def stock_project(tmp_path: Path, *, with_links: bool) -> Path:
    """The looping example as a project that does not list safe-find."""
    project = copy_example("looping-src", tmp_path / ("stock-looping" if with_links else "stock-clean"))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"setuptools>=61", "safe-find"', '"setuptools>=61"'))
    if not with_links:
        for link in project.glob("src/repo_name/*/repo_name"):
            link.unlink()
    return project


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path, frontend_venv: Path) -> dict[str, list[str]]:
    """Wheel and sdist file lists of stock setuptools on the tree without its links."""
    tmp = tmp_path_factory.mktemp("reference")
    project = stock_project(tmp, with_links=False)
    out = tmp / "dist"
    run(
        [frontend_venv / "bin/python", "-m", "build", "--sdist", "--wheel", "--outdir", out, project],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel_names(wheel), "sdist": sdist_names(sdist)}


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    return copy_example("looping-src", tmp_path)


def test_python_m_build_makes_the_same_wheel_and_sdist_as_stock_without_links(
    looping: Path, tmp_path: Path, wheelhouse: Path, frontend_venv: Path, reference: dict[str, list[str]]
) -> None:
    out = tmp_path / "dist"
    result = run(
        [frontend_venv / "bin/python", "-m", "build", "--sdist", "--wheel", "--outdir", out, looping],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    assert wheel_packages(wheel) == PACKAGES, result.stdout
    assert wheel_names(wheel) == reference["wheel"]
    assert sdist_names(sdist) == reference["sdist"]
    # The build log names both links, what they point to and the ancestor they loop back to.
    for sub in ("sub1", "sub2"):
        assert f"src/repo_name/{sub}/repo_name -> ..: not followed, it loops back to its ancestor" in result.stdout


def test_pip_wheel(
    looping: Path, tmp_path: Path, wheelhouse: Path, frontend_venv: Path, reference: dict[str, list[str]]
) -> None:
    run(
        [frontend_venv / "bin/python", "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "out", looping],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = (tmp_path / "out").glob("*.whl")
    assert wheel_names(wheel) == reference["wheel"]


def test_uv_build(
    looping: Path, tmp_path: Path, wheelhouse: Path, frontend_venv: Path, reference: dict[str, list[str]]
) -> None:
    result = run(
        [
            frontend_venv / "bin/uv",
            "build",
            "--no-index",
            "--python",
            frontend_venv / "bin/python",
            "--out-dir",
            tmp_path / "out",
            looping,
        ],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = (tmp_path / "out").glob("*.whl")
    (sdist,) = (tmp_path / "out").glob("*.tar.gz")
    assert wheel_names(wheel) == reference["wheel"], result.stdout
    assert sdist_names(sdist) == reference["sdist"]


def _imports_through_the_links(python: Path, cwd: Path) -> None:
    code = "import repo_name.sub1.repo_name.sub2 as m, repo_name.sub2.test as t; print(m.__name__, t.NAME)"
    assert printed_by(python, code, cwd) == ["repo_name.sub1.repo_name.sub2", "sub2"]


def test_pip_install_editable(looping: Path, tmp_path: Path, wheelhouse: Path) -> None:
    python = make_venv(tmp_path / "venv", with_pip=True)
    run(
        [python, "-m", "pip", "install", "--no-deps", "-e", looping], env=offline_env(wheelhouse), timeout=BUILD_TIMEOUT
    )
    _imports_through_the_links(python, tmp_path)


def test_uv_pip_install_editable(looping: Path, tmp_path: Path, wheelhouse: Path, frontend_venv: Path) -> None:
    python = make_venv(tmp_path / "venv", with_pip=True)
    run(
        [frontend_venv / "bin/uv", "pip", "install", "--no-index", "--python", python, "--no-deps", "-e", looping],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    _imports_through_the_links(python, tmp_path)


def test_uv_sync_the_command_of_the_original_report(
    looping: Path, tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    run(
        [frontend_venv / "bin/uv", "sync", "--no-index", "--python", frontend_venv / "bin/python"],
        cwd=looping,
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    _imports_through_the_links(looping / ".venv" / "bin" / "python", tmp_path)


@pytest.mark.parametrize("example", ["flat-layout", "setup-py"])
def test_other_examples_build_and_skip_their_loop(
    example: str, tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    project = copy_example(example, tmp_path)
    result = run(
        [frontend_venv / "bin/python", "-m", "pip", "wheel", "-v", "--no-deps", "-w", tmp_path / "out", project],
        env=offline_env(wheelhouse),
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = (tmp_path / "out").glob("*.whl")
    expected = {"flat-layout": ["flat_pkg", "flat_pkg.sub"], "setup-py": ["legacy_pkg", "legacy_pkg.sub"]}[example]
    assert wheel_packages(wheel) == expected, result.stdout
    assert "loops back to its ancestor" in result.stdout


def test_stock_setuptools_hangs_on_the_looping_example(tmp_path: Path, wheelhouse: Path, frontend_venv: Path) -> None:
    """Without safe-find the build does not finish: the reason this project exists.

    The same project without the links builds in seconds (the ``reference`` fixture).
    """
    project = stock_project(tmp_path, with_links=True)
    with pytest.raises(subprocess.TimeoutExpired) as hung:
        run(
            [frontend_venv / "bin/python", "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "out", project],
            env=offline_env(wheelhouse),
            timeout=HANG_TIMEOUT,
        )
    assert "Successfully built" not in (hung.value.output or "")
    assert not list((tmp_path / "out").glob("*.whl"))
