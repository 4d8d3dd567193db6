"""The territory-profile template, executed by papermill on the example workspace."""

from __future__ import annotations

import html as html_lib
import importlib.util
import re

import nbformat
import papermill as pm
import pytest

from conftest import EXAMPLE, ROOT
from vccap import privacy
from vccap.build.run import extract_summary
from vccap.charts import PLOTLY_MIME
from vccap.errors import NotebookStopped, UnknownTerritory
from vccap.loading import load_workspace
from vccap.pages.action_report import ActionReport
from vccap.pages.territory_profile import TerritoryProfile, published_contacts

TEMPLATE = ROOT / "notebooks" / "territory_profile.ipynb"
WITH_CONTACTS = "roannais"
WITHOUT_ACTION = "grenoble-alpes-metropole"  # its only action was cancelled
SALONS = ("2016-06-salon-entrepreneurs-lyon", "2017-06-salon-entrepreneurs-lyon")


def _execute(folder, territoire):
    out = folder / f"{territoire}.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), parameters={"workspace": str(EXAMPLE),
                        "territoire": territoire}, kernel_name="python3", progress_bar=False,
                        cwd=str(ROOT))  # fmt: skip
    return nbformat.read(out, as_version=4)


def _outputs(nb, call: str | None = None):
    for cell in nb.cells:
        if cell.cell_type == "code" and (call is None or call in cell.source):
            yield from cell.outputs


def _html(nb, call: str | None = None) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb, call))


def _text(nb, call: str | None = None) -> str:
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", _html(nb, call)))
    return " ".join(text.replace("\xa0", " ").split())


def _figures(nb, call: str | None = None):
    return [o["data"][PLOTLY_MIME] for o in _outputs(nb, call) if PLOTLY_MIME in o.get("data", {})]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("territoires")
    return folder, {t: _execute(folder, t) for t in (WITH_CONTACTS, WITHOUT_ACTION)}


