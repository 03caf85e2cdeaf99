"""One project for each way a setuptools project can name its packages, each with loops in its package.

Every tree holds ``mypkg/a/mypkg -> ..`` and ``mypkg/b/mypkg -> ..`` (below ``src/``
for the src layouts): two links back into the package at one level, the shape of
the original report, which stock setuptools walks 2**40 times in whatever code
reads the configuration first. The styles differ in *when* setuptools walks:

- ``pyproject-find``, ``auto-src``, ``auto-flat``: while the ``Distribution`` reads
  pyproject.toml, after the ``finalize_distribution_options`` hooks;
- ``setup-cfg-*`` and ``setup-requires``: also in ``setup()``'s first parse of
  setup.cfg (for ``setup_requires``), which runs no plugin hook, in every
  ``get_requires_*`` hook;
- ``setup-py-find-packages``: in ``setup.py`` itself, before ``setup()`` is called.

Each names ``setuptools.build_meta`` as its backend: safe-find in ``requires`` is all
it takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers import Link, Spec

PACKAGE = {
    "__init__.py": "",
    "mod.py": "X = 1\n",
    "a": {"__init__.py": "NAME = 'a'\n", "mypkg": Link("..")},
    "b": {"__init__.py": "NAME = 'b'\n", "mypkg": Link("..")},
}
PACKAGES = ["mypkg", "mypkg.a", "mypkg.b"]
BUILD_SYSTEM = '[build-system]\nrequires = ["setuptools", "safe-find"]\nbuild-backend = "setuptools.build_meta"\n'
PROJECT = '[project]\nname = "mypkg"\nversion = "1.0"\n'
METADATA = "[metadata]\nname = mypkg\nversion = 1.0\n\n"
FIND = "[options.packages.find]\ninclude = mypkg*\n"


@dataclass(frozen=True)
class Style:
    name: str
    tree: Spec
    src: bool = False  # the package is in src/

    @property
    def links(self) -> list[str]:
        """The looping links, as the build log and ``safe-find check`` name them."""
        base = "src/mypkg" if self.src else "mypkg"
        return [f"{base}/a/mypkg", f"{base}/b/mypkg"]


def _styles() -> list[Style]:
    src = {"src": {"mypkg": PACKAGE}}
    flat = {"mypkg": PACKAGE}
    cfg = {"pyproject.toml": BUILD_SYSTEM}
    return [
        Style(
            "pyproject-find",
            {
                "pyproject.toml": BUILD_SYSTEM + PROJECT + '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
                **src,
            },
            src=True,
        ),
        Style("auto-src", {"pyproject.toml": BUILD_SYSTEM + PROJECT, **src}, src=True),
        Style("auto-flat", {"pyproject.toml": BUILD_SYSTEM + PROJECT, **flat}),
        Style("setup-cfg-find", {**cfg, "setup.cfg": METADATA + "[options]\npackages = find:\n" + FIND, **flat}),
        Style(
            "setup-cfg-find-namespace",
            {**cfg, "setup.cfg": METADATA + "[options]\npackages = find_namespace:\n" + FIND, **flat},
        ),
        Style(
            "setup-cfg-find-setup-py",
            {
                **cfg,
                "setup.cfg": METADATA + "[options]\npackages = find:\npackage_dir =\n    = src\n\n"
                "[options.packages.find]\nwhere = src\n",
                "setup.py": "from setuptools import setup\n\nsetup()\n",
                **src,
            },
            src=True,
        ),
        Style(
            "setup-py-find-packages",
            {
                **cfg,
                "setup.py": "from setuptools import find_packages, setup\n\n"
                "# find_packages() runs before setup() is even called.\n"
                'setup(name="mypkg", version="1.0", packages=find_packages(include=["mypkg*"]))\n',
                **flat,
            },
        ),
        Style(
            "setup-requires",
            {
                **cfg,
                "setup.cfg": METADATA + "[options]\npackages = find:\nsetup_requires = packaging\n"
                "dependency_links = https://example.invalid/simple/\n" + FIND,
                **flat,
            },
        ),
    ]


STYLES = {style.name: style for style in _styles()}
