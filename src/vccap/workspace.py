"""A loaded workspace: its typed objects, its problems, and access to its tables.

:func:`vccap.loading.load_workspace` builds a :class:`Workspace`; this module gives the rest
of the kit what it reads of it: actions and references, problems per action, and the
action's tables as the kit publishes them (pseudonymised, scrubbed, enriched).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from vccap import keys, privacy, textnorm
from vccap.catalogue import default_indicators, default_types
from vccap.errors import InputError, InvalidWorkspace, UnknownAction
from vccap.kernels import SNAPSHOT_ENV
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
from vccap.paths import readable

#: Columns of free text in the raw tables: scrubbed before any page reads them.
FREE_TEXT_COLUMNS = ("commentaire", "engagement", "titre", "poste", "financeur", "canal", "commune")


def scrub_action(action: Action, finder: privacy.Finder) -> Action:
    """A copy of ``action`` whose free text holds no personal value of the lists."""

    def clean(text: str) -> str:
        return privacy.scrub(text, finder) if text else text

    return dataclasses.replace(
        action,
        titre=clean(action.titre),
        lieu=clean(action.lieu),
        descriptif=clean(action.descriptif),
        source=clean(action.source),
        objectifs=[dataclasses.replace(o, libelle=clean(o.libelle)) for o in action.objectifs],
        budget=[
            dataclasses.replace(b, poste=clean(b.poste), financeur=clean(b.financeur))
            for b in action.budget
        ],
    )


def fresh_action(action: Action) -> Action:
    """A copy of ``action`` that shares no list or dict with it (its objectives and budget
    lines are frozen): what a process memo hands out."""
    return dataclasses.replace(
        action,
        territoires=list(action.territoires),
        partenaires=list(action.partenaires),
        objectifs=list(action.objectifs),
        budget=list(action.budget),
        files=dict(action.files),
        echelles=dict(action.echelles),
    )


class CopyingTables(dict):
    """An action's tables, shared by a process memo: each frame is copied when read, so
    that a page changing its copy never changes another page's."""

    def __getitem__(self, key: str) -> pd.DataFrame:
        return super().__getitem__(key).copy()

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def values(self):  # type: ignore[override]
        return [self[k] for k in self]

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self]

    def __iter__(self):
        return iter(list(super().keys()))


# --------------------------------------------------------------------------- the workspace


class _ReadTable:
    """One raw table read in this process, with its personal values (computed once)."""

    def __init__(self, raw: Any, key: tuple = ()) -> None:
        self.raw = raw
        self.key = key  # its TableCache key: what it was read from, by stats and references
        self._personal: privacy.PersonalValues | None = None
        self._repeated: dict[tuple, list[InputError]] = {}

    def budget_repeated(self, budget: list[Any], action_id: str) -> list[InputError]:
        """The warnings of :func:`vccap.reading.crosscheck.budget_repeated` for this
        ``couts`` table and ``budget``, computed once per process for the same budget."""
        from vccap.reading.crosscheck import budget_repeated

        memo = (repr(budget), action_id)
        if memo not in self._repeated:
            self._repeated[memo] = budget_repeated(budget, self.raw, action_id)
        return list(self._repeated[memo])

    @property
    def personal(self) -> privacy.PersonalValues:
        if self._personal is None:
            values = privacy.PersonalValues.empty()
            values.update(self.raw.df)
            self._personal = values
        return self._personal


class TableCache:
    """The one cache of raw tables read in a process (bounded, oldest first out).

    Keyed by path, size, modification and change times (a copy keeping the old modification
    time still has a new change time), inode, kind and the digest of the references the table
    is checked against: a warm kernel building many pages reads each file once, and a file
    changed on disk is read again. It never changes what a page shows; it lives in memory.

    During a build, the processes of the build share what they read through the build's
    folder of reads (:meth:`folder`): the first process to read a table writes it there
    (pickled, under its key's hash) and the others load it instead of reading the file again
    (0.3 ms instead of about 10 ms per table). The folder lives in the workspace's build
    state, is only readable by its owner and is removed when the build ends
    (:func:`vccap.build.state.shared_reads`). What is loaded from it is trusted as the
    workspace's own files are: whoever can write there can also change the raw files and the
    workspace's notebooks.
    """

    def __init__(self, size: int = 4000) -> None:
        self.size = size
        self.entries: dict[tuple, _ReadTable] = {}
        #: the build's folder of reads, set by the build in its own process (and inherited
        #: by its forked workers); None elsewhere (see :meth:`folder`)
        self.store: Path | None = None

    def folder(self) -> Path | None:
        """The build's folder of reads this process shares: :attr:`store`, or in a kernel
        running a build's page, the build's token (:data:`vccap.kernels.SNAPSHOT_ENV`) when it
        is the path of an existing folder. None outside a build."""
        if self.store is not None:
            return self.store
        token = os.environ.get(SNAPSHOT_ENV, "")
        if token and os.path.isabs(token) and os.path.isdir(token):
            return Path(token)
        return None

    def read(self, path: Path, kind: str, references: dict, digest: str, **options: Any):
        from vccap.tables import read_table

        stat = path.stat()
        stats = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        key = (str(path), *stats, kind, digest)
        entry = self.entries.get(key)
        if entry is None:
            folder = self.folder()
            name = hashlib.sha256(repr(key).encode()).hexdigest() + ".pickle"
            entry = _load_read(folder / name, key) if folder is not None else None
            if entry is None:
                entry = _ReadTable(read_table(path, kind, references=references, **options), key)
                if folder is not None:
                    _store_read(folder / name, entry)
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))
        return entry

    def clear(self) -> None:
        self.entries.clear()


