"""Transfer packs: what another region needs to repeat one type of action, in one zip.

:func:`make_transfer_pack` runs the method-sheet notebook on a real kernel and writes:

- ``fiche-<type>.html``: the method sheet as ONE self-contained page (styles and plotly.js
  inlined: it opens offline, straight from the zip, and draws its charts);
- ``modeles/<table>.xlsx``: the blank Excel templates of the type's tables;
- ``carnets/*.ipynb``: every notebook template of the kit, without outputs;
- ``action-type/action.yml`` and ``action-type/retour_experience.md``: what
  ``vccap new-action`` writes for this type;
- ``schemas/*.json``: the Table Schemas of every table;
- ``types_action.yml``: only when the type is not the kit's own (a workspace's addition);
- ``resume-pratique-pei-agri.md``: the sheet's practice abstract in the EIP-AGRI common
  format (title, summary of at most 1,500 characters, project profile), in French;
- ``LISEZMOI.md``: a short French guide for the receiving region.

The zip is deterministic (sorted entries, fixed timestamps and permissions). Its content is
audited before the zip is written: any personal data raises
:class:`~vccap.errors.AuditFailed` and nothing is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import yaml

import vccap
from vccap import fmt, privacy
from vccap.catalogue import default_types
from vccap.errors import AuditFailed, InvalidWorkspace, JobFailed, UnknownType
from vccap.loading import load_workspace
from vccap.model import DEBRIEF_FILE, TypeAction
from vccap.paths import inside
from vccap.schemas import TABLE_KINDS
from vccap.workspace import Workspace

SHEET_TEMPLATE = "method_sheet.ipynb"
ZIP_TIME = (2016, 1, 1, 0, 0, 0)
TEMPLATES_DIR = "modeles"
NOTEBOOKS_DIR = "carnets"
ACTION_DIR = "action-type"
SCHEMAS_DIR = "schemas"
README = "LISEZMOI.md"
ABSTRACT_FILE = "resume-pratique-pei-agri.md"


def sheet_name(type_id: str) -> str:
    return f"fiche-{type_id}.html"


def make_transfer_pack(
    workspace: str | Path,
    type_action: str,
    out_zip: str | Path,
    *,
    reporter: Callable[[str, dict[str, Any]], None] | None = None,
) -> Path:
    """Write the transfer pack of ``type_action`` to ``out_zip``; return its path.

    ``reporter(event, data)`` hears of the steps: ``"fiche"`` (the notebook starts, once the
    workspace and the type are known), ``"audit"`` (the content is being scanned).

    Raises :class:`UnknownType` for a type absent from the workspace's catalogue,
    :class:`InvalidWorkspace` when the workspace itself is invalid, :class:`JobFailed` when
    the method sheet cannot be produced and :class:`AuditFailed` when personal data is found.
    The workspace is only read.
    """
    ws = load_workspace(workspace)
    if ws.general_problems():
        raise InvalidWorkspace(ws.root, ws.general_problems())
    spec = ws.types.get(type_action)
    if spec is None:
        raise UnknownType(type_action, sorted(ws.types))
    out_zip = Path(out_zip)
    report = reporter or (lambda event, data: None)
    report("fiche", {"type": type_action, "libelle": spec.libelle})
    with tempfile.TemporaryDirectory(prefix="vccap-transfert-") as tmp:
        staging = Path(tmp) / f"transfert-{type_action}"
        staging.mkdir()
        html, summary = _sheet_page(ws, spec, Path(tmp), failed_copy=out_zip.parent)
        (staging / sheet_name(type_action)).write_text(html, encoding="utf-8", newline="\n")
        abstract = (summary or {}).get("resume_pratique")
        if isinstance(abstract, dict):
            (staging / ABSTRACT_FILE).write_text(
                practice_abstract_text(abstract), encoding="utf-8", newline="\n"
            )
        kinds = [k for k in spec.tables if k in TABLE_KINDS]
        _write_templates(staging / TEMPLATES_DIR, kinds)
        _write_notebooks(ws, staging / NOTEBOOKS_DIR)
        _write_action_skeleton(ws, spec, staging / ACTION_DIR, Path(tmp) / "espace")
        _write_schemas(staging / SCHEMAS_DIR)
        if _custom_type(ws, spec):
            (staging / "types_action.yml").write_text(_type_yaml(spec), encoding="utf-8")
        names = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        readme = lisezmoi(ws, spec, names + [README])
        (staging / README).write_text(readme, encoding="utf-8", newline="\n")
        report("audit", {"fichiers": len(names) + 1})
        _audit(ws, staging, type_action, Path(tmp) / "audit" / staging.name)
        _write_zip(staging, out_zip)
    return out_zip


# --------------------------------------------------------------------------- contents


def _sheet_page(
    ws: Workspace, spec: TypeAction, tmp: Path, failed_copy: Path
) -> tuple[str, dict[str, Any] | None]:
    """Run the method-sheet notebook on a fresh kernel; its page as ONE file, and its
    summary (with the practice abstract)."""
    from vccap.build.plan import make_job
    from vccap.build.run import execute_job, extract_summary
    from vccap.site.render import render_standalone

    job = make_job(ws, "fiches", spec.id)
    executed = tmp / f"fiche-{spec.id}.ipynb"
    try:
        nb = execute_job(job, executed, warm=False)
    except JobFailed as exc:
        kept = None
        if executed.exists():
            failed_copy.mkdir(parents=True, exist_ok=True)
            kept = failed_copy / f"fiche-{spec.id}-echec.ipynb"
            shutil.copyfile(executed, kept)
        raise JobFailed(job.id, kept, exc.error_name, exc.error_value) from None
    page = render_standalone(nb, job.title, site_title=ws.demarche.nom, fictitious=job.fictitious)
    return page, extract_summary(nb)


def practice_abstract_text(abstract: dict[str, Any]) -> str:
    """The method sheet's practice abstract in the EIP-AGRI common format, in French
    (markdown): title, summary for practitioners (at most 1,500 characters), the project
    profile's fields that apply. ``abstract``: the sheet's ``practice_abstract()``."""
    lines = [
        f"# Résumé de pratique : {abstract['titre']}",
        "",
        "Format commun des résumés de pratique du PEI-AGRI (Partenariat européen pour "
        "l'innovation « Productivité et développement durable de l'agriculture »), tiré de la "
        "fiche méthode.",
        "",
        "## Titre",
        "",
        str(abstract["titre"]),
        "",
        f"## Résumé pour les praticiens ({fmt.nombre(len(abstract['resume']))} caractères "
        "sur 1 500 au plus)",
        "",
        str(abstract["resume"]),
        "",
        "## Profil du projet",
        "",
    ]
    lines += [f"- **{f['champ']}** : {f['valeur']}" for f in abstract.get("profil", [])]
    return "\n".join(lines) + "\n"


def _write_templates(folder: Path, kinds: list[str]) -> None:
    from vccap.excel import write_template

    for kind in kinds:
        write_template(kind, folder / f"{kind}.xlsx")


def _write_notebooks(ws: Workspace, folder: Path) -> None:
    """Every notebook template (the workspace's own versions where it has them), cleaned."""
    from vccap import overrides

    folder.mkdir(parents=True, exist_ok=True)
    names = {p.name for p in overrides.kit_notebooks()}
    own = ws.root / overrides.NOTEBOOKS_DIR
    if own.is_dir():
        names |= {p.name for p in own.glob("*.ipynb")}
    for name in sorted(names):
        path, _ = overrides.notebook(ws.root, name)
        nb = overrides.clean_notebook(path)
        (folder / name).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def _write_action_skeleton(ws: Workspace, spec: TypeAction, folder: Path, scratch: Path) -> None:
    """action.yml and retour_experience.md as ``vccap new-action`` writes them for the type.

    They are made in a scratch workspace (no territory, no structure of ours: the examples
    in the comments are generic), with the workspace's own catalogue when it has one.
    """
    from vccap.scaffold import init_workspace, new_action

    init_workspace(scratch, ws.demarche.region or "Région", nom=ws.demarche.nom)
    own_types = ws.root / "types_action.yml"
    if own_types.exists() and inside(ws.root, own_types):
        shutil.copyfile(own_types, scratch / "types_action.yml")
    created = new_action(scratch, spec.id, _example_id(ws, spec))
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("action.yml", DEBRIEF_FILE):
        shutil.copyfile(created / name, folder / name)


def _example_id(ws: Workspace, spec: TypeAction) -> str:
    """An id for the skeleton: a year after the latest edition (deterministic)."""
    dates = sorted(a.date_debut for a in ws.actions.values() if a.type == spec.id and a.date_debut)
    year, month = (dates[-1].year + 1, dates[-1].month) if dates else (2025, 6)
    return f"{year}-{month:02d}-{spec.id.replace('_', '-')}"


def _write_schemas(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    source = resources.files("vccap").joinpath("schemas")
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            (folder / entry.name).write_bytes(entry.read_bytes())


def _custom_type(ws: Workspace, spec: TypeAction) -> bool:
    """True when the type is not the kit's own (the receiving region needs its definition)."""
    default = default_types().get(spec.id)
    return default is None or default != spec


def _type_yaml(spec: TypeAction) -> str:
    data = {
        "libelle": spec.libelle,
        "description": spec.description,
        "tables": spec.tables,
        "indicateurs": spec.indicateurs,
        "indicateurs_cles": spec.indicateurs_cles,
        "retroplanning": spec.retroplanning,
        **spec.extra,
    }
    head = (
        "# Définition du type d'action, à copier dans le types_action.yml de votre espace "
        "de travail.\n"
    )
    return head + yaml.safe_dump({spec.id: data}, allow_unicode=True, sort_keys=False, width=100)


# --------------------------------------------------------------------------- the guide


def lisezmoi(ws: Workspace, spec: TypeAction, names: list[str]) -> str:
    """The French guide of the pack (what to fill, in what order, which commands)."""
    t = spec.id
    kinds = [k for k in spec.tables if k in TABLE_KINDS]
    tables = ", ".join(f"`{k}.xlsx`" for k in kinds) or "aucun tableau pour ce type"
    first = kinds[0] if kinds else "participants"

    def listed(folder: str) -> str:
        inside = [n.split("/", 1)[1] for n in names if n.startswith(folder + "/")]
        return ", ".join(f"`{n}`" for n in inside)

    origin = [f"Démarche d'origine : {ws.demarche.nom}"]
    if ws.demarche.region:
        origin.append(f"région {ws.demarche.region}")
    if ws.demarche.chef_de_file:
        origin.append(f"chef de file {ws.demarche.chef_de_file}")
    abstract_line = (
        f"- `{ABSTRACT_FILE}` : le résumé de la pratique au format commun du PEI-AGRI (titre, "
        "résumé de 1 500 caractères au plus pour les praticiens, profil du projet), à "
        "reprendre dans les bases de pratiques des réseaux ruraux.\n"
        if ABSTRACT_FILE in names
        else ""
    )
    extra_type = (
        "\n- `types_action.yml` : la définition de ce type d'action, à copier dans le "
        "`types_action.yml` de votre espace de travail (il ne fait pas partie du catalogue "
        "livré avec vccap)."
        if "types_action.yml" in names
        else ""
    )
    return f"""# Dossier de transfert : {spec.libelle}

Ce dossier transmet une expérience de terrain pour qu'une autre région puisse mener à son tour
ce type d'action (`{t}`) et en tirer ses propres bilans. Il a été préparé avec vccap
{vccap.__version__}, outil libre de capitalisation des actions ville-campagne. Il ne contient
aucune donnée personnelle : des chiffres agrégés, des textes expurgés et des modèles vierges.

{" ; ".join(origin)}.

## Par où commencer

1. **Lisez la fiche méthode** `{sheet_name(t)}` : elle s'ouvre dans n'importe quel
   navigateur, sans connexion à Internet. Elle résume la pratique et donne le rétroplanning,
   les moyens engagés, les résultats de chaque édition, les conseils des équipes et la liste
   des conditions à réunir avant de se lancer.
2. **Vérifiez les conditions de transfert** (la liste à cocher de la fiche) avec vos
   partenaires : structure qui coordonne, territoires engagés, partenaires urbains, budget.
3. **Installez vccap** sur le poste de la personne qui construira les bilans (Python 3.11 ou
   plus récent, voir le mode d'emploi du kit), puis vérifiez avec `vccap --version`.

## Ce qu'il faut remplir, dans l'ordre

1. Créez votre espace de travail : `vccap init mon-espace --region "Votre région"`. Le
   dossier créé contient `demarche.yml`, `territoires.csv`, `structures.csv`, un dossier
   `actions/`, les modèles Excel et un mode d'emploi (`README.md`).
2. Complétez `demarche.yml` (nom de la démarche, chef de file, seuil de confidentialité),
   puis `territoires.csv` (vos territoires) et `structures.csv` (vos partenaires : des
   organisations, jamais des personnes).
3. Créez l'action :
   `vccap new-action mon-espace {t} --id AAAA-MM-nom-court --titre "Titre de l'action"`.
   Son dossier `actions/<identifiant>/` reçoit la fiche `action.yml`, le retour d'expérience
   `retour_experience.md` et les modèles Excel ; le dossier `{ACTION_DIR}/` ci-joint montre
   ce que vous obtiendrez.
4. Avant l'action, fixez les objectifs et leurs cibles dans `action.yml` et suivez le
   rétroplanning de la fiche méthode.
5. Pendant et après l'action, remplissez les modèles Excel ({tables}) et enregistrez-les
   dans le dossier de l'action sous leur nom, par exemple
   `actions/<identifiant>/{first}.xlsx`. Chaque modèle a une feuille « Instructions » et
   une feuille « Dictionnaire ».
6. Dans le mois qui suit, rédigez avec l'équipe le retour d'expérience
   (`retour_experience.md`) : ce qui a fonctionné, les difficultés, ce qu'il faut faire
   évoluer, les conseils pour transférer. Passez `statut` à `realisee` dans `action.yml`.
7. Vérifiez vos fichiers : `vccap validate mon-espace`. Chaque problème est signalé avec le
   fichier, la ligne, la colonne et ce qui était attendu.
8. Construisez le site des bilans : `vccap build mon-espace -o reports`, puis ouvrez
   `reports/index.html` (depuis le dossier du kit, `make reports` fait de même pour l'espace
   d'exemple). Le bilan de votre action et votre propre fiche méthode y figurent.
9. Pour transmettre à votre tour : `vccap transfer {t} -w mon-espace`.

## Adapter les bilans à votre région

Les bilans et les fiches sont produits par les carnets Jupyter du dossier `{NOTEBOOKS_DIR}/`.
Vous pouvez les adapter sans toucher au kit :

1. Copiez les carnets dans votre espace : `vccap carnets mon-espace` (ou copiez ceux de ce
   dossier dans `mon-espace/{NOTEBOOKS_DIR}/`, sous le même nom).
2. Ouvrez-les dans JupyterLab et modifiez-les : ajoutez un paragraphe (cellule de texte), un
   tableau ou un graphique, retirez une section. La première cellule de chaque carnet explique
   comment obtenir les données d'une section, avec deux exemples. Toute cellule ajoutée paraît
   dans la page publiée, à sa place.
3. `vccap build mon-espace -o reports` utilise vos carnets à la place de ceux du kit, le
   signale, et ne reconstruit que les pages concernées quand vous les modifiez.

Un type d'action qui vous est propre peut avoir son propre carnet de bilan : dans
`types_action.yml`, ajoutez `carnet: mon_bilan.ipynb` à sa définition et déposez ce carnet
dans `mon-espace/{NOTEBOOKS_DIR}/`. Les fragments HTML des pages se remplacent de même, dans
`mon-espace/gabarits/` (`vccap carnets mon-espace --gabarits` en donne des modèles).

## Contenu du dossier

- `{sheet_name(t)}` : la fiche méthode, autonome (styles et graphiques inclus).
{abstract_line}- `{TEMPLATES_DIR}/` : les modèles Excel vierges des tableaux de ce type d'action
  ({listed(TEMPLATES_DIR)}).
- `{ACTION_DIR}/` : la fiche d'action et le retour d'expérience vierges de ce type
  ({listed(ACTION_DIR)}).
- `{NOTEBOOKS_DIR}/` : les carnets Jupyter qui produisent les bilans et les fiches
  ({listed(NOTEBOOKS_DIR)}) ; `vccap build` les exécute pour vous, JupyterLab permet de les
  ouvrir pour explorer vos données et les adapter (voir plus haut).
- `{SCHEMAS_DIR}/` : la description de chaque tableau au format Table Schema (colonnes,
  valeurs permises), utile pour préparer un formulaire en ligne compatible
  ({listed(SCHEMAS_DIR)}).{extra_type}
- `{README}` : ce guide.

## Données personnelles

Les listes de participants et de contacts contiennent des noms, des courriels et des
téléphones : elles restent dans votre espace de travail et ne doivent pas circuler. vccap les
remplace dès la lecture par un pseudonyme, ne publie que des chiffres agrégés (aucune
catégorie sous le seuil de confidentialité) et vérifie chaque page publiée avant de la
livrer. Informez les personnes de l'usage de leurs coordonnées au moment de la collecte.

## Licence

La fiche méthode est publiée sous Licence Ouverte / Etalab 2.0 : vous pouvez la reprendre,
l'adapter et la diffuser en citant sa source.
"""


# --------------------------------------------------------------------------- audit and zip


def _audit(ws: Workspace, staging: Path, type_id: str, scratch: Path) -> None:
    """Scan the unpacked content for personal data (the workspace's raw values, patterns).

    The inlined copy of plotly.js is left out of the scan, as ``assets/plotly.min.js`` is
    for the site: its digits look like phone numbers.
    """
    from vccap.site.publish import plotly_js_path
    from vccap.site.render import script_text

    shutil.copytree(staging, scratch)
    page = scratch / sheet_name(type_id)
    library = script_text(plotly_js_path().read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(library, "/* plotly.min.js */"), encoding="utf-8")
    hits = privacy.audit(scratch, finder=ws.scrubber)
    if hits:
        raise AuditFailed(hits)


def _write_zip(staging: Path, out_zip: Path) -> None:
    """A deterministic zip: sorted entries, fixed dates and permissions, written atomically."""
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_zip.name}.", suffix=".tmp", dir=out_zip.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w") as archive:
            for path in sorted(staging.rglob("*"), key=lambda p: p.relative_to(staging).as_posix()):
                if not path.is_file():
                    continue
                info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes(), compresslevel=9)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out_zip)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
