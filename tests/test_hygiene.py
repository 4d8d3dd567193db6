"""The published folder holds only what is published; the audit cannot go blind.

State, log and executed notebooks live outside the published folder and hold no raw value;
the key binds what a build remembers; publishing is atomic; links out of the workspace are
never followed; chart text holds no live link. One small build (a one-action workspace),
the session's example site for the rest.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import tree_digest
from vccap import keys, overrides
from vccap.build import build
from vccap.build.scan import scan
from vccap.build.stage import Staging
from vccap.build.state import BuildState, state_dir, states_exist
from vccap.cli import main
from vccap.errors import AuditFailed, SecretKeyError
from vccap.loading import load_workspace
from vccap.messages import format_error
from vccap.paths import inside
from vccap.site.publish import defuse_links

ACTION = "2019-05-session-besancon"
PEOPLE = [
    ("Lefèvre", "Hélène", "haut-doubs"),
    ("Canari-Test", "Zéphyrine", "haut-doubs"),
    ("Dupuis", "Hugo", "haut-doubs"),
    ("Mercier", "Inès", "morvan"),
    ("Morel", "Chloé", "morvan"),
    ("Bonnet", "Arthur", "haut-doubs"),
]


def make_workspace(root: Path, *, wrong_cell: str | None = None) -> Path:
    """A one-action workspace (a session with six participants and their answers)."""
    (root / "actions" / ACTION).mkdir(parents=True)
    (root / "demarche.yml").write_text(
        "nom: Démarche de test\nregion: Bourgogne-Franche-Comté\nannees: [2019]\n"
        "seuil_confidentialite: 3\n",
        encoding="utf-8",
    )
    (root / "territoires.csv").write_text(
        "id,nom,milieu,departement\nhaut-doubs,Pays du Haut-Doubs,rural,25\n"
        'morvan,"Parc du Morvan <a href=""https://evil.example/x"">infos</a>",rural,58\n'
        "grand-besancon,Grand Besançon,urbain,25\n",
        encoding="utf-8",
    )
    (root / "structures.csv").write_text(
        "id,nom,categorie,milieu,territoire\nbge,BGE Franche-Comté,accompagnement,urbain,\n",
        encoding="utf-8",
    )
    folder = root / "actions" / ACTION
    (folder / "action.yml").write_text(
        f"id: {ACTION}\ntitre: Vivre et travailler à la campagne — Besançon\n"
        "type: session_porteurs\nstatut: realisee\ndate_debut: 2019-05-14\nlieu: Besançon\n"
        "territoires: [haut-doubs, morvan]\npartenaires: [bge]\n"
        "descriptif: Session d'information, avec le témoignage de Zéphyrine Canari-Test.\n"
        "source: Données de test\n",
        encoding="utf-8",
    )
    rows = ["nom,prenom,courriel,profil,code_postal,territoire_vise"]
    for i, (nom, prenom, territoire) in enumerate(PEOPLE):
        if wrong_cell and i == 2:
            territoire = f'"{wrong_cell}"'
        rows.append(
            f"{nom},{prenom},p{i}.{nom.lower()}@exemple.fr,porteur_de_projet,25000,{territoire}"
        )
    (folder / "participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "retour_experience.md").write_text(
        "## Ce qui a fonctionné\nDes échanges riches avec Mme LEFEVRE et H. Lefèvre.\n\n"
        "## Difficultés\nJoindre zephyrine.canari [at] exemple.fr ou le +33 (0)6 12 34 56 78.\n",
        encoding="utf-8",
    )
    return root


def machine_paths(*folders: Path) -> list[str]:
    return [str(Path.home()) + "/", sys.prefix, *(str(f) for f in folders)]


def test_a_small_site_publishes_only_what_is_published_and_its_audit_cannot_go_blind(
    tmp_path, capsys, monkeypatch
):
    ws = make_workspace(tmp_path / "espace")
    out = tmp_path / "site"
    kept = tmp_path / "carnets"
    report = build(ws, out, jobs=1, notebooks=kept)
    assert not report.failed
    # Nothing but pages and assets under OUT; state, log and notebooks elsewhere.
    assert not (out / ".vccap").exists() and not list(out.rglob("*.ipynb"))
    assert (state_dir(ws, out) / "etat.json").exists() and report.log.exists()
    published = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    for place in machine_paths(tmp_path, ws):
        assert place not in published, place
    # The free text is scrubbed: description, debrief (names, obfuscated e-mail, phone).
    assert "Canari" not in published and "Lef" not in published and "LEF" not in published
    assert "zephyrine" not in published and "12 34 56" not in published
    # Kept notebooks (--carnets-executes) hold no path of the machine.
    notebooks = sorted(kept.rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        text = path.read_text(encoding="utf-8")
        assert str(tmp_path) not in text and sys.prefix not in text, path
    # A territory name holding a link is shown as text in charts, never as a link.
    assert "evil.example" in published
    assert '<a href="https://evil.example' not in published
    assert '<a href=\\"https://evil.example' not in published

    site = tree_digest(out)
    # The key disappears: a French error, no new key, the site unchanged.
    (ws / keys.KEY_FILE).unlink()
    assert main(["build", str(ws), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "la clé de pseudonymisation a disparu" in err and "Traceback" not in err
    assert not (ws / keys.KEY_FILE).exists() and tree_digest(out) == site

    # Another key, and a name planted where no scrubbing happens (a fragment of the
    # workspace): everything is read and audited again under the new key, the name is found
    # and nothing is published.
    (ws / keys.KEY_FILE).write_text("ab" * 32 + "\n", encoding="ascii")
    (ws / "gabarits").mkdir()
    fragment = (overrides.kit_fragments_dir() / "entete.html.j2").read_text(encoding="utf-8")
    (ws / "gabarits" / "entete.html.j2").write_text(
        fragment + "<p>Zéphyrine Canari-Test</p>\n", encoding="utf-8"
    )
    with pytest.raises(AuditFailed) as failed:
        build(ws, out, jobs=1)
    assert {h.kind for h in failed.value.hits} == {"nom"}
    assert tree_digest(out) == site
    from vccap.messages import format_error

    said = format_error(failed.value)
    assert "Rien n'a été publié : le site précédent, s'il existe, est conservé" in said
    assert "dans les fichiers publiés" not in said
    assert not any(p.name.startswith(".site.vccap") for p in tmp_path.iterdir())

    # An interrupted build leaves the previous site whole.
    (ws / "gabarits" / "entete.html.j2").unlink()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("vccap.build.pipeline.run_jobs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(ws, out, jobs=1, force=True)
    assert tree_digest(out) == site
    assert not any(p.name.startswith(".site.vccap") for p in tmp_path.iterdir())


def test_the_example_site_holds_no_state_no_notebook_and_no_path_of_the_machine(example_site):
    out, ws = example_site.out, example_site.workspace
    assert not (out / ".vccap").exists()
    assert not list(out.rglob("*.ipynb")) and not list(out.rglob(".*"))
    assert (state_dir(ws, out) / "etat.json").exists()
    places = machine_paths(ws.parent, ws, Path(__file__).resolve().parents[1])
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".css", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for place in places:
                assert place not in text, (path, place)


def test_the_state_keeps_no_raw_value_and_shows_it_again(tmp_path):
    ws_root = make_workspace(tmp_path / "espace", wrong_cell="3 impasse des Mésanges")
    folder = tmp_path / "etat"
    ws = load_workspace(ws_root)
    state = BuildState(folder)
    state.bind(keys.fingerprint(ws.key))
    scan(ws, state)
    shown = [p.value for p in ws.problems]
    assert "3 impasse des Mésanges" in shown
    state.save()
    text = state.path.read_text(encoding="utf-8")
    assert "Mésanges" not in text and "mesanges" not in text.lower()
    assert "Lefèvre" not in text and "exemple.fr" not in text
    # The next build reads that file again to show the value.
    again = load_workspace(ws_root)
    scan(again, BuildState.load(folder))
    assert "3 impasse des Mésanges" in [p.value for p in again.problems]


def test_the_state_is_bound_to_the_key(tmp_path):
    state = BuildState(tmp_path)
    assert state.bind("a") is True  # a new state
    state.files = {"x.csv": {"sha": "1"}}
    state.audit = {"fichiers": {"index.html": "2"}}
    assert state.bind("a") is False and state.files
    assert state.bind("b") is True
    assert state.files == {} and state.audit == {}


def test_a_missing_key_with_a_build_state_is_a_french_error(tmp_path):
    ws = tmp_path / "espace"
    ws.mkdir()
    out = tmp_path / "site"
    assert not states_exist(ws, out)
    assert keys.build_key(ws, known=False)  # the first build creates the key
    (ws / keys.KEY_FILE).unlink()
    with pytest.raises(SecretKeyError) as missing:
        keys.build_key(ws, known=True)
    message = format_error(missing.value)
    assert "la clé de pseudonymisation a disparu" in message
    assert "ne seront plus reconnues d'une action à l'autre" in message
    assert "--nouvelle-cle" in message
    assert not (ws / keys.KEY_FILE).exists()
    assert keys.build_key(ws, known=True, new_key=True) and (ws / keys.KEY_FILE).exists()
    assert keys.fingerprint(b"a" * 32) != keys.fingerprint(b"b" * 32)
    BuildState(state_dir(ws, out)).save()
    assert states_exist(ws, out) and keys.has_build_state(ws)
    (ws / keys.KEY_FILE).unlink()
    with pytest.raises(SecretKeyError):  # every command, not only the build
        keys.workspace_key(ws)
    assert not (ws / keys.KEY_FILE).exists()


def test_staging_publishes_whole_or_not_at_all(tmp_path):
    out = tmp_path / "site"
    (out / "actions").mkdir(parents=True)
    (out / "index.html").write_text("ancien", encoding="utf-8")
    (out / "actions" / "a.html").write_text("page a", encoding="utf-8")
    (out / "actions" / "a.ipynb").write_text("{}", encoding="utf-8")
    (out / ".vccap").mkdir()
    (out / ".vccap" / "etat.json").write_text("{}", encoding="utf-8")
    staging = Staging(out)
    stage = staging.prepare()
    assert (stage / "actions" / "a.html").stat().st_ino == (
        out / "actions" / "a.html"
    ).stat().st_ino
    assert not (stage / ".vccap").exists() and not (stage / "actions" / "a.ipynb").exists()
    (stage / "index.html").unlink()
    (stage / "index.html").write_text("nouveau", encoding="utf-8")
    staging.discard()
    assert (out / "index.html").read_text(encoding="utf-8") == "ancien"
    stage = staging.prepare()
    (stage / "index.html").unlink()
    (stage / "index.html").write_text("nouveau", encoding="utf-8")
    staging.publish()
    assert (out / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert (out / "actions" / "a.html").read_text(encoding="utf-8") == "page a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # A crash between the two renames: the next build puts the previous site back.
    os.replace(out, staging.old)
    staging.recover()
    assert (out / "index.html").read_text(encoding="utf-8") == "nouveau"


def test_links_out_of_the_workspace_are_never_followed(tmp_path):
    ws_root = make_workspace(tmp_path / "espace")
    secret = tmp_path / "ailleurs"
    secret.mkdir()
    (secret / "notes.md").write_text("## Ce qui a fonctionné\nJETON-SECRET\n", encoding="utf-8")
    (secret / "entete.html.j2").write_text("JETON-SECRET", encoding="utf-8")
    (secret / "action_report.ipynb").write_text("{}", encoding="utf-8")
    debrief = ws_root / "actions" / ACTION / "retour_experience.md"
    debrief.unlink()
    debrief.symlink_to(secret / "notes.md")
    (ws_root / "gabarits").mkdir()
    (ws_root / "gabarits" / "entete.html.j2").symlink_to(secret / "entete.html.j2")
    (ws_root / "carnets").mkdir()
    (ws_root / "carnets" / "action_report.ipynb").symlink_to(secret / "action_report.ipynb")
    assert not inside(ws_root, debrief) and inside(ws_root, ws_root / "demarche.yml")
    ws = load_workspace(ws_root)
    problems = [p for p in ws.problems if p.code == "lien_hors_espace"]
    assert [p.action for p in problems] == [ACTION]
    assert "lien symbolique" in format_error(problems[0])
    assert ws.debrief(ACTION) is None
    assert overrides.fragment_files(ws_root) == []
    assert overrides.notebook(ws_root, "action_report.ipynb") == (
        overrides.kit_notebooks_dir() / "action_report.ipynb",
        False,
    )
    # A link inside the workspace is fine.
    (ws_root / "gabarits" / "entete.html.j2").unlink()
    (ws_root / "gabarits" / "original.j2").write_text("ok", encoding="utf-8")
    (ws_root / "gabarits" / "entete.html.j2").symlink_to(ws_root / "gabarits" / "original.j2")
    assert [p.name for p in overrides.fragment_files(ws_root)] == ["entete.html.j2", "original.j2"]


def test_chart_text_holds_no_live_link():
    figure = {
        "data": [{"x": ['Pays <a href="https://evil.example/x">infos</a>'], "y": [3],
                  "hovertext": ["<A HREF='https://evil.example'>x</A>"]}],
        "layout": {"title": {"text": "Titre<br><b>gras</b> < 5"},
                   "xaxis": {"ticktext": ["< a href=https://evil.example>y</ a>"]}},
    }  # fmt: skip
    safe = json.dumps(defuse_links(figure))
    assert "<a" not in safe.lower() and "< a" not in safe and "</a" not in safe.lower()
    assert "&lt;a href" in safe and "<br><b>gras</b> < 5" in safe


def test_a_page_with_a_link_in_a_chart_renders_it_as_text():
    from vccap.site.render import PageRenderer

    nb = nbformat.v4.new_notebook()
    figure = {"data": [{"type": "bar", "x": ['<a href="https://evil.example">T</a>'], "y": [1]}],
              "layout": {}}  # fmt: skip
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/vnd.plotly.v1+json": figure, "text/plain": ""}
        )
    ]
    nb.cells.append(cell)
    page = PageRenderer().render_notebook(
        nb, title="Test", root="", breadcrumb=[], fictitious=False
    )
    assert "evil.example" in page and '<a href=\\"https://evil' not in page
    assert '<a href="https://evil' not in page
