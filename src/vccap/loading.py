"""Load a workspace folder into a :class:`~vccap.workspace.Workspace` and check references.

Loading never stops at the first problem: every problem is collected in
:attr:`Workspace.problems`, tagged with its action, so that one bad action does not stop the
others. Tables are not read here (see :meth:`Workspace.tables`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from vccap.catalogue import type_from_spec
from vccap.errors import InputError, WorkspaceNotFound
from vccap.model import (
    ACTION_KEYS,
    DEBRIEF_FILE,
    DEMARCHE_KEYS,
    ID_RE,
    SLUG_RE,
    STATUTS,
    TYPE_KEYS,
    Action,
    Demarche,
    LigneBudget,
    Objectif,
    Structure,
    Territoire,
)
from vccap.normalize import fold
from vccap.paths import EXPECTED_INSIDE, inside
from vccap.workspace import Workspace
from vccap.yamlio import Lines, read_yaml


def load_workspace(path: str | Path) -> Workspace:
    """Load a workspace; problems are collected, not raised (see ``Workspace.problems``)."""
    root = Path(path)
    if not root.exists():
        raise WorkspaceNotFound(root, "absent")
    if not root.is_dir():
        raise WorkspaceNotFound(root, "pas_un_dossier")
    if not (root / "demarche.yml").exists():
        raise WorkspaceNotFound(root, "sans_demarche")
    root = root.resolve()
    ws = Workspace(root)
    _load_demarche(ws)
    _load_territoires(ws)
    _load_structures(ws)
    _load_types(ws)
    _load_actions(ws)
    return ws


def _outside(ws: Workspace, path: Path, action: str | None = None) -> bool:
    """True (and a problem) when ``path`` is a link to something outside the workspace."""
    if inside(ws.root, path):
        return False
    ws.add_problem(path, EXPECTED_INSIDE, code="lien_hors_espace", action=action)
    return True


def _safe_yaml(ws: Workspace, path: Path, action: str | None = None) -> tuple[Any, Lines] | None:
    if _outside(ws, path, action):
        return None
    try:
        return read_yaml(path, ws.display(path), action=action)
    except InputError as problem:
        ws.problems.append(problem)
        return None


def _unknown_keys(
    ws: Workspace,
    path: Path,
    data: dict,
    allowed: set[str],
    lines: Lines,
    prefix: tuple = (),
    action: str | None = None,
) -> None:
    for key in data:
        if key not in allowed:
            ws.add_problem(
                path,
                "une des clés : " + ", ".join(sorted(allowed)),
                line=lines.get(prefix + (key,)),
                column=str(key),
                value=str(key),
                code="cle_inconnue",
                action=action,
            )


def _load_demarche(ws: Workspace) -> None:
    path = ws.root / "demarche.yml"
    loaded = _safe_yaml(ws, path)
    if loaded is None:
        return
    data, lines = loaded
    if not isinstance(data, dict):
        ws.add_problem(path, "un dictionnaire YAML (clé: valeur)", line=1, code="yaml_invalide")
        return
    _unknown_keys(ws, path, data, DEMARCHE_KEYS, lines)
    if not data.get("nom"):
        ws.add_problem(path, "une clé « nom » renseignée", line=1, column="nom", code="obligatoire")
    seuil = data.get("seuil_confidentialite", 3)
    if not isinstance(seuil, int) or isinstance(seuil, bool) or seuil < 1:
        ws.add_problem(
            path,
            "un entier supérieur ou égal à 1",
            line=lines.get(("seuil_confidentialite",)),
            column="seuil_confidentialite",
            value=str(seuil),
            code="entier",
        )
        seuil = 3
    annees = data.get("annees") or []
    if not isinstance(annees, list) or not all(isinstance(a, int) for a in annees):
        ws.add_problem(
            path,
            "une liste d'années, par exemple [2016, 2017]",
            line=lines.get(("annees",)),
            column="annees",
            value=str(annees),
            code="liste",
        )
        annees = []
    principes = data.get("principes") or {}
    ws.demarche = Demarche(
        nom=str(data.get("nom") or ws.root.name),
        region=str(data.get("region") or ""),
        chef_de_file=str(data.get("chef_de_file") or ""),
        annees=annees,
        seuil_confidentialite=seuil,
        description=str(data.get("description") or ""),
        principes=principes if isinstance(principes, dict) else {},
        source=str(data.get("source") or ""),
    )


def _read_reference_csv(
    ws: Workspace, name: str, columns: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """Read territoires.csv / structures.csv as rows of strings (robust reader of tables.py)."""
    from vccap.tables import read_table

    path = ws.root / name
    if not path.exists():
        ws.add_problem(
            path, f"un fichier {name} (colonnes : {', '.join(columns)})", code="fichier_absent"
        )
        return []
    if _outside(ws, path):
        return []
    raw = read_table(path, name.removesuffix(".csv"), display=ws.display(path))
    ws.problems.extend(raw.problems)
    rows: list[tuple[int, dict[str, str]]] = []
    df = raw.df
    for record in df.to_dict("records"):
        line = int(record.get("_ligne") or 0)
        rows.append(
            (
                line,
                {
                    c: ("" if pd.isna(record.get(c)) else str(record.get(c)).strip())
                    for c in columns
                },
            )
        )
    return rows


def _new_id(ws: Workspace, path: Path, ident: str, line: int, known: dict, example: str) -> bool:
    """True when a reference table's id is well formed and not yet taken (else a problem)."""
    if not ID_RE.match(ident):
        ws.add_problem(
            path,
            f"un identifiant en minuscules, chiffres et tirets (ex. {example})",
            line=line,
            column="id",
            value=ident,
            code="identifiant",
        )
        return False
    if ident in known:
        ws.add_problem(
            path, "un identifiant unique", line=line, column="id", value=ident, code="doublon"
        )
        return False
    return True


