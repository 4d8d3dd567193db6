"""The annual-review template, executed by papermill on the example workspace."""

from __future__ import annotations

import html as html_lib
import importlib.util
import re

import nbformat
import papermill as pm
import pytest

from conftest import EXAMPLE, ROOT
from vccap import cooperation, network, privacy
from vccap.build.run import extract_summary
from vccap.charts import PLOTLY_MIME
from vccap.indicators import action_indicators
from vccap.loading import load_workspace
from vccap.pages.annual_review import AnnualReview
from vccap.pages.registry import SUMMARY_MIME
from vccap.pages.review_data import count_bullets, short_name, type_totals

TEMPLATE = ROOT / "notebooks" / "annual_review.ipynb"


def _execute(folder, annee):
    out = folder / f"{annee}.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), parameters={"workspace": str(EXAMPLE),
                        "annee": annee}, kernel_name="python3", progress_bar=False,
                        cwd=str(ROOT))  # fmt: skip
    return nbformat.read(out, as_version=4)


def _outputs(nb, call: str | None = None):
    for cell in nb.cells:
        if cell.cell_type == "code" and (call is None or call in cell.source):
            yield from cell.outputs


def _html(nb, call: str | None = None) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb, call))


def _text(nb, call: str | None = None) -> str:
    """The visible text (tags removed, entities decoded, spaces collapsed)."""
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", _html(nb, call)))
    return " ".join(text.replace("\xa0", " ").split())


def _figures(nb, call: str | None = None):
    return [o["data"][PLOTLY_MIME] for o in _outputs(nb, call) if PLOTLY_MIME in o.get("data", {})]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annees")
    # the build passes the year as text: accept both
    return folder, {2016: _execute(folder, 2016), 2017: _execute(folder, "2017")}


# --------------------------------------------------------------------------- the template


