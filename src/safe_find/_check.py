"""``safe-find check``: what a build of a project would meet, found before the build.

Two looks at the project, both through the cycle-safe walk: the whole tree below
the root (every link loop and every link leaving the project, wherever a build
step might walk), and setuptools' own reading of the project's configuration
(pyproject.toml, setup.cfg, automatic discovery) with safe-find's walks in
place, for the packages the build will find. ``setup.py`` is not run.
"""

from __future__ import annotations

import configparser
import contextlib
import dataclasses
import logging
import os
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._config import OutsideLinks, Settings, TOMLDecodeError, read_pyproject, settings_from_document
from ._errors import CheckError, FanOutError
from ._fanout import FanOutReport
from ._patches import patched
from ._report import FATAL, Diagnostics, heartbeat, relative
from ._walk import AnyReport, Directory, LinkMode, walk

SKIPPED = frozenset(
    {".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "__pycache__", ".eggs"}
    | {".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"}
)
"""Directories no build step reads: version control, tool caches, virtual environments.
Any directory holding ``pyvenv.cfg`` (a virtual environment) is skipped as well."""

SEVERITY = {FATAL: "error", logging.WARNING: "warning", logging.INFO: "info", logging.DEBUG: "accepted"}


@dataclass(frozen=True)
class Finding:
    """One link the walks did not simply follow, its paths relative to the project root,
    and what the settings make of it: "error", "warning", "info" or "accepted"."""

    report: AnyReport | FanOutReport
    severity: str

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self.report), "severity": self.severity}


@dataclass
class CheckResult:
    root: str
    settings: Settings
    findings: list[Finding] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    py_modules: list[str] = field(default_factory=list)
    package_dir: dict[str, str] = field(default_factory=dict)
    discovery: str = "automatic discovery"
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        """The findings a build would warn about or stop on."""
        return [finding for finding in self.findings if finding.severity in ("error", "warning")]

    def as_dict(self) -> dict[str, Any]:
        settings = {key.replace("_", "-"): value for key, value in self.settings._asdict().items()}
        settings.pop("project-root")
        return {
            "project": self.root,
            "settings": settings,
            "links": [finding.as_dict() for finding in self.findings],
            "problems": len(self.problems),
            "discovery": self.discovery,
            "packages": self.packages,
            "py_modules": self.py_modules,
            "package_dir": self.package_dir,
            "notes": self.notes,
        }


def check(path: str) -> CheckResult:
    """Check the project at ``path``; raises ``ConfigError`` or ``CheckError`` when it cannot."""
    root = os.path.realpath(path)
    if not os.path.isdir(root):
        raise CheckError(path, "not a directory; give the root of a Python project.")
    if not any(os.path.isfile(os.path.join(root, name)) for name in ("pyproject.toml", "setup.py", "setup.cfg")):
        raise CheckError(path, "no pyproject.toml, setup.py or setup.cfg here; give the root of a Python project.")
    pyproject = os.path.join(root, "pyproject.toml")
    try:
        document = read_pyproject(root)
    except TOMLDecodeError as error:
        raise CheckError(
            pyproject, f"not valid TOML: {error}. Fix the file; setuptools cannot read it either."
        ) from None
    settings = settings_from_document(document, pyproject, root)
    result = CheckResult(root, settings)
    # With safe-find switched off, setuptools' own walks run: a loop hangs the build.
    judged = settings if settings.enabled else settings._replace(on_loop="error", outside_links="follow")
    if not settings.enabled:
        result.notes.append(
            "safe-find is disabled (enabled = false): setuptools' own walks run, and never finish on a link loop."
        )
    # The walks of the check never stop: a fatal link is judged, not raised, and where
    # links fan out, the check goes on with links = "once".
    walked = settings._replace(enabled=True, on_loop="warn", outside_links=_walked(settings), on_fan_out="once")
    reports = _walk_tree(root, walked) + _discover(root, walked, document, result)
    diagnostics = Diagnostics(judged)
    seen = set()
    for report in reports:
        report = relative(report, root)
        if (report.path, report.reason) not in seen:
            seen.add((report.path, report.reason))
            result.findings.append(Finding(report, SEVERITY[diagnostics.level(report)]))
    result.findings.sort(key=lambda finding: (finding.report.reason, finding.report.path))
    return result


