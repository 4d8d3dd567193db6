"""Command line: parsing and messages only; the work is done by the library."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from vccap import __version__
from vccap.errors import InvalidWorkspace, VccapError
from vccap.messages import format_error, format_problems, plural

# argparse builds its own messages with gettext; give them in French.
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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples."""


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    from vccap.loading import load_workspace

    ws = load_workspace(args.workspace)
    ws.load_all_tables()
    if ws.problems:
        for line in format_problems(ws.problems):
            _err(line)
        n = len(ws.problems)
        _err(
            f"{plural(n, 'problème')} trouvé{'s' if n > 1 else ''} : rien n'a été modifié, "
            "corrigez les fichiers indiqués puis relancez « vccap validate »."
        )
        return 1
    counts: dict[str, int] = {}
    rows: dict[str, int] = {}
    for action in ws.actions.values():
        counts[action.statut] = counts.get(action.statut, 0) + 1
        for kind, raw in ws.raw_tables(action.id).items():
            rows[kind] = rows.get(kind, 0) + len(raw.df)
    _out(f"Espace de travail valide : {ws.demarche.nom}")
    _out(
        f"  {plural(len(ws.territoires), 'territoire')}, "
        f"{plural(len(ws.structures), 'structure')}, "
        f"{plural(len(ws.actions), 'action')} ("
        f"{counts.get('realisee', 0)} réalisée(s), {counts.get('prevue', 0)} prévue(s), "
        f"{counts.get('annulee', 0)} annulée(s))"
    )
    for kind in sorted(rows):
        _out(f"  {kind} : {plural(rows[kind], 'ligne')}")
    return 0


