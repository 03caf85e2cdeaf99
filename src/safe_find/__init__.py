"""safe-find: setuptools builds that finish when the project tree has link loops.

List ``safe-find`` in ``[build-system] requires``: its start-up hook (``safe_find.pth``)
and its setuptools plugin make setuptools' walks cycle-safe. The names here are the
same walks, and what they report, for direct use.
"""

# Interpreter start-up imports this package (safe_find.start or safe_find.pth runs
# safe_find._activation):
# nothing here may import what start-up does not, typing and __future__ included.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, imported on first use by __getattr__ below
    from ._config import Settings, load_settings
    from ._errors import CheckError, ConfigError, FanOutError, InternalError, LinkError, SafeFindError
    from ._fanout import FanOutReport
    from ._finders import find_namespace_packages, find_packages
    from ._glob import findall, glob, iglob
    from ._patches import patched
    from ._walk import Directory, LinkReport, SpecialFileReport, WalkOptions, walk

__version__ = "0.1.0"

__all__ = [
    "CheckError",
    "ConfigError",
    "Directory",
    "FanOutError",
    "FanOutReport",
    "InternalError",
    "LinkError",
    "LinkReport",
    "SafeFindError",
    "Settings",
    "SpecialFileReport",
    "WalkOptions",
    "__version__",
    "find_namespace_packages",
    "find_packages",
    "findall",
    "glob",
    "iglob",
    "load_settings",
    "patched",
    "walk",
]

# The module of each public name. Every build imports this package (the start-up
# hook, the plugin hook): importing all of it here would put the walk and the finders
# on that path even when nothing is discovered (PEP 562 lazy attributes).
_HOMES = {
    "CheckError": "_errors",
    "ConfigError": "_errors",
    "FanOutError": "_errors",
    "InternalError": "_errors",
    "LinkError": "_errors",
    "SafeFindError": "_errors",
    "Settings": "_config",
    "load_settings": "_config",
    "find_namespace_packages": "_finders",
    "find_packages": "_finders",
    "findall": "_glob",
    "glob": "_glob",
    "iglob": "_glob",
    "patched": "_patches",
    "FanOutReport": "_fanout",
    "Directory": "_walk",
    "LinkReport": "_walk",
    "SpecialFileReport": "_walk",
    "WalkOptions": "_walk",
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
