"""The kit's notebook templates, shipped as package data (``vccap.notebooks``).

This folder is the project's top-level ``notebooks/``, mapped into the package by
``pyproject.toml`` (``package-dir``): one copy, opened by ``make lab`` and installed with the kit.
"""
