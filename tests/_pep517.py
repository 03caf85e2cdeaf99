"""Call one PEP 517 hook in a fresh interpreter, as frontends do, and read what it made.

Run as a script by the interpreter of the environment under test::

    python _pep517.py BACKEND HOOK OUT_DIR RESULT_JSON [BACKEND_PATH]

it imports ``BACKEND`` (``module`` or ``module:object``, after putting the
project's ``backend-path`` entries first on ``sys.path``), calls ``HOOK`` with
``OUT_DIR`` where the hook takes one, and writes ``{"value": ...}`` (or
``{"missing": true}`` when the backend has no such hook) to ``RESULT_JSON``.
Imported by the tests, it runs that script with a timeout and lists the artifacts.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Every hook, each ``get_requires_*`` before the hooks it prepares, as pip, build and uv
# call them: pip wheel (wheel: get_requires, prepare_metadata, build), build (sdist, then
# wheel), pip install -e (the same three for editable).
HOOKS = (
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_wheel",
    "build_wheel",
    "get_requires_for_build_sdist",
    "build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_editable",
    "build_editable",
)
ARTIFACT_HOOKS = (
    "prepare_metadata_for_build_wheel",
    "build_wheel",
    "build_sdist",
    "prepare_metadata_for_build_editable",
    "build_editable",
)


def _main(backend_name: str, hook_name: str, out_dir: str, result_file: str, backend_path: str = "") -> None:
    # Python put this script's directory first; a hook must not see the tests.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.path[:0] = [os.path.abspath(entry) for entry in backend_path.split(os.pathsep) if entry]
    module, _, attribute = backend_name.partition(":")
    backend: Any = importlib.import_module(module)
    for part in filter(None, attribute.split(".")):
        backend = getattr(backend, part)
    hook = getattr(backend, hook_name, None)
    if hook is None:
        result: dict[str, Any] = {"missing": True}
    elif hook_name.startswith("get_requires"):
        result = {"value": hook(None)}
    else:
        os.makedirs(out_dir, exist_ok=True)
        result = {"value": hook(out_dir, None)}
    with open(result_file, "w") as stream:
        json.dump(result, stream)


@dataclass
class HookResult:
    hook: str
    missing: bool
    value: Any
    output: str
    names: list[str] | None  # the artifact's file names, sorted (None for get_requires_*)


def call_hook(
    python: Path,
    project: Path,
    hook: str,
    backend: str,
    out: Path,
    *,
    backend_path: str = "",
    timeout: float = 120,
) -> HookResult:
    """Run ``hook`` of ``backend`` for ``project`` with ``python``; fail with its output if it fails."""
    from helpers import run

    out.mkdir(parents=True, exist_ok=True)
    result_file = out / f"{hook}.json"
    target = out / hook
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    command = [python, Path(__file__).resolve(), backend, hook, target, result_file, backend_path]
    completed = run(command, cwd=project, env=env, timeout=timeout)
    data = json.loads(result_file.read_text())
    if data.get("missing"):
        return HookResult(hook, True, None, completed.stdout, None)
    value = data["value"]
    names = _artifact_names(target / value, hook) if hook in ARTIFACT_HOOKS else None
    return HookResult(hook, False, value, completed.stdout, names)


def _artifact_names(path: Path, hook: str) -> list[str]:
    if hook == "build_sdist":
        with tarfile.open(path) as archive:
            return sorted(member.name for member in archive.getmembers() if not member.isdir())
    if hook.startswith("prepare_metadata"):
        return sorted(str(file.relative_to(path)) for file in path.rglob("*") if file.is_file())
    with zipfile.ZipFile(path) as archive:
        return sorted(archive.namelist())


if __name__ == "__main__":
    _main(*sys.argv[1:])
