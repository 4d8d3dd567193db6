"""French messages for people, composed from the facts carried by exceptions."""

from __future__ import annotations

from collections import defaultdict

from vccap.errors import (
    AuditFailed,
    BuildFailed,
    InputError,
    InvalidWorkspace,
    JobFailed,
    SecretKeyError,
    TemplateNotFound,
    UnknownAction,
    UnknownPage,
    UnknownParameter,
    UnknownTerritory,
    UnknownType,
    VccapError,
    WorkspaceNotFound,
)

#: How each page kind's keys are named in messages: (the thing, the list of valid ones).
PAGE_NOUNS = {
    "actions": ("Action", "Actions réalisées dont les données sont valides"),
    "fiches": ("Type d'action", "Types ayant au moins une édition réalisée"),
    "annees": ("Année", "Années de la démarche"),
    "territoires": ("Territoire", "Territoires de territoires.csv"),
}


def format_problem(problem: InputError) -> str:
    """``fichier:ligne:colonne: « valeur » — attendu : …`` (parts left out when unknown)."""
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
    if problem.column:
        where += f":{problem.column}"
    value = problem.value
    shown = f"« {value} »" if value not in (None, "") else "(vide)"
    if problem.code in {
        "fichier_vide",
        "fichier_illisible",
        "fichier_absent",
        "yaml_invalide",
        "colonne_manquante",
        "fichier_double",
    }:
        shown = f"« {value} »" if value else ""
    text = (
        f"{where}: {shown} — attendu : {problem.expected}"
        if shown
        else (f"{where}: attendu : {problem.expected}")
    )
    return text


def group_problems(problems: list[InputError]) -> dict[str | None, list[InputError]]:
    groups: dict[str | None, list[InputError]] = defaultdict(list)
    for p in problems:
        groups[p.action].append(p)
    return dict(groups)


def format_problems(problems: list[InputError]) -> list[str]:
    """Problems grouped by action (general problems first), one line each."""
    lines: list[str] = []
    groups = group_problems(problems)
    ordered = sorted(groups, key=lambda k: (k is not None, k or ""))
    for action in ordered:
        items = groups[action]
        title = "Espace de travail" if action is None else f"Action {action}"
        count = len(items)
        lines.append(f"{title} — {count} problème{'s' if count > 1 else ''} :")
        for p in items:
            lines.append("  " + format_problem(p))
    return lines


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return f"{n} {word}"


def format_error(exc: VccapError) -> str:
    """One French message for any vccap error (the CLI prints it and exits non-zero)."""
    if isinstance(exc, InputError):
        return format_problem(exc)
    if isinstance(exc, InvalidWorkspace):
        lines = format_problems(exc.problems)
        n = len(exc.problems)
        lines.append(f"{plural(n, 'problème')} à corriger dans {exc.root}.")
        return "\n".join(lines)
    if isinstance(exc, WorkspaceNotFound):
        reasons = {
            "absent": "ce dossier n'existe pas",
            "pas_un_dossier": "ce chemin n'est pas un dossier",
            "sans_demarche": "il ne contient pas de fichier demarche.yml "
            "(créez un espace avec « vccap init DOSSIER --region NOM »)",
        }
        return (
            f"Espace de travail introuvable : {exc.path} — {reasons.get(exc.reason, exc.reason)}."
        )
    if isinstance(exc, UnknownAction):
        known = ", ".join(exc.known) if exc.known else "aucune"
        return f"Action inconnue : « {exc.action_id} ». Actions de l'espace : {known}."
    if isinstance(exc, UnknownType):
        return (
            f"Type d'action inconnu : « {exc.type_id} ». Types du catalogue : "
            f"{', '.join(exc.known)}."
        )
    if isinstance(exc, UnknownTerritory):
        known = ", ".join(exc.known) if exc.known else "aucun"
        return (
            f"Territoire inconnu : « {exc.territoire_id} ». Territoires de territoires.csv : "
            f"{known}."
        )
    if isinstance(exc, UnknownPage):
        what = PAGE_NOUNS.get(exc.kind, ("Page", "Pages possibles"))
        known = ", ".join(exc.valid) if exc.valid else "aucune"
        return f"{what[0]} sans page : « {exc.key} ». {what[1]} : {known}."
    if isinstance(exc, UnknownParameter):
        names = ", ".join(f"« {n} »" for n in exc.names)
        s = "s" if len(exc.names) > 1 else ""
        return (
            f"Paramètre{s} inconnu{s} pour le carnet {exc.notebook} : {names}. "
            f"Paramètres possibles : {', '.join(exc.valid)}."
        )
    if isinstance(exc, TemplateNotFound):
        places = ", ".join(str(p) for p in exc.searched) or "aucun dossier"
        return f"Modèle de carnet introuvable : {exc.name} (cherché dans : {places})."
    if isinstance(exc, SecretKeyError):
        reasons = {
            "illisible": "le fichier est illisible",
            "trop_courte": "la clé est trop courte",
            "absente": "la clé n'existe pas",
            "ecriture_impossible": "impossible de la créer (dossier en lecture seule ?)",
        }
        if exc.reason == "disparue":
            return (
                f"Erreur : la clé de pseudonymisation a disparu ({exc.path}) : les personnes "
                "ne seront plus reconnues d'une action à l'autre. Remettez le fichier depuis "
                "votre sauvegarde, ou, s'il est perdu pour de bon, relancez avec --nouvelle-cle "
                "(une nouvelle clé est créée et tout le site est reconstruit et audité)."
            )
        return f"Clé de pseudonymisation {exc.path} : {reasons.get(exc.reason, exc.reason)}."
    if isinstance(exc, JobFailed):
        detail = f" ({exc.error_name} : {exc.error_value})" if exc.error_name else ""
        where = f" — voir {exc.notebook}" if exc.notebook else ""
        return f"Échec de « {exc.job} »{detail}{where}."
    if isinstance(exc, BuildFailed):
        lines = [format_error(f) for f in exc.failed]
        lines.append(
            f"{plural(len(exc.failed), 'page')} en échec, {plural(exc.built, 'page')} "
            f"construite{'s' if exc.built > 1 else ''}."
        )
        if exc.log is not None:
            lines.append(f"Journal de construction : {exc.log}")
        return "\n".join(lines)
    if isinstance(exc, AuditFailed):
        lines = [
            f"{h.file}:{h.line}: donnée personnelle ({h.kind}) : {h.excerpt}" for h in exc.hits
        ]
        lines.append(
            "Audit : "
            + plural(len(exc.hits), "donnée personnelle trouvée", "données personnelles trouvées")
            + " dans les fichiers publiés."
        )
        return "\n".join(lines)
    return f"Erreur : {exc}"