def _load_territoires(ws: Workspace) -> None:
    path = ws.root / "territoires.csv"
    for line, row in _read_reference_csv(
        ws, "territoires.csv", ["id", "nom", "milieu", "departement"]
    ):
        if not _new_id(ws, path, row["id"], line, ws.territoires, "pays-diois"):
            continue
        ws.territoires[row["id"]] = Territoire(
            row["id"], row["nom"] or row["id"], row["milieu"], row["departement"]
        )


def _load_structures(ws: Workspace) -> None:
    path = ws.root / "structures.csv"
    rows = _read_reference_csv(
        ws, "structures.csv", ["id", "nom", "categorie", "milieu", "territoire"]
    )
    for line, row in rows:
        if not _new_id(ws, path, row["id"], line, ws.structures, "mdef-lyon"):
            continue
        territoire = row["territoire"] or None
        if territoire and territoire not in ws.territoires:
            ws.add_problem(
                path,
                "un identifiant de territoires.csv",
                line=line,
                column="territoire",
                value=territoire,
                code="reference",
            )
            territoire = None
        ws.structures[row["id"]] = Structure(
            row["id"], row["nom"] or row["id"], row["categorie"], row["milieu"], territoire
        )


def _load_types(ws: Workspace) -> None:
    path = ws.root / "types_action.yml"
    if not path.exists():
        return
    loaded = _safe_yaml(ws, path)
    if loaded is None:
        return
    data, lines = loaded
    if data is None:
        return
    if not isinstance(data, dict):
        ws.add_problem(
            path,
            "un dictionnaire de types d'action (identifiant: description)",
            line=1,
            code="yaml_invalide",
        )
        return
    for key, spec in data.items():
        if not isinstance(spec, dict) or not ID_RE.match(str(key)):
            ws.add_problem(
                path,
                "un identifiant de type suivi de ses clés (libelle, tables, indicateurs…)",
                line=lines.get((key,)),
                column=str(key),
                value=str(key),
                code="type_invalide",
            )
            continue
        _unknown_keys(ws, path, spec, TYPE_KEYS, lines, prefix=(key,))
        base = ws.types.get(key)
        merged = dict(base.__dict__) if base else {}
        merged.pop("id", None)
        extra = merged.pop("extra", {}) if merged else {}
        merged.update(extra)
        merged.update(spec)
        new = type_from_spec(key, merged)
        for i, ind in enumerate(new.indicateurs + new.indicateurs_cles):
            if ind not in ws.indicateurs:
                ws.add_problem(
                    path,
                    "un indicateur du catalogue : " + ", ".join(sorted(ws.indicateurs)),
                    line=lines.get((key, "indicateurs", i)) or lines.get((key,)),
                    column="indicateurs",
                    value=str(ind),
                    code="indicateur_inconnu",
                )
        ws.types[key] = new


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueError(value)


