"""Command line: parsing and messages only; the work is done by the library."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from vccap import __version__
from vccap.cli import check, kit, national, publish, site  # noqa: F401 - commands register themselves
from vccap.cli.common import COMMANDS, Formatter, err
from vccap.errors import VccapError
from vccap.messages import format_error

__all__ = ["COMMANDS", "build_parser", "main"]

#: The order of the commands in ``vccap -h`` (others follow).
ORDER = [
    "validate",
    "indicators",
    "build",
    "quarto",
    "audit",
    "carnets",
    "init",
    "new-action",
    "templates",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vccap",
        description="vccap — capitaliser et transférer les actions ville-campagne.",
        epilog="Aide d'une commande : vccap COMMANDE -h",
        formatter_class=Formatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser.add_argument(
        "--version", action="version", version=f"vccap {__version__}", help="afficher la version"
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    ordered = sorted(COMMANDS, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
    for name in ordered:
        summary, example, setup, _run = COMMANDS[name]
        sub = subs.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"Exemple : {example}",
            formatter_class=Formatter,
            add_help=False,
        )
        sub.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
        setup(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    _summary, _example, _setup, run = COMMANDS[args.command]
    try:
        return int(run(args) or 0)
    except VccapError as exc:
        err(format_error(exc))
        return 1
    except KeyboardInterrupt:
        err("Interrompu.")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a defect of the kit, never of the user's data
        if os.environ.get("VCCAP_DEBUG"):
            raise
        err(
            f"Erreur interne de vccap ({type(exc).__name__} : {exc}). Ce n'est pas un problème "
            "de vos fichiers : relancez avec VCCAP_DEBUG=1 pour le détail et signalez-le."
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
