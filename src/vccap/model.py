"""The workspace's typed objects: démarche, territories, structures, types, actions, debriefs.

Plain dataclasses, built by :mod:`vccap.loading` from the files people type
(``demarche.yml``, ``territoires.csv``, ``structures.csv``, ``types_action.yml``,
``actions/<id>/action.yml``, ``retour_experience.md``). No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vccap.fmt import avec_article
from vccap.normalize import fold

SLUG_RE = re.compile(r"^(\d{4})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
STATUTS = {"prevue": "prévue", "realisee": "réalisée", "annulee": "annulée"}
MILIEUX_TERRITOIRE = ("rural", "periurbain", "urbain")
MILIEUX_STRUCTURE = ("rural", "urbain")
DEBRIEF_FILE = "retour_experience.md"
DEBRIEF_HEADINGS = (
    "Ce qui a fonctionné",
    "Difficultés",
    "À faire évoluer",
    "Conseils pour transférer",
)

ACTION_KEYS = {
    "id",
    "titre",
    "type",
    "statut",
    "date_debut",
    "date_fin",
    "lieu",
    "territoire_accueil",
    "territoires",
    "partenaires",
    "descriptif",
    "objectifs",
    "budget",
    "temps_agents_jours",
    "source",
}
DEMARCHE_KEYS = {
    "nom",
    "region",
    "chef_de_file",
    "annees",
    "seuil_confidentialite",
    "description",
    "principes",
    "source",
    "site",
}
TYPE_KEYS = {
    "libelle",
    "description",
    "tables",
    "indicateurs",
    "indicateurs_cles",
    "retroplanning",
    "resume",
    "conditions_transfert",
    "outils",
    "carnet",
}


# --------------------------------------------------------------------------- typed objects


@dataclass(frozen=True)
class Territoire:
    id: str
    nom: str
    milieu: str
    departement: str = ""
    #: The article the name takes in a sentence (le, la, les, l', aucun), "" when not given.
    article: str = ""

    def nom_avec(self, preposition: str = "") -> str:
        """The name with its article after ``preposition`` ("", "de", "à", "avec"…):
        « de la CC Pays Diois », « au Site de proximité du Roannais »; without an article
        in territoires.csv, « du territoire CC Pays Diois » (see :func:`vccap.fmt.avec_article`).
        """
        return avec_article(self.nom, self.article, preposition)


@dataclass(frozen=True)
class Structure:
    id: str
    nom: str
    categorie: str
    milieu: str
    territoire: str | None = None


@dataclass(frozen=True)
class Indicateur:
    id: str
    libelle: str
    unite: str
    calcul: dict[str, Any]
    sens: str = "hausse"


@dataclass
class TypeAction:
    id: str
    libelle: str
    description: str = ""
    tables: list[str] = field(default_factory=list)
    indicateurs: list[str] = field(default_factory=list)
    indicateurs_cles: list[str] = field(default_factory=list)
    retroplanning: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    carnet: str = ""  # the type's own report notebook (file name in the workspace's carnets/)


@dataclass(frozen=True)
class Objectif:
    libelle: str
    indicateur: str
    cible: float | None = None


@dataclass(frozen=True)
class LigneBudget:
    poste: str
    montant: float
    financeur: str = ""


@dataclass
class Action:
    id: str
    titre: str
    type: str
    statut: str
    date_debut: dt.date | None
    date_fin: dt.date | None
    lieu: str = ""
    #: The territory where the action is held (id of territoires.csv), if any.
    territoire_accueil: str | None = None
    territoires: list[str] = field(default_factory=list)
    partenaires: list[str] = field(default_factory=list)
    descriptif: str = ""
    objectifs: list[Objectif] = field(default_factory=list)
    budget: list[LigneBudget] = field(default_factory=list)
    temps_agents_jours: float | None = None
    source: str = ""
    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    echelles: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def annee(self) -> int | None:
        if self.date_debut is not None:
            return self.date_debut.year
        match = SLUG_RE.match(self.id)
        return int(match.group(1)) if match else None

    @property
    def fictive(self) -> bool:
        """True when the action's source says its data is invented."""
        return "fictiv" in fold(self.source)

    @property
    def debrief_path(self) -> Path | None:
        """The debrief file; None when absent or when a link leads it out of the workspace."""
        from vccap.paths import readable

        if self.folder is None:
            return None
        path = self.folder / DEBRIEF_FILE
        if not path.exists() or not readable(self.folder.parent.parent, path):
            return None
        return path


@dataclass
class Demarche:
    nom: str
    region: str = ""
    chef_de_file: str = ""
    annees: list[int] = field(default_factory=list)
    seuil_confidentialite: int = 3
    description: str = ""
    principes: dict[str, str] = field(default_factory=dict)
    source: str = ""
    site: str = ""  # address of the published site (its data package's homepage)


@dataclass
class Debrief:
    """The team's debrief (``retour_experience.md``) split by level-2 headings."""

    intro: str
    sections: dict[str, str]
    quotes: list[str]

    def section(self, heading: str) -> str:
        wanted = fold(heading)
        for title, text in self.sections.items():
            if fold(title) == wanted:
                return text
        return ""


def parse_debrief(text: str) -> Debrief:
    """Split a debrief into intro, level-2 sections and quotes (``>`` lines)."""
    intro: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = intro
    for line in text.splitlines():
        match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if match:
            current = sections.setdefault(match.group(1).strip(), [])
            continue
        if re.match(r"^#\s+", line) and current is intro:
            continue  # the document's own title
        current.append(line)
    quotes: list[str] = []
    buffer: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith(">"):
            buffer.append(line.lstrip(">").strip())
        elif buffer:
            quote = " ".join(b for b in buffer if b).strip().strip('«»"“” ')
            if quote:
                quotes.append(quote)
            buffer = []
    return Debrief(
        intro=without_prompts("\n".join(intro)),
        sections={k: without_prompts("\n".join(v)) for k, v in sections.items()},
        quotes=quotes,
    )


PROMPT_RE = re.compile(r"^\s*[*_]À compléter\b.*[*_]\s*$", re.MULTILINE)


def without_prompts(text: str) -> str:
    """Drop the italic « À compléter … » prompts of a new debrief skeleton."""
    return PROMPT_RE.sub("", text).strip()
