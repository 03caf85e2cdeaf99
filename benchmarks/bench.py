"""safe-find's benchmark: package discovery and whole builds, against stock setuptools.

    python benchmarks/bench.py            # the full run (a few minutes), prints the tables
    python benchmarks/bench.py --quick    # tiny trees, to check that it runs

Every tree is generated here, in a temporary directory. Each measurement is a set of
functions timed in rounds: every round runs each of them once, in a rotating order,
and a ratio is the median over the rounds of the ratio within the round, so that the
load of the machine hits both sides of a ratio alike. The floor is a bare
``os.scandir`` walk of the same tree: what any discovery must at least do.

Builds run ``setuptools.build_meta.build_wheel`` in fresh ``python -I -S``
processes whose ``sys.path`` is the standard library, a copy of the installed
setuptools, and, for the "with" side, an overlay holding safe-find, its dist-info
and its ``safe_find.pth``, each added with ``site.addsitedir`` (as pip's isolated
build environment adds its own): the two sides differ by safe-find alone.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.metadata
import json
import logging
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import setuptools

import safe_find

Timed = Callable[[], object]
# Builds run in memory where the machine has it (Linux): see --build-dir.
RAM_DIR = "/dev/shm"


# -- trees ----------------------------------------------------------------------------


def _touch(path: str) -> None:
    with open(path, "w"):
        pass


def make_package_tree(root: str, count: int, fanout: int, modules: int) -> list[str]:
    """``count`` packages below ``root``, each with ``__init__.py`` and ``modules`` modules.

    Package ``i`` is a child of package ``(i - 1) // fanout``, so the tree fills level by
    level. Returns the leaf packages' paths.
    """
    paths = [root]
    children = [0] * (count + 1)
    os.makedirs(root)
    _touch(os.path.join(root, "__init__.py"))
    for index in range(1, count):
        parent = (index - 1) // fanout
        children[parent] += 1
        path = os.path.join(paths[parent], f"p{index % fanout}")
        os.mkdir(path)
        _touch(os.path.join(path, "__init__.py"))
        for module in range(modules):
            _touch(os.path.join(path, f"mod{module}.py"))
        paths.append(path)
    return [path for index, path in enumerate(paths) if children[index] == 0]


def make_src_layout(base: str, packages: int, fanout: int = 20, modules: int = 4, loops: bool = False) -> str:
    """A project with ``src/proj/...``; with ``loops``, a ``back -> ..`` link in every leaf package."""
    where = os.path.join(base, "src")
    leaves = make_package_tree(os.path.join(where, "proj"), packages, fanout, modules)
    if loops:
        for leaf in leaves:
            os.symlink("..", os.path.join(leaf, "back"), target_is_directory=True)
        Path(base, "links").write_text(str(len(leaves)))
    return where


def make_aliased(base: str, packages: int, modules: int = 4, every: int = 40) -> tuple[str, int]:
    """The src layout with an ``alias`` link in every ``every``-th leaf package of the first
    half of the tree, each into the middle of a package of the second half (one with
    subpackages). No alias leads into a tree that holds one, so the tree has no cycle and
    stock setuptools finishes; safe-find checks every directory below an alias against
    the path. Returns the tree and the number of aliases."""
    where = os.path.join(base, "src")
    proj = os.path.join(where, "proj")
    leaves = make_package_tree(proj, packages, 20, modules)
    middles = sorted(str(path) for path in Path(proj).glob("p*/p*") if any(path.glob("p*/__init__.py")))
    half = len(middles) // 2
    holders = [leaf for leaf in leaves if any(leaf.startswith(m + os.sep) for m in middles[:half])][::every]
    for index, leaf in enumerate(holders):
        target = middles[half + index % (len(middles) - half)]
        os.symlink(os.path.relpath(target, leaf), os.path.join(leaf, "alias"), target_is_directory=True)
    return where, len(holders)


def make_flat_layout(base: str, packages: int, modules: int = 4) -> str:
    """``packages`` top-level packages side by side in one directory, with a few non-packages."""
    os.makedirs(base)
    for index in range(packages):
        path = os.path.join(base, f"pkg{index}")
        os.mkdir(path)
        _touch(os.path.join(path, "__init__.py"))
        for module in range(modules):
            _touch(os.path.join(path, f"mod{module}.py"))
    for name in ("docs", "tests", "build", ".git"):
        os.mkdir(os.path.join(base, name))
        _touch(os.path.join(base, name, "README"))
    return base


def make_deep(base: str, levels: int) -> tuple[str, int]:
    """A chain of nested packages ``d/d/d/...``, as deep as ``levels`` or PATH_MAX allows."""
    os.makedirs(base)
    levels = min(levels, (4000 - len(base)) // 2)  # paths must stay below PATH_MAX (4096)
    path = base
    for _ in range(levels):
        path = os.path.join(path, "d")
        os.mkdir(path)
        _touch(os.path.join(path, "__init__.py"))
    return base, levels


def remove_deep(base: str) -> None:
    """Remove a ``make_deep`` chain bottom up: shutil.rmtree recurses once per level."""
    chain = [base]
    while os.path.isdir(os.path.join(chain[-1], "d")):
        chain.append(os.path.join(chain[-1], "d"))
    for path in reversed(chain):
        for name in os.listdir(path):
            if name != "d":
                os.unlink(os.path.join(path, name))
        os.rmdir(path)


# -- what is timed ----------------------------------------------------------------------


def floor(top: str) -> int:
    """A bare scandir walk that lists every directory once: the least any discovery does."""
    stack = [top]
    count = 0
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    stack.append(entry.path)
        count += 1
    return count


def count_dirs(top: str) -> int:
    return floor(top)


def patched_find(where: str, namespace: bool = False) -> list[str]:
    """setuptools' own entry point with safe-find's discovery patched in, as in a build."""
    with safe_find.patched():
        if namespace:
            return setuptools.find_namespace_packages(where)
        return setuptools.find_packages(where)


@dataclass
class Series:
    """Times of several functions measured in the same rounds."""

    times: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        return statistics.median(self.times[name])

    def ratio(self, top: str, bottom: str) -> float:
        """Median over rounds of top/bottom measured in the same round."""
        return statistics.median(a / b for a, b in zip(self.times[top], self.times[bottom]))

    def spread(self, top: str, bottom: str) -> tuple[float, float]:
        """The lowest and the highest per-round ratio: how far one round can be off."""
        ratios = [a / b for a, b in zip(self.times[top], self.times[bottom])]
        return min(ratios), max(ratios)


# A full collection before each timed call, so that no function pays for another's
# garbage; --quick leaves it out (it costs more than its tiny trees).
COLLECT = True


def rounds(functions: dict[str, Timed], repeat: int, warmup: int = 1) -> Series:
    """Time every function once per round, rotating the order; warm-up rounds are dropped."""
    names = list(functions)
    series = Series({name: [] for name in names})
    for index in range(warmup + repeat):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            if COLLECT:
                gc.collect()
            start = time.perf_counter()
            functions[name]()
            elapsed = time.perf_counter() - start
            if index >= warmup:
                series.times[name].append(elapsed)
    return series


# -- builds in subprocesses ---------------------------------------------------------------

DRIVER = r"""
import sys, os, site, time, json
start = time.perf_counter()
for entry in json.loads(sys.argv[1]):
    site.addsitedir(entry)
