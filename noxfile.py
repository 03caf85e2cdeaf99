"""Development sessions: `python3 tools/run.py SESSION` runs them with nothing but python3.

- tests: the default suite (what CI runs first).
- demo: build the looping example with safe-find, then show stock setuptools hang.
- lint: ruff, mypy --strict; check-jsonschema and zizmor on the CI workflow.
- docs: the documentation site, built with warnings as errors.

docs/contributing.md lists them all, and what CI runs.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

DEFAULT_PYTHON = "3.11"
OTHER_PYTHONS = ["3.9", "3.10", "3.12", "3.13"]
TEST_DEPS = ["pytest>=8", "hypothesis>=6.100", "pytest-xdist>=3", "validate-pyproject>=0.16", "build"]


@nox.session(python=DEFAULT_PYTHON)
def tests(session: nox.Session) -> None:
    """The default suite, with the setuptools the project pins for it."""
    session.install("setuptools==84.2.1", "packaging", "wheel", *TEST_DEPS)
    session.install("-e", ".", "--no-build-isolation")
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(name="tests-pythons", python=OTHER_PYTHONS)
def tests_pythons(session: nox.Session) -> None:
    """The suite on the other supported Pythons, with the newest setuptools each one installs.

    setuptools 84 needs Python 3.10; on 3.9 pip picks the newest release that installs there.
    """
    session.install("setuptools", "packaging", "wheel", *TEST_DEPS)
    session.install("-e", ".", "--no-build-isolation")
    session.run(
        "python", "-c", "import setuptools, sys; print('setuptools', setuptools.__version__, 'on', sys.version)"
    )
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def demo(session: nox.Session) -> None:
    """Build examples/looping-src with safe-find, then with stock setuptools (bounded)."""
    session.install("setuptools==84.2.1", "packaging", "wheel", "build")
    session.run("python", "tools/demo.py", *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on the code; on the CI workflow, check-jsonschema (GitHub's
    workflow schema, as its vendored copy has it) and zizmor (offline: the audits that
    need no network)."""
    session.install(
        "ruff==0.17.6",
        "mypy==2.4.1",
        "setuptools==84.2.1",
        "packaging",
        "tomli",
        "types-setuptools",
        "check-jsonschema==0.39.0",
        "zizmor==1.33.1",
    )
    session.run("ruff", "check", "src", "tests", "tools", "benchmarks", "noxfile.py", "setup.py")
    session.run("ruff", "format", "--check", "src", "tests", "tools", "benchmarks", "noxfile.py", "setup.py")
    session.run("mypy")
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml")
    session.run("zizmor", "--offline", ".github/workflows/ci.yml")


@nox.session(python=DEFAULT_PYTHON)
def docs(session: nox.Session) -> None:
    """The documentation (docs/, MkDocs), with warnings as errors, into build/site/."""
    session.install("mkdocs==1.6.1")
    session.run("mkdocs", "build", "--strict")


SETUPTOOLS_SUITE = ["--release", "84.2.1", "--release", "61.3.1@python3.9"]


@nox.session(name="setuptools-suite", python=DEFAULT_PYTHON)
def setuptools_suite(session: nox.Session) -> None:
    """setuptools' own tests of the walks safe-find replaces, without and with it: the newest
    release and the floor (61.3.1 on Python 3.9, the oldest here). Arguments replace both."""
    session.run("python", "tools/setuptools_suite.py", *(session.posargs or SETUPTOOLS_SUITE))


@nox.session(python=DEFAULT_PYTHON)
def matrix(session: nox.Session) -> None:
    """Every supported setuptools release (61 to 84.2.1) on a Python it installs on (3.9 to 3.13).

    The default `tests` session runs one cell of it (setuptools 61 on Python 3.9).
    """
    session.install("setuptools==84.2.1", "packaging", "wheel", *TEST_DEPS)
    session.install("-e", ".", "--no-build-isolation")
    session.run("pytest", "-n", "2", "tests/test_matrix.py", *session.posargs, env={"SAFE_FIND_MATRIX": "full"})


@nox.session(python=DEFAULT_PYTHON)
def bench(session: nox.Session) -> None:
    """The benchmark: discovery and build_wheel against stock setuptools (README, Performance).

    `python3 tools/run.py bench` for the full run; add `-- --quick` for a smoke run.
    """
    session.install("setuptools==84.2.1", "packaging", "wheel")
    session.install("-e", ".", "--no-build-isolation")
    session.run("python", "benchmarks/bench.py", *session.posargs)
