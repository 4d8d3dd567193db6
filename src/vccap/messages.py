"""French messages for people, composed from the facts carried by exceptions."""

from __future__ import annotations

from collections import defaultdict

from vccap.errors import (
    AVERTISSEMENT,
    INFORMATION,
    AuditFailed,
    BuildFailed,
    ChromiumNotFound,
    ClusterError,
    DisclosureFailed,
    DocumentFailed,
    FederationAuditFailed,
    InputError,
    InvalidWorkspace,
    JobFailed,
    OpenDataMismatch,
    PackageUnreadable,
    QuartoFailed,
    SecretKeyError,
    TemplateNotFound,
    UnknownAction,
    UnknownFormat,
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
    """``fichier:ligne:colonne: « valeur » — attendu : …`` (parts left out when unknown).

    A warning reads ``… — avertissement : …`` and an information ``… — …`` (what was done
    rather than what was expected); the workbook sheet, when known, follows the place.
    """
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
    if problem.column:
        where += f":{problem.column}"
    if problem.sheet:
        where += f" (feuille « {problem.sheet} »)"
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
    if value is None and not problem.column:
        shown = ""
    if problem.severity == AVERTISSEMENT:
        lead = "avertissement : "
    elif problem.severity == INFORMATION:
        lead = ""
    else:
        lead = "attendu : "
    if shown:
        return f"{where}: {shown} — {lead}{problem.expected}"
    return f"{where}: {lead}{problem.expected}"


def group_problems(problems: list[InputError]) -> dict[str | None, list[InputError]]:
    groups: dict[str | None, list[InputError]] = defaultdict(list)
    for p in problems:
        groups[p.action].append(p)
    return dict(groups)


def format_problems(
    problems: list[InputError], noun: str = "problème", plural_noun: str | None = None
) -> list[str]:
    """Problems grouped by action (general problems first), one line each.

    ``noun`` names the items in each group's title (« problème », « avertissement »…).
    """
    lines: list[str] = []
    groups = group_problems(problems)
    ordered = sorted(groups, key=lambda k: (k is not None, k or ""))
    for action in ordered:
        items = groups[action]
        title = "Espace de travail" if action is None else f"Action {action}"
        lines.append(f"{title} — {plural(len(items), noun, plural_noun)} :")
        for p in items:
            lines.append("  " + format_problem(p))
    return lines


def lines_text(rows: tuple[int, ...] | list[int], line: int | None = None) -> str:
    """« ligne 7 », « lignes 7 et 8 », « lignes 3, 5, 9… » (at most eight numbers shown)."""
    numbers = sorted(set(rows)) or ([line] if line is not None else [])
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    shown = [str(n) for n in numbers[:8]]
    more = "…" if len(numbers) > 8 else ""
    return "lignes " + ", ".join(shown[:-1]) + " et " + shown[-1] + more


def _table_title(table: str | None) -> str:
    if table == "action":
        return "Description de l'action"
    if not table:
        return "Données"
    from vccap.schemas import SCHEMA_KINDS, load_schema

    return load_schema(table).title if table in SCHEMA_KINDS else table


_READER_WORDING = {
    "ligne_total": "{n} de total ({lines}) {verb} laissée{s} de côté.",
    "ligne_note": "{n} de note sous le tableau ({lines}) {verb} laissée{s} de côté.",
    "lignes_masquees": "{n} masquée{s} dans le tableur ({lines}) {verb} comptée{s}.",
    "doublon_ligne": "{n} identique{s} à une ligne précédente ({lines}) {verb} comptée{s}.",
    "doublon_personne": "une même personne apparaît sur plusieurs lignes ({lines}).",
    "date_eloignee": "une date éloignée des dates de l'action a été relevée ({lines}).",
    "dates_ordre_mixte": "des dates écrites tantôt jour/mois, tantôt mois/jour ({lines}) ont "
    "été lues chacune dans le seul ordre possible.",
    "colonne_semblable": "une colonne du fichier n'a pas été reconnue ; "
    "l'information qu'elle contient n'est pas prise en compte.",
    "nom_approchant": "le tableau a été lu dans un fichier dont le nom n'est pas le nom attendu.",
    "feuille_masquee": "le tableau a été lu dans une feuille masquée du classeur.",
    "fichier_non_reconnu": "un fichier de l'action n'a pas été reconnu et n'a pas été lu.",
    "budget_repete": "{n} ({lines}) répète{s_verb} une dépense du budget de l'action ; le coût "
    "total les compte deux fois.",
}


def reader_warning(problem: InputError) -> str:
    """A warning worded for a reader of the published page, in plain French.

    No file name, field id or command: the table's title, what was done and the lines
    concerned, e.g. « Coûts : une ligne de total (ligne 7) a été laissée de côté. ».
    """
    title = _table_title(problem.table)
    count = max(len(set(problem.rows)), 1)
    template = _READER_WORDING.get(problem.code)
    if template is None:
        return f"{title} : une valeur a été signalée à vérifier."
    several = count > 1
    text = template.format(
        n=f"{count} lignes" if several else "une ligne",
        lines=lines_text(problem.rows, problem.line) or "ligne inconnue",
        verb="ont été" if several else "a été",
        s="s" if several else "",
        s_verb="nt" if several else "",
    )
    return f"{title} : {text}"


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return f"{n} {word}"


def _bound(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:g}"


#: What a page's failure was, in French (the exception's class name never reaches users).
JOB_ERRORS = {
    "DonneesInvalides": "données invalides",
    "InvalidWorkspace": "données invalides",
    "AssertionError": "vérification en échec dans le carnet",
    "KeyError": "valeur introuvable dans le carnet",
    "CellTimeoutError": "carnet trop long",
    "DeadKernelError": "le noyau Python s'est arrêté",
    "OSError": "fichier illisible ou impossible à écrire",
    "FileNotFoundError": "fichier introuvable",
    "MemoryError": "mémoire insuffisante",
}


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
        kind = JOB_ERRORS.get(exc.error_name or "", "erreur dans le carnet")
        detail = f" ({kind} : {exc.error_value})" if exc.error_name else ""
        where = f" — voir {exc.notebook}" if exc.notebook else ""
        return f"Échec de « {exc.job} »{detail}{where}."
    if isinstance(exc, BuildFailed):
        lines = [format_error(f) for f in exc.failed]
        others = (
            f"les {exc.built} autres sont publiées"
            if exc.built > 1
            else ("l'autre est publiée" if exc.built == 1 else "aucune autre page")
        )
        lines.append(
            f"{plural(len(exc.failed), 'page')} en échec ; {others} (construites maintenant "
            "ou déjà à jour)."
            if exc.built
            else f"{plural(len(exc.failed), 'page')} en échec ; aucune autre page."
        )
        if exc.log is not None:
            lines.append(f"Journal de construction : {exc.log}")
        return "\n".join(lines)
    if isinstance(exc, DisclosureFailed):
        lines = [
            f"{page} : une cellule masquée se déduit des chiffres publiés (entre "
            f"{_bound(low)} et {_bound(high)})"
            for page, _key, low, high in exc.findings
        ]
        lines.append(
            "Contrôle statistique : "
            + plural(len(exc.findings), "cellule masquée retrouvable", "cellules masquées "
                     "retrouvables")
            + f" malgré les masquages complémentaires (seuil {exc.threshold}). Le site n'est pas "
            "publié : signalez-le à l'équipe du kit."
        )  # fmt: skip
        return "\n".join(lines)
    if isinstance(exc, AuditFailed):
        lines = [
            f"{h.file}:{h.line}: donnée personnelle ({h.kind}) : {h.excerpt}" for h in exc.hits
        ]
        found = plural(len(exc.hits), "donnée personnelle trouvée", "données personnelles trouvées")
        if exc.published:
            lines.append(f"Audit : {found} dans les fichiers publiés.")
        else:
            lines.append(
                f"Audit : {found} dans les pages produites. Rien n'a été publié : le site "
                "précédent, s'il existe, est conservé tel quel. Ces données viennent des textes "
                "de l'espace de travail (retour d'expérience, descriptif ou titre dans "
                "action.yml…) : l'extrait ci-dessus aide à les y retrouver et à les corriger."
            )
        return "\n".join(lines)
    if isinstance(exc, OpenDataMismatch):
        lines = [f"{file} : {what}" for file, what in exc.findings]
        lines.append(
            "Données ouvertes : "
            + plural(len(exc.findings), "fichier ne correspond", "fichiers ne correspondent")
            + " pas à ce que les pages publient. Le site n'est pas publié : signalez-le à "
            "l'équipe du kit."
        )
        return "\n".join(lines)
    if isinstance(exc, PackageUnreadable):
        reasons = {
            "introuvable": "aucun paquet de données (donnees/datapackage.json) à cet endroit",
            "illisible": "fichier illisible",
            "invalide": "paquet de données invalide",
            "version": "version du format non prise en charge (attendue : 1.x)",
            "region_double": "une autre source donne déjà les chiffres de cette région",
        }
        detail = f" ({exc.detail})" if exc.detail else ""
        return (
            f"{exc.source} : {reasons.get(exc.reason, exc.reason)}{detail}. Donnez le dossier "
            "d'un site construit par « vccap build » ou son fichier donnees/datapackage.json."
        )
    if isinstance(exc, FederationAuditFailed):
        lines = [f"{where} : {what}" for where, what in exc.findings]
        lines.append(
            "Contrôle du site national : "
            + plural(len(exc.findings), "chiffre ne se déduit", "chiffres ne se déduisent")
            + " pas des seuls chiffres publiés par les régions. Le site n'est pas publié : "
            "signalez-le à l'équipe du kit."
        )
        return "\n".join(lines)
    if isinstance(exc, UnknownFormat):
        names = ", ".join(f"« {n} »" for n in exc.names)
        return f"Format inconnu : {names}. Formats possibles : {', '.join(exc.valid)}."
    if isinstance(exc, ChromiumNotFound):
        return chromium_missing(exc)
    if isinstance(exc, DocumentFailed):
        kinds = {"docx": "Le document Word", "pdf": "Le PDF"}
        detail = f" ({exc.detail})" if exc.detail else ""
        return (
            f"{kinds.get(exc.format, exc.format)} de « {exc.page} » n'a pas pu être produit"
            f"{detail} ; la page HTML est construite, le document sera refait à la prochaine "
            "construction."
        )
    if isinstance(exc, ClusterError):
        return cluster_error(exc)
    if isinstance(exc, QuartoFailed):
        tail = f"\n{exc.output}" if exc.output else ""
        return f"« quarto render » a échoué (code {exc.returncode}) dans {exc.project}.{tail}"
    return f"Erreur : {exc}"


def chromium_missing(exc: ChromiumNotFound) -> str:
    """How to get a Chromium for the PDF files (French)."""
    if exc.given:
        first = f"Chromium introuvable à l'emplacement donné : {exc.given}."
    else:
        names = ", ".join(exc.searched) or "chromium"
        first = f"Pas de PDF : aucun navigateur Chromium trouvé (cherché : {names})."
    return (
        f"{first} Les PDF sont imprimés par un Chromium sans interface, à partir des pages. "
        "Pour en avoir un : sous Debian ou Ubuntu, « sudo apt-get install chromium » ; "
        "ailleurs, installer Chromium ou Google Chrome. Puis relancer la commande, au besoin "
        "avec --chromium CHEMIN (chemin du programme). Les formats html et docx n'en ont pas "
        "besoin."
    )


def cluster_error(exc: ClusterError) -> str:
    """Why the Dask cluster cannot build the pages (French); nothing was built."""
    where = f"Grappe Dask {exc.address} : "
    workers = ", ".join(exc.workers)
    if exc.reason == "absent":
        return (
            where + "le paquet « distributed » n'est pas installé "
            "(pip install 'dask[distributed]')."
        )
    if exc.reason == "injoignable":
        detail = f" ({exc.detail})" if exc.detail else ""
        return (
            where + f"aucun ordonnanceur ne répond{detail}. Démarrez-le avec « dask scheduler » "
            "et vérifiez l'adresse (tcp://machine:8786)."
        )
    if exc.reason == "sans_travailleur":
        return where + "aucun travailleur. Démarrez-en avec « dask worker ADRESSE »."
    if exc.reason == "espace_invisible":
        return (
            where + f"aucun travailleur ne voit l'espace de travail {exc.path} ({workers}). "
            "Les travailleurs doivent voir l'espace au même chemin (dossier partagé)."
        )
    if exc.reason == "autre_version":
        return (
            where + f"ces travailleurs n'ont pas la même version de vccap : {workers}. "
            "Installez la même version partout, puis redémarrez les travailleurs."
        )
    return where + exc.reason
