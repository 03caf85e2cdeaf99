"""Small path helpers that several modules share."""

from __future__ import annotations

import functools
import os
from typing import Union

StrPath = Union[str, "os.PathLike[str]"]


@functools.lru_cache(maxsize=64)
def real_path(path: str) -> str:
    """``os.path.realpath(path)``, once per process and path: it costs a ``stat`` per
    component, and a build asks it of the same project root for every walk (thousands
    of glob patterns) and for every reported link."""
    return os.path.realpath(path)


def within(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it (both real paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
