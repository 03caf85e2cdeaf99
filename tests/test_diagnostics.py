"""What safe-find tells the build log, and how pip, build and uv show it."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest
import setuptools
from helpers import Link, copy_example, make_tree, offline_env, run

from safe_find import ConfigError, LinkError, LinkReport, Settings, patched
from safe_find._plugin import _log_summary, _show_our_errors_plainly
from safe_find._report import Diagnostics, relative, summarize

LOOP1 = LinkReport("/p/src/pkg/sub1/pkg", "..", "loop", "/p/src/pkg")
LOOP2 = LinkReport("/p/src/pkg/sub2/pkg", "..", "loop", "/p/src/pkg")
OUTSIDE = LinkReport("/p/src/pkg/ext", "/elsewhere", "outside", "/p", followed=True)
NEVER = LinkReport("/p/src/pkg/alias", "../other", "never")


def records(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(record.levelno, record.getMessage()) for record in caplog.records if record.name == "safe_find"]


def test_each_link_is_named_once_relative_to_the_project(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="safe_find")
    diagnostics = Diagnostics(Settings(project_root="/p"))
    for report in (LOOP1, LOOP2, LOOP1, LinkReport("src/pkg/sub1/pkg", "..", "loop", "src/pkg")):
        diagnostics.record(report)
    assert records(caplog) == [
        (logging.WARNING, "safe-find: src/pkg/sub1/pkg -> ..: not followed, it loops back to its ancestor src/pkg"),
        (logging.WARNING, "safe-find: src/pkg/sub2/pkg -> ..: not followed, it loops back to its ancestor src/pkg"),
    ]


@pytest.mark.parametrize(
    ("settings", "report", "level"),
    [
        (Settings(), LOOP1, logging.WARNING),
        (Settings(on_loop="ignore"), LOOP1, logging.DEBUG),
        (Settings(), OUTSIDE, logging.WARNING),
        (Settings(outside_links="follow"), OUTSIDE, logging.DEBUG),
        (Settings(outside_links="skip"), OUTSIDE, logging.WARNING),
        (Settings(links="never"), NEVER, logging.INFO),
    ],
)
def test_the_settings_choose_the_level(
    caplog: pytest.LogCaptureFixture, settings: Settings, report: LinkReport, level: int
) -> None:
    caplog.set_level(logging.DEBUG, logger="safe_find")
    Diagnostics(settings).record(report)
    assert records(caplog) == [(level, f"safe-find: {report.describe()}")]


def test_an_error_mode_stop_names_every_fatal_link_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="safe_find")
    diagnostics = Diagnostics(Settings(on_loop="error", project_root="/p", source="/p/pyproject.toml"))
    for report in (LOOP1, OUTSIDE, LOOP2):
        diagnostics.record(report)
    with pytest.raises(
        LinkError, match=r'^safe-find stopped the build in package discovery: on-loop = "error"'
    ) as caught:
        diagnostics.raise_fatal("package discovery")
    error = caught.value
    assert [report.link for report in error.reports] == ["src/pkg/sub1/pkg", "src/pkg/sub2/pkg"]
    assert (error.where, error.source) == ("package discovery", "/p/pyproject.toml")
    assert str(error).splitlines() == [
        'safe-find stopped the build in package discovery: on-loop = "error" in [tool.safe-find] of '
        "/p/pyproject.toml refuses 2 links:",
        "  src/pkg/sub1/pkg -> ..: not followed, it loops back to its ancestor src/pkg",
        "  src/pkg/sub2/pkg -> ..: not followed, it loops back to its ancestor src/pkg",
        'Remove or retarget these links, or choose "warn" for that setting to go on without them.',
    ]
    # Fatal links are named by the error alone; the outside link is logged as usual.
    assert [message for _, message in records(caplog)] == [f"safe-find: {relative(OUTSIDE, '/p').describe()}"]
    diagnostics.raise_fatal("package discovery")  # once raised, the same links do not stop a later walk


def test_summary_counts_what_was_done_and_why() -> None:
    assert summarize([LOOP1, LOOP2]) == "2 directory links not followed (2 looping back to an ancestor)"
    assert summarize([LOOP1, NEVER, OUTSIDE]) == (
        '2 directory links not followed (1 looping back to an ancestor, 1 links = "never"); '
        "1 link leaving the project followed"
    )
    assert summarize([OUTSIDE]) == "1 link leaving the project followed"
    assert Diagnostics(Settings()).summary() is None


def test_summary_is_logged_at_the_end_at_the_level_of_what_it_counts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="safe_find")
    with patched(Settings(on_loop="ignore")) as runtime:
        runtime.diagnostics.record(LOOP1)
        caplog.clear()
        _log_summary()
    assert records(caplog) == [
        (logging.DEBUG, "safe-find: 1 directory link not followed (1 looping back to an ancestor)")
    ]


def test_setuptools_discovery_names_each_loop_once_however_often_it_walks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="safe_find")
    root = make_tree(tmp_path, {"pkg": {"__init__.py": "", "sub": {"__init__.py": "", "pkg": Link("..")}}})
    with patched(Settings(project_root=str(root))):
        for _ in range(3):
            assert setuptools.find_packages(str(root)) == ["pkg", "pkg.sub"]
    assert records(caplog) == [
        (logging.WARNING, "safe-find: pkg/sub/pkg -> ..: not followed, it loops back to its ancestor pkg")
    ]


def test_a_link_or_config_error_ending_the_process_is_printed_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: seen.append(args[1]))
    _show_our_errors_plainly()
    error = LinkError([LOOP1], "package discovery")
    sys.excepthook(LinkError, error, None)
    assert capsys.readouterr().err == f"error: {error}\n"
    config = ConfigError("pyproject.toml", "links", "sometimes", ('"follow"',))
    sys.excepthook(ConfigError, config, None)
    assert capsys.readouterr().err == f"error: {config}\n"
    other = RuntimeError("boom")
    sys.excepthook(RuntimeError, other, None)
    assert seen == [other]


# -- through the real frontends ---------------------------------------------------------

SUMMARY = "safe-find: 2 directory links not followed (2 looping back to an ancestor)"
LINKS = [
    f"safe-find: src/repo_name/{sub}/repo_name -> ..: not followed, it loops back to its ancestor src/repo_name"
    for sub in ("sub1", "sub2")
]
BAD_KEY = (
    '[tool.safe-find] has an unknown key "on_loop". Did you mean "on-loop"? '
    "The keys are: enabled, links, on-loop, outside-links, on-fan-out."
)


def frontend(name: str, venv: Path, project: Path, out: Path) -> list[Any]:
    """A wheel build of ``project`` by ``name``, verbose enough to show the backend's log."""
    return {
        "pip": [venv / "bin/python", "-m", "pip", "wheel", "-v", "--no-deps", "-w", out, project],
        "build": [venv / "bin/python", "-m", "build", "--wheel", "--outdir", out, project],
        "uv": [
            venv / "bin/uv",
            "build",
            "--no-index",
            "-v",
            "--wheel",
            "--python",
            venv / "bin/python",
            "--out-dir",
            out,
            project,
        ],
    }[name]


