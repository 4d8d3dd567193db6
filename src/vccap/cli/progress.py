"""The progress lines of a build (``vccap build``, ``vccap quarto``)."""

from __future__ import annotations

from collections.abc import Callable

from vccap.cli.common import err, out
from vccap.messages import plural


def documents_done(line: str, data: dict) -> tuple[str, list[str]]:
    """The progress line of a page with its documents, and the lines of failed ones."""
    docs = " + ".join(data.get("documents", []))
    failed = [
        f"      {fmt} non produit : {detail}"
        for fmt, detail in data.get("documents_failed", {}).items()
    ]
    return line + (f" + {docs}" if docs else ""), failed


def build_reporter(jobs: int) -> Callable[[str, dict], None]:
    """The reporter given to :func:`vccap.build.build`: one French line per event."""

    def reporter(event: str, data: dict) -> None:
        if event == "invalid":
            err(f"  ✗ actions/{data['action']} : données invalides, bilan non construit")
            for line in data["problems"]:
                err(f"      {line}")
        elif event == "plan":
            todo, total = data["todo"], data["total"]
            if todo == 0:
                out(f"Les {plural(total, 'page')} sont à jour : rien à reconstruire.")
            else:
                where = (
                    f"sur la grappe Dask {data['dask']}"
                    if data.get("dask")
                    else f"{plural(min(jobs, todo), 'processus', 'processus')} en parallèle"
                )
                out(f"Construction de {plural(todo, 'page')} sur {total} ({where})…")
            if data.get("documents"):
                out(f"Documents à écrire pour {plural(data['documents'], 'page')} à jour.")
        elif event == "masques":
            out(
                f"Contrôle statistique : {plural(data['nouveaux'], 'cellule')} de plus à "
                f"masquer pour qu'aucune cellule masquée ne se déduise des autres chiffres ; "
                f"{plural(len(data['pages']), 'page')} à republier."
            )
        elif event == "controle_avant":
            seconds = f"{data['secondes']:.1f}".replace(".", ",")
            masked = (
                f"{plural(data['nouveaux'], 'cellule')} de plus à masquer pour qu'aucune "
                "cellule masquée ne se déduise des autres chiffres"
                if data["nouveaux"]
                else "aucune cellule de plus à masquer"
            )
            out(
                f"Contrôle statistique avant les pages ({plural(data['pages'], 'page')} "
                f"préparée{'s' if data['pages'] > 1 else ''}) : {masked} ({seconds} s)."
            )
        elif event == "overrides":
            for name, count in data["notebooks"].items():
                out(
                    f"Carnet de l'espace utilisé à la place de celui du kit : {name} "
                    f"({plural(count, 'page')})"
                )
            for name in data["fragments"]:
                out(f"Fragment de l'espace utilisé à la place de celui du kit : {name}")
        elif event == "new_key":
            out("Nouvelle clé de pseudonymisation : tout est relu et audité à nouveau.")
        elif event == "done":
            seconds = f"{data['seconds']:.1f}".replace(".", ",")
            mark = "✓" if data["ok"] else "✗"
            line = f"  [{data['done']}/{data['total']}] {mark} {data['job']} ({seconds} s)"
            if data["ok"]:
                line, failed = documents_done(line, data)
                out(line)
                for failure in failed:
                    err(failure)
            else:
                err(f"{line} — échec : {data['error_name']} : {data['error']}")

    return reporter
