from setuptools import find_packages, setup

# Runs at import time, before setuptools creates its Distribution (and before any
# plugin hook): safe-find's walks are in place from setuptools' import on.
PACKAGES = find_packages(where="src")

setup(
    name="legacy_pkg",
    version="0.1.0",
    package_dir={"": "src"},
    packages=PACKAGES,
)
