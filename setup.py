"""safe-find's wheel carries ``safe_find.pth`` beside the package: see ``src/safe_find/_startup.py``.

Everything else is in pyproject.toml. setuptools has no setting that puts a file
at the top of a wheel, so ``build_py`` copies it there.
"""

from __future__ import annotations

import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "safe_find.pth"


class build_py_with_pth(build_py):
    """``build_py``, and the start-up file at the top of the build directory."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install is for development: no start-up hook
            self.copy_file(os.path.join("src", PTH), os.path.join(self.build_lib, PTH), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        return outputs if self.editable_mode else [*outputs, os.path.join(self.build_lib, PTH)]


setup(cmdclass={"build_py": build_py_with_pth})