def _indicator_rows(ws, action_ids: list[str]) -> list[dict]:
    from vccap import fmt
    from vccap.indicators import STATUS_LABELS, action_indicators

    rows = []
    for action_id in action_ids:
        values, objectives = action_indicators(ws, action_id)
        targets = {o.indicateur: o for o in objectives if o.indicateur}
        for ind_id, value in values.items():
            obj = targets.get(ind_id)
            rows.append(
                {
                    "action": action_id,
                    "indicateur": ind_id,
                    "libelle": value.libelle,
                    "valeur": value.valeur,
                    "valeur_affichee": fmt.valeur(value.valeur, value.unite),
                    "cible": obj.cible if obj else None,
                    "cible_affichee": fmt.valeur(obj.cible, value.unite)
                    if obj and obj.cible is not None
                    else "",
                    "statut": STATUS_LABELS[obj.statut] if obj else "",
                }
            )
    return rows


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def cmd_indicators(args: argparse.Namespace) -> int:
    from vccap.loading import load_workspace

    ws = load_workspace(args.workspace)
    if args.action:
        ws.action(args.action)
        ids = [args.action]
    else:
        ids = [a.id for a in ws.actions.values() if a.statut == "realisee"]
    failed: list[str] = []
    rows: list[dict] = []
    for action_id in ids:
        try:
            rows.extend(_indicator_rows(ws, [action_id]))
        except InvalidWorkspace as exc:
            failed.append(action_id)
            for line in format_problems(exc.problems):
                _err(line)
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["action", "indicateur", "valeur", "cible", "statut"])
        for r in rows:
            writer.writerow(
                [r["action"], r["indicateur"], _plain(r["valeur"]), _plain(r["cible"]), r["statut"]]
            )
        sys.stdout.write(buffer.getvalue())
    elif args.format == "json":
        payload = [
            {k: r[k] for k in ("action", "indicateur", "libelle", "valeur", "cible", "statut")}
            for r in rows
        ]
        _out(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_table(ws, rows)
    if failed:
        _err(
            f"Indicateurs non calculés pour {plural(len(failed), 'action')} : {', '.join(failed)}."
        )
        return 1
    return 0


def _print_table(ws, rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    by_action: dict[str, list[dict]] = {}
    for r in rows:
        by_action.setdefault(r["action"], []).append(r)
    for action_id, items in by_action.items():
        action = ws.actions[action_id]
        table = Table(title=f"{action.titre} ({action_id})", title_justify="left")
        table.add_column("Indicateur")
        table.add_column("Valeur", justify="right")
        table.add_column("Cible", justify="right")
        table.add_column("Statut")
        for r in items:
            table.add_row(r["libelle"], r["valeur_affichee"], r["cible_affichee"], r["statut"])
        console.print(table)


def cmd_build(args: argparse.Namespace) -> int:
    from vccap.build import build
    from vccap.build.run import default_jobs

    jobs = args.jobs or default_jobs()

    def reporter(event: str, data: dict) -> None:
        if event == "invalid":
            _err(f"  ✗ actions/{data['action']} : données invalides, bilan non construit")
            for line in data["problems"]:
                _err(f"      {line}")
        elif event == "plan":
            todo, total = data["todo"], data["total"]
            if todo == 0:
                _out(f"Les {plural(total, 'page')} sont à jour : rien à reconstruire.")
            else:
                _out(
                    f"Construction de {plural(todo, 'page')} sur {total} "
                    f"({plural(min(jobs, todo), 'processus', 'processus')} en parallèle)…"
                )
        elif event == "overrides":
            for name, count in data["notebooks"].items():
                _out(
                    f"Carnet de l'espace utilisé à la place de celui du kit : {name} "
                    f"({plural(count, 'page')})"
                )
            for name in data["fragments"]:
                _out(f"Fragment de l'espace utilisé à la place de celui du kit : {name}")
        elif event == "new_key":
            _out("Nouvelle clé de pseudonymisation : tout est relu et audité à nouveau.")
        elif event == "done":
            seconds = f"{data['seconds']:.1f}".replace(".", ",")
            mark = "✓" if data["ok"] else "✗"
            line = f"  [{data['done']}/{data['total']}] {mark} {data['job']} ({seconds} s)"
            if data["ok"]:
                _out(line)
            else:
                _err(f"{line} — échec : {data['error_name']} : {data['error']}")

    report = build(
        args.workspace,
        args.out,
        jobs=jobs,
        force=args.force,
        reporter=reporter,
        notebooks=args.carnets_executes,
        new_key=args.nouvelle_cle,
    )
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    _out(
        f"Site construit en {seconds} s : {plural(len(report.built), 'page')} construite"
        f"{'s' if len(report.built) > 1 else ''}, {plural(len(report.cached), 'page')} à jour."
    )
    if report.audited:
        _out("Audit des données personnelles : aucune trouvée.")
    else:
        _out("Audit des données personnelles : rien n'a changé depuis le dernier audit réussi.")
    _out(f"Ouvrir : {report.out / 'index.html'}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from vccap.errors import AuditFailed
    from vccap.loading import load_workspace
    from vccap.privacy import audit

    out = Path(args.out)
    if not out.is_dir():
        _err(f"Dossier introuvable : {out}")
        return 1
    values = None
    threshold, places = 3, frozenset()
    if args.workspace:
        ws = load_workspace(args.workspace)
        values, threshold, places = ws.personal_values, ws.seuil, ws.place_words
    hits = audit(out.resolve(), values, threshold=threshold, places=places)
    if hits:
        raise AuditFailed(hits)
    checked = "motifs de courriel et de téléphone" + (
        ", noms, courriels et téléphones des tableaux bruts" if values else ""
    )
    _out(f"Audit de {out} : aucune donnée personnelle trouvée ({checked}).")
    return 0


# --------------------------------------------------------------------------- parser


def _add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "workspace",
        nargs="?",
        default="data",
        metavar="ESPACE",
        help="dossier de l'espace de travail (par défaut : data)",
    )


COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable]] = {}


