# ruff: noqa: E501  (long lines are French text pools)
"""A synthetic, valid workspace of N realised actions, for benchmarks.

    python benchmarks/synthetic.py OUT_DIR --actions 100 [--seed 2024]

Every action type of the kit's catalogue is used (round-robin), over the years
2016 .. 2016 + N // 20, with tables of realistic sizes (contacts 80-200 rows, participants
10-40, satisfaction 5-30, evenements 4-8, couts 3-6, a few suivi tables) written as real
teams write them: UTF-8 with commas and ISO dates, Windows-1252 with semicolons, French
dates and decimal commas, UTF-8 with BOM, tabs, and a few XLSX files. Every person, e-mail
(example.org) and phone number (06 00 00 .. ..) is invented. The output depends only on
``seed`` (``random.Random(seed)``), byte for byte, XLSX files included.

The published text (titles, descriptions, debriefs, territory and structure names, cost
lines, event titles) never contains a last name used in the tables, so that the kit's
personal-data audit passes on the built site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from writers import EXCEL_FR, TAB, UTF8, UTF8_BOM, write_csv, write_xlsx  # noqa: E402

# --------------------------------------------------------------------------- reference data

TERRITOIRES = [
    # id, nom, milieu, departement
    ("haut-forez", "Communauté de communes du Haut-Forez", "rural", "42"),
    ("vals-ardeche", "Pays des Vals d'Ardèche", "rural", "07"),
    ("plateau-vercors", "Plateau du Vercors", "rural", "38"),
    ("bugey-sud", "Bugey Sud", "rural", "01"),
    ("monts-madeleine", "Monts de la Madeleine", "rural", "42"),
    ("haut-diois", "Haut Diois", "rural", "26"),
    ("combrailles", "Pays des Combrailles", "rural", "63"),
    ("livradois", "Livradois", "rural", "63"),
    ("sud-haute-loire", "Sud Haute-Loire", "rural", "43"),
    ("nord-cantal", "Nord Cantal", "rural", "15"),
    ("chartreuse", "Parc de Chartreuse", "rural", "38"),
    ("matheysine", "La Matheysine", "rural", "38"),
    ("baronnies", "Baronnies provençales", "rural", "26"),
    ("dombes-saone", "Dombes Saône", "periurbain", "01"),
    ("ouest-lyonnais", "Ouest lyonnais", "periurbain", "69"),
    ("nord-isere", "Nord-Isère", "periurbain", "38"),
    ("val-allier", "Val d'Allier", "periurbain", "63"),
    ("metropole-lyonnaise", "Métropole lyonnaise", "urbain", "69"),
    ("clermont-metropole", "Clermont Auvergne Métropole", "urbain", "63"),
    ("valence-agglo", "Valence Romans Agglo", "urbain", "26"),
]
RURAUX = [t[0] for t in TERRITOIRES if t[2] != "urbain"]
URBAINS = [t[0] for t in TERRITOIRES if t[2] == "urbain"]
T_NAME = {t[0]: t[1] for t in TERRITOIRES}
T_DEP = {t[0]: t[3] for t in TERRITOIRES}

STRUCTURES = [
    # id, nom, categorie, milieu, territoire
    ("reseau-rural-aura", "Réseau rural régional", "tete_de_reseau", "rural", ""),
    ("agence-ressources", "Agence ressources du développement local", "reseau", "rural", ""),
    ("region", "Conseil régional", "financeur", "urbain", ""),
    (
        "agence-creation",
        "Agence régionale de la création d'entreprise",
        "institution",
        "urbain",
        "",
    ),
    ("collectif-installation", "Collectif installation ville-campagne", "association", "rural", ""),
    (
        "maison-emploi-lyon",
        "Maison de l'emploi lyonnaise",
        "emploi",
        "urbain",
        "metropole-lyonnaise",
    ),
    (
        "couveuse-rhone",
        "Couveuse d'activités du Rhône",
        "accompagnement_creation",
        "urbain",
        "metropole-lyonnaise",
    ),
    (
        "cae-lyon",
        "Coopérative d'activités lyonnaise",
        "accompagnement_creation",
        "urbain",
        "metropole-lyonnaise",
    ),
    (
        "incubateur-solidaire",
        "Incubateur solidaire métropolitain",
        "accompagnement_creation",
        "urbain",
        "metropole-lyonnaise",
    ),
    (
        "plateforme-initiative",
        "Plateforme d'initiative métropolitaine",
        "financement",
        "urbain",
        "metropole-lyonnaise",
    ),
    ("mission-locale-lyon", "Mission locale lyonnaise", "emploi", "urbain", "metropole-lyonnaise"),
    (
        "chambre-metiers-rhone",
        "Chambre de métiers du Rhône",
        "chambre_consulaire",
        "urbain",
        "metropole-lyonnaise",
    ),
    (
        "couveuse-auvergne",
        "Couveuse auvergnate d'activités",
        "accompagnement_creation",
        "urbain",
        "clermont-metropole",
    ),
    (
        "pepiniere-clermont",
        "Pépinière d'entreprises clermontoise",
        "accompagnement_creation",
        "urbain",
        "clermont-metropole",
    ),
    (
        "espace-emploi-clermont",
        "Espace emploi clermontois",
        "emploi",
        "urbain",
        "clermont-metropole",
    ),
    (
        "cae-valence",
        "Coopérative d'activités valentinoise",
        "accompagnement_creation",
        "urbain",
        "valence-agglo",
    ),
    (
        "boutique-gestion-valence",
        "Boutique de gestion valentinoise",
        "accompagnement_creation",
        "urbain",
        "valence-agglo",
    ),
    (
        "chambre-agriculture-isere",
        "Chambre d'agriculture de l'Isère",
        "chambre_consulaire",
        "urbain",
        "",
    ),
    (
        "pepiniere-vercors",
        "Pépinière du Vercors",
        "accompagnement_creation",
        "rural",
        "plateau-vercors",
    ),
    (
        "couveuse-ardeche",
        "Couveuse rurale d'Ardèche",
        "accompagnement_creation",
        "rural",
        "vals-ardeche",
    ),
    (
        "espace-creation-forez",
        "Espace création-reprise du Forez",
        "accompagnement_creation",
        "rural",
        "haut-forez",
    ),
    (
        "tiers-lieu-madeleine",
        "Tiers-lieu de la Madeleine",
        "tiers_lieu",
        "rural",
        "monts-madeleine",
    ),
    (
        "maison-services-combrailles",
        "Maison des services des Combrailles",
        "accompagnement_creation",
        "rural",
        "combrailles",
    ),
    (
        "point-installation-diois",
        "Point accueil installation du Diois",
        "accompagnement_installation",
        "rural",
        "haut-diois",
    ),
    ("accueil-actifs-bugey", "Accueil d'actifs du Bugey", "association", "rural", "bugey-sud"),
    ("tiers-lieu-chartreuse", "Tiers-lieu de Chartreuse", "tiers_lieu", "rural", "chartreuse"),
    ("foyer-rural-livradois", "Foyer rural du Livradois", "association", "rural", "livradois"),
    ("ecole-paysanne-baronnies", "École paysanne des Baronnies", "formation", "rural", "baronnies"),
    (
        "cooperative-cantal",
        "Coopérative d'installation du Cantal",
        "accompagnement_installation",
        "rural",
        "nord-cantal",
    ),
    ("association-maires-ruraux", "Association des maires ruraux", "reseau", "rural", ""),
]
S_URBAINES = [s for s in STRUCTURES if s[3] == "urbain" and s[4]]
S_RURALES = [s for s in STRUCTURES if s[3] == "rural" and s[4]]

VILLES = {
    "metropole-lyonnaise": (
        "Lyon",
        ["69001", "69003", "69007", "69008", "69100", "69200", "69300"],
    ),
    "clermont-metropole": ("Clermont-Ferrand", ["63000", "63100", "63170", "63400"]),
    "valence-agglo": ("Valence", ["26000", "26500", "26100"]),
}
COMMUNES = [
    ("Lyon", "69003"),
    ("Villeurbanne", "69100"),
    ("Vénissieux", "69200"),
    ("Caluire-et-Cuire", "69300"),
    ("Clermont-Ferrand", "63000"),
    ("Riom", "63200"),
    ("Valence", "26000"),
    ("Romans-sur-Isère", "26100"),
    ("Grenoble", "38000"),
    ("Échirolles", "38130"),
    ("Saint-Étienne", "42000"),
    ("Annonay", "07100"),
    ("Bourg-en-Bresse", "01000"),
    ("Aurillac", "15000"),
    ("Le Puy-en-Velay", "43000"),
]

PRENOMS = """Camille Julien Sophie Nicolas Claire Thomas Élodie Mathieu Aurélien Laura Maxime
Pauline Romain Céline Guillaume Marion Antoine Julie Sébastien Amandine Jérôme Émilie Florian
Lucie Olivier Manon Damien Noémie Benoît Anaïs Yannick Héloïse Karim Nadia Samir Leïla Mehdi
Yasmina François Hélène Christophe Isabelle Pierre Nathalie Alexandre Sandrine Vincent Agathe
Baptiste Chloé Quentin Justine Loïc Margaux Fabien Gaëlle Thierry Valérie Solène Inès Rémi Zoé""".split()
# Invented-sounding family names; none of them appears in the published text pools below.
NOMS = """Abadie Bertaud Cabanel Delmas Escoffier Fabre Garnaud Imbert Jourdan Lagarde Malaval
Noyer Orcel Pradier Quintin Rabier Sabatier Teyssier Usclat Vernet Bréchet Chazal Dufaud
Eyraud Faucon Granjon Jacquemet Lhermet Marcon Nogier Pinatel Rochias Soulier Tardy Valette
Béal Pélissier Thévenon Astier Boissel Couderc Dalmais Espinasse Ferrier Gonnet Hugonnet
Julliard Laffont Mazet Néel Ollier Peyrache Rigaud Savel Tixier Vacher Bouvard Chanal Dorier
Fayolle Guillot Jarnias Loubet Maisonneuve Oriol Perrier Reboul Sauzet Tronel Verdier""".split()
NOMS_COMPOSES = ["Da Costa", "Ben Amar", "Le Goff", "Nguyen Van", "De Oliveira"]
DOMAINE = "example.org"

PROFILS_ECRITS = {
    "porteur_de_projet": [
        "Porteur de projet",
        "porteur de projet",
        "Porteuse de projet",
        "Porteur",
    ],
    "partenaire": ["Partenaire", "partenaire"],
    "technicien_territoire": ["Technicien territoire", "Technicienne de territoire"],
    "elu": ["Élu", "Élue", "elu"],
    "intervenant": ["Intervenant", "Intervenante"],
    "autre": ["Autre"],
}
SECTEURS = ["Agriculture alimentation", "agriculture / alimentation", "Tourisme", "Artisanat", "Commerce", "Services",
            "Numérique", "Économie circulaire", "Culture", "Santé social", "Autre"]  # fmt: skip
STADES = ["Idée", "Idee", "Réflexion", "Préparation", "Prêt", "prêt"]
DEMANDES = ["Création", "Reprise", "Emploi", "Installation", "Information"]
ECHELLE_MOTS = ["Très satisfait", "Satisfait", "Peu satisfait", "Pas satisfait"]
ECHELLE_POIDS = [35, 45, 15, 5]
ETAPES = ["premier_contact", "rendez_vous", "visite_territoire", "accompagnement", "installation"]
ETAPES_ECRITES = {
    "premier_contact": ["Premier contact"],
    "rendez_vous": ["Rendez-vous", "RDV"],
    "visite_territoire": ["Visite du territoire", "Visite territoire"],
    "accompagnement": ["Accompagnement"],
    "installation": ["Installation", "Installé"],
    "abandon": ["Abandon"],
}

COMMENTAIRES = [
    "Très bonne organisation, merci.",
    "Un peu long le matin, l'après-midi plus dynamique.",
    "Des échanges utiles avec les autres territoires.",
    "J'aurais aimé plus de temps pour les questions.",
    "Salle trop petite pour le nombre de participants.",
    "Les témoignages d'installés étaient le meilleur moment.",
    "Il manquait une liste des contacts utiles à la fin.",
    "Bonne ambiance, à refaire l'an prochain.",
    "Les offres d'activités présentées étaient concrètes.",
    "Trop de monde à certaines tables.",
]
ENGAGEMENTS = [
    "Organiser un café-installation au printemps",
    "Qualifier deux offres de reprise avant l'été",
    "Recenser les locaux vacants de la commune",
    "Présenter la démarche au conseil communautaire",
    "Accueillir un porteur de projet en immersion",
    "Mettre à jour la plaquette des offres d'activités",
]
POSTES = {
    "salon": [
        "Location du stand",
        "Mobilier et aménagement du stand",
        "Impression de la plaquette",
        "Kakémonos",
        "Déplacements des territoires",
        "Conférence (intervenants)",
        "Repas des exposants",
    ],
    "evenement_local": [
        "Visuel commun et déclinaisons",
        "Impression du calendrier",
        "Diffusion presse",
        "Publicité sur les réseaux sociaux",
        "Coordination régionale",
    ],
    "default": [
        "Location de salle",
        "Intervenant extérieur",
        "Repas et pauses",
        "Communication",
        "Déplacements",
        "Impression des supports",
        "Animation",
    ],
}
FINANCEURS = [
    "Région",
    "Europe (LEADER)",
    "Territoires (quote-part)",
    "État (FNADT)",
    "Département",
    "Réseau rural régional",
]
CANAUX = [
    "Presse locale",
    "Réseaux sociaux",
    "Affichage",
    "Radio locale",
    "Site de la Région",
    "Bouche-à-oreille",
]
TITRES_EVENEMENTS = [
    "Soirée « S'installer ici »",
    "Journée découverte des offres d'activités",
    "Café-installation",
    "Visite de fermes à reprendre",
    "Forum de l'emploi rural",
    "Portes ouvertes du tiers-lieu",
    "Rencontre des nouveaux arrivants",
    "Marché des savoir-faire",
]
LIEUX = [
    "Lyon",
    "Clermont-Ferrand",
    "Valence",
    "Grenoble",
    "Saint-Étienne",
    "Annecy",
    "Chambéry",
    "Riom",
    "Die",
    "Ambert",
]

TITRES = {
    "salon": "Stand commun au salon de la création d'entreprise de {lieu}",
    "evenement_local": "Événements locaux valorisés ({saison})",
    "professionnalisation": "Journée de professionnalisation des agents territoriaux à {lieu}",
    "session_accompagnateurs": "Session d'information des accompagnateurs urbains à {lieu}",
    "session_porteurs": "Session « Vivre et travailler à la campagne » à {lieu}",
    "atelier": "Atelier ville-campagne à {lieu}",
    "evenement_regional": "Rencontre régionale ville-campagne à {lieu}",
    "bourse_projets": "Bourse aux projets rural-urbain à {lieu}",
}
DESCRIPTIFS = [
    "{n} territoires ont préparé ensemble cette action à {lieu}, avec l'appui du réseau rural régional.",
    "L'action visait à rapprocher les acteurs urbains de l'accompagnement et les territoires ruraux.",
    "Elle s'inscrit dans la suite des éditions précédentes et reprend leurs enseignements.",
    "Le programme alternait présentations des territoires, témoignages et temps d'échange.",
    "Les contacts recueillis ont été transmis aux territoires concernés dans la semaine.",
]
DEBRIEF = {
    "Ce qui a fonctionné": [
        "Une préparation collective qui a permis aux territoires de mieux se connaître.",
        "Des contacts intéressants, de porteurs de projet comme de professionnels.",
        "Une coopération sans esprit de concurrence entre territoires.",
        "Les témoignages d'installés ont rendu la campagne concrète pour le public.",
        "Un partenaire urbain hôte très impliqué dans la mobilisation.",
    ],
    "Difficultés": [
        "Le planning de présence a été difficile à tenir pour les petits territoires.",
        "Les contacts ont été transmis tardivement à certains territoires.",
        "La communication a démarré trop tard.",
        "Les questionnaires de satisfaction ont été peu remplis.",
        "Le lieu était difficile d'accès en transports en commun.",
    ],
    "À faire évoluer": [
        "Une fiche contact commune, imprimée et partagée avant l'action.",
        "Des outils de communication communs.",
        "Un temps d'atelier pratique en plus des présentations.",
        "Un suivi des contacts à trois mois, territoire par territoire.",
    ],
    "Conseils pour transférer": [
        "Se mettre d'accord sur la répartition des coûts avant de s'engager.",
        "Associer un réseau régional de la création d'entreprise dès le départ.",
        "Fixer qui transmet les contacts et dans quel délai.",
        "Prévoir un calendrier de diffusion trois mois à l'avance.",
    ],
}
CITATIONS = [
    "Pour une petite communauté de communes, être là seule aurait été impensable.",
    "Les visiteurs étaient surpris de trouver la campagne ici, et plutôt contents.",
    "On repart avec des contacts qu'on n'aurait jamais eus autrement.",
    "C'est la première fois que je rencontre des accompagnateurs de la ville.",
]

# Which profiles and structures each type's participants come from.
PROFILS_PAR_TYPE = {
    "professionnalisation": {"technicien_territoire": 60, "elu": 35, "intervenant": 5},
    "session_accompagnateurs": {"partenaire": 80, "technicien_territoire": 15, "intervenant": 5},
    "session_porteurs": {
        "porteur_de_projet": 75,
        "partenaire": 18,
        "technicien_territoire": 5,
        "intervenant": 2,
    },
    "atelier": {"partenaire": 45, "technicien_territoire": 40, "elu": 10, "autre": 5},
    "evenement_regional": {
        "porteur_de_projet": 60,
        "partenaire": 25,
        "technicien_territoire": 10,
        "elu": 5,
    },
    "bourse_projets": {"porteur_de_projet": 55, "partenaire": 35, "technicien_territoire": 10},
}
PROFILS_CONTACTS = {
    "porteur_de_projet": 65,
    "partenaire": 25,
    "technicien_territoire": 5,
    "elu": 3,
    "autre": 2,
}

# How files are written (a CSV dialect of tools/writers.py, or XLSX), weight.
FORMATS = {
    "utf8": (UTF8, 34),
    "excel_fr": (EXCEL_FR, 30),
    "bom": (UTF8_BOM, 16),
    "tab": (TAB, 8),
    "xlsx": (None, 12),
}

PUBLIC_TEXT = (
    [t[1] for t in TERRITOIRES]
    + [s[1] for s in STRUCTURES]
    + [c[0] for c in COMMUNES]
    + LIEUX
    + list(TITRES.values())
    + DESCRIPTIFS
    + [line for lines in DEBRIEF.values() for line in lines]
    + CITATIONS
    + COMMENTAIRES
    + ENGAGEMENTS
    + [p for lines in POSTES.values() for p in lines]
    + FINANCEURS
    + CANAUX
    + TITRES_EVENEMENTS
)


def name_collisions() -> list[tuple[str, str]]:
    """(last name, public text) pairs where a family name appears in published text."""
    hits = []
    for nom in NOMS + NOMS_COMPOSES:
        pattern = re.compile(r"(?<!\w)" + re.escape(nom) + r"(?!\w)", re.IGNORECASE)
        hits.extend((nom, text) for text in PUBLIC_TEXT if pattern.search(text))
    return hits


# --------------------------------------------------------------------------- helpers


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def slug(text: str) -> str:
    return fold(text).replace("_", "-")


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


FIXED_TIME = dt.datetime(2024, 1, 1, 12, 0, 0)


class Writer:
    """Writes one table in a format chosen at random, the way teams do."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counts: dict[str, int] = {}

    def choose(self, allow_xlsx: bool = True) -> str:
        names = [n for n in FORMATS if allow_xlsx or n != "xlsx"]
        return self.rng.choices(names, weights=[FORMATS[n][1] for n in names])[0]

    def write(self, folder: Path, kind: str, header: list[str], rows: list[list], fmt: str) -> Path:
        self.counts[fmt] = self.counts.get(fmt, 0) + 1
        if fmt == "xlsx":
            return write_xlsx(
                folder / f"{kind}.xlsx", header, rows, when=FIXED_TIME, creator="Équipe projet"
            )
        return write_csv(folder / f"{kind}.csv", header, rows, FORMATS[fmt][0])


