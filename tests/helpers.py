"""Helpers shared by the tests: trees made at test time, a wheelhouse, bounded subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Union

# Lines of Python for a child process that must meet real permissions: as root, after
# it has imported what it needs and entered the tree, it becomes ``nobody``.
DROP_ROOT = """
if os.geteuid() == 0:  # drop root: chmod does not stop root
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
"""

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# A tree spec: a file is a str (its text), a directory a dict, a link a Link, a FIFO a Fifo.
Spec = Mapping[str, Union[str, "Link", "Fifo", "Spec"]]


class Link:
    """A symbolic link in a tree spec, made with ``symlink_to(target)``."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __repr__(self) -> str:
        return f"Link({self.target!r})"


class Fifo:
    """A named pipe in a tree spec, made with ``os.mkfifo``: reading it blocks until a
    writer comes, which none does."""

    def __repr__(self) -> str:
        return "Fifo()"


def fan_out_tree(depth: int) -> Spec:
    """``src/pkg/d0`` to ``d{depth - 1}``, each ``dI`` holding ``x`` and ``y``, two links
    to ``dI+1``: ``depth + 1`` real packages, ``2**depth`` paths to the last, no cycle."""
    levels: dict[str, Union[str, Link, Spec]] = {"__init__.py": ""}
    for level in range(depth):
        inside: dict[str, Union[str, Link, Spec]] = {"__init__.py": ""}
        if level + 1 < depth:
            inside.update(x=Link(f"../d{level + 1}"), y=Link(f"../d{level + 1}"))
        levels[f"d{level}"] = inside
    return {"src": {"pkg": levels}}


FAN_OUT_PYPROJECT = """\
[build-system]
requires = ["setuptools", "safe-find"]
build-backend = "setuptools.build_meta"

[project]
name = "fanout"
version = "1"

[tool.setuptools.packages.find]
where = ["src"]
"""


def make_tree(root: Path, spec: Spec) -> Path:
    """Create ``spec`` under ``root``: links last, so their targets exist."""
    links = []

    def build(base: Path, node: Spec) -> None:
        base.mkdir(parents=True, exist_ok=True)
        for name, value in node.items():
            path = base / name
            if isinstance(value, Link):
                links.append((path, value.target))
            elif isinstance(value, Fifo):
                os.mkfifo(path)
            elif isinstance(value, str):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(value)
            else:
                build(path, value)

    build(root, spec)
    for path, target in links:
        path.symlink_to(target, target_is_directory=True)
    return root


def run(
    command: Sequence[Union[str, Path]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a subprocess with a timeout; on failure the assertion shows its output.

    The command runs in its own session, and a timeout kills the whole group: a
    hung build backend is a grandchild that would otherwise spin on after pip dies.
    ``subprocess.TimeoutExpired`` is raised with the output so far.
    """
    args = [str(part) for part in command]
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise subprocess.TimeoutExpired(args, timeout, output=output) from None
    result = subprocess.CompletedProcess(args, process.returncode, output, None)
    if check:
        assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{output}"
    return result


def _cache_dir() -> Path:
    path = Path(os.environ.get("SAFE_FIND_WHEEL_CACHE", Path.home() / ".cache" / "safe-find-tests"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _installed_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def download_wheels(requirements: Sequence[str], dest: Path, python_version: str | None = None) -> None:
    """Fetch wheels once into the cache (the registry is the only network), then copy them."""
    cache = _cache_dir() / "wheels"
    cache.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--only-binary", ":all:", "--no-deps", "-q", "-d", cache]
    if python_version:
        command += ["--python-version", python_version]
    run([*command, *requirements], timeout=600)
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        stem = name.replace("-", "_").lower()
        for wheel in cache.glob("*.whl"):
            parts = wheel.name.split("-")
            if parts[0].lower() == stem and (not version or parts[1] == version):
                shutil.copy2(wheel, dest)


def build_safe_find_wheel(dest: Path) -> Path:
    """Build safe-find's wheel from a private copy of this checkout, without the network.

    A copy, because setuptools writes build/ and *.egg-info next to the sources:
    two test workers building from the checkout itself would race on them.
    """
    source = dest / "_source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".nox", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*cache"
        ),
    )
    out = dest / "_build"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, source],
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        timeout=300,
    )
    (wheel,) = out.glob("safe_find-*.whl")
    target = dest / wheel.name
    shutil.move(str(wheel), target)
    shutil.rmtree(out)
    shutil.rmtree(source)
    return target


def offline_env(wheelhouse: Path, **extra: str) -> dict[str, str]:
    """Environment for frontends: no index, only the wheelhouse, no user pip config.

    uv has no environment variable for ``--no-index``: pass it on uv's command line.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "PYTHON")) and key not in ("VIRTUAL_ENV",)
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        UV_FIND_LINKS=str(wheelhouse),
        UV_OFFLINE="1",
        UV_NO_CACHE="1",
        UV_PYTHON_DOWNLOADS="never",
    )
    env.update(extra)
    return env


def wheel_names(wheel: Path) -> list[str]:
    """The files of a wheel, sorted, its RECORD aside (it holds hashes)."""
    with zipfile.ZipFile(wheel) as archive:
        return sorted(name for name in archive.namelist() if not name.endswith("/RECORD"))


def sdist_names(sdist: Path) -> list[str]:
    """The files of an sdist, sorted, without its top directory."""
    with tarfile.open(sdist) as archive:
        return sorted(member.name.split("/", 1)[-1] for member in archive.getmembers() if member.isfile())


def wheel_packages(wheel: Path) -> list[str]:
    """The packages of a wheel: the directories that hold an ``__init__.py``."""
    names = wheel_names(wheel)
    return sorted({name.rsplit("/", 1)[0].replace("/", ".") for name in names if name.endswith("/__init__.py")})


def copy_example(name: str, dest: Path) -> Path:
    """A copy of ``examples/NAME`` with its links made by its own script."""
    project = dest / name
    shutil.copytree(EXAMPLES / name, project, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    maker = project / "make_links.py"
    if maker.exists():
        run([sys.executable, maker], timeout=60)
    return project


def make_venv(path: Path, *, with_pip: bool) -> Path:
    """A virtual environment's interpreter; one without pip is reached with ``--python``."""
    venv.EnvBuilder(with_pip=with_pip).create(path)
    return path / "bin" / "python"


def printed_by(python: Path, code: str, cwd: Path) -> list[str]:
    """The words ``code`` prints, run by ``python`` in ``cwd`` (away from the source tree)."""
    return run([python, "-c", code], cwd=cwd, timeout=60).stdout.split()
