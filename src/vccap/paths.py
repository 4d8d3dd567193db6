"""Files of a workspace, never followed out of it.

A symbolic link inside the workspace that points outside it (a debrief linked to private
notes, a table, a notebook of ``carnets/``, a fragment of ``gabarits/``) is never read: the
kit publishes what the workspace holds, nothing else of the machine. A link that stays
inside the workspace is followed like the file or folder it leads to; a link that leads
nowhere is said to be broken.
"""

from __future__ import annotations

from pathlib import Path

#: What a refused link is, in the problems shown to people.
EXPECTED_INSIDE = (
    "un fichier de l'espace de travail (c'est un lien symbolique vers un fichier hors de "
    "l'espace : il n'est pas lu ; copiez le fichier dans l'espace)"
)


EXPECTED_INSIDE_FOLDER = (
    "un dossier de l'espace de travail (c'est un lien symbolique vers un dossier hors de "
    "l'espace : il n'est pas suivi ; copiez le dossier dans l'espace)"
)
EXPECTED_BROKEN_LINK = (
    "un lien symbolique vers un fichier ou un dossier qui existe (ce lien ne mène nulle part : "
    "sa cible a été déplacée ou supprimée ; remettez-la ou supprimez le lien)"
)


def link_problem(root: Path | None, path: Path) -> tuple[str, str] | None:
    """``(code, expected)`` when ``path`` is a link the kit does not follow, else None.

    A link to nothing (or a loop of links) is ``lien_casse``; a link that leads out of
    ``root`` is ``lien_hors_espace``, worded for a folder or a file as its target is. A
    path that is no link, or a link that stays inside ``root`` (any link that is not
    broken when ``root`` is None), gives None.
    """
    path = Path(path)
    if path.is_symlink() and not path.exists():
        return "lien_casse", EXPECTED_BROKEN_LINK
    if root is None or inside(root, path):
        return None
    return "lien_hors_espace", EXPECTED_INSIDE_FOLDER if path.is_dir() else EXPECTED_INSIDE


def inside(root: Path, path: Path) -> bool:
    """True when ``path``, links followed, stays inside ``root`` (a missing path: True)."""
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop
        return False
    return resolved.is_relative_to(Path(root).resolve())
