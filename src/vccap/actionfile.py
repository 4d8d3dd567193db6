"""action.yml: the description of one action, read forgivingly and checked.

:func:`load_action` reads ``actions/<id>/action.yml`` into an :class:`Action`; every problem
is added to the workspace's problems (tagged with the action), never raised.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vccap.errors import ERREUR, InputError
from vccap.model import ACTION_KEYS, SLUG_RE, STATUTS, Action, LigneBudget, Objectif
from vccap.normalize import fold
from vccap.paths import link_problem
from vccap.reading.dates import parse_date_text
from vccap.reading.files import find_table_files
from vccap.reading.numbers import ambiguous_text, decimals_of, parse_number_text
from vccap.schemas import load_schema
from vccap.yamlio import Lines, read_yaml_texts

if TYPE_CHECKING:
    from vccap.workspace import Workspace

__all__ = ["ACTION_KEYS", "SLUG_RE", "STATUTS", "Action", "LigneBudget", "Objectif", "load_action"]

#: Optional keys that the action skeleton does not write.
OPTIONAL_KEYS = {"echelle"}
#: Other spellings of the keys of action.yml (folded), besides case, accents and spaces.
KEY_ALIASES = {
    "date_de_debut": "date_debut",
    "debut": "date_debut",
    "date_de_fin": "date_fin",
    "fin": "date_fin",
    "territoire": "territoires",
    "partenaire": "partenaires",
    "territoire_d_accueil": "territoire_accueil",
    "lieu_territoire": "territoire_accueil",
    "objectif": "objectifs",
    "description": "descriptif",
    "temps_agents": "temps_agents_jours",
    "echelles": "echelle",
}
OBJECTIVE_KEYS = {"libelle", "indicateur", "cible"}
BUDGET_KEYS = {"poste", "montant", "financeur"}


EXPECTED_DATE = "une date (2016-06-15, 15/06/2016 ou 15 juin 2016)"
EXPECTED_NUMBER = "un nombre (1234,5 ou 1 234,5)"
_SHARE_UNITS = {"part"}


class _Context:
    """One action.yml being read: its data, lines and texts, and where problems go."""

    def __init__(self, ws: Workspace, path: Path, action_id: str, lines: Lines, texts: Lines):
        self.ws, self.path, self.action_id = ws, path, action_id
        self.lines, self.texts = lines, texts

    def say(self, key: tuple, expected: str, value: Any, code: str,
            severity: str = ERREUR) -> None:  # fmt: skip
        line = None
        for n in range(len(key), 0, -1):
            line = self.lines.get(key[:n])
            if line is not None:
                break
        shown = value if isinstance(value, str) else ("" if value is None else _short(value))
        self.ws.add(InputError(
            self.ws.display(self.path), expected, line=line or 1,
            column=".".join(map(str, key)), value=shown, code=code, action=self.action_id,
            severity=severity, table="action",
        ))  # fmt: skip

    def text(self, key: tuple, value: Any) -> str:
        """The value as written in the file (a number's own text, not YAML's reading)."""
        written = self.texts.get(key)
        if written is not None:
            return written
        return "" if value is None else str(value)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:120] + "…"


def _canonical_keys(ctx: _Context, data: dict, allowed: set[str], prefix: tuple) -> dict:
    """``data`` with keys folded to their canonical names; unknown and doubled keys said.

    The returned mapping keeps, per canonical key, ``(value, key as written)``.
    """
    out: dict[str, tuple[Any, Any]] = {}
    for written, value in data.items():
        key = fold(written)
        key = KEY_ALIASES.get(key, key) if not prefix else key
        if key not in allowed:
            ctx.say(prefix + (written,), "une des clés : " + ", ".join(sorted(allowed)),
                    str(written), "cle_inconnue")  # fmt: skip
            continue
        if key in out:
            ctx.say(prefix + (written,), f"une seule clé « {key} » (déjà donnée par "
                    f"« {out[key][1]} »)", str(written), "cle_double")  # fmt: skip
            continue
        out[key] = (value, written)
    return out


def _date(ctx: _Context, key: tuple, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = ctx.text(key, value).strip()
    found = parse_date_text(text)
    if found is None:
        ctx.say(key, EXPECTED_DATE, text, "date")
    return found


def _number(
    ctx: _Context,
    key: tuple,
    value: Any,
    expected: str = EXPECTED_NUMBER,
    text: str | None = None,
    *,
    amount: bool = False,
) -> float | None:
    """A number read from its text: ``310 €``, ``1 380``, ``0,75``; ``1.650`` is ambiguous
    (``amount``: a sum of money, whose ambiguous writing is worded as such)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, dict | list):
        ctx.say(key, expected, _short(value), "nombre")
        return None
    text = ctx.text(key, value).strip() if text is None else text
    number, ambiguous = parse_number_text(text)
    if ambiguous:
        ctx.say(key, ambiguous_text(text, places=2 if amount else None), text, "nombre_ambigu")
        return None
    if number is None:
        ctx.say(key, expected, text, "nombre")
    return number


