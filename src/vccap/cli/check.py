"""Commands that check a workspace or a site: validate, indicators, audit."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from vccap.cli.common import add_workspace, err, out, register, shown
from vccap.errors import InvalidWorkspace
from vccap.messages import format_problems, plural


def cmd_validate(args: argparse.Namespace) -> int:
    from vccap.loading import load_workspace

    ws = load_workspace(args.workspace)
    ws.load_all_tables()
    if ws.problems:
        for line in format_problems(ws.problems):
            err(line)
        n = len(ws.problems)
        err(
            f"{plural(n, 'problème')} trouvé{'s' if n > 1 else ''} : rien n'a été modifié, "
            "corrigez les fichiers indiqués puis relancez « vccap validate »."
        )
        _print_notices(ws)
        return 1
    counts: dict[str, int] = {}
    rows: dict[str, int] = {}
    for action in ws.actions.values():
        counts[action.statut] = counts.get(action.statut, 0) + 1
        for kind, raw in ws.raw_tables(action.id).items():
            rows[kind] = rows.get(kind, 0) + len(raw.df)
    out(f"Espace de travail valide : {ws.demarche.nom}")
    out(
        f"  {plural(len(ws.territoires), 'territoire')}, "
        f"{plural(len(ws.structures), 'structure')}, "
        f"{plural(len(ws.actions), 'action')} ("
        f"{counts.get('realisee', 0)} réalisée(s), {counts.get('prevue', 0)} prévue(s), "
        f"{counts.get('annulee', 0)} annulée(s))"
    )
    for kind in sorted(rows):
        out(f"  {kind} : {plural(rows[kind], 'ligne')}")
    _print_notices(ws)
    if ws.warnings and getattr(args, "strict", False):
        err("Mode strict : les avertissements comptent comme des problèmes.")
        return 1
    return 0


def _print_notices(ws) -> None:
    """Warnings, then what was left aside (ignored columns, files, sheets)."""
    if ws.warnings:
        out("")
        out(f"{plural(len(ws.warnings), 'avertissement')} (les chiffres sont calculés, "
            "vérifiez ces points) :")  # fmt: skip
        for line in format_problems(ws.warnings, "avertissement"):
            out("  " + line)
    if ws.ignored:
        out("")
        out("Colonnes, feuilles et fichiers laissés de côté :")
        for line in format_problems(ws.ignored, "élément ignoré", "éléments ignorés"):
            out("  " + line)


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

    if args.sortie and args.format != "csv-excel":
        err("L'option --sortie s'utilise avec --format csv-excel.")
        return 2
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
                err(line)
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["action", "indicateur", "valeur", "cible", "statut"])
        for r in rows:
            writer.writerow(
                [r["action"], r["indicateur"], _plain(r["valeur"]), _plain(r["cible"]), r["statut"]]
            )
        sys.stdout.write(buffer.getvalue())
    elif args.format == "csv-excel":
        from vccap.opendata.excel import typed_csv

        data = typed_csv(
            ["Action", "Indicateur", "Libellé", "Valeur", "Cible", "Statut"],
            (
                [r["action"], r["indicateur"], r["libelle"], r["valeur"], r["cible"], r["statut"]]
                for r in rows
            ),
        )
        if args.sortie:
            Path(args.sortie).write_bytes(data)
            out(f"Indicateurs écrits dans {shown(Path(args.sortie))} (CSV pour Excel).")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    elif args.format == "json":
        payload = [
            {k: r[k] for k in ("action", "indicateur", "libelle", "valeur", "cible", "statut")}
            for r in rows
        ]
        out(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_table(ws, rows)
    if failed:
        err(f"Indicateurs non calculés pour {plural(len(failed), 'action')} : {', '.join(failed)}.")
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


def cmd_audit(args: argparse.Namespace) -> int:
    from vccap.errors import AuditFailed
    from vccap.loading import load_workspace
    from vccap.privacy import audit

    folder = Path(args.out)
    if not folder.is_dir():
        err(f"Dossier introuvable : {folder}")
        return 1
    values = None
    threshold, places = 3, frozenset()
    if args.workspace:
        ws = load_workspace(args.workspace)
        values, threshold, places = ws.personal_values, ws.seuil, ws.place_words
    hits = audit(folder.resolve(), values, threshold=threshold, places=places)
    if hits:
        raise AuditFailed(hits)
    checked = "motifs de courriel et de téléphone" + (
        ", noms, courriels et téléphones des tableaux bruts" if values else ""
    )
    out(f"Audit de {folder} : aucune donnée personnelle trouvée ({checked}).")
    from vccap.errors import OpenDataMismatch
    from vccap.opendata.check import check_open_data

    findings = check_open_data(folder.resolve())
    if findings:
        raise OpenDataMismatch(findings)
    if (folder / "donnees").is_dir():
        out(f"Données ouvertes de {folder} : chaque fichier dit ce que sa page publie.")
    if args.workspace:
        return _statistical_audit(ws, folder.resolve())
    out(
        "Contrôle statistique non fait : donnez l'espace de travail (-w ESPACE) pour vérifier "
        "qu'aucun effectif masqué ne se déduit des nombres publiés."
    )
    return 0


def _statistical_audit(ws, folder: Path) -> int:
    from vccap.build.disclosure import ledgers_of
    from vccap.build.state import BuildState, state_dir
    from vccap.disclosure.control import audit
    from vccap.disclosure.masks import read_masks
    from vccap.disclosure.populations import Populations
    from vccap.errors import DisclosureFailed

    ledgers = ledgers_of(BuildState.load(state_dir(ws.root, folder)).summaries)
    if not ledgers:
        out(
            "Contrôle statistique non fait : ce dossier n'a pas été construit par « vccap build » "
            "(l'état de construction, qui dit ce que chaque page publie, est introuvable)."
        )
        return 1
    result = audit(list(ledgers.values()), Populations.of(ws), ws.seuil, masks=read_masks(ws.root))
    if result.findings:
        raise DisclosureFailed(
            [(f.page, f.figure.key(), f.low, f.high) for f in result.findings], ws.seuil
        )
    d = result.as_dict()
    out(
        f"Contrôle statistique de {len(ledgers)} pages : {d['cellules_publiees']} nombres "
        f"publiés sur des personnes et {d['parts_publiees']} taux ; "
        f"{d['cellules_masquees']} cellules masquées, dont {d['masquees_primaires']} petits "
        f"effectifs (de 1 à {ws.seuil - 1}) et {d['masquees_secondaires']} par masquage "
        f"complémentaire ; aucune ne se retrouve à partir des nombres publiés "
        f"({fmt_seconds(d['secondes'])})."
    )
    return 0


def fmt_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")


def _setup_validate(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument(
        "--strict",
        action="store_true",
        help="échouer (code 1) aussi quand il y a des avertissements",
    )


def _setup_indicators(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument("--action", metavar="ID", help="une seule action (identifiant)")
    p.add_argument(
        "--format",
        choices=["table", "csv", "csv-excel", "json"],
        default="table",
        help="format de sortie (par défaut : table) ; csv-excel : CSV qui s'ouvre en colonnes "
        "dans Excel en français (séparateur « ; », virgule décimale, UTF-8 avec BOM)",
    )
    p.add_argument(
        "-o",
        "--sortie",
        metavar="FICHIER",
        help="écrire le CSV pour Excel dans ce fichier plutôt qu'à l'écran (avec --format "
        "csv-excel)",
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


register(
    "validate", "Vérifier un espace de travail et signaler chaque problème.", "vccap validate data"
)(_setup_validate)(cmd_validate)
register(
    "indicators",
    "Afficher les indicateurs et objectifs des actions réalisées.",
    "vccap indicators data --format csv",
)(_setup_indicators)(cmd_indicators)
register(
    "audit",
    "Rechercher des données personnelles dans un dossier publié.",
    "vccap audit reports -w data",
)(_setup_audit)(cmd_audit)
