# ruff: noqa: E501 (one field per line: a table of French titles and descriptions)
"""The Table Schemas of the data package: one per resource, in French, as data.

The conventions are those of schema.data.gouv.fr: each field has a lower-case ``name``, a
French ``title`` and ``description``, a ``type`` and, where it helps, an ``example`` and
``constraints``. Every table starts with ``region``, the region's identifier, so that the
packages of several regions add up by plain concatenation (what ``vccap federer`` does).
"""

from __future__ import annotations

from typing import Any

REGION = {
    "name": "region",
    "title": "Région",
    "description": "Identifiant de la région (ou de la démarche) qui publie ces chiffres.",
    "type": "string",
    "example": "auvergne-rhone-alpes",
    "constraints": {"required": True},
}
ACTION = {
    "name": "action",
    "title": "Action",
    "description": "Identifiant de l'action dans l'espace de travail de la région.",
    "type": "string",
    "example": "2016-06-salon-entrepreneurs-lyon",
    "constraints": {"required": True},
}
TYPE_ACTION = {
    "name": "type_action",
    "title": "Type d'action",
    "description": "Identifiant du type d'action (catalogue des types d'action).",
    "type": "string",
    "example": "salon",
    "constraints": {"required": True},
}
YEAR = {
    "name": "annee",
    "title": "Année",
    "description": "Année de l'action (de sa date de début).",
    "type": "integer",
    "example": 2016,
}
PAGE = {
    "name": "page",
    "title": "Page",
    "description": "Chemin de la page publiée, depuis la racine du site (vide : pas de page).",
    "type": "string",
    "example": "actions/2016-06-salon-entrepreneurs-lyon.html",
}
#: Units of the indicators as the package writes them (a share is in percent).
UNITS = [
    "personnes",
    "structures",
    "territoires",
    "evenements",
    "reponses",
    "projets",
    "euros",
    "euros_par_personne",
    "pourcentage",
    "nombre",
]
STATES = ["publie", "non_publie", "non_mesure"]
STATUSES = ["atteint", "partiellement_atteint", "non_atteint", "non_mesure", "non_publie"]


def _field(name: str, title: str, description: str, kind: str = "string", **extra: Any):
    return {"name": name, "title": title, "description": description, "type": kind, **extra}


