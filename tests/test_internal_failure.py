"""Never worse than without it: when safe-find itself fails, the build says so and how to go on.

The faults are injected without touching safe-find's code or adding a switch to it:
its only channel to a build is the standard ``safe_find`` logger, and a logging filter
that raises runs inside the call that logs. A project's ``setup.py`` installs such a
filter before calling ``setup()``, so the exception rises inside safe-find's walk (when
it reports a loop) or inside its setuptools hook (when it logs its installation).
In-process, the hook's ``dist`` argument and ``Runtime.guard``'s ``run`` argument are
the seams.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import setuptools
from helpers import Link, make_tree, offline_env, run

import safe_find
from safe_find import ConfigError, InternalError, Settings, _patches, _plugin

SWITCH_OFF = (
    "This is a bug in safe-find; please report it. To build without safe-find, set `enabled = false` "
    "under [tool.safe-find] in pyproject.toml, or SAFE_FIND_DISABLE=1 in the environment, or remove it "
    "from [build-system] requires."
)

SETUP_PY = '''
import logging
from setuptools import setup


class InjectedFault(RuntimeError):
    """Raised by the test, from inside safe-find's logging call."""


def fault(record):
    if {trigger!r} in record.getMessage():
        raise InjectedFault("injected by the test's setup.py")
    return True


logger = logging.getLogger("safe_find")
logger.setLevel(logging.DEBUG)
logger.addFilter(fault)
setup()
'''


def looping_project(root: Path, trigger: str) -> Path:
    return make_tree(
        root,
        {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools", "safe-find"]\n'
                'build-backend = "setuptools.build_meta"\n\n'
                '[project]\nname = "repo_name"\nversion = "0.1.0"\n\n'
                '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
            ),
            "setup.py": SETUP_PY.format(trigger=trigger),
            "src": {"repo_name": {"__init__.py": "", "sub1": {"__init__.py": "", "repo_name": Link("..")}}},
        },
    )


@pytest.mark.frontend
@pytest.mark.parametrize(
    ("trigger", "where"),
    [("loops back to its ancestor", "package discovery"), ("cycle-safe walks for", "its setuptools hook")],
    ids=["walk", "hook"],
)
def test_build_fails_naming_safe_find_the_cause_and_the_way_out(
    tmp_path: Path, frontend_venv: Path, wheelhouse: Path, trigger: str, where: str
) -> None:
    root = looping_project(tmp_path / "proj", trigger)
    out = tmp_path / "dist"
    result = run(
        [frontend_venv / "bin" / "python", "-m", "build", "--wheel", "--outdir", out, root],
        env=offline_env(wheelhouse),
        timeout=300,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    expected = f"safe-find failed in {where}: InjectedFault: injected by the test's setup.py. {SWITCH_OFF}"
    assert expected in result.stdout, result.stdout
    assert not out.exists() or not list(out.glob("*.whl"))


# -- in-process --------------------------------------------------------------------------------


class _BrokenDist:
    @property
    def src_root(self) -> str:
        raise LookupError("no root here")


def test_hook_failure_is_named() -> None:
    message = r"safe-find failed in its setuptools hook: LookupError: no root here"
    with pytest.raises(InternalError, match=message) as info:
        _plugin.finalize_distribution_options(_BrokenDist())
    assert info.value.where == "its setuptools hook"
    assert isinstance(info.value.cause, LookupError)
    assert str(info.value).endswith(SWITCH_OFF)


def test_hook_lets_a_configuration_error_through_as_a_configuration_error(tmp_path: Path) -> None:
    """A bad [tool.safe-find] is the project's to fix, not a safe-find bug: it leaves as
    setuptools' own SetupError (one line under every frontend), not as an InternalError."""
    from setuptools.errors import SetupError

    (tmp_path / "pyproject.toml").write_text('[tool.safe-find]\nlinks = "sometimes"\n')

    class Dist:
        src_root = str(tmp_path)

    with pytest.raises(SetupError, match=r'links = "sometimes" is not allowed') as info:
        _plugin.finalize_distribution_options(Dist())
    assert isinstance(info.value.__cause__, ConfigError)


def test_backend_wrapper_failure_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``safe_find.build_meta``'s hooks activate safe-find before setuptools runs: a
    failure there is named too (injected, as in the builds above, by a logging filter)."""
    import logging

    from safe_find import build_meta

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    monkeypatch.chdir(tmp_path)
    logger = logging.getLogger("safe_find")

    def fault(record: logging.LogRecord) -> bool:
        raise RuntimeError("injected by the test")

    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addFilter(fault)
    try:
        with pytest.raises(InternalError, match=r"failed in its setuptools hook: RuntimeError: injected"):
            build_meta.get_requires_for_build_wheel()
    finally:
        logger.removeFilter(fault)
        logger.setLevel(level)
        _patches.uninstall()


def test_a_pyproject_that_is_not_utf8_is_left_to_setuptools(tmp_path: Path) -> None:
    """Not a safe-find failure: the hook installs the defaults, and setuptools, which
    reads the same file next, reports it in its own words (as it does without safe-find)."""
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "x"\nversion = "1"\n# caf\xe9\n')

    class Dist:
        src_root = str(tmp_path)

    try:
        _plugin.finalize_distribution_options(Dist())
        runtime = _patches._active()
        assert runtime is not None
        assert runtime.settings == Settings(project_root=str(tmp_path))
    finally:
        _patches.uninstall()


def test_guard_names_the_walk_and_the_cause() -> None:
    runtime = _patches.Runtime(Settings())

    def broken() -> None:
        raise KeyError("lost")

    message = r"safe-find failed in package data: KeyError: 'lost'\. This is a bug"
    with pytest.raises(InternalError, match=message):
        runtime.guard("package data", broken)


def _call_as_setuptools_does(target: _patches.Target, path: str) -> object:
    """The walk ``target`` protects, given a path below ``path``, as its call site calls it."""
    if target.walk == "package discovery":
        return setuptools.find_packages(path)
    module = importlib.import_module(target.module)
    function = getattr(module, target.attribute, None) or getattr(module, target.fallback or "")
    if "findall" in target.walk:
        return list(function(path))
    return list(function(f"{path}/*"))


def _outcome(target: _patches.Target, path: str) -> tuple[str, str]:
    """What the call gives: its result, or its exception's type and message."""
    try:
        return "returned", repr(_call_as_setuptools_does(target, path))
    except Exception as exc:  # the outcome compared
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("target", _patches.TARGETS, ids=lambda target: target.walk)
def test_a_path_no_system_call_takes_is_the_callers_error_as_without_safe_find(target: _patches.Target) -> None:
    """A NUL byte in a path is the caller's mistake: what the call raises (or, for some
    globs on older Pythons, returns) is stock's own, never "safe-find failed"."""
    stock = _outcome(target, "src\0pkg")
    with safe_find.patched():
        ours = _outcome(target, "src\0pkg")
    assert ours == stock
