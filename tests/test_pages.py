"""The page layer: pure sections, checked parameters, a workspace's own notebooks and
fragments, the registry of page kinds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import EXAMPLE, NOT_RAW, ROOT, SALON_2016, SESSION_2016
from vccap import overrides
from vccap.build.plan import plan
from vccap.cli import main
from vccap.errors import NotebookStopped, TemplateNotFound
from vccap.loading import load_workspace
from vccap.pages import ActionReport, AnnualReview, MethodSheet, TerritoryProfile
from vccap.pages.base import Page
from vccap.pages.display import Section
from vccap.pages.registry import href, kind, kinds

PAGES = [
    (ActionReport, SALON_2016),
    (MethodSheet, "salon"),
    (AnnualReview, "2017"),
    (TerritoryProfile, "roannais"),
]


def _sections(page: Page) -> list[str]:
    """The notebook's calls, in template order (``rapport.entete()`` -> ``entete``)."""
    nb = nbformat.read(overrides.notebook(None, page.KIND.notebook)[0], as_version=4)
    calls = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            calls += re.findall(r"^\w+\.(\w+)\(\)\s*$", cell.source, flags=re.M)
    return [c for c in calls if c != "resume_site"]


def _shown(item) -> str:
    if isinstance(item, Section):
        return "".join(_shown(i) for i in item.items)
    if hasattr(item, "_repr_html_"):
        return item._repr_html_()
    if hasattr(item, "_repr_mimebundle_"):
        return json.dumps(item._repr_mimebundle_(), sort_keys=True, ensure_ascii=False)
    return repr(item)


@pytest.mark.parametrize(("cls", "key"), PAGES, ids=[c.__name__ for c, _ in PAGES])
def test_sections_are_pure_twice_and_in_any_order(cls, key):
    page = cls.load(EXAMPLE, key)
    names = _sections(page)
    assert len(names) >= 6
    first = {n: _shown(getattr(page, n)()) for n in names}
    again = {n: _shown(getattr(page, n)()) for n in reversed(names)}
    assert again == first
    # the method note does not depend on which sections ran before (a fresh page)
    fresh = cls.load(EXAMPLE, key)
    assert _shown(fresh.note_methode()) == first["note_methode"]


def test_a_section_gives_its_data_and_figures():
    report = ActionReport.load(EXAMPLE, SALON_2016)
    public = report.graphiques_public()
    profile = public.tables["Profil du public"]
    assert dict(zip(profile["libelle"], profile["effectif"], strict=True)) == {
        "Porteurs de projet": 94,
        "Partenaires": 41,
    }
    assert public.figures and public.figure.layout.title.text == "Profil du public"
    assert public.data is not None
    objectives = report.objectifs().data
    assert list(objectives.columns) == ["Objectif", "Indicateur", "Cible", "Valeur", "Statut"]


def test_a_key_figure_hidden_by_disclosure_control_is_named_not_dropped():
    from vccap.pages.figures import masked

    report = ActionReport.load(EXAMPLE, SALON_2016)
    hidden = masked(report.values)
    assert hidden  # the salon's satisfaction rate would tell how few were unsatisfied
    section = report.chiffres_cles()
    html = _shown(section)
    note = re.search(r"Non publiés? pour protéger les personnes : ([^<]*)\.", html)
    assert note, html
    for key in hidden:
        label = report.values[key].libelle
        assert label in note.group(1)
        assert label not in set(section.data["Indicateur"])


@pytest.mark.parametrize("name", [k.notebook for k in kinds()])
def test_the_guide_cell_examples_run_on_the_page_objects(name):
    """The first cell of each template documents the API with two examples: they work."""
    nb = nbformat.read(overrides.notebook(None, name)[0], as_version=4)
    guide = nb.cells[0]
    assert guide.cell_type == "markdown" and "remove-cell" in guide.metadata["tags"]
    blocks = re.findall(r"```python\n(.*?)```", guide.source, flags=re.S)
    assert len(blocks) == 2
    namespace: dict = {"workspace": str(EXAMPLE)}
    for cell in nb.cells[1:3]:  # parameters, then the loading cell
        exec(cell.source.replace('workspace = "data"', f"workspace = {str(EXAMPLE)!r}"), namespace)
    for block in blocks:
        result = eval(compile(block, name, "exec"), namespace) or namespace
        assert result is not None
    last = blocks[1].strip().splitlines()
    shown = eval("\n".join(last[-2:]), namespace)
    assert isinstance(shown, Section) and shown.figures


