"""Link fan-out: a walk that goes through far more paths than real directories stops, and says why.

The tree of the report (pypa/setuptools#3327 has JS asset folders linked to each other):
``src/pkg/d0`` to ``d25``, each ``dI`` holding ``x -> ../dI+1`` and ``y -> ../dI+1``,
27 real packages and 2**26 paths to the last, with no cycle. Stock setuptools walks
every path, and does not finish.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FAN_OUT_PYPROJECT, Link, Spec, fan_out_tree, make_tree
from setuptools import find_packages as stock_find_packages

import safe_find
from safe_find import FanOutError, Settings, WalkOptions, find_packages, walk
from safe_find import _fanout as fanout
from safe_find._check import check
from safe_find._report import Diagnostics
from safe_find._walk import LinkReport

DEPTH = 26
PACKAGES = sorted(["pkg", *(f"pkg.d{level}" for level in range(DEPTH))])


def fan_out_project(root: Path, depth: int = DEPTH, table: str = "") -> Path:
    return make_tree(root, {"pyproject.toml": FAN_OUT_PYPROJECT + table, **fan_out_tree(depth)})


def test_a_link_fan_out_stops_the_walk_naming_the_links_entered_most(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "tree", fan_out_tree(DEPTH))
    with pytest.raises(FanOutError, match="directory links fan out below") as caught:
        find_packages(str(root / "src"))
    report = caught.value.report
    assert report.path == str(root / "src")
    assert fanout.FAN_OUT_PATHS <= report.paths < fanout.FAN_OUT_PATHS + fanout.CHECK_EVERY + 3
    assert report.directories <= report.paths * (1 - fanout.FAN_OUT_SHARE)
    real = root.resolve() / "src" / "pkg"
    named = {(link, target) for link, target, _ in report.links}
    deepest = {(str(real / f"d{DEPTH - 2}" / name), f"../d{DEPTH - 1}") for name in "xy"}
    assert deepest <= named, report.links
    entries = dict((link, count) for link, _, count in report.links)
    assert entries[str(real / f"d{DEPTH - 2}" / "x")] == max(entries.values())
    message = str(caught.value)
    assert f"{real / f'd{DEPTH - 2}' / 'x'} -> ../d{DEPTH - 1} (its target entered" in message
    assert 'set links = "once" (or on-fan-out = "once")' in message


def test_with_links_once_the_fan_out_tree_gives_each_package_once(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "tree", fan_out_tree(DEPTH))
    assert sorted(find_packages(str(root / "src"), options=WalkOptions(links="once"))) == PACKAGES


@pytest.mark.parametrize("depth", [10, 15])
def test_a_fan_out_short_of_the_threshold_is_walked_as_stock_walks_it(tmp_path: Path, depth: int) -> None:
    """2**15 paths: stock walks them in about a second; nothing stops there."""
    root = make_tree(tmp_path / "tree", fan_out_tree(depth))
    where = str(root / "src")
    ours = find_packages(where)
    assert len(ours) > 2**depth
    assert ours == stock_find_packages(where)


@pytest.fixture
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    """A threshold small trees can reach, so that the rule itself is what is tested."""
    monkeypatch.setattr(fanout, "FAN_OUT_PATHS", 2000)
    return 2000


def wide(count: int) -> Spec:
    """``count`` ** 2 real directories below ``real``."""
    return {f"a{i}": {f"b{j}": {} for j in range(count)} for i in range(count)}


def paths_walked(root: Path) -> int:
    return sum(1 for _ in walk(str(root)))


def test_many_paths_through_links_entered_once_are_no_fan_out(tmp_path: Path, low_threshold: int) -> None:
    root = make_tree(tmp_path / "tree", {"real": wide(60), "pkg": {"alias": Link("../real")}})
    assert paths_walked(root) > 2 * low_threshold


def test_a_directory_linked_from_a_few_places_is_no_fan_out(tmp_path: Path, low_threshold: int) -> None:
    """Half the paths walked again, or two thirds: far from nine in ten."""
    links = {f"alias{i}": Link("../real") for i in range(2)}
    root = make_tree(tmp_path / "tree", {"real": wide(50), "pkg": links})
    assert paths_walked(root) > 3 * low_threshold


def test_a_directory_linked_from_forty_places_is_a_fan_out(tmp_path: Path, low_threshold: int) -> None:
    """39 of 40 walks of ``real`` walk it again: past nine in ten."""
    links = {f"alias{i}": Link("../real") for i in range(40)}
    root = make_tree(tmp_path / "tree", {"real": wide(30), "pkg": links})
    with pytest.raises(FanOutError) as caught:
        paths_walked(root)
    assert caught.value.report.paths >= low_threshold


def test_links_once_never_stops_for_a_fan_out(tmp_path: Path, low_threshold: int) -> None:
    links = {f"alias{i}": Link("../real") for i in range(20)}
    root = make_tree(tmp_path / "tree", {"real": wide(30), "pkg": links})
    assert sum(1 for _ in walk(str(root), links="once")) == 1 + 1 + 30 + 900 + 1


# -- the heartbeat -------------------------------------------------------------------------------


def test_a_long_walk_says_where_it_is_after_5_10_and_20_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_tree(tmp_path / "tree", fan_out_tree(14))
    clock: Iterator[float] = iter([0.0, 1.0, 6.0, 8.0, 11.0, 12.0, 21.0, *([22.0] * 100)])
    monkeypatch.setattr(fanout.time, "monotonic", lambda: next(clock))
    beats: list[tuple[str, int, float]] = []
    walked = sum(1 for _ in walk(str(root), heartbeat=lambda *beat: beats.append(beat)))
    assert walked == sum(1 for _ in os.walk(root, followlinks=True)) > 5 * fanout.CHECK_EVERY
    assert [seconds for _, _, seconds in beats] == [6.0, 11.0, 21.0]
    assert [paths for _, paths, _ in beats] == sorted(paths for _, paths, _ in beats)
    assert all(where.startswith(str(root / "src" / "pkg")) for where, _, _ in beats)


def test_the_heartbeat_line_goes_to_stderr_and_stays_short(capsys: pytest.CaptureFixture[str]) -> None:
    from safe_find._report import heartbeat

    heartbeat("src/" + "x/" * 100 + "end", 123456, 6.4)
    err = capsys.readouterr().err
    assert err.startswith("safe-find: still walking after 6 s, 123,456 directories so far, at src/x/x/")
    assert err.endswith("x/x/end\n")
    assert len(err) < 200


# -- a readable log ------------------------------------------------------------------------------


def test_a_build_names_twenty_links_and_counts_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    diagnostics = Diagnostics(Settings())
    with caplog.at_level(logging.DEBUG, logger="safe_find"):
        for number in range(1000):
            diagnostics.record(LinkReport(f"d{number}/back", "..", "loop", f"d{number}"))
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [f"safe-find: d{n}/back -> ..: not followed, it loops back to its ancestor d{n}" for n in range(20)]
    summary = diagnostics.summary()
    assert summary is not None
    assert summary[1] == (
        "safe-find: 1000 directory links not followed (1000 looping back to an ancestor); "
        "980 of them not named above: `safe-find check` lists them all"
    )


def test_an_error_names_twenty_links_and_counts_the_rest() -> None:
    reports = [LinkReport(f"d{number}/back", "..", "loop", f"d{number}") for number in range(25)]
    message = str(safe_find.LinkError(reports, "package discovery"))
    assert message.count("loops back to its ancestor") == 20
    assert "\n  ... and 5 more: `safe-find check` lists them all\n" in message


# -- through the configuration and the check ------------------------------------------------------


def test_check_with_on_fan_out_once_warns_of_the_fan_out(tmp_path: Path) -> None:
    project = fan_out_project(tmp_path / "project", table='\n[tool.safe-find]\non-fan-out = "once"\n')
    result = check(str(project))
    assert sorted(result.packages) == PACKAGES
    fan_outs = [finding for finding in result.findings if finding.report.reason == "fan-out"]
    assert sorted((finding.report.path, finding.severity) for finding in fan_outs) == [
        (".", "warning"),
        ("src", "warning"),
    ]


def test_check_reports_the_fan_out_as_an_error_by_default(tmp_path: Path) -> None:
    project = fan_out_project(tmp_path / "project")
    result = check(str(project))
    fan_outs = [finding.as_dict() for finding in result.findings if finding.report.reason == "fan-out"]
    assert sorted((found["path"], found["severity"]) for found in fan_outs) == [(".", "error"), ("src", "error")]
    for found in fan_outs:
        assert found["paths"] >= fanout.FAN_OUT_PATHS
        assert (f"src/pkg/d{DEPTH - 2}/x", f"../d{DEPTH - 1}") in [link[:2] for link in found["links"]]
    assert sorted(result.packages) == PACKAGES


def test_a_fan_out_walked_on_as_once_is_named_past_the_cap(caplog: pytest.LogCaptureFixture) -> None:
    diagnostics = Diagnostics(Settings(on_fan_out="once"))
    with caplog.at_level(logging.DEBUG, logger="safe_find"):
        for number in range(25):
            diagnostics.record(LinkReport(f"d{number}/back", "..", "loop", f"d{number}"))
        diagnostics.fan_out(fanout.FanOutReport("src", 100_352, 66, (("src/d/x", "../e", 50_152),)), "discovery")
    last = caplog.records[-1]
    assert last.levelno == logging.WARNING
    assert last.getMessage() == (
        "safe-find: src: directory links fan out: 100,352 directory paths walked through at most 66 real "
        'directories; the links entered most: src/d/x -> ../e (50,152 times). Walking on with links = "once" '
        '(on-fan-out = "once").'
    )
