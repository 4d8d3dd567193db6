"""The real report template, executed by papermill on the example workspace."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from conftest import EXAMPLE, ROOT, SALON_2016, SESSION_2016
from vccap.charts import PLOTLY_MIME
from vccap.pages import display

TEMPLATE = ROOT / "notebooks" / "action_report.ipynb"
REFERENCE = ROOT / "tests" / "references" / "action_report_salon_2016.ipynb"


def _execute(tmp_path, action_id, workspace=EXAMPLE):
    out = tmp_path / f"{action_id}.ipynb"
    pm.execute_notebook(str(TEMPLATE), str(out), parameters={"workspace": str(workspace),
                        "action_id": action_id}, kernel_name="python3", progress_bar=False,
                        cwd=str(ROOT))  # fmt: skip
    return nbformat.read(out, as_version=4)


def _outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.outputs


def _html(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb))


def _figures(nb):
    return [o["data"][PLOTLY_MIME] for o in _outputs(nb) if PLOTLY_MIME in o.get("data", {})]


@pytest.fixture(scope="module")
def salon(tmp_path_factory):
    return _execute(tmp_path_factory.mktemp("salon"), SALON_2016)


def test_template_is_committed_without_outputs_and_has_a_parameters_cell():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'workspace = "data"' in code[0].source
    assert f'action_id = "{SALON_2016}"' in code[0].source
    # thin: no function or class definitions in the template
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code
                   for line in c.source.splitlines())  # fmt: skip


def test_salon_report_shows_the_2016_facts(salon):
    assert not [o for o in _outputs(salon) if o.output_type in ("error", "stream")]
    html = _html(salon)
    assert "Stand commun au Salon des entrepreneurs de Lyon" in html
    assert "15-16 juin 2016" in html
    assert '<span class="valeur">94</span>' in html
    assert '<span class="valeur">41</span>' in html
    assert "atteint" in html
    # the audience chart holds the real split, in its plotly payload and its table
    profile = next(f for f in _figures(salon) if f["layout"]["title"]["text"] == "Profil du public")
    bars = dict(zip(profile["data"][0]["y"], profile["data"][0]["x"], strict=True))
    assert bars == {"Porteurs de projet": 94, "Partenaires": 41}


def test_every_chart_has_a_text_alternative_and_a_data_table(salon):
    figures = [o for o in _outputs(salon) if PLOTLY_MIME in o.get("data", {})]
    assert len(figures) >= 5
    for output in figures:
        assert output["data"]["text/plain"].startswith(("Graphique", "Barres"))
        assert "template" not in output["data"][PLOTLY_MIME]["layout"]
    assert _html(salon).count("Voir les données du graphique") >= len(figures) - 1


def test_breakdowns_respect_the_confidentiality_threshold(salon):
    for figure in _figures(salon):
        for trace in figure["data"]:
            values = trace["x"] if trace.get("orientation") == "h" else trace["y"]
            assert all(v == 0 or v >= 3 for v in values if isinstance(v, int | float)), figure[
                "layout"]["title"]["text"]  # fmt: skip
    html = _html(salon)
    # Saint-Félicien had 2 contacts on the stand: grouped, never shown alone
    assert "Autres (regroupés)" in html
    title = "Contacts reçus par territoire"
    territories = next(f for f in _figures(salon) if f["layout"]["title"]["text"] == title)
    assert "CC du Pays de St Félicien" not in territories["data"][0]["y"]
    assert "Regroupements effectués" in html


def test_session_report_shows_25_participants_and_6_partners(tmp_path):
    nb = _execute(tmp_path, SESSION_2016)
    html = _html(nb)
    assert '<span class="valeur">25</span><span class="libelle">Participants</span>' in html
    assert (
        '<span class="valeur">6</span><span class="libelle">Partenaires participants</span>' in html
    )
    # the comment that named a participant and gave an e-mail is scrubbed
    assert "Vidal" not in html and "samir.perret" not in html
    assert "[nom masqué]" in html and "[courriel masqué]" in html


def test_typed_script_in_debrief_and_comment_comes_out_escaped(tmp_path, example_copy):
    folder = example_copy / "actions" / SESSION_2016
    debrief = folder / "retour_experience.md"
    debrief.write_text(debrief.read_text(encoding="utf-8").replace(
        "## Difficultés", "## Difficultés\n\n- <script>alert('debrief')</script> à corriger\n", 1),
        encoding="utf-8")  # fmt: skip
    satisfaction = folder / "satisfaction.csv"
    text = satisfaction.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    row = ["" for _ in header]
    row[header.index("Profil") if "Profil" in header else 0] = "porteur de projet"
    comment = [i for i, h in enumerate(header) if h.lower().startswith("comment")][0]
    row[comment] = "<script>alert('commentaire')</script>"
    lines.insert(1, ",".join(row))  # first answer: shown among the quotes
    satisfaction.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nb = _execute(tmp_path, SESSION_2016, workspace=example_copy)
    html = _html(nb)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;debrief&#39;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert('debrief')&lt;/script&gt;" in html
    )
    assert "&lt;script&gt;alert(&#39;commentaire&#39;)&lt;/script&gt;" in html


def test_resolve_workspace_from_the_notebooks_folder(monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")
    assert (display.resolve_workspace("data") / "demarche.yml").exists()


def test_regression_against_stored_reference(nb_regression):
    """pytest-notebook: re-execute the stored reference and compare its outputs.

    Regenerate after an intended change with:
    ``.venv/bin/pytest tests/test_report.py -k regression --nb-force-regen``.
    """
    template = nbformat.read(TEMPLATE, as_version=4)
    reference = nbformat.read(REFERENCE, as_version=4)
    assert [c.source for c in template.cells] == [c.source for c in reference.cells], (
        "la référence ne suit plus le modèle : copier notebooks/action_report.ipynb dans "
        "tests/references/ puis régénérer avec --nb-force-regen"
    )
    nb_regression.exec_cwd = str(ROOT)
    nb_regression.exec_timeout = 180
    nb_regression.diff_color_words = False
    nb_regression.diff_use_color = False
    nb_regression.diff_ignore = (
        "/metadata/language_info",
        "/metadata/kernelspec",
        "/cells/*/execution_count",
        "/cells/*/outputs/*/execution_count",
        "/cells/*/metadata/execution",
        # plotly payloads are checked above; their text alternative is compared here
        f"/cells/*/outputs/*/data/{PLOTLY_MIME}",
    )
    nb_regression.check(str(REFERENCE))


def test_reference_is_an_executed_copy_with_plotly_outputs():
    reference = nbformat.read(REFERENCE, as_version=4)
    figures = _figures(reference)
    assert figures, "la référence doit contenir les sorties exécutées"
    json.dumps(figures)  # serialisable
