"""Which files of an action folder are raw tables, and what is said about the others.

Every entry of an action folder is either read as a table, ignored because it is known
junk (``~$…``, ``._…``, ``.~lock…#``, ``Thumbs.db``, ``*.bak``…) or a known file of the kit
(``action.yml``, ``retour_experience.md``), or reported: a near-miss name
(``participants (1).csv``, ``Participants - Feuille 1.csv``, ``liste participants
19-05-2016.csv``, ``satisfaction - copie.xlsx``) is read as its table with a warning when
it names one table only; another spreadsheet is a warning with the expected names; any
other file is listed as ignored. A symbolic link that leads outside the workspace is not
followed (an error).
"""

from __future__ import annotations

from pathlib import Path

from vccap.errors import AVERTISSEMENT, INFORMATION, InputError
from vccap.normalize import fold
from vccap.paths import inside
from vccap.reading.expected import EXPECTED_OLD_FORMAT, EXPECTED_SYMLINK, EXPECTED_TABLE_NAME
from vccap.schemas import TABLE_KINDS

__all__ = ["TABLE_SUFFIXES", "find_table_files", "inside", "table_kind_of"]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_UNSUPPORTED_SUFFIXES = (".numbers", ".gsheet", ".fods")
_KIT_FILES = {"action.yml", "action.yaml", "retour_experience.md", "correspondances.yml"}
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "icon\r"}
_JUNK_SUFFIXES = (".bak", ".tmp", ".swp", ".crdownload", ".part", ".lnk")
#: Words of a file name that name a table kind (singular, plural, common synonyms).
_KIND_WORDS = {
    **{k: k for k in TABLE_KINDS},
    "participant": "participants",
    "emargement": "participants",
    "contact": "contacts",
    "cout": "couts",
    "depenses": "couts",
    "depense": "couts",
    "evenement": "evenements",
    "suivis": "suivi",
    "satisfactions": "satisfaction",
}


_OF = {"de", "des", "du", "d"}


def _is_junk(name: str) -> bool:
    lower = name.lower()
    return (
        lower.startswith(("~$", "._", ".~lock", "~lock", "."))
        or lower in _JUNK_NAMES
        or lower.endswith(_JUNK_SUFFIXES + ("~", "#"))
    )


def table_kind_of(stem: str) -> tuple[str | None, bool, list[str]]:
    """``(kind, exact, kinds named)`` for a file stem.

    ``exact`` is True when the stem folds to the kind itself (``Contacts``); otherwise the
    kind is the only table named by the stem's words (``participants (1)``, ``Liste
    participants 19-05-2016``). With several kinds named, ``kind`` is None.
    """
    key = fold(stem)
    if key in TABLE_KINDS:
        return key, True, [key]
    words = key.split("_")
    found = [(i, _KIND_WORDS[w]) for i, w in enumerate(words) if w in _KIND_WORDS]
    named = sorted({kind for _, kind in found})
    if len(named) == 1:
        return named[0], False, named
    # « Satisfaction des participants », « Suivi des contacts »: the first noun is the table,
    # the others are its complements (after « de », « des », « du », « d' »).
    if found and all(i > 0 and words[i - 1] in _OF for i, _ in found[1:]):
        return found[0][1], False, named
    return None, False, named


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def find_table_files(
    action_dir: Path,
    *,
    display_root: Path | None = None,
    action: str | None = None,
    workspace: Path | None = None,
) -> tuple[dict[str, Path], list[InputError]]:
    """The raw table files of an action folder: ``({kind: path}, problems)``.

    ``problems`` holds errors (two files for one table, a format the kit cannot read, a
    symbolic link leading outside ``workspace``, an ambiguous name), warnings (a near-miss
    name read, a spreadsheet that names no table) and informations (other files ignored),
    told apart by their ``severity``. Paths are shown relative to ``display_root``.
    """
    action_dir = Path(action_dir)
    found: dict[str, list[Path]] = {}
    problems: list[InputError] = []
    if not action_dir.is_dir():
        return {}, problems

    def say(path: Path, expected: str, code: str, **kw) -> None:
        problems.append(InputError(file=_display(path, display_root), expected=expected,
                                   code=code, action=action, **kw))  # fmt: skip

    for path in sorted(action_dir.iterdir()):
        name = path.name
        if _is_junk(name):
            continue
        if path.is_symlink() and workspace is not None and not inside(workspace, path):
            say(path, EXPECTED_SYMLINK, "lien_hors_espace", value=name)
            continue
        if name.lower() in _KIT_FILES:
            continue
        if not path.is_file():
            say(path, "dossier ignoré (les tableaux sont lus dans le dossier de l'action)",
                "fichier_ignore", severity=INFORMATION)  # fmt: skip
            continue
        suffix = path.suffix.lower()
        kind, exact, named = table_kind_of(path.stem)
        if suffix in _UNSUPPORTED_SUFFIXES and (kind or named):
            say(path, EXPECTED_OLD_FORMAT, "fichier_illisible")
        elif suffix not in TABLE_SUFFIXES:
            say(path, "fichier ignoré (ce n'est pas un tableau)", "fichier_ignore",
                severity=INFORMATION)  # fmt: skip
        elif kind is None and len(named) > 1:
            several = ", ".join(named)
            expected = f"{EXPECTED_TABLE_NAME} : ce nom en désigne plusieurs ({several})"
            say(path, expected + " ; renommez le fichier", "nom_ambigu", value=name)
        elif kind is None:
            if suffix == ".txt":
                say(path, "fichier ignoré (ce n'est pas un tableau)", "fichier_ignore",
                    severity=INFORMATION)  # fmt: skip
            else:
                say(path, "fichier non lu : " + EXPECTED_TABLE_NAME, "fichier_non_reconnu",
                    value=name, severity=AVERTISSEMENT)  # fmt: skip
        else:
            found.setdefault(kind, []).append(path)
            if not exact:
                say(path, f"fichier lu comme la table « {kind} » (nom approchant : "
                    f"renommez-le {kind}{suffix if suffix != '.txt' else '.csv'})",
                    "nom_approchant", value=name, severity=AVERTISSEMENT, table=kind)  # fmt: skip
    tables: dict[str, Path] = {}
    for kind, paths in found.items():
        if len(paths) == 1:
            tables[kind] = paths[0]
            continue
        problems[:] = [p for p in problems if not (p.code == "nom_approchant" and p.table == kind)]
        names = ", ".join(p.name for p in paths)
        say(
            paths[1],
            f"un seul fichier pour la table « {kind} » ({kind}.csv ou {kind}.xlsx, pas les deux)",
            "fichier_double",
            value=names,
        )
    return tables, problems
