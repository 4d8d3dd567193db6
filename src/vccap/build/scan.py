"""Step 1 of a build: read and validate the raw tables whose bytes changed.

Unchanged files reuse what the last build recorded (:class:`~vccap.build.state.BuildState`).
The record of a file holds no raw value: its problems are kept without the value typed
(:func:`problem_record`), and a file with such a problem is read again to show it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from vccap import privacy
from vccap.build.state import BuildState, sha256_bytes
from vccap.errors import InputError
from vccap.workspace import Workspace

Reporter = Any


@dataclass
class FileScan:
    sha: str
    problems: list[dict[str, Any]]
    rows: int
    personal: dict[str, list[str]]
    territories: list[str] = field(default_factory=list)  # territory ids the table mentions
    data: str = ""  # hash of the table as read (an Excel re-save or a blank row changes nothing)

    @property
    def content(self) -> str:
        return self.data or self.sha


def _data_digest(df) -> str:
    """Hash of a table's normalised content (the line numbers left out)."""
    table = df.drop(columns=[c for c in df.columns if c == "_ligne"])
    return sha256_bytes(table.to_csv(index=False).encode("utf-8"))


def _territories_in(df) -> list[str]:
    found: set[str] = set()
    for column in ("territoire", "territoire_vise"):
        if column in df.columns:
            found.update(str(v) for v in df[column].dropna().unique())
    return sorted(found)


def problem_record(problem: dict[str, Any]) -> dict[str, Any]:
    """A problem as the build state keeps it: the value typed (maybe personal data typed in
    the wrong column) is left out, only whether there was one is kept."""
    record = dict(problem)
    value = record.pop("value", None)
    if value not in (None, ""):
        record["valeur_omise"] = True
    return record


def _needs_reading(record: dict[str, Any]) -> bool:
    """A file whose problems lost their values in the state is read again to show them."""
    return any(p.get("valeur_omise") for p in record.get("problemes", []))


def _from_record(sha: str, record: dict[str, Any]) -> FileScan:
    return FileScan(
        sha,
        record["problemes"],
        record["lignes"],
        record["personnel"],
        record.get("territoires", []),
        record.get("donnees", ""),
    )


def scan(
    ws: Workspace, state: BuildState, reporter: Reporter = None, *, context: str = ""
) -> dict[str, FileScan]:
    """Validate the raw tables, re-reading only those whose bytes changed.

    ``context`` is the hash of what else decides a file's problems (the kit's schemas, the
    territories and structures it refers to): when it changes, every file is read again.
    Problems are added to ``ws.problems``; returns one :class:`FileScan` per raw file
    (key: path relative to the workspace). The tables read stay in the process's table
    cache (:data:`vccap.workspace.TABLES`, and the build's folder of reads when it has one):
    the pages prepared before the notebooks and the kernels reuse them.
    """
    key = ws.key
    scans: dict[str, FileScan] = {}
    seen: set[str] = set()
    for action in ws.actions.values():
        for kind, path in sorted(action.files.items()):
            rel = path.relative_to(ws.root).as_posix()
            seen.add(rel)
            stat = path.stat()
            record = state.files.get(rel)
            options = ws.read_options(action.id)
            file_context = context + options.digest()
            if record and (record.get("contexte") != file_context or _needs_reading(record)):
                record = None
            if (
                record
                and record.get("taille") == stat.st_size
                and record.get("mtime") == stat.st_mtime_ns
                and record.get("type") == kind
            ):
                scans[rel] = _from_record(record["sha"], record)
            else:
                data = path.read_bytes()
                sha = sha256_bytes(data)
                if record and record.get("sha") == sha and record.get("type") == kind:
                    scans[rel] = _from_record(sha, record)
                else:
                    entry = ws.read_file(action.id, kind, path)  # kept for the pages
                    raw = entry.raw
                    scans[rel] = FileScan(
                        sha,
                        [asdict(p) for p in raw.problems],
                        len(raw.df),
                        privacy.HashedValues.of(entry.personal, key).as_dict(),
                        _territories_in(raw.df),
                        _data_digest(raw.df),
                    )
                    if reporter:
                        reporter("scanned", {"file": rel})
            state.files[rel] = {
                "contexte": file_context,
                "taille": stat.st_size,
                "mtime": stat.st_mtime_ns,
                "type": kind,
                "sha": scans[rel].sha,
                "problemes": [problem_record(p) for p in scans[rel].problems],
                "lignes": scans[rel].rows,
                "personnel": scans[rel].personal,
                "territoires": scans[rel].territories,
                "donnees": scans[rel].data,
            }
            for problem in scans[rel].problems:
                ws.problems.append(InputError(**{**problem, "action": action.id}))
        ws.checked.add(action.id)
    for rel in list(state.files):
        if rel not in seen:
            del state.files[rel]
    return scans


def hashed_personal_values(ws: Workspace, scans: dict[str, FileScan]) -> privacy.HashedValues:
    """The keyed hashes of every file's personal values, merged (for scrubbing the text the
    build writes itself and for the audit)."""
    merged = privacy.HashedValues.empty(ws.key)
    for item in scans.values():
        merged.merge(item.personal)
    return merged
