"""The benchmark runs end to end at a tiny size, so it cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from helpers import REPO, run


def test_benchmark_quick_run(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    command = [sys.executable, REPO / "benchmarks" / "bench.py", "--quick", "--json", results]
    if shutil.which("valgrind"):  # on every machine of this project's kind; elsewhere optional
        command.append("--instructions")
    done = run(command, timeout=600)
    for heading in (
        "## Package discovery",
        "## Growth",
        "## Whole build_wheel",
        "import safe-find + run its hook",
        "interpreter start-up with safe_find.start"
        if sys.version_info >= (3, 15)
        else "interpreter start-up with safe_find.pth",
        "## Against the targets",
    ):
        assert heading in done.stdout, done.stdout
    targets = ("safe-find / stock", "safe-find / floor", "looping tree", "with safe-find / without", "its hook")
    for target in (*targets, "start-up"):
        assert target in done.stdout.split("## Against the targets")[1], done.stdout
    data = json.loads(results.read_text())
    expected = {"discovery", "loops", "growth", "exponents", "build", "build_cpu", "hook", "startup"}
    if shutil.which("valgrind"):
        expected.add("build_instructions")
        assert "with safe-find / without (instructions)" in done.stdout.split("## Against the targets")[1]
    assert set(data) == expected
    assert {"src/find_packages", "flat/find_namespace_packages"} <= set(data["discovery"])
    assert all(times for series in data["discovery"].values() for times in series.values())