def _load_read(path: Path, key: tuple) -> _ReadTable | None:
    """A table another process of the build has read (None when absent or unreadable)."""
    try:
        with open(path, "rb") as handle:
            stored_key, raw, personal = pickle.load(handle)
    except Exception:  # noqa: BLE001 - absent, partly written or foreign: read the file
        return None
    if stored_key != key:
        return None
    entry = _ReadTable(raw, key)
    entry._personal = personal
    return entry


def _store_read(path: Path, entry: _ReadTable) -> None:
    """Write a table as read for the build's other processes (written aside, then renamed:
    a reader never sees half a file). A folder that vanished only costs them a read."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            pickle.dump((entry.key, entry.raw, entry.personal), handle, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


#: The process's table cache.
TABLES = TableCache()


class DerivedMemo:
    """What a warm kernel derives from the raw tables for every page, computed once per
    process: the workspace's scrubber, the scrubbed actions, the pseudonymised tables.

    Keys are content keys: the :class:`TableCache` keys of the tables read (path, size,
    modification time, references), the key's hash, the threshold, the structures, the
    action as loaded. A changed file or key is a new entry; a page never sees another
    input's values. Entries are bounded (oldest first out); frames are handed out as copies.
    """

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self.entries: dict[tuple, Any] = {}

    def get(self, key: tuple, compute) -> Any:
        if key not in self.entries:
            self.entries[key] = compute()
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))
        return self.entries[key]

    def clear(self) -> None:
        self.entries.clear()


#: The process's memo of derived values.
DERIVED = DerivedMemo()


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
        self._texts_scrubbed = False

    def copy(self) -> Workspace:
        """A copy to hand to one page: its actions, problem lists, read-table and table
        dicts, démarche and references are its own; the values computed from content (read
        tables, scrubber, digests) are shared, as the process memos share them."""
        import copy as _copy

        new = object.__new__(Workspace)
        new.__dict__.update(self.__dict__)
        new.demarche = _copy.deepcopy(self.demarche)
        new.territoires = dict(self.territoires)
        new.structures = dict(self.structures)
        new.types = {k: _copy.copy(v) for k, v in self.types.items()}
        new.indicateurs = dict(self.indicateurs)
        new.actions = {k: fresh_action(a) for k, a in self.actions.items()}
        new.problems, new.warnings = list(self.problems), list(self.warnings)
        new.ignored = list(self.ignored)
        new.correspondances = {k: dict(v) for k, v in self.correspondances.items()}
        new._read = dict(self._read)
        new.checked = set(self.checked)
        new._tables = dict(self._tables)
        return new

    def forget_tables(self) -> None:
        """Let go of the tables read and everything computed from them, here and in the
        process's memos (:data:`TABLES`, :data:`DERIVED`): what is asked again is read
        again (from the build's folder of reads, when there is one). The problems found
        stay known. For a build about to hand its pages to other processes."""
        self._read.clear()
        self._tables.clear()
        for name in ("personal_values", "scrubber", "_scrubber_key", "content_digest"):
            self.__dict__.pop(name, None)
        TABLES.clear()
        DERIVED.clear()

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
        for kind, path in sorted(action.files.items()):
            entry = self.read_file(action_id, kind, path)
            if action_id not in self.checked:
                raw = entry.raw
                for p in [*raw.problems, *raw.warnings, *raw.notices]:
                    self.add(dataclasses.replace(p, action=action_id))
            read[kind] = entry
        if action_id not in self.checked and "couts" in read:
            for warning in read["couts"].budget_repeated(action.budget, action_id):
                self.add(warning)
        self.checked.add(action_id)
        self._read[action_id] = read
        return read

    def read_file(self, action_id: str, kind: str, path: Path) -> _ReadTable:
        """One raw table of an action, read and checked once per process (:data:`TABLES`):
        its :class:`~vccap.tables.RawTable` is ``.raw``, its personal values ``.personal``.
        Its problems are not recorded here (see :meth:`valid`)."""
        options = self.read_options(action_id)
        return TABLES.read(
            path,
            kind,
            self.references,
            self._references_digest + options.digest(),
            display=self.display(path),
            action=action_id,
            options=options,
        )

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
                values.merge(entry.personal)
        return values

    @cached_property
    def scrubber(self) -> privacy.Finder:
        """What finds the personal values of the raw lists in free text (see
        :mod:`vccap.personal`): used to scrub every free text that reaches a page.
        Computed once per process for the same tables, key and threshold (:data:`DERIVED`)."""

        def compute() -> privacy.Finder:
            hashed = privacy.HashedValues.of(self.personal_values, self.key)
            return privacy.Finder(hashed, self.seuil, self.place_words)

        return DERIVED.get(self._scrubber_key, compute)

    @cached_property
    def _scrubber_key(self) -> str:
        """Digest of what the scrubber and the tables depend on: the tables read (by their
        cache keys), the key, the threshold, the workspace's own names."""
        tables = [
            entry.key
            for action_id, action in self.actions.items()
            if action.folder is not None
            for _kind, entry in sorted(self._read_tables(action_id).items())
        ]
        key = hashlib.sha256(self.key).hexdigest()
        parts = (key, self.seuil, sorted(self.place_words), tables)
        return "scrubber:" + hashlib.sha256(repr(parts).encode()).hexdigest()

    @cached_property
    def content_digest(self) -> str:
        """Digest of everything a page can read of this workspace: the tables (through
        :attr:`_scrubber_key`), the actions as loaded (and scrubbed), the references, the
        types, the threshold and the problems. Keys the values computed across actions
        (network, journeys) once per process (:meth:`derived`)."""
        parts = (
            self._scrubber_key,
            self.seuil,
            list(self.actions.values()),
            list(self.territoires.values()),
            list(self.structures.values()),
            list(self.types.values()),
            [(p.action, p.code, p.is_error) for p in self.problems],
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def derived(self, name: str, args: tuple, compute) -> Any:
        """``compute()``, once per process for this workspace's content and ``args``
        (``name`` says what it is). The value is shared: callers copy what they change."""
        return DERIVED.get((name, self.content_digest, args), compute)

    @cached_property
    def place_words(self) -> frozenset[str]:
        """The folded words of the workspace's own names (territories, structures, region,
        démarche): a person's name that is one of them is scrubbed only in context."""
        names = [t.nom for t in self.territoires.values()]
        names += [s.nom for s in self.structures.values()]
        names += [self.demarche.nom, self.demarche.region, self.demarche.chef_de_file]
        words: set[str] = set()
        for name in names:
            words.update(textnorm.words(name or ""))
        return frozenset(words)

    @property
    def name_pattern(self) -> privacy.Finder:
        """Former name of :attr:`scrubber`."""
        return self.scrubber

    def scrub_texts(self, finder: privacy.Finder | None = None) -> None:
        """Scrub the free text of every action (title, place, description, objectives,
        budget lines, source) and of the démarche (description, principles, source) with
        ``finder`` (default: :attr:`scrubber`). Done once per workspace, before any page or
        the site index is written."""
        if self._texts_scrubbed:
            return
        own = finder is None
        finder = finder or self.scrubber
        for action_id, action in list(self.actions.items()):
            if own:  # the same action scrubbed by the same scrubber: once per process
                key = ("action", self._scrubber_key, repr(action))
                scrubbed = DERIVED.get(key, lambda a=action: scrub_action(a, finder))
                self.actions[action_id] = fresh_action(scrubbed)
            else:
                self.actions[action_id] = scrub_action(action, finder)
        demarche = self.demarche
        demarche.description = privacy.scrub(demarche.description, finder)
        demarche.source = privacy.scrub(demarche.source, finder)
        demarche.principes = {k: privacy.scrub(v, finder) for k, v in demarche.principes.items()}
        self._texts_scrubbed = True
        self.__dict__.pop("content_digest", None)

    @cached_property
    def key(self) -> bytes:
        """The pseudonymisation key (an error if it vanished after a build)."""
        return keys.workspace_key(self.root)

    def tables(self, action_id: str) -> dict[str, pd.DataFrame]:
        """The action's tables as the rest of the kit sees them.

        Personal fields are replaced by a keyed pseudonym, free text is scrubbed, and
        participants / contacts are enriched with the structure's milieu and category.
        Raises :class:`InvalidWorkspace` when the action (or the workspace) has problems.
        """
        if action_id in self._tables:
            return self._tables[action_id]
        read = self._read_tables(action_id)
        problems = self.problems_of(action_id) + self.general_problems()
        if problems:
            raise InvalidWorkspace(self.root, problems)
        structures = tuple((s.id, s.milieu, s.categorie) for s in self.structures.values())
        key = ("tables", self._scrubber_key, structures, tuple(e.key for e in read.values()))
        made = DERIVED.get(key, lambda: self._make_tables(read))
        out = CopyingTables(made)
        self._tables[action_id] = out
        return out

    def _make_tables(self, read: dict[str, _ReadTable]) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for kind, entry in read.items():
            df = privacy.pseudonymise(entry.raw.df, self.key)
            df = df.drop(columns=[c for c in df.columns if c == "_ligne"])
            for column in FREE_TEXT_COLUMNS:
                if column in df.columns:
                    df[column] = privacy.scrub_series(df[column], self.scrubber)
            if "structure" in df.columns:
                df = self._enrich_structures(df)
            out[kind] = df
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
        if path is None or not readable(self.root, path):
            return None
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        text = privacy.scrub(text, self.scrubber)
        return parse_debrief(text)
