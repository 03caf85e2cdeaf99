"""Run setuptools' own tests of the walks safe-find replaces, without and with safe-find.

    python3 tools/setuptools_suite.py                          # setuptools 84.2.1, this Python
    python3 tools/setuptools_suite.py --release 84.2.1 --release 61.3.1@python3.9

For each release it downloads setuptools' sdist (the tests ship only there), makes a
virtual environment with setuptools installed from its wheel and the test helpers,
lays the test files (and the helper modules they import) into the installed
``setuptools/tests`` package, runs them once with safe-find uninstalled and once
with safe-find installed for the whole pytest session, and compares the outcome of
every test. The exit status is 1 if any outcome differs (or safe-find protected
nothing, which would make the comparison empty), 2 if the suite could not run.
Nothing of setuptools is kept in this repository: it is fetched at run time.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = Path(__file__).resolve().with_name("setuptools_suite_plugin.py")
DEFAULT_RELEASE = "84.2.1"
DEFAULT_CACHE = ROOT / ".setuptools-suite-cache"  # ".*cache": the tests' copies of the checkout skip it

# The tests of the walks safe-find replaces; a file missing from a release is reported, not run.
TEST_FILES = (
    # package discovery (issue 3)
    "test_find_packages.py",
    "test_config_discovery.py",
    "test_find_py_modules.py",
    # package data, MANIFEST.in, license and data files, findall (issue 4)
    "test_manifest.py",
    "test_glob.py",
    "test_build_py.py",
    "test_sdist.py",
    "test_egg_info.py",
)

# What these files and the helpers they import need, taken from setuptools' own test
# extra. Left out on purpose: linters, coverage plugins, benchmarks and plugins none of
# these files use (pytest-checkdocs/-flake8/-black/-mypy/-ruff/-cov/-enabler/-perf/-home/
# -subprocess/-xdist, jaraco.develop, pip_run, mock).
TEST_REQUIREMENTS = (
    "pytest>=7,!=8.1.*",
    # A test that hangs (a loop safe-find failed to break) fails alone instead of stopping the run.
    "pytest-timeout",
    "jaraco.path>=3.2",
    "jaraco.envs>=2.2",
    "jaraco.test>=5.5",
    "path",
    "filelock>=3.4",
    "build[virtualenv]",
    "virtualenv>=13",
    "wheel",
    "pip>=19.1",
    "ini2toml[lite]",
    "tomli-w",
    "packaging",
    # pytest.ini filters a coverage warning by class; pytest refuses a filter it cannot import.
    "coverage",
    "tomli; python_version < '3.11'",
)

KINDS = ("passed", "failed", "error", "skipped", "xfailed")


class SuiteError(Exception):
    """The suite could not be run (not: a test failed); the message says what to do."""


@dataclass(frozen=True)
class Outcome:
    kind: str
    message: str = ""


Difference = tuple[str, Optional[Outcome], Optional[Outcome]]  # test id, without, with


@dataclass
class Run:
    """One pytest session: its outcomes by test id and what safe-find protected in it."""

    outcomes: dict[str, Outcome]
    protected: list[str]
    unprotected: list[str]
    returncode: int
    log: Path
    seconds: float


@dataclass
class Result:
    layout: Layout
    python: str
    without: Run
    with_: Run
    seconds: float
    differences: list[Difference]


# -- download and lay out -------------------------------------------------------------


def _check(command: Sequence[str], what: str, **kwargs: object) -> None:
    """Run a set-up command; on failure, stop with its output and the command to retry."""
    done = subprocess.run(list(command), capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise SuiteError(
            f"{what} failed (exit {done.returncode}):\n  {' '.join(map(str, command))}\n"
            f"{(done.stdout + done.stderr).strip()[-3000:]}"
        )


def _download(pip: Sequence[str], release: str, into: Path, binary: bool) -> Path:
    """setuptools' sdist (tests inside) or wheel (what gets installed), cached by name."""
    pattern = f"setuptools-{release}-*.whl" if binary else f"setuptools-{release}.tar.gz"
    found = sorted(into.glob(pattern))
    if not found:
        kind = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
        _check(
            [*pip, "download", "-q", "--no-deps", *kind, f"setuptools=={release}", "-d", str(into)],
            f"downloading setuptools {release}",
        )
        found = sorted(into.glob(pattern))
    if not found:
        raise SuiteError(f"pip downloaded no {pattern} into {into}; is setuptools {release} on PyPI?")
    return found[0]


def _module_file(sources: dict[str, bytes], module: str) -> str | None:
    """The sdist member that defines ``module``, if it is one of setuptools' test modules."""
    if module != "setuptools.tests" and not module.startswith("setuptools.tests."):
        return None
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if candidate in sources:
            return candidate
    return None


