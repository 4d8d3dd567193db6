"""Load a workspace folder into typed objects and check its references.

A workspace holds ``demarche.yml``, ``territoires.csv``, ``structures.csv``, an optional
``types_action.yml`` and one folder per action under ``actions/``. Loading never stops at
the first problem: every problem is collected in :attr:`Workspace.problems`, tagged with
its action, so that one bad action does not stop the others.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from vccap import privacy
from vccap.actionfile import ACTION_KEYS as ACTION_KEYS
from vccap.actionfile import DEBRIEF_FILE as DEBRIEF_FILE
from vccap.actionfile import SLUG_RE as SLUG_RE
from vccap.actionfile import STATUTS as STATUTS
from vccap.actionfile import Action as Action
from vccap.actionfile import LigneBudget as LigneBudget
from vccap.actionfile import Objectif as Objectif
from vccap.actionfile import load_action
from vccap.errors import InputError, InvalidWorkspace, UnknownAction, WorkspaceNotFound
from vccap.normalize import fold
from vccap.yamlio import Lines, read_yaml

ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MILIEUX_TERRITOIRE = ("rural", "periurbain", "urbain")
MILIEUX_STRUCTURE = ("rural", "urbain")
DEBRIEF_HEADINGS = (
    "Ce qui a fonctionné",
    "Difficultés",
    "À faire évoluer",
    "Conseils pour transférer",
)

DEMARCHE_KEYS = {
    "nom",
    "region",
    "chef_de_file",
    "annees",
    "seuil_confidentialite",
    "description",
    "principes",
    "source",
    "site",
}
TYPE_KEYS = {
    "libelle",
    "description",
    "tables",
    "indicateurs",
    "indicateurs_cles",
    "retroplanning",
    "resume",
    "conditions_transfert",
    "outils",
}


# --------------------------------------------------------------------------- typed objects


@dataclass(frozen=True)
class Territoire:
    id: str
    nom: str
    milieu: str
    departement: str = ""


@dataclass(frozen=True)
class Structure:
    id: str
    nom: str
    categorie: str
    milieu: str
    territoire: str | None = None


@dataclass(frozen=True)
class Indicateur:
    id: str
    libelle: str
    unite: str
    calcul: dict[str, Any]
    sens: str = "hausse"


@dataclass
class TypeAction:
    id: str
    libelle: str
    description: str = ""
    tables: list[str] = field(default_factory=list)
    indicateurs: list[str] = field(default_factory=list)
    indicateurs_cles: list[str] = field(default_factory=list)
    retroplanning: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Demarche:
    nom: str
    region: str = ""
    chef_de_file: str = ""
    annees: list[int] = field(default_factory=list)
    seuil_confidentialite: int = 3
    description: str = ""
    principes: dict[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass
class Debrief:
    """The team's debrief (``retour_experience.md``) split by level-2 headings."""

    intro: str
    sections: dict[str, str]
    quotes: list[str]

    def section(self, heading: str) -> str:
        wanted = fold(heading)
        for title, text in self.sections.items():
            if fold(title) == wanted:
                return text
        return ""


# --------------------------------------------------------------------------- catalogue


@functools.cache
def _package_yaml_cached(name: str) -> dict[str, Any]:
    text = resources.files("vccap").joinpath("catalogue", name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader) or {}  # noqa: S506 - a safe loader


def _package_yaml(name: str) -> dict[str, Any]:
    """A catalogue file shipped with the kit (parsed once per process; a fresh copy each time)."""
    return copy.deepcopy(_package_yaml_cached(name))


def default_indicators() -> dict[str, Indicateur]:
    data = _package_yaml("indicateurs.yml")
    return {
        key: Indicateur(
            id=key,
            libelle=spec["libelle"],
            unite=spec.get("unite", ""),
            calcul=spec["calcul"],
            sens=spec.get("sens", "hausse"),
        )
        for key, spec in data.items()
    }


def _type_from_spec(key: str, spec: dict[str, Any]) -> TypeAction:
    known = {k: spec[k] for k in spec if k in TYPE_KEYS}
    return TypeAction(
        id=key,
        libelle=str(known.get("libelle", key)),
        description=str(known.get("description", "") or ""),
        tables=list(known.get("tables", []) or []),
        indicateurs=list(known.get("indicateurs", []) or []),
        indicateurs_cles=list(known.get("indicateurs_cles", []) or []),
        retroplanning=list(known.get("retroplanning", []) or []),
        extra={k: v for k, v in known.items() if k in {"resume", "conditions_transfert", "outils"}},
    )