os.chdir(sys.argv[2])
import setuptools.build_meta as backend
name = backend.build_wheel(sys.argv[3])
print(json.dumps({"wheel": name, "safe_find": "safe_find" in sys.modules,
                  "seconds": time.perf_counter() - start}))
"""

HOOK_DRIVER = r"""
import sys, os, time, json, types
sys.path[:0] = json.loads(sys.argv[1])  # not addsitedir: the activation is timed here, not at the import
os.chdir(sys.argv[2])
import setuptools.build_meta  # the backend is imported before any hook runs
if sys.argv[3] == "marginal":
    import setuptools.compat.py310  # tomllib: every pyproject.toml build imports it anyway
before = set(sys.modules)
start = time.perf_counter()
from safe_find._plugin import activate_for_working_directory, finalize_distribution_options
activate_for_working_directory()  # what safe_find.pth runs at setuptools' import
finalize_distribution_options(types.SimpleNamespace(src_root=None))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(set(sys.modules) - before)}))
"""


START_UP_FILES = ("safe_find.pth", "safe_find.start")
# The file that activates safe-find on this Python: the .start entry point from 3.15 on (PEP 829).
START_UP_FILE = "safe_find.start" if sys.version_info >= (3, 15) else "safe_find.pth"


def make_environments(base: str) -> tuple[list[str], list[str]]:
    """Two sys.path lists: a copy of setuptools alone, and the same plus a safe-find overlay."""
    site = Path(setuptools.__file__).resolve().parent.parent
    plain = Path(base, "env-setuptools")
    plain.mkdir(parents=True)
    for name in ("setuptools", "_distutils_hack"):
        shutil.copytree(site / name, plain / name)
    (info,) = site.glob(f"setuptools-{setuptools.__version__}.dist-info")
    shutil.copytree(info, plain / info.name)
    overlay = Path(base, "env-safe-find")
    overlay.mkdir()
    package = Path(safe_find.__file__).parent
    shutil.copytree(package, overlay / "safe_find", ignore=shutil.ignore_patterns("__pycache__"))
    for name in START_UP_FILES:  # the start-up hook, as the wheel installs it
        shutil.copy2(package.parent / name, overlay)
    ours = importlib.metadata.distribution("safe-find")
    info = overlay / f"safe_find-{ours.version}.dist-info"
    info.mkdir()
    for name in ("METADATA", "entry_points.txt"):
        (info / name).write_text(ours.read_text(name) or "")
    if sys.version_info < (3, 11):  # safe-find's own dependency there
        import tomli

        shutil.copytree(Path(tomli.__file__).parent, overlay / "tomli")
    return [str(plain)], [str(overlay), str(plain)]


def make_project(base: str, packages: int) -> str:
    project = os.path.join(base, "project")
    make_package_tree(os.path.join(project, "src", "proj"), packages, 10, 2)
    Path(project, "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "proj"\nversion = "1.0"\n\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    )
    return project


def _clean(project: str) -> None:
    for path in (os.path.join(project, "build"), os.path.join(project, "src", "proj.egg-info")):
        shutil.rmtree(path, ignore_errors=True)


def run_build(path: list[str], project: str, out: str) -> dict[str, object]:
    _clean(project)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", DRIVER, json.dumps(path), project, out],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"build_wheel failed:\n{result.stdout}\n{result.stderr}")
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def wheel_names(out: str) -> list[str]:
    import zipfile

    (wheel,) = Path(out).glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


def bench_builds(base: str, packages: int, repeat: int) -> tuple[Series, Series, list[str]]:
    """Whole build_wheel of the same project, without and with safe-find, alternating:
    the wall times, the CPU times of the build processes, and what was checked."""
    plain, overlay = make_environments(base)
    project = make_project(base, packages)
    out = os.path.join(base, "wheel")
    notes: list[str] = []
    contents = {}
    reports = {}
    for label, path, expected in (("without", plain, False), ("with", overlay, True)):
        report = reports[label] = run_build(path, project, out)  # warm-up: writes the bytecode caches
        if report["safe_find"] is not expected:
            raise RuntimeError(f"safe-find {'not ' if expected else ''}loaded in the {label} build")
        contents[label] = wheel_names(out)
    if contents["with"] != contents["without"]:
        raise RuntimeError("the wheels with and without safe-find differ")
    notes.append(f"wheel of {packages} packages, {len(contents['with'])} files, identical with and without")

    cpu: dict[str, list[float]] = {"without": [], "with": []}

    def timed(label: str, path: list[str]) -> Timed:
        def build() -> None:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run_build(path, project, out)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[label].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

        return build

    if repeat == 0:  # --quick: the checked builds above are the measurement
        once = Series({label: [float(report["seconds"])] for label, report in reports.items()})
        return once, once, notes
    # Wall time of the whole subprocess (the clean-up inside is the same on both
    # sides), and the CPU time of the build process, which the scheduling of a
    # shared machine disturbs far less: between identical builds here, wall time
    # varies by up to 20 %.
    series = rounds({"without": timed("without", plain), "with": timed("with", overlay)}, repeat, warmup=0)
    return series, Series(cpu), notes


def build_instructions(base: str) -> dict[str, int]:
    """The user-space instructions of one build_wheel without and one with safe-find, as
    valgrind's callgrind counts them, with a fixed hash seed: the same count every run,
    whatever else the machine does, where the times of a shared machine vary by more than
    the 2 % the target allows. (System calls are not counted; safe-find adds few.)
    Runs after ``bench_builds``, in its environments and project."""
    plain = [os.path.join(base, "env-setuptools")]
    overlay = [os.path.join(base, "env-safe-find"), *plain]
    project = os.path.join(base, "project")
    out = os.path.join(base, "wheel")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"  # -I would ignore it: -S -s keep the path as bare
    counts = {}
    for label, path in (("without", plain), ("with", overlay)):
        _clean(project)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-S", "-s"]
        result = subprocess.run(
            [*command, "-c", DRIVER, json.dumps(path), project, out], capture_output=True, text=True, env=env
        )
        (line,) = [line for line in result.stderr.splitlines() if "Collected :" in line]
        counts[label] = int(line.split()[-1])
    return counts


def bench_hook(base: str, overlay: list[str], repeat: int) -> tuple[Series, list[str]]:
    """Import safe-find and run its hook in fresh processes, after setuptools.build_meta.

    "cold" counts every module the hook imports; "marginal" leaves out tomllib, which
    setuptools imports anyway to read pyproject.toml: what safe-find adds to a build.
    """
    project = os.path.join(base, "project")
    modules: list[str] = []

    def once(kind: str) -> float:
        nonlocal modules
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", HOOK_DRIVER, json.dumps(overlay), project, kind],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if kind == "cold":
            modules = report["modules"]
        return float(report["seconds"])

    series = Series({"cold": [], "marginal": []})
    if repeat > 1:
        once("cold")  # warm-up: bytecode caches
    for index in range(repeat):
        for kind in ("cold", "marginal") if index % 2 else ("marginal", "cold"):
            series.times[kind].append(once(kind))
    return series, modules


STARTUP_DRIVER = r"""
import json, site, sys, time
start = time.perf_counter()
for entry in json.loads(sys.argv[1]):
    site.addsitedir(entry)  # runs the .pth files there, as site does at start-up