def test_template_is_thin_committed_without_outputs_and_generated():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'workspace = "data"' in code[0].source and "annee = 2016" in code[0].source
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code
                   for line in c.source.splitlines())  # fmt: skip
    last = code[-1]
    assert last.source == "revue.resume_site()"
    assert {"vccap-summary", "remove-cell"} <= set(last.metadata["tags"])
    spec = importlib.util.spec_from_file_location(
        "make_notebooks", ROOT / "tools" / "make_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.NOTEBOOKS["annual_review.ipynb"]() == nb


def test_every_section_is_there_and_runs_cleanly(executed):
    for nb in executed[1].values():
        assert not [o for o in _outputs(nb) if o.output_type in ("error", "stream")]
        headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
        for expected in (
            "## Les actions de l'année",
            "## Les résultats par type d'action",
            "## Les territoires engagés",
            "## Les structures impliquées",
            "## Le réseau ville-campagne",
            "## Les parcours des porteurs de projet",
            "## Les quatre principes de la démarche",
            "## Note de méthode",
        ):
            assert expected in headings
    assert "Bilan de l'année 2017" in _text(executed[1][2017])


# --------------------------------------------------------------------------- figures


def test_2016_totals_agree_with_the_sum_of_the_action_reports(executed):
    ws = load_workspace(EXAMPLE)
    realised = [a for a in ws.actions.values() if a.annee == 2016 and a.statut == "realisee"]
    expected: dict[str, dict[str, float]] = {}
    for a in realised:
        values, _ = action_indicators(ws, a.id)
        for key in ws.types[a.type].indicateurs_cles:
            if values.get(key) and values[key].valeur is not None:
                bucket = expected.setdefault(a.type, {})
                bucket[key] = bucket.get(key, 0.0) + values[key].valeur
    summary = extract_summary(executed[1][2016])
    assert summary["totaux"] == expected
    assert {t.type_id: t.totals for t in type_totals(ws, 2016)} == expected
    # the known 2016 figures (seed), as the page shows them
    assert expected["salon"] == {
        "porteurs_conseilles": 94,
        "partenaires_visiteurs": 41,
        "territoires_presents": 9,
    }
    html = _html(executed[1][2016], "totaux_par_type")
    for label, value in (
        ("Porteurs de projet conseillés sur le stand", "94"),
        ("Partenaires venus sur le stand", "41"),
        ("Territoires ayant pris un engagement", "3"),
    ):
        assert re.search(rf"<td>{re.escape(html_lib.escape(label))}</td><td class=\"num\">"
                         rf"{value}</td>", html), label  # fmt: skip


def test_actions_of_the_year_link_to_their_reports(executed):
    html = _html(executed[1][2017], "actions_vs_prevu")
    assert 'href="../actions/2017-06-salon-entrepreneurs-lyon.html"' in html
    text = _text(executed[1][2017], "actions_vs_prevu")
    assert "Annulée" in text and "Grenoble" in text
    assert "../actions/2017-12-session-vivre-travailler-grenoble.html" not in html
    assert "7 actions ont été réalisées sur 8 actions enregistrées" in text


def test_overview_for_the_front_page(executed):
    s16 = extract_summary(executed[1][2016])
    s17 = extract_summary(executed[1][2017])
    assert [i["libelle"] for i in s16["apercu"]] == [i["libelle"] for i in s17["apercu"]]
    assert all(i["definition"] for i in s16["apercu"])  # each figure says what it counts
    v16 = [i["valeur"] for i in s16["apercu"]]
    v17 = [i["valeur"] for i in s17["apercu"]]
    # urban actors: structures named by fewer participants than the threshold are not actors
    # (disclosure control: one or two people must not put their structure on a page)
    assert v16 == ["4", "196", "9", "6"]
    # 2017: 272 rows of participants and contacts, 269 people (some came twice)
    assert v17 == ["7", "269", "14", "masqué"]  # installations: under the threshold
    assert s17["detail"] == "7 actions réalisées, 1 annulée"
    last = [c for c in executed[1][2016].cells if c.cell_type == "code"][-1]
    assert SUMMARY_MIME in last.outputs[0]["data"]


def test_territories_new_this_year(executed):
    text = _text(executed[1][2017], "revue.territoires()")
    assert "14 territoires ont participé" in text and "dont 5 nouveaux" in text
    assert "CC du Trièves" in text and "Ville d'Oyonnax" in text  # the one that left
    html = _html(executed[1][2017], "revue.territoires()")
    assert 'href="../territoires/trieves.html"' in html


def test_network_shows_who_took_part_and_the_lasting_ties(executed):
    ws = load_workspace(EXAMPLE)
    table = cooperation.participations(ws, up_to_year=2017)
    of_2017 = table[table["annee"] == 2017]
    fig = _figures(executed[1][2017], "revue.reseau()")[0]
    traces = {t["name"]: t for t in fig["data"]}
    assert {"Territoire rural", "Structure urbaine"} <= set(traces)
    # one point per actor-action tie of the year, not one line per pair of attendees
    assert sum(len(t["x"]) for t in fig["data"]) == len(of_2017)
    assert len({a for t in fig["data"] for a in t["x"]}) == of_2017["action"].nunique() == 7
    text = _text(executed[1][2017], "revue.reseau()")
    assert "6 des 7 actions réalisées ont réuni territoires ruraux et acteurs urbains" in text
    ties = cooperation.urban_rural_ties(network.build_network(ws, up_to_year=2017))
    repeated = int((ties["nb_actions"] >= 2).sum())
    assert f"Sur {len(ties)} liens ville-campagne depuis le début, {repeated} ont été" in text
    html = _html(executed[1][2017], "revue.reseau()")
    top = html.split("Les 10 liens ville-campagne les plus suivis")[1].split("</table>")[0]
    top = html_lib.unescape(top)
    assert top.count("<tr>") == 1 + 10  # header and the ten most repeated ties
    first = ties.iloc[0]
    assert first["nom_territoire"] in top and first["nom_acteur"] in top
    # year over year: actors cumulated at the end of 2016 then 2017
    m = cooperation.yearly_measures(ws).set_index("annee")
    for year in (2016, 2017):
        cells = "".join(
            f'<td class="num">{m.loc[year, c]}</td>' for c in ("actions", "actions_ville_campagne")
        )
        assert f'<th scope="row">{year}</th>{cells}' in html
    assert m.loc[2017, "acteurs"] > m.loc[2016, "acteurs"]


def test_no_count_under_the_threshold_in_journeys_or_breakdowns(executed):
    seuil = load_workspace(EXAMPLE).seuil
    for nb in executed[1].values():
        for call in ("revue.parcours()", "revue.structures()"):
            html = _html(nb, call)
            counts = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', html)]
            assert counts, call
            assert all(c == 0 or c >= seuil for c in counts), (call, counts)
            for fig in _figures(nb, call):
                for trace in fig["data"]:
                    assert all(v == 0 or v >= seuil for v in trace["x"]), trace["x"]
    # 2017: the small later steps are masked, the others shown
    text = _text(executed[1][2017], "revue.parcours()")
    assert "Accompagnement masqué" in text and "Installation masqué" in text
    assert "Rendez-vous 16" in text
    fig = _figures(executed[1][2017], "revue.parcours()")[0]
    assert fig["data"][0]["x"] == [143, 16, 4]


def test_principles_have_evidence(executed):
    text = _text(executed[1][2017], "revue.principes()")
    assert "dont 5 nouveaux" in text
    assert "Session d'information pour les accompagnateurs urbains" in text  # new type
    assert "Retour d'expérience rédigé pour 7 actions réalisées sur 7 (100 %)" in text
    assert "enseignements consignés" in text
    assert "dossier de transfert" in text and "vccap" not in text
    assert 'href="../fiches/salon.html"' in _html(executed[1][2017], "revue.principes()")


def test_no_personal_data_in_the_executed_reviews(executed):
    folder, _ = executed
    ws = load_workspace(EXAMPLE)
    assert privacy.audit(folder, ws.personal_values) == []


# --------------------------------------------------------------------------- without papermill


def _flat(displayable) -> str:
    if isinstance(displayable, list):
        return "".join(_flat(d) for d in displayable)
    if hasattr(displayable, "items"):
        return _flat(displayable.items)
    return getattr(displayable, "html", "")


def test_a_year_without_realised_action_reads_well():
    review = AnnualReview.load(EXAMPLE, "2018")
    out = _flat([
        review.actions_vs_prevu(), review.totaux_par_type(), review.territoires(),
        review.parcours(), review.principes(),
    ])  # fmt: skip
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", out))
    assert "aucune action n'a encore été réalisée" in text
    assert "Aucune action réalisée en 2018 : pas de total" in text
    assert "Nouveaux types en préparation" in text and "Événement régional" in text
    assert review.apercu()[0]["valeur"] == "0"


def test_typed_html_in_titles_comes_out_escaped(example_copy):
    yml = example_copy / "actions" / "2016-06-salon-entrepreneurs-lyon" / "action.yml"
    text = yml.read_text(encoding="utf-8")
    text = re.sub(r"^titre: .*$", "titre: Salon <script>alert(1)</script>", text, flags=re.M)
    yml.write_text(text, encoding="utf-8")
    out = _flat(AnnualReview.load(example_copy, 2016).actions_vs_prevu())
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_small_helpers():
    assert count_bullets("- un\n* deux\n1. trois\ntexte\n  - quatre") == 4
    assert short_name("CC du Trièves") == "Trièves"
    assert short_name("Site de proximité du Roannais") == "Roannais"
    assert short_name("Beaujolais Vert") == "Beaujolais Vert"