class People:
    """Invented people; a few project holders come back to later actions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0
        self.porteurs: list[dict] = []

    def new(self, profil: str, structure: tuple | None = None) -> dict:
        rng = self.rng
        self.serial += 1
        prenom = rng.choice(PRENOMS)
        nom = rng.choice(NOMS) if rng.random() > 0.04 else rng.choice(NOMS_COMPOSES)
        if structure is not None:
            courriel = f"{fold(prenom)[0]}.{fold(nom).replace('_', '')}@{structure[0]}.{DOMAINE}"
        else:
            style = rng.random()
            base = f"{fold(prenom)}.{fold(nom)}" if style < 0.6 else f"{fold(nom)}.{fold(prenom)}"
            courriel = f"{base.replace('_', '')}{self.serial}@{DOMAINE}"
        a, b = rng.randint(10, 99), rng.randint(10, 99)
        style = rng.random()
        if style < 0.6:
            telephone = f"06 00 00 {a} {b}"
        elif style < 0.8:
            telephone = f"060000{a}{b}"
        elif style < 0.9:
            telephone = f"+33 6 00 00 {a} {b}"
        else:
            telephone = ""
        person = {
            "nom": nom,
            "prenom": prenom,
            "courriel": courriel,
            "telephone": telephone,
            "profil": profil,
            "structure": structure,
        }
        if profil == "porteur_de_projet":
            commune, cp = rng.choice(COMMUNES)
            person.update(
                commune=commune,
                code_postal=cp,
                secteur=rng.choice(SECTEURS),
                stade=rng.choice(STADES),
                vise=rng.choice(RURAUX),
            )
            self.porteurs.append(person)
        return person

    def porteur(self) -> dict:
        """A project holder: usually new, sometimes one already met (about 5 %)."""
        if self.porteurs and self.rng.random() < 0.05:
            return self.rng.choice(self.porteurs)
        return self.new("porteur_de_projet")


# --------------------------------------------------------------------------- tables


def _territoire_ecrit(rng: random.Random, terr: str) -> str:
    return T_NAME[terr] if rng.random() < 0.5 else terr


def _structure_ecrite(rng: random.Random, s: tuple | None) -> str:
    if s is None:
        return ""
    return s[1] if rng.random() < 0.8 else s[0]


def participants_rows(rng, people: People, type_id: str, action: dict, n: int) -> tuple:
    profils = PROFILS_PAR_TYPE.get(type_id, PROFILS_CONTACTS)
    engagement = type_id == "professionnalisation"
    porteurs_cols = type_id in {"session_porteurs", "evenement_regional", "bourse_projets"}
    header = ["Nom", "Prénom", rng.choice(["Courriel", "E-mail", "Adresse mail"])]
    header += [
        rng.choice(["Téléphone", "Tél", "Portable"]),
        "Profil",
        rng.choice(["Structure", "Organisme"]),
        "Territoire",
    ]
    if porteurs_cols:
        header += ["Code postal", "Commune", "Secteur projet", "Stade projet", "Territoire visé"]
    if engagement:
        header += ["Engagement"]
    rows, persons = [], []
    for _ in range(n):
        profil = weighted(rng, profils)
        if profil == "porteur_de_projet":
            p = people.porteur()
            terr = ""
        elif profil in ("technicien_territoire", "elu"):
            terr = rng.choice(action["territoires"])
            local = [s for s in S_RURALES if s[4] == terr]
            p = people.new(profil, rng.choice(local) if local and rng.random() < 0.3 else None)
            terr = _territoire_ecrit(rng, terr)
        else:
            pool = S_URBAINES if rng.random() < 0.65 else S_RURALES
            s = rng.choice(pool)
            p = people.new(profil, s)
            terr = _territoire_ecrit(rng, s[4]) if rng.random() < 0.5 else ""
        persons.append(p)
        row = [
            p["nom"],
            p["prenom"],
            p["courriel"],
            p["telephone"],
            rng.choice(PROFILS_ECRITS[profil]),
        ]
        row += [_structure_ecrite(rng, p["structure"]), terr]
        if porteurs_cols:
            if profil == "porteur_de_projet":
                row += [p["code_postal"], p["commune"], p["secteur"], p["stade"]]
                row += [_territoire_ecrit(rng, p["vise"]) if rng.random() < 0.7 else ""]
            else:
                row += ["", "", "", "", ""]
        if engagement:
            row += [rng.choice(ENGAGEMENTS) if rng.random() < 0.4 else ""]
        rows.append(row)
    return header, rows, persons


def contacts_rows(rng, people: People, action: dict, n: int) -> tuple:
    header = [
        "Date",
        "Territoire",
        "Profil",
        "Nom",
        "Prénom",
        rng.choice(["E-mail", "Courriel"]),
        "Téléphone",
    ]
    header += [
        "Structure",
        "Code postal",
        "Secteur du projet",
        "Stade du projet",
        "Type de demande",
        "Suite souhaitée",
    ]
    days = (action["date_fin"] - action["date_debut"]).days + 1
    rows, persons = [], []
    for _ in range(n):
        profil = weighted(rng, PROFILS_CONTACTS)
        terr = rng.choice(action["territoires"])
        day = action["date_debut"] + dt.timedelta(days=rng.randrange(days))
        if profil == "porteur_de_projet":
            p = people.porteur()
            extra = [
                p["code_postal"] if rng.random() < 0.85 else "",
                p["secteur"],
                p["stade"],
                rng.choice(DEMANDES),
            ]
        else:
            s = rng.choice(S_URBAINES + S_RURALES) if rng.random() < 0.8 else None
            p = people.new(profil, s)
            extra = ["", "", "", rng.choice(["Information", ""])]
        suite = rng.choice(["oui", "oui", "Oui", "non", "", "x"])
        persons.append((p, terr, day))
        rows.append(
            [day, _territoire_ecrit(rng, terr), rng.choice(PROFILS_ECRITS[profil]), p["nom"], p["prenom"],
             p["courriel"], p["telephone"], _structure_ecrite(rng, p["structure"])] + extra + [suite]
        )  # fmt: skip
    return header, rows, persons


def satisfaction_rows(rng, type_id: str, n: int) -> tuple:
    header = [
        "Profil",
        "Satisfaction globale",
        "Utilité",
        "Qualité intervenants",
        "Souhait suite",
        "Commentaire",
    ]
    digits = rng.random() < 0.4
    profils = PROFILS_PAR_TYPE.get(
        type_id, {"technicien_territoire": 70, "elu": 20, "partenaire": 10}
    )
    rows = []
    for _ in range(n):
        scores = [rng.choices(range(4), weights=ECHELLE_POIDS)[0] for _ in range(3)]
        answers = [
            str(4 - s) if digits else rng.choice([ECHELLE_MOTS[s], ECHELLE_MOTS[s].lower()])
            for s in scores
        ]
        if rng.random() < 0.05:
            answers[rng.randrange(3)] = ""  # a question left blank
        rows.append(
            [rng.choice(PROFILS_ECRITS[weighted(rng, profils)])] + answers
            + [rng.choice(["oui", "non", "", "Oui"]), rng.choice(COMMENTAIRES) if rng.random() < 0.3 else ""]
        )  # fmt: skip
    return header, rows


def evenements_rows(rng, action: dict, n: int) -> tuple:
    header = ["Titre", "Territoire", "Date", "Participants", "Canal"]
    rows = []
    for i in range(n):
        terr = rng.choice([t for t in action["territoires"] if t in RURAUX] or RURAUX)
        day = action["date_debut"] + dt.timedelta(days=rng.randint(0, 45))
        rows.append(
            [
                TITRES_EVENEMENTS[(i + rng.randrange(8)) % 8],
                _territoire_ecrit(rng, terr),
                day,
                rng.randint(8, 90),
                rng.choice(CANAUX),
            ]
        )
    rows.sort(key=lambda r: r[2])
    return header, rows


def couts_rows(rng, type_id: str, n: int) -> tuple:
    header = ["Poste", "Montant", "Financeur"]
    postes = POSTES.get(type_id, POSTES["default"])
    rows = [
        [poste, float(round(rng.uniform(80, 5000), rng.choice([0, 2]))), rng.choice(FINANCEURS)]
        for poste in rng.sample(postes, min(n, len(postes)))
    ]
    return header, rows


def suivi_rows(rng, persons: list, action: dict) -> tuple:
    """Journeys of a few project holders met at the action."""
    header = ["Courriel", "Nom", "Prénom", "Date", "Étape", "Territoire"]
    rows = []
    for p, terr, day in persons:
        furthest = rng.choices(range(1, 5), weights=[45, 30, 15, 10])[0]
        for etape in ETAPES[: furthest + 1]:
            day = day + dt.timedelta(days=rng.randint(7, 60))
            rows.append(
                [
                    p["courriel"],
                    p["nom"],
                    p["prenom"],
                    day,
                    rng.choice(ETAPES_ECRITES[etape]),
                    _territoire_ecrit(rng, terr),
                ]
            )
        if rng.random() < 0.15:
            day = day + dt.timedelta(days=rng.randint(20, 120))
            rows.append(
                [p["courriel"], p["nom"], p["prenom"], day, "Abandon", _territoire_ecrit(rng, terr)]
            )
    rows.sort(key=lambda r: (r[3], r[1], r[2]))
    return header, rows


# --------------------------------------------------------------------------- actions


def _debrief(rng: random.Random, titre: str) -> str:
    out = [f"Retour d'expérience de l'équipe projet : {titre.lower()}.", ""]
    for heading, pool in DEBRIEF.items():
        out.append(f"## {heading}")
        out.extend(f"- {line}" for line in rng.sample(pool, rng.randint(2, min(4, len(pool)))))
        out.append("")
    quotes = rng.sample(CITATIONS, rng.randint(0, 2))
    if quotes:
        out.append("## Citations")
        for q in quotes:
            out += [f"> {q}", ""]
    return "\n".join(out).rstrip() + "\n"


def _objectifs(rng: random.Random, spec, known: dict[str, float]) -> list[dict]:
    out = []
    for ind in spec.indicateurs_cles[: rng.randint(1, 3)]:
        value = known.get(ind)
        if value is None:
            continue
        cible = max(1, round(value * rng.uniform(0.7, 1.3)))
        out.append(
            {
                "libelle": f"Atteindre la cible fixée ({ind.replace('_', ' ')})",
                "indicateur": ind,
                "cible": cible,
            }
        )
    return out


def _write_action(
    folder: Path, rng, people: People, writer: Writer, type_id: str, spec, year: int, serial: int
) -> None:
    month = rng.randint(1, 12)
    day = rng.randint(1, 26)
    start = dt.date(year, month, day)
    end = start + dt.timedelta(days=1 if type_id in ("salon", "atelier") else 0)
    if type_id == "evenement_local":
        lieu = "Territoires ruraux"
        saison = {1: "hiver", 2: "hiver", 12: "hiver"}.get(
            month, "printemps" if month < 6 else "automne"
        )
        titre = TITRES[type_id].format(saison=f"{saison} {year}")
        place = "territoires"
    else:
        lieu = rng.choice(LIEUX)
        titre = TITRES[type_id].format(lieu=lieu)
        place = slug(lieu)
    action_id = f"{year}-{month:02d}-{type_id.replace('_', '-')}-{place}-{serial}"
    n_terr = rng.randint(3, 9)
    territoires = rng.sample(RURAUX, n_terr)
    if (
        type_id in ("evenement_regional", "atelier", "session_accompagnateurs")
        or rng.random() < 0.2
    ):
        territoires.append(rng.choice(URBAINS))
    partenaires = [s[0] for s in rng.sample(STRUCTURES, rng.randint(1, 4))]
    action = {"id": action_id, "date_debut": start, "date_fin": end, "territoires": territoires}
    d = folder / "actions" / action_id
    d.mkdir(parents=True)

    known: dict[str, float] = {"territoires_presents": len(territoires)}
    met: list = []
    for kind in spec.tables:
        fmt = writer.choose()
        if kind == "participants":
            header, rows, persons = participants_rows(
                rng, people, type_id, action, rng.randint(10, 40)
            )
            profils = [p["profil"] for p in persons]
            known["participants"] = len(rows)
            known["porteurs"] = known["projets"] = profils.count("porteur_de_projet")
            known["partenaires"] = profils.count("partenaire")
            urb = [p for p in persons if p["structure"] and p["structure"][3] == "urbain"]
            known["participants_urbains"] = len(urb)
            known["structures_urbaines"] = len({p["structure"][0] for p in urb})
            known["participants_ruraux"] = sum(
                1 for p in persons if p["structure"] and p["structure"][3] == "rural"
            )
            known["territoires_representes"] = len(action["territoires"])
            known["territoires_engages"] = max(1, len(action["territoires"]) // 2)
            met += [
                (p, rng.choice(territoires), end)
                for p in persons
                if p["profil"] == "porteur_de_projet"
            ]
        elif kind == "contacts":
            header, rows, persons = contacts_rows(rng, people, action, rng.randint(80, 200))
            known["contacts"] = len(rows)
            known["porteurs_conseilles"] = sum(
                1 for p, _, _ in persons if p["profil"] == "porteur_de_projet"
            )
            known["partenaires_visiteurs"] = sum(
                1 for p, _, _ in persons if p["profil"] == "partenaire"
            )
            met += [x for x in persons if x[0]["profil"] == "porteur_de_projet"]
        elif kind == "satisfaction":
            header, rows = satisfaction_rows(rng, type_id, rng.randint(5, 30))
        elif kind == "evenements":
            header, rows = evenements_rows(rng, action, rng.randint(4, 8))
            known["evenements"] = len(rows)
            known["participants_evenements"] = sum(r[3] for r in rows)
            known["territoires_evenements"] = len({r[1] for r in rows})
        elif kind == "couts":
            header, rows = couts_rows(rng, type_id, rng.randint(3, 6))
        else:  # a table kind added to the catalogue later: nothing to invent
            continue
        writer.write(d, kind, header, rows, fmt)
    # A few actions keep following the project holders they met.
    if met and rng.random() < 0.3:
        header, rows = suivi_rows(rng, rng.sample(met, min(len(met), rng.randint(4, 15))), action)
        writer.write(d, "suivi", header, rows, writer.choose(allow_xlsx=False))

    descriptif = " ".join(
        [DESCRIPTIFS[0].format(n=len(territoires), lieu=lieu)] + rng.sample(DESCRIPTIFS[1:], 2)
    )
    data = {
        "id": action_id,
        "titre": titre,
        "type": type_id,
        "statut": "realisee",
        "date_debut": start,
        "date_fin": end,
        "lieu": lieu,
        "territoires": territoires,
        "partenaires": partenaires,
        "descriptif": descriptif,
        "objectifs": _objectifs(rng, spec, known),
        "budget": [
            {
                "poste": rng.choice(POSTES["default"]),
                "montant": rng.randrange(200, 6000, 50),
                "financeur": rng.choice(FINANCEURS),
            }
            for _ in range(rng.randint(1, 2))
        ],
        "temps_agents_jours": rng.randint(2, 40),
        "source": "Données synthétiques fictives (banc d'essai)",
    }
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=92)
    (d / "action.yml").write_text(text, encoding="utf-8")
    (d / "retour_experience.md").write_text(_debrief(rng, titre), encoding="utf-8")


def make_workspace(folder: Path, n_actions: int, *, seed: int = 2024) -> Path:
    """Write a synthetic workspace of ``n_actions`` realised actions into ``folder``.

    ``folder`` is created; its ``actions/`` and reference files are replaced when they
    exist (a pseudonymisation key already there is kept). Returns ``folder``.
    """
    if n_actions < 1:
        raise ValueError("n_actions must be at least 1")
    clashes = name_collisions()
    if clashes:
        raise AssertionError(f"family names in published text: {clashes[:5]}")
    from vccap.catalogue import default_types

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "actions").exists():
        shutil.rmtree(folder / "actions")
    rng = random.Random(seed)
    n_years = n_actions // 20 + 1
    annees = list(range(2016, 2016 + n_years))
    demarche = {
        "nom": "Démarche ville-campagne (espace synthétique)",
        "region": "Auvergne-Rhône-Alpes",
        "chef_de_file": "Réseau rural régional",
        "annees": annees,
        "seuil_confidentialite": 3,
        "description": (
            "Espace de travail synthétique généré pour mesurer les performances du kit : "
            "des territoires ruraux agissent ensemble pour rapprocher la ville et la campagne."
        ),
        "source": "Données synthétiques fictives (banc d'essai)",
    }
    (folder / "demarche.yml").write_text(
        yaml.safe_dump(demarche, allow_unicode=True, sort_keys=False, width=92), encoding="utf-8"
    )
    writer = Writer(rng)
    writer.write(
        folder,
        "territoires",
        ["id", "nom", "milieu", "departement"],
        [list(t) for t in TERRITOIRES],
        "utf8",
    )
    writer.write(
        folder,
        "structures",
        ["id", "nom", "categorie", "milieu", "territoire"],
        [list(s) for s in STRUCTURES],
        "utf8",
    )
    writer.counts.clear()

    types = default_types()
    order = list(types)
    rng.shuffle(order)
    people = People(rng)
    for i in range(n_actions):
        type_id = order[i % len(order)]
        year = annees[i * n_years // n_actions]
        _write_action(folder, rng, people, writer, type_id, types[type_id], year, i + 1)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Écrire un espace de travail synthétique (valide) de N actions réalisées."
    )
    parser.add_argument("out", type=Path, metavar="DOSSIER", help="dossier à écrire")
    parser.add_argument(
        "--actions", type=int, default=50, metavar="N", help="nombre d'actions (50)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="graine aléatoire (2024)")
    args = parser.parse_args(argv)
    folder = make_workspace(args.out, args.actions, seed=args.seed)
    print(f"Espace synthétique de {args.actions} actions écrit dans {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
