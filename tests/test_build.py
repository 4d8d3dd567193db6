"""`vccap build` and `vccap audit` for real: papermill, nbconvert, the site on disk."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import EXAMPLE, NOT_RAW, PRO_2016, ROOT, SALON_2016, SESSION_2016, tree_digest
from vccap.build.state import state_dir
from vccap.cli import main
from vccap.loading import load_workspace


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The whole example workspace built once, as `make reports` does."""
    out = tmp_path_factory.mktemp("site") / "reports"
    before = tree_digest(EXAMPLE)
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    assert tree_digest(EXAMPLE) == before, "la construction a modifié des fichiers bruts"
    return out


def _mini(tmp_path: Path, keep=(SALON_2016, SESSION_2016, PRO_2016)) -> Path:
    """A small copy of the example: a few actions, plus the planned and cancelled ones."""
    target = tmp_path / "data"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(*NOT_RAW))
    ws = load_workspace(EXAMPLE)
    for action in ws.actions.values():
        if action.id not in keep and action.statut == "realisee":
            shutil.rmtree(target / "actions" / action.id)
    return target


def test_every_realised_action_has_a_page(example_site):
    ws = load_workspace(EXAMPLE)
    for action in ws.actions.values():
        page = example_site / "actions" / f"{action.id}.html"
        assert page.exists() == (action.statut == "realisee"), action.id
        # executed notebooks are not published (vccap build --carnets-executes keeps them)
        assert not (example_site / "actions" / f"{action.id}.ipynb").exists()
    index = (example_site / "index.html").read_text(encoding="utf-8")
    for action in ws.actions.values():
        assert action.titre.replace("'", "&#39;") in index or action.titre in index
    assert "prévue" in index and "annulée" in index
    assert "Données d'exemple fictives" in index


def test_facts_on_the_pages(example_site):
    salon = (example_site / "actions" / f"{SALON_2016}.html").read_text(encoding="utf-8")
    assert '<span class="valeur">94</span>' in salon and '<span class="valeur">41</span>' in salon
    index = (example_site / "index.html").read_text(encoding="utf-8")
    assert '<dt class="libelle">Porteurs de projet conseillés sur le stand</dt>' in index
    assert '<dd class="valeur">94</dd>' in index and '<dd class="valeur">41</dd>' in index
    assert "vccap-summary" not in salon and "application/vnd.vccap.summary" not in salon
    session = (example_site / "actions" / f"{SESSION_2016}.html").read_text(encoding="utf-8")
    assert (
        '<span class="valeur">25</span>' in session and '<span class="valeur">6</span>' in session
    )


def _reader_text(html: str) -> str:
    """What a reader sees of a page: no script, style or tag (links' targets are not text)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


#: What readers must not meet: file names, field ids and commands of the kit.
JARGON = re.compile(
    r"\b\w+\.(?:yml|yaml|csv|xlsx|md|ipynb)\b|\bcouts\b|\bevenements\b|temps_agents"
    r"|territoire_\w+|\b\d{4}-\d{2}-[a-z0-9]+-[a-z0-9-]+\b"  # an action's id
    r"|\bvccap (?:build|validate|transfer|new-action|indicators|quarto)\b"
)


def test_reader_pages_speak_plain_french(example_site):
    for page in example_site.rglob("*.html"):
        text = _reader_text(page.read_text(encoding="utf-8"))
        assert not JARGON.findall(text), (page.name, JARGON.findall(text)[:5])
        assert "’" not in text, page.name  # one apostrophe style: '
        assert "fictives : Données d'exemple fictives" not in text, page.name
        assert not re.search(r"\(\d+\) \(\d+\)", text), page.name  # « (69) (56) »
        assert not re.search(r"\b0 actions?\b", text), page.name
        assert not re.search(r"\b(?:de|avec|à) (?:CC|Site|Pays|Ville)\b", text), page.name
    index = (example_site / "index.html").read_text(encoding="utf-8")
    assert 'href="index.html"' not in index and ">Accueil<" not in index  # no link to itself
    definitions = re.findall(r"<dt>(.*?)</dt><dd>", index)
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', index.split("vc-definitions")[0])
    assert definitions == headers[1:]  # every overview figure but the year has its definition
    lyon = _reader_text((example_site / "territoires" / "metropole-lyon.html").read_text())
    assert "concernent la Métropole de Lyon : 7 qui s'y sont tenues" in lyon


def test_the_log_says_where_each_page_time_went(example_site):
    log = (state_dir(EXAMPLE, example_site) / "journal.txt").read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if " : durées " in line]
    pages = {line.split(" : ")[0] for line in lines}
    assert f"actions/{SALON_2016}" in pages and any(p.startswith("territoires/") for p in pages)
    for line in lines:
        for part in ("noyau", "papermill", "cellules", "premiere_cellule", "nbconvert"):
            assert re.search(rf"{part} \d+,\d{{3}} s", line), line
    started = [line for line in lines if not re.search(r"noyau 0,000 s", line)]
    assert 1 <= len(started) <= 2  # one warm kernel per worker, started once


def test_pages_have_no_code_one_plotly_and_work_offline(example_site):
    copies = list(example_site.rglob("plotly*.js"))
    assert [p.relative_to(example_site).as_posix() for p in copies] == ["assets/plotly.min.js"]
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="fr"' in html, page
        assert "ActionReport.load" not in html and "jp-InputArea" not in html, page
        assert not re.search(r"""(src|href)=["']https?://""", html), page
        assert html.count("plotly.min.js") <= 1, page
        if page.parent != example_site:  # index.html, accessibilite.html sit at the root
            assert 'href="../index.html"' in html, page
            if 'class="vc-graphique"' in html:
                assert 'data-plotly="../assets/plotly.min.js"' in html, page
        assert len(page.read_bytes()) < 300_000, page
    total = sum(p.stat().st_size for p in example_site.rglob("*") if p.is_file())
    assert total < 15_000_000


