"""Fixtures the file-walk tests and the release matrix share (imported by both modules)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def uv(frontend_venv: Path) -> Path:
    """uv, to make the build environments quickly and offline."""
    return frontend_venv / "bin" / "uv"


@pytest.fixture(scope="session")
def safe_wheel(wheelhouse: Path) -> Path:
    """safe-find's wheel, built from this checkout."""
    (wheel,) = wheelhouse.glob("safe_find-*.whl")
    return wheel
