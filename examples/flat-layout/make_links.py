"""Create the looping link of this example: flat_pkg/sub/again -> ../.. (the project root).

Run: python make_links.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
LINK = HERE / "flat_pkg" / "sub" / "again"

if __name__ == "__main__":
    if LINK.is_symlink():
        LINK.unlink()
    LINK.symlink_to("../..", target_is_directory=True)
    print(f"created {LINK.relative_to(HERE)} -> ../..")
