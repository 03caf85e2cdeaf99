"""safe-find's wheel carries ``safe_find.pth`` and ``safe_find.start`` beside the package: see
``src/safe_find/_startup.py``.

Everything else is in pyproject.toml. setuptools has no setting that puts a file
at the top of a wheel, so ``build_py`` copies them there.
"""

from __future__ import annotations

import os

from setuptools import setup
from setuptools.command.build_py import build_py

# Start-up: Python 3.15 and later run the .start entry point (PEP 829), older ones the .pth line.
START_UP = ("safe_find.pth", "safe_find.start")


class build_py_with_start_up(build_py):
    """``build_py``, and the start-up files at the top of the build directory."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install is for development: no start-up hook
            for name in START_UP:
                self.copy_file(os.path.join("src", name), os.path.join(self.build_lib, name), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        return outputs if self.editable_mode else [*outputs, *(os.path.join(self.build_lib, name) for name in START_UP)]


setup(cmdclass={"build_py": build_py_with_start_up})
