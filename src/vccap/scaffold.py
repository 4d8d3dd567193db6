"""Scaffolding: a new empty workspace (``vccap init``) and a new action (``vccap new-action``).

Both create files only, never replace one. The skeleton texts (French, for people) live in
``vccap/skeletons/`` and are filled with :class:`string.Template`.

Blank Excel templates of a new action go to ``actions/<id>/modeles/``, a subfolder that the
table reader ignores: a blank ``<kind>.xlsx`` directly in the action's folder would be read
as a table with zero rows, and count indicators would say 0 instead of "non mesuré". The
team saves each filled template as ``actions/<id>/<kind>.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from importlib import resources
from pathlib import Path
from string import Template

import yaml

from vccap.errors import InputError, UnknownType
from vccap.excel import write_templates
from vccap.loading import load_workspace
from vccap.model import DEBRIEF_FILE, SLUG_RE, TypeAction
from vccap.schemas import TABLE_KINDS, load_schema
from vccap.workspace import Workspace

__all__ = [
    "ACTION_TEMPLATES_DIR",
    "DEBRIEF_PROMPT",
    "EXPECTED_ACTION_ID",
    "WORKSPACE_TEMPLATES_DIR",
    "init_workspace",
    "new_action",
]

WORKSPACE_TEMPLATES_DIR = "modeles"
"""Folder of blank templates at the root of a new workspace."""

ACTION_TEMPLATES_DIR = "modeles"
"""Subfolder of an action holding the blank templates of its type's tables (not read)."""

DEBRIEF_PROMPT = "À compléter"
"""Prefix of the prompt lines of a new ``retour_experience.md`` (in italics)."""

EXPECTED_ACTION_ID = (
    "un identifiant AAAA-MM-mots-en-minuscules, avec l'année et le mois de l'action "
    "(ex. 2025-06-salon-entrepreneurs-lyon)"
)

_UNITS = {
    "personnes": "un nombre de personnes",
    "territoires": "un nombre de territoires",
    "structures": "un nombre de structures",
    "evenements": "un nombre d'événements",
    "reponses": "un nombre de réponses",
    "projets": "un nombre de projets",
    "part": "une part entre 0 et 1 (0.75 pour 75 %)",
    "euros": "un montant en euros",
    "euros_par_personne": "un montant en euros par personne",
}


def _skeleton(name: str) -> str:
    return resources.files("vccap").joinpath("skeletons", name).read_text(encoding="utf-8")


def _scalar(value: object) -> str:
    """A YAML scalar on one line (quoted only when needed)."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _write_new(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


# --------------------------------------------------------------------------- init


def _type_lines(types: dict[str, TypeAction]) -> str:
    return "\n".join(f"- `{t.id}` : {t.libelle}" for t in types.values())


def _table_lines() -> str:
    lines = []
    for kind in TABLE_KINDS:
        schema = load_schema(kind)
        lines.append(f"- `{kind}` ({schema.title}) : {schema.description}")
    return "\n".join(lines)


def _reference_header(kind: str) -> str:
    return ",".join(load_schema(kind).names) + "\n"


def init_workspace(folder: Path, region: str, *, nom: str | None = None) -> Path:
    """Create a new, valid and empty workspace in ``folder``; return its path.

    ``folder`` must not exist or be empty (:class:`~vccap.errors.InputError`, code
    ``dossier_non_vide``; ``pas_un_dossier`` when it is a file). Creates ``demarche.yml``,
    ``territoires.csv`` and ``structures.csv`` (headers only), ``actions/``, ``.gitignore``,
    a French ``README.md`` and ``modeles/`` with the blank template of every table.
    """
    from vccap.catalogue import default_types

    folder = Path(folder)
    region = (region or "").strip()
    if folder.exists() and not folder.is_dir():
        raise InputError(
            file=str(folder),
            expected="un dossier à créer (ce chemin est un fichier)",
            code="pas_un_dossier",
        )
    if folder.is_dir():
        entries = sorted(p.name for p in folder.iterdir())
        if entries:
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            raise InputError(
                file=str(folder),
                expected=(
                    "un dossier vide ou qui n'existe pas encore "
                    "(vccap init ne remplace aucun fichier)"
                ),
                value=shown,
                code="dossier_non_vide",
            )
    if not region:
        raise InputError(
            file="demarche.yml",
            expected="un nom de région (ex. --region Occitanie)",
            column="region",
            code="obligatoire",
        )
    nom = (nom or "").strip() or f"Coopérations ville-campagne — {region}"

    folder.mkdir(parents=True, exist_ok=True)
    demarche = Template(_skeleton("demarche.yml")).substitute(
        nom=_scalar(nom),
        region=_scalar(region),
        region_texte=region,
        annee=dt.date.today().year,
    )
    _write_new(folder / "demarche.yml", demarche)
    _write_new(folder / "territoires.csv", _reference_header("territoires"))
    _write_new(folder / "structures.csv", _reference_header("structures"))
    (folder / "actions").mkdir()
    _write_new(folder / "actions" / ".gitkeep", "")
    _write_new(folder / ".gitignore", _skeleton("gitignore"))
    readme = Template(_skeleton("README.md")).substitute(
        nom=nom, types=_type_lines(default_types()), tables=_table_lines()
    )
    _write_new(folder / "README.md", readme)
    write_templates(TABLE_KINDS, folder / WORKSPACE_TEMPLATES_DIR)
    return folder


# --------------------------------------------------------------------------- new action


def _check_action_id(action_id: str, where: str) -> dt.date:
    """The first day of the action's month, from its id (InputError when malformed)."""
    match = SLUG_RE.match(action_id or "")
    try:
        if match is None:
            raise ValueError(action_id)
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InputError(
            file=where, expected=EXPECTED_ACTION_ID, value=action_id, code="identifiant"
        ) from None


