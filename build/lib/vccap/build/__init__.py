"""Build a workspace's site: scan, plan, skip what is up to date, run notebooks, publish.

``from vccap.build import build`` is the entry point (see :mod:`vccap.build.core`).
"""

from vccap.build.core import BuildReport, build, report_as_dict

__all__ = ["BuildReport", "build", "report_as_dict"]
