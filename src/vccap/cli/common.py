"""What every command of the CLI shares: French argparse, output, the command registry."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (possibles : %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "invalid %(type)s value: %(value)r": "valeur invalide pour %(type)s : %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
}
argparse._ = lambda text: _ARGPARSE_FR.get(text, text)  # type: ignore[attr-defined]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples."""


def out(text: str = "") -> None:
    print(text, flush=True)


def err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "workspace",
        nargs="?",
        default="data",
        metavar="ESPACE",
        help="dossier de l'espace de travail (par défaut : data)",
    )


COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable]] = {}


def register(name: str, summary: str, example: str):
    def decorator(setup: Callable[[argparse.ArgumentParser], None]):
        def wrap(run: Callable):
            COMMANDS[name] = (summary, example, setup, run)
            return run

        return wrap

    return decorator


def shown(path: Path) -> str:
    """A path as the person typed it, relative to the current folder when possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
