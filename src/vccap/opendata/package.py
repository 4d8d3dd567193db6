"""The site's published figures as a data package: ``OUT/donnees/datapackage.json``.

A Tabular Data Package (Frictionless) following the conventions of schema.data.gouv.fr:
French titles and descriptions, lower-case names, Licence Ouverte / Etalab 2.0, the region
as contributor, a creation date and a version. Its resources are CSV files (UTF-8, ``,``,
declared in each resource's dialect) beside it: the region and its démarche, the site's
pages, the actions, each action's indicators and objectives, the method sheets with their
practice abstract and the teams' advice (see :mod:`vccap.opendata.schema`).

Everything comes from what the pages published (their summaries, written by the pages
after the disclosure control) and from the workspace's own descriptions (titles, dates,
places, already scrubbed by the build): never a raw table, a key or a pseudonym. A number
is the one the page shows, read back from its French text, so it is never more precise
than the page (a share shown « 41 % » is 41 here).

``version`` is the version of this package's format (:data:`FORMAT_VERSION`): ``vccap
federer`` refuses a package of another major version. ``created`` is the time the content
last changed: a build that changes nothing leaves every file as it was (and
``SOURCE_DATE_EPOCH``, when set, fixes it for reproducible builds).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any

import vccap
from vccap.normalize import fold
from vccap.opendata.excel import parse_number
from vccap.opendata.pagetables import DATA_DIR
from vccap.opendata.schema import RESOURCES
from vccap.pages.registry import kind, kinds
from vccap.site.publish import write_text_atomic
from vccap.workspace import Workspace

FORMAT_VERSION = "1.0.0"
PACKAGE_FILE = "datapackage.json"
LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "header": True}
ADVICE_RECOMMENDATIONS = "Recommandations"
#: Catalogue unit -> the package's unit (a share is written in percent, as shown).
UNIT_NAMES = {"part": "pourcentage", "": "nombre"}


def region_id(ws: Workspace) -> str:
    """The region's identifier: its name (else the démarche's) in lower case, with dashes."""
    import re

    text = ws.demarche.region or ws.demarche.nom or ws.root.name
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "region"


def shown_number(text: str | None) -> str:
    """A value as the page wrote it -> the package's number (``"8 400 €"`` -> ``"8400"``,
    ``"62,23 €"`` -> ``"62.23"``, ``"41 %"`` -> ``"41"``); empty when not a number."""
    if not text:
        return ""
    parsed = parse_number(text)
    return parsed[0].replace(",", ".") if parsed else ""


def _unit(unit: str) -> str:
    return UNIT_NAMES.get(unit, unit)


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def package_rows(
    ws: Workspace, summaries: dict[str, Any], built: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Resource name -> rows (dicts of text), from the pages' summaries and the workspace's
    descriptions. ``built``: ids of the pages published; ``summaries``: page id -> summary."""
    region = region_id(ws)
    d = ws.demarche
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in RESOURCES}
    rows["regions"].append(
        {
            "region": region,
            "nom_region": d.region,
            "demarche": d.nom,
            "chef_de_file": d.chef_de_file,
            "site": d.site,
            "seuil_confidentialite": ws.seuil,
            "donnees_fictives": any(a.fictive for a in ws.actions.values()),
        }
    )
    for page_kind in kinds():
        for key in page_kind.keys(ws):
            page = page_kind.page_id(key)
            if page in built:
                rows["pages"].append(
                    {
                        "region": region,
                        "page": page,
                        "rubrique": page_kind.label,
                        "titre": page_kind.title(ws, key),
                        "chemin": f"{page}.html",
                    }
                )
    reports = kind("actions")
    for a in sorted(ws.actions.values(), key=lambda a: a.id):
        page = reports.page_id(a.id)
        spec = ws.types.get(a.type)
        common = {"region": region, "action": a.id, "annee": a.annee or "", "type_action": a.type}
        rows["actions"].append(
            {
                "region": region,
                "action": a.id,
                "titre": a.titre,
                "type_action": a.type,
                "type_libelle": spec.libelle if spec else a.type,
                "annee": a.annee or "",
                "date_debut": _iso(a.date_debut),
                "date_fin": _iso(a.date_fin or a.date_debut),
                "lieu": a.lieu or "",
                "statut": a.statut,
                "donnees_fictives": bool(a.fictive),
                "page": f"{page}.html" if page in built else "",
            }
        )
        summary = summaries.get(page) if page in built else None
        if not isinstance(summary, dict):
            continue
        for record in summary.get("indicateurs", []):
            rows["indicateurs"].append(
                {
                    **common,
                    "indicateur": record["id"],
                    "libelle": record["libelle"],
                    "unite": _unit(record["unite"]),
                    "valeur": shown_number(record["affiche"]),
                    "etat": record["etat"],
                }
            )
        for number, record in enumerate(summary.get("objectifs", []), start=1):
            rows["objectifs"].append(
                {
                    "region": region,
                    "action": a.id,
                    "numero": number,
                    "annee": a.annee or "",
                    "type_action": a.type,
                    "objectif": record["libelle"],
                    "indicateur": record["indicateur"] or "",
                    "unite": _unit(record["unite"]),
                    "cible": shown_number(record["cible"]),
                    "valeur": shown_number(record["valeur"]),
                    "statut": record["statut"],
                }
            )
    sheets = kind("fiches")
    for key in sheets.keys(ws):
        page = sheets.page_id(key)
        summary = summaries.get(page) if page in built else None
        if not isinstance(summary, dict):
            continue
        rows["fiches"].append(
            {
                "region": region,
                "type_action": key,
                "libelle": summary.get("libelle", key),
                "editions": len(summary.get("editions", [])),
                "annees": " ".join(str(y) for y in summary.get("annees", [])),
                "resume": summary.get("resume", ""),
                "page": f"{page}.html",
            }
        )
        for record in summary.get("conseils", []):
            rows["conseils"].append({"region": region, "type_action": key, **record})
        for text in summary.get("recommandations", []):
            rows["conseils"].append(
                {
                    "region": region,
                    "type_action": key,
                    "action": "",
                    "edition": "",
                    "rubrique": ADVICE_RECOMMENDATIONS,
                    "texte": text,
                }
            )
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def csv_bytes(name: str, rows: list[dict[str, Any]]) -> bytes:
    """One resource as CSV (UTF-8, ``,``, ``\\n``, header of its schema's field names)."""
    fields = [f["name"] for f in RESOURCES[name]["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\n", quotechar='"')
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(f)) for f in fields])
    return buffer.getvalue().encode("utf-8")


