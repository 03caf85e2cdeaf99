"""What ``safe_find.start`` (Python 3.15 and later) and ``safe_find.pth`` (older) run at start-up.

It hands ``_startup.install`` the activation, so that the bottom module that
start-up imports never reaches up into the setuptools integration: ``_plugin``
(and through it the configuration, the patches and the log) is imported only at
setuptools' first import, never in an interpreter that does not build.
"""

from . import _startup


def start() -> None:
    """The start-up entry point (``safe_find._activation:start``): called with no arguments."""
    _startup.install(_activate_for_working_directory)


def _activate_for_working_directory() -> None:
    from ._plugin import activate_for_working_directory

    activate_for_working_directory()
