"""The cells the build decided to hide (secondary suppression), kept for every page.

``<workspace>/.vccap/masques.json`` lists keys of figures (:meth:`Figure.key`), no value. The
build writes it (:mod:`vccap.disclosure.control`); every page reads it when it loads, so that
a notebook opened in JupyterLab hides the same cells as the published site.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

MASKS_DIR = ".vccap"
MASKS_FILE = "masques.json"


def masks_path(workspace: Path) -> Path:
    return Path(workspace) / MASKS_DIR / MASKS_FILE


def read_masks(workspace: Path) -> frozenset[str]:
    """Keys of the figures the build decided to hide (empty when none or unreadable)."""
    try:
        data = json.loads(masks_path(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(str(k) for k in data.get("masques", []))


def write_masks(workspace: Path, keys: Iterable[str]) -> bool:
    """Record the build's masks; True when they changed."""
    keys = sorted(set(keys))
    if sorted(read_masks(workspace)) == keys:
        return False
    path = masks_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 1, "masques": keys}, ensure_ascii=False, indent=1) + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
