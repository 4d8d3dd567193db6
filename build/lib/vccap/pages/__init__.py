"""The pages of the site: one module per page kind, on one base.

- :mod:`~vccap.pages.registry`: the page kinds (declared once, by their module's ``KIND``);
- :mod:`~vccap.pages.base`: :class:`Page`, loaded once, pure sections;
- :mod:`~vccap.pages.blocks`: notes, tables, protected breakdowns, funnels (written once);
- :mod:`~vccap.pages.display`: :class:`Section` (what a section shows, with its tables and
  figures), fragments, labels, :func:`chart` for a notebook user's own plotly figure;
- one module per kind: :mod:`~vccap.pages.action_report`, :mod:`~vccap.pages.method_sheet`,
  :mod:`~vccap.pages.annual_review`, :mod:`~vccap.pages.territory_profile`.

Page classes are imported lazily (``from vccap.pages import ActionReport``) so that the
registry can be read without importing every page.
"""

from __future__ import annotations

import importlib
from typing import Any

_CLASSES = {
    "ActionReport": "vccap.pages.action_report",
    "MethodSheet": "vccap.pages.method_sheet",
    "AnnualReview": "vccap.pages.annual_review",
    "TerritoryProfile": "vccap.pages.territory_profile",
    "Section": "vccap.pages.display",
    "chart": "vccap.pages.display",
    "label": "vccap.pages.display",
}

__all__ = sorted(_CLASSES)


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        return getattr(importlib.import_module(_CLASSES[name]), name)
    raise AttributeError(name)