def _load_actions(ws: Workspace) -> None:
    folder = ws.root / "actions"
    if not folder.is_dir():
        return
    for action_dir in sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        if _outside(ws, action_dir, action_dir.name):
            continue
        action = _load_action(ws, action_dir)
        if action is None:
            continue
        if action.id in ws.actions:
            ws.add_problem(
                action_dir / "action.yml",
                "un identifiant d'action unique",
                line=1,
                column="id",
                value=action.id,
                code="doublon",
                action=action.id,
            )
            continue
        ws.actions[action.id] = action
    ws.actions = dict(
        sorted(ws.actions.items(), key=lambda kv: (kv[1].date_debut or dt.date.max, kv[0]))
    )


def _load_action(ws: Workspace, action_dir: Path) -> Action | None:
    path = action_dir / "action.yml"
    action_id = action_dir.name
    if not path.exists():
        ws.add_problem(
            path,
            "un fichier action.yml dans le dossier de l'action",
            code="fichier_absent",
            action=action_id,
        )
        return None
    loaded = _safe_yaml(ws, path, action=action_id)
    if loaded is None:
        return Action(
            id=action_id,
            titre=action_id,
            type="",
            statut="realisee",
            date_debut=None,
            date_fin=None,
            folder=action_dir,
        )
    data, lines = loaded
    if not isinstance(data, dict):
        ws.add_problem(
            path,
            "un dictionnaire YAML (clé: valeur)",
            line=1,
            code="yaml_invalide",
            action=action_id,
        )
        return None

    def problem(key: tuple, expected: str, value: Any, code: str) -> None:
        ws.add_problem(
            path,
            expected,
            line=lines.get(key) or 1,
            column=".".join(map(str, key)),
            value="" if value is None else str(value),
            code=code,
            action=action_id,
        )

    _unknown_keys(ws, path, data, ACTION_KEYS, lines, action=action_id)
    given_id = str(data.get("id") or "")
    if given_id != action_id:
        problem(("id",), f"le nom du dossier de l'action : {action_id}", given_id, "identifiant")
    if not SLUG_RE.match(action_id):
        problem(
            ("id",),
            "un identifiant AAAA-MM-mots-en-minuscules (ex. 2016-06-salon-lyon)",
            action_id,
            "identifiant",
        )
    for key in ("titre", "type", "statut", "date_debut"):
        if data.get(key) in (None, ""):
            problem((key,), f"une valeur pour « {key} »", None, "obligatoire")

    type_id = str(data.get("type") or "")
    if type_id and type_id not in ws.types:
        problem(
            ("type",),
            "un type du catalogue : " + ", ".join(sorted(ws.types)),
            type_id,
            "type_inconnu",
        )
    statut = fold(str(data.get("statut") or "realisee")).replace("_", "")
    if statut not in STATUTS:
        problem(("statut",), "prevue, realisee ou annulee", data.get("statut"), "vocabulaire")
        statut = "realisee"

    dates: dict[str, dt.date | None] = {}
    for key in ("date_debut", "date_fin"):
        value = data.get(key)
        if value in (None, ""):
            dates[key] = None
            continue
        try:
            dates[key] = _as_date(value)
        except ValueError:
            problem((key,), "une date (2016-06-15 ou 15/06/2016)", value, "date")
            dates[key] = None
    start, end = dates["date_debut"], dates["date_fin"]
    if start and end and end < start:
        problem(
            ("date_fin",),
            f"une date de fin postérieure ou égale au début ({start.isoformat()})",
            end.isoformat(),
            "date_fin",
        )
    match = SLUG_RE.match(action_id)
    if start and match and (int(match.group(1)), int(match.group(2))) != (start.year, start.month):
        problem(
            ("id",),
            f"un identifiant qui commence par l'année et le mois du début "
            f"({start.year}-{start.month:02d})",
            action_id,
            "identifiant",
        )

    territoires = _id_list(
        data.get("territoires"),
        ("territoires",),
        ws.territoires,
        "un territoire de territoires.csv",
        problem,
    )
    partenaires = _id_list(
        data.get("partenaires"),
        ("partenaires",),
        ws.structures,
        "une structure de structures.csv",
        problem,
    )

    type_spec = ws.types.get(type_id)
    objectifs: list[Objectif] = []
    raw_objectifs = data.get("objectifs") or []
    if not isinstance(raw_objectifs, list):
        problem(("objectifs",), "une liste d'objectifs (- libelle: …)", raw_objectifs, "liste")
        raw_objectifs = []
    for i, obj in enumerate(raw_objectifs):
        if not isinstance(obj, dict) or not obj.get("libelle"):
            problem(("objectifs", i), "un objectif avec au moins « libelle »", obj, "objectif")
            continue
        indicateur = str(obj.get("indicateur") or "")
        if indicateur:
            allowed = type_spec.indicateurs if type_spec else list(ws.indicateurs)
            if indicateur not in allowed:
                problem(
                    ("objectifs", i, "indicateur"),
                    "un indicateur du type « " + type_id + " » : " + ", ".join(allowed),
                    indicateur,
                    "indicateur_inconnu",
                )
        cible = obj.get("cible")
        if cible is not None and (isinstance(cible, bool) or not isinstance(cible, int | float)):
            problem(
                ("objectifs", i, "cible"), "un nombre (ex. 80 ou 0.75 pour 75 %)", cible, "nombre"
            )
            cible = None
        objectifs.append(
            Objectif(str(obj["libelle"]), indicateur, float(cible) if cible is not None else None)
        )

    budget: list[LigneBudget] = []
    raw_budget = data.get("budget") or []
    if not isinstance(raw_budget, list):
        problem(("budget",), "une liste de lignes {poste, montant, financeur}", raw_budget, "liste")
        raw_budget = []
    for i, line in enumerate(raw_budget):
        montant = line.get("montant") if isinstance(line, dict) else None
        if isinstance(montant, str):
            try:
                montant = float(montant.replace("\u202f", "").replace(" ", "").replace(",", "."))
            except ValueError:
                pass
        if (
            not isinstance(line, dict)
            or isinstance(montant, bool)
            or not isinstance(montant, int | float)
        ):
            problem(
                ("budget", i), "une ligne {poste: …, montant: nombre, financeur: …}", line, "budget"
            )
            continue
        budget.append(
            LigneBudget(
                str(line.get("poste") or ""), float(montant), str(line.get("financeur") or "")
            )
        )
    temps = data.get("temps_agents_jours")
    if temps is not None and (isinstance(temps, bool) or not isinstance(temps, int | float)):
        problem(("temps_agents_jours",), "un nombre de jours", temps, "nombre")
        temps = None

    from vccap.tables import find_table_files

    files, file_problems = find_table_files(
        action_dir, display_root=ws.root.parent, action=action_id
    )
    ws.problems.extend(file_problems)
    files = {k: p for k, p in files.items() if not _outside(ws, p, action_id)}
    debrief = action_dir / DEBRIEF_FILE
    if debrief.exists():
        _outside(ws, debrief, action_id)

    return Action(
        id=action_id,
        titre=str(data.get("titre") or action_id),
        type=type_id,
        statut=statut,
        date_debut=start,
        date_fin=end or start,
        lieu=str(data.get("lieu") or ""),
        territoires=territoires,
        partenaires=partenaires,
        descriptif=str(data.get("descriptif") or "").strip(),
        objectifs=objectifs,
        budget=budget,
        temps_agents_jours=float(temps) if temps is not None else None,
        source=str(data.get("source") or ""),
        folder=action_dir,
        files=files,
    )


def _id_list(value: Any, key: tuple, known: dict, expected: str, problem) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problem(
            key, "une liste d'identifiants entre crochets, ex. [diois, beaujolais]", value, "liste"
        )
        return []
    out: list[str] = []
    for i, item in enumerate(value):
        item_id = str(item)
        if item_id not in known:
            problem(key + (i,), expected, item_id, "reference")
            continue
        if item_id not in out:
            out.append(item_id)
    return out
