"""Top-level package of the looping example."""
