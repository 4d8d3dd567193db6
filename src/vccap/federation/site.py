"""The national site of ``vccap federer``: pages, national data package, audit.

Pages (French, the regional sites' templates and styles, each table downloadable as CSV):

- ``index.html``: the directory of regions (démarche, lead partner, actions, years, a link
  to each region's site when its package gives its address), actions per year and region,
  links to the national figures and method sheets;
- ``chiffres.html``: national totals per year and per action type (see
  :mod:`vccap.federation.figures` for when a total is published);
- ``fiches/<type>.html``: a national method sheet per action type: the editions of every
  region, results across regions (ranges, totals), each region's practice abstract and its
  teams' advice;
- ``accessibilite.html`` and ``donnees/datapackage.json`` (the regions' packages end to end).

The site is written in a staging folder, audited (national figures against the packages,
the pages' CSV files against the pages, personal-data patterns), then swapped in: a failed
audit leaves the previous site as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vccap
from vccap import fmt
from vccap.audit import audit
from vccap.build.stage import Staging
from vccap.errors import AuditFailed, FederationAuditFailed, OpenDataMismatch
from vccap.federation.figures import (
    ADDITIVE_UNITS,
    Range,
    Total,
    audit_totals,
    national_totals,
    realised_actions,
    type_ranges,
)
from vccap.federation.packages import RegionalPackage, read_packages
from vccap.messages import plural
from vccap.opendata.check import check_page_tables
from vccap.opendata.package import LICENSE, PACKAGE_FILE, csv_bytes, now, resource_descriptors
from vccap.opendata.pagetables import DATA_DIR, publish_page
from vccap.opendata.schema import RESOURCES
from vccap.site import publish
from vccap.site.accessibility import CHECKED, LAST_CHECK

NATIONAL_TITLE = "Actions ville-campagne des régions"
SHEETS_DIR = "fiches"
FIGURES_PAGE = "chiffres.html"
NOT_PUBLISHED = "non publié"
NONE = "—"
RULE_NOTE = (
    "Un total national additionne les chiffres que les régions ont publiés pour chaque "
    "action. Il n'est publié que si aucune action qui y entre n'a de chiffre masqué par sa "
    "région (effectif sous son seuil de confidentialité, ou masqué pour ne pas pouvoir être "
    "recalculé) : sinon, en retranchant les chiffres des autres régions, on retrouverait le "
    "chiffre masqué. « non publié » : une action au moins l'a masqué ; « — » : aucune action "
    "concernée. Les actions où le chiffre n'a pas été mesuré ne comptent pas (« mesuré pour "
    "4 actions sur 5 »). Une personne venue à deux actions compte deux fois."
)

RANGE_NOTE = (
    "Plus bas et plus haut : parmi les éditions dont la région a publié le chiffre. Un chiffre "
    "masqué par une région n'entre ni dans ces bornes ni dans le cumul, qui est alors « non "
    "publié ». Cumul : seulement pour les nombres qui s'additionnent (personnes, réponses, "
    "événements, projets, euros) ; une personne venue à deux éditions compte deux fois."
)


@dataclass
class NationalSite:
    """What ``vccap federer`` wrote: ``pages`` (paths under ``out``), the totals."""

    out: Path
    packages: list[RegionalPackage]
    pages: list[str] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    files: int = 0

    @property
    def published_totals(self) -> int:
        return sum(1 for t in self.totals if t.published)


def federate(
    sources: list[str | Path], out: str | Path, *, title: str = NATIONAL_TITLE
) -> NationalSite:
    """Build the national site of ``sources`` (regional sites or their packages) into
    ``out``. Raises :class:`PackageUnreadable`, :class:`FederationAuditFailed`,
    :class:`OpenDataMismatch` or :class:`AuditFailed` (then ``out`` is left as it was)."""
    packages = read_packages(list(sources))
    out = Path(out)
    staging = Staging(out)
    staging.recover()
    staging.dir.mkdir(parents=True)
    try:
        site = _write(packages, staging.dir, title)
        findings = audit_totals(site.totals, _all_ranges(packages), packages)
        if findings:
            raise FederationAuditFailed(findings)
        mismatches = check_page_tables(staging.dir)
        if mismatches:
            raise OpenDataMismatch(mismatches)
        hits = audit(staging.dir, display_name=out.name)
        if hits:
            raise AuditFailed(hits)
    except BaseException:
        staging.discard()
        raise
    staging.publish()
    site.out = out
    site.files = sum(1 for p in out.rglob("*") if p.is_file())
    return site


# --------------------------------------------------------------------------- formatting


def shown(value: float | None, unit: str) -> str:
    """A package value in its unit, as the regional pages write it."""
    if value is None:
        return NOT_PUBLISHED
    if unit == "pourcentage":
        return fmt.part(value / 100)
    if unit in ("euros", "euros_par_personne"):
        return fmt.valeur(value, unit)
    return fmt.nombre(value)


def total_cell(total: Total | None) -> str:
    if total is None:
        return NONE
    if not total.published:
        return NOT_PUBLISHED if total.hidden else NONE
    text = shown(total.value, total.unite)
    if total.unmeasured:
        text += f" (mesuré pour {plural(len(total.parts), 'action')} sur {total.actions})"
    return text


def _years(rows: list[dict[str, str]]) -> list[str]:
    return sorted({r["annee"] for r in rows if r["annee"]})


def _type_names(packages: list[RegionalPackage]) -> dict[str, str]:
    names: dict[str, str] = {}
    for p in packages:
        for row in p.rows["fiches"]:
            names.setdefault(row["type_action"], row["libelle"])
        for row in p.rows["actions"]:
            names.setdefault(row["type_action"], row["type_libelle"])
    return names


def _all_ranges(packages: list[RegionalPackage]) -> list[Range]:
    types = {r["type_action"] for r in realised_actions(packages)}
    return [r for t in sorted(types) for r in type_ranges(packages, t)]


# --------------------------------------------------------------------------- pages


def _write(packages: list[RegionalPackage], out: Path, title: str) -> NationalSite:
    site = NationalSite(out, packages, totals=national_totals(packages))
    publish.copy_assets(out)
    fictitious = any(p.info.get("donnees_fictives") == "true" for p in packages)
    names = _type_names(packages)
    actions = realised_actions(packages)
    types = sorted({a["type_action"] for a in actions}, key=lambda t: names.get(t, t))
    common = {"site_title": title, "fictitious": fictitious, "scripts": True}

    def page(path: str, page_title: str, breadcrumb: list, description: str, **context):
        root = publish.root_for(path)
        text = publish.render_site_text(
            "national.html.j2",
            root=root,
            title=page_title,
            breadcrumb=breadcrumb,
            description=description,
            **common,
            **context,
        )
        publish_page(out, path, path.removesuffix(".html"), text)
        site.pages.append(path)

    page(
        "index.html",
        title,
        [],
        f"Ce que {len(packages)} régions ont appris de leurs actions ville-campagne : "
        "annuaire, chiffres nationaux, fiches méthode.",
        intro=_intro(packages),
        sections=_index_sections(packages, actions, types, names),
    )
    page(
        FIGURES_PAGE,
        "Chiffres nationaux",
        [("Chiffres nationaux", None)],
        "Totaux nationaux par année et par type d'action, à partir des chiffres publiés par "
        "les régions.",
        intro=RULE_NOTE,
        sections=_figure_sections(site.totals, types, names, _years(actions)),
    )
    for type_action in types:
        page(
            f"{SHEETS_DIR}/{type_action}.html",
            f"Fiche méthode nationale : {names.get(type_action, type_action)}",
            [("Fiches méthode", "index.html#fiches"), (names.get(type_action, type_action), None)],
            f"Les éditions de « {names.get(type_action, type_action)} » dans les régions, "
            "leurs résultats et leurs conseils.",
            **_sheet(packages, type_action, site.totals),
        )
    _write_statement(out, title)
    _write_package(packages, out / DATA_DIR, title)
    return site


def _intro(packages: list[RegionalPackage]) -> str:
    names = ", ".join(p.name for p in packages)
    return (
        f"Ce site réunit ce que {plural(len(packages), 'région')} "
        f"{'ont' if len(packages) > 1 else 'a'} publié de leurs actions "
        f"ville-campagne ({names}). Il est fait uniquement de leurs données ouvertes : des "
        "chiffres déjà protégés par le contrôle de confidentialité de chaque région et des "
        "textes expurgés ; aucun tableau brut, aucune donnée personnelle."
    )


def _index_sections(packages, actions, types, names) -> list[dict[str, Any]]:
    directory = []
    for p in packages:
        own = [a for a in actions if a["region"] == p.region]
        years = _years(own)
        url = p.info.get("site", "")
        directory.append(
            [
                p.name,
                p.info.get("demarche", ""),
                p.info.get("chef_de_file", "") or NONE,
                fmt.nombre(len(own)),
                f"{years[0]}-{years[-1]}" if len(years) > 1 else (years[0] if years else NONE),
                {
                    "texte": f"Site de la démarche « {p.info.get('demarche') or p.name} »",
                    "lien": url,
                    "externe": True,
                }
                if url
                else "adresse non renseignée",
            ]
        )
    per_year = []
    for year in _years(actions):
        counts = [sum(1 for a in actions if a["region"] == p.region and a["annee"] == year)
                  for p in packages]  # fmt: skip
        per_year.append([year, *(fmt.nombre(c) for c in counts), fmt.nombre(sum(counts))])
    sheets = []
    for t in types:
        editions = [a for a in actions if a["type_action"] == t]
        regions = {a["region"] for a in editions}
        sheets.append(
            {
                "texte": f"{names.get(t, t)} : {fmt.nombre(len(editions))} édition"
                f"{'s' if len(editions) > 1 else ''} dans {len(regions)} région"
                f"{'s' if len(regions) > 1 else ''}",
                "lien": f"{SHEETS_DIR}/{t}.html",
            }
        )
    return [
        {
            "titre": "Les régions",
            "id": "regions",
            "tableaux": [
                {
                    "titre": "Annuaire des régions",
                    "entetes": [
                        "Région",
                        "Démarche",
                        "Chef de file",
                        "Actions réalisées",
                        "Années",
                        "Site",
                    ],
                    "lignes": directory,
                    "nombres": [3],
                }
            ],
        },
        {
            "titre": "Actions réalisées par année",
            "id": "annees",
            "tableaux": [
                {
                    "titre": "Actions réalisées par année et par région",
                    "entetes": ["Année", *(p.name for p in packages), "Toutes régions"],
                    "lignes": per_year,
                    "nombres": list(range(1, len(packages) + 2)),
                }
            ],
            "listes": [
                {
                    "elements": [
                        {
                            "texte": "Chiffres nationaux par année et par type d'action",
                            "lien": FIGURES_PAGE,
                        }
                    ]
                }
            ],
        },
        {"titre": "Fiches méthode nationales", "id": "fiches", "listes": [{"elements": sheets}]},
        {
            "titre": "Données ouvertes",
            "id": "donnees",
            "paragraphes": [
                "Les chiffres publiés par les régions, réunis en un paquet de données "
                "(Licence Ouverte / Etalab 2.0) ; chaque tableau de ce site se télécharge "
                "aussi en CSV pour tableur, sous le tableau."
            ],
            "listes": [
                {
                    "elements": [
                        {
                            "texte": "Paquet de données national (description JSON et tables "
                            "CSV, format Frictionless)",
                            "lien": f"{DATA_DIR}/{PACKAGE_FILE}",
                        }
                    ]
                }
            ],
        },
    ]


def _indicator_rows(totals: list[Total], years: list[str], type_action: str) -> list[list]:
    by_key: dict[tuple[str, str], dict[str, Total]] = {}
    labels: dict[tuple[str, str], str] = {}
    for t in totals:
        if t.type_action != type_action:
            continue
        key = (t.indicateur, t.unite)
        labels.setdefault(key, t.libelle)
        by_key.setdefault(key, {})[t.annee] = t
    rows = []
    for key in sorted(by_key, key=lambda k: labels[k]):
        cells = by_key[key]
        rows.append([labels[key], *(total_cell(cells.get(y)) for y in years),
                     total_cell(cells.get(""))])  # fmt: skip
    return rows


def _figure_sections(totals, types, names, years) -> list[dict[str, Any]]:
    headers = ["Indicateur", *years, "Toutes années"]
    numbers = list(range(1, len(headers)))
    sections = [
        {
            "titre": "Par année, toutes actions",
            "id": "par-annee",
            "tableaux": [
                {
                    "titre": "Totaux nationaux par année",
                    "entetes": headers,
                    "lignes": _indicator_rows(totals, years, ""),
                    "nombres": numbers,
                }
            ],
        }
    ]
    tables = []
    for t in types:
        rows = _indicator_rows(totals, years, t)
        if rows:
            tables.append(
                {
                    "titre": f"{names.get(t, t)} : totaux nationaux",
                    "entetes": headers,
                    "lignes": rows,
                    "nombres": numbers,
                }
            )
    sections.append({"titre": "Par type d'action", "id": "par-type", "tableaux": tables})
    return sections


def _sheet(packages: list[RegionalPackage], type_action: str, totals: list[Total]) -> dict:
    by_region = {p.region: p for p in packages}
    editions = [a for a in realised_actions(packages) if a["type_action"] == type_action]
    regions = [p for p in packages if any(a["region"] == p.region for a in editions)]
    rows = []
    for a in sorted(editions, key=lambda a: (a["annee"], by_region[a["region"]].name)):
        url = by_region[a["region"]].page_url(a["page"])
        label = {"texte": a["titre"], "lien": url, "externe": True} if url else a["titre"]
        rows.append([by_region[a["region"]].name, label, a["annee"], a["lieu"] or NONE])
    overall = {(t.indicateur, t.unite): t for t in totals
               if t.type_action == type_action and not t.annee}  # fmt: skip
    results = []
    for r in sorted(type_ranges(packages, type_action), key=lambda r: r.libelle):
        n = len(r.values) + r.hidden + r.unmeasured
        total = overall.get((r.indicateur, r.unite)) if r.unite in ADDITIVE_UNITS else None
        missing = NOT_PUBLISHED if r.hidden else "non mesuré"
        results.append(
            [
                r.libelle,
                f"{len(r.values)} sur {n}",
                shown(r.low, r.unite) if r.values else missing,
                shown(r.high, r.unite) if r.values else missing,
                str(len({c.region for c, _ in r.values})),
                total_cell(total) if r.unite in ADDITIVE_UNITS else "sans objet",
            ]
        )
    said = []
    for p in regions:
        sheet = next((f for f in p.rows["fiches"] if f["type_action"] == type_action), None)
        advice = [c for c in p.rows["conseils"] if c["type_action"] == type_action]
        section: dict[str, Any] = {"titre": f"Ce que dit la région {p.name}", "listes": []}
        if sheet and sheet["resume"]:
            section["paragraphes"] = [f"Résumé de la pratique : {sheet['resume']}"]
        for heading in dict.fromkeys(c["rubrique"] for c in advice):
            items = [c["texte"] for c in advice if c["rubrique"] == heading]
            section["listes"].append({"titre": f"{heading} ({p.name})", "elements": items})
        url = p.page_url(sheet["page"]) if sheet else None
        if url:
            link = {"texte": f"Fiche méthode de la région {p.name}", "lien": url, "externe": True}
            section["listes"].append({"elements": [link]})
        said.append(section)
    years = _years(editions)
    span = f"{years[0]} à {years[-1]}" if len(years) > 1 else (years[0] if years else "")
    return {
        "intro": f"{len(editions)} édition{'s' if len(editions) > 1 else ''} dans "
        f"{len(regions)} région{'s' if len(regions) > 1 else ''}"
        + (f", de {span}" if len(years) > 1 else (f", en {span}" if span else ""))
        + ". Les chiffres sont ceux que chaque région a publiés sur son bilan d'action.",
        "sections": [
            {
                "titre": "Les éditions dans les régions",
                "id": "editions",
                "tableaux": [
                    {
                        "titre": "Éditions par région",
                        "entetes": ["Région", "Action", "Année", "Lieu"],
                        "lignes": rows,
                        "nombres": [2],
                    }
                ],
            },
            {
                "titre": "Résultats d'une région à l'autre",
                "id": "resultats",
                "tableaux": [
                    {
                        "titre": "Résultats des éditions",
                        "entetes": [
                            "Indicateur",
                            "Éditions publiées",
                            "Plus bas",
                            "Plus haut",
                            "Régions",
                            "Cumul",
                        ],
                        "lignes": results,
                        "nombres": [1, 2, 3, 4, 5],
                        "note": RANGE_NOTE,
                    }
                ],
            },
            *said,
        ],
    }


def _write_statement(out: Path, title: str) -> None:
    text = publish.render_site_text(
        "accessibilite.html.j2",
        root="",
        site_title=title,
        title="Déclaration d'accessibilité",
        breadcrumb=[("Déclaration d'accessibilité", None)],
        description=f"Déclaration d'accessibilité du site « {title} » (RGAA).",
        responsable="Le responsable du site national",
        pages=[{"titre": t, "lien": None} for _, t in CHECKED],
        tests={**LAST_CHECK, "version": vccap.__version__},
        fictitious=False,
    )
    publish.write_text_atomic(out / publish.ACCESSIBILITY_PAGE, text)


def _write_package(packages: list[RegionalPackage], folder: Path, title: str) -> None:
    """The regions' packages end to end (same resources, rows concatenated)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in RESOURCES:
        rows = [row for p in packages for row in p.rows[name]]
        (folder / f"{name}.csv").write_bytes(csv_bytes(name, rows))
    regions = ", ".join(p.name for p in packages)
    descriptor = {
        "profile": "tabular-data-package",
        "name": "vccap-national",
        "title": f"{title} : chiffres publiés par les régions",
        "description": f"Les chiffres publiés par les sites des régions ({regions}), réunis "
        "sans autre calcul : actions, indicateurs et objectifs de chaque action, fiches "
        "méthode, résumés de pratique et conseils des équipes. Uniquement des chiffres déjà "
        "protégés par le contrôle de confidentialité de chaque région ; aucune donnée "
        "personnelle.",
        "version": next(iter(p.descriptor.get("version") for p in packages), "1.0.0"),
        "created": now(),
        "keywords": ["ville-campagne", "développement rural", "capitalisation", "vccap"],
        "countryCode": "FR",
        "licenses": [LICENSE],
        "contributors": [
            {"title": c["title"], "role": "publisher", "organization": c["title"]}
            for p in packages
            for c in p.descriptor.get("contributors", [])[:1]
            if isinstance(c, dict) and c.get("title")
        ],
        "sources": [
            {
                "title": p.descriptor.get("title", p.name),
                **({"path": p.info["site"]} if p.info.get("site") else {}),
            }
            for p in packages
        ],
        "vccap": {
            "format": packages[0].descriptor.get("vccap", {}).get("format", "1.0.0"),
            "kit": vccap.__version__,
            "regions": [p.region for p in packages],
        },  # fmt: skip
        "resources": resource_descriptors(),
    }
    (folder / PACKAGE_FILE).write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
