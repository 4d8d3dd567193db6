"""Which files of an action folder are raw tables, and what is said about the others.

Every entry of an action folder is either read as a table, ignored because it is known
junk (``~$…``, ``._…``, ``.~lock…#``, ``Thumbs.db``, ``*.bak``…) or a known file of the kit
(``action.yml``, ``retour_experience.md``), or reported: a near-miss name
(``participants (1).csv``, ``Participants - Feuille 1.csv``, ``liste participants
19-05-2016.csv``, ``satisfaction - copie.xlsx``) or a common French name of the table
(``liste de présence.csv``, ``inscrits.xlsx``, ``Questionnaire.xlsx``, ``budget.csv``: the
schemas' ``vccap:noms_de_fichier``) is read as its table with a warning when it names one
table only; two files naming one table are an error naming both (none is chosen);
another spreadsheet is a warning with the expected names; any other file is listed as
ignored. A symbolic link that leads outside the workspace is not followed (an error).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from vccap.errors import AVERTISSEMENT, INFORMATION, InputError
from vccap.normalize import fold
from vccap.paths import inside, link_problem
from vccap.reading.expected import EXPECTED_OLD_FORMAT, EXPECTED_TABLE_NAME
from vccap.schemas import TABLE_KINDS, load_schema

__all__ = ["TABLE_SUFFIXES", "file_words", "find_table_files", "inside", "is_junk", "table_kind_of"]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_UNSUPPORTED_SUFFIXES = (".numbers", ".gsheet", ".fods")
_KIT_FILES = {"action.yml", "action.yaml", "retour_experience.md", "correspondances.yml"}
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "icon\r"}
_JUNK_SUFFIXES = (".bak", ".tmp", ".swp", ".crdownload", ".part", ".lnk")
_OF = {"de", "des", "du", "d"}


def _singular(word: str) -> str:
    """A folded word without a plural mark (« inscrits » -> « inscrit »), to compare words.

    Applied alike to the words of a file name and to the schemas' phrases, so that
    « frais » and « frai » or « avis » and « avi » still meet.
    """
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


@cache
def file_words() -> dict[tuple[str, ...], str]:
    """``{phrase as singular folded words: table kind}``, from the table schemas.

    Each kind is named by itself and by its schema's ``vccap:noms_de_fichier`` (« émargement »,
    « liste de présence », « bilan financier »…). Raises ``ValueError`` when one phrase
    names two kinds (a mistake in the schemas).
    """
    out: dict[tuple[str, ...], str] = {}
    for kind in TABLE_KINDS:
        for phrase in (kind, *load_schema(kind).file_names):
            key = tuple(_singular(w) for w in fold(phrase).split("_"))
            owner = out.setdefault(key, kind)
            if owner != kind:
                raise ValueError(f"file name {phrase!r} names both {owner!r} and {kind!r}")
    return out


def _kinds_named(words: list[str]) -> list[tuple[int, str]]:
    """``(position, kind)`` of each phrase of ``words`` that names a table (longest first)."""
    vocabulary = file_words()
    longest = max(len(k) for k in vocabulary)
    singular = [_singular(w) for w in words]
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            kind = vocabulary.get(tuple(singular[i : i + size]))
            if kind is not None:
                found.append((i, kind))
                i += size
                break
        else:
            i += 1
    return found


def is_junk(name: str) -> bool:
    """Whether a file name is known junk of office software and systems (never reported)."""
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
    participants 19-05-2016``, ``liste de présence``, ``Budget 2019``: see
    :func:`file_words`). With several kinds named, ``kind`` is None.
    """
    key = fold(stem)
    if key in TABLE_KINDS:
        return key, True, [key]
    words = key.split("_")
    found = _kinds_named(words)
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
        if is_junk(name):
            continue
        link = link_problem(workspace, path) if path.is_symlink() else None
        if link is not None:
            say(path, link[1], link[0], value=name)
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
        quoted = [f"« {p.name} »" for p in paths]
        listed = ", ".join(quoted[:-1]) + " et " + quoted[-1]
        all_of, others = ("tous deux", "l'autre") if len(paths) == 2 else ("tous", "les autres")
        say(
            paths[1],
            f"un seul fichier pour la table « {kind} » : {listed} désignent {all_of} cette "
            f"table et aucun n'est lu ; gardez-en un seul dans le dossier de l'action et "
            f"déplacez {others} ailleurs",
            "fichier_double",
            value=", ".join(p.name for p in paths),
            table=kind,
        )
    return tables, problems