def test_template_is_thin_committed_without_outputs_and_generated():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'workspace = "data"' in code[0].source and 'territoire = "diois"' in code[0].source
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code
                   for line in c.source.splitlines())  # fmt: skip
    last = code[-1]
    assert last.source == "territoire_page.resume_site()"
    assert {"vccap-summary", "remove-cell"} <= set(last.metadata["tags"])
    spec = importlib.util.spec_from_file_location(
        "make_notebooks", ROOT / "tools" / "make_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.NOTEBOOKS["territory_profile.ipynb"]() == nb


def test_a_territory_with_contacts(executed):
    nb = executed[1][WITH_CONTACTS]
    assert not [o for o in _outputs(nb) if o.output_type in ("error", "stream")]
    text = _text(nb)
    assert "Site de proximité du Roannais" in text and "Loire (42)" in text
    assert (
        "8 actions réalisées de la démarche (2016, 2017) concernent le Site de proximité du "
        "Roannais : 8 auxquelles le territoire a pris part" in text
    )
    contacts = _text(nb, "contacts()")
    assert "45 contacts reçus sur 2 actions" in contacts
    html = _html(nb, "contacts()")
    assert 'href="../actions/2016-06-salon-entrepreneurs-lyon.html"' in html
    assert extract_summary(nb)["detail"] == "8 actions, 45 contacts"
    network_text = _text(nb, "reseau()")
    assert "Maison de l'Emploi et de la Formation de Lyon" in network_text
    assert "Espace création-reprise du Roannais" in network_text  # structure based there
    devenir = _text(nb, "devenir()")
    assert "Premier contact 36" in devenir


def test_contacts_per_action_are_those_the_action_reports_publish(executed):
    ws = load_workspace(EXAMPLE)
    names = {t.id: t.nom for t in ws.territoires.values()}
    for action_id in SALONS:
        # what the action's report draws: its "contacts par territoire" chart
        items = ActionReport.load(EXAMPLE, action_id).graphique_territoires().items
        fig = next(i.data[PLOTLY_MIME] for i in items if hasattr(i, "data"))
        drawn = dict(zip(fig["data"][0]["y"], fig["data"][0]["x"], strict=True))
        drawn.pop("Autres (regroupés)", None)
        published = published_contacts(ws, action_id)
        assert {names[k]: v for k, v in published.items()} == drawn
    # saint-felicien is grouped in both salon reports: its page gives no count of its own
    profile = TerritoryProfile.load(EXAMPLE, "saint-felicien")
    kept, grouped = profile.contact_sets
    assert kept == [] and [a.id for a in grouped] == list(SALONS)
    assert profile.resume_site().data["text/plain"] == "3 actions"
    # roannais: the page's rows equal what the reports publish
    html = _html(executed[1][WITH_CONTACTS], "contacts()")
    for action_id, n in zip(SALONS, (25, 20), strict=True):
        assert published_contacts(ws, action_id)["roannais"] == n
        assert re.search(rf'{action_id}\.html">[^<]+</a></th><td>[^<]+</td><td class="num">{n}<',
                         html)  # fmt: skip


def test_thresholds_are_respected(executed):
    seuil = load_workspace(EXAMPLE).seuil
    nb = executed[1][WITH_CONTACTS]
    for call in ("contacts()", "origines()", "devenir()"):
        html = _html(nb, call)
        counts = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', html)]
        assert counts, call
        assert all(c == 0 or c >= seuil for c in counts), (call, counts)
        for fig in _figures(nb, call):
            for trace in fig["data"]:
                assert all(v == 0 or v >= seuil for v in trace["x"]), (call, trace["x"])
    assert "Autres (regroupés)" in _text(nb, "origines()")
    assert "Abandon déclaré masqué" in _text(nb, "devenir()")


def test_a_territory_without_action_reads_well(executed):
    nb = executed[1][WITHOUT_ACTION]
    assert not [o for o in _outputs(nb) if o.output_type in ("error", "stream")]
    text = _text(nb)
    assert "Le territoire n'a pris part à aucune action réalisée à ce jour" in text
    assert "sont comptées avec chaque structure" not in text  # its structure took no part
    assert "Session « Vivre et travailler à la campagne » à Grenoble" in text  # cancelled
    assert "Aucun contact publié" in text
    # no stand held: « — » and why, never a « 0 » that a stray contact line would falsify
    assert "(le territoire n'a tenu aucun stand commun)" in text
    assert not re.search(r"\b0 Contacts reçus", text)
    assert "(le territoire n'a tenu aucun stand commun)" not in _text(executed[1][WITH_CONTACTS])
    assert "Pas de parcours publié pour ce territoire" in text
    assert "Ni le territoire ni ses structures n'ont encore pris part" in text
    assert "Coopérative d'activités grenobloise" in text  # its structure, listed
    assert extract_summary(nb)["detail"] == "aucune action réalisée, 1 action prévue ou annulée"
    assert not _figures(nb)


def test_actions_of_its_structures_alone_are_the_structures_not_the_territory(example_copy):
    """A declared partner structure based in a territory does not tie the territory itself
    to the action: its page says 0, never lists the action, and points to the structure."""
    yml = example_copy / "actions" / "2016-05-session-vivre-travailler-lyon" / "action.yml"
    source = yml.read_text(encoding="utf-8")
    partners = source.replace("partenaires: [", "partenaires: [cae-grenoble, ", 1)
    assert partners != source
    yml.write_text(partners, encoding="utf-8")
    profile = TerritoryProfile.load(example_copy, WITHOUT_ACTION)
    assert profile.joined == [] and profile.through_structures == 1
    head = html_lib.unescape("".join(i.html for i in profile.entete().items))
    assert re.search(r">\s*0\s*<", head) and "Actions réalisées" in head
    text = html_lib.unescape("".join(i.html for i in profile.actions().items))
    assert "Vivre et travailler à la campagne » à Lyon" not in text
    assert "elles sont comptées avec chaque structure" in text
    structures = html_lib.unescape("".join(i.html for i in profile.reseau().items))
    assert "1 action réalisée" in structures  # the structure keeps its own action
    # a hosted action stays the territory's (Saint-Étienne, whose structures also took part)
    host = TerritoryProfile.load(example_copy, "saint-etienne-metropole")
    assert [a.id for a in host.joined] == ["2017-10-session-vivre-travailler-saint-etienne"]


def test_a_small_territory_is_grouped_in_the_journeys():
    profile = TerritoryProfile.load(EXAMPLE, "val-de-drome")
    assert profile.funnel_row is None and profile.grouped_in_funnel
    html = html_lib.unescape("".join(i.html for i in profile.devenir().items))
    # the same words as for nobody: saying "too few" would tell that one or two exist
    assert "Pas de parcours publié pour ce territoire" in html
    # true of a count hidden by secondary suppression too (it may be 3 or more)
    assert (
        "aucun porteur de projet n'y a eu son premier contact, ou leur nombre n'est pas publié "
        "(moins de 3, ou caché pour qu'un autre petit nombre ne puisse pas se déduire" in html
    )


def test_no_personal_data_in_the_executed_pages(executed):
    folder, _ = executed
    ws = load_workspace(EXAMPLE)
    assert privacy.audit(folder, ws.personal_values) == []


def test_unknown_territory_is_a_clear_error():
    with pytest.raises(NotebookStopped) as exc:
        TerritoryProfile.load(EXAMPLE, "atlantide")
    assert exc.value.cause == UnknownTerritory.__name__
    assert str(exc.value).startswith("Territoire inconnu : « atlantide »")
    assert "diois" in str(exc.value)
    assert exc.value._render_traceback_() == [str(exc.value)]
