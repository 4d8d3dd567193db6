"""The method-sheet template, executed by papermill on the example workspace."""

from __future__ import annotations

import html as html_lib
import importlib.util
import re

import nbformat
import pandas as pd
import papermill as pm
import pytest
import yaml

from conftest import EXAMPLE, ROOT
from vccap import privacy
from vccap.build.run import extract_summary
from vccap.catalogue import default_types
from vccap.charts import PLOTLY_MIME
from vccap.errors import NotebookStopped, UnknownType
from vccap.loading import load_workspace
from vccap.pages.blocks import count_labels, protect
from vccap.pages.method_sheet import NO_EDITION, MethodSheet
from vccap.pages.registry import SUMMARY_MIME
from vccap.pages.sheet_text import (
    ABSTRACT_LIMIT,
    bullets,
    delai_texte,
    jour_label,
    truncate_abstract,
)

TEMPLATE = ROOT / "notebooks" / "method_sheet.ipynb"
TYPES = ("salon", "session_accompagnateurs", "bourse_projets")


def _execute(folder, type_action, workspace=EXAMPLE):
    out = folder / f"{type_action}.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), parameters={"workspace": str(workspace),
                        "type_action": type_action}, kernel_name="python3", progress_bar=False,
                        cwd=str(ROOT))  # fmt: skip
    return nbformat.read(out, as_version=4)


def _outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.outputs


def _html(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb))


def _text(nb) -> str:
    """The visible text of the HTML outputs (tags removed, entities decoded)."""
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", _html(nb)))


def _flat(displayable) -> str:
    """The HTML of a section (an Html, or Items of them), charts left out."""
    if isinstance(displayable, list):
        return "".join(_flat(d) for d in displayable)
    if hasattr(displayable, "items"):
        return _flat(displayable.items)
    return getattr(displayable, "html", "")


def _figures(nb):
    return [o["data"][PLOTLY_MIME] for o in _outputs(nb) if PLOTLY_MIME in o.get("data", {})]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fiches")
    return folder, {t: _execute(folder, t) for t in TYPES}


@pytest.fixture(scope="module")
def salon(executed):
    return executed[1]["salon"]


@pytest.fixture(scope="module")
def single(executed):
    return executed[1]["session_accompagnateurs"]


# --------------------------------------------------------------------------- the template


