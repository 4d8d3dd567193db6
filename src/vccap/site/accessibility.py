"""The site's accessibility statement (« déclaration d'accessibilité »), at the site root.

Its facts (what was tested, with which tools, when) are those of the last check made with
``tools/quality/check.py``: they are kept here, in :data:`LAST_CHECK`, and updated by hand
after a new check, so that the page stays byte-identical from one build to the next.
"""

from __future__ import annotations

from pathlib import Path

import vccap
from vccap.site import publish
from vccap.workspace import Workspace

#: The last check of the published pages (tools/quality/check.py), in French.
LAST_CHECK = {
    "date": "30 novembre 2026",
    "axe": "4.14",
    "lighthouse": "12.8",
    "chromium": "156",
}

#: The pages checked on the kit's example site (same templates as every site): page id
#: (without ``.html``) and what it is, in French.
CHECKED = (
    ("index", "La page d'accueil"),
    ("actions/2016-06-salon-entrepreneurs-lyon", "Un bilan d'action (salon, 2016)"),
    ("fiches/salon", "Une fiche méthode (salon)"),
    ("annees/2017", "Un bilan annuel (2017)"),
    ("territoires/roannais", "Une page de territoire (Roannais)"),
)


def write_accessibility_statement(ws: Workspace, out: Path, built: set[str]) -> bool:
    """Write ``OUT/accessibilite.html``; True if it changed.

    ``built``: ids of the pages that exist (``actions/<id>``…): the pages checked on the
    example site are linked when this site has them too.
    """
    pages = [
        {"titre": title, "lien": f"{page}.html" if page in built | {"index"} else None}
        for page, title in CHECKED
    ]
    text = publish.render_site_text(
        "accessibilite.html.j2",
        root="",
        site_title=ws.demarche.nom,
        title="Déclaration d'accessibilité",
        breadcrumb=[("Déclaration d'accessibilité", None)],
        description=f"Déclaration d'accessibilité du site « {ws.demarche.nom} » (RGAA).",
        responsable=ws.demarche.chef_de_file or "Le responsable du site",
        pages=pages,
        tests={**LAST_CHECK, "version": vccap.__version__},
        fictitious=False,
    )
    path = out / publish.ACCESSIBILITY_PAGE
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    publish.write_text_atomic(path, text)
    return True
