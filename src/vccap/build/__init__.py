"""Build a workspace's site: scan, plan, skip what is up to date, run notebooks, publish.

``from vccap.build import build`` is the entry point (see :mod:`vccap.build.core`). The names
are resolved on first use, so that importing a light module of this package
(:mod:`vccap.build.fresh`, :mod:`vccap.build.state`) does not import the whole build.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuildReport", "build", "report_as_dict"]


def __getattr__(name: str) -> Any:
    if name == "build":
        from vccap.build.core import build

        return build
    if name in ("BuildReport", "report_as_dict"):
        from vccap.build import results

        return getattr(results, name)
    raise AttributeError(f"module 'vccap.build' has no attribute {name!r}")
