"""What a build remembers between runs: file scans, page digests, summaries, audit.

Kept in ``OUT/.vccap/etat.json`` (see :class:`BuildState`), with the digests of the kit's own
code (:func:`kit_digest`) and of the code that reads tables (:func:`scan_digest`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import vccap
from vccap.site.publish import write_text_atomic

PACKAGE_DIR = Path(vccap.__file__).resolve().parent
STATE_DIR = ".vccap"


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
    names = ["tables.py", "normalize.py", "schemas.py", "privacy.py", "yamlio.py"]
    paths = [PACKAGE_DIR / n for n in names] + sorted((PACKAGE_DIR / "schemas").glob("*.json"))
    paths += sorted((PACKAGE_DIR / "reading").glob("*.py"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class BuildState:
    """What the last build of OUT recorded: file scans, job digests and summaries, the
    documents (docx, pdf) written for each page and the page hash they were made from, audit.

    Kept in ``OUT/.vccap/etat.json``. It holds no personal data: raw files are known by their
    hash, problems by their French message, and personal values only as keyed hashes (see
    :class:`vccap.privacy.HashedValues`), useless without the workspace's secret key.
    """

    VERSION = 2

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_DIR / "etat.json"
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, str] = {}
        self.summaries: dict[str, Any] = {}
        self.documents: dict[str, dict[str, str]] = {}  # page -> {format: page hash}
        self.audit: Any = {}
        self.disclosure: Any = {}

    @classmethod
    def load(cls, out: Path) -> BuildState:
        state = cls(out)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state
        if not isinstance(data, dict) or data.get("version") != cls.VERSION:
            return state
        state.files = data.get("fichiers", {})
        state.jobs = data.get("pages", {})
        state.summaries = data.get("resumes", {})
        state.documents = data.get("documents", {})
        state.audit = data.get("audit", {})
        state.disclosure = data.get("controle_statistique", {})
        return state

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": self.VERSION,
            "fichiers": self.files,
            "pages": self.jobs,
            "resumes": self.summaries,
            "documents": self.documents,
            "audit": self.audit,
            "controle_statistique": self.disclosure,
        }
        write_text_atomic(
            self.path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        )
