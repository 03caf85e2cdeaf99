"""safe-find: setuptools builds that finish when the project tree has link loops.

List ``safe-find`` in ``[build-system] requires`` and setuptools' walks become
cycle-safe through its ``finalize_distribution_options`` hook. The functions here
are the same walks for direct use.
"""

from __future__ import annotations

from ._config import ConfigError, Settings, load_settings
from ._finders import WalkOptions, find_namespace_packages, find_packages
from ._glob import findall, glob, iglob
from ._patches import patched
from ._report import LinkError, SafeFindError
from ._walk import Directory, LinkReport, walk

__all__ = [
    "ConfigError",
    "Directory",
    "LinkError",
    "LinkReport",
    "SafeFindError",
    "Settings",
    "WalkOptions",
    "find_namespace_packages",
    "find_packages",
    "findall",
    "glob",
    "iglob",
    "load_settings",
    "patched",
    "walk",
]