def default_types() -> dict[str, TypeAction]:
    return {
        key: _type_from_spec(key, spec) for key, spec in _package_yaml("types_action.yml").items()
    }


# --------------------------------------------------------------------------- the workspace

#: Raw tables already read in this process, keyed by path, size, modification time, kind and
#: references: a warm kernel building many pages reads each file once. Content-keyed, so it
#: never changes what a report shows; it lives in memory only.
_RAW_MEMO: dict[tuple, Any] = {}
_RAW_MEMO_SIZE = 4000
#: Personal values of each memoised raw table (same lifetime as the table).
_PERSONAL_MEMO: dict[int, tuple[Any, privacy.PersonalValues]] = {}


class Workspace:
    """A loaded workspace. Build with :func:`load_workspace`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.demarche = Demarche(nom=root.name)
        self.territoires: dict[str, Territoire] = {}
        self.structures: dict[str, Structure] = {}
        self.types: dict[str, TypeAction] = default_types()
        self.indicateurs: dict[str, Indicateur] = default_indicators()
        self.actions: dict[str, Action] = {}
        self.problems: list[InputError] = []
        self.warnings: list[InputError] = []
        self.ignored: list[InputError] = []
        self.correspondances: dict[str, dict[str, str]] = {}
        self._raw: dict[str, dict[str, Any]] = {}
        self._tables: dict[str, dict[str, pd.DataFrame]] = {}
        self._tables_loaded: set[str] = set()

    # -- helpers ---------------------------------------------------------------------

    def display(self, path: Path) -> str:
        """A path as the person knows it: relative to the workspace's parent folder."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def _problem(self, path: Path, expected: str, **kw: Any) -> None:
        self.problems.append(InputError(self.display(path), expected, **kw))

    @property
    def seuil(self) -> int:
        return self.demarche.seuil_confidentialite

    def action(self, action_id: str) -> Action:
        try:
            return self.actions[action_id]
        except KeyError:
            raise UnknownAction(action_id, sorted(self.actions)) from None

    def problems_of(self, action_id: str | None) -> list[InputError]:
        return [p for p in self.problems if p.action == action_id]

    def warnings_of(self, action_id: str) -> list[InputError]:
        """The warnings of one action (action.yml, its files, its tables read if needed).

        Warnings do not make the action invalid; word them for readers with
        :func:`vccap.messages.reader_warning`.
        """
        action = self.action(action_id)
        if action.folder is not None:
            self._read_raw(action_id)
        return [w for w in self.warnings if w.action == action_id]

    def add(self, problem: InputError) -> None:
        """Record a problem, a warning or an information, by its severity."""
        if problem.is_error:
            self.problems.append(problem)
        elif problem.severity == "avertissement":
            self.warnings.append(problem)
        else:
            self.ignored.append(problem)

    def read_options(self, action_id: str):
        """What the workspace tells the reader about one action's tables (ReadOptions)."""
        from vccap.reading import ReadOptions

        action = self.action(action_id)
        period = None
        if action.date_debut is not None:
            period = (action.date_debut, action.date_fin or action.date_debut)
        return ReadOptions(headers=self.correspondances, scales=action.echelles, period=period)

    def general_problems(self) -> list[InputError]:
        return [p for p in self.problems if p.action is None]

    def actions_by_status(self, statut: str) -> list[Action]:
        return [a for a in self.actions.values() if a.statut == statut]

    @property
    def annees(self) -> list[int]:
        years = set(self.demarche.annees)
        years.update(a.annee for a in self.actions.values() if a.annee)
        return sorted(years)

    # -- references for table reading ---------------------------------------------------

    @cached_property
    def _references_digest(self) -> str:
        payload = repr(sorted((k, sorted(v.items())) for k, v in self.references.items()))
        return hashlib.sha256(payload.encode()).hexdigest()

    @cached_property
    def references(self) -> dict[str, dict[str, str]]:
        terr: dict[str, str] = {}
        for t in self.territoires.values():
            terr[fold(t.id)] = t.id
            terr[fold(t.nom)] = t.id
        struct: dict[str, str] = {}
        for s in self.structures.values():
            struct[fold(s.id)] = s.id
            struct[fold(s.nom)] = s.id
        return {"territoires": terr, "structures": struct}

    # -- tables ---------------------------------------------------------------------------

    def _read_raw(self, action_id: str) -> dict[str, Any]:
        """Read and validate every raw table of one action (personal fields included)."""
        if action_id in self._raw:
            return self._raw[action_id]
        from vccap.tables import read_table

        action = self.action(action_id)
        options = self.read_options(action_id)
        raws: dict[str, Any] = {}
        for kind, path in sorted(action.files.items()):
            stat = path.stat()
            memo_key = (str(path), stat.st_size, stat.st_mtime_ns, kind, self._references_digest,
                        options.digest())  # fmt: skip
            raw = _RAW_MEMO.get(memo_key)
            if raw is None:
                raw = read_table(
                    path,
                    kind,
                    display=self.display(path),
                    references=self.references,
                    action=action_id,
                    options=options,
                )
                _RAW_MEMO[memo_key] = raw
                while len(_RAW_MEMO) > _RAW_MEMO_SIZE:
                    evicted = _RAW_MEMO.pop(next(iter(_RAW_MEMO)))
                    _PERSONAL_MEMO.pop(id(evicted), None)
            for p in [*raw.problems, *raw.warnings, *raw.notices]:
                self.add(dataclasses.replace(p, action=action_id))
            raws[kind] = raw
        self._raw[action_id] = raws
        self._tables_loaded.add(action_id)
        return raws

    def load_all_tables(self) -> None:
        """Read every table of every action, collecting problems (for ``vccap validate``)."""
        for action_id, action in self.actions.items():
            if action.folder is not None:
                self._read_raw(action_id)

    @cached_property
    def personal_values(self) -> privacy.PersonalValues:
        """Personal values present anywhere in the workspace's raw tables."""
        values = privacy.PersonalValues.empty()
        for action_id, action in self.actions.items():
            if action.folder is None:
                continue
            for raw in self._read_raw(action_id).values():
                found = _PERSONAL_MEMO.get(id(raw))
                if found is None or found[0] is not raw:
                    table_values = privacy.PersonalValues.empty()
                    table_values.update(raw.df)
                    found = _PERSONAL_MEMO[id(raw)] = (raw, table_values)
                values.emails |= found[1].emails
                values.phones |= found[1].phones
                values.full_names |= found[1].full_names
                values.last_names |= found[1].last_names
        return values

    @cached_property
    def _name_pattern(self) -> re.Pattern[str] | None:
        return self.personal_values.name_pattern()

    @cached_property
    def key(self) -> bytes:
        return privacy.secret_key(self.root)

    def tables(self, action_id: str) -> dict[str, pd.DataFrame]:
        """The action's tables as the rest of the kit sees them.

        Personal fields are replaced by a keyed pseudonym, free text is scrubbed, and
        participants / contacts are enriched with the structure's milieu and category.
        Raises :class:`InvalidWorkspace` when the action (or the workspace) has problems.
        """
        if action_id in self._tables:
            return self._tables[action_id]
        raws = self._read_raw(action_id)
        problems = self.problems_of(action_id) + self.general_problems()
        if problems:
            raise InvalidWorkspace(self.root, problems)
        out: dict[str, pd.DataFrame] = {}
        for kind, raw in raws.items():
            df = privacy.pseudonymise(raw.df, self.key)
            df = df.drop(columns=[c for c in df.columns if c == "_ligne"])
            for column in ("commentaire", "engagement"):
                if column in df.columns:
                    df[column] = privacy.scrub_series(df[column], self._name_pattern)
            if "structure" in df.columns:
                df = self._enrich_structures(df)
            out[kind] = df
        self._tables[action_id] = out
        return out

    def _enrich_structures(self, df: pd.DataFrame) -> pd.DataFrame:
        milieu = {s.id: s.milieu for s in self.structures.values()}
        categorie = {s.id: s.categorie for s in self.structures.values()}
        df = df.copy()
        df["milieu_structure"] = df["structure"].map(milieu).astype("string")
        df["categorie_structure"] = df["structure"].map(categorie).astype("string")
        return df

    def debrief(self, action_id: str) -> Debrief | None:
        """The scrubbed debrief of an action, or None when there is none."""
        action = self.action(action_id)
        path = action.debrief_path
        if path is None:
            return None
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        text = privacy.scrub(text, self._name_pattern)
        return parse_debrief(text)


