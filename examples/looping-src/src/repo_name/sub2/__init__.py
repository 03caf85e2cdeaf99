"""Subpackage sub2; sub2/repo_name links back to the package."""
