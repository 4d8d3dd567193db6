"""The kit's default catalogue: action types and indicators shipped as YAML data.

``catalogue/types_action.yml`` and ``catalogue/indicateurs.yml`` are data, not code: a
region adds or overrides a type in its workspace's ``types_action.yml`` (see
:mod:`vccap.loading`).
"""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any

import yaml

from vccap.model import TYPE_KEYS, Indicateur, TypeAction


@functools.cache
def _package_yaml_cached(name: str) -> dict[str, Any]:
    text = resources.files("vccap").joinpath("catalogue", name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader) or {}  # noqa: S506 - a safe loader


def package_yaml(name: str) -> dict[str, Any]:
    """A catalogue file shipped with the kit (parsed once per process; a fresh copy each time)."""
    return copy.deepcopy(_package_yaml_cached(name))


def default_indicators() -> dict[str, Indicateur]:
    data = package_yaml("indicateurs.yml")
    return {
        key: Indicateur(
            id=key,
            libelle=spec["libelle"],
            unite=spec.get("unite", ""),
            calcul=spec["calcul"],
            sens=spec.get("sens", "hausse"),
        )
        for key, spec in data.items()
    }


def type_from_spec(key: str, spec: dict[str, Any]) -> TypeAction:
    known = {k: spec[k] for k in spec if k in TYPE_KEYS}
    return TypeAction(
        id=key,
        libelle=str(known.get("libelle", key)),
        description=str(known.get("description", "") or ""),
        tables=list(known.get("tables", []) or []),
        indicateurs=list(known.get("indicateurs", []) or []),
        indicateurs_cles=list(known.get("indicateurs_cles", []) or []),
        retroplanning=list(known.get("retroplanning", []) or []),
        extra={k: v for k, v in known.items() if k in {"resume", "conditions_transfert", "outils"}},
        carnet=str(known.get("carnet") or ""),
    )


def default_types() -> dict[str, TypeAction]:
    return {
        key: type_from_spec(key, spec) for key, spec in package_yaml("types_action.yml").items()
    }