def test_registry_declares_every_kind_once():
    names = [k.name for k in kinds()]
    assert names == ["actions", "fiches", "annees", "territoires"]
    for k in kinds():
        assert (overrides.kit_notebooks_dir() / k.notebook).is_file()
    assert href("annees/2017", "actions", SALON_2016) == f"../actions/{SALON_2016}.html"
    assert href("index", "fiches", "salon") == "fiches/salon.html"
    ws = load_workspace(EXAMPLE)
    names = [ws.territoires[t].nom for t in kind("territoires").keys(ws)]
    assert names.index("CC de la Dombes") < names.index("CC Monts du Pilat")  # French order


def test_links_only_to_pages_that_exist():
    review = AnnualReview.load(EXAMPLE, "2018")
    assert review.link("actions", SALON_2016) == f"../actions/{SALON_2016}.html"
    planned = next(a for a in review.ws.actions.values() if a.statut == "prevue")
    assert review.link("actions", planned.id) is None


def test_unknown_keys_and_invalid_data_stop_with_french_messages(example_copy):
    with pytest.raises(NotebookStopped) as exc:
        AnnualReview.load(EXAMPLE, "1999")
    assert str(exc.value).startswith("Année sans page : « 1999 »") and "2017" in str(exc.value)
    with pytest.raises(NotebookStopped) as exc:
        ActionReport.load(EXAMPLE, "2099-01-inconnue")
    assert str(exc.value).startswith("Action inconnue : « 2099-01-inconnue »")
    with pytest.raises(NotebookStopped) as exc:
        ActionReport.load(EXAMPLE / "nulle-part", SALON_2016)
    assert "Espace de travail introuvable" in str(exc.value)
    bad = example_copy / "actions" / SESSION_2016 / "participants.csv"
    bad.write_text(bad.read_text(encoding="utf-8") + "x,y,z,inconnu_du_vocabulaire\n", "utf-8")
    with pytest.raises(NotebookStopped) as exc:
        ActionReport.load(example_copy, SESSION_2016)
    assert "participants.csv" in str(exc.value) and "problème" in str(exc.value)


def test_a_misspelt_parameter_stops_the_plain_papermill_cli(tmp_path):
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "action_report.ipynb"),
            str(out),
            "-p",
            "action_idd",
            SALON_2016,
            "--cwd",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    shown = result.stderr + result.stdout
    assert "Paramètre inconnu pour le carnet action_report.ipynb : « action_idd »" in shown
    assert "Paramètres possibles : workspace, action_id" in shown
    assert "UnknownParameter" not in shown and "NotebookStopped" not in shown


def test_a_missing_template_is_an_error_never_an_empty_site(tmp_path, example_copy):
    with pytest.raises(TemplateNotFound):
        overrides.notebook(example_copy, "introuvable.ipynb")
    types = example_copy / "types_action.yml"
    types.write_text("salon:\n  carnet: bilan_salon.ipynb\n", encoding="utf-8")
    ws = load_workspace(example_copy)
    with pytest.raises(TemplateNotFound) as exc:
        plan(ws)
    assert exc.value.name == "bilan_salon.ipynb"
    code = main(["build", str(example_copy), "-o", str(tmp_path / "site")])
    assert code == 1
    assert not (tmp_path / "site" / "index.html").exists()


