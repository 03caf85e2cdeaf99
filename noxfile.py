"""Development sessions: `python3 tools/run.py SESSION` runs them with nothing but python3.

- tests: the default suite (what CI runs first), on the Python that runs nox.
- demo: build the looping example with safe-find, then show stock setuptools hang, on that Python too.
- lint: ruff, mypy --strict; check-jsonschema and zizmor on the CI workflow.
- docs: the documentation site, built with warnings as errors.

docs/contributing.md lists them all, and what CI runs.
"""

from __future__ import annotations

import sys

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

DEFAULT_PYTHON = "3.11"  # lint, docs and setuptools-suite
OTHER_PYTHONS = ["3.9", "3.10", "3.12", "3.13"]
NEWEST_PYTHONS = ["3.14", "3.15"]
TEST_DEPS = ["pytest>=8", "hypothesis>=6.100", "pytest-xdist>=3", "validate-pyproject>=0.16", "build"]
SETUPTOOLS = "setuptools==84.2.1"  # the release the default suite pins
# setuptools 84 needs Python 3.10: on 3.9 pip picks the newest release that installs there.
SETUPTOOLS_HERE = SETUPTOOLS if sys.version_info >= (3, 10) else "setuptools"
# The lean run of the newest Pythons: the frontend builds of the looping example (the
# project of the original report), of the setup.cfg style, and the start-up hook (PEP 829).
NEWEST_FRONTENDS = [
    "tests/test_frontends.py",
    "tests/test_startup.py",
    "tests/test_config_styles.py",
    "-k",
    "not test_config_styles or (setup-cfg-find and not namespace and not setup-py)",
]


# No python=: these run on the Python that runs nox, which tools/run.py makes from the
# python3 that runs it (any of 3.9 to 3.15), so the README's two commands need no other.
@nox.session
def tests(session: nox.Session) -> None:
    """The default suite, with the setuptools the project pins for it where it installs."""
    _install_for_tests(session, SETUPTOOLS_HERE)
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(name="tests-pythons", python=OTHER_PYTHONS)
def tests_pythons(session: nox.Session) -> None:
    """The suite on the other supported Pythons, with the newest setuptools each one installs."""
    _install_for_tests(session, "setuptools")
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(name="tests-newest", python=NEWEST_PYTHONS)
def tests_newest(session: nox.Session) -> None:
    """Python 3.14 and 3.15, with the newest setuptools: the suite without the frontend
    builds, then those of the looping example and the setup.cfg style, and the start-up
    hook (on 3.15 through its .start file). Arguments go to both pytest runs."""
    _install_for_tests(session, "setuptools")
    session.run("pytest", "-n", "2", "-m", "not frontend", *session.posargs)
    session.run("pytest", "-n", "2", *NEWEST_FRONTENDS, *session.posargs)


def _install_for_tests(session: nox.Session, setuptools: str) -> None:
    session.install(setuptools, "packaging", "wheel", *TEST_DEPS)
    session.install("-e", ".", "--no-build-isolation")
    session.run(
        "python", "-c", "import setuptools, sys; print('setuptools', setuptools.__version__, 'on', sys.version)"
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Build examples/looping-src with safe-find, then with stock setuptools (bounded)."""
    session.install(SETUPTOOLS_HERE, "packaging", "wheel", "build")
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


@nox.session
def matrix(session: nox.Session) -> None:
    """Every supported setuptools release (61 to 84.2.1) on a Python it installs on (3.9 to 3.15),
    each found on PATH; pytest runs on the Python that runs nox.

    The default `tests` session runs one cell of it (setuptools 61 on Python 3.9).
    """
    _install_for_tests(session, SETUPTOOLS_HERE)
    session.run("pytest", "-n", "2", "tests/test_matrix.py", *session.posargs, env={"SAFE_FIND_MATRIX": "full"})


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark: discovery and build_wheel against stock setuptools (README, Performance),
    on the Python that runs nox.

    `python3 tools/run.py bench` for the full run; add `-- --quick` for a smoke run.
    """
    session.install(SETUPTOOLS_HERE, "packaging", "wheel")
    session.install("-e", ".", "--no-build-isolation")
    session.run("python", "benchmarks/bench.py", *session.posargs)
