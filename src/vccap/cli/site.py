"""Commands that build the site: build, carnets."""

from __future__ import annotations

import argparse

from vccap.cli import progress, publish
from vccap.cli.common import add_workspace, out, register, shown
from vccap.messages import plural


def cmd_build(args: argparse.Namespace) -> int:
    from vccap.build import build
    from vccap.build.results import default_jobs

    jobs = args.jobs or default_jobs()

    reporter = progress.build_reporter(jobs)

    report = build(
        args.workspace,
        args.out,
        jobs=jobs,
        force=args.force,
        reporter=reporter,
        notebooks=args.carnets_executes,
        new_key=args.nouvelle_cle,
        formats=args.formats,
        chromium=args.chromium,
        dask=args.dask,
    )
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    out(
        f"Site construit en {seconds} s : {plural(len(report.built), 'page')} construite"
        f"{'s' if len(report.built) > 1 else ''}, {plural(len(report.cached), 'page')} à jour."
    )
    d = report.disclosure
    if d:
        published = plural(d["cellules_publiees"], "nombre publié", "nombres publiés")
        hidden = plural(d["cellules_masquees"], "cellule masquée", "cellules masquées")
        out(
            f"Contrôle statistique : {published} sur des personnes, {hidden} (dont "
            f"{d['masquees_secondaires']} par masquage complémentaire) ; aucune ne se déduit "
            "des chiffres publiés."
        )
    if report.audited:
        out("Audit des données personnelles : aucune trouvée.")
    else:
        out("Audit des données personnelles : rien n'a changé depuis le dernier audit réussi.")
    out(f"Ouvrir : {report.out / 'index.html'}")
    return 0


def _setup_build(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument(
        "-o",
        "--out",
        default="reports",
        metavar="SORTIE",
        help="dossier du site (par défaut : reports)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="nombre de pages construites en parallèle (par défaut : nombre de cœurs)",
    )
    publish.add_build_options(p)
    p.add_argument(
        "--dask",
        metavar="ADRESSE",
        default=None,
        help="construire les pages sur une grappe Dask (ordonnanceur tcp://machine:8786) ; "
        "ses travailleurs doivent avoir la même version de vccap et voir l'espace de travail "
        "au même chemin (dossier partagé)",
    )
    p.add_argument(
        "--force", action="store_true", help="tout reconstruire, sans tenir compte du cache"
    )
    p.add_argument(
        "--carnets-executes",
        metavar="DOSSIER",
        default=None,
        help="garder les carnets exécutés dans ce dossier (hors du site publié)",
    )
    p.add_argument(
        "--nouvelle-cle",
        action="store_true",
        help="accepter une nouvelle clé de pseudonymisation si la clé de l'espace a disparu",
    )


register(
    "build",
    "Construire le site des bilans (pages HTML) d'un espace de travail.",
    "vccap build data -o reports",
)(_setup_build)(cmd_build)


def cmd_carnets(args: argparse.Namespace) -> int:
    from vccap import overrides
    from vccap.loading import load_workspace

    ws = load_workspace(args.workspace)
    folder = ws.root / overrides.NOTEBOOKS_DIR
    written, kept = overrides.copy_kit_notebooks(folder, overwrite=args.force)
    out(f"Carnets de {shown(ws.root)} ({shown(folder)}) :")
    for path in written:
        out(f"  {path.name} : copié depuis le kit")
    for path in kept:
        out(f"  {path.name} : déjà adapté, conservé (--force pour le remplacer)")
    if args.gabarits:
        fragments = overrides.copy_kit_fragments(ws.root / overrides.FRAGMENTS_DIR / "modeles")
        out(
            f"{plural(len(fragments), 'fragment HTML')} du kit copiés pour référence dans "
            f"{shown(fragments[0].parent)} : copiez dans {overrides.FRAGMENTS_DIR}/ ceux que "
            "vous modifiez."
        )
    out(
        "Modifiez ces carnets dans JupyterLab (ajoutez une cellule, retirez une section) : "
        "« vccap build » les utilise à la place de ceux du kit et le signale."
    )
    return 0


def _setup_carnets(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument(
        "--force", action="store_true", help="remplacer les carnets déjà présents dans carnets/"
    )
    p.add_argument(
        "--gabarits",
        action="store_true",
        help="copier aussi les fragments HTML du kit (dans gabarits/modeles/, pour référence)",
    )


register(
    "carnets",
    "Copier les modèles de carnets du kit dans l'espace de travail pour les adapter.",
    "vccap carnets data",
)(_setup_carnets)(cmd_carnets)
