"""The site's front page, written from the pages' summaries (no table is read).

It lists the actions by year and type with their key figures, links to every page kind's
pages (from the registry), and the multi-year overview drawn from the yearly reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vccap import fmt
from vccap.model import STATUTS
from vccap.opendata.pagetables import publish_page
from vccap.pages.registry import kind, kinds
from vccap.site import publish
from vccap.workspace import Workspace


@dataclass
class SiteStatus:
    """What the build knows of the site's pages when it writes the index.

    ``built``: ids of the pages that exist (``actions/<id>``…); ``summaries``: page id ->
    the summary its notebook emitted; ``failed``: page id -> (error name, short message);
    ``invalid``: action id -> French problems of its data.
    """

    built: set[str] = field(default_factory=set)
    summaries: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    invalid: dict[str, list[str]] = field(default_factory=dict)


def write_index(ws: Workspace, out: Path, status: SiteStatus) -> bool:
    """The front page, from the pages' summaries (no table is read). True if it changed."""
    failed = status.failed
    built = status.built
    summaries = status.summaries
    reports, reviews = kind("actions"), kind("annees")
    sections = []
    years = sorted({a.annee for a in ws.actions.values() if a.annee}, reverse=True)
    for year in years:
        groups = []
        actions = [a for a in ws.actions.values() if a.annee == year]
        for type_id in dict.fromkeys(a.type for a in actions):
            spec = ws.types.get(type_id)
            rows = []
            for a in (x for x in actions if x.type == type_id):
                job_id = reports.page_id(a.id)
                alerte = None
                if a.id in status.invalid:
                    n = len(status.invalid[a.id])
                    alerte = (
                        f"Bilan non construit : {n} problème{'s' if n > 1 else ''} dans les "
                        "données de l'action, que l'équipe du projet doit corriger."
                    )
                elif job_id in failed:
                    # The error itself stays in the build log: it may quote data or paths.
                    alerte = (
                        "La construction du bilan a échoué : l'équipe du projet en trouve le "
                        "détail dans son journal de construction."
                    )
                summary = summaries.get(job_id) or {}
                rows.append(
                    {
                        "titre": a.titre,
                        "lien": f"{job_id}.html" if job_id in built else None,
                        "type_libelle": spec.libelle if spec else type_id,
                        "dates": fmt.periode(a.date_debut, a.date_fin),
                        "lieu": a.lieu,
                        "statut_libelle": STATUTS.get(a.statut, a.statut),
                        "statut_classe": a.statut,
                        "chiffres": summary.get("chiffres_cles", []) if job_id in built else [],
                        "alerte": alerte,
                    }
                )
            groups.append({"titre": spec.libelle if spec else type_id, "lignes": rows})
        review = reviews.page_id(str(year))
        sections.append(
            {
                "titre": str(year),
                "id": f"annee-{year}",
                "groupes": groups,
                "lien": f"{review}.html" if review in built else None,
                "lien_titre": f"Bilan de l'année {year} : toutes les actions, le réseau "
                "ville-campagne et les parcours",
            }
        )
    annexes = []
    for other in kinds():
        if not other.index_intro:
            continue
        links = []
        for key in other.keys(ws):
            page = other.page_id(key)
            if page in built:
                links.append(
                    {
                        "titre": other.breadcrumb(ws, key)[-1][0],
                        "lien": f"{page}.html",
                        "detail": (summaries.get(page) or {}).get("detail"),
                    }
                )
        if links:
            annexes.append(
                {
                    "titre": other.label,
                    "id": other.name,
                    "intro": other.index_intro,
                    "liens": links,
                }
            )
    realised = len(ws.actions_by_status("realisee"))
    intro = (f"{ws.demarche.description} " if ws.demarche.description else "") + (
        f"Ce site rassemble les bilans des {realised} actions réalisées"
        f" ({fmt.nombre(len(ws.actions))} actions en tout, prévues et annulées comprises)."
        if ws.actions
        else "Aucune action n'a encore été enregistrée dans cet espace de travail."
    )
    text = publish.render_site_text(
        "index.html.j2",
        root="",
        site_title=ws.demarche.nom,
        title=ws.demarche.nom,
        intro=intro,
        sections=sections,
        annexes=annexes,
        apercu=_overview(ws, summaries, built),
        fictitious=any(a.fictive for a in ws.actions.values()),
        absentes=[
            ws.actions[a].titre
            for a in status.invalid
            if a in ws.actions and ws.actions[a].statut == "realisee"
        ],
        description=f"{ws.demarche.nom} : bilans des actions, fiches méthode, bilans annuels "
        "et pages des territoires.",
        scripts=True,
        home=True,
    )
    return publish_page(out, "index.html", "index", text)  # with its tables as CSV files


def _overview(ws: Workspace, summaries: dict[str, Any], built: set[str]) -> dict | None:
    """Multi-year overview, from the annual reviews' summaries."""
    rows = []
    headers: list[str] = []
    definitions: dict[str, str] = {}
    for year in ws.annees:
        job_id = kind("annees").page_id(str(year))
        summary = summaries.get(job_id) if job_id in built else None
        if not summary or not summary.get("apercu"):
            continue
        items = summary["apercu"]
        headers = headers or [item["libelle"] for item in items]
        for item in items:
            if item.get("definition"):
                definitions.setdefault(item["libelle"], item["definition"])
        rows.append(
            [{"texte": str(year), "lien": f"{job_id}.html"}] + [item["valeur"] for item in items]
        )
    if not rows:
        return None
    return {
        "titre": "Vue d'ensemble",
        "entetes": ["Année", *headers],
        "lignes": rows,
        "definitions": [
            {"terme": h, "definition": definitions[h]} for h in headers if h in definitions
        ],
        "note": "Chaque ligne renvoie au bilan de l'année. Les effectifs inférieurs au seuil de "
        "confidentialité ne sont pas publiés.",
    }