def resource_descriptors() -> list[dict[str, Any]]:
    """The package's resources (``<name>.csv`` beside it, Table Schemas), the same for every
    region: the national package of ``vccap federer`` concatenates their rows."""
    resources = []
    for name, spec in RESOURCES.items():
        schema: dict[str, Any] = {"fields": spec["fields"]}
        if spec.get("primaryKey"):
            schema["primaryKey"] = spec["primaryKey"]
        if spec.get("foreignKeys"):
            schema["foreignKeys"] = spec["foreignKeys"]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": spec["title"],
                "description": spec["description"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "schema": schema,
            }
        )
    return resources


def descriptor(ws: Workspace, created: str) -> dict[str, Any]:
    """The ``datapackage.json`` of a workspace's site (resources ``<name>.csv`` beside it)."""
    d = ws.demarche
    region = region_id(ws)
    place = d.region or d.nom
    publisher = d.chef_de_file or d.nom
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": f"vccap-{region}",
        "title": f"Actions ville-campagne : chiffres publiés ({place})",
        "description": (
            f"Les chiffres publiés par le site « {d.nom} »"
            + (f" ({d.region})" if d.region else "")
            + " : actions, indicateurs et objectifs de chaque action, fiches méthode, "
            "résumés de pratique et conseils des équipes. Uniquement des chiffres agrégés "
            "et des textes expurgés, après le contrôle de confidentialité du site (seuil : "
            f"{ws.seuil}) ; aucune donnée personnelle."
        ),
        "version": FORMAT_VERSION,
        "created": created,
        "keywords": ["ville-campagne", "développement rural", "capitalisation", "vccap"],
        "countryCode": "FR",
        "licenses": [LICENSE],
        "contributors": [{"title": publisher, "role": "publisher", "organization": publisher}],
        "sources": [{"title": f"Données des actions de la démarche « {d.nom} » (non publiées)"}],
        "vccap": {
            "format": FORMAT_VERSION,
            "kit": vccap.__version__,
            "region": region,
        },
        "resources": resource_descriptors(),
    }
    if d.site:
        package["homepage"] = d.site
    return package


def now() -> str:
    """The package's ``created`` time: now, or ``SOURCE_DATE_EPOCH`` when set (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_package(ws: Workspace, out: Path, summaries: dict[str, Any], built: set[str]) -> bool:
    """Write ``out/donnees/datapackage.json`` and its CSV files; returns True when something
    changed. Unchanged content leaves every file (and ``created``) as it was."""
    folder = Path(out) / DATA_DIR
    rows = package_rows(ws, summaries, built)
    files = {f"{name}.csv": csv_bytes(name, rows[name]) for name in RESOURCES}
    target = folder / PACKAGE_FILE
    previous = _read_json(target)
    draft = descriptor(ws, "")
    unchanged = (
        previous is not None
        and {**previous, "created": ""} == draft
        and all((folder / n).is_file() and (folder / n).read_bytes() == b for n, b in files.items())
    )
    if unchanged:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        if not (path.is_file() and path.read_bytes() == data):
            write_text_atomic(path, data.decode("utf-8"))
    package = descriptor(ws, now())
    write_text_atomic(target, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    return True


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
