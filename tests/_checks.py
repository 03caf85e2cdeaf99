"""The checks the file-walk tests and the release matrix share.

Each builds projects from ``_walk_projects`` with real PEP 517 hooks, in the
environment with safe-find and in the stock one, and compares what they made.
"""

from __future__ import annotations

from pathlib import Path

from _envs import Envs
from _pep517 import ARTIFACT_HOOKS, HOOKS, call_hook
from _walk_projects import STOCK_BACKEND, Project, first_link_only, without_links
from helpers import Spec, make_tree

LOOP_NAMED = ": not followed, it loops back to its ancestor"


def check_looping_project(project: Project, envs: Envs, tmp: Path) -> None:
    """Every hook finishes on the looping tree and makes what stock makes of the tree without its links."""
    links = project.links if project.loops_walked else []
    logs = check_every_hook(project.name, project.tree, envs, tmp, links, project.backend, project.stock_backend)
    for line in project.said:
        assert any(line in log.splitlines() for log in logs), f"{project.name}: no {line!r} in\n" + "\n".join(logs)


def check_every_hook(
    name: str,
    tree: Spec,
    envs: Envs,
    tmp: Path,
    links: list[str],
    backend: str = STOCK_BACKEND,
    stock_backend: str = STOCK_BACKEND,
) -> list[str]:
    """Each PEP 517 hook, each in a fresh process, ``get_requires_*`` first, as frontends call
    them: every one finishes on ``tree``, the artifacts hold what stock setuptools makes of
    the tree without its links, and the logs name each of ``links`` (and no other loop).
    Returns the logs."""
    looping = make_tree(tmp / "looping" / name, tree)
    clean = make_tree(tmp / "clean" / name, without_links(tree))
    logs = []
    for hook in HOOKS:
        ours = call_hook(envs.safe, looping, hook, backend, tmp / "out-safe")
        if hook not in ARTIFACT_HOOKS:  # get_requires_*: finishing is the point
            assert ours.missing or isinstance(ours.value, list), ours.output
            logs.append(ours.output)
            continue
        stock = call_hook(envs.stock, clean, hook, stock_backend, tmp / "out-stock")
        assert ours.missing == stock.missing, f"{hook}: the backends offer different hooks"
        if ours.missing:
            continue
        assert ours.names == stock.names, f"{hook} of {name}:\n{_diff(ours.names, stock.names)}\n{ours.output}"
        logs.append(ours.output)
    named = [line for log in logs for line in log.splitlines() if LOOP_NAMED in line]
    if not links:
        assert named == [], f"{name}: links no walk follows are named:\n" + "\n".join(logs)
    for link in links:
        assert any(f"{link} -> " in line for line in named), f"{link} is not named in the log:\n" + "\n".join(logs)
    return logs


def check_stock_meets_the_loop(project: Project, envs: Envs, tmp: Path) -> None:
    """Stock setuptools, on the tree with one loop link (where it stops at the kernel's
    40-link limit), puts paths through the loop in its sdist: that walk meets the loop."""
    one_link = make_tree(tmp / "one-link" / project.name, first_link_only(project.tree))
    clean = make_tree(tmp / "clean" / project.name, without_links(project.tree))
    looped = call_hook(envs.stock, one_link, "build_sdist", project.stock_backend, tmp / "out-one-link", timeout=300)
    plain = call_hook(envs.stock, clean, "build_sdist", project.stock_backend, tmp / "out-clean")
    assert looped.names is not None
    assert plain.names is not None
    through_loop = [name for name in looped.names if "/one/loop/" in name]
    assert through_loop, f"stock setuptools did not go round the loop of {project.name}:\n{looped.names}"
    assert set(looped.names) - set(plain.names) == set(through_loop)


def check_parity(project: Project, envs: Envs, tmp: Path) -> None:
    """On a tree without a loop, safe-find's wheel and sdist hold exactly stock's files."""
    ours_tree = make_tree(tmp / "safe" / project.name, project.tree)
    stock_tree = make_tree(tmp / "stock" / project.name, project.tree)
    for hook in ("build_wheel", "build_sdist"):
        ours = call_hook(envs.safe, ours_tree, hook, project.backend, tmp / "out-safe")
        stock = call_hook(envs.stock, stock_tree, hook, project.stock_backend, tmp / "out-stock")
        assert ours.names == stock.names, f"{hook} of {project.name}:\n{_diff(ours.names, stock.names)}\n{ours.output}"
        assert ours.names, f"{hook} of {project.name} made an empty artifact"


def _diff(ours: object, stock: object) -> str:
    a, b = set(ours or ()), set(stock or ())  # type: ignore[call-overload]
    return f"only with safe-find: {sorted(a - b)}\nonly stock: {sorted(b - a)}"
