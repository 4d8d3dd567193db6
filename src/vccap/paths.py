"""Files of a workspace, never followed out of it.

A symbolic link inside the workspace that points outside it (a debrief linked to private
notes, a table, a notebook of ``carnets/``, a fragment of ``gabarits/``) is never read: the
kit publishes what the workspace holds, nothing else of the machine. A link that stays
inside the workspace is followed like the file or folder it leads to, unless it leads to a
hidden file (the pseudonymisation key, the build state) or to a file of another kind than its
name says; a link that leads nowhere is said to be broken.
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


EXPECTED_SAME_KIND = (
    "un lien symbolique vers un fichier de même nature, visible dans l'espace (ce lien mène à "
    "un fichier caché, comme la clé de pseudonymisation ou l'état de construction, ou d'une "
    "autre nature que son nom : il n'est pas lu ; copiez le bon fichier à sa place)"
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
    if root is None:
        return None
    if not inside(root, path):
        return "lien_hors_espace", EXPECTED_INSIDE_FOLDER if path.is_dir() else EXPECTED_INSIDE
    if _is_linked(path) and path.is_file():
        # a link that stays inside may not lead to the key, the build state or another
        # kind of file (a debrief linked to a raw table would publish it as text)
        target = path.resolve()
        hidden = any(p.startswith(".") for p in target.relative_to(Path(root).resolve()).parts)
        if hidden or target.suffix.lower() != path.suffix.lower():
            return "lien_autre_fichier", EXPECTED_SAME_KIND
    return None


def _is_linked(path: Path) -> bool:
    """True when ``path`` or one of its folders is a symbolic link."""
    return path.is_symlink() or Path(path).resolve() != Path(path).absolute()


def readable(root: Path, path: Path) -> bool:
    """True when the kit may read ``path`` (see :func:`link_problem`)."""
    return link_problem(root, path) is None


def inside(root: Path, path: Path) -> bool:
    """True when ``path``, links followed, stays inside ``root`` (a missing path: True)."""
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop
        return False
    return resolved.is_relative_to(Path(root).resolve())
