"""YAML reading that remembers where each key was written (for error messages)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from vccap.errors import InputError

Lines = dict[tuple[Any, ...], int]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


_MEMO: dict[tuple[str, int, int], tuple[Any, Lines]] = {}


def read_yaml(path: Path, display: str, *, action: str | None = None) -> tuple[Any, Lines]:
    """Parse a YAML file; return (data, lines) or raise :class:`InputError`.

    ``lines`` maps a key path such as ``("objectifs", 0, "cible")`` to its line (1-based).
    Parsed files are remembered by path, size and modification time (a warm kernel building
    many pages parses each file once); callers get their own copy.
    """
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _MEMO:
        data, lines = _MEMO[key]
        return copy.deepcopy(data), dict(lines)
    data, lines = _read_yaml(path, display, action=action)
    if key is not None:
        if len(_MEMO) > 4000:
            _MEMO.clear()
        _MEMO[key] = (copy.deepcopy(data), dict(lines))
    return data, lines


def _read_yaml(path: Path, display: str, *, action: str | None = None) -> tuple[Any, Lines]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            display, "un fichier lisible", code="fichier_illisible", action=action
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        column = str(mark.column + 1) if mark is not None else None
        raise InputError(
            display,
            f"un YAML valide ({_french_yaml_problem(problem)})",
            line=line,
            column=column,
            code="yaml_invalide",
            action=action,
        ) from exc
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _french_yaml_problem(problem: str) -> str:
    known = {
        "mapping values are not allowed": "deux-points inattendu : une valeur contenant « : » "
        "doit être entre guillemets",
        "could not find expected ':'": "deux-points « : » manquant après une clé",
        "found character '\\t' that cannot start any token": "tabulation interdite : indenter avec "
        "des espaces",
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