def test_audit_passes_then_catches_a_planted_email_and_name(example_site, capsys, tmp_path):
    code, out, _ = run(capsys, "audit", example_site, "-w", EXAMPLE)
    assert code == 0 and "aucune donnée personnelle" in out
    planted = tmp_path / "reports"
    shutil.copytree(example_site, planted)
    page = planted / "actions" / f"{SALON_2016}.html"
    ws = load_workspace(EXAMPLE)
    email = sorted(ws.personal_values.emails)[0]
    page.write_text(page.read_text(encoding="utf-8") + f"\n<p>{email}</p>\n", encoding="utf-8")
    code, _, err = run(capsys, "audit", planted, "-w", EXAMPLE)
    assert code == 1
    assert f"reports/actions/{SALON_2016}.html:" in err and "(courriel)" in err
    assert email not in err  # the audit masks what it found
    shutil.copyfile(example_site / "actions" / f"{SALON_2016}.html", page)
    name = sorted(ws.personal_values.full_names)[0]
    index = planted / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("</main>", f"<p>{name}</p></main>"),
                     encoding="utf-8")  # fmt: skip
    code, _, err = run(capsys, "audit", planted, "-w", EXAMPLE)
    assert code == 1 and "reports/index.html:" in err and "(nom)" in err


def test_a_failing_notebook_fails_alone(tmp_path, capsys, monkeypatch):
    workspace = _mini(tmp_path)
    notebooks = workspace / "carnets"  # the workspace's own version of the report
    notebooks.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "action_report.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        f'assert action_id != "{SESSION_2016}", "rapport cassé pour le test"'))  # fmt: skip
    nbformat.write(nb, notebooks / "action_report.ipynb")
    out = tmp_path / "site"
    code, stdout, err = run(capsys, "build", workspace, "-o", out, "-j", "2")
    assert code == 1
    assert f"✗ actions/{SESSION_2016}" in err and "AssertionError" in err
    assert re.search(r"1 page en échec ; les \d+ autres sont publiées", err)  # the others are built
    assert (out / "actions" / f"{SALON_2016}.html").exists()
    assert (out / "actions" / f"{PRO_2016}.html").exists()
    assert not (out / "actions" / f"{SESSION_2016}.html").exists()
    # the failed notebook and the log stay in the workspace, out of the published folder
    assert not list(out.rglob("*.ipynb"))
    kept = state_dir(workspace, out) / "carnets" / "actions" / f"{SESSION_2016}.ipynb"
    executed = nbformat.read(kept, as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in executed.cells)
    assert str(workspace) not in kept.read_text(encoding="utf-8")
    assert str(kept) in err and "journal.txt" in err
    log = (state_dir(workspace, out) / "journal.txt").read_text(encoding="utf-8")
    assert "rapport cassé pour le test" in log
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "La construction du bilan a échoué" in index
    assert "AssertionError" not in index and "rapport cassé" not in index
    assert "Traceback" not in err


