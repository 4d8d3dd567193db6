"""``correspondances.yml``: a workspace's own column titles, mapped to fields.

Forms give columns the text of their questions. Rather than renaming columns in every
export, a workspace declares once, per table::

    satisfaction:
      "Comment évaluez-vous la session dans son ensemble ?": satisfaction_globale
      "Vous êtes :": profil
"""

from __future__ import annotations

from pathlib import Path

from vccap.errors import InputError
from vccap.normalize import fold
from vccap.schemas import TABLE_KINDS, load_schema
from vccap.yamlio import read_yaml

__all__ = ["FILE_NAME", "load_correspondances"]

FILE_NAME = "correspondances.yml"


def load_correspondances(
    path: Path, display: str
) -> tuple[dict[str, dict[str, str]], list[InputError]]:
    """``({kind: {folded title: field}}, problems)`` from a correspondances file.

    A missing file gives no mapping and no problem; an unknown table or field is a problem
    with its line, and the entry is left out.
    """
    if not path.exists():
        return {}, []
    try:
        data, lines = read_yaml(path, display)
    except InputError as problem:
        return {}, [problem]
    problems: list[InputError] = []
    out: dict[str, dict[str, str]] = {}
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [InputError(display, "un dictionnaire : table -> {titre de colonne: champ}",
                               line=1, code="yaml_invalide")]  # fmt: skip
    for kind_written, mapping in data.items():
        kind = fold(kind_written)
        if kind not in TABLE_KINDS or not isinstance(mapping, dict):
            problems.append(InputError(
                display, "une table : " + ", ".join(TABLE_KINDS) + " (suivie de ses titres)",
                line=lines.get((kind_written,)), column=str(kind_written),
                value=str(kind_written), code="cle_inconnue"))  # fmt: skip
            continue
        names = load_schema(kind).names
        for title, name in mapping.items():
            field = fold(name)
            if field not in names:
                problems.append(InputError(
                    display, f"un champ de la table « {kind} » : " + ", ".join(names),
                    line=lines.get((kind_written, title)), column=str(title),
                    value=str(name), code="champ_inconnu"))  # fmt: skip
                continue
            out.setdefault(kind, {})[fold(title)] = field
    return out, problems