FRONTENDS = ["pip", "build", "uv"]


@pytest.mark.frontend
@pytest.mark.parametrize("name", FRONTENDS)
def test_build_log_names_each_loop_once_per_backend_run_then_sums_up(
    name: str, tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    project = copy_example("looping-src", tmp_path)
    result = run(frontend(name, frontend_venv, project, tmp_path / "out"), env=offline_env(wheelhouse), timeout=240)
    lines = [line.strip() for line in result.stdout.splitlines()]
    # Each PEP 517 hook runs in a process of its own: each names each link once and sums up once.
    runs = lines.count(SUMMARY)
    assert runs >= 1, result.stdout
    assert [lines.count(line) for line in LINKS] == [runs, runs], result.stdout
    assert 'on-loop = "warn", outside-links = "warn", on-fan-out = "error")' in result.stdout


@pytest.mark.frontend
@pytest.mark.parametrize("name", FRONTENDS)
def test_a_config_error_is_one_clear_message_in_each_frontend(
    name: str, tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    project = copy_example("looping-src", tmp_path)
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.safe-find]\non_loop = "error"\n')
    result = run(frontend(name, frontend_venv, project, tmp_path / "out"), env=offline_env(wheelhouse), check=False)
    assert result.returncode != 0, result.stdout
    message = f"error: {project / 'pyproject.toml'}: {BAD_KEY} Rename or remove it."
    assert [line.strip() for line in result.stdout.splitlines()].count(message) == 1, result.stdout
    assert "Traceback" not in result.stdout, result.stdout


@pytest.mark.frontend
def test_an_error_mode_stop_lists_every_loop_in_one_plain_message(
    tmp_path: Path, wheelhouse: Path, frontend_venv: Path
) -> None:
    project = copy_example("looping-src", tmp_path)
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.safe-find]\non-loop = "error"\n')
    result = run(frontend("build", frontend_venv, project, tmp_path / "out"), env=offline_env(wheelhouse), check=False)
    assert result.returncode != 0, result.stdout
    text = result.stdout
    start = text.index('error: safe-find stopped the build in package discovery: on-loop = "error"')
    stop = text.index('Remove or retarget these links, or choose "warn"', start)
    for link in LINKS:
        assert link.replace("safe-find: ", "  ") in text[start:stop].splitlines(), text
    assert "Traceback" not in text, text
    assert not list((tmp_path / "out").glob("*.whl"))


def test_invalid_toml_gets_setuptools_own_error(tmp_path: Path) -> None:
    """The frontends parse pyproject.toml first and report it themselves; a backend
    called directly reaches setuptools, whose own error must not pass through safe-find."""
    project = make_tree(
        tmp_path / "p", {"pyproject.toml": '[project]\nname = "unterminated\n', "pkg": {"__init__.py": ""}}
    )
    backend = "from setuptools import build_meta; build_meta.get_requires_for_build_wheel()"
    result = run([sys.executable, "-c", backend], cwd=project, check=False, timeout=120)
    assert result.returncode == 1, result.stdout
    frames = [line for line in result.stdout.splitlines() if line.strip().startswith("File ")]
    assert any("setuptools/config/pyprojecttoml.py" in frame for frame in frames), result.stdout
    assert not any("safe_find" in frame for frame in frames), result.stdout
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .endswith("TOMLDecodeError: Illegal character '\\n' (at line 2, column 21)")
    )
