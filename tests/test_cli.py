"""``safe-find check``: its report and exit status on looping, clean and misconfigured projects."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import Link, make_tree, run

from safe_find import _patches
from safe_find._cli import main

PYPROJECT = '[project]\nname = "demo"\nversion = "1"\n'
FIND_SRC = '\n[tool.setuptools.packages.find]\nwhere = ["src"]\n'


def project(root: Path, table: str = "", *, loops: bool = True, extra: str = FIND_SRC) -> Path:
    """The tree of the looping example (src/repo_name/sub{1,2}/repo_name -> ..), optionally without its links."""
    package: dict[str, Any] = {"__init__.py": "", "sub1": {"__init__.py": ""}, "sub2": {"__init__.py": ""}}
    if loops:
        package["sub1"]["repo_name"] = Link("..")
        package["sub2"]["repo_name"] = Link("..")
    return make_tree(root, {"pyproject.toml": PYPROJECT + extra + table, "src": {"repo_name": package}})


def check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["check", *args], out=out)
    return code, out.getvalue()


def check_json(path: Path) -> tuple[int, dict[str, Any]]:
    code, text = check(str(path), "--json")
    return code, json.loads(text)


LOOP_LINES = [
    "  warning: src/repo_name/sub1/repo_name -> ..: not followed, it loops back to its ancestor src/repo_name",
    "  warning: src/repo_name/sub2/repo_name -> ..: not followed, it loops back to its ancestor src/repo_name",
]


def test_looping_project_text_report_and_exit_1(tmp_path: Path) -> None:
    root = project(tmp_path / "looping")
    code, text = check(str(root))
    assert code == 1, text
    assert text.splitlines() == [
        f"safe-find check {root}",
        'settings: links = "follow", on-loop = "warn", outside-links = "warn", on-fan-out = "error" '
        f"({root / 'pyproject.toml'})",
        "link loops: 2",
        *LOOP_LINES,
        "links leaving the project: 0",
        "packages the build will find from [tool.setuptools.packages.find] in pyproject.toml: 3",
        "  repo_name",
        *sorted(["  repo_name.sub1", "  repo_name.sub2"], key=text.index),
        "2 links to fix: the build will warn about them. "
        'Remove or retarget them, or accept them with on-loop = "ignore" in [tool.safe-find].',
    ]


def test_looping_project_json_report(tmp_path: Path) -> None:
    root = project(tmp_path / "looping")
    code, report = check_json(root)
    assert code == 1
    assert report["project"] == str(root)
    assert report["settings"] == {
        "enabled": True,
        "links": "follow",
        "on-loop": "warn",
        "outside-links": "warn",
        "on-fan-out": "error",
        "source": str(root / "pyproject.toml"),
    }
    assert report["links"] == [
        {
            "link": f"src/repo_name/{sub}/repo_name",
            "target": "..",
            "reason": "loop",
            "other": "src/repo_name",
            "followed": False,
            "entry": None,
            "kind": "link",
            "severity": "warning",
        }
        for sub in ("sub1", "sub2")
    ]
    assert report["problems"] == 2
    assert sorted(report["packages"]) == ["repo_name", "repo_name.sub1", "repo_name.sub2"]
    assert report["package_dir"] == {"": "src"}


def test_clean_project_exits_0(tmp_path: Path) -> None:
    root = project(tmp_path / "clean", loops=False)
    code, text = check(str(root))
    assert code == 0, text
    assert "link loops: 0\nlinks leaving the project: 0\n" in text
    assert text.endswith("ok: no link loops or links leaving the project that the build would warn about.\n")
    code, report = check_json(root)
    assert (code, report["links"], report["problems"]) == (0, [], 0)


def test_default_path_is_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path / "here")
    monkeypatch.chdir(root)
    code, text = check()
    assert code == 1
    assert text.startswith(f"safe-find check {root}\n")


def test_check_leaves_setuptools_and_the_working_directory_as_they_were(tmp_path: Path) -> None:
    root = project(tmp_path / "looping")
    before = os.getcwd()
    check(str(root))
    assert os.getcwd() == before
    assert not _patches.installed()


@pytest.mark.parametrize(
    ("table", "code", "severity", "verdict"),
    [
        ('[tool.safe-find]\non-loop = "ignore"\n', 0, "accepted", "ok: "),
        ('[tool.safe-find]\non-loop = "error"\n', 1, "error", "2 links to fix: the build will stop on 2 of them."),
        ('[tool.safe-find]\nlinks = "never"\n', 1, "warning", "2 links to fix: the build will warn about them."),
        ('[tool.safe-find]\nlinks = "once"\n', 1, "warning", "2 links to fix: the build will warn about them."),
    ],
    ids=["ignore", "error", "never", "once"],
)
def test_on_loop_and_links_decide_what_counts(
    tmp_path: Path, table: str, code: int, severity: str, verdict: str
) -> None:
    root = project(tmp_path / "p", "\n" + table)
    result, text = check(str(root))
    assert result == code, text
    for line in LOOP_LINES:
        assert line.replace("warning:", f"{severity}:") in text
    assert verdict in text.splitlines()[-1]


def test_enabled_false_makes_loops_errors_because_setuptools_would_hang(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "\n[tool.safe-find]\nenabled = false\n")
    code, text = check(str(root))
    assert code == 1, text
    assert f"settings: enabled = false ({root / 'pyproject.toml'})" in text
    assert LOOP_LINES[0].replace("warning:", "error:") in text
    assert "note: safe-find is disabled (enabled = false): setuptools' own walks run, and never finish" in text
    assert text.splitlines()[-1] == "2 links to fix: setuptools will hang on 2 of them. Remove or retarget them."
    # The packages are still found: the check itself never walks without the cycle rule.
    assert "  repo_name.sub1" in text


@pytest.mark.parametrize(
    ("policy", "code", "severity", "followed"),
    [
        ("warn", 1, "warning", True),
        ("follow", 0, "accepted", True),
        ("skip", 1, "warning", False),
        ("error", 1, "error", False),
    ],
)
def test_links_leaving_the_project(tmp_path: Path, policy: str, code: int, severity: str, followed: bool) -> None:
    make_tree(tmp_path / "elsewhere", {"shared": {"__init__.py": ""}})
    root = project(tmp_path / "p", f'\n[tool.safe-find]\noutside-links = "{policy}"\n', loops=False)
    (root / "src" / "repo_name" / "shared").symlink_to(tmp_path / "elsewhere" / "shared", target_is_directory=True)
    result, report = check_json(root)
    assert result == code, report
    assert report["links"] == [
        {
            "link": "src/repo_name/shared",
            "target": str(tmp_path / "elsewhere" / "shared"),
            "reason": "outside",
            "other": str(root),
            "followed": followed,
            "entry": None,
            "kind": "link",
            "severity": severity,
        }
    ]
    assert ("repo_name.shared" in report["packages"]) is followed
    result, text = check(str(root))
    assert f"links leaving the project: 1\n  {severity}: src/repo_name/shared -> " in text


def test_automatic_discovery_of_a_flat_layout_and_a_loop_outside_the_packages(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path / "flat",
        {
            "pyproject.toml": PYPROJECT,
            "flat_pkg": {"__init__.py": "", "sub": {"__init__.py": "", "up": Link("..")}},
            "docs": {"again": Link("..")},
        },
    )
    code, report = check_json(root)
    assert code == 1
    assert report["discovery"] == "automatic discovery"
    assert report["packages"] == ["flat_pkg", "flat_pkg.sub"]
    assert [(link["link"], link["other"]) for link in report["links"]] == [
        ("docs/again", "."),
        ("flat_pkg/sub/up", "flat_pkg"),
    ]


def test_tool_directories_and_virtual_environments_are_not_walked(tmp_path: Path) -> None:
    root = project(tmp_path / "p", loops=False)
    make_tree(root, {".git": {"loop": Link("..")}, "env": {"pyvenv.cfg": "", "loop": Link("..")}})
    code, text = check(str(root))
    assert code == 0, text


def test_setup_py_is_not_run_and_the_report_says_so(tmp_path: Path) -> None:
    root = project(tmp_path / "p", loops=False)
    (root / "setup.py").write_text("raise SystemExit('setup.py must not run')\n")
    code, text = check(str(root))
    assert code == 0, text
    assert "note: setup.py is not run: packages it passes to setup() are not listed here (a find_packages() " in text


# -- errors: exit 2 -------------------------------------------------------------------


def test_misconfigured_project_exits_2_with_the_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path / "p", '\n[tool.safe-find]\non_loop = "error"\n')
    code, text = check(str(root))
    assert (code, text) == (2, "")
    assert capsys.readouterr().err == (
        f'safe-find: error: {root / "pyproject.toml"}: [tool.safe-find] has an unknown key "on_loop". '
        'Did you mean "on-loop"? The keys are: enabled, links, on-loop, outside-links, on-fan-out. '
        "Rename or remove it.\n"
    )


def test_misconfigured_project_json_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p", '\n[tool.safe-find]\nlinks = "folow"\n')
    code, report = check_json(root)
    assert code == 2
    error = report["error"]
    assert (error["file"], error["key"], error["value"]) == (str(root / "pyproject.toml"), "links", "folow")
    assert error["allowed"] == ['"follow"', '"once"', '"never"']
    assert 'Did you mean "follow"?' in error["message"]


def test_invalid_toml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path / "p", {"pyproject.toml": '[project]\nname = "unterminated\n'})
    code, _ = check(str(root))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"safe-find: error: {root / 'pyproject.toml'}: not valid TOML: ")
    assert "(at line 2, column 21)" in err


def test_setuptools_configuration_errors_exit_2_with_setuptools_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path / "p", loops=False, extra='\n[tool.setuptools]\npackages-typo = ["x"]\n')
    code, _ = check(str(root))
    assert code == 2
    err = capsys.readouterr().err
    assert (
        "setuptools cannot read this project's configuration: invalid pyproject.toml config: `tool.setuptools`" in err
    )
    assert "packages-typo" in err


def test_flat_layout_with_several_top_level_packages_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(
        tmp_path / "p", {"pyproject.toml": PYPROJECT, "one": {"__init__.py": ""}, "two": {"__init__.py": ""}}
    )
    code, _ = check(str(root))
    assert code == 2
    assert "Multiple top-level packages discovered in a flat-layout: ['one', 'two']" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "problem"), [(False, "not a directory"), (True, "no pyproject.toml, setup.py or setup.cfg")]
)
def test_not_a_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: bool, problem: str) -> None:
    path = tmp_path / "nothing"
    if make:
        path.mkdir()
    code, _ = check(str(path))
    assert code == 2
    assert capsys.readouterr().err.startswith(f"safe-find: error: {path}: {problem}")


@pytest.mark.parametrize("argv", [[], ["check", "--bogus"], ["lint"]], ids=["no-command", "bad-option", "bad-command"])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage: safe-find" in capsys.readouterr().err


# -- the installed command --------------------------------------------------------------


@pytest.mark.parametrize("command", [["safe-find"], ["-m", "safe_find"]], ids=["console-script", "python-m"])
def test_the_installed_command(tmp_path: Path, command: list[str]) -> None:
    root = project(tmp_path / "looping")
    program = (
        [str(Path(sys.executable).with_name(command[0]))] if command == ["safe-find"] else [sys.executable, *command]
    )
    result = run([*program, "check", root], check=False, timeout=120)
    assert result.returncode == 1, result.stdout
    assert LOOP_LINES[0] in result.stdout.splitlines()


def test_pre_commit_hook_runs_the_installed_command() -> None:
    from helpers import REPO

    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: safe-find-check\n" in text
    assert "  entry: safe-find check\n" in text
    assert "  language: python\n" in text
    assert "  pass_filenames: false\n" in text
    assert 'safe-find = "safe_find._cli:main"' in (REPO / "pyproject.toml").read_text()