def _ids(ctx: _Context, key: tuple, value: Any, table: str, expected: str) -> list[str]:
    """Ids of territories or structures: a list, or ids separated by commas."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = [v for v in re.split(r"[,;\n]", value) if v.strip()]
    elif isinstance(value, list):
        items = value
    else:
        ctx.say(key, "une liste d'identifiants, ex. [diois, beaujolais]", value, "liste")
        return []
    known = ctx.ws.references[table]
    out: list[str] = []
    for i, item in enumerate(items):
        written = str(item).strip()
        found = known.get(fold(written))
        if found is None:
            ctx.say(key + ((i,) if isinstance(value, list) else ()), expected, written,
                    "reference")  # fmt: skip
            continue
        if found not in out:
            out.append(found)
    return out


def _one_id(ctx: _Context, item: tuple[Any, tuple], table: str, expected: str) -> str | None:
    """One id of territories or structures (``territoire_accueil``), or None when empty."""
    value, key = item
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or re.search(r"[,;\n]", str(value)):
        ctx.say(key, expected, value, "reference")
        return None
    found = _ids(ctx, key, str(value), table, expected)
    return found[0] if found else None


def _type(ctx: _Context, value: Any) -> str:
    written = "" if value is None else str(value).strip()
    if not written:
        return ""
    by_key = {fold(t): t for t in ctx.ws.types}
    found = by_key.get(fold(written))
    if found is None:
        ctx.say(("type",), "un type du catalogue : " + ", ".join(sorted(ctx.ws.types)),
                written, "type_inconnu")  # fmt: skip
        return written
    return found


def _statut(ctx: _Context, value: Any) -> str:
    key = fold(str(value or "realisee")).replace("_", "")
    for prefix, statut in (("prev", "prevue"), ("real", "realisee"), ("annul", "annulee")):
        if key.startswith(prefix):
            return statut
    ctx.say(("statut",), "prevue, realisee ou annulee", value, "vocabulaire")
    return "realisee"


def _target(ctx: _Context, key: tuple, value: Any, unite: str | None) -> float | None:
    """A target; for a share (unite « part »): ``75 %``, ``0,75`` or ``0.75``."""
    if value is None or value == "":
        return None
    text = ctx.text(key, value).strip()
    percent = text.endswith("%")
    number = _number(ctx, key, value, "un nombre (ex. 80, ou 75 % pour un taux)",
                     text.rstrip("%").strip())  # fmt: skip
    if number is None:
        return None
    if unite in _SHARE_UNITS:
        if percent:
            return number / 100
        if number > 1:
            ctx.say(key, f"une cible de taux écrite en pourcentage (« {text} % ») ou en part "
                    f"de 1 (« {str(number / 100).replace('.', ',')} ») : un taux ne dépasse "
                    "pas 1 (100 %)", text, "cible_taux")  # fmt: skip
            return None
        return number
    if percent:
        ctx.say(key, "un nombre sans « % » (cet indicateur n'est pas un taux)", text, "cible")
        return None
    return number


_SCALE = re.compile(r"^\s*(\d+)\s*(?:-|à|a|/|…|\.\.)\s*(\d+)\s*$")


def _scale(ctx: _Context, key: tuple, value: Any) -> tuple[float, float] | None:
    text = ctx.text(key, value).strip()
    match = _SCALE.match(text)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
    elif text.isdigit():
        low, high = 1.0, float(text)
    else:
        low = high = 0.0
    if not 0 <= low < high <= 100:
        ctx.say(key, "une échelle de notes, ex. 1-5 ou 0-10", text, "echelle")
        return None
    return low, high


def _scales(ctx: _Context, value: Any) -> dict[str, tuple[float, float]]:
    """Declared scales: ``echelle: 1-5`` (every satisfaction question) or per question."""
    fields = [f.name for f in load_schema("satisfaction").fields if f.echelle]
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        out = {}
        for written, item in value.items():
            name = fold(written)
            if name not in fields:
                ctx.say(("echelle", written), "une question notée : " + ", ".join(fields),
                        str(written), "cle_inconnue")  # fmt: skip
                continue
            scale = _scale(ctx, ("echelle", written), item)
            if scale:
                out[name] = scale
        return out
    scale = _scale(ctx, ("echelle",), value)
    return {name: scale for name in fields} if scale else {}


def load_action(ws: Workspace, action_dir: Path) -> Action | None:
    """Read ``action_dir/action.yml`` into an :class:`Action` (problems go to ``ws``).

    Forgiving like the tables: keys in any case or accents (``libellé``), dates in words,
    numbers as typed (``310 €``, ``1 380``), type ids in any case, ids as a comma list.
    Returns None when the file is missing or is not a mapping; a placeholder action when it
    cannot be parsed (its problem says why).
    """
    path = action_dir / "action.yml"
    action_id = action_dir.name
    if not path.exists():
        ws.add(InputError(ws.display(path), "un fichier action.yml dans le dossier de l'action",
                          code="fichier_absent", action=action_id))  # fmt: skip
        return None
    link = link_problem(ws.root, path)
    if link is not None:
        ws.add(InputError(ws.display(path), link[1], code=link[0], action=action_id))
        return None
    try:
        data, lines, texts = read_yaml_texts(path, ws.display(path), action=action_id)
    except InputError as problem:
        ws.add(problem)
        return Action(id=action_id, titre=action_id, type="", statut="realisee",
                      date_debut=None, date_fin=None, folder=action_dir)  # fmt: skip
    ctx = _Context(ws, path, action_id, lines, texts)
    if not isinstance(data, dict):
        ctx.say((), "un dictionnaire YAML (clé: valeur)", None, "yaml_invalide")
        return None
    keys = _canonical_keys(ctx, data, ACTION_KEYS | OPTIONAL_KEYS, ())

    def get(name: str) -> tuple[Any, tuple]:
        value, written = keys.get(name, (None, name))
        return value, (written,)

    given_id, id_key = get("id")
    given_id = "" if given_id is None else str(given_id).strip()
    if given_id != action_id:
        ctx.say(id_key, f"le nom du dossier de l'action : {action_id}", given_id, "identifiant")
    if not SLUG_RE.match(action_id):
        ctx.say(id_key, "un identifiant AAAA-MM-mots-en-minuscules (ex. 2016-06-salon-lyon)",
                action_id, "identifiant")  # fmt: skip
    for name in ("titre", "type", "statut", "date_debut"):
        value, key = get(name)
        if value in (None, ""):
            ctx.say(key, f"une valeur pour « {name} »", None, "obligatoire")
    type_id = _type(ctx, get("type")[0])
    statut = _statut(ctx, get("statut")[0])
    start = _date(ctx, get("date_debut")[1], get("date_debut")[0])
    end = _date(ctx, get("date_fin")[1], get("date_fin")[0])
    if start and end and end < start:
        ctx.say(get("date_fin")[1], f"une date de fin postérieure ou égale au début "
                f"({start.isoformat()})", end.isoformat(), "date_fin")  # fmt: skip
    match = SLUG_RE.match(action_id)
    if start and match and (int(match.group(1)), int(match.group(2))) != (start.year, start.month):
        ctx.say(id_key, f"un identifiant qui commence par l'année et le mois du début "
                f"({start.year}-{start.month:02d})", action_id, "identifiant")  # fmt: skip
    territoires = _ids(ctx, get("territoires")[1], get("territoires")[0], "territoires",
                       "un territoire de territoires.csv (identifiant ou nom)")  # fmt: skip
    partenaires = _ids(ctx, get("partenaires")[1], get("partenaires")[0], "structures",
                       "une structure de structures.csv (identifiant ou nom)")  # fmt: skip
    accueil = _one_id(ctx, get("territoire_accueil"), "territoires",
                      "un seul territoire de territoires.csv (identifiant ou nom)")  # fmt: skip
    objectifs = _objectives(ctx, get("objectifs"), type_id)
    budget = _budget(ctx, get("budget"))
    temps_value, temps_key = get("temps_agents_jours")
    temps = _number(ctx, temps_key, temps_value, "un nombre de jours")
    echelles = _scales(ctx, get("echelle")[0])

    files, file_problems = find_table_files(
        action_dir, display_root=ws.root.parent, action=action_id, workspace=ws.root
    )
    for problem in file_problems:
        ws.add(problem)

    def text(name: str) -> str:
        value = get(name)[0]
        return "" if value is None else str(value).strip()

    return Action(
        id=action_id,
        titre=text("titre") or action_id,
        type=type_id,
        statut=statut,
        date_debut=start,
        date_fin=end or start,
        lieu=text("lieu"),
        territoire_accueil=accueil,
        territoires=territoires,
        partenaires=partenaires,
        descriptif=text("descriptif"),
        objectifs=objectifs,
        budget=budget,
        temps_agents_jours=temps,
        source=text("source"),
        folder=action_dir,
        files=files,
        echelles=echelles,
    )


def _objectives(ctx: _Context, item: tuple[Any, tuple], type_id: str) -> list[Objectif]:
    raw, key = item
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        ctx.say(key, "une liste d'objectifs (- libelle: …)", raw, "liste")
        return []
    type_spec = ctx.ws.types.get(type_id)
    allowed = type_spec.indicateurs if type_spec else list(ctx.ws.indicateurs)
    by_key = {fold(i): i for i in allowed}
    out: list[Objectif] = []
    for i, obj in enumerate(raw):
        here = key + (i,)
        if not isinstance(obj, dict):
            ctx.say(here, "un objectif avec au moins « libelle »", obj, "objectif")
            continue
        fields = _canonical_keys(ctx, obj, OBJECTIVE_KEYS, here)
        libelle = fields.get("libelle", (None, None))[0]
        if not libelle:
            ctx.say(here, "un objectif avec au moins « libelle »", _short(obj), "objectif")
            continue
        indicateur = ""
        if "indicateur" in fields:
            value, written = fields["indicateur"]
            indicateur = str(value or "").strip()
            found = by_key.get(fold(indicateur))
            if indicateur and found is None:
                ctx.say(here + (written,), "un indicateur du type « " + type_id + " » : "
                        + ", ".join(allowed), indicateur, "indicateur_inconnu")  # fmt: skip
            indicateur = found or indicateur
        cible = None
        if "cible" in fields:
            value, written = fields["cible"]
            spec = ctx.ws.indicateurs.get(indicateur)
            cible = _target(ctx, here + (written,), value, spec.unite if spec else None)
        out.append(Objectif(str(libelle).strip(), indicateur, cible))
    return out


def _budget(ctx: _Context, item: tuple[Any, tuple]) -> list[LigneBudget]:
    raw, key = item
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        ctx.say(key, "une liste de lignes {poste, montant, financeur}", raw, "liste")
        return []
    out: list[LigneBudget] = []
    for i, line in enumerate(raw):
        here = key + (i,)
        if not isinstance(line, dict):
            ctx.say(here, "une ligne {poste: …, montant: nombre, financeur: …}", line, "budget")
            continue
        split = [k for k, v in line.items() if v is None and str(k).strip().isdigit()]
        if split:
            montant_text = ctx.text(here + ("montant",), line.get("montant"))
            ctx.say(here, "un montant sans virgule de milliers entre accolades : « montant: "
                    f"{montant_text},{split[0]} » est coupé à la virgule ; écrivez "
                    f"{montant_text}{split[0]} (ou mettez le montant entre guillemets)",
                    f"{montant_text},{split[0]}", "nombre_ambigu")  # fmt: skip
            continue
        fields = _canonical_keys(ctx, line, BUDGET_KEYS, here)
        if "montant" not in fields:
            ctx.say(here, "une ligne {poste: …, montant: nombre, financeur: …}", _short(line),
                    "budget")  # fmt: skip
            continue
        value, written = fields["montant"]
        montant = _number(
            ctx, here + (written,), value, "un montant (ex. 1 380 ou 450,50 €)", amount=True
        )
        if montant is None:
            continue
        if decimals_of(ctx.text(here + (written,), value)) > 2:
            ctx.say(here + (written,), "un montant avec au plus deux décimales (un point ou une "
                    "virgule de séparateur de milliers ?)", ctx.text(here + (written,), value),
                    "decimales")  # fmt: skip
            continue
        poste = fields.get("poste", (None, None))[0]
        financeur = fields.get("financeur", (None, None))[0]
        out.append(LigneBudget(str(poste or "").strip(), montant, str(financeur or "").strip()))
    return out