print(time.perf_counter() - start)
"""


def bench_startup(plain: list[str], overlay: list[str], repeat: int) -> Series:
    """What safe-find's start-up file adds to interpreter start-up: ``site.addsitedir`` of the build
    environment's directories, timed inside fresh processes, with and without safe-find's
    overlay (the whole start-up of a process varies by more than the difference)."""

    def start(path: list[str]) -> float:
        command = [sys.executable, "-I", "-S", "-c", STARTUP_DRIVER, json.dumps(path)]
        return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    series = Series({"without": [], "with": []})
    for index in range(repeat + 2):  # two rounds of warm-up: bytecode caches
        for label, path in (("without", plain), ("with", overlay))[:: 1 if index % 2 else -1]:
            elapsed = start(path)
            if index >= 2:
                series.times[label].append(elapsed)
    return series


# -- growth ---------------------------------------------------------------------------------


def fit_exponent(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Sizes:
    src: int
    flat: int
    deep: int
    build: int
    growth: tuple[int, ...]
    modules: int
    repeat: int
    build_repeat: int
    hook_repeat: int
    startup_repeat: int


FULL = Sizes(7000, 7000, 3000, 2000, (1000, 3000, 10000, 30000, 50000), 4, 11, 6, 15, 101)
QUICK = Sizes(60, 60, 30, 10, (30, 90), 1, 3, 0, 1, 3)


@dataclass
class Row:
    tree: str
    dirs: int
    finder: str
    series: Series
    stock: bool = True

    def cells(self) -> list[str]:
        s = self.series

        def ms(name: str) -> str:
            return f"{s.median(name) * 1000:.1f}"

        stock = ms("stock") if self.stock else "fails"
        sf_stock = f"{s.ratio('safe-find', 'stock'):.2f}" if self.stock else "-"
        return [
            self.tree,
            str(self.dirs),
            self.finder,
            stock,
            ms("safe-find"),
            ms("patched"),
            ms("floor"),
            sf_stock,
            f"{s.ratio('safe-find', 'floor'):.2f}",
        ]


def markdown(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def discovery(where: str, namespace: bool, repeat: int, stock: bool = True) -> Series:
    """Stock, safe-find (public and patched) and the floor on one tree; checks equal results."""
    stock_find = setuptools.find_namespace_packages if namespace else setuptools.find_packages
    ours = safe_find.find_namespace_packages if namespace else safe_find.find_packages
    expected = stock_find(where) if stock else ours(where)
    for got in (ours(where), patched_find(where, namespace)):
        if got != expected:
            raise RuntimeError(f"safe-find's packages differ from stock setuptools' on {where}")
    functions: dict[str, Timed] = {
        "safe-find": lambda: ours(where),
        "patched": lambda: patched_find(where, namespace),
        "floor": lambda: floor(where),
    }
    if stock:
        functions["stock"] = lambda: stock_find(where)
    return rounds(functions, repeat)


def stock_fails(where: str) -> str | None:
    try:
        setuptools.find_packages(where)
    except RecursionError:
        return "RecursionError"
    return None


def machine() -> list[str]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or model
    return [
        f"CPU: {model}, nproc {os.cpu_count()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"setuptools {setuptools.__version__}, {platform.system()} {platform.release()}",
    ]


def load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny trees and few rounds: a smoke test")
    parser.add_argument("--repeat", type=int, help="rounds per discovery measurement (median of them)")
    parser.add_argument("--no-build", action="store_true", help="skip the build_wheel and hook measurements")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions of one build with and one without safe-find (needs valgrind; "
        "about 5 minutes at full size)",
    )
    parser.add_argument("--dir", help="where to make the trees (default: the system's temporary directory)")
    parser.add_argument(
        "--build-dir",
        help=f"where to run the builds (default: {RAM_DIR} if there is one, else as --dir): on a disk, "
        "writing the wheel's files makes identical builds differ by up to a third",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    global COLLECT
    COLLECT = not args.quick
    repeat = args.repeat or sizes.repeat
    results: dict[str, object] = {}
    print(*machine(), f"load average at start: {load()}", sep="\n", flush=True)
    quiet = logging.getLogger("safe_find")  # thousands of loop reports: counted, not printed
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(tempfile.TemporaryDirectory(prefix="sfb-", dir=args.dir))
        print(f"trees in {base}", flush=True)
        rows = discovery_rows(base, sizes, repeat)
        print("\n## Package discovery (median ms; ratios are medians of per-round ratios)\n")
        header = ["tree", "dirs", "finder", "stock", "safe-find", "patched", "floor", "sf/stock", "sf/floor"]
        print(markdown(header, (row.cells() for row in rows)), flush=True)
        results["discovery"] = {f"{row.tree}/{row.finder}": row.series.times for row in rows}

        loops = loop_series(base, sizes, repeat)
        print(
            f"\nLooping tree ({loops[1]} links): safe-find {loops[0].median('loops') * 1000:.1f} ms, "
            f"same tree without links {loops[0].median('no-links') * 1000:.1f} ms, "
            f"ratio {loops[0].ratio('loops', 'no-links'):.2f} (same packages)",
            flush=True,
        )
        print(
            "  the same through patched setuptools, each loop logged: "
            f"{loops[0].median('patched-loops') * 1000:.1f} ms "
            f"vs {loops[0].median('patched-no-links') * 1000:.1f} ms, "
            f"ratio {loops[0].ratio('patched-loops', 'patched-no-links'):.2f}",
            flush=True,
        )
        results["loops"] = loops[0].times

        growth = growth_series(os.path.join(base, "growth"), sizes.growth, repeat)
        print("\n## Growth (src layout, find_packages, median ms)\n")
        print(
            markdown(
                ["dirs", "stock", "safe-find", "floor"],
                [[str(n)] + [f"{s.median(k) * 1000:.1f}" for k in ("stock", "safe-find", "floor")] for n, s in growth],
            )
        )
        exponents = {
            key: fit_exponent([(n, s.median(key)) for n, s in growth]) for key in ("stock", "safe-find", "floor")
        }
        print("fitted exponent (time ~ dirs^k): " + ", ".join(f"{k} {v:.3f}" for k, v in exponents.items()))
        results["growth"] = {str(n): s.times for n, s in growth}
        results["exponents"] = exponents

        if not args.no_build:
            in_ram = RAM_DIR if os.path.isdir(RAM_DIR) and os.access(RAM_DIR, os.W_OK) else None
            where = args.build_dir or in_ram or args.dir
            build_base = stack.enter_context(tempfile.TemporaryDirectory(prefix="sfb-build-", dir=where))
            print(f"\nbuilds in {build_base}", flush=True)
            builds, cpu, notes = bench_builds(os.path.join(build_base, "build"), sizes.build, sizes.build_repeat)
            print(f"\n## Whole build_wheel, {sizes.build} packages (median s of {sizes.build_repeat} each)\n")
            print(*notes, sep="\n")
            print(
                f"wall time: without safe-find {builds.median('without'):.3f} s, with {builds.median('with'):.3f} s, "
                f"with/without {builds.ratio('with', 'without'):.3f} "
                "(one pair: {:.2f} to {:.2f})".format(*builds.spread("with", "without")),
                f"CPU time of the build process: without {cpu.median('without'):.3f} s, "
                f"with {cpu.median('with'):.3f} s, with/without {cpu.ratio('with', 'without'):.3f} "
                "(one pair: {:.2f} to {:.2f})".format(*cpu.spread("with", "without")),
                "(medians; a ratio is the median over pairs of builds run back to back, each order equally often)",
                sep="\n",
                flush=True,
            )
            results["build"] = builds.times
            results["build_cpu"] = cpu.times
            build = os.path.join(build_base, "build")
            if args.instructions:
                counts = build_instructions(build)
                print(
                    f"instructions (callgrind): without safe-find {counts['without'] / 1e6:,.1f} M, "
                    f"with {counts['with'] / 1e6:,.1f} M, with/without {counts['with'] / counts['without']:.4f}",
                    flush=True,
                )
                results["build_instructions"] = counts
            overlay = [os.path.join(build, "env-safe-find"), os.path.join(build, "env-setuptools")]
            hook, modules = bench_hook(build, overlay, sizes.hook_repeat)
            print(
                f"import safe-find + run its hook: {hook.median('marginal') * 1000:.2f} ms added to a build "
                f"({hook.median('cold') * 1000:.2f} ms counting tomllib, which setuptools imports anyway; "
                f"medians of {sizes.hook_repeat} processes each)"
            )
            print(f"modules it imports that setuptools.build_meta had not: {', '.join(modules)}")
            results["hook"] = hook.times
            start = bench_startup(overlay[1:], overlay, sizes.startup_repeat)
            added = (start.median("with") - start.median("without")) * 1000
            print(
                f"interpreter start-up with {START_UP_FILE}: {added:.3f} ms added (site.addsitedir of the "
                f"environment: {start.median('with') * 1000:.3f} ms with safe-find, "
                f"{start.median('without') * 1000:.3f} ms without; medians of {sizes.startup_repeat} processes each)"
            )
            results["startup"] = start.times
        print("\n## Against the targets (issues 6, 12 and 13)\n")
        print(markdown(["target", "limit", "measured", "met"], target_rows(rows, loops[0], exponents, results)))
    print(f"\nload average at end: {load()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def target_rows(
    rows: Sequence[Row], loops: Series, exponents: dict[str, float], results: dict[str, object]
) -> list[list[str]]:
    """Each target of the issue, its limit, the worst value this run measured, and whether it holds."""

    def row(target: str, limit: float, measured: float, unit: str = "", digits: int = 2) -> list[str]:
        return [target, f"<= {limit:g}{unit}", f"{measured:.{digits}f}{unit}", "yes" if measured <= limit else "NO"]

    acyclic = list(rows)
    table = [
        row(
            "acyclic discovery, safe-find / stock (worst tree and finder)",
            0.6,
            max(r.series.ratio("safe-find", "stock") for r in acyclic if r.stock),
        ),
        row(
            "acyclic discovery, safe-find / floor (worst tree and finder)",
            1.3,
            max(r.series.ratio("safe-find", "floor") for r in acyclic),
        ),
        row("looping tree, safe-find / same tree without links", 1.5, loops.ratio("loops", "no-links")),
    ]
    counts = results.get("build_instructions")
    if isinstance(counts, dict):
        ratio = counts["with"] / counts["without"]
        table.append(row("whole build_wheel, with safe-find / without (instructions)", 1.02, ratio, "", 4))
    build = results.get("build_cpu")
    if isinstance(build, dict) and build.get("with"):
        builds = Series(build)
        table.append(
            row(
                "whole build_wheel, with safe-find / without (CPU time)",
                1.02,
                builds.ratio("with", "without"),
                "",
                3,
            )
        )
    hook = results.get("hook")
    if isinstance(hook, dict) and hook.get("marginal"):
        table.append(row("import safe-find + run its hook", 5, Series(hook).median("marginal") * 1000, " ms"))
    startup = results.get("startup")
    if isinstance(startup, dict) and startup.get("with"):
        added = (Series(startup).median("with") - Series(startup).median("without")) * 1000
        table.append(row(f"interpreter start-up, {START_UP_FILE}", 1, added, " ms", 3))
    exponent = exponents["safe-find"]
    table.append(["time ~ dirs^k, safe-find (linear: k = 1)", "about 1", f"{exponent:.3f}", "-"])
    return table


def discovery_rows(base: str, sizes: Sizes, repeat: int) -> list[Row]:
    rows = []
    src = make_src_layout(os.path.join(base, "src-layout"), sizes.src, modules=sizes.modules)
    flat = make_flat_layout(os.path.join(base, "flat"), sizes.flat, sizes.modules)
    deep, levels = make_deep(os.path.join(base, "deep"), sizes.deep)
    aliased, aliases = make_aliased(os.path.join(base, "aliased"), sizes.src, sizes.modules)
    for tree, where in (("src", src), ("flat", flat), (f"aliased ({aliases} aliases)", aliased)):
        dirs = count_dirs(where)
        for namespace in (False, True):
            finder = "find_namespace_packages" if namespace else "find_packages"
            rows.append(Row(tree, dirs, finder, discovery(where, namespace, repeat)))
    failure = stock_fails(deep)
    rows.append(
        Row(
            f"deep ({levels} levels)",
            levels + 1,
            "find_packages",
            discovery(deep, False, repeat, not failure),
            not failure,
        )
    )
    remove_deep(os.path.join(base, "deep"))
    return rows


def loop_series(base: str, sizes: Sizes, repeat: int) -> tuple[Series, int]:
    """safe-find on the src tree with a back link in every leaf package, and without them."""
    plain = make_src_layout(os.path.join(base, "loops-plain"), sizes.src, modules=sizes.modules)
    looping = make_src_layout(os.path.join(base, "loops"), sizes.src, modules=sizes.modules, loops=True)
    links = int(Path(looping).parent.joinpath("links").read_text())
    if safe_find.find_packages(looping) != safe_find.find_packages(plain):
        raise RuntimeError("the looping tree gives other packages than the same tree without links")
    series = rounds(
        {
            "loops": lambda: safe_find.find_packages(looping),
            "no-links": lambda: safe_find.find_packages(plain),
            # In a build: every loop is recorded and logged (here to a handler that drops it).
            "patched-loops": lambda: patched_find(looping),
            "patched-no-links": lambda: patched_find(plain),
        },
        repeat,
    )
    return series, links


def growth_series(base: str, counts: Sequence[int], repeat: int) -> list[tuple[int, Series]]:
    out = []
    for count in counts:
        where = make_src_layout(os.path.join(base, str(count)), count, modules=1)
        out.append(
            (
                count,
                rounds(
                    {
                        "stock": lambda w=where: setuptools.find_packages(w),
                        "safe-find": lambda w=where: safe_find.find_packages(w),
                        "floor": lambda w=where: floor(w),
                    },
                    repeat,
                ),
            )
        )
        shutil.rmtree(os.path.join(base, str(count)))
    return out


if __name__ == "__main__":
    sys.exit(main())
