"""Step 5 of a build: scan what was published for personal data, incrementally.

Files unchanged since the last clean audit (same content, same personal values) are
skipped; when the workspace's personal values change, everything is scanned again.
"""

from __future__ import annotations

from pathlib import Path

from vccap import privacy
from vccap.build.state import BuildState, sha256_bytes
from vccap.errors import AuditFailed


def audit_site(out: Path, hashed: privacy.HashedValues, state: BuildState) -> bool:
    """Audit the published files that changed since the last clean audit (all of them when
    the personal values changed). Returns True when some file was scanned."""
    personal = hashed.digest()
    previous = state.audit if isinstance(state.audit, dict) else {}
    clean: dict[str, str] = (
        dict(previous.get("fichiers", {})) if previous.get("personnel") == personal else {}
    )
    current: dict[str, str] = {}

    def skip(path: Path) -> bool:
        rel = path.relative_to(out).as_posix()
        digest = sha256_bytes(path.read_bytes())
        current[rel] = digest
        return clean.get(rel) == digest

    hits = privacy.audit(out, hashed=hashed, skip=skip)
    scanned = {rel for rel, digest in current.items() if clean.get(rel) != digest}
    if hits:
        bad = {h.file.split("/", 1)[1] if "/" in h.file else h.file for h in hits}
        state.audit = {
            "personnel": personal,
            "fichiers": {k: v for k, v in current.items() if k not in bad},
        }
        state.save()
        raise AuditFailed(hits)
    state.audit = {"personnel": personal, "fichiers": current}
    state.save()
    return bool(scanned)