def _register(name: str, summary: str, example: str):
    def decorator(setup: Callable[[argparse.ArgumentParser], None]):
        def wrap(run: Callable):
            COMMANDS[name] = (summary, example, setup, run)
            return run

        return wrap

    return decorator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vccap",
        description="vccap — capitaliser et transférer les actions ville-campagne.",
        epilog="Aide d'une commande : vccap COMMANDE -h",
        formatter_class=_Formatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser.add_argument(
        "--version", action="version", version=f"vccap {__version__}", help="afficher la version"
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    for name, (summary, example, setup, _run) in COMMANDS.items():
        sub = subs.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"Exemple : {example}",
            formatter_class=_Formatter,
            add_help=False,
        )
        sub.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
        setup(sub)
    return parser


def _setup_validate(p: argparse.ArgumentParser) -> None:
    _add_workspace(p)


def _setup_indicators(p: argparse.ArgumentParser) -> None:
    _add_workspace(p)
    p.add_argument("--action", metavar="ID", help="une seule action (identifiant)")
    p.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="format de sortie (par défaut : table)",
    )


def _setup_build(p: argparse.ArgumentParser) -> None:
    _add_workspace(p)
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


def _setup_audit(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "out",
        nargs="?",
        default="reports",
        metavar="SORTIE",
        help="dossier publié à vérifier (par défaut : reports)",
    )
    p.add_argument(
        "-w",
        "--workspace",
        metavar="ESPACE",
        default=None,
        help="espace de travail dont les données brutes sont recherchées",
    )


_register(
    "validate", "Vérifier un espace de travail et signaler chaque problème.", "vccap validate data"
)(_setup_validate)(cmd_validate)
_register(
    "indicators",
    "Afficher les indicateurs et objectifs des actions réalisées.",
    "vccap indicators data --format csv",
)(_setup_indicators)(cmd_indicators)
_register(
    "build",
    "Construire le site des bilans (pages HTML) d'un espace de travail.",
    "vccap build data -o reports",
)(_setup_build)(cmd_build)
_register(
    "audit",
    "Rechercher des données personnelles dans un dossier publié.",
    "vccap audit reports -w data",
)(_setup_audit)(cmd_audit)


# --------------------------------------------------------------------------- scaffolding


