"""Projects that reach each file-selection walk of setuptools through real configuration.

``looping(version)`` gives one project per walk, with two links back into the
walked directory, placed where no other walk goes (not in a package, so package
discovery never enters them): stock setuptools goes round them 2**40 times.
``acyclic(version)`` gives projects that use the same features on trees without
a loop (but with links), for artifact parity with stock setuptools.

A ``version`` is setuptools' release as a tuple: the configuration each project
uses must exist in it (``project.license-files`` came in 77).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from helpers import Fifo, Link, Spec

Version = tuple[int, ...]
STOCK_BACKEND = "setuptools.build_meta"


@dataclass
class Project:
    name: str
    walk: str  # the walk safe-find names in its log and messages
    tree: Spec
    backend: str = STOCK_BACKEND
    # the backend stock setuptools builds the project with (safe_find.build_meta is not there)
    stock_backend: str = STOCK_BACKEND
    notes: dict[str, str] = field(default_factory=dict)
    # Whether the walk goes through the loops at all; where it does not, safe-find
    # must not name them either (it judges only the links a walk would follow).
    loops_walked: bool = True
    # The looping links the log must name (and no other), as paths from the project root.
    links: list[str] = field(default_factory=lambda: ["one/loop", "two/loop"])
    # Other lines the log of some hook must hold.
    said: list[str] = field(default_factory=list)


def without_links(spec: Spec) -> dict[str, Union[str, Spec]]:
    """The same tree with every link (and every FIFO) left out."""
    return {
        name: value if isinstance(value, str) else without_links(value)
        for name, value in spec.items()
        if not isinstance(value, (Link, Fifo))
    }


def first_link_only(spec: Spec) -> dict[str, Union[str, Link, Spec]]:
    """The tree with only its first link: stock setuptools then ends (at the kernel's
    40-link limit) but has gone round the loop, which shows the walk meets it."""
    kept = [False]

    def prune(node: Spec) -> dict[str, Union[str, Link, Spec]]:
        result: dict[str, Union[str, Link, Spec]] = {}
        for name, value in node.items():
            if isinstance(value, Link):
                if kept[0]:
                    continue
                kept[0] = True
                result[name] = value
            elif isinstance(value, (str, Fifo)):
                result[name] = value
            else:
                result[name] = prune(value)
        return result

    return prune(spec)


def _build_system(backend: str = STOCK_BACKEND) -> str:
    return f'[build-system]\nrequires = ["setuptools>=61", "safe-find"]\nbuild-backend = "{backend}"\n'


def _loop_pair(files: dict[str, str]) -> Spec:
    """A directory holding ``files`` and two subdirectories, each with ``loop -> ..``."""
    return {**files, "one": {"inner.txt": "1\n", "loop": Link("..")}, "two": {"loop": Link("..")}}


def looping(version: Version) -> list[Project]:
    package = {"__init__.py": "", "mod.py": "X = 1\n"}
    projects = [
        Project(
            "package-data",
            "package data",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "loop-package-data"\nversion = "1.0"\n'
                + '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
                + '[tool.setuptools.package-data]\npkg = ["data/**/*.txt", "data/**/*.json"]\n',
                "src": {
                    "pkg": {**package, "data": _loop_pair({"top.txt": "t\n", ".hidden.txt": "h\n", "d.json": "{}"})}
                },
            },
        ),
        Project(
            "manifest",
            "MANIFEST.in patterns",
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = loop-manifest\nversion = 1.0\n\n[options]\npackages = pkg\n",
                "MANIFEST.in": "recursive-include docs *.rst *.txt\n",
                "pkg": package,
                "docs": _loop_pair({"index.rst": "i\n", ".hidden.rst": "h\n"}),
            },
        ),
        Project(
            "data-files",
            "configuration globs",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "loop-data-files"\nversion = "1.0"\n'
                + '[tool.setuptools]\npackages = ["pkg"]\n'
                + '[tool.setuptools.data-files]\n"share/loop-data-files" = ["assets/**/*.txt"]\n',
                "pkg": package,
                "assets": _loop_pair({"a.txt": "a\n"}),
            },
        ),
        Project(
            "findall",
            "setuptools.findall",
            {
                "pyproject.toml": _build_system("safe_find.build_meta"),
                "setup.py": "from setuptools import findall, setup\n\n"
                "# findall runs before setup(): only the backend wrapper is early enough.\n"
                'setup(name="loop-findall", version="1.0", packages=["pkg"],\n'
                '      data_files=[("share/loop-findall", findall("assets"))])\n',
                "pkg": package,
                "assets": _loop_pair({"a.txt": "a\n"}),
            },
            backend="safe_find.build_meta",
        ),
    ]
    licenses = _loop_pair({"MIT.txt": "mit\n"})
    if version >= (77,):
        license_config = {
            "pyproject.toml": _build_system()
            + '[project]\nname = "loop-license"\nversion = "1.0"\nlicense-files = ["LICENSES/**/*.txt"]\n'
            + '[tool.setuptools]\npackages = ["pkg"]\n'
        }
    else:
        license_config = {
            "pyproject.toml": _build_system(),
            "setup.cfg": "[metadata]\nname = loop-license\nversion = 1.0\nlicense_files = LICENSES/**/*.txt\n\n"
            "[options]\npackages = pkg\n",
        }
    # Before 77, license files are globbed without ``**`` recursion: LICENSES/**/*.txt is
    # LICENSES/*/*.txt there, which lists one/ and two/ and never goes through a loop.
    projects.append(
        Project(
            "license-files",
            "license files",
            {**license_config, "pkg": package, "LICENSES": licenses},
            loops_walked=version >= (77,),
        )
    )
    projects += [
        # distutils' findall remembers the directories it entered from the graft's root:
        # a link above that root was entered once, a second copy of the package.
        Project(
            "graft-above-its-root",
            "MANIFEST.in graft and global-include",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "graft-above"\nversion = "1.0"\n'
                + "[tool.setuptools]\ninclude-package-data = true\n"
                + '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
                "MANIFEST.in": "graft src/repo_name/data\n",
                "src": {
                    "repo_name": {
                        **package,
                        "data": {"file.txt": "f\n", "deep": {"inner.txt": "i\n", "up": Link("../..")}},
                    }
                },
            },
            links=["src/repo_name/data/deep/up"],
        ),
        # FIFOs that MANIFEST.in patterns and data files match: setuptools copies them,
        # and reading a FIFO blocks until a writer comes.
        Project(
            "fifo-manifest",
            "MANIFEST.in patterns",
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = fifo-manifest\nversion = 1.0\n\n"
                "[options]\npackages = pkg\ninclude_package_data = true\n",
                "MANIFEST.in": "include pkg/*.dat\nrecursive-include pkg *.bin\n",
                "pkg": {**package, "a.dat": "a\n", "pipe.dat": Fifo(), "deep": {"x.bin": "x", "pipe.bin": Fifo()}},
            },
            links=[],
            said=[
                "safe-find: pkg/pipe.dat: a FIFO, not a regular file: left out (copying it would block or fail)",
                "safe-find: pkg/deep/pipe.bin: a FIFO, not a regular file: left out (copying it would block or fail)",
            ],
        ),
        Project(
            "fifo-data-files",
            "configuration globs",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "fifo-data-files"\nversion = "1.0"\n'
                + '[tool.setuptools]\npackages = ["pkg"]\n'
                + '[tool.setuptools.data-files]\n"share/fifo" = ["assets/*"]\n',
                "pkg": package,
                "assets": {"a.txt": "a\n", "pipe": Fifo()},
            },
            links=[],
            said=["safe-find: assets/pipe: a FIFO, not a regular file: left out (copying it would block or fail)"],
        ),
    ]
    return projects


def acyclic(version: Version) -> list[Project]:
    """Projects with links but no loop, using every file-selection feature."""
    package = {"__init__.py": "", "mod.py": "X = 1\n"}
    shared = {"shared.txt": "s\n", "deep": {"deeper.txt": "d\n", ".dot.txt": "."}}
    license_files = '["LICEN[CS]E*", "LICENSES/**/*.txt", "AUTHORS*"]'
    if version >= (77,):
        license_lines = f"license-files = {license_files}\n[tool.setuptools]\n"
    else:
        license_lines = f"[tool.setuptools]\nlicense-files = {license_files}\n"
    return [
        Project(
            "package-data-parity",
            "package data",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "parity-package-data"\nversion = "1.0"\n'
                + '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
                + '[tool.setuptools.package-data]\n"*" = ["*.cfg"]\n'
                + 'pkg = ["data/**", "data/**/*.txt", ".hidden/*", "**/*.json", "tpl/*/"]\n'
                + '[tool.setuptools.exclude-package-data]\npkg = ["data/skip/**", "**/*.bak"]\n',
                "src": {
                    "pkg": {
                        **package,
                        "settings.cfg": "c\n",
                        "data": {
                            "a.txt": "a\n",
                            ".h.txt": "h\n",
                            "x.bak": "b\n",
                            "nested": {"b.txt": "b\n", "c.json": "{}", ".hd": {"e.txt": "e\n"}},
                            "skip": {"s.txt": "s\n"},
                            "alias": Link("../../shared"),
                            "again": Link("../../shared"),
                        },
                        ".hidden": {"f.txt": "f\n"},
                        "tpl": {"one": {"t.txt": "t\n"}},
                        "sub": {"__init__.py": "", "s.json": "{}"},
                    },
                    "shared": shared,
                },
            },
        ),
        Project(
            "manifest-parity",
            "MANIFEST.in patterns",
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = parity-manifest\nversion = 1.0\n\n[options]\npackages = pkg\n",
                "MANIFEST.in": "include *.md\ninclude docs/*.rst\nrecursive-include docs *.rst *.txt\n"
                "recursive-include . *.ini\ngraft assets\nglobal-include *.cfgx\nprune assets/cache\n"
                "exclude docs/skip.rst\nrecursive-exclude docs *.tmp\nglobal-exclude *.pyc\n",
                "README.md": "r\n",
                "NOTES.md": "n\n",
                "pkg": {**package, "p.cfgx": "x\n"},
                "docs": {
                    "index.rst": "i\n",
                    "skip.rst": "s\n",
                    ".hidden.rst": "h\n",
                    "t.tmp": "t\n",
                    "a.ini": "a\n",
                    "guide": {"g.rst": "g\n", "n.txt": "n\n", ".hd": {"x.rst": "x\n"}},
                    "alias": Link("../extra"),
                },
                "extra": {"e.rst": "e\n", "e.cfgx": "c\n"},
                "assets": {"one.bin": "1\n", "cache": {"c.bin": "c\n"}, "more": {"m.bin": "m\n", "z.pyc": "z"}},
            },
        ),
        Project(
            "graft-aliases-parity",
            "MANIFEST.in graft and global-include",
            # distutils' findall enters shared/ once, through the first alias it meets:
            # safe-find's findall too (each alias alone would give it again).
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = graft-aliases\nversion = 1.0\n\n[options]\npackages = pkg\n",
                "MANIFEST.in": "graft docs\nglobal-include *.cfgx\n",
                "pkg": package,
                "docs": {"a.rst": "a\n", "one": Link("../shared"), "two": Link("../shared")},
                "shared": {"s.rst": "s\n", "x.cfgx": "x\n", "inner": {"i.rst": "i\n"}},
            },
        ),
        Project(
            "manifest-graft-loop",
            "MANIFEST.in patterns",
            # graft and global-include use distutils' findall, which stops at a directory
            # it entered before; safe-find stops there too, and names the loop.
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = graft-loop\nversion = 1.0\n\n[options]\npackages = pkg\n",
                "MANIFEST.in": "graft docs\nglobal-include *.cfgx\n",
                "pkg": package,
                "docs": {"a.rst": "a\n", "x.cfgx": "x\n", "sub": {"b.rst": "b\n", "loop": Link("..")}},
            },
        ),
        Project(
            "license-parity",
            "license files",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "parity-license"\nversion = "1.0"\n'
                + license_lines
                + 'packages = ["pkg"]\n',
                "LICENSE": "l\n",
                "LICENCE.txt": "l\n",
                "AUTHORS.rst": "a\n",
                "LICENSES": {"a.txt": "a\n", ".b.txt": "b\n", "vendor": {"c.txt": "c\n"}, "alias": Link("../third")},
                "third": {"t.txt": "t\n"},
                "pkg": package,
            },
        ),
        Project(
            "data-files-parity",
            "configuration globs",
            {
                "pyproject.toml": _build_system()
                + '[project]\nname = "parity-data-files"\nversion = "1.0"\n'
                + '[tool.setuptools]\npackages = ["pkg"]\n'
                + "[tool.setuptools.data-files]\n"
                + '"share/a" = ["assets/**/*.txt", "assets/*.dat"]\n'
                + '"share/b" = ["assets/literal.cfg", "assets/.hidden/*"]\n',
                "pkg": package,
                "assets": {
                    "x.txt": "x\n",
                    "y.dat": "y\n",
                    "literal.cfg": "c\n",
                    ".hidden": {"h.txt": "h\n"},
                    "sub": {"z.txt": "z\n", "alias": Link("../../other")},
                },
                "other": {"o.txt": "o\n"},
            },
        ),
        Project(
            "setup-cfg-data-files-parity",
            "configuration globs",
            {
                "pyproject.toml": _build_system(),
                "setup.cfg": "[metadata]\nname = parity-cfg-data\nversion = 1.0\n\n[options]\npackages = pkg\n\n"
                "[options.data_files]\nshare/c = assets/**/*.txt\n",
                "pkg": package,
                "assets": {"x.txt": "x\n", "sub": {"z.txt": "z\n"}},
            },
        ),
        Project(
            "findall-parity",
            "setuptools.findall",
            {
                "pyproject.toml": _build_system("safe_find.build_meta"),
                "setup.py": "from setuptools import findall, setup\n\n"
                'setup(name="parity-findall", version="1.0", packages=["pkg"],\n'
                '      data_files=[("share/f", findall("assets"))])\n',
                "pkg": package,
                "assets": {"a.txt": "a\n", ".h": "h\n", "sub": {"b.txt": "b\n", "alias": Link("../../other")}},
                "other": {"o.txt": "o\n"},
            },
            backend="safe_find.build_meta",
        ),
    ]
