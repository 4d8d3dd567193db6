"""What a build remembers between runs: file scans, page digests, summaries, audit.

Kept outside the published folder, in the workspace: ``<workspace>/.vccap/sites/<id>/``
(:func:`state_dir`, one folder per output folder) holds ``etat.json`` (see
:class:`BuildState`), the build log ``journal.txt`` and the executed notebooks of failed
pages (``carnets/``), and during a build only, the tables its processes read
(``lectures/``, :func:`shared_reads`). With the digests of the kit's own code
(:func:`kit_digest`) and of the code that reads tables (:func:`scan_digest`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import vccap
from vccap import keys
from vccap.site.atomic import write_text_atomic

PACKAGE_DIR = Path(vccap.__file__).resolve().parent
STATE_DIR = ".vccap"
SITES_DIR = "sites"
LOG_FILE = "journal.txt"
FAILED_NOTEBOOKS_DIR = "carnets"


def state_dir(workspace: Path, out: Path) -> Path:
    """Where the build of ``workspace`` into ``out`` keeps its state, log and failed notebooks
    (inside the workspace, never in the published folder)."""
    name = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:16]
    return Path(workspace) / STATE_DIR / SITES_DIR / name


def states_exist(workspace: Path, out: Path) -> bool:
    """True when some build of this workspace recorded a state (people were pseudonymised
    under its key): under the workspace, or where older versions kept it (``OUT/.vccap``)."""
    if keys.has_build_state(workspace):
        return True
    return (Path(out) / STATE_DIR / "etat.json").exists()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kit_digest() -> str:
    """Hash of the kit's own code, catalogue, fragments and templates, and its version."""
    digest = hashlib.sha256(vccap.__version__.encode())
    suffixes = {".py", ".yml", ".j2", ".json", ".css", ".js", ".md"}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def scan_digest() -> str:
    """Hash of the code and schemas that decide how a raw table is read and checked."""
    digest = hashlib.sha256(vccap.__version__.encode())
    names = [
        "tables.py",
        "normalize.py",
        "schemas.py",
        "privacy.py",
        "personal.py",
        "textnorm.py",
        "yamlio.py",
    ]
    paths = [PACKAGE_DIR / n for n in names] + sorted((PACKAGE_DIR / "schemas").glob("*.json"))
    paths += sorted((PACKAGE_DIR / "reading").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class BuildState:
    """What the last build of OUT recorded: file scans, job digests and summaries, the
    documents (docx, pdf) written for each page and the page hash they were made from, audit.

    Kept in ``<workspace>/.vccap/sites/<id>/etat.json`` (:func:`state_dir`). It holds no
    personal data: raw files are known by their hash, problems without the value typed (the
    file is read again to show it), and personal values only as keyed hashes (see
    :class:`vccap.personal.HashedValues`), useless without the workspace's secret key. It is
    bound to that key by its fingerprint (``cle``): under another key, what it remembered of
    the files and of the last audit is dropped (:meth:`bind`).
    """

    VERSION = 3

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "etat.json"
        self.key = ""
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, str] = {}
        self.summaries: dict[str, Any] = {}
        self.documents: dict[str, dict[str, str]] = {}  # page -> {format: page hash}
        self.audit: Any = {}
        self.disclosure: Any = {}

    @classmethod
    def load(cls, folder: Path) -> BuildState:
        state = cls(folder)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return state
        state.key = data.get("cle", "")
        state.files = data.get("fichiers", {})
        state.jobs = data.get("pages", {})
        state.summaries = data.get("resumes", {})
        state.documents = data.get("documents", {})
        state.audit = data.get("audit", {})
        state.disclosure = data.get("controle_statistique", {})
        return state

    def bind(self, fingerprint: str) -> bool:
        """Bind the state to the key of this build. Under another key (or none recorded),
        the files' keyed hashes and the last audit are forgotten: every file is read and
        every published file audited again. Returns True when that happened."""
        if self.key == fingerprint:
            return False
        self.key = fingerprint
        self.files = {}
        self.audit = {}
        return True

    def save(self) -> None:
        """Write ``etat.json`` (atomically), unless it already holds exactly this."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": self.VERSION,
            "cle": self.key,
            "fichiers": self.files,
            "pages": self.jobs,
            "resumes": self.summaries,
            "documents": self.documents,
            "audit": self.audit,
            "controle_statistique": self.disclosure,
        }
        # compact: without indent, json's C encoder writes it (a thousand actions' state
        # is tens of megabytes)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        text += "\n"
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return  # nothing new: the file (and its stats) stay as they are
        except (OSError, ValueError):
            pass
        write_text_atomic(self.path, text)


#: The folder, in a build state's folder, of the tables the build's processes have read.
READS_DIR = "lectures"


@contextmanager
def shared_reads(folder: Path) -> Iterator[Path | None]:
    """A folder where the processes of one build share the raw tables they read, for the
    duration of the build (:class:`vccap.workspace.TableCache`): the build's scan reads each
    file once, and its workers and kernels load what it read.

    ``folder`` is the build state's folder (:func:`state_dir`, inside the workspace, beside
    the raw files it copies). The folder made there is readable by its owner only, set as
    this process's :attr:`TableCache.store <vccap.workspace.TableCache.store>` (forked
    workers inherit it) and removed when the build ends, failed or not; what an interrupted
    build left is removed first. Yields None when it cannot be made: every process then
    reads the files itself.
    """
    from vccap.workspace import TABLES

    base = Path(folder) / READS_DIR
    shutil.rmtree(base, ignore_errors=True)
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        reads: Path | None = Path(tempfile.mkdtemp(dir=base))  # mode 0700
    except OSError:
        reads = None
    TABLES.store = reads
    try:
        yield reads
    finally:
        TABLES.store = None
        if reads is not None:
            shutil.rmtree(reads, ignore_errors=True)
        with suppress(OSError):
            base.rmdir()  # another build of the same site may still use it
