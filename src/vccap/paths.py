"""Files of a workspace, never followed out of it.

A symbolic link inside the workspace that points outside it (a debrief linked to private
notes, a table, a notebook of ``carnets/``, a fragment of ``gabarits/``) is never read: the
kit publishes what the workspace holds, nothing else of the machine.
"""

from __future__ import annotations

from pathlib import Path

#: What a refused link is, in the problems shown to people.
EXPECTED_INSIDE = (
    "un fichier de l'espace de travail (c'est un lien symbolique vers un fichier hors de "
    "l'espace : il n'est pas lu ; copiez le fichier dans l'espace)"
)


def inside(root: Path, path: Path) -> bool:
    """True when ``path``, links followed, stays inside ``root`` (a missing path: True)."""
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop
        return False
    return resolved.is_relative_to(Path(root).resolve())
