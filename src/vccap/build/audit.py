"""Step 5 of a build: scan what is about to be published for personal data, incrementally.

Files unchanged since the last clean audit (same content, same personal values, same key)
are skipped; when the workspace's personal values or its key change, everything is scanned
again (the state forgets its audit under another key: :meth:`BuildState.bind`).
"""

from __future__ import annotations

from pathlib import Path

from vccap.audit import audit
from vccap.build.state import BuildState, sha256_bytes
from vccap.errors import AuditFailed
from vccap.personal import Finder


def audit_site(
    site: Path, finder: Finder, state: BuildState, *, name: str | None = None, jobs: int = 1
) -> bool:
    """Audit the files of ``site`` that changed since the last clean audit (all of them when
    the personal values, what the finder looks for or the key changed) with the scrubber's
    ``finder``, in ``jobs`` processes. Files are named as under the published folder
    ``name``. Returns True when some file was scanned; raises :class:`AuditFailed`."""
    personal = f"{finder.digest()}:{state.key}"
    previous = state.audit if isinstance(state.audit, dict) else {}
    clean: dict[str, str] = (
        dict(previous.get("fichiers", {})) if previous.get("personnel") == personal else {}
    )
    current: dict[str, str] = {}

    def skip(path: Path) -> bool:
        rel = path.relative_to(site).as_posix()
        digest = sha256_bytes(path.read_bytes())
        current[rel] = digest
        return clean.get(rel) == digest

    hits = audit(site, finder=finder, skip=skip, display_name=name or site.name, jobs=jobs)
    scanned = {rel for rel, digest in current.items() if clean.get(rel) != digest}
    if hits:
        raise AuditFailed(hits, published=False)
    state.audit = {"personnel": personal, "fichiers": current}
    return bool(scanned)
