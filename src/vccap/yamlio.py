"""YAML reading that remembers where each key was written (for error messages)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from vccap.errors import InputError

Lines = dict[tuple[Any, ...], int]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: Values a YAML file may unfold into through aliases (« billion laughs » stop here).
MAX_VALUES = 100_000


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loading, dates left as text: vccap reads them itself (« 14 mai 2019 »,
    « 2019-11-31 » reported rather than crashing)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def _size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values ``node`` unfolds into (aliases counted each time they are used)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    if isinstance(node, yaml.MappingNode):
        total = 1 + sum(_size(k, memo) + _size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_size(item, memo) for item in node.value)
    else:
        total = 1
    memo[key] = min(total, MAX_VALUES + 1)
    return memo[key]


def _walk(
    node: yaml.Node, path: tuple[Any, ...], lines: Lines, texts: Lines, seen: set[int]
) -> None:
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:  # an alias: its values were walked where they were defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style:  # plain (libyaml gives "", the Python loader None)
            texts[path] = node.value
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            _walk(value_node, path + (key,), lines, texts, seen)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, texts, seen)


_MEMO: dict[tuple[str, int, int], tuple[Any, Lines, Lines]] = {}


def read_yaml(path: Path, display: str, *, action: str | None = None) -> tuple[Any, Lines]:
    """Parse a YAML file; return (data, lines) or raise :class:`InputError`.

    ``lines`` maps a key path such as ``("objectifs", 0, "cible")`` to its line (1-based).
    Parsed files are remembered by path, size and modification time (a warm kernel building
    many pages parses each file once); callers get their own copy. Dates stay text; a file
    whose aliases unfold into more than :data:`MAX_VALUES` values is refused.
    """
    data, lines, _ = read_yaml_texts(path, display, action=action)
    return data, lines


def read_yaml_texts(
    path: Path, display: str, *, action: str | None = None
) -> tuple[Any, Lines, dict[tuple[Any, ...], str]]:
    """Like :func:`read_yaml`, with the text of each plain scalar as written (by key path).

    ``1,380`` or ``1.650`` are read back from their text, not from what YAML made of them.
    """
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    except OSError:
        key = None
    if key is not None and key in _MEMO:
        data, lines, texts = _MEMO[key]
        return copy.deepcopy(data), dict(lines), dict(texts)
    data, lines, texts = _read_yaml(path, display, action=action)
    if key is not None:
        if len(_MEMO) > 4000:
            _MEMO.clear()
        _MEMO[key] = (copy.deepcopy(data), dict(lines), dict(texts))
    return data, lines, texts


def _read_yaml(path: Path, display: str, *, action: str | None = None) -> tuple[Any, Lines, Lines]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            display, "un fichier lisible", code="fichier_illisible", action=action
        ) from exc
    from vccap.reading.grid import Unreadable
    from vccap.reading.textfile import decode

    try:
        text, _ = decode(raw) if raw.strip() else ("", "utf-8")
    except Unreadable as exc:
        code = "encodage_mixte" if exc.code == "encodage_mixte" else "encodage"
        raise InputError(display, exc.expected, line=exc.line, value=exc.value, code=code,
                         action=action) from None  # fmt: skip
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _size(node, {}) > MAX_VALUES:
                raise InputError(
                    display,
                    f"un YAML sans alias imbriqués (ce fichier se déplie en plus de "
                    f"{MAX_VALUES:,} valeurs par ses alias « *… » : supprimez-les)".replace(
                        ",", "\u202f"
                    ),
                    code="yaml_alias",
                    action=action,
                )
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError:
        raise InputError(
            display, "un YAML moins profondément imbriqué", code="yaml_invalide", action=action
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        column = str(mark.column + 1) if mark is not None else None
        raise InputError(
            display,
            f"un YAML valide ({_french_yaml_problem(problem, _line_text(text, line))})",
            line=line,
            column=column,
            code="yaml_invalide",
            action=action,
        ) from exc
    lines: Lines = {}
    texts: Lines = {}
    if node is not None:
        try:
            _walk(node, (), lines, texts, set())
        except RecursionError:
            raise InputError(
                display, "un YAML moins profondément imbriqué", code="yaml_invalide", action=action
            ) from None
        doubled = _doubled_key(node, set())
        if doubled is not None:
            key, line = doubled
            raise InputError(
                display,
                f"une seule clé « {key} » à ce niveau (elle est écrite deux fois : la seconde "
                "effacerait la première)",
                line=line,
                column=key,
                value=key,
                code="cle_double",
                action=action,
            )
    return data, lines, texts


def _doubled_key(node: yaml.Node, seen: set[int]) -> tuple[str, int] | None:
    """The first key written twice in one mapping, with its line, or None."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in keys and key != "<<":
                    return key, key_node.start_mark.line + 1
                keys.add(key)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _line_text(text: str, line: int | None) -> str:
    if line is None:
        return ""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _french_yaml_problem(problem: str, line_text: str = "") -> str:
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if "\t" in indent:
        return "tabulation interdite : indenter avec des espaces"
    known = {
        "mapping values are not allowed": "deux-points inattendu : une valeur contenant « : » "
        "doit être entre guillemets",
        "could not find expected ':'": "deux-points « : » manquant après une clé",
        "found character '\\t' that cannot start any token": "tabulation interdite : indenter avec "
        "des espaces",
        "found a tab character": "tabulation interdite : indenter avec des espaces",
        "found character that cannot start any token": "caractère inattendu (tabulation ou "
        "symbole en début de valeur ?)",
        "found undefined alias": "alias inconnu",
        "expected <block end>, but found '-'": "liste mal indentée",
        "did not find expected key": "indentation incohérente",
        "found unexpected end of stream": "fin de fichier inattendue (guillemet non fermé ?)",
        "expected ',' or ']', but got '<stream end>'": "crochet « ] » non fermé",
    }
    for english, french in known.items():
        if english in problem:
            return french
    return "syntaxe incorrecte"