def _objectives(ws: Workspace, spec: TypeAction) -> str:
    keys = [k for k in spec.indicateurs_cles if k in spec.indicateurs] or spec.indicateurs[:3]
    if not keys:
        return "objectifs: []"
    lines = ["objectifs:"]
    for key in keys:
        indicator = ws.indicateurs.get(key)
        libelle = indicator.libelle if indicator else key
        unit = indicator.unite if indicator else ""
        hint = _UNITS.get(unit, "un nombre")
        lines.append(f"  - libelle: {_scalar(libelle)}")
        lines.append(f"    indicateur: {key}")
        lines.append(f"    cible:  # à fixer : {hint}")
    return "\n".join(lines)


def _comment_lines(text: str) -> str:
    return "\n".join("# " + line for line in textwrap.wrap(text, 92, break_on_hyphens=False))


def _example_ids(ids: list[str], fallback: str) -> str:
    return "[" + ", ".join(ids[:2]) + "]" if ids else fallback


def _reference_names(ws: Workspace) -> dict[str, list[str]]:
    return {
        "territoires": [t.nom for t in ws.territoires.values()],
        "structures": [s.nom for s in ws.structures.values()],
    }


def new_action(workspace: Path, type_id: str, action_id: str, *, titre: str | None = None) -> Path:
    """Create ``actions/<action_id>/`` in ``workspace``; return the action's folder.

    Checks the id (``AAAA-MM-mots``, a real month), the type (the workspace's catalogue,
    its ``types_action.yml`` included: :class:`~vccap.errors.UnknownType`) and that the
    action does not exist yet (code ``action_existante``). Writes a commented
    ``action.yml`` (``statut: prevue``, start on the first day of the id's month, the
    type's key indicators as objectives without target), ``retour_experience.md`` with
    its four headings and prompts, and the blank templates of the type's tables in
    ``modeles/`` (see the module docstring).
    """
    ws = load_workspace(workspace)
    actions = ws.root / "actions"
    start = _check_action_id(action_id, ws.display(actions))
    spec = ws.types.get(type_id)
    if spec is None:
        raise UnknownType(type_id, sorted(ws.types))
    folder = actions / action_id
    if folder.exists():
        raise InputError(
            file=ws.display(folder),
            expected="un identifiant d'action qui n'existe pas encore dans l'espace",
            value=action_id,
            code="action_existante",
        )
    titre = (titre or "").strip() or spec.libelle

    action_yml = Template(_skeleton("action.yml")).substitute(
        id=action_id,
        titre=_scalar(titre),
        type=type_id,
        type_libelle=spec.libelle,
        mois=f"{start.year}-{start.month:02d}",
        date_debut=start.isoformat(),
        exemple_territoires=_example_ids(list(ws.territoires), "[pays-diois, beaujolais-vert]"),
        exemple_territoire=next(
            (t.id for t in ws.territoires.values() if t.milieu == "urbain"), "metropole-lyon"
        ),
        exemple_structures=_example_ids(list(ws.structures), "[maison-emploi-lyon, afe]"),
        indicateurs=_comment_lines(
            "Indicateurs possibles pour ce type : " + (", ".join(spec.indicateurs) or "aucun")
        ),
        objectifs=_objectives(ws, spec),
    )
    debrief = Template(_skeleton("retour_experience.md")).substitute(titre=titre)
    kinds = [k for k in spec.tables if k in TABLE_KINDS]

    folder.mkdir(parents=True)
    _write_new(folder / "action.yml", action_yml)
    _write_new(folder / DEBRIEF_FILE, debrief)
    if kinds:
        write_templates(kinds, folder / ACTION_TEMPLATES_DIR, references=_reference_names(ws))
    return folder