#: resource name -> (title, description, fields, primary key, foreign keys)
RESOURCES: dict[str, dict[str, Any]] = {
    "regions": {
        "title": "Région et démarche",
        "description": "Qui publie ces chiffres : la région, sa démarche, son chef de file, le "
        "seuil de confidentialité appliqué.",
        "fields": [
            REGION,
            _field("nom_region", "Nom de la région", "Nom de la région, tel qu'écrit.", example="Auvergne-Rhône-Alpes"),
            _field("demarche", "Démarche", "Nom de la démarche ville-campagne de la région.", constraints={"required": True}),
            _field("chef_de_file", "Chef de file", "Structure qui porte la démarche."),
            _field("site", "Adresse du site", "Adresse du site publié de la région (vide : non renseignée).", format="uri"),
            _field("seuil_confidentialite", "Seuil de confidentialité", "Plus petit effectif de personnes publié : un effectif plus faible est regroupé ou masqué.", "integer", constraints={"minimum": 1}),
            _field("donnees_fictives", "Données fictives", "Vrai quand les lignes détaillées des tableaux sont des données d'exemple inventées.", "boolean"),
        ],
        "primaryKey": ["region"],
    },
    "pages": {
        "title": "Pages du site",
        "description": "Les pages publiées du site de la région.",
        "fields": [
            REGION,
            _field("page", "Page", "Identifiant de la page (rubrique/clé).", constraints={"required": True}, example="fiches/salon"),
            _field("rubrique", "Rubrique", "Rubrique du site à laquelle la page appartient.", example="Fiches méthode"),
            _field("titre", "Titre", "Titre de la page."),
            _field("chemin", "Chemin", "Chemin de la page depuis la racine du site.", example="fiches/salon.html"),
        ],
        "primaryKey": ["region", "page"],
    },
    "actions": {
        "title": "Actions",
        "description": "Les actions de la démarche (réalisées, prévues, annulées), avec le lien vers "
        "leur bilan quand il est publié.",
        "fields": [
            REGION,
            ACTION,
            _field("titre", "Titre", "Titre de l'action."),
            TYPE_ACTION,
            _field("type_libelle", "Libellé du type", "Nom du type d'action en clair."),
            YEAR,
            _field("date_debut", "Date de début", "Premier jour de l'action (AAAA-MM-JJ).", "date"),
            _field("date_fin", "Date de fin", "Dernier jour de l'action (AAAA-MM-JJ).", "date"),
            _field("lieu", "Lieu", "Commune ou lieu où l'action s'est tenue."),
            _field("statut", "Statut", "Réalisée, prévue ou annulée.", constraints={"enum": ["realisee", "prevue", "annulee"]}),
            _field("donnees_fictives", "Données fictives", "Vrai quand les lignes détaillées des tableaux de l'action sont des données d'exemple.", "boolean"),
            PAGE,
        ],
        "primaryKey": ["region", "action"],
    },
    "indicateurs": {
        "title": "Indicateurs des actions",
        "description": "Chaque indicateur de chaque action dont le bilan est publié, tel que le "
        "bilan l'affiche : une valeur masquée par le contrôle de confidentialité est « non "
        "publiée », sans valeur ; une part est en pourcentage arrondi comme sur la page.",
        "fields": [
            REGION,
            ACTION,
            YEAR,
            TYPE_ACTION,
            _field("indicateur", "Indicateur", "Identifiant de l'indicateur (catalogue des indicateurs).", constraints={"required": True}, example="porteurs_conseilles"),
            _field("libelle", "Libellé", "Nom de l'indicateur en clair."),
            _field("unite", "Unité", "Unité de la valeur.", constraints={"enum": UNITS}),
            _field("valeur", "Valeur", "Valeur publiée (vide quand elle n'est pas publiée ou pas mesurée).", "number"),
            _field("etat", "État", "publie, non_publie (effectif sous le seuil ou masqué pour qu'il ne puisse pas être recalculé) ou non_mesure.", constraints={"required": True, "enum": STATES}),
        ],
        "primaryKey": ["region", "action", "indicateur"],
        "foreignKeys": [
            {"fields": ["region", "action"], "reference": {"resource": "actions", "fields": ["region", "action"]}}
        ],
    },
    "objectifs": {
        "title": "Objectifs des actions",
        "description": "Les objectifs fixés avant chaque action, leur cible, le réalisé publié et "
        "leur statut.",
        "fields": [
            REGION,
            ACTION,
            _field("numero", "Numéro", "Rang de l'objectif dans la fiche de l'action.", "integer", constraints={"required": True, "minimum": 1}),
            YEAR,
            TYPE_ACTION,
            _field("objectif", "Objectif", "Objectif tel que formulé par l'équipe."),
            _field("indicateur", "Indicateur", "Identifiant de l'indicateur qui le mesure (vide : aucun)."),
            _field("unite", "Unité", "Unité de la cible et du réalisé.", constraints={"enum": UNITS}),
            _field("cible", "Cible", "Valeur visée.", "number"),
            _field("valeur", "Réalisé", "Valeur publiée de l'indicateur (vide : non publiée ou non mesurée).", "number"),
            _field("statut", "Statut", "atteint, partiellement_atteint, non_atteint, non_mesure ou non_publie.", constraints={"required": True, "enum": STATUSES}),
        ],
        "primaryKey": ["region", "action", "numero"],
        "foreignKeys": [
            {"fields": ["region", "action"], "reference": {"resource": "actions", "fields": ["region", "action"]}}
        ],
    },
    "fiches": {
        "title": "Fiches méthode",
        "description": "Une fiche par type d'action : ses éditions et le résumé de la pratique "
        "(au plus 1 500 caractères, format des résumés de pratique du PEI-AGRI).",
        "fields": [
            REGION,
            TYPE_ACTION,
            _field("libelle", "Libellé", "Nom du type d'action en clair."),
            _field("editions", "Éditions", "Nombre d'actions réalisées de ce type dont les données sont valides.", "integer", constraints={"minimum": 0}),
            _field("annees", "Années", "Années des éditions, séparées par des espaces."),
            _field("resume", "Résumé de la pratique", "Résumé pour les praticiens, au plus 1 500 caractères.", constraints={"maxLength": 1500}),
            PAGE,
        ],
        "primaryKey": ["region", "type_action"],
    },
    "conseils": {
        "title": "Conseils des équipes",
        "description": "Ce que les fiches méthode publient des retours d'expérience (ce qui a "
        "fonctionné, difficultés, à faire évoluer, conseils pour transférer) et leurs "
        "recommandations : des textes expurgés de toute donnée personnelle.",
        "fields": [
            REGION,
            TYPE_ACTION,
            _field("action", "Action", "Édition dont vient le conseil (vide : recommandation de la fiche)."),
            _field("edition", "Édition", "Nom court de l'édition (année, mois)."),
            _field("rubrique", "Rubrique", "Rubrique du retour d'expérience, ou « Recommandations »."),
            _field("texte", "Texte", "Le conseil, tel que publié.", constraints={"required": True}),
        ],
        "foreignKeys": [
            {"fields": ["region", "type_action"], "reference": {"resource": "fiches", "fields": ["region", "type_action"]}}
        ],
    },
}  # fmt: skip
