"""Every command the README and the documentation show is run.

A command is a line of a ``console`` block that starts with ``$ ``. The
development commands (``python3 tools/run.py SESSION``) are run by CI or, at a
smaller size, by a named test: ``COVERED`` says which, and is checked against
``.ci/run`` and the tests. Every other block is run here, in a copy of the
examples, and must print exactly the lines the page shows (in any order: a
directory listing's order is the file system's).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, run

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
CI = (REPO / ".ci" / "run").read_text()
SHOWN_ROOT = "/home/me/safe-find"  # where the pages say the checkout is

SUITE_84 = "python3 tools/run.py setuptools-suite -- --release 84.2.1"
# Each development command the pages show, and what runs it: a line of .ci/run, or a
# test (file::name) that runs the session's own script.
COVERED = {
    "python3 tools/run.py tests": "python3 tools/run.py tests",
    "python3 tools/run.py tests-pythons": 'python3 tools/run.py tests-pythons -- -m "not frontend"',
    "python3 tools/run.py tests-newest": '"$sid" run python3.15 tools/run.py tests-newest',
    "python3 tools/run.py lint": "python3 tools/run.py lint",
    "python3 tools/run.py docs": "python3 tools/run.py docs",
    SUITE_84: SUITE_84,
    # 84.2.1 as above; 61.3.1 takes half an hour, by hand (docs/compatibility.md says so).
    "python3 tools/run.py setuptools-suite": SUITE_84,
    "python3 tools/run.py demo": "tests/test_docs.py::test_the_demo_builds_the_looping_example_and_shows_stock_hang",
    # The benchmark at its tiny size (--quick), with --instructions where valgrind is.
    "python3 tools/run.py bench": "tests/test_bench.py::test_benchmark_quick_run",
    "python3 tools/run.py bench -- --quick": "tests/test_bench.py::test_benchmark_quick_run",
    # The default suite runs the matrix's floor cell (setuptools 61.3.1 on Python 3.9).
    "python3 tools/run.py matrix": "tests/test_matrix.py::test_configuration_style_on_release",
}


def _blocks() -> list[tuple[Path, str]]:
    return [(page, block) for page in PAGES for block in BLOCK.findall(page.read_text())]


def _commands(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("$ ")]


def _is_development(command: str) -> bool:
    return command.startswith(("python3 tools/run.py", "python3 tools/setuptools_suite.py"))


def test_every_console_block_shows_commands() -> None:
    blocks = _blocks()
    assert len(blocks) >= 5
    for page, block in blocks:
        assert _commands(block), f"{page.name}: a console block without a $ command:\n{block}"


def test_every_development_command_is_run_by_ci_or_a_test() -> None:
    shown = {command for _, block in _blocks() for command in _commands(block) if _is_development(command)}
    assert shown <= set(COVERED), f"commands no one runs: {sorted(shown - set(COVERED))}"
    for command in shown:
        where = COVERED[command]
        if where.startswith("tests/"):
            path, _, name = where.partition("::")
            assert f"def {name}(" in (REPO / path).read_text(), where
        else:
            assert where in CI.splitlines(), f"{where!r} is not a line of .ci/run"


RUNNABLE = [
    pytest.param(page, block, id=f"{page.name}-{index}")
    for index, (page, block) in enumerate(_blocks())
    if not any(_is_development(command) for command in _commands(block))
]


@pytest.mark.parametrize(("page", "block"), RUNNABLE)
def test_every_other_block_prints_what_the_page_shows(page: Path, block: str, tmp_path: Path) -> None:
    checkout = tmp_path / "safe-find"
    shutil.copytree(REPO / "examples", checkout / "examples")
    # Each command shown, then run; ``$?`` is kept across the echo, for ``echo $?``.
    script = "".join(
        f"status=$?\necho {_quoted('$ ' + command)}\n(exit $status)\n{command}\n" for command in _commands(block)
    )
    bindir = Path(sys.executable).parent  # safe-find's console script, installed with it
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", "-c", script], cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
    printed = (result.stdout + result.stderr).replace(str(checkout), SHOWN_ROOT)
    assert sorted(printed.splitlines()) == sorted(block.splitlines()), f"{page.name}:\n{printed}"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def test_the_readme_reads_in_two_minutes() -> None:
    lines = (REPO / "README.md").read_text().splitlines()
    assert len(lines) <= 120
    first_screen = "\n".join(lines[:30])
    assert "$ python3 tools/run.py demo" in first_screen
    assert "$ python3 tools/run.py tests" in first_screen


@pytest.mark.frontend
def test_the_demo_builds_the_looping_example_and_shows_stock_hang() -> None:
    """``python3 tools/run.py demo`` runs this script (with build installed, as here)."""
    result = run([sys.executable, REPO / "tools" / "demo.py", "--hang-timeout", "5"], timeout=600)
    assert "src/repo_name/sub1/repo_name -> ..: not followed, it loops back to its ancestor" in result.stdout
    assert "repo_name-0.1.0-py3-none-any.whl" in result.stdout
    assert "still running after 5 s: stock setuptools is going round the link loop" in result.stdout