def _own_report(workspace: Path, name: str = "action_report.ipynb") -> Path:
    nb = nbformat.read(ROOT / "notebooks" / "action_report.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "rapport.chiffres_cles()" in c.source)
    nb.cells[at + 1 : at + 1] = [
        nbformat.v4.new_markdown_cell("### Notre lecture\n\nUn paragraphe ajouté par la région."),
        nbformat.v4.new_code_cell(
            "import plotly.express as px\n"
            'profil = rapport.graphiques_public().tables["Profil du public"]\n'
            'px.bar(profil, x="libelle", y="effectif", title="Notre graphique du public")'
        ),
    ]
    folder = workspace / overrides.NOTEBOOKS_DIR
    folder.mkdir(exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_a_workspace_report_notebook_is_published_and_rebuilt_alone(tmp_path, capsys):
    workspace = tmp_path / "data"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns(*NOT_RAW))
    keep = {SALON_2016, SESSION_2016}
    for folder in (workspace / "actions").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder)
    own = _own_report(workspace)
    out = tmp_path / "site"
    assert main(["build", str(workspace), "-o", str(out), "-j", "2"]) == 0
    stdout = capsys.readouterr().out
    assert "Carnet de l'espace utilisé à la place de celui du kit : action_report.ipynb" in stdout
    for action in keep:
        page = (out / "actions" / f"{action}.html").read_text(encoding="utf-8")
        assert "Un paragraphe ajouté par la région." in page
        assert "Notre graphique du public" in page and 'class="vc-graphique"' in page
    # editing the workspace's notebook rebuilds exactly the pages it draws
    nb = nbformat.read(own, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Une phrase de plus."))
    nbformat.write(nb, own)
    assert main(["build", str(workspace), "-o", str(out), "-j", "2"]) == 0
    stdout = capsys.readouterr().out
    rebuilt = set(re.findall(r"✓ (\S+) \(", stdout))
    assert rebuilt == {f"actions/{a}" for a in keep}


def test_an_action_type_names_its_own_report_notebook(example_copy):
    _own_report(example_copy, "bilan_salon.ipynb")
    (example_copy / "types_action.yml").write_text(
        "salon:\n  carnet: bilan_salon.ipynb\n", encoding="utf-8"
    )
    ws = load_workspace(example_copy)
    jobs = {j.id: j for j in plan(ws)}
    assert jobs[f"actions/{SALON_2016}"].template.endswith("carnets/bilan_salon.ipynb")
    assert jobs[f"actions/{SALON_2016}"].own_template
    assert jobs[f"actions/{SESSION_2016}"].template.endswith("action_report.ipynb")
    assert not jobs[f"actions/{SESSION_2016}"].own_template


def test_a_workspace_fragment_replaces_the_kit_one(example_copy):
    folder = example_copy / overrides.FRAGMENTS_DIR
    folder.mkdir()
    kit = (overrides.kit_fragments_dir() / "citations.html.j2").read_text(encoding="utf-8")
    (folder / "citations.html.j2").write_text(
        "<p class='vc-region'>Paroles recueillies par la région</p>\n" + kit, encoding="utf-8"
    )
    report = ActionReport.load(example_copy, SESSION_2016)
    assert "Paroles recueillies par la région" in report.citations()._repr_html_()
    assert "Paroles recueillies" not in ActionReport.load(EXAMPLE, SESSION_2016).citations().html
    digests = {j.id: j.digest for j in plan(load_workspace(example_copy))}
    (folder / "citations.html.j2").write_text(kit, encoding="utf-8")
    again = {j.id: j.digest for j in plan(load_workspace(example_copy))}
    assert all(digests[k] != again[k] for k in digests)  # every page may use a fragment


def test_vccap_carnets_copies_the_kit_notebooks_once(example_copy, capsys):
    assert main(["carnets", str(example_copy)]) == 0
    folder = example_copy / overrides.NOTEBOOKS_DIR
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    assert names == sorted(p.name for p in overrides.kit_notebooks())
    for path in folder.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    (folder / "action_report.ipynb").write_text("{}", encoding="utf-8")
    assert main(["carnets", str(example_copy)]) == 0
    assert (folder / "action_report.ipynb").read_text(encoding="utf-8") == "{}"
    assert "déjà adapté, conservé" in capsys.readouterr().out


def test_the_method_note_lists_what_reading_left_aside(example_copy):
    couts = example_copy / "actions" / SALON_2016 / "couts.csv"
    couts.write_bytes(couts.read_bytes() + "Total;2000;\r\n".encode("cp1252"))
    report = ActionReport.load(example_copy, SALON_2016)
    note = report.note_methode().html
    assert "À la lecture des fichiers : Coûts : une ligne de total (ligne 7) a été laissée" in note
    assert "couts.csv" not in note  # plain French, no file name
    fresh = ActionReport.load(EXAMPLE, SALON_2016)
    assert report.values["cout_total"].valeur == fresh.values["cout_total"].valeur
    sheet = MethodSheet.load(example_copy, "salon").note_methode().html
    assert "Stand commun au Salon des entrepreneurs de Lyon — Coûts : une ligne de total" in sheet


def test_pages_that_add_actions_up_name_the_ones_they_miss(example_copy):
    bad = example_copy / "actions" / SALON_2016 / "contacts.csv"
    text = bad.read_bytes().decode("cp1252").splitlines()
    fields = text[1].split(";")
    fields[2] = "Marchand ambulant"  # not a profile: the action's data is invalid
    text[1] = ";".join(fields)
    bad.write_bytes(("\r\n".join(text) + "\r\n").encode("cp1252"))
    title = "Stand commun au Salon des entrepreneurs de Lyon"
    alert = "Les chiffres de cette page ne comptent pas 1 action réalisée dont les données"
    for page in (
        AnnualReview.load(example_copy, "2016"),
        MethodSheet.load(example_copy, "salon"),
        TerritoryProfile.load(example_copy, "roannais"),
    ):
        shown = _shown(page.entete())
        assert alert in shown and title in shown, type(page).__name__
    assert alert not in _shown(AnnualReview.load(example_copy, "2017").entete())


def test_every_published_number_is_decided_when_the_page_is_prepared():
    """The build decides the masks on what pages will publish before running their
    notebooks, from pages prepared without them: so every number about people a page
    publishes is in its ledger once :meth:`Page.prepare` has run, and the sections its
    notebook template calls only format them (the ledger does not change)."""
    from vccap.pages.registry import page_class

    ws = load_workspace(EXAMPLE)
    ws.scrub_texts()
    checked = 0
    for job in plan(ws):
        template = nbformat.read(job.template, as_version=4)
        calls = [
            m.group(1)
            for cell in template.cells
            if cell.cell_type == "code"
            for m in [re.fullmatch(r"\s*\w+\.(\w+)\(\)\s*", cell.source)]
            if m and m.group(1) != "resume_site"
        ]
        assert calls, job.template
        page = page_class(job.kind)(ws, job.id.split("/", 1)[1])
        page.prepare()
        prepared = json.dumps(page.publisher.ledger.as_dict(), sort_keys=True)
        for name in calls:
            getattr(page, name)()
        after = json.dumps(page.publisher.ledger.as_dict(), sort_keys=True)
        assert after == prepared, (job.id, [c for c in calls])
        checked += 1
    assert checked == len(plan(ws))


def test_an_edition_left_out_for_invalid_data_is_named_where_it_is_missing(example_copy):
    """An earlier edition whose data must be corrected is left out of an action's
    comparison and of the type's method sheet: both say so (never « première édition »)."""
    root = example_copy
    path = root / "actions" / "2016-09-atelier-mobiliser-autrement-lyon" / "satisfaction.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")  # a tab-separated export
    cells = lines[1].split("\t")
    cells[header.index("Utilité")] = "9"
    lines[1] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = load_workspace(root)
    assert not ws.valid("2016-09-atelier-mobiliser-autrement-lyon")
    report = ActionReport(ws, "2017-11-atelier-hackathon-lyon")
    report.prepare()
    html = _shown(report.comparaison())
    assert "première édition" not in html
    assert "laissée de côté car ses données sont à corriger" in html
    assert "Mobiliser autrement" in html or "mobiliser" in html.lower()
    sheet = MethodSheet(ws, "atelier")
    sheet.prepare()
    assert "1 autre laissée de côté (données à corriger)" in _shown(sheet.resume())


