"""safe-find: setuptools builds that finish when the project tree has link loops.

List ``safe-find`` in ``[build-system] requires`` and setuptools' walks become
cycle-safe through its ``finalize_distribution_options`` hook. The functions here
are the same walks for direct use.
"""

# Interpreter start-up imports this package (safe_find.pth runs safe_find._startup):
# nothing here may import what start-up does not, typing included.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, imported on first use by __getattr__ below
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

# The module of each public name. setuptools' hook imports safe_find._plugin, and so
# this package, in every build: importing all of it here would put the walk and the
# finders on that path even when nothing is discovered (PEP 562 lazy attributes).
_HOMES = {
    "ConfigError": "_config",
    "Settings": "_config",
    "load_settings": "_config",
    "WalkOptions": "_finders",
    "find_namespace_packages": "_finders",
    "find_packages": "_finders",
    "findall": "_glob",
    "glob": "_glob",
    "iglob": "_glob",
    "patched": "_patches",
    "LinkError": "_report",
    "SafeFindError": "_errors",
    "Directory": "_walk",
    "LinkReport": "_walk",
    "walk": "_walk",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
