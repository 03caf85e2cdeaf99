"""Build examples/looping-src with safe-find, then show stock setuptools hang on it.

Run through `python3 tools/run.py demo`, which provides setuptools and build.
Offline builds against a wheelhouse made here: safe-find's wheel from this
checkout, plus setuptools and packaging from the registry.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> tuple[int | None, str, float]:
    """Run, in its own process group; returns (exit code or None on timeout, output, seconds)."""
    start = time.monotonic()
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        code = None
    return code, output, time.monotonic() - start


def make_wheelhouse(where: Path) -> Path:
    house = where / "wheelhouse"
    quiet_env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    code, output, _ = sh(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(house), str(ROOT)],
        env=quiet_env,
    )
    if code != 0:
        sys.exit(f"demo: could not build safe-find's wheel:\n{output}")
    pins = [f"setuptools=={version('setuptools')}", f"packaging=={version('packaging')}"]
    if sys.version_info < (3, 11):  # safe-find reads pyproject.toml with tomli there (build brings it)
        pins.append(f"tomli=={version('tomli')}")
    code, output, _ = sh([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(house), *pins])
    if code != 0:
        sys.exit(f"demo: could not download {pins}:\n{output}")
    return house


def build(project: Path, out: Path, house: Path, timeout: float) -> tuple[int | None, str, float]:
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(house)}
    return sh([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(project)], env=env, timeout=timeout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hang-timeout", type=float, default=20, help="seconds to give stock setuptools (default 20)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="safe-find-demo-") as scratch:
        tmp = Path(scratch)
        project = tmp / "looping-src"
        shutil.copytree(ROOT / "examples" / "looping-src", project)
        subprocess.run([sys.executable, str(project / "make_links.py")], check=True)
        house = make_wheelhouse(tmp)

        print(f"\n== 1. with safe-find: python -m build --wheel (setuptools {version('setuptools')})", flush=True)
        code, output, seconds = build(project, tmp / "dist", house, timeout=300)
        for line in output.splitlines():
            if "safe-find" in line:
                print("   " + line.strip())
        if code != 0:
            print(output)
            print(f"demo: the build with safe-find failed (exit {code})")
            return 1
        (wheel,) = (tmp / "dist").glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            modules = [name for name in archive.namelist() if name.endswith(".py")]
        print(f"   finished in {seconds:.1f} s: {wheel.name}")
        for name in modules:
            print(f"     {name}")

        print(
            f"\n== 2. stock setuptools (safe-find removed from requires), killed after {options.hang_timeout:g} s",
            flush=True,
        )
        pyproject = project / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace(', "safe-find"', ""))
        code, output, seconds = build(project, tmp / "stock-dist", house, timeout=options.hang_timeout)
        if code is None:
            print(f"   still running after {seconds:.0f} s: stock setuptools is going round the link loop")
        else:
            print(f"   stock setuptools finished (exit {code}) in {seconds:.1f} s; it was expected to hang")
    return 0


if __name__ == "__main__":
    sys.exit(main())
