"""Table schemas: load the Frictionless descriptors shipped in ``vccap/schemas/``.

The JSON files are the single source of truth for the raw tables: field names, French
titles and descriptions, types, constraints (``required``, ``enum``, ``minimum``) and
vccap's own properties (prefixed ``vccap:``):

``vccap:personnel``   the field holds personal data (pseudonymised before any use)
``vccap:alias``       other headers people write for this field ("E-mail" for courriel)
``vccap:synonymes``   folded value -> canonical value, accepted besides the enum ("4")
``vccap:echelle``     the field is answered on a named ordered scale ("satisfaction")
``vccap:reference``   ``{"table": ..., "strict": ...}``: values are ids or names of a
                      workspace table; unknown values are a problem only when strict
``vccap:texte_libre`` free text
``vccap:format``      a special string format ("code_postal", "departement")

and, on a table: ``vccap:noms_de_fichier``, the words or phrases that name the table in a
file name besides its kind (« émargement », « liste de présence » for participants), in
the singular (a plural is recognised as well; see :mod:`vccap.reading.files`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from vccap.normalize import fold

__all__ = [
    "REFERENCE_TABLES",
    "SCHEMA_KINDS",
    "TABLE_KINDS",
    "Field",
    "Reference",
    "TableSchema",
    "frictionless_schema",
    "header_map",
    "load_schema",
    "personal_fields",
]

TABLE_KINDS: tuple[str, ...] = (
    "participants",
    "contacts",
    "satisfaction",
    "suivi",
    "evenements",
    "couts",
)
"""The raw tables of an action (files ``<kind>.csv`` or ``<kind>.xlsx`` in its folder)."""

REFERENCE_TABLES: tuple[str, ...] = ("territoires", "structures")
"""The workspace's reference tables (``territoires.csv``, ``structures.csv``)."""

SCHEMA_KINDS: tuple[str, ...] = TABLE_KINDS + REFERENCE_TABLES
"""Every kind that has a schema (and can be read with :func:`vccap.tables.read_table`)."""


@dataclass(frozen=True)
class Reference:
    """A field whose values are ids or names of a workspace table."""

    table: str  # "territoires" | "structures"
    strict: bool  # True: unknown values are problems; False: kept as typed


@dataclass(frozen=True)
class Field:
    """One field of a table schema."""

    name: str
    title: str
    description: str
    type: str  # string | integer | number | date | boolean
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    aliases: tuple[str, ...] = ()
    personnel: bool = False
    echelle: str | None = None
    reference: Reference | None = None
    texte_libre: bool = False
    format: str | None = None
    synonyms: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()

    def value_map(self) -> dict[str, str]:
        """Folded accepted value -> canonical value (enum fields only; else empty)."""
        if not self.enum:
            return {}
        mapping = {fold(v): v for v in self.enum}
        for synonym, canonical in self.synonyms.items():
            mapping.setdefault(fold(synonym), canonical)
        return mapping


@dataclass(frozen=True)
class TableSchema:
    """The schema of one table kind (``file_names``: see ``vccap:noms_de_fichier``)."""

    kind: str
    title: str
    description: str
    fields: tuple[Field, ...]
    descriptor: MappingProxyType = field(hash=False, compare=False, repr=False)
    file_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical field names, in schema order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """The field called ``name`` (``KeyError`` if absent)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.kind} has no field {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required fields."""
        return tuple(f.name for f in self.fields if f.required)

    @property
    def personal(self) -> tuple[str, ...]:
        """Names of the personal fields."""
        return tuple(f.name for f in self.fields if f.personnel)


def _check_kind(kind: str) -> None:
    if kind not in SCHEMA_KINDS:
        raise KeyError(f"unknown table kind {kind!r}; known: {', '.join(SCHEMA_KINDS)}")


@cache
def _descriptor(kind: str) -> dict[str, Any]:
    _check_kind(kind)
    text = resources.files("vccap").joinpath("schemas", f"{kind}.json").read_text("utf-8")
    return json.loads(text)


def _field(d: dict[str, Any]) -> Field:
    constraints = d.get("constraints", {})
    ref = d.get("vccap:reference")
    enum = constraints.get("enum")
    return Field(
        name=d["name"],
        title=d["title"],
        description=d["description"],
        type=d.get("type", "string"),
        required=bool(constraints.get("required", False)),
        enum=tuple(enum) if enum else None,
        minimum=constraints.get("minimum"),
        aliases=tuple(d.get("vccap:alias", ())),
        personnel=bool(d.get("vccap:personnel", False)),
        echelle=d.get("vccap:echelle"),
        reference=Reference(ref["table"], bool(ref.get("strict", True))) if ref else None,
        texte_libre=bool(d.get("vccap:texte_libre", False)),
        format=d.get("vccap:format"),
        synonyms=MappingProxyType(dict(d.get("vccap:synonymes", {}))),
        true_values=tuple(d.get("trueValues", ())),
        false_values=tuple(d.get("falseValues", ())),
    )


@cache
def load_schema(kind: str) -> TableSchema:
    """The schema of table ``kind`` (one of :data:`SCHEMA_KINDS`), loaded once."""
    d = _descriptor(kind)
    return TableSchema(
        kind=kind,
        title=d["title"],
        description=d["description"],
        fields=tuple(_field(fd) for fd in d["fields"]),
        descriptor=MappingProxyType(d),
        file_names=tuple(d.get("vccap:noms_de_fichier", ())),
    )


def personal_fields(kind: str) -> tuple[str, ...]:
    """Names of the personal fields of table ``kind``."""
    return load_schema(kind).personal


@cache
def _header_map(kind: str) -> MappingProxyType:
    schema = load_schema(kind)
    mapping: dict[str, str] = {}
    for f in schema.fields:
        for header in (f.name, f.title, *f.aliases):
            key = fold(header)
            owner = mapping.setdefault(key, f.name)
            if owner != f.name:
                raise ValueError(
                    f"schema {kind}: header {header!r} maps to both {owner!r} and {f.name!r}"
                )
    return MappingProxyType(mapping)


def header_map(kind: str) -> dict[str, str]:
    """Folded header -> canonical field name (names, French titles and aliases)."""
    return dict(_header_map(kind))


def frictionless_schema(kind: str):
    """The schema as a ``frictionless.Schema`` (imported lazily: frictionless is slow)."""
    from frictionless import Schema

    return Schema.from_descriptor(json.loads(json.dumps(_descriptor(kind))))