def test_template_is_thin_committed_without_outputs_and_generated():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'workspace = "data"' in code[0].source
    assert 'type_action = "salon"' in code[0].source
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code
                   for line in c.source.splitlines())  # fmt: skip
    last = code[-1]
    assert last.source == "fiche.resume_site()"
    assert {"vccap-summary", "remove-cell"} <= set(last.metadata["tags"])
    # the committed file is what tools/make_notebooks.py writes
    spec = importlib.util.spec_from_file_location(
        "make_notebooks", ROOT / "tools" / "make_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.NOTEBOOKS["method_sheet.ipynb"]() == nb


def test_every_section_of_a_method_sheet_is_there(salon):
    headings = [c.source.splitlines()[0] for c in salon.cells if c.cell_type == "markdown"]
    for expected in (
        "## Résumé de la pratique",
        "## Contexte et problème",
        "## Objectifs et publics",
        "## Méthode pas à pas",
        "## Moyens : budget, temps passé, partenaires",
        "## Résultats d'une édition à l'autre",
        "## Facteurs clés de réussite",
        "## Difficultés et ce que nous ne referions pas",
        "## Conditions de transfert",
        "## Recommandations",
        "## Outils, modèles et contacts",
    ):
        assert expected in headings


# --------------------------------------------------------------------------- two editions


def test_salon_sheet_runs_cleanly_and_shows_both_editions(salon):
    assert not [o for o in _outputs(salon) if o.output_type in ("error", "stream")]
    text = _text(salon)
    assert "Fiche méthode : Stand commun sur un salon régional" in text
    assert "15-16 juin 2016" in text and "14-15 juin 2017" in text
    assert "Cap Rural" in text  # chef de file
    assert "Agence France Entrepreneur" in text and "Ardta" in text
    assert "Licence Ouverte / Etalab 2.0" in text
    assert "vccap 0.1.0, à jour de l'édition du 14 juin 2017" in text
    assert "Territoires (13)" in text


def test_salon_results_give_targets_actuals_and_ranges(salon):
    html = _html(salon)
    table = html[html.index('class="vc-table vc-resultats"') :]
    table = table[: table.index("</table>")]
    row = next(r for r in table.split("<tr>") if "Porteurs de projet conseillés" in r)
    assert re.findall(r'<td class="num">(\d+)<br>', row) == ["94", "110"]
    assert "cible : 80" in row and "cible : 100" in row and "94 – 110" in row
    row = next(r for r in table.split("<tr>") if "Partenaires venus sur le stand" in r)
    assert re.findall(r'<td class="num">(\d+)<br>', row) == ["41", "45"]
    assert "41 – 45" in row
    assert "Fourchette" in table
    # evolution across editions, with its text alternative
    holders = next(
        f for f in _figures(salon) if "Porteurs de projet" in f["layout"]["title"]["text"]
    )
    assert holders["data"][0]["x"] == ["2016", "2017"] and holders["data"][0]["y"] == [94, 110]
    assert "2016 : 94 ; 2017 : 110" in _text(salon)


def test_salon_method_has_a_retroplanning_table_and_timeline(salon):
    text = _text(salon)
    for label in ("J-180", "J-120", "J-60", "J-30", "J-7", "J+7", "J+30"):
        assert label in text
    assert "Outils de communication communs (kakémono, plaquette des offres)" in text
    timeline = next(
        o for o in _outputs(salon)
        if PLOTLY_MIME in o.get("data", {})
        and o["data"][PLOTLY_MIME]["layout"]["title"]["text"] == "Rétroplanning"
    )  # fmt: skip
    assert timeline["data"]["text/plain"].startswith("Frise du rétroplanning : 7 étapes")
    assert timeline["data"][PLOTLY_MIME]["data"][0]["x"][0] == -180


def test_salon_resources_costs_and_staff_days(salon):
    text = _text(salon)
    # one rule for euro amounts: the cents of large totals are kept (it used to say 8 400 €)
    assert "8\u202f400,50\xa0€" in text and "9\u202f620,90\xa0€" in text
    assert "62,23\xa0€ par contact" in text
    assert "Jours d'agents" in text and "18 – 22" in text
    assert "Location du stand (2 jours)" in text
    assert "Territoires (quote-part)" in text


def test_salon_lessons_come_from_every_debrief_labelled_by_edition(salon):
    text = _text(salon)
    assert "coopération entre territoires sans esprit de concurrence" in text  # 2016
    assert "fiche contact commune a évité la ressaisie" in text  # 2017
    assert "Avec douze territoires, le stand était trop petit" in text  # difficulty 2017
    html = _html(salon)
    assert html.count("☐") >= 6
    assert "Fixer dès le départ qui transmet les contacts" in text and "(2016)" in text
    assert '<ol class="vc-recommandations">' in html


def test_abstract_is_at_most_1500_characters(salon, single, executed):
    for nb in executed[1].values():
        summary = extract_summary(nb)
        assert len(summary["resume"]) <= ABSTRACT_LIMIT
    html = _html(salon)
    block = html[html.index('class="vc-descriptif vc-resume"') :]
    shown = html_lib.unescape(
        re.sub(r"<[^>]+>", "", block[block.index("<p>") : block.index("</p>")])
    )
    assert 200 < len(shown.strip()) <= ABSTRACT_LIMIT
    assert "de 94 à 110" in shown


def test_summary_for_the_index(salon, single, executed):
    assert extract_summary(salon)["detail"] == "2 éditions (2016, 2017)"
    assert extract_summary(single)["detail"] == "1 édition (2017)"
    assert extract_summary(executed[1]["bourse_projets"])["detail"] == "aucune édition réalisée"
    last = [c for c in salon.cells if c.cell_type == "code"][-1]
    assert SUMMARY_MIME in last.outputs[0]["data"]


# --------------------------------------------------------------------------- one edition, none


def test_a_single_edition_reads_well(single):
    assert not [o for o in _outputs(single) if o.output_type in ("error", "stream")]
    text = _text(single)
    assert "Une seule édition à ce jour" in text
    assert "Fourchette" not in text
    assert "de 21 à" not in text
    html = _html(single)
    results = html[html.index('class="vc-table vc-resultats"') :]
    assert re.search(
        r"Participants<br><small>indicateur clé</small></th><td class=\"num\">21<", results
    )
    assert "Structures urbaines représentées" in results and ">9<br>" in results
    titles = [f["layout"]["title"]["text"] for f in _figures(single)]
    assert titles == ["Rétroplanning"]  # no evolution chart with one edition
    assert "Maison de l'Emploi et de la Formation de Lyon" in text


def test_a_type_without_edition_says_so_in_every_section(executed):
    nb = executed[1]["bourse_projets"]
    assert not [o for o in _outputs(nb) if o.output_type in ("error", "stream")]
    text = _text(nb)
    assert text.count(NO_EDITION) >= 8
    assert "Éditions (0)" in text and "aucune édition réalisée" in text


# --------------------------------------------------------------------------- privacy


def test_no_personal_data_in_the_executed_sheets(executed):
    folder, _ = executed
    ws = load_workspace(EXAMPLE)
    assert privacy.audit(folder, ws.personal_values) == []


def test_breakdowns_respect_the_threshold():
    sheet = MethodSheet.load(EXAMPLE, "salon")
    series = pd.Series(["a"] * 10 + ["b"] * 5 + ["c"] * 2 + ["d"] * 1)
    b = protect(count_labels(series, mapper=str), sheet.seuil, "Test", "personnes")
    assert (b.table["effectif"] >= sheet.seuil).all()
    assert b.masked == 2 and b.table["effectif"].sum() == 18
    assert sheet.masking == [x for x in sheet.audience_breakdowns if x.masked]
    note = _flat(sheet.breakdown_table(b, "Test"))
    assert "Autres (regroupés)" in note and "regroupées dans" in note
    assert "2 catégories non publiées une à une" in note
    # categories hidden with no « Autres » row shown: not said to be grouped
    alone = type(b)(b.titre, b.table[b.table["libelle"] != "Autres (regroupés)"], 1, 18, "p")
    assert "regroupée" not in _flat(sheet.breakdown_table(alone, "Test"))
    # the real pooled breakdowns of the sheet too
    html = _flat(sheet.objectifs_publics())
    counts = re.findall(r'<td class="num">(\d+)</td><td class="num">\d+', html)
    assert counts and all(int(c) >= sheet.seuil for c in counts)


def test_typed_html_and_names_in_free_text_come_out_escaped_and_scrubbed(example_copy):
    action = example_copy / "actions" / "2017-06-salon-entrepreneurs-lyon"
    debrief = action / "retour_experience.md"
    text = debrief.read_text(encoding="utf-8")
    text = text.replace(
        "## Ce qui a fonctionné\n",
        "## Ce qui a fonctionné\n- <script>alert(1)</script> grâce à Céline Fournier.\n",
    ).replace(
        "## Conseils pour transférer\n",
        "## Conseils pour transférer\n- Écrire à cfournier@exemple.fr <b>vite</b>.\n",
    )
    debrief.write_text(text, encoding="utf-8")
    yml = action / "action.yml"
    data = yml.read_text(encoding="utf-8").replace(
        "descriptif: >-\n", "descriptif: >-\n  Avec Céline Fournier <img src=x onerror=alert(1)>.\n"
    )
    yml.write_text(data, encoding="utf-8")
    sheet = MethodSheet.load(example_copy, "salon")
    out = _flat([sheet.facteurs_cles(), sheet.contexte(), sheet.conditions_transfert()])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and "<b>" not in out
    assert "Céline Fournier" not in out and "[nom masqué]" in out
    assert "cfournier@exemple.fr" not in out and "[courriel masqué]" in out


# --------------------------------------------------------------------------- units


def test_unknown_type_is_a_french_error():
    with pytest.raises(NotebookStopped) as exc:
        MethodSheet.load(EXAMPLE, "kermesse")
    assert exc.value.cause == UnknownType.__name__
    assert exc.value.message.startswith("Type d'action inconnu : « kermesse »")
    assert "salon" in exc.value.message


def test_deadline_labels():
    assert [jour_label(d) for d in (180, 7, 0, -7, -30)] == [
        "J-180",
        "J-7",
        "Jour J",
        "J+7",
        "J+30",
    ]
    assert delai_texte(180) == "6 mois avant"
    assert delai_texte(14) == "2 semaines avant"
    assert delai_texte(-7) == "1 semaine après"
    assert delai_texte(45) == "45 jours avant"
    assert delai_texte(0) == "le jour même"


def test_truncate_abstract_cuts_at_a_sentence():
    sentence = "Une phrase de quarante caractères et plus. "
    text = sentence * 60
    cut = truncate_abstract(text)
    assert len(cut) <= ABSTRACT_LIMIT and cut.endswith("plus. …")
    assert truncate_abstract("Court.") == "Court."
    words = "mot " * 600
    assert truncate_abstract(words).endswith("mot …")


def test_bullets():
    text = "- premier\n  suite\n* second\n\nUn paragraphe\nsur deux lignes.\n1. troisième"
    assert bullets(text) == [
        "premier suite",
        "second",
        "Un paragraphe sur deux lignes.",
        "troisième",
    ]


def test_catalogue_gives_every_type_an_abstract_a_checklist_and_tools():
    raw = yaml.safe_load(
        (ROOT / "src" / "vccap" / "catalogue" / "types_action.yml").read_text(encoding="utf-8")
    )
    for type_id, spec in default_types().items():
        resume = " ".join(spec.extra["resume"].split())
        assert 300 < len(resume) <= ABSTRACT_LIMIT, type_id
        assert spec.extra["conditions_transfert"], type_id
        assert all(t["nom"] and t["description"] for t in spec.extra["outils"]), type_id
        assert all(set(step) == {"etape", "jours_avant"} for step in raw[type_id]["retroplanning"])
        blob = yaml.safe_dump(raw[type_id], allow_unicode=True)
        assert not privacy.EMAIL_RE.search(blob) and not privacy.PHONE_RE.search(blob)
