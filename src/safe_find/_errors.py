"""The base of every error safe-find raises, apart from the modules that raise them."""

from __future__ import annotations

__all__ = ["SafeFindError"]


class SafeFindError(Exception):
    """Base class of the errors safe-find raises."""
