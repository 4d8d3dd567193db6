"""Load a workspace folder into a :class:`~vccap.workspace.Workspace` and check references.

Loading never stops at the first problem: every problem is collected in
:attr:`Workspace.problems`, tagged with its action, so that one bad action does not stop the
others. Tables are not read here (see :meth:`Workspace.tables`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd

from vccap.actionfile import load_action
from vccap.catalogue import type_from_spec
from vccap.errors import INFORMATION, InputError, WorkspaceNotFound
from vccap.kernels import SNAPSHOT_ENV  # set by the build in the kernels of its pages
from vccap.model import (
    DEMARCHE_KEYS,
    ID_RE,
    TYPE_KEYS,
    Demarche,
    Structure,
    Territoire,
)
from vccap.paths import link_problem
from vccap.reading.files import is_junk
from vccap.workspace import Workspace, fresh_action
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
    _check_links(ws)
    _load_demarche(ws)
    _load_territoires(ws)
    _load_structures(ws)
    _load_types(ws)
    _load_correspondances(ws)
    _load_actions(ws)
    return ws


def _check_links(ws: Workspace) -> None:
    """The column mappings and the actions folder, when a link leads them out of the
    workspace, are problems (the other files are checked when they are read)."""
    for path in (ws.root / "correspondances.yml", ws.root / "actions"):
        if path.exists() or path.is_symlink():
            _outside(ws, path)


def _load_correspondances(ws: Workspace) -> None:
    from vccap.reading.correspondances import FILE_NAME, load_correspondances

    path = ws.root / FILE_NAME
    ws.correspondances, problems = load_correspondances(path, ws.display(path))
    ws.problems.extend(problems)


def _outside(ws: Workspace, path: Path, action: str | None = None) -> bool:
    """True (and a problem) when ``path`` is a link not followed: out of the workspace
    (a file or a folder, said as such) or to nothing."""
    found = link_problem(ws.root, path)
    if found is None:
        return False
    code, expected = found
    ws.add_problem(path, expected, code=code, action=action)
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
        site=str(data.get("site") or "").strip(),
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
        ws, "territoires.csv", ["id", "nom", "milieu", "departement", "article"]
    ):
        if not _new_id(ws, path, row["id"], line, ws.territoires, "pays-diois"):
            continue
        ws.territoires[row["id"]] = Territoire(
            row["id"], row["nom"] or row["id"], row["milieu"], row["departement"], row["article"]
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


def _files_key(folder: Path, recursive: bool) -> tuple:
    """What a folder's files are, as their stats tell (name, link target, size, mtime)."""
    items = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        if not recursive:
            dirs.clear()
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
                link = os.readlink(path) if os.path.islink(path) else ""
            except OSError:
                items.append((path, None))
                continue
            items.append((path, link, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
        items.append((root, tuple(dirs)))
    return tuple(items)


class ActionMemo:
    """Actions loaded in this process, by the stats of their folder's files and of the
    workspace's own files (démarche, references, types, column titles): a warm kernel
    building many pages parses each ``action.yml`` once. An entry keeps the action and the
    problems its loading recorded, replayed on the next load; a changed file is a new key.
    """

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self.entries: dict[tuple, tuple[Any, tuple[list, list, list]]] = {}

    def load(self, ws: Workspace, action_dir: Path, context: tuple):
        key = (context, _files_key(action_dir, recursive=True))
        hit = self.entries.get(key)
        if hit is None:
            marks = (len(ws.problems), len(ws.warnings), len(ws.ignored))
            action = load_action(ws, action_dir)
            added = (
                ws.problems[marks[0] :],
                ws.warnings[marks[1] :],
                ws.ignored[marks[2] :],
            )
            hit = (action and fresh_action(action), tuple(list(a) for a in added))
            self.entries[key] = hit
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))
            return action
        action, (problems, warnings, ignored) = hit
        ws.problems.extend(problems)
        ws.warnings.extend(warnings)
        ws.ignored.extend(ignored)
        return action and fresh_action(action)

    def clear(self) -> None:
        self.entries.clear()


#: The process's memo of loaded actions.
ACTIONS = ActionMemo()


class WorkspaceMemo:
    """Workspaces loaded and scrubbed in this process (:func:`scrubbed_workspace`), by the
    stats of the workspace's own files and of every action folder's files: a warm kernel
    building hundreds of pages loads, scrubs and reads the workspace once, and each page
    gets a :meth:`~vccap.workspace.Workspace.copy`. A changed, added or removed file is a
    new key. Bounded (oldest first out)."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.entries: dict[tuple, Workspace] = {}

    @staticmethod
    def key(root: Path) -> tuple:
        """What a load reads, as :func:`_files_key` tells it: the workspace's own files, the
        entries of ``actions/`` and each action folder's files (links followed). In a page
        run by a build, the build's token instead (``SNAPSHOT_ENV``): a kernel loads
        the workspace once per build, at its first page (see
        :func:`vccap.kernels.execute`)."""
        token = os.environ.get(SNAPSHOT_ENV)
        if token:
            return (str(root), SNAPSHOT_ENV, token)
        folder = root / "actions"
        parts: list[Any] = [str(root), _files_key(root, recursive=False)]
        if folder.is_dir():
            parts.append(_files_key(folder, recursive=False))
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_dir():
                    parts.append(_files_key(Path(entry.path), recursive=True))
        return tuple(parts)

    def load(self, path: str | Path) -> Workspace:
        root = Path(path)
        if not (root.is_dir() and (root / "demarche.yml").exists()):
            return load_workspace(root)  # raises WorkspaceNotFound
        root = root.resolve()
        key = self.key(root)
        ws = self.entries.get(key)
        if ws is None:
            ws = load_workspace(root)
            ws.scrub_texts()
            ws.content_digest  # noqa: B018  (every table read, every problem recorded)
            self.entries[key] = ws
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))
        return ws.copy()

    def clear(self) -> None:
        self.entries.clear()


#: The process's memo of loaded, scrubbed workspaces.
WORKSPACES = WorkspaceMemo()


def scrubbed_workspace(path: str | Path) -> Workspace:
    """The workspace at ``path``, loaded, with its free texts scrubbed and every table read
    (problems recorded): what a page starts from. Memoised by file stats in the process
    (:data:`WORKSPACES`); the result is the caller's own copy.

    Raises :class:`~vccap.errors.WorkspaceNotFound` as :func:`load_workspace` does."""
    return WORKSPACES.load(path)


def _load_actions(ws: Workspace) -> None:
    """Every folder of ``actions/`` is an action; a link to a folder inside the workspace is
    followed, a link out of it or to nothing is an error, a file there is listed as ignored."""
    folder = ws.root / "actions"
    if not folder.is_dir() or link_problem(ws.root, folder) is not None:
        return  # a link out of the workspace: said by _check_links, never followed
    context = (str(ws.root), _files_key(ws.root, recursive=False))
    for action_dir in sorted(folder.iterdir()):
        if is_junk(action_dir.name):
            continue
        # a folder that is no link, in the checked actions/ folder, stays inside the
        # workspace: only links need resolving (hundreds of actions, every page load)
        plain_folder = not action_dir.is_symlink() and action_dir.is_dir()
        if not plain_folder and _outside(ws, action_dir, action_dir.name):
            continue
        if not action_dir.is_dir():
            ws.add(InputError(ws.display(action_dir), "fichier ignoré (le dossier actions/ "
                              "contient un dossier par action)", code="fichier_ignore",
                              severity=INFORMATION))  # fmt: skip
            continue
        action = ACTIONS.load(ws, action_dir, context)
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
