"""The table schemas: Frictionless descriptors, French texts, personal fields, vocabularies."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from frictionless import Schema

from vccap.normalize import fold
from vccap.schemas import (
    REFERENCE_TABLES,
    SCHEMA_KINDS,
    TABLE_KINDS,
    frictionless_schema,
    header_map,
    load_schema,
    personal_fields,
)

PERSONAL = {"nom", "prenom", "courriel", "telephone"}

# Canonical fields and required fields, as in docs/architecture.md.
FIELDS = {
    "participants": ["nom", "prenom", "courriel", "telephone", "profil", "structure", "territoire",
                     "code_postal", "commune", "secteur_projet", "stade_projet",
                     "territoire_vise", "engagement"],
    "contacts": ["date", "territoire", "profil", "nom", "prenom", "courriel", "telephone",
                 "structure", "code_postal", "secteur_projet", "stade_projet", "type_demande",
                 "suite_souhaitee"],
    "satisfaction": ["profil", "satisfaction_globale", "utilite", "qualite_intervenants",
                     "souhait_suite", "commentaire"],
    "suivi": ["courriel", "nom", "prenom", "date", "etape", "territoire"],
    "evenements": ["titre", "territoire", "date", "participants", "canal"],
    "couts": ["poste", "montant", "financeur"],
    "territoires": ["id", "nom", "milieu", "departement", "article"],
    "structures": ["id", "nom", "categorie", "milieu", "territoire"],
}  # fmt: skip
REQUIRED = {
    "participants": {"profil"},
    "contacts": {"territoire", "profil"},
    "satisfaction": set(),
    "suivi": {"date", "etape"},
    "evenements": {"titre", "territoire", "date", "participants"},
    "couts": {"poste", "montant"},
    "territoires": {"id"},
    "structures": {"id"},
}

# Closed vocabularies, as in docs/architecture.md (order matters: it is the display order).
VOCABULARIES = {
    "profil": ["porteur_de_projet", "partenaire", "technicien_territoire", "elu", "intervenant",
               "autre"],
    "secteur_projet": ["agriculture_alimentation", "tourisme", "artisanat", "commerce",
                       "services", "numerique", "economie_circulaire", "culture",
                       "sante_social", "autre"],
    "stade_projet": ["idee", "reflexion", "preparation", "pret"],
    "etape": ["premier_contact", "rendez_vous", "visite_territoire", "accompagnement",
              "installation", "abandon"],
    "type_demande": ["creation", "reprise", "emploi", "installation", "information"],
    "satisfaction_globale": ["tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait"],
    "utilite": ["tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait"],
    "qualite_intervenants": ["tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait"],
}  # fmt: skip
TYPES = {
    "date": "date",
    "suite_souhaitee": "boolean",
    "souhait_suite": "boolean",
    "participants": "integer",
    "montant": "number",
}


def raw_descriptor(kind: str) -> dict:
    text = resources.files("vccap").joinpath("schemas", f"{kind}.json").read_text("utf-8")
    return json.loads(text)


def test_reference_tables_have_schemas_but_are_not_action_tables():
    assert REFERENCE_TABLES == ("territoires", "structures")
    assert SCHEMA_KINDS == TABLE_KINDS + REFERENCE_TABLES
    assert list(load_schema("territoires").field("milieu").enum) == ["rural", "periurbain",
                                                                     "urbain"]  # fmt: skip
    assert list(load_schema("structures").field("milieu").enum) == ["rural", "urbain"]
    assert load_schema("territoires").field("departement").format == "departement"
    reference = load_schema("structures").field("territoire").reference
    assert (reference.table, reference.strict) == ("territoires", True)


def test_table_kinds():
    assert TABLE_KINDS == ("participants", "contacts", "satisfaction", "suivi", "evenements",
                           "couts")  # fmt: skip


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_descriptor_loads_with_frictionless(kind):
    descriptor = raw_descriptor(kind)
    assert Schema.validate_descriptor(descriptor).valid
    schema = Schema.from_descriptor(descriptor)
    assert schema.field_names == FIELDS[kind]
    assert frictionless_schema(kind).field_names == FIELDS[kind]


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_descriptor_top_level(kind):
    descriptor = raw_descriptor(kind)
    assert descriptor["vccap:table"] == kind
    assert descriptor["title"].strip()
    assert descriptor["description"].strip()


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_fields_and_required(kind):
    schema = load_schema(kind)
    assert schema.kind == kind
    assert list(schema.names) == FIELDS[kind]
    assert set(schema.required) == REQUIRED[kind]


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_every_field_has_french_title_and_description(kind):
    for field in raw_descriptor(kind)["fields"]:
        assert field["title"].strip(), field["name"]
        assert field["title"][0].isupper(), field["name"]
        assert len(field["description"]) > 10, field["name"]
        assert field["description"].endswith((".", "»", ")")), field["name"]


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_personal_fields_are_flagged(kind):
    people = kind in TABLE_KINDS  # the "nom" of a territory or a structure is not personal
    expected = tuple(name for name in FIELDS[kind] if people and name in PERSONAL)
    assert personal_fields(kind) == expected
    for field in raw_descriptor(kind)["fields"]:
        assert field.get("vccap:personnel", False) == (people and field["name"] in PERSONAL)


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_vocabularies_match_architecture(kind):
    schema = load_schema(kind)
    for field in schema.fields:
        if field.name in VOCABULARIES:
            assert list(field.enum) == VOCABULARIES[field.name], field.name
            assert field.type == "string"
        else:
            assert field.enum is None, field.name


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_types_and_minimums(kind):
    for field in load_schema(kind).fields:
        assert field.type == TYPES.get(field.name, "string"), field.name
        if field.type in ("integer", "number"):
            assert field.minimum == 0
        if field.type == "boolean":
            assert {"oui", "vrai", "1", "x", "yes"} <= set(field.true_values)
            assert {"non", "faux", "0", "no"} <= set(field.false_values)


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_synonyms_are_folded_and_canonical(kind):
    for field in load_schema(kind).fields:
        for synonym, canonical in field.synonyms.items():
            assert fold(synonym) == synonym
            assert canonical in field.enum
        mapping = field.value_map()
        for value in field.enum or ():
            assert mapping[fold(value)] == value


def test_scales():
    schema = load_schema("satisfaction")
    for name in ("satisfaction_globale", "utilite", "qualite_intervenants"):
        field = schema.field(name)
        assert field.echelle == "satisfaction"
        mapping = field.value_map()
        assert [mapping[d] for d in "4321"] == VOCABULARIES[name]
        assert mapping["tres_satisfait"] == "tres_satisfait"


def test_references():
    for kind in TABLE_KINDS:
        schema = load_schema(kind)
        for field in schema.fields:
            if field.name in ("territoire", "territoire_vise"):
                assert (field.reference.table, field.reference.strict) == ("territoires", True)
            elif field.name == "structure":
                assert (field.reference.table, field.reference.strict) == ("structures", False)
            else:
                assert field.reference is None, (kind, field.name)


def test_free_text_and_formats():
    free = {(k, f.name) for k in TABLE_KINDS for f in load_schema(k).fields if f.texte_libre}
    assert free == {("participants", "engagement"), ("satisfaction", "commentaire"),
                    ("evenements", "titre")}  # fmt: skip
    assert load_schema("contacts").field("code_postal").format == "code_postal"


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_header_map_has_names_titles_and_aliases(kind):
    mapping = header_map(kind)  # raises ValueError on a header claimed by two fields
    for field in load_schema(kind).fields:
        assert mapping[field.name] == field.name
        assert mapping[fold(field.title)] == field.name
        for alias in field.aliases:
            assert mapping[fold(alias)] == field.name


@pytest.mark.parametrize(
    ("kind", "header", "name"),
    [
        ("contacts", "E-mail", "courriel"),
        ("contacts", "email", "courriel"),
        ("contacts", "Adresse électronique", "courriel"),
        ("contacts", "Adresse mail", "courriel"),
        ("contacts", "Tél", "telephone"),
        ("contacts", "Portable", "telephone"),
        ("contacts", "CP", "code_postal"),
        ("contacts", "Code postal", "code_postal"),
        ("participants", "PRÉNOM", "prenom"),
        ("participants", "Territoire visé", "territoire_vise"),
        ("satisfaction", "Satisfaction", "satisfaction_globale"),
        ("satisfaction", "Satisfaction générale", "satisfaction_globale"),
        ("couts", "Montant (€)", "montant"),
        ("evenements", "Nombre de participants", "participants"),
    ],
)
def test_header_aliases(kind, header, name):
    assert header_map(kind)[fold(header)] == name


def test_load_schema_is_cached_and_checks_kind():
    assert load_schema("contacts") is load_schema("contacts")
    with pytest.raises(KeyError):
        load_schema("inconnue")


def test_header_map_is_a_copy():
    mapping = header_map("contacts")
    mapping["x"] = "y"
    assert "x" not in header_map("contacts")
