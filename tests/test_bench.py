"""The benchmark runs end to end at a tiny size, so it cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers import REPO, run


def test_benchmark_quick_run(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = run([sys.executable, REPO / "benchmarks" / "bench.py", "--quick", "--json", results], timeout=240)
    for heading in (
        "## Package discovery",
        "## Growth",
        "## Whole build_wheel",
        "import safe-find + run its hook",
        "interpreter start-up with safe_find.pth",
        "## Against the targets",
    ):
        assert heading in done.stdout, done.stdout
    targets = ("safe-find / stock", "safe-find / floor", "looping tree", "with safe-find / without", "its hook")
    for target in (*targets, "start-up"):
        assert target in done.stdout.split("## Against the targets")[1], done.stdout
    data = json.loads(results.read_text())
    assert set(data) == {"discovery", "loops", "growth", "exponents", "build", "build_cpu", "hook", "startup"}
    assert {"src/find_packages", "flat/find_namespace_packages"} <= set(data["discovery"])
    assert all(times for series in data["discovery"].values() for times in series.values())