def test_invalid_data_fails_its_action_only(tmp_path, capsys):
    workspace = _mini(tmp_path)
    contacts = workspace / "actions" / SALON_2016 / "contacts.csv"
    shutil.copyfile(ROOT / "tests" / "fixtures" / "bad" / "date_impossible.csv", contacts)
    out = tmp_path / "site"
    code, _, err = run(capsys, "build", workspace, "-o", out, "-j", "1")
    assert code == 1
    assert f"data/actions/{SALON_2016}/contacts.csv:3:Date: « 31/02/2016 »" in err
    assert (out / "actions" / f"{SESSION_2016}.html").exists()
    assert not (out / "actions" / f"{SALON_2016}.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Bilan non construit : 1 problème dans les données" in index


def _rebuilt(stdout: str) -> set[str]:
    return set(re.findall(r"✓ (\S+) \(", stdout))


def test_rebuild_is_cached_deterministic_and_incremental(tmp_path, capsys):
    workspace = _mini(tmp_path)
    out = tmp_path / "site"
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0
    everything = _rebuilt(stdout)
    assert {f"actions/{a}" for a in (SALON_2016, SESSION_2016, PRO_2016)} <= everything
    pages = {p: p.read_bytes() for p in out.rglob("*.html")}
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0 and "rien à reconstruire" in stdout
    code, stdout, _ = run(capsys, "build", workspace, "-o", out, "--force")
    assert code == 0 and _rebuilt(stdout) == everything
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == pages, "pages non déterministes"
    couts = workspace / "actions" / SALON_2016 / "couts.csv"
    couts.write_bytes(couts.read_bytes() + b"\r\n;;\r\n")  # new bytes, same table
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0 and "rien à reconstruire" in stdout
    couts.write_bytes(couts.read_bytes() + "Affiches;120,00;Région\r\n".encode("cp1252"))
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0
    rebuilt = _rebuilt(stdout)
    # exactly the pages that read this action: its report, its type's sheet, the reviews of
    # its year (and later years, which compare with it), the territories it names
    assert f"actions/{SALON_2016}" in rebuilt
    assert not {f"actions/{SESSION_2016}", f"actions/{PRO_2016}"} & rebuilt
    assert not any(j.startswith("fiches/") and j != "fiches/salon" for j in rebuilt)
    ws = load_workspace(workspace)
    named = set(ws.action(SALON_2016).territoires)
    for table in ws.tables(SALON_2016).values():
        for column in ("territoire", "territoire_vise"):
            if column in table.columns:
                named |= set(table[column].dropna())
    unrelated = {f"territoires/{t}" for t in ws.territoires} - {f"territoires/{t}" for t in named}
    assert not unrelated & rebuilt
    # a cost line is not something territory pages show: none of them is rebuilt
    assert not any(j.startswith("territoires/") for j in rebuilt)
    assert {"fiches/salon", "annees/2016"} <= rebuilt
    assert len(rebuilt) < len(everything)


def test_build_on_an_unknown_workspace_is_a_french_error(tmp_path, capsys):
    code, _, err = run(capsys, "build", tmp_path / "absent", "-o", tmp_path / "out")
    assert code == 1 and "Espace de travail introuvable" in err


def test_a_site_with_complementary_masks_is_up_to_date_on_the_next_build(tmp_path, capsys):
    """Secondary suppression publishes some pages again with more cells hidden: their hash
    must then be the one the next build computes, or every build republishes them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "vccap_synth", ROOT / "benchmarks" / "synthetic.py"
    )
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    workspace = synthetic.make_workspace(tmp_path / "data", 5)
    out = tmp_path / "site"
    code, stdout, _ = run(capsys, "build", workspace, "-o", out, "-j", "2")
    assert code == 0, stdout
    assert re.search(r"\b[1-9]\d* cellules? de plus à masquer", stdout), stdout  # masks chosen
    pages = {p: p.read_bytes() for p in out.rglob("*.html")}
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0 and "rien à reconstruire" in stdout, stdout
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == pages


def test_masks_decided_before_the_pages_publish_each_page_once(tmp_path, capsys, monkeypatch):
    """With many pages to build, the pages are prepared without their notebook, the masks
    decided on what they will publish, then each page is built once: the same site, byte
    for byte, as the pages built first and published again by the control after them; and
    the control after the pages has nothing left to do."""
    import importlib.util

    from vccap.build import pipeline

    spec = importlib.util.spec_from_file_location(
        "vccap_synth", ROOT / "benchmarks" / "synthetic.py"
    )
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    sites = {}
    for name, before in (("avant", 1), ("apres", 10**6)):
        monkeypatch.setattr(pipeline, "BEFORE_PAGES_FROM", before)
        workspace = synthetic.make_workspace(tmp_path / name / "data", 5)
        out = tmp_path / name / "site"
        code, stdout, _ = run(capsys, "build", workspace, "-o", out, "-j", "2")
        assert code == 0, stdout
        built = re.findall(r"\] ✓ (\S+) ", stdout)
        if before == 1:
            assert re.search(
                r"Contrôle statistique avant les pages \(\d+ pages préparées\) : [1-9]\d* "
                r"cellules? de plus à masquer", stdout
            ), stdout  # fmt: skip
            assert "à republier" not in stdout, stdout
            assert len(built) == len(set(built)), stdout  # each page once
        else:
            assert "avant les pages" not in stdout and "à republier" in stdout, stdout
            assert len(built) > len(set(built))  # some pages twice
        sites[name] = {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in out.rglob("*")
            if p.is_file() and p.suffix in (".html", ".csv", ".json")
        }
        masks = (workspace / ".vccap" / "masques.json").read_text(encoding="utf-8")
        sites[name]["masques"] = masks.encode()
    assert sites["avant"].keys() == sites["apres"].keys()
    for site in sites.values():  # the package says when it was made
        package = json.loads(site["donnees/datapackage.json"])
        assert package.pop("created")
        site["donnees/datapackage.json"] = json.dumps(package).encode()
    different = [k for k in sites["avant"] if sites["avant"][k] != sites["apres"][k]]
    assert different == []


def test_a_withdrawn_action_leaves_nothing_online(tmp_path, capsys):
    """An action taken out of the workspace loses its page, documents and CSV tables at the
    next build, and so does any other page file in the kit's page folders (another
    workspace's site, a build state lost)."""
    workspace = _mini(tmp_path)
    out = tmp_path / "site"
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0, stdout
    assert (out / "actions" / f"{PRO_2016}.html").exists()
    foreign = out / "actions" / "une-autre-action.html"
    foreign.write_text("<p>autre site</p>", encoding="utf-8")
    (out / "donnees" / "tableaux" / "actions" / "une-autre-action").mkdir(parents=True)
    shutil.move(str(workspace / "actions" / PRO_2016), str(tmp_path / "retiree"))
    code, stdout, _ = run(capsys, "build", workspace, "-o", out)
    assert code == 0, stdout
    assert not (out / "actions" / f"{PRO_2016}.html").exists()
    assert not (out / "donnees" / "tableaux" / "actions" / PRO_2016).exists()
    assert not foreign.exists()
    assert not (out / "donnees" / "tableaux" / "actions" / "une-autre-action").exists()
    assert (out / "actions" / f"{SALON_2016}.html").exists()
    assert PRO_2016 not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_the_kernels_load_the_tables_the_scan_read_and_the_folder_goes(tmp_path):
    """The build's scan reads each raw file once and stores it in the build's folder of
    reads; the kernels running the pages load it from there instead of reading the file.
    Proved by changing the stored read between the scan and the pages: the page shows the
    stored read. The folder, which holds personal data, is gone once the build ends."""
    import pickle

    from vccap.build import build
    from vccap.build.state import READS_DIR

    workspace = _mini(tmp_path)
    out = tmp_path / "site"
    reads = state_dir(workspace, out) / READS_DIR
    seen: dict[str, int] = {}

    def reporter(event: str, data: dict) -> None:
        if event != "plan":
            return
        (folder,) = reads.iterdir()
        assert folder.stat().st_mode & 0o077 == 0  # its owner's only
        stored = sorted(folder.glob("*.pickle"))
        seen["stored"] = len(stored)
        for path in stored:
            key, raw, personal = pickle.loads(path.read_bytes())
            if Path(key[0]).parts[-2:] == (SESSION_2016, "participants.csv"):
                seen["rows"] = len(raw.df)
                raw.df = raw.df.head(len(raw.df) - 4)  # what the kernels will get
                path.write_bytes(pickle.dumps((key, raw, personal)))

    report = build(workspace, out, jobs=2, audit=False, reporter=reporter)
    files = sum(len(a.files) for a in load_workspace(workspace).actions.values())
    assert seen["stored"] == files
    summary = {r.job_id: r.summary for r in report.results}[f"actions/{SESSION_2016}"]
    shown = {i["id"]: i["affiche"] for i in summary["indicateurs"]}
    assert shown["participants"] == str(seen["rows"] - 4)
    assert not reads.exists()
