"""Commands and options that publish for readers: ``vccap build --formats/--chromium``
(used by :mod:`vccap.cli.site`) and ``vccap quarto`` (see :mod:`vccap.formats`)."""

from __future__ import annotations

import argparse

from vccap.cli import progress
from vccap.cli.common import add_workspace, err, out, register
from vccap.messages import plural


def add_build_options(p: argparse.ArgumentParser) -> None:
    """``--formats`` and ``--chromium`` of ``vccap build``."""
    p.add_argument(
        "--formats",
        default="html",
        metavar="LISTE",
        help="html (par défaut), docx, pdf, séparés par des virgules : un document Word et/ou "
        "PDF à côté de chaque bilan d'action, fiche méthode et bilan annuel",
    )
    p.add_argument(
        "--chromium",
        default=None,
        metavar="CHEMIN",
        help="navigateur Chromium qui imprime les PDF (par défaut : cherché sur le PATH)",
    )


def setup_quarto(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument(
        "-o",
        "--out",
        default="quarto",
        metavar="DOSSIER",
        help="dossier du projet Quarto (par défaut : quarto)",
    )
    p.add_argument(
        "--quarto",
        metavar="CHEMIN",
        default=None,
        help="programme quarto à lancer (par défaut : « quarto » s'il est sur le PATH)",
    )
    p.add_argument(
        "-j", "--jobs", type=int, default=None, metavar="N", help="pages construites en parallèle"
    )


def cmd_quarto(args: argparse.Namespace) -> int:
    from vccap.build.results import default_jobs
    from vccap.formats import quarto

    jobs = args.jobs or default_jobs()
    project = quarto.export(
        args.workspace, args.out, jobs=jobs, reporter=progress.build_reporter(jobs)
    )
    out(
        f"Projet Quarto écrit dans {project.root} : {plural(len(project.pages), 'page')}, "
        f"{plural(len(project.written), 'fichier')} mis à jour "
        "(le site construit par vccap est dans _vccap/)."
    )
    program = quarto.find_quarto(args.quarto)
    if program is None:
        where = f"introuvable : {args.quarto}" if args.quarto else "absent du PATH"
        (err if args.quarto else out)(
            f"Quarto {where} : le projet est prêt mais n'a pas été rendu. Pour le rendre, "
            "installer Quarto (https://quarto.org, version 1.4 ou plus récente), puis lancer "
            f"« quarto render {project.root} » ou relancer cette commande avec "
            "--quarto CHEMIN. Les pages ne seront pas recalculées : Quarto reprend les "
            "résultats gelés par vccap (_freeze/)."
        )
        return 1 if args.quarto else 0
    site = quarto.render(project.root, program)
    out(f"Site Quarto rendu : {site}/index.html")
    return 0


register(
    "quarto",
    "Écrire un projet de site Quarto de l'espace (pages gelées : Quarto ne refait aucun calcul).",
    "vccap quarto data -o quarto",
)(setup_quarto)(cmd_quarto)
