"""Subpackage sub1; sub1/repo_name links back to the package."""
