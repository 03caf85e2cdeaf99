"""Create (or re-create) the looping links of this example: sub1/repo_name -> .. and sub2/repo_name -> ..

The links are made here rather than committed, so no tool that walks the
safe-find repository meets a loop. Run: python make_links.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
LINKS = [HERE / "src" / "repo_name" / sub / "repo_name" for sub in ("sub1", "sub2")]


def main() -> None:
    for link in LINKS:
        if link.is_symlink():
            link.unlink()
        link.symlink_to("..", target_is_directory=True)
        print(f"created {link.relative_to(HERE)} -> ..")


if __name__ == "__main__":
    main()
