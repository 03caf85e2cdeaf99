"""tools/setuptools_suite.py: which test modules it lays out, how it reads and compares outcomes.

The tool itself downloads setuptools and runs its tests (minutes, network); these tests
check its pure parts on small inputs made here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "setuptools_suite.py"


@pytest.fixture(scope="module")
def suite() -> ModuleType:
    spec = importlib.util.spec_from_file_location("setuptools_suite", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_needed_modules_follow_relative_absolute_and_package_imports(suite: ModuleType) -> None:
    sources = {
        "setuptools/tests/__init__.py": b"import sys\n",
        "setuptools/tests/test_a.py": (
            b"from .textwrap import DALS\n"
            b"from . import contexts\n"
            b"from .compat.py39 import os_helper\n"
            b"from setuptools.tests.integration.helpers import run\n"
            b"from setuptools.dist import Distribution\n"
        ),
        "setuptools/tests/textwrap.py": b"import textwrap\n",
        "setuptools/tests/contexts.py": b"from filelock import FileLock\n",
        "setuptools/tests/compat/__init__.py": b"",
        "setuptools/tests/compat/py39.py": b"from ..textwrap import DALS\n",
        "setuptools/tests/integration/__init__.py": b"",
        "setuptools/tests/integration/helpers.py": b"import subprocess\n",
        "setuptools/tests/unused.py": b"",
        "setuptools/tests/test_b.py": b"",
    }
    assert suite.needed_modules(sources, ["setuptools.tests.test_a"]) == [
        "setuptools/tests/__init__.py",
        "setuptools/tests/compat/__init__.py",
        "setuptools/tests/compat/py39.py",
        "setuptools/tests/contexts.py",
        "setuptools/tests/integration/__init__.py",
        "setuptools/tests/integration/helpers.py",
        "setuptools/tests/test_a.py",
        "setuptools/tests/textwrap.py",
    ]


def test_pytest_plugins_of_the_root_conftest(suite: ModuleType) -> None:
    assert suite._pytest_plugins(b"import sys\npytest_plugins = 'setuptools.tests.fixtures'\n") == [
        "setuptools.tests.fixtures"
    ]
    assert suite._pytest_plugins(b"pytest_plugins = ['a', 'b']\n") == ["a", "b"]
    assert suite._pytest_plugins(b"x = 1\n") == []


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_glob" name="test_ok" time="0.1"/>
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_glob.TestX" name="test_fail" time="0.1">
    <failure message="AssertionError: 1 != 2&#10;second line">trace</failure></testcase>
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_glob" name="test_skip" time="0">
    <skipped type="pytest.skip" message="no network">why</skipped></testcase>
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_glob" name="test_xfail" time="0">
    <skipped type="pytest.xfail" message="known"/></testcase>
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_sdist" name="test_teardown" time="0"/>
  <testcase classname="venv.lib.site-packages.setuptools.tests.test_sdist" name="test_teardown" time="0">
    <error message="failed on teardown">trace</error></testcase>
</testsuite></testsuites>
"""


def test_read_junit_keys_kinds_and_the_worse_of_two_reports(suite: ModuleType, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    report.write_text(JUNIT, encoding="utf-8")
    outcomes = suite.read_junit(report)
    assert {key: outcome.kind for key, outcome in outcomes.items()} == {
        "test_glob.py::test_ok": "passed",
        "test_glob.py::TestX::test_fail": "failed",
        "test_glob.py::test_skip": "skipped",
        "test_glob.py::test_xfail": "xfailed",
        "test_sdist.py::test_teardown": "error",
    }
    assert outcomes["test_glob.py::TestX::test_fail"].message == "AssertionError: 1 != 2"


def test_compare_reports_changed_and_one_sided_outcomes(suite: ModuleType) -> None:
    outcome = suite.Outcome
    without = {"a": outcome("passed"), "b": outcome("failed", "x"), "c": outcome("passed"), "d": outcome("skipped")}
    with_ = {"a": outcome("passed"), "b": outcome("failed", "y"), "c": outcome("failed"), "e": outcome("passed")}
    assert [key for key, _, _ in suite.compare(without, with_)] == ["c", "d", "e"]
