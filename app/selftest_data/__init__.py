"""Data for ``callshield --self-test`` (see README.md here). A package so importlib.resources finds it."""