def parse_debrief(text: str) -> Debrief:
    """Split a debrief into intro, level-2 sections and quotes (``>`` lines)."""
    intro: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = intro
    for line in text.splitlines():
        match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if match:
            current = sections.setdefault(match.group(1).strip(), [])
            continue
        if re.match(r"^#\s+", line) and current is intro:
            continue  # the document's own title
        current.append(line)
    quotes: list[str] = []
    buffer: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith(">"):
            buffer.append(line.lstrip(">").strip())
        elif buffer:
            quote = " ".join(b for b in buffer if b).strip().strip('«»"“” ')
            if quote:
                quotes.append(quote)
            buffer = []
    return Debrief(
        intro=_without_prompts("\n".join(intro)),
        sections={k: _without_prompts("\n".join(v)) for k, v in sections.items()},
        quotes=quotes,
    )


PROMPT_RE = re.compile(r"^\s*[*_]À compléter\b.*[*_]\s*$", re.MULTILINE)


def _without_prompts(text: str) -> str:
    """Drop the italic « À compléter … » prompts of a new debrief skeleton."""
    return PROMPT_RE.sub("", text).strip()


# --------------------------------------------------------------------------- loading


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
    _check_links(ws)
    _load_demarche(ws)
    _load_territoires(ws)
    _load_structures(ws)
    _load_types(ws)
    _load_correspondances(ws)
    _load_actions(ws)
    return ws


