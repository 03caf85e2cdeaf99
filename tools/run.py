"""Run a development session with nothing but python3 and the package registry.

    python3 tools/run.py demo     # build the looping example with safe-find
    python3 tools/run.py tests    # the test suite (what CI runs)

It makes .venv-tools/KEY/ with nox in it once, then runs `nox -s SESSION`; any further
arguments go to nox (put `--` before arguments meant for the session itself). KEY
names the python3 that runs this script, and nox keeps the session environments in
.nox/KEY/: two interpreters (a host's and one in a container sharing the checkout)
never reuse each other's environments.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# nox 2026.7 and later need Python 3.10; 3.9 (RHEL 9's python3) gets the last release for it.
NOX = ['nox==2026.10.20; python_version >= "3.10"', 'nox==2026.4.10; python_version < "3.10"']


def interpreter_key() -> str:
    """This interpreter, as a directory name: implementation, version, machine, and a
    digest of its real path (the version alone does not tell two of them apart)."""
    where = hashlib.sha256(os.path.realpath(sys.executable).encode()).hexdigest()[:8]
    version = "{}.{}".format(*sys.version_info[:2])
    return f"{sys.implementation.name}-{version}-{platform.machine().lower()}-{where}"


TOOLS = ROOT / ".venv-tools" / interpreter_key()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    python = TOOLS / "bin" / "python"
    if not python.exists():
        print(f"tools/run.py: creating {TOOLS.relative_to(ROOT)}/ with nox", flush=True)
        # From the real interpreter: the python3 on PATH may be a link that will not stay.
        subprocess.run([os.path.realpath(sys.executable), "-m", "venv", "--clear", TOOLS], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *NOX], check=True)
    session, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    envdir = ROOT / ".nox" / TOOLS.name
    command = [python, "-m", "nox", "--envdir", envdir, "-s", session, *rest]
    return subprocess.call(command, env=_with_interpreters(os.environ))


def _with_interpreters(environ: os._Environ[str]) -> dict[str, str]:
    """PATH with every pyenv CPython 3.9+ on it, so nox finds python3.9 ... python3.13.

    pyenv's shims only answer for the selected version; the real binaries do for all.
    """
    root = Path(environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(root.glob("3.*/bin"), key=lambda path: path.parent.name) if root.is_dir() else []
    extra = [str(path) for path in found if tuple(map(int, path.parent.name.split(".")[:2])) >= (3, 9)]
    return {**environ, "PATH": os.pathsep.join([environ.get("PATH", ""), *extra])}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