def _walked(settings: Settings) -> OutsideLinks:
    """The outside-links value that walks as the build would, without stopping."""
    return "skip" if settings.outside_links in ("skip", "error") else "follow"


def _walk_tree(root: str, settings: Settings) -> list[AnyReport | FanOutReport]:
    """Every link of the tree; where links fan out, that, and the walk again as ``once``."""
    try:
        return _walk_tree_as(root, settings, settings.links)
    except FanOutError as fan_out:
        return [fan_out.report, *_walk_tree_as(root, settings, "once")]


def _walk_tree_as(root: str, settings: Settings, links: LinkMode) -> list[AnyReport | FanOutReport]:
    reports: list[AnyReport | FanOutReport] = []
    tree = walk(
        root,
        links=links,
        boundary=root,
        follow_outside=settings.outside_links == "follow",
        report=reports.append,
        heartbeat=heartbeat,
    )
    for directory in tree:
        directory.dirs[:] = [child for child in directory.dirs if not _skipped(child)]
    return reports


def _skipped(directory: Directory) -> bool:
    # Asked of the file system, not of the listing: listing it would vet its links.
    return directory.name in SKIPPED or os.path.isfile(os.path.join(directory.path, "pyvenv.cfg"))


def _discover(
    root: str, settings: Settings, document: Mapping[str, Any] | None, result: CheckResult
) -> list[AnyReport | FanOutReport]:
    """Let setuptools read the project's configuration, with the cycle-safe walks held."""
    from setuptools.dist import Distribution
    from setuptools.errors import BaseError

    result.discovery = _discovery_source(root, document)
    if os.path.isfile(os.path.join(root, "setup.py")):
        result.notes.append(
            "setup.py is not run: packages it passes to setup() are not listed here (a find_packages() "
            "call in it walks as cycle-safely as the rest of the build)."
        )
    with _in_directory(root), patched(settings) as runtime, _captured_logs() as said, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dist = Distribution()
            dist.parse_config_files()
            # Automatic discovery, for what the configuration left out.
            dist.set_defaults()  # type: ignore[attr-defined]  # an attribute set in Distribution.__init__
        except (BaseError, ValueError, OSError) as error:
            detail = "".join(f"\n  {line}" for line in said)
            raise CheckError(root, f"setuptools cannot read this project's configuration: {error}{detail}") from None
        except Exception as error:  # other plugins' hooks run here too, and may raise anything
            raise CheckError(
                root,
                f"setuptools, or a plugin it runs, failed reading the configuration: {type(error).__name__}: {error}",
            ) from error
    result.packages = list(dist.packages or [])
    result.py_modules = list(dist.py_modules or [])
    result.package_dir = dict(dist.package_dir or {})
    return list(runtime.diagnostics.reports)


def _discovery_source(root: str, document: Mapping[str, Any] | None) -> str:
    tool = (document or {}).get("tool")
    packages = tool.get("setuptools", {}).get("packages") if isinstance(tool, Mapping) else None
    if isinstance(packages, Mapping):
        return "[tool.setuptools.packages.find] in pyproject.toml"
    if packages is not None:
        return "[tool.setuptools] packages in pyproject.toml"
    setup_cfg = os.path.join(root, "setup.cfg")
    if os.path.isfile(setup_cfg):
        parser = configparser.ConfigParser(interpolation=None)
        with contextlib.suppress(configparser.Error, OSError):
            parser.read(setup_cfg, encoding="utf-8")
            if parser.has_option("options", "packages"):
                return "[options] packages in setup.cfg"
    return "automatic discovery"


@contextlib.contextmanager
def _in_directory(path: str) -> Iterator[None]:
    """setuptools reads the project's files relative to the working directory."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("safe_find"):
            self.lines.append(record.getMessage())


@contextlib.contextmanager
def _captured_logs() -> Iterator[list[str]]:
    """setuptools' log lines while it reads the project: shown only if it fails."""
    root = logging.getLogger()
    capture = _Capture()
    saved: tuple[list[logging.Handler], int] = (root.handlers[:], root.level)
    root.handlers[:] = [capture]
    root.setLevel(logging.WARNING)
    try:
        yield capture.lines
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