def _imports(source: bytes, package: str) -> Iterable[str]:
    """Every module name an import statement of ``source`` may load, relative ones resolved."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _pytest_plugins(conftest: bytes) -> list[str]:
    """The modules a conftest names in ``pytest_plugins`` (setuptools loads its fixtures so)."""
    for node in ast.parse(conftest).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytest_plugins" for t in node.targets):
            value = ast.literal_eval(node.value)
            return [value] if isinstance(value, str) else list(value)
    return []


def needed_modules(sources: dict[str, bytes], seeds: Iterable[str]) -> list[str]:
    """The test modules ``seeds`` need: themselves, what they import from setuptools.tests, and
    the ``__init__.py`` of each package on the way."""
    found: set[str] = set()
    todo = list(seeds)
    while todo:
        module = todo.pop()
        path = _module_file(sources, module)
        if path is None or path in found:
            continue
        found.add(path)
        parts = module.split(".")
        todo.extend(".".join(parts[:end]) for end in range(2, len(parts)))
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        todo.extend(_imports(sources[path], package))
    return sorted(found)


@dataclass
class Layout:
    """One release laid out under ``cache/<release>/``: its artifacts, venv and test files."""

    release: str
    home: Path
    sdist: Path
    wheel: Path
    tests: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _read_sdist(sdist: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(files under setuptools/tests, top-level conftest.py and pytest.ini), by relative path."""
    tests: dict[str, bytes] = {}
    top: dict[str, bytes] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            _, _, relative = member.name.partition("/")
            if not member.isfile():
                continue
            if relative.startswith("setuptools/tests/") or relative in ("conftest.py", "pytest.ini"):
                stream = archive.extractfile(member)
                assert stream is not None
                (tests if relative.startswith("setuptools/") else top)[relative] = stream.read()
    if "pytest.ini" not in top:
        raise SuiteError(f"{sdist.name} has no top-level pytest.ini; this tool knows setuptools 61 to 84 only.")
    return tests, top


def _venv(layout: Layout, python: str, requirements: Sequence[str]) -> None:
    """Create the venv once per release, interpreter and requirements; reuse it after."""
    stamp = {"release": layout.release, "python": os.path.realpath(python), "requirements": list(requirements)}
    stamp_file = layout.venv / "setuptools-suite.json"
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return
    shutil.rmtree(layout.venv, ignore_errors=True)
    _check([python, "-m", "venv", str(layout.venv)], f"creating a virtual environment with {python}")
    pip = [str(layout.python), "-m", "pip", "--disable-pip-version-check"]
    _check([*pip, "install", "-q", "--upgrade", "pip"], "upgrading pip")
    _check([*pip, "install", "-q", str(layout.wheel), *requirements], f"installing setuptools {layout.release}")
    stamp_file.write_text(json.dumps(stamp))


def _lay_out_tests(layout: Layout) -> None:
    """Put the test files and the helpers they import into the venv's ``setuptools/tests``,
    and the sdist's conftest.py and pytest.ini into the rootdir above the venv."""
    tests, top = _read_sdist(layout.sdist)
    present = [name for name in TEST_FILES if f"setuptools/tests/{name}" in tests]
    layout.missing = [name for name in TEST_FILES if name not in present]
    seeds = [f"setuptools.tests.{name[:-3]}" for name in present] + _pytest_plugins(top.get("conftest.py", b""))
    if "setuptools/tests/conftest.py" in tests:
        seeds.append("setuptools.tests.conftest")
    code = "import os, setuptools; print(os.path.dirname(os.path.dirname(setuptools.__file__)))"
    done = subprocess.run([str(layout.python), "-c", code], capture_output=True, text=True, check=True)
    site = Path(done.stdout.strip())
    # Only what the sdist gives and the imports need (not the wheel's copy): a module the
    # import scan misses then fails loudly instead of being found by chance.
    shutil.rmtree(site / "setuptools" / "tests", ignore_errors=True)
    for relative in needed_modules(tests, seeds):
        destination = site / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(tests[relative])
    for name, content in top.items():
        (layout.home / name).write_bytes(content)
    shutil.copyfile(PLUGIN, site / PLUGIN.name)
    layout.tests = [site / "setuptools" / "tests" / name for name in present]