def test_a_first_edition_says_it_is_the_first(example_copy):
    ws = load_workspace(example_copy)
    report = ActionReport(ws, "2016-09-atelier-mobiliser-autrement-lyon")
    report.prepare()
    assert "première édition" in _shown(report.comparaison())


def _more_editions(root: Path, source: str, years: range) -> list[str]:
    """Copies of the action ``source`` held in other years (same type): their ids."""
    ids = []
    for year in years:
        new = f"{year}-05-session-copie-{year}"
        folder = root / "actions" / new
        shutil.copytree(root / "actions" / source, folder)
        text = (folder / "action.yml").read_text(encoding="utf-8")
        text = text.replace(f"id: {source}", f"id: {new}")
        text = text.replace("date_debut: 2016-05-19", f"date_debut: {year}-05-19")
        text = text.replace("date_fin: 2016-05-19", f"date_fin: {year}-05-19")
        (folder / "action.yml").write_text(text, encoding="utf-8")
        ids.append(new)
    return ids


def test_an_action_compares_itself_with_the_latest_editions_only(example_copy):
    """With many editions of a type, an action report compares the last
    COMPARED_EDITIONS (itself included), says where the older ones are (the type's method
    sheet, linked) and depends on those it shows only: its cost stays the same however
    many editions came before."""
    from vccap.pages.action_report import COMPARED_EDITIONS, earlier_editions
    from vccap.pages.registry import PlanFacts

    copies = _more_editions(example_copy, SESSION_2016, range(2019, 2027))
    ws = load_workspace(example_copy)
    ws.scrub_texts()
    last, middle = ws.actions[copies[-1]], ws.actions[copies[3]]
    every = earlier_editions(ws, last, None)
    assert len(every) > COMPARED_EDITIONS + 2
    shown = earlier_editions(ws, last)
    assert shown == every[-COMPARED_EDITIONS:] and shown[-1] == last
    assert earlier_editions(ws, middle)[-1] == middle

    in_between = ActionReport(ws, middle.id)  # later editions exist: never « dernières »
    in_between.prepare()
    assert "dernières" not in _shown(in_between.comparaison())

    report = ActionReport(ws, last.id)
    report.prepare()
    assert [a.id for a, _ in report.editions] == [a.id for a in shown]
    html = _shown(report.comparaison())
    assert f"Cette édition et les {COMPARED_EDITIONS - 1} précédentes de ce type" in html
    assert f"Seules cette édition et les {COMPARED_EDITIONS - 1} précédentes sont" in html
    older = len(every) - COMPARED_EDITIONS
    assert "Les éditions plus anciennes figurent dans la fiche méthode" in html
    assert f"{older} éditions" not in html  # a count the page's dependencies would not follow
    assert 'href="../fiches/session_porteurs.html"' in html
    assert f'href="{every[-COMPARED_EDITIONS].id}.html"' in html
    assert f'href="{every[-COMPARED_EDITIONS - 1].id}.html"' not in html
    reads = kind("actions").reads(ws, last.id, PlanFacts())
    assert set(reads.actions) == {a.id for a in shown}

    first = ActionReport(ws, SESSION_2016)
    first.prepare()
    assert "plus anciennes" not in _shown(first.comparaison())


def test_an_unpublished_row_count_is_not_called_too_few(example_copy):
    """A table's row count hidden on a report may be hidden by secondary suppression (and
    be 3 or more): the method note says « non publié », with both reasons, never
    « trop peu »."""
    ws = load_workspace(example_copy)
    report = ActionReport(ws, SESSION_2016)
    report.prepare()
    report.rows["participants"] = None
    html = _shown(report.note_methode())
    assert "nombre de lignes non publié : moins de 3, ou caché pour qu" in html
    assert "trop peu de lignes" not in html
