"""Run a development session with nothing but python3 and the package registry.

    python3 tools/run.py demo     # build the looping example with safe-find
    python3 tools/run.py tests    # the test suite (what CI runs)

It makes .venv-tools/ with nox in it once, then runs `nox -s SESSION`; any further
arguments go to nox (put `--` before arguments meant for the session itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv-tools"
NOX = "nox==2026.10.20"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    python = TOOLS / "bin" / "python"
    if not python.exists():
        print(f"tools/run.py: creating {TOOLS.name}/ with {NOX}", flush=True)
        venv.EnvBuilder(with_pip=True).create(TOOLS)
        subprocess.run([python, "-m", "pip", "install", "-q", NOX], check=True)
    session, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    return subprocess.call([python, "-m", "nox", "-s", session, *rest], env=_with_interpreters(os.environ))


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
