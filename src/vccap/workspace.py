"""A loaded workspace: its typed objects, its problems, and access to its tables.

:func:`vccap.loading.load_workspace` builds a :class:`Workspace`; this module gives the rest
of the kit what it reads of it: actions and references, problems per action, and the
action's tables as the kit publishes them (pseudonymised, scrubbed, enriched).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from vccap import privacy
from vccap.catalogue import default_indicators, default_types
from vccap.errors import InputError, InvalidWorkspace, UnknownAction
from vccap.model import (
    Action,
    Debrief,
    Demarche,
    Indicateur,
    Structure,
    Territoire,
    TypeAction,
    parse_debrief,
)
from vccap.normalize import fold

# --------------------------------------------------------------------------- the workspace


class _ReadTable:
    """One raw table read in this process, with its personal values (computed once)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._personal: privacy.PersonalValues | None = None

    @property
    def personal(self) -> privacy.PersonalValues:
        if self._personal is None:
            values = privacy.PersonalValues.empty()
            values.update(self.raw.df)
            self._personal = values
        return self._personal


class TableCache:
    """The one cache of raw tables read in a process (bounded, oldest first out).

    Keyed by path, size, modification time, kind and the digest of the references the table
    is checked against: a warm kernel building many pages reads each file once, and a file
    changed on disk is read again. It never changes what a page shows; it lives in memory.
    """

    def __init__(self, size: int = 4000) -> None:
        self.size = size
        self.entries: dict[tuple, _ReadTable] = {}

    def read(self, path: Path, kind: str, references: dict, digest: str, **options: Any):
        from vccap.tables import read_table

        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, kind, digest)
        entry = self.entries.get(key)
        if entry is None:
            entry = _ReadTable(read_table(path, kind, references=references, **options))
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))
        return entry

    def clear(self) -> None:
        self.entries.clear()


#: The process's table cache.
TABLES = TableCache()


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
        self._read: dict[str, dict[str, _ReadTable]] = {}
        #: Actions whose table problems are already in ``problems`` (read, or scanned).
        self.checked: set[str] = set()
        self._tables: dict[str, dict[str, pd.DataFrame]] = {}

    # -- helpers ---------------------------------------------------------------------

    def display(self, path: Path) -> str:
        """A path as the person knows it: relative to the workspace's parent folder."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add_problem(self, path: Path, expected: str, **kw: Any) -> None:
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

    def _read_tables(self, action_id: str) -> dict[str, _ReadTable]:
        """Read and validate every raw table of one action (personal fields included)."""
        if action_id in self._read:
            return self._read[action_id]
        action = self.action(action_id)
        read: dict[str, _ReadTable] = {}
        options = self.read_options(action_id)
        for kind, path in sorted(action.files.items()):
            entry = TABLES.read(
                path,
                kind,
                self.references,
                self._references_digest + options.digest(),
                display=self.display(path),
                action=action_id,
                options=options,
            )
            if action_id not in self.checked:
                raw = entry.raw
                for p in [*raw.problems, *raw.warnings, *raw.notices]:
                    self.add(dataclasses.replace(p, action=action_id))
            read[kind] = entry
        self.checked.add(action_id)
        self._read[action_id] = read
        return read

    def warnings_of(self, action_id: str) -> list[InputError]:
        """The warnings of one action (action.yml, its files, its tables read if needed).

        Warnings do not make the action invalid; word them for readers with
        :func:`vccap.messages.reader_warning`.
        """
        action = self.action(action_id)
        if action.folder is not None:
            self._read_tables(action_id)
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

    def valid(self, action_id: str) -> bool:
        """True when the action's ``action.yml`` and tables have no error.

        Its tables are read (once) unless their problems are already known (a build's scan).
        """
        action = self.action(action_id)
        if action.folder is not None and action_id not in self.checked:
            self._read_tables(action_id)
        return not self.problems_of(action_id)

    def raw_tables(self, action_id: str) -> dict[str, Any]:
        """The action's raw tables (:class:`vccap.tables.RawTable`, personal fields included).

        For reading and validation only: never publish them (see :meth:`tables`).
        """
        return {kind: entry.raw for kind, entry in self._read_tables(action_id).items()}

    def load_all_tables(self) -> None:
        """Read every table of every action, collecting problems (for ``vccap validate``)."""
        for action_id, action in self.actions.items():
            if action.folder is not None:
                self._read_tables(action_id)

    @cached_property
    def personal_values(self) -> privacy.PersonalValues:
        """Personal values present anywhere in the workspace's raw tables."""
        values = privacy.PersonalValues.empty()
        for action_id, action in self.actions.items():
            if action.folder is None:
                continue
            for entry in self._read_tables(action_id).values():
                found = entry.personal
                values.emails |= found.emails
                values.phones |= found.phones
                values.full_names |= found.full_names
                values.last_names |= found.last_names
        return values

    @cached_property
    def name_pattern(self) -> re.Pattern[str] | None:
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
        raws = self.raw_tables(action_id)
        problems = self.problems_of(action_id) + self.general_problems()
        if problems:
            raise InvalidWorkspace(self.root, problems)
        out: dict[str, pd.DataFrame] = {}
        for kind, raw in raws.items():
            df = privacy.pseudonymise(raw.df, self.key)
            df = df.drop(columns=[c for c in df.columns if c == "_ligne"])
            for column in ("commentaire", "engagement"):
                if column in df.columns:
                    df[column] = privacy.scrub_series(df[column], self.name_pattern)
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
        text = privacy.scrub(text, self.name_pattern)
        return parse_debrief(text)
