"""Commands that start or hand over a workspace: init, new-action, templates, transfer."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

from vccap.cli.common import err, out, register, shown
from vccap.messages import format_error, plural


def cmd_init(args: argparse.Namespace) -> int:
    from vccap.scaffold import init_workspace

    folder = init_workspace(Path(args.folder), args.region, nom=args.nom)
    where = shown(folder)
    out(f"Espace de travail créé : {where}")
    for name in sorted(p.name for p in folder.iterdir()):
        out(f"  {name}{'/' if (folder / name).is_dir() else ''}")
    out("Étapes suivantes :")
    out(f"  1. complétez {where}/demarche.yml, {where}/territoires.csv et {where}/structures.csv ;")
    out(f"  2. créez une action : vccap new-action {where} TYPE --id AAAA-MM-nom-court ;")
    out(f"  3. vérifiez : vccap validate {where}")
    out(f"Mode d'emploi : {where}/README.md")
    return 0


def cmd_new_action(args: argparse.Namespace) -> int:
    from vccap.scaffold import ACTION_TEMPLATES_DIR, new_action

    folder = new_action(Path(args.workspace), args.type, args.id, titre=args.titre)
    where = shown(folder)
    out(f"Action créée : {where}")
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out(f"  {path.relative_to(folder).as_posix()}")
    out("Étapes suivantes :")
    out(f"  1. complétez {where}/action.yml (dates, lieu, territoires, partenaires, cibles) ;")
    out(
        f"  2. remplissez les modèles de {where}/{ACTION_TEMPLATES_DIR}/ et enregistrez-les "
        f"dans le dossier de l'action ({where}/<tableau>.xlsx) ;"
    )
    out(f"  3. vérifiez : vccap validate {shown(Path(args.workspace))}")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from vccap.catalogue import default_types
    from vccap.errors import InputError, UnknownType
    from vccap.excel import write_templates
    from vccap.loading import load_workspace
    from vccap.schemas import SCHEMA_KINDS, TABLE_KINDS

    if bool(args.name) == bool(args.all):
        err(
            "vccap templates : indiquez soit un type d'action (ex. salon) ou une table "
            "(ex. contacts), soit --all."
        )
        return 2
    references = None
    types = default_types()
    if args.workspace:
        ws = load_workspace(args.workspace)
        types = ws.types
        references = {
            "territoires": [t.nom for t in ws.territoires.values()],
            "structures": [s.nom for s in ws.structures.values()],
        }
    if args.all:
        kinds = list(TABLE_KINDS)
    elif args.name in SCHEMA_KINDS:
        kinds = [args.name]
    elif args.name in types:
        kinds = [k for k in types[args.name].tables if k in SCHEMA_KINDS]
    else:
        raise UnknownType(args.name, sorted(types))
    try:
        paths = write_templates(kinds, Path(args.out), references=references, overwrite=args.force)
    except InputError as exc:
        if exc.code == "fichier_existant":
            err(format_error(exc))
            err("Pour remplacer des modèles vierges existants : ajoutez --force.")
            return 1
        raise
    out(f"{plural(len(paths), 'modèle')} dans {shown(Path(args.out))} :")
    for path in paths:
        out(f"  {path.name}")
    out(
        "Remplissez un modèle puis enregistrez-le dans le dossier de l'action, sous son nom "
        "(ex. actions/2025-06-salon-lyon/contacts.xlsx) ; vérifiez avec « vccap validate »."
    )
    return 0


def _setup_init(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DOSSIER", help="dossier à créer (absent ou vide)")
    p.add_argument("--region", required=True, metavar="NOM", help="région de la démarche")
    p.add_argument("--nom", default=None, metavar="NOM", help="nom de la démarche (facultatif)")


def _setup_new_action(p: argparse.ArgumentParser) -> None:
    p.add_argument("workspace", metavar="ESPACE", help="dossier de l'espace de travail")
    p.add_argument("type", metavar="TYPE", help="type d'action du catalogue (ex. salon)")
    p.add_argument(
        "--id",
        required=True,
        metavar="ID",
        help="identifiant AAAA-MM-mots-en-minuscules (ex. 2025-06-salon-lyon)",
    )
    p.add_argument("--titre", default=None, metavar="T", help="titre de l'action (facultatif)")


def _setup_templates(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "name",
        nargs="?",
        default=None,
        metavar="TYPE",
        help="type d'action (ses tableaux) ou nom d'une table (ex. salon, contacts)",
    )
    p.add_argument("--all", action="store_true", help="les modèles de toutes les tables")
    p.add_argument(
        "-o",
        "--out",
        default="modeles",
        metavar="DOSSIER",
        help="dossier où écrire les modèles (par défaut : modeles)",
    )
    p.add_argument(
        "-w",
        "--workspace",
        default=None,
        metavar="ESPACE",
        help="espace de travail : ses types d'action et ses territoires en listes déroulantes",
    )
    p.add_argument(
        "--force", action="store_true", help="remplacer des fichiers existants du même nom"
    )


register(
    "init",
    "Créer un nouvel espace de travail vide (démarche, référentiels, modèles Excel).",
    'vccap init mon-espace --region Occitanie --nom "Ville-campagne en Occitanie"',
)(_setup_init)(cmd_init)
register(
    "new-action",
    "Créer le dossier d'une nouvelle action (fiche, retour d'expérience, modèles Excel).",
    'vccap new-action mon-espace salon --id 2025-06-salon-lyon --titre "Salon de Lyon"',
)(_setup_new_action)(cmd_new_action)
register(
    "templates",
    "Produire les modèles Excel vierges des tableaux (un type d'action, une table ou --all).",
    "vccap templates salon -w data -o modeles",
)(_setup_templates)(cmd_templates)


def _size(n: int) -> str:
    from vccap import fmt

    if n >= 1_000_000:
        return f"{fmt.nombre(round(n / 1_000_000, 1))} Mo"
    return f"{fmt.nombre(max(1, round(n / 1000)))} ko"


def cmd_transfer(args: argparse.Namespace) -> int:

    from vccap.transfer import make_transfer_pack

    def reporter(event: str, data: dict) -> None:
        if event == "fiche":
            out(
                f"Dossier de transfert « {data['libelle']} » : exécution de la fiche méthode "
                "(quelques secondes)…"
            )
        elif event == "audit":
            out(f"Audit des données personnelles sur {plural(data['fichiers'], 'fichier')}…")

    target = Path(args.out or f"transfert-{args.type}.zip")
    path = make_transfer_pack(args.workspace, args.type, target, reporter=reporter)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    out(
        f"Dossier de transfert créé : {shown(path)} ({_size(path.stat().st_size)}, "
        f"{plural(len(names), 'fichier')})."
    )
    out("Aucune donnée personnelle trouvée.")
    out(
        "À transmettre à la région qui reprend l'action : elle commence par LISEZMOI.md et "
        f"la fiche méthode fiche-{args.type}.html (lisible sans connexion)."
    )
    return 0


def _setup_transfer(p: argparse.ArgumentParser) -> None:
    p.add_argument("type", metavar="TYPE", help="type d'action du catalogue (ex. salon)")
    p.add_argument(
        "-w",
        "--workspace",
        default="data",
        metavar="ESPACE",
        help="espace de travail dont les éditions nourrissent la fiche (par défaut : data)",
    )
    p.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FICHIER.zip",
        help="fichier zip à écrire (par défaut : transfert-TYPE.zip)",
    )


register(
    "transfer",
    "Préparer le dossier de transfert d'un type d'action pour une autre région (zip).",
    "vccap transfer salon -w data -o transfert-salon.zip",
)(_setup_transfer)(cmd_transfer)