def _check_links(ws: Workspace) -> None:
    """Files of the workspace that a symbolic link leads outside it are problems."""
    from vccap.reading.files import inside

    names = ("demarche.yml", "territoires.csv", "structures.csv", "types_action.yml")
    for path in [ws.root / n for n in names] + [
        ws.root / "correspondances.yml",
        ws.root / "actions",
    ]:
        if path.is_symlink() and not inside(path, ws.root):
            ws._problem(path, "un fichier de l'espace de travail (ce lien symbolique mène hors "
                        "de l'espace et n'est pas suivi)", code="lien_symbolique")  # fmt: skip


def _load_correspondances(ws: Workspace) -> None:
    from vccap.reading.correspondances import FILE_NAME, load_correspondances

    path = ws.root / FILE_NAME
    ws.correspondances, problems = load_correspondances(path, ws.display(path))
    ws.problems.extend(problems)


def _safe_yaml(ws: Workspace, path: Path, action: str | None = None) -> tuple[Any, Lines] | None:
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
            ws._problem(
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
        ws._problem(path, "un dictionnaire YAML (clé: valeur)", line=1, code="yaml_invalide")
        return
    _unknown_keys(ws, path, data, DEMARCHE_KEYS, lines)
    if not data.get("nom"):
        ws._problem(path, "une clé « nom » renseignée", line=1, column="nom", code="obligatoire")
    seuil = data.get("seuil_confidentialite", 3)
    if not isinstance(seuil, int) or isinstance(seuil, bool) or seuil < 1:
        ws._problem(
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
        ws._problem(
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
        ws._problem(
            path, f"un fichier {name} (colonnes : {', '.join(columns)})", code="fichier_absent"
        )
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
        ws._problem(
            path,
            f"un identifiant en minuscules, chiffres et tirets (ex. {example})",
            line=line,
            column="id",
            value=ident,
            code="identifiant",
        )
        return False
    if ident in known:
        ws._problem(
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
            ws._problem(
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
        ws._problem(
            path,
            "un dictionnaire de types d'action (identifiant: description)",
            line=1,
            code="yaml_invalide",
        )
        return
    for key, spec in data.items():
        if not isinstance(spec, dict) or not ID_RE.match(str(key)):
            ws._problem(
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
        new = _type_from_spec(key, merged)
        for i, ind in enumerate(new.indicateurs + new.indicateurs_cles):
            if ind not in ws.indicateurs:
                ws._problem(
                    path,
                    "un indicateur du catalogue : " + ", ".join(sorted(ws.indicateurs)),
                    line=lines.get((key, "indicateurs", i)) or lines.get((key,)),
                    column="indicateurs",
                    value=str(ind),
                    code="indicateur_inconnu",
                )
        ws.types[key] = new


def _load_actions(ws: Workspace) -> None:
    folder = ws.root / "actions"
    if not folder.is_dir():
        return
    for action_dir in sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
    ):
        action = load_action(ws, action_dir)
        if action is None:
            continue
        if action.id in ws.actions:
            ws._problem(
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