def _shown(path: Path) -> str:
    """A path as the person typed it, relative to the current folder when possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_init(args: argparse.Namespace) -> int:
    from vccap.scaffold import init_workspace

    folder = init_workspace(Path(args.folder), args.region, nom=args.nom)
    where = _shown(folder)
    _out(f"Espace de travail créé : {where}")
    for name in sorted(p.name for p in folder.iterdir()):
        _out(f"  {name}{'/' if (folder / name).is_dir() else ''}")
    _out("Étapes suivantes :")
    _out(
        f"  1. complétez {where}/demarche.yml, {where}/territoires.csv et {where}/structures.csv ;"
    )
    _out(f"  2. créez une action : vccap new-action {where} TYPE --id AAAA-MM-nom-court ;")
    _out(f"  3. vérifiez : vccap validate {where}")
    _out(f"Mode d'emploi : {where}/README.md")
    return 0


def cmd_new_action(args: argparse.Namespace) -> int:
    from vccap.scaffold import ACTION_TEMPLATES_DIR, new_action

    folder = new_action(Path(args.workspace), args.type, args.id, titre=args.titre)
    where = _shown(folder)
    _out(f"Action créée : {where}")
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            _out(f"  {path.relative_to(folder).as_posix()}")
    _out("Étapes suivantes :")
    _out(f"  1. complétez {where}/action.yml (dates, lieu, territoires, partenaires, cibles) ;")
    _out(
        f"  2. remplissez les modèles de {where}/{ACTION_TEMPLATES_DIR}/ et enregistrez-les "
        f"dans le dossier de l'action ({where}/<tableau>.xlsx) ;"
    )
    _out(f"  3. vérifiez : vccap validate {_shown(Path(args.workspace))}")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from vccap.catalogue import default_types
    from vccap.errors import InputError, UnknownType
    from vccap.excel import write_templates
    from vccap.loading import load_workspace
    from vccap.schemas import SCHEMA_KINDS, TABLE_KINDS

    if bool(args.name) == bool(args.all):
        _err(
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
            _err(format_error(exc))
            _err("Pour remplacer des modèles vierges existants : ajoutez --force.")
            return 1
        raise
    _out(f"{plural(len(paths), 'modèle')} dans {_shown(Path(args.out))} :")
    for path in paths:
        _out(f"  {path.name}")
    _out(
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


_register(
    "init",
    "Créer un nouvel espace de travail vide (démarche, référentiels, modèles Excel).",
    'vccap init mon-espace --region Occitanie --nom "Ville-campagne en Occitanie"',
)(_setup_init)(cmd_init)
_register(
    "new-action",
    "Créer le dossier d'une nouvelle action (fiche, retour d'expérience, modèles Excel).",
    'vccap new-action mon-espace salon --id 2025-06-salon-lyon --titre "Salon de Lyon"',
)(_setup_new_action)(cmd_new_action)
_register(
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
    import zipfile

    from vccap.transfer import make_transfer_pack

    def reporter(event: str, data: dict) -> None:
        if event == "fiche":
            _out(
                f"Dossier de transfert « {data['libelle']} » : exécution de la fiche méthode "
                "(quelques secondes)…"
            )
        elif event == "audit":
            _out(f"Audit des données personnelles sur {plural(data['fichiers'], 'fichier')}…")

    out = Path(args.out or f"transfert-{args.type}.zip")
    path = make_transfer_pack(args.workspace, args.type, out, reporter=reporter)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    _out(
        f"Dossier de transfert créé : {_shown(path)} ({_size(path.stat().st_size)}, "
        f"{plural(len(names), 'fichier')})."
    )
    _out("Aucune donnée personnelle trouvée.")
    _out(
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


_register(
    "transfer",
    "Préparer le dossier de transfert d'un type d'action pour une autre région (zip).",
    "vccap transfer salon -w data -o transfert-salon.zip",
)(_setup_transfer)(cmd_transfer)


def cmd_carnets(args: argparse.Namespace) -> int:
    from vccap import overrides
    from vccap.loading import load_workspace

    ws = load_workspace(args.workspace)
    folder = ws.root / overrides.NOTEBOOKS_DIR
    written, kept = overrides.copy_kit_notebooks(folder, overwrite=args.force)
    _out(f"Carnets de {_shown(ws.root)} ({_shown(folder)}) :")
    for path in written:
        _out(f"  {path.name} : copié depuis le kit")
    for path in kept:
        _out(f"  {path.name} : déjà adapté, conservé (--force pour le remplacer)")
    if args.gabarits:
        fragments = overrides.copy_kit_fragments(ws.root / overrides.FRAGMENTS_DIR / "modeles")
        _out(
            f"{plural(len(fragments), 'fragment HTML')} du kit copiés pour référence dans "
            f"{_shown(fragments[0].parent)} : copiez dans {overrides.FRAGMENTS_DIR}/ ceux que "
            "vous modifiez."
        )
    _out(
        "Modifiez ces carnets dans JupyterLab (ajoutez une cellule, retirez une section) : "
        "« vccap build » les utilise à la place de ceux du kit et le signale."
    )
    return 0


def _setup_carnets(p: argparse.ArgumentParser) -> None:
    _add_workspace(p)
    p.add_argument(
        "--force", action="store_true", help="remplacer les carnets déjà présents dans carnets/"
    )
    p.add_argument(
        "--gabarits",
        action="store_true",
        help="copier aussi les fragments HTML du kit (dans gabarits/modeles/, pour référence)",
    )


_register(
    "carnets",
    "Copier les modèles de carnets du kit dans l'espace de travail pour les adapter.",
    "vccap carnets data",
)(_setup_carnets)(cmd_carnets)


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
        _err(format_error(exc))
        return 1
    except KeyboardInterrupt:
        _err("Interrompu.")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a defect of the kit, never of the user's data
        if os.environ.get("VCCAP_DEBUG"):
            raise
        _err(
            f"Erreur interne de vccap ({type(exc).__name__} : {exc}). Ce n'est pas un problème "
            "de vos fichiers : relancez avec VCCAP_DEBUG=1 pour le détail et signalez-le."
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
