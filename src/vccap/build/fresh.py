"""Step 0 of a build: has anything changed since the last one? Told by file stats.

A build that published every page it planned (no failed page, no invalid action, no missing
document) and audited the site records a stamp beside its state (``empreinte.json`` in
:func:`~vccap.build.state.state_dir`): the stats of every file of the workspace (path, type,
size, mtime and ctime in nanoseconds, inode) taken *before* the build read any of them, the
stats of every file of the published folder taken once it was swapped in, the stats of the
build state, the fingerprint of the kit (:func:`kit_fingerprint`), the build's options, and
what the build reported (its pages, the workspace's own notebooks and fragments, the
disclosure control's figures).

The next build compares (:func:`check`): when every stat, the kit and the options are the
same, nothing a build reads or writes has changed, and the site is left as it is without
loading the workspace (nor importing pandas, scipy or nbconvert). Any difference, however
harmless (a new mtime, an Excel re-save, a published page deleted), goes the usual way, which
compares the tables' content and rebuilds only what changed; that build records a new stamp.

A file changed twice within one tick of the file system's clock could keep its stats: files
changed less than :data:`RECENT_NS` before a snapshot are also known by the hash of their
content (``recents``), checked each time until a check finds them settled (git's rule for
"racily clean" index entries).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import vccap
from vccap import overrides
from vccap.build.state import PACKAGE_DIR, SITES_DIR, STATE_DIR, BuildState, state_dir
from vccap.keys import KEY_FILE
from vccap.site.atomic import write_text_atomic

STAMP_FILE = "empreinte.json"
VERSION = 1
#: Files changed less than this before a snapshot are also known by their content.
RECENT_NS = 2_000_000_000
#: Packages whose code or data a build uses even when no page is rebuilt (front page, assets,
#: open data): a change of their installation (a new version) goes the usual way.
DEPENDENCIES = ("jinja2", "markupsafe", "plotly", "pandas", "numpy", "yaml", "scipy")
#: What a build writes itself in the workspace: taken again after the build (the key made by
#: a first build, the masks of the disclosure control).
OWNED = (KEY_FILE, STATE_DIR)


@dataclass
class Snapshot:
    """The stats of every entry under a folder: ``entries`` maps a path relative to it
    (``"actions/x/couts.csv"``, ``"actions/"`` for a folder) to its type and stats;
    ``recent`` maps the files changed less than :data:`RECENT_NS` before the snapshot to the
    SHA-256 of their content (empty strings when not hashed)."""

    entries: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    recent: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """SHA-256 of the sorted entries (hex)."""
        digest = hashlib.sha256()
        for rel in sorted(self.entries):
            digest.update(f"{rel}\0{self.entries[rel]}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


@dataclass
class Stamp:
    """What the last complete build reported: its pages (ids), the workspace's own notebooks
    and fragments (the payload of the ``overrides`` progress event, empty when none) and the
    figures of the disclosure control."""

    pages: list[str]
    overrides: dict[str, Any]
    disclosure: dict[str, Any]


def stamp_path(workspace: Path, out: Path) -> Path:
    return state_dir(workspace, out) / STAMP_FILE


def forget(workspace: Path, out: Path) -> None:
    """Drop the stamp: a build is under way, the next one must look again."""
    stamp_path(workspace, out).unlink(missing_ok=True)


def kit_fingerprint() -> str:
    """Hash of the kit (every file of the package, its notebook templates, its version), of
    the Python version and of the installation of :data:`DEPENDENCIES` (the mtime of the
    folders they are installed in, the stats of the plotly.min.js the site ships)."""
    digest = hashlib.sha256(f"{vccap.__version__}\0{sys.version}\0".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for path in overrides.kit_notebooks():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    folders: set[Path] = set()
    for name in DEPENDENCIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin is None:
            digest.update(f"{name}: absent\n".encode())
            continue
        folders.add(origin.parent.parent)
        if name == "plotly":
            shipped = origin.parent / "package_data" / "plotly.min.js"
            digest.update(f"plotly.min.js {_stats(shipped)}\n".encode())
    for folder in sorted(folders):
        digest.update(f"{folder} {_stats(folder)}\n".encode())
    return digest.hexdigest()


def _stats(path: Path) -> tuple[int, ...]:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def snapshot(
    root: Path,
    skip: frozenset[str] = frozenset(),
    *,
    ctime: bool = True,
    hash_recent: bool = True,
    only: tuple[str, ...] | None = None,
) -> Snapshot:
    """The stats of everything under ``root`` (symbolic links followed to folders once,
    recorded with their target). ``skip``: relative paths left out (with what is under
    them); ``only``: top-level names to look at (all when None); ``ctime``: record the
    ctime too (not for the published folder: hard links made by each build change it).
    ``hash_recent``: hash the content of recent files (else their hash is ``""``)."""
    now = time.time_ns()
    snap = Snapshot()
    seen: set[tuple[int, int]] = set()
    stack = [("", Path(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:
                snap.entries[prefix] = ("boucle",)
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as found:
                items = list(found)
        except OSError as exc:
            snap.entries[prefix] = ("illisible", exc.errno)
            continue
        for item in items:
            rel = prefix + item.name
            if rel in skip or (only is not None and not prefix and item.name not in only):
                continue
            try:
                st = item.stat(follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode):
                    snap.entries[rel + "@"] = ("lien", os.readlink(item.path))
                    st = os.stat(item.path)
            except OSError as exc:
                snap.entries[rel] = ("illisible", exc.errno)
                continue
            if stat.S_ISDIR(st.st_mode):
                snap.entries[rel + "/"] = ("dossier",)
                stack.append((rel + "/", Path(item.path)))
                continue
            changed = max(st.st_mtime_ns, st.st_ctime_ns) if ctime else st.st_mtime_ns
            fields = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino)
            snap.entries[rel] = fields + ((st.st_ctime_ns,) if ctime else ())
            if changed >= now - RECENT_NS:
                snap.recent[rel] = _content(Path(item.path)) if hash_recent else ""
    return snap


def _content(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), ``""`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def workspace_skip(workspace: Path, out: Path) -> frozenset[str]:
    """What a workspace snapshot leaves out: the build states (``.vccap/sites``, written by
    the builds themselves), ``.git``, and the published folder with its staging folders when
    they sit inside the workspace (the site has its own snapshot)."""
    skip = {f"{STATE_DIR}/{SITES_DIR}", ".git"}
    root = Path(workspace).resolve()
    for name in (out.name, f".{out.name}.vccap-en-cours", f".{out.name}.vccap-ancien"):
        try:
            skip.add((out.parent / name).relative_to(root).as_posix())
        except ValueError:
            pass
    return frozenset(skip)


def workspace_snapshot(workspace: Path, out: Path) -> Snapshot:
    """The workspace as a build is about to read it (see :func:`workspace_skip`)."""
    return snapshot(Path(workspace), workspace_skip(workspace, out))


def _part(snap: Snapshot, where: Path) -> dict[str, Any]:
    return {"chemin": str(where), "empreinte": snap.digest, "recents": snap.recent}


def _staging_left(out: Path) -> bool:
    """An interrupted build left its staging folders: the usual way puts things right."""
    return any((out.parent / f".{out.name}.vccap-{end}").exists() for end in ("en-cours", "ancien"))


def record(
    workspace: Path,
    out: Path,
    before: Snapshot,
    *,
    formats: tuple[str, ...],
    kit: str,
    stamp: Stamp,
) -> None:
    """Write the stamp of a complete build: the workspace as it was before the build
    (``before``; what the build wrote itself, :data:`OWNED`, as it is now), the published
    folder and the build state as they are now."""
    root, out = Path(workspace).resolve(), Path(out).resolve()
    owned = snapshot(root, workspace_skip(root, out), only=OWNED)
    entries = {rel: v for rel, v in before.entries.items() if not _owned(rel)}
    recent = {rel: v for rel, v in before.recent.items() if not _owned(rel)}
    entries.update(owned.entries)
    recent.update(owned.recent)
    espace = Snapshot(entries, recent)
    site = snapshot(out, ctime=False)
    state = BuildState(state_dir(workspace, out)).path
    payload = {
        "version": VERSION,
        "kit": kit,
        "options": {"formats": list(formats)},
        "espace": _part(espace, root),
        "site": _part(site, out),
        "etat": list(_stats(state)),
        "pages": stamp.pages,
        "remplacements": stamp.overrides,
        "controle_statistique": stamp.disclosure,
    }
    _write(stamp_path(workspace, out), payload)


def _owned(rel: str) -> bool:
    return rel.split("/", 1)[0] in OWNED or rel.removesuffix("@") in OWNED


def _write(path: Path, payload: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n")


def check(workspace: Path, out: Path, *, formats: tuple[str, ...]) -> Stamp | None:
    """The last build's stamp when nothing has changed since (workspace, published folder,
    build state, kit, options), else None. Reads no table and imports nothing heavy."""
    root, out = Path(workspace).resolve(), Path(out).resolve()
    path = stamp_path(workspace, out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        same = (
            data["version"] == VERSION
            and data["options"] == {"formats": list(formats)}
            and data["espace"]["chemin"] == str(root)
            and data["site"]["chemin"] == str(out)
            and data["etat"] == list(_stats(BuildState(state_dir(workspace, out)).path))
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not same or _staging_left(out) or data["kit"] != kit_fingerprint():
        return None
    skip = workspace_skip(root, out)
    espace = same_files(data["espace"], snapshot(root, skip, hash_recent=False), root)
    if espace is None:
        return None
    site = same_files(data["site"], snapshot(out, ctime=False, hash_recent=False), out)
    if site is None:
        return None
    if espace != data["espace"]["recents"] or site != data["site"]["recents"]:
        data["espace"]["recents"], data["site"]["recents"] = espace, site
        _write(path, data)  # files settled since: known by their stats alone from now on
    return Stamp(
        pages=list(data["pages"]),
        overrides=dict(data["remplacements"]),
        disclosure=dict(data["controle_statistique"]),
    )


def same_files(recorded: dict[str, Any], now: Snapshot, root: Path) -> dict[str, str] | None:
    """Compare a part of a stamp (``{"empreinte": digest, "recents": {path: sha256}}``) with
    ``now``, a snapshot of ``root``: None when any stat differs or a file recent then has
    another content (or cannot be read); else the recent files still to check by content
    next time (those still recent now)."""
    if now.digest != recorded["empreinte"]:
        return None
    recents: dict[str, str] = recorded["recents"]
    for rel, sha in recents.items():
        current = _content(root / rel)
        if not current or current != sha:
            return None
    return {rel: sha for rel, sha in recents.items() if rel in now.recent}