@dataclass
class Suite:
    """The options of one invocation, and safe-find's wheel once it is built."""

    cache: Path
    source: Path
    timeout: float
    test_timeout: float
    pytest_args: list[str]
    safe_find: Path | None = None

    def prepare(self, release: str, python: str) -> Layout:
        """Download setuptools, make the venv, build safe-find (once), lay out the tests."""
        downloads = self.cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [python, "-m", "pip", "--disable-pip-version-check"]
        sdist, wheel = (_download(pip, release, downloads, binary) for binary in (False, True))
        layout = Layout(release, self.cache / release, sdist, wheel)
        layout.home.mkdir(exist_ok=True)
        _venv(layout, python, TEST_REQUIREMENTS)
        if self.safe_find is None:
            self.safe_find = self._build_safe_find(layout.python)
        _lay_out_tests(layout)
        return layout

    def _build_safe_find(self, python: Path) -> Path:
        """safe-find's wheel from the source tree, built in isolation: it needs a newer setuptools
        to build (>=77) than the releases under test, so it cannot build inside their venvs."""
        out = self.cache / "safe-find-wheel"
        shutil.rmtree(out, ignore_errors=True)
        with tempfile.TemporaryDirectory() as scratch:
            # Build from a copy: an in-tree build would leave build/ and *.egg-info/ in the checkout.
            copy = Path(scratch) / "safe-find"
            ignore = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__")
            shutil.copytree(self.source, copy, ignore=ignore)
            _check(
                [str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(copy)],
                f"building safe-find's wheel from {self.source}",
            )
        return next(out.glob("safe_find-*.whl"))


# -- run and compare ------------------------------------------------------------------


def _outcome(case: ET.Element) -> Outcome:
    for tag, kind in (("error", "error"), ("failure", "failed")):
        node = case.find(tag)
        if node is not None:
            return Outcome(kind, (node.get("message") or "").splitlines()[0][:160] if node.get("message") else "")
    skipped = case.find("skipped")
    if skipped is not None:
        kind = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        return Outcome(kind, (skipped.get("message") or "")[:160])
    return Outcome("passed")


def read_junit(path: Path) -> dict[str, Outcome]:
    """Outcomes by ``file::class::name`` from a pytest --junitxml report."""
    outcomes: dict[str, Outcome] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module, _, owner = (case.get("classname") or "").partition(".tests.")[2].partition(".")
        key = "::".join(part for part in (f"{module}.py", owner, case.get("name") or "") if part)
        outcome = _outcome(case)
        previous = outcomes.get(key)
        # A test that passed and then errored in teardown is reported twice: keep the worse.
        if previous is None or KINDS.index(outcome.kind) in (1, 2):
            outcomes[key] = outcome
    return outcomes


