"""`vccap transfer`: the transfer pack of one type of action, for real (papermill, zip)."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest

from conftest import EXAMPLE, ROOT, tree_digest
from vccap.cli import main
from vccap.errors import AuditFailed
from vccap.transfer import ZIP_TIME, make_transfer_pack

EXPECTED = {
    "LISEZMOI.md",
    "fiche-salon.html",
    "resume-pratique-pei-agri.md",
    "action-type/action.yml",
    "action-type/retour_experience.md",
    "modeles/contacts.xlsx",
    "modeles/satisfaction.xlsx",
    "modeles/couts.xlsx",
    *(f"schemas/{p.name}" for p in (ROOT / "src" / "vccap" / "schemas").glob("*.json")),
    *(f"carnets/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")),
}


def _cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """`vccap transfer salon -o tmp/salon.zip`, run from the project (default -w data)."""
    tmp = tmp_path_factory.mktemp("transfert")
    before = tree_digest(EXAMPLE)
    with contextlib.chdir(ROOT):
        code, out, err = _cli("transfer", "salon", "-o", tmp / "salon.zip")
    assert tree_digest(EXAMPLE) == before, "vccap transfer a modifié l'espace de travail"
    return code, out, err, tmp / "salon.zip"


@pytest.fixture(scope="module")
def entries(pack):
    with zipfile.ZipFile(pack[3]) as archive:
        return {info.filename: (info, archive.read(info)) for info in archive.infolist()}


def test_command_succeeds_in_french_with_path_and_size(pack):
    code, out, err, path = pack
    assert code == 0, err
    assert path.is_file()
    assert "Dossier de transfert créé" in out and "salon.zip" in out
    assert " Mo" in out and "fichiers" in out
    assert "Aucune donnée personnelle trouvée" in out


def test_zip_entries(entries):
    assert set(entries) == EXPECTED
    names = [info.filename for info, _ in entries.values()]
    assert names == sorted(names)
    assert all(info.date_time == ZIP_TIME for info, _ in entries.values())


def test_the_pack_carries_the_practice_abstract(entries):
    """EIP-AGRI common format: title, summary of at most 1,500 characters, project profile."""
    text = entries["resume-pratique-pei-agri.md"][1].decode("utf-8")
    assert text.startswith("# Résumé de pratique : Stand commun sur un salon régional")
    summary = text.split("## Résumé pour les praticiens", 1)[1].split("## Profil du projet", 1)
    body = summary[0].split("\n", 2)[2].strip()
    assert 500 < len(body) <= 1500
    assert "**Coordinateur** : Cap Rural" in summary[1]
    assert "**Localisation géographique** : France, Auvergne-Rhône-Alpes" in summary[1]
    assert "resume-pratique-pei-agri.md" in entries["LISEZMOI.md"][1].decode("utf-8")


def test_sheet_is_one_self_contained_page(entries):
    html = entries["fiche-salon.html"][1].decode("utf-8")
    assert len(html.encode()) > 3_000_000  # plotly.js is inside
    assert 'src="http' not in html and "assets/" not in html
    assert "<link" not in html and '<script src="' not in html
    assert "Plotly.newPlot" in html and "plotly.js v" in html
    assert "Fiche méthode : Stand commun sur un salon régional" in html
    assert "Licence Ouverte / Etalab 2.0" in html
    assert 'href="index.html"' not in html


def test_excel_templates_open(entries):
    for kind in ("contacts", "satisfaction", "couts"):
        workbook = openpyxl.load_workbook(io.BytesIO(entries[f"modeles/{kind}.xlsx"][1]))
        assert workbook.sheetnames[0] == kind
        assert "Instructions" in workbook.sheetnames


def test_notebooks_without_outputs_and_skeletons(entries):
    for name in (n for n in entries if n.startswith("carnets/")):
        nb = nbformat.reads(entries[name][1].decode("utf-8"), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code)
    action = entries["action-type/action.yml"][1].decode("utf-8")
    assert "type: salon" in action and "statut: prevue" in action
    assert "porteurs_conseilles" in action
    debrief = entries["action-type/retour_experience.md"][1].decode("utf-8")
    for heading in ("Ce qui a fonctionné", "Difficultés", "À faire évoluer"):
        assert f"## {heading}" in debrief
    schema = json.loads(entries["schemas/contacts.json"][1])
    assert schema["fields"]


def test_readme_guides_the_receiving_region(entries):
    text = entries["LISEZMOI.md"][1].decode("utf-8")
    for command in ("vccap init", "vccap new-action mon-espace salon", "vccap validate",
                    "vccap build", "make reports", "vccap carnets mon-espace"):  # fmt: skip
        assert command in text
    # the path to adapt the reports: the workspace's carnets/, a type's own notebook
    assert "mon-espace/carnets/" in text and "carnet: mon_bilan.ipynb" in text
    for name in ("fiche-salon.html", "contacts.xlsx", "demarche.yml", "territoires.csv"):
        assert name in text


def test_pack_is_deterministic(pack, tmp_path):
    again = make_transfer_pack(EXAMPLE, "salon", tmp_path / "encore.zip")
    assert again.read_bytes() == pack[3].read_bytes()


def test_unknown_type_is_a_french_error_and_writes_nothing(tmp_path):
    code, out, err = _cli("transfer", "kermesse", "-w", EXAMPLE, "-o", tmp_path / "k.zip")
    assert code == 1
    assert "Type d'action inconnu : « kermesse »" in err and "salon" in err
    assert not (tmp_path / "k.zip").exists()


def test_personal_data_stops_the_pack(example_copy, tmp_path):
    # a person's name typed as a partner organisation would reach the sheet
    structures = example_copy / "structures.csv"
    text = structures.read_text(encoding="utf-8").replace("ardta,Ardta,", "ardta,Céline Fournier,")
    structures.write_text(text, encoding="utf-8")
    target = tmp_path / "fuite.zip"
    with pytest.raises(AuditFailed) as exc:
        make_transfer_pack(example_copy, "salon", target)
    assert {h.kind for h in exc.value.hits} == {"nom"}
    assert all(h.file.startswith("transfert-salon/") for h in exc.value.hits)
    assert not target.exists() and not list(Path(tmp_path).glob("*.zip"))
