"""Flat-layout package found by setuptools automatic discovery."""
