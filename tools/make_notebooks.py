"""Write the notebook templates of notebooks/ (run by hand when their structure changes).

Templates stay thin: a parameters cell, calls into vccap, and French prose.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]


def _notebook(cells):
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def guide_cell(what: str, variable: str, call: str, table: str, chart_cols: tuple[str, str]):
    """The first cell of a template: how to run it and adapt it (never published).

    Tagged ``remove-cell``: it stays in JupyterLab and the transfer pack, not on the page.
    """
    x, y = chart_cols
    cell = new_markdown_cell(
        f"# Modèle vccap : {what}\n\n"
        "**Exécuter** : menu *Run → Run All Cells*. La cellule de paramètres choisit la page ; "
        "« vccap build » et « papermill -p » remplacent ses valeurs. Un nom de paramètre mal "
        "écrit, ou une page qui n'existe pas, arrête le carnet avec un message en français.\n\n"
        f"**Explorer** : chaque section (`{variable}.…()`) s'affiche exactement comme sur la page "
        "publiée et donne accès à ce qu'elle montre : `.tables` (les tableaux, des DataFrame "
        "pandas, par titre), `.data` (le premier), `.figures` (les graphiques plotly). Les "
        "effectifs y sont déjà protégés (petits effectifs regroupés), comme sur la page.\n\n"
        "**Adapter** : toute cellule ajoutée (texte, tableau, graphique) paraît dans la page "
        "publiée, à sa place. Deux exemples :\n\n"
        "```python\n"
        f"# 1. un tableau de la section, tel qu'il est publié\n"
        f'{variable}.{call}.tables["{table}"]\n'
        "```\n\n"
        "```python\n"
        "# 2. un graphique à vous, à partir des données de la section\n"
        "import plotly.express as px\n"
        "from vccap.pages import chart\n\n"
        f'donnees = {variable}.{call}.tables["{table}"]\n'
        f'chart(px.pie(donnees, names="{x}", values="{y}", title="{table}"),\n'
        f'      "Graphique en secteurs : {table.lower()}.")\n'
        "```\n\n"
        "Pour garder vos changements : `vccap carnets ESPACE` copie les modèles dans le dossier "
        "`carnets/` de l'espace de travail ; « vccap build » utilise alors votre version. "
        "Les fragments HTML se remplacent de même dans `gabarits/`."
    )
    cell.metadata["tags"] = ["remove-cell"]
    return cell


def action_report():
    params = new_code_cell(
        "# Paramètres (remplacés par « vccap build » ou « papermill -p »)\n"
        'workspace = "data"\n'
        'action_id = "2016-06-salon-entrepreneurs-lyon"'
    )
    params.metadata["tags"] = ["parameters"]
    return _notebook(
        [
            guide_cell(
                "bilan d'action",
                "rapport",
                "graphiques_public()",
                "Profil du public",
                ("libelle", "effectif"),
            ),
            params,
            new_code_cell(
                "from vccap.pages import ActionReport\n\n"
                "rapport = ActionReport.load(workspace, action_id)\n"
                "rapport.entete()"
            ),
            new_markdown_cell("## Descriptif sommaire"),
            new_code_cell("rapport.descriptif()"),
            new_markdown_cell(
                "## Objectifs\n\nChaque objectif fixé avant l'action est rapproché "
                "de son indicateur : "
                "un objectif est *atteint* quand la cible est atteinte, *partiellement atteint* à "
                "partir de la moitié de la cible."
            ),
            new_code_cell("rapport.objectifs()"),
            new_markdown_cell("## Résultats\n\n### Chiffres clés"),
            new_code_cell("rapport.chiffres_cles()"),
            new_code_cell("rapport.graphiques()"),
            new_markdown_cell(
                "## Bilan qualitatif\n\nCe que l'équipe retient de l'action, d'après son retour "
                "d'expérience."
            ),
            new_code_cell("rapport.bilan()"),
            new_markdown_cell("### Paroles de participants"),
            new_code_cell("rapport.citations()"),
            new_markdown_cell("## Enseignements et comparaison avec les éditions précédentes"),
            new_code_cell("rapport.comparaison()"),
            new_markdown_cell("## Note de méthode"),
            new_code_cell("rapport.note_methode()"),
            summary_cell("rapport.resume_site()"),
        ]
    )


def method_sheet():
    params = new_code_cell(
        "# Paramètres (remplacés par « vccap build » ou « papermill -p »)\n"
        'workspace = "data"\n'
        'type_action = "salon"'
    )
    params.metadata["tags"] = ["parameters"]
    sections = [
        ("## Résumé de la pratique", "fiche.resume()"),
        (
            "## Contexte et problème\n\nPourquoi ce type d'action existe, dans quelle démarche, "
            "et ce que chaque édition a été.",
            "fiche.contexte()",
        ),
        ("## Objectifs et publics", "fiche.objectifs_publics()"),
        (
            "## Méthode pas à pas\n\nLes étapes à prévoir avant et après le jour J "
            "(rétroplanning).",
            "fiche.methode()",
        ),
        ("## Moyens : budget, temps passé, partenaires", "fiche.ressources()"),
        (
            "## Résultats d'une édition à l'autre\n\nCe qui était visé et ce qui a été "
            "obtenu à chaque édition.",
            "fiche.resultats()",
        ),
        (
            "## Facteurs clés de réussite\n\nCe qui a fonctionné, d'après le retour "
            "d'expérience de chaque édition.",
            "fiche.facteurs_cles()",
        ),
        ("## Difficultés et ce que nous ne referions pas", "fiche.difficultes()"),
        (
            "## Conditions de transfert\n\nÀ cocher avant de refaire l'action ailleurs.",
            "fiche.conditions_transfert()",
        ),
        ("## Recommandations", "fiche.recommandations()"),
        ("## Outils, modèles et contacts", "fiche.outils_contacts()"),
        ("## Note de méthode", "fiche.note_methode()"),
    ]
    cells = [
        guide_cell(
            "fiche méthode",
            "fiche",
            "objectifs_publics()",
            "Profil du public",
            ("libelle", "effectif"),
        ),
        params,
        new_code_cell(
            "from vccap.pages import MethodSheet\n\n"
            "fiche = MethodSheet.load(workspace, type_action)\n"
            "fiche.entete()"
        ),
    ]
    for heading, call in sections:
        cells += [new_markdown_cell(heading), new_code_cell(call)]
    cells.append(summary_cell("fiche.resume_site()"))
    return _notebook(cells)


def annual_review():
    params = new_code_cell(
        "# Paramètres (remplacés par « vccap build » ou « papermill -p »)\n"
        'workspace = "data"\n'
        "annee = 2016"
    )
    params.metadata["tags"] = ["parameters"]
    sections = [
        (
            "## Les actions de l'année\n\nCe qui était enregistré pour l'année : actions "
            "réalisées, encore prévues ou annulées.",
            "revue.actions_vs_prevu()",
        ),
        (
            "## Les résultats par type d'action\n\nLes indicateurs clés de chaque type, "
            "additionnés sur les actions réalisées de l'année.",
            "revue.totaux_par_type()",
        ),
        ("## Les territoires engagés", "revue.territoires()"),
        ("## Les structures impliquées", "revue.structures()"),
        (
            "## Le réseau ville-campagne\n\nLes territoires et les structures qui ont agi "
            "ensemble depuis le début de la démarche.",
            "revue.reseau()",
        ),
        (
            "## Les parcours des porteurs de projet\n\nCe que sont devenues les personnes "
            "rencontrées pour la première fois dans l'année.",
            "revue.parcours()",
        ),
        (
            "## Les quatre principes de la démarche\n\nCe que l'année montre de chacun : "
            "réseau, extensif, apprenant, transfert.",
            "revue.principes()",
        ),
        ("## Note de méthode", "revue.note_methode()"),
    ]
    cells = [
        guide_cell(
            "bilan annuel",
            "revue",
            "structures()",
            "Structures selon leur milieu",
            ("libelle", "effectif"),
        ),
        params,
        new_code_cell(
            "from vccap.pages import AnnualReview\n\n"
            "revue = AnnualReview.load(workspace, annee)\n"
            "revue.entete()"
        ),
    ]
    for heading, call in sections:
        cells += [new_markdown_cell(heading), new_code_cell(call)]
    cells.append(summary_cell("revue.resume_site()"))
    return _notebook(cells)


def territory_profile():
    params = new_code_cell(
        "# Paramètres (remplacés par « vccap build » ou « papermill -p »)\n"
        'workspace = "data"\n'
        'territoire = "diois"'
    )
    params.metadata["tags"] = ["parameters"]
    sections = [
        ("## Les actions du territoire", "territoire_page.actions()"),
        (
            "## Les contacts reçus\n\nLes personnes venues parler au territoire sur les stands "
            "communs.",
            "territoire_page.contacts()",
        ),
        ("## D'où viennent ces personnes", "territoire_page.origines()"),
        (
            "## Ce que sont devenus les porteurs de projet\n\nL'étape la plus avancée de leur "
            "parcours, d'après les données de suivi.",
            "territoire_page.devenir()",
        ),
        (
            "## Le territoire dans le réseau\n\nLes territoires et les structures avec qui il "
            "a agi, en ville comme à la campagne.",
            "territoire_page.reseau()",
        ),
        ("## Note de méthode", "territoire_page.note_methode()"),
    ]
    cells = [
        guide_cell(
            "page d'un territoire",
            "territoire_page",
            "contacts()",
            "Profil des contacts reçus",
            ("libelle", "effectif"),
        ),
        params,
        new_code_cell(
            "from vccap.pages import TerritoryProfile\n\n"
            "territoire_page = TerritoryProfile.load(workspace, territoire)\n"
            "territoire_page.entete()"
        ),
    ]
    for heading, call in sections:
        cells += [new_markdown_cell(heading), new_code_cell(call)]
    cells.append(summary_cell("territoire_page.resume_site()"))
    return _notebook(cells)


#: Every notebook template: file name -> function building it. Add new templates here.
NOTEBOOKS = {
    "action_report.ipynb": action_report,
    "method_sheet.ipynb": method_sheet,
    "annual_review.ipynb": annual_review,
    "territory_profile.ipynb": territory_profile,
}


def summary_cell(expression: str):
    """The last cell of a template: a machine-readable summary for the site index.

    Tagged ``remove-cell`` so that it never shows on the page.
    """
    cell = new_code_cell(expression)
    cell.metadata["tags"] = ["remove-cell", "vccap-summary"]
    return cell


if __name__ == "__main__":
    for name, make in NOTEBOOKS.items():
        out = ROOT / "notebooks" / name
        nbformat.write(make(), out)
        print(out)