def run_pytest(suite: Suite, layout: Layout, mode: str) -> Run:
    """One pytest session over the release's tests, from its own pytest.ini and conftest.py."""
    pip = [str(layout.python), "-m", "pip", "--disable-pip-version-check", "-q"]
    if mode == "with":
        _check([*pip, "install", "--no-deps", "--force-reinstall", str(suite.safe_find)], "installing safe-find")
    else:
        _check([*pip, "uninstall", "-y", "safe-find"], "uninstalling safe-find")
    junit, state, log = (layout.home / f"{mode}.{suffix}" for suffix in ("xml", "json", "log"))
    for stale in (junit, state):
        stale.unlink(missing_ok=True)
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "PIP_", "PYTEST_"))}
    environ.update(
        PATH=os.pathsep.join([str(layout.venv / "bin"), environ.get("PATH", "")]),
        VIRTUAL_ENV=str(layout.venv),
        SAFE_FIND_SUITE=mode,
        SAFE_FIND_SUITE_STATE=str(state),
        # setuptools' fixtures build setuptools itself from the rootdir unless handed these.
        PRE_BUILT_SETUPTOOLS_SDIST=str(layout.sdist),
        PRE_BUILT_SETUPTOOLS_WHEEL=str(layout.wheel),
    )
    command = [
        str(layout.python), "-m", "pytest", "-c", str(layout.home / "pytest.ini"), "--rootdir", str(layout.home),
        "-p", "no:cacheprovider", "-p", PLUGIN.stem, f"--junitxml={junit}", "-o", "junit_family=xunit1",
        f"--timeout={suite.test_timeout:g}", "-q", "-rfE", *map(str, layout.tests), *suite.pytest_args,
    ]  # fmt: skip
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen(
            command, cwd=layout.home, env=environ, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            returncode = process.wait(timeout=suite.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SuiteError(
                f"setuptools {layout.release}, {mode} safe-find: pytest ran longer than {suite.timeout:.0f}s and was "
                f"stopped. A test that hangs only with safe-find is a bug in safe-find; see {log}."
            ) from None
    seconds = time.monotonic() - started
    if returncode not in (0, 1) or not junit.exists():
        raise SuiteError(
            f"setuptools {layout.release}, {mode} safe-find: pytest exited with {returncode} "
            f"(not a test failure: collection or usage). The end of {log}:\n"
            + "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        )
    walks = json.loads(state.read_text(encoding="utf-8"))
    return Run(read_junit(junit), walks["protected"], walks["unprotected"], returncode, log, seconds)


def run_release(suite: Suite, release: str, python: str) -> Result:
    """Prepare one release, run its tests without and with safe-find, and compare."""
    started = time.monotonic()
    _progress(f"setuptools {release}: preparing {suite.cache / release} with {python}")
    layout = suite.prepare(release, python)
    _progress(f"setuptools {release}: running {len(layout.tests)} test files without safe-find")
    without = run_pytest(suite, layout, "without")
    _progress(f"setuptools {release}: running them with safe-find")
    with_ = run_pytest(suite, layout, "with")
    version = subprocess.run(
        [str(layout.python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    differences = compare(without.outcomes, with_.outcomes)
    return Result(layout, version, without, with_, time.monotonic() - started, differences)


def _progress(line: str) -> None:
    print(f"setuptools-suite: {line}", file=sys.stderr, flush=True)


def compare(without: dict[str, Outcome], with_: dict[str, Outcome]) -> list[Difference]:
    """The tests whose outcome is not the same in both runs (a test run in only one counts)."""
    differences = []
    for key in sorted(set(without) | set(with_)):
        before, after = without.get(key), with_.get(key)
        if before is None or after is None or before.kind != after.kind:
            differences.append((key, before, after))
    return differences


def _counts(run: Run, name: str) -> str:
    counts = Counter(o.kind for key, o in run.outcomes.items() if key.split("::")[0] == name)
    return " ".join(f"{counts[kind]:>3}" for kind in KINDS)


def report(result: Result) -> str:
    """The summary of one release: per-file counts, differences, failures common to both runs."""
    lines = [
        f"setuptools {result.layout.release} on Python {result.python} ({result.seconds:.0f}s; pytest "
        f"{result.without.seconds:.0f}s without, {result.with_.seconds:.0f}s with safe-find)",
        "  safe-find protected: " + ("; ".join(result.with_.protected) or "NOTHING"),
    ]
    if result.with_.unprotected:
        lines.append("  not protected: " + "; ".join(result.with_.unprotected))
    header = " ".join(f"{k[:4]:>3}" for k in KINDS)
    lines.append(f"  {'file':<26} without: {header}   with: {header}")
    for name in (test.name for test in result.layout.tests):
        lines.append(f"  {name:<26}          {_counts(result.without, name)}         {_counts(result.with_, name)}")
    for name in result.layout.missing:
        lines.append(f"  {name:<26} not in this release")
    both = [
        (key, outcome) for key, outcome in sorted(result.without.outcomes.items())
        if outcome.kind in ("failed", "error") and result.with_.outcomes.get(key, Outcome("")).kind == outcome.kind
    ]  # fmt: skip
    if both:
        lines.append(f"  failing in both runs (not safe-find's doing; see {result.without.log.name}):")
        lines.extend(f"    {outcome.kind}: {key}: {outcome.message}" for key, outcome in both)
    if result.differences:
        lines.append(f"  DIFFERENT OUTCOMES ({len(result.differences)}): a bug in safe-find; see {result.with_.log}")
        for key, before, after in result.differences:
            lines.append(f"    {key}: without {_describe(before)}; with {_describe(after)}")
    else:
        lines.append(f"  same outcome for all {len(result.with_.outcomes)} tests")
    return "\n".join(lines)


def _describe(outcome: Outcome | None) -> str:
    if outcome is None:
        return "not run"
    return f"{outcome.kind} ({outcome.message})" if outcome.message else outcome.kind


def _interpreter(name: str) -> str:
    found = name if os.sep in name else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise SuiteError(f"no Python interpreter {name!r}; pass --python with a path or a command on PATH.")
    return found


def _release(text: str) -> tuple[str, str | None]:
    """``VERSION`` or ``VERSION@PYTHON``: a release and, optionally, the interpreter for its venv."""
    version, _, python = text.partition("@")
    return version, python or None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ours, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="Arguments after -- go to pytest (e.g. -- -k manifest)."
    )
    parser.add_argument(
        "--release",
        action="append",
        type=_release,
        metavar="VERSION[@PYTHON]",
        help=f"setuptools release, and the interpreter for it (repeatable; default {DEFAULT_RELEASE})",
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter for releases without @PYTHON")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="downloads and venvs (default: %(default)s)")
    parser.add_argument("--source", type=Path, default=ROOT, help="safe-find source tree (default: this checkout)")
    parser.add_argument("--test-timeout", type=float, default=300, help="seconds allowed for each test")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for each pytest run")
    args = parser.parse_args(ours)
    started = time.monotonic()
    failed = False
    suite = Suite(args.cache.resolve(), args.source.resolve(), args.timeout, args.test_timeout, pytest_args)
    try:
        for release, python in args.release or [(DEFAULT_RELEASE, None)]:
            result = run_release(suite, release, _interpreter(python or args.python))
            print(report(result), flush=True)
            failed = failed or bool(result.differences) or not result.with_.protected
    except SuiteError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"setuptools-suite: {'FAILED' if failed else 'ok'} in {time.monotonic() - started:.0f}s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
