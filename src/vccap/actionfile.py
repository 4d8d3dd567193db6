"""action.yml: the description of one action, read forgivingly and checked.

:func:`load_action` reads ``actions/<id>/action.yml`` into an :class:`Action`; every problem
is added to the workspace's problems (tagged with the action), never raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vccap.errors import InputError
from vccap.normalize import fold
from vccap.yamlio import Lines, read_yaml

if TYPE_CHECKING:
    from vccap.workspace import Workspace

__all__ = ["ACTION_KEYS", "SLUG_RE", "STATUTS", "Action", "LigneBudget", "Objectif", "load_action"]

SLUG_RE = re.compile(r"^(\d{4})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUTS = {"prevue": "prévue", "realisee": "réalisée", "annulee": "annulée"}
DEBRIEF_FILE = "retour_experience.md"

ACTION_KEYS = {
    "id",
    "titre",
    "type",
    "statut",
    "date_debut",
    "date_fin",
    "lieu",
    "territoires",
    "partenaires",
    "descriptif",
    "objectifs",
    "budget",
    "temps_agents_jours",
    "source",
}


@dataclass(frozen=True)
class Objectif:
    libelle: str
    indicateur: str
    cible: float | None = None


@dataclass(frozen=True)
class LigneBudget:
    poste: str
    montant: float
    financeur: str = ""


@dataclass
class Action:
    id: str
    titre: str
    type: str
    statut: str
    date_debut: dt.date | None
    date_fin: dt.date | None
    lieu: str = ""
    territoires: list[str] = field(default_factory=list)
    partenaires: list[str] = field(default_factory=list)
    descriptif: str = ""
    objectifs: list[Objectif] = field(default_factory=list)
    budget: list[LigneBudget] = field(default_factory=list)
    temps_agents_jours: float | None = None
    source: str = ""
    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def annee(self) -> int | None:
        if self.date_debut is not None:
            return self.date_debut.year
        match = SLUG_RE.match(self.id)
        return int(match.group(1)) if match else None

    @property
    def fictive(self) -> bool:
        """True when the action's source says its data is invented."""
        return "fictiv" in fold(self.source)

    @property
    def debrief_path(self) -> Path | None:
        if self.folder is None:
            return None
        path = self.folder / DEBRIEF_FILE
        return path if path.exists() else None


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


def _problem(ws: Workspace, path: Path, expected: str, **kw: Any) -> None:
    ws.problems.append(InputError(ws.display(path), expected, **kw))


def _read_action_yaml(ws: Workspace, path: Path, action: str) -> tuple[Any, Lines] | None:
    try:
        return read_yaml(path, ws.display(path), action=action)
    except InputError as problem:
        ws.problems.append(problem)
        return None


def _unknown_keys(
    ws: Workspace, path: Path, data: dict, allowed: set[str], lines: Lines, action: str
) -> None:
    for key in data:
        if key not in allowed:
            ws.problems.append(
                InputError(
                    ws.display(path),
                    "une des clés : " + ", ".join(sorted(allowed)),
                    line=lines.get((key,)),
                    column=str(key),
                    value=str(key),
                    code="cle_inconnue",
                    action=action,
                )
            )


def load_action(ws: Workspace, action_dir: Path) -> Action | None:
    path = action_dir / "action.yml"
    action_id = action_dir.name
    if not path.exists():
        _problem(
            ws,
            path,
            "un fichier action.yml dans le dossier de l'action",
            code="fichier_absent",
            action=action_id,
        )
        return None
    loaded = _read_action_yaml(ws, path, action=action_id)
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
        _problem(
            ws,
            path,
            "un dictionnaire YAML (clé: valeur)",
            line=1,
            code="yaml_invalide",
            action=action_id,
        )
        return None

    def problem(key: tuple, expected: str, value: Any, code: str) -> None:
        _problem(
            ws,
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
