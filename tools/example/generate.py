# ruff: noqa: E501  (long lines are hand-written French text: debriefs and YAML)
"""Generate the example workspace in ``data/``.

Run from the repository root::

    .venv/bin/python tools/example/generate.py

The output is deterministic (``random.Random(2016)``). The kit never needs this script:
it only (re)writes the raw files a project team would have typed by hand.

Only the 2016 aggregates come from the démarche's 2016 bilan (94 project holders and
41 partners on the 2016 stand, 25 participants of whom 6 partners on 19 May 2016,
3 territories committed on 3 March 2016). Every row, name, e-mail, phone number,
comment and every 2017 figure is invented ("données d'exemple fictives").
Phone numbers use the obviously fictitious ``06 00 00 .. ..`` / ``04 00 00 .. ..`` ranges,
e-mails the reserved example.org / example.fr / exemple.fr domains.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import shutil
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ACTIONS = DATA / "actions"

rng = random.Random(2016)

SOURCE_2016 = (
    "Bilan 2016, note d'intention du 1er février 2017 — chiffres réels ; "
    "lignes détaillées : données d'exemple fictives"
)
SOURCE_2017 = "Données d'exemple fictives"


# --------------------------------------------------------------------------- helpers


def fold(text: str) -> str:
    """Same folding as the kit: lower-case, no accents, non-alphanumeric runs -> '_'."""
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    crlf: bool = False,
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    # encoding "utf-8-sig" writes the BOM, "cp1252" fails loudly on a character it lacks
    path.write_bytes(buf.getvalue().encode(encoding))


def euros_fr(amount: float, *, thousands: bool = True) -> str:
    """4500.5 -> '4 500,50' (as typed in a French spreadsheet)."""
    whole, cents = f"{amount:.2f}".split(".")
    if thousands and len(whole) > 3:
        whole = f"{whole[:-3]} {whole[-3:]}"
    return f"{whole},{cents}"


def save_xlsx(wb: Workbook, path: Path, when: dt.datetime) -> None:
    """Save with fixed timestamps so that regenerating gives byte-identical files."""
    wb.properties.creator = "Cap Rural"
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def yaml_scalar(value) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError(value)
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    text = str(value)
    try:
        plain_ok = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain_ok = False
    if plain_ok and ": " not in text and " #" not in text and not text.startswith(("'", '"')):
        return text
    return json.dumps(text, ensure_ascii=False)


def render_action(a: dict) -> str:
    out = [
        f"id: {a['id']}",
        f"titre: {yaml_scalar(a['titre'])}",
        f"type: {a['type']}",
        f"statut: {a['statut']}",
        f"date_debut: {a['date_debut']}",
        f"date_fin: {a['date_fin']}",
        f"lieu: {yaml_scalar(a['lieu'])}",
        f"territoires: [{', '.join(a['territoires'])}]",
        f"partenaires: [{', '.join(a['partenaires'])}]",
        "descriptif: >-",
    ]
    lines = textwrap.wrap(a["descriptif"], width=92)
    for i in range(1, len(lines)):
        # French puts a space before ? ! : ; » — keep them on the previous line
        while lines[i][:1] in "?!:;»":
            head, _, rest = lines[i].partition(" ")
            lines[i - 1] += " " + head
            lines[i] = rest
    for para_line in filter(None, lines):
        out.append(f"  {para_line}")
    out.append("objectifs:")
    for o in a["objectifs"]:
        out.append(f"  - libelle: {yaml_scalar(o['libelle'])}")
        out.append(f"    indicateur: {o['indicateur']}")
        out.append(f"    cible: {o['cible']}")
    out.append("budget:")
    for b in a["budget"]:
        out.append(f"  - poste: {yaml_scalar(b['poste'])}")
        out.append(f"    montant: {b['montant']}")
        out.append(f"    financeur: {yaml_scalar(b['financeur'])}")
    out.append(f"temps_agents_jours: {a['temps_agents_jours']}")
    out.append(f"source: {json.dumps(a['source'], ensure_ascii=False)}")
    text = "\n".join(out) + "\n"
    loaded = yaml.safe_load(text)
    assert loaded == a, f"YAML round trip failed for {a['id']}"
    return text


def write_action(a: dict, retour: str | None) -> Path:
    folder = ACTIONS / a["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "action.yml").write_text(render_action(a), encoding="utf-8")
    if retour is not None:
        # one blockquote per quote: a blank line between consecutive "> " lines
        text = re.sub(r"^(> .*)\n(?=> )", r"\1\n\n", retour.strip(), flags=re.M)
        (folder / "retour_experience.md").write_text(text + "\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- reference data

TERRITOIRES = [
    # id, nom, milieu, departement
    ("roannais", "Site de proximité du Roannais", "rural", "42"),
    ("pilat-rhodanien", "CC du Pilat Rhodanien", "rural", "42"),
    ("monts-du-pilat", "CC Monts du Pilat", "rural", "42"),
    ("centre-ardeche", "Site de proximité Centre Ardèche", "rural", "07"),
    ("beaujolais", "Pays Beaujolais", "rural", "69"),
    ("oyonnax", "Ville d'Oyonnax", "rural", "01"),
    ("region-condrieu", "CC Région de Condrieu", "periurbain", "69"),
    ("saint-felicien", "CC du Pays de St Félicien", "rural", "07"),
    ("diois", "CC Pays Diois", "rural", "26"),
    ("beaujolais-vert", "Beaujolais Vert", "rural", "69"),
    ("haut-bugey", "Pays du Haut-Bugey", "rural", "01"),
    ("trieves", "CC du Trièves", "rural", "38"),
    ("val-de-drome", "CC du Val de Drôme", "rural", "26"),
    ("livradois-forez", "Pays Livradois-Forez", "rural", "63"),
    ("dombes", "CC de la Dombes", "periurbain", "01"),
    ("metropole-lyon", "Métropole de Lyon", "urbain", "69"),
    ("saint-etienne-metropole", "Saint-Étienne Métropole", "urbain", "42"),
    ("grenoble-alpes-metropole", "Grenoble-Alpes Métropole", "urbain", "38"),
]
T_NAME = {t[0]: t[1] for t in TERRITOIRES}
T_ID = {t[1]: t[0] for t in TERRITOIRES}
SALON_2016_TERRITOIRES = [
    "roannais",
    "pilat-rhodanien",
    "monts-du-pilat",
    "centre-ardeche",
    "beaujolais",
    "oyonnax",
    "region-condrieu",
    "saint-felicien",
    "diois",
]

STRUCTURES = [
    # id, nom, categorie, milieu, territoire
    ("cap-rural", "Cap Rural", "tete_de_reseau", "rural", ""),
    ("ardta", "Ardta", "reseau", "rural", ""),
    ("region-aura", "Région Auvergne-Rhône-Alpes", "financeur", "urbain", ""),
    ("afe", "Agence France Entrepreneur", "institution", "urbain", ""),
    ("collectif-ville-campagne", "Collectif Ville Campagne", "association", "rural", ""),
    (
        "mdef-lyon",
        "Maison de l'Emploi et de la Formation de Lyon",
        "emploi",
        "urbain",
        "metropole-lyon",
    ),
    ("direccte", "Direccte Auvergne-Rhône-Alpes", "institution", "urbain", ""),
    ("police-nationale", "Police nationale", "institution", "urbain", ""),
    ("grand-lyon", "Grand Lyon", "collectivite", "urbain", "metropole-lyon"),
    ("action-elles", "Action'Elles", "association", "urbain", "metropole-lyon"),
    ("amrf", "Association des maires ruraux de France", "reseau", "rural", ""),
    ("prima-terra", "Prima Terra", "prestataire", "rural", ""),
    # invented, plausible business-support structures (used in the 2017 example data)
    (
        "couveuse-lyonnaise",
        "Couveuse d'activités lyonnaise",
        "accompagnement_creation",
        "urbain",
        "metropole-lyon",
    ),
    (
        "cae-rhone",
        "Coopérative d'activités et d'emploi du Rhône",
        "accompagnement_creation",
        "urbain",
        "metropole-lyon",
    ),
    (
        "incubateur-lyon-est",
        "Incubateur solidaire Lyon Est",
        "accompagnement_creation",
        "urbain",
        "metropole-lyon",
    ),
    (
        "initiative-lyon",
        "Plateforme d'initiative locale lyonnaise",
        "financement",
        "urbain",
        "metropole-lyon",
    ),
    ("mission-locale-lyon-sud", "Mission locale Lyon Sud", "emploi", "urbain", "metropole-lyon"),
    (
        "cma-rhone",
        "Chambre de métiers et de l'artisanat du Rhône",
        "chambre_consulaire",
        "urbain",
        "metropole-lyon",
    ),
    (
        "couveuse-stephanoise",
        "Couveuse stéphanoise d'activités",
        "accompagnement_creation",
        "urbain",
        "saint-etienne-metropole",
    ),
    (
        "pepiniere-saint-etienne",
        "Pépinière d'entreprises de Saint-Étienne",
        "accompagnement_creation",
        "urbain",
        "saint-etienne-metropole",
    ),
    (
        "espace-emploi-saint-etienne",
        "Espace emploi de Saint-Étienne",
        "emploi",
        "urbain",
        "saint-etienne-metropole",
    ),
    (
        "cae-grenoble",
        "Coopérative d'activités grenobloise",
        "accompagnement_creation",
        "urbain",
        "grenoble-alpes-metropole",
    ),
    (
        "pepiniere-diois",
        "Pépinière d'entreprises du Diois",
        "accompagnement_creation",
        "rural",
        "diois",
    ),
    (
        "couveuse-centre-ardeche",
        "Couveuse rurale Centre Ardèche",
        "accompagnement_creation",
        "rural",
        "centre-ardeche",
    ),
    (
        "espace-creation-roannais",
        "Espace création-reprise du Roannais",
        "accompagnement_creation",
        "rural",
        "roannais",
    ),
    ("tiers-lieu-pilat", "Tiers-lieu des Monts du Pilat", "tiers_lieu", "rural", "monts-du-pilat"),
    (
        "maison-services-beaujolais-vert",
        "Maison des services du Beaujolais Vert",
        "accompagnement_creation",
        "rural",
        "beaujolais-vert",
    ),
    (
        "point-installation-drome",
        "Point accueil installation agricole de la Drôme",
        "accompagnement_installation",
        "rural",
        "val-de-drome",
    ),
    (
        "accueil-actifs-haut-bugey",
        "Association pour l'accueil d'actifs du Haut-Bugey",
        "association",
        "rural",
        "haut-bugey",
    ),
]
S_NAME = {s[0]: s[1] for s in STRUCTURES}
URBAN_SUPPORT = [
    "couveuse-lyonnaise",
    "cae-rhone",
    "incubateur-lyon-est",
    "initiative-lyon",
    "mission-locale-lyon-sud",
    "cma-rhone",
    "mdef-lyon",
    "couveuse-stephanoise",
    "pepiniere-saint-etienne",
    "espace-emploi-saint-etienne",
    "cae-grenoble",
]
RURAL_SUPPORT = [
    "pepiniere-diois",
    "couveuse-centre-ardeche",
    "espace-creation-roannais",
    "tiers-lieu-pilat",
    "maison-services-beaujolais-vert",
    "point-installation-drome",
    "accueil-actifs-haut-bugey",
]

# --------------------------------------------------------------------------- people

PRENOMS = [
    "Camille",
    "Julien",
    "Sophie",
    "Nicolas",
    "Claire",
    "Thomas",
    "Élodie",
    "Mathieu",
    "Aurélien",
    "Laura",
    "Maxime",
    "Pauline",
    "Romain",
    "Céline",
    "Guillaume",
    "Marion",
    "Antoine",
    "Julie",
    "Sébastien",
    "Amandine",
    "Jérôme",
    "Émilie",
    "Florian",
    "Lucie",
    "Olivier",
    "Manon",
    "Damien",
    "Noémie",
    "Benoît",
    "Anaïs",
    "Yannick",
    "Héloïse",
    "Karim",
    "Nadia",
    "Samir",
    "Leïla",
    "Mehdi",
    "Yasmina",
    "François",
    "Hélène",
    "Christophe",
    "Isabelle",
    "Pierre",
    "Nathalie",
    "Alexandre",
    "Sandrine",
    "Vincent",
    "Agathe",
    "Baptiste",
    "Chloé",
    "Quentin",
    "Justine",
    "Loïc",
    "Margaux",
    "Fabien",
    "Gaëlle",
    "Thierry",
    "Valérie",
    "Arnaud",
    "Solène",
    "Kevin",
    "Inès",
    "Rémi",
    "Zoé",
]
NOMS = [
    "Martin",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Girard",
    "Roux",
    "Fournier",
    "Morel",
    "Mercier",
    "Blanc",
    "Guérin",
    "Faure",
    "Chevalier",
    "Garnier",
    "Rousseau",
    "Lambert",
    "Bonnet",
    "Fontaine",
    "Perrin",
    "Clément",
    "Gauthier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Lemoine",
    "Picard",
    "Brun",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Rolland",
    "Vidal",
    "Renaud",
    "Aubert",
    "Roche",
    "Colin",
    "Lacroix",
    "Boyer",
    "Chauvet",
    "Brunet",
    "Giraud",
    "Joly",
    "Rivière",
    "Bailly",
    "Charpentier",
    "Collet",
    "Bouvier",
    "Perret",
    "Chapuis",
    "Besson",
    "Vial",
    "Reynaud",
    "Jacquet",
    "Favre",
    "Berthier",
    "Gros",
    "Delorme",
    "Ferrand",
    "Villard",
    "Chabert",
    "Pélissier",
    "Ollivier",
    "Benali",
    "Haddad",
    "Mansouri",
    "Nguyen",
    "Da Silva",
    "Pereira",
    "Ferreira",
    "Lopez",
    "Kaya",
    "Diallo",
    "Traoré",
    "Bouchet",
    "Thévenet",
    "Grange",
    "Mathevon",
    "Royer",
    "Cellier",
    "Bruyère",
]
DOMAINES = ["example.org", "example.fr", "exemple.fr"]

used_names: set[tuple[str, str]] = set()
used_emails: set[str] = set()
used_phones: set[str] = set()


def ascii_slug(text: str) -> str:
    return fold(text).replace("_", "")


def new_phone(mobile: bool = True) -> str:
    while True:
        a, b = rng.randint(10, 99), rng.randint(10, 99)
        prefix = "06 00 00" if mobile else "04 00 00"
        base = f"{prefix} {a} {b}"
        if base not in used_phones:
            used_phones.add(base)
            break
    style = rng.random()
    if style < 0.6:
        return base
    if style < 0.8:
        return base.replace(" ", "")
    if style < 0.93:
        return base.replace(" ", ".")
    return "+33 " + base[1:]


def new_person(*, pro_domain: str | None = None) -> dict:
    while True:
        prenom, nom = rng.choice(PRENOMS), rng.choice(NOMS)
        if (prenom, nom) not in used_names:
            used_names.add((prenom, nom))
            break
    p, n = ascii_slug(prenom), ascii_slug(nom)
    for attempt in range(50):
        if pro_domain:
            local = f"{p[0]}.{n}" if attempt == 0 else f"{p}.{n}{attempt}"
            email = f"{local}@{pro_domain}"
        else:
            style = rng.random()
            if style < 0.55:
                local = f"{p}.{n}"
            elif style < 0.75:
                local = f"{p[0]}{n}"
            elif style < 0.9:
                local = f"{p}{n}{rng.randint(1, 99)}"
            else:
                local = f"{n}.{p}"
            email = f"{local}@{rng.choice(DOMAINES)}"
        if email not in used_emails:
            used_emails.add(email)
            break
    return {
        "prenom": prenom,
        "nom": nom,
        "courriel": email,
        "telephone": new_phone(mobile=not pro_domain or rng.random() < 0.4),
    }


def pro_domain(structure_id: str) -> str:
    return f"{structure_id}.example.org"


# --------------------------------------------------------------------------- vocabularies as typed

SECTEURS = {
    "agriculture_alimentation": [
        "Agriculture / alimentation",
        "Agriculture alimentation",
        "agriculture / alimentation",
    ],
    "tourisme": ["Tourisme", "tourisme"],
    "artisanat": ["Artisanat"],
    "commerce": ["Commerce", "commerce"],
    "services": ["Services", "services"],
    "numerique": ["Numérique", "Numerique"],
    "economie_circulaire": ["Économie circulaire", "Economie circulaire"],
    "culture": ["Culture"],
    "sante_social": ["Santé / social", "Santé social"],
    "autre": ["Autre"],
}
SECTEUR_WEIGHTS = {
    "agriculture_alimentation": 24,
    "tourisme": 16,
    "artisanat": 12,
    "commerce": 11,
    "services": 14,
    "numerique": 8,
    "economie_circulaire": 6,
    "culture": 4,
    "sante_social": 3,
    "autre": 2,
}
STADES = {
    "idee": ["Idée", "idée", "Idee"],
    "reflexion": ["Réflexion", "réflexion"],
    "preparation": ["Préparation", "préparation"],
    "pret": ["Prêt", "prêt"],
}
STADE_WEIGHTS = {"idee": 30, "reflexion": 35, "preparation": 25, "pret": 10}
DEMANDES = {
    "creation": ["Création", "création", "Creation"],
    "reprise": ["Reprise"],
    "emploi": ["Emploi"],
    "installation": ["Installation"],
    "information": ["Information", "information"],
}
DEMANDE_WEIGHTS = {
    "creation": 42,
    "reprise": 14,
    "emploi": 12,
    "installation": 20,
    "information": 12,
}


def pick(weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def typed(vocab: dict[str, list[str]], key: str) -> str:
    return rng.choice(vocab[key])


CP_URBAINS = [
    ("69001", "Lyon"),
    ("69003", "Lyon"),
    ("69004", "Lyon"),
    ("69007", "Lyon"),
    ("69008", "Lyon"),
    ("69009", "Lyon"),
    ("69100", "Villeurbanne"),
    ("69200", "Vénissieux"),
    ("69500", "Bron"),
    ("69300", "Caluire-et-Cuire"),
    ("69600", "Oullins"),
    ("69120", "Vaulx-en-Velin"),
    ("69130", "Écully"),
    ("69140", "Rillieux-la-Pape"),
]
CP_AUTRES = [
    ("42000", "Saint-Étienne"),
    ("42100", "Saint-Étienne"),
    ("42300", "Roanne"),
    ("38000", "Grenoble"),
    ("38100", "Grenoble"),
    ("38400", "Saint-Martin-d'Hères"),
    ("01000", "Bourg-en-Bresse"),
    ("01100", "Oyonnax"),
    ("26000", "Valence"),
    ("07000", "Privas"),
    ("73000", "Chambéry"),
    ("63000", "Clermont-Ferrand"),
    ("75011", "Paris"),
    ("13005", "Marseille"),
]


def code_postal(p_urban: float = 0.65) -> tuple[str, str]:
    return rng.choice(CP_URBAINS) if rng.random() < p_urban else rng.choice(CP_AUTRES)


# --------------------------------------------------------------------------- satisfaction

MOTS = {
    4: ["Très satisfait", "Très satisfait", "très satisfait", "Tres satisfait"],
    3: ["Satisfait", "Satisfait", "satisfait"],
    2: ["Peu satisfait", "peu satisfait"],
    1: ["Pas satisfait"],
}


def satisfaction_rows(
    n: int,
    weights: dict[int, int],
    profils: list[str],
    comments: list,
    *,
    words: bool,
    oui: tuple[str, str] = ("oui", "non"),
    p_suite: float = 0.7,
) -> list[list]:
    """n answers with exactly the given mix of overall scores (largest remainder).

    ``comments`` holds texts or ``(text, tone, profil)`` tuples: tone "+" puts the comment
    on a satisfied answer (3-4), "-" on a lukewarm one (2-3); profil forces the row's profil.
    """
    total = sum(weights.values())
    share = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in share.items()}
    for k in sorted(share, key=lambda k: share[k] - counts[k], reverse=True)[
        : n - sum(counts.values())
    ]:
        counts[k] += 1
    levels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(levels)
    n_yes = round(n * p_suite)
    suites = [oui[0]] * n_yes + [oui[1]] * (n - n_yes)
    rng.shuffle(suites)
    row_profil = [rng.choice(profils) for _ in range(n)]
    row_comment = [""] * n
    for c in comments:
        text, tone, profil = (c, None, None) if isinstance(c, str) else c
        ok = {"+": {3, 4}, "-": {2, 3}, None: {1, 2, 3, 4}}[tone]
        free = [i for i in range(n) if not row_comment[i] and levels[i] in ok]
        i = rng.choice(free)
        row_comment[i] = text
        if profil:
            row_profil[i] = profil
    rows = []
    for i, g in enumerate(levels):
        u = max(1, min(4, g + rng.choice([-1, 0, 0, 0, 1])))
        q = max(1, min(4, g + rng.choice([0, 0, 0, 1, -1])))
        vals = [g, u, q]
        if words:
            vals = [rng.choice(MOTS[v]) for v in vals]
        # a few skipped questions, as on real paper forms
        if rng.random() < 0.08:
            vals[2] = ""
        suite = suites[i] if rng.random() > 0.06 else ""
        rows.append([row_profil[i], *vals, suite, row_comment[i]])
    return rows


SAT_HEADER = [
    "Profil",
    "Satisfaction globale",
    "Utilité",
    "Qualité intervenants",
    "Souhait suite",
    "Commentaire",
]

# ============================================================================ workspace files


def write_workspace_files() -> None:
    demarche = """\
nom: Coopérations et mobilités ville-campagne pour favoriser l'emploi et la création d'activités
region: Auvergne-Rhône-Alpes
chef_de_file: Cap Rural
annees: [2016, 2017, 2018]
seuil_confidentialite: 3
description: >-
  Des territoires ruraux d'Auvergne-Rhône-Alpes, accompagnés par Cap Rural et d'autres
  organismes ressources comme l'Ardta, agissent ensemble pour rapprocher la ville et la
  campagne autour de l'emploi et de la création d'activités. Lancée en 2015 et mise en
  œuvre dès 2016, la démarche part de deux constats : en ville et à la campagne, les
  professionnels de l'accompagnement se connaissent mal, et beaucoup de citadins qui rêvent d'une activité à
  la campagne arrivent avec un projet encore fragile. Elle expérimente des actions
  partenariales (stands communs, sessions d'information, ateliers, professionnalisation)
  et tire les leçons de chacune.
principes:
  reseau: La démarche s'étend à de nouveaux territoires, ruraux comme urbains, là où des besoins s'expriment.
  extensif: De nouvelles briques d'action peuvent s'ajouter à tout moment, au gré des idées et des acteurs qui rejoignent la démarche.
  apprenant: Chaque action est l'occasion d'apprendre ensemble et d'en tirer des pistes pour chacun comme pour le collectif.
  transfert: Ce qui est appris est transmis à d'autres régions, en particulier grâce aux Réseaux ruraux.
source: "Note d'intention du 1er février 2017 (démarche et bilan 2016) ; lignes détaillées des tables : données d'exemple fictives"
"""
    yaml.safe_load(demarche)
    (DATA / "demarche.yml").write_text(demarche, encoding="utf-8")
    write_csv(
        DATA / "territoires.csv",
        ["id", "nom", "milieu", "departement"],
        [list(t) for t in TERRITOIRES],
    )
    write_csv(
        DATA / "structures.csv",
        ["id", "nom", "categorie", "milieu", "territoire"],
        [list(s) for s in STRUCTURES],
    )


# ============================================================================ 2016 actions


def action_2016_03() -> None:
    a = {
        "id": "2016-03-professionnalisation-vienne",
        "titre": "Mettre en valeur son territoire pour des candidats à l'installation",
        "type": "professionnalisation",
        "statut": "realisee",
        "date_debut": dt.date(2016, 3, 3),
        "date_fin": dt.date(2016, 3, 3),
        "lieu": "Vienne",
        "territoires": [
            "roannais",
            "pilat-rhodanien",
            "monts-du-pilat",
            "centre-ardeche",
            "beaujolais",
            "region-condrieu",
            "saint-felicien",
            "diois",
        ],
        "partenaires": ["collectif-ville-campagne"],
        "descriptif": (
            "Journée demandée par les agents de territoires et mise sur pied par Cap Rural "
            "autour d'une question : comment présenter son territoire à des "
            "personnes qui envisagent de s'y installer ? Le Collectif Ville Campagne a apporté "
            "des méthodes et des exemples venus d'autres régions. La journée s'est terminée "
            "par un tour de table des engagements de chaque territoire."
        ),
        "objectifs": [
            {
                "libelle": "Repartir avec des méthodes et des supports pour présenter son territoire",
                "indicateur": "participants",
                "cible": 15,
            },
            {
                "libelle": "Créer des liens entre agents de territoires différents",
                "indicateur": "territoires_representes",
                "cible": 6,
            },
            {
                "libelle": "Passer à l'action rapidement : des territoires s'engagent à organiser "
                "un événement local",
                "indicateur": "territoires_engages",
                "cible": 3,
            },
            {
                "libelle": "Satisfaction des participants",
                "indicateur": "taux_satisfaction",
                "cible": 0.8,
            },
        ],
        "budget": [
            {
                "poste": "Intervention du Collectif Ville Campagne",
                "montant": 900,
                "financeur": "Région",
            },
            {"poste": "Salle et repas", "montant": 460, "financeur": "Cap Rural"},
        ],
        "temps_agents_jours": 4,
        "source": SOURCE_2016,
    }
    retour = """
Retour d'expérience de l'équipe projet, rédigé à partir du bilan 2016.

## Ce qui a fonctionné
- Les agents sont repartis avec des méthodes concrètes et des exemples d'autres territoires pour présenter le leur à des candidats à l'installation.
- L'intervention du Collectif Ville Campagne a apporté un regard extérieur et des expériences d'autres régions.
- Trois territoires ont décidé d'organiser un événement local : la journée a débouché sur des actions à court terme.
- Les échanges d'expériences entre territoires ont été riches et ont fait naître des réflexes de coopération.

## Difficultés
- La journée était dense : il a manqué du temps pour que chaque territoire travaille sa propre présentation.
- Certains territoires n'étaient représentés que par une personne, ce qui rend la diffusion en interne plus difficile.

## À faire évoluer
- Prévoir un temps en petits groupes pour construire ou revoir la présentation de chaque territoire.
- Noter les engagements pris en fin de journée et organiser un point d'étape quelques mois après.

## Conseils pour transférer
- Construire le programme à partir des besoins exprimés par les agents des territoires.
- Faire appel à un réseau qui connaît des expériences d'ailleurs : cela élargit la réflexion.
- Terminer par des engagements concrets et datés, pour relier la formation à l'action.

## Citations
> On a enfin des idées simples pour parler de notre territoire autrement que par la carte postale.
> Voir comment font les autres territoires donne envie de se lancer.
"""
    folder = write_action(a, retour)

    # participants: territoire = territory represented; engagement taken at the end of the day
    rows = []
    plan = [
        # territoire, profil, engagement
        ("roannais", "Technicien territoire", ""),
        ("roannais", "Élu", ""),
        ("pilat-rhodanien", "Technicien territoire", "Organiser un événement local à l'automne"),
        ("pilat-rhodanien", "Élu", "organiser un événement local"),
        ("monts-du-pilat", "Technicien territoire", ""),
        (
            "centre-ardeche",
            "Technicien territoire",
            "Organiser un événement local (journée découverte)",
        ),
        ("centre-ardeche", "Technicien territoire", ""),
        ("beaujolais", "Technicien territoire", ""),
        ("beaujolais", "Élu", ""),
        ("region-condrieu", "Technicien territoire", ""),
        ("saint-felicien", "Elu", ""),
        ("diois", "Technicien territoire", "organiser un événement local (café installation)"),
        ("diois", "Technicien territoire", ""),
        ("roannais", "Technicien territoire", ""),
        ("monts-du-pilat", "élu", ""),
        ("centre-ardeche", "Élu", ""),
    ]
    for terr, profil, engagement in plan:
        p = new_person(pro_domain=f"{terr}.example.fr")
        # mixed use of ids and names in the territoire column, as typed by different people
        terr_typed = T_NAME[terr] if rng.random() < 0.7 else terr
        structure = ""
        if terr == "centre-ardeche" and profil.startswith("Tech") and not engagement:
            structure = S_NAME["couveuse-centre-ardeche"]
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                profil,
                structure,
                terr_typed,
                engagement,
            ]
        )
    cvc = new_person(pro_domain=pro_domain("collectif-ville-campagne"))
    rows.append(
        [
            cvc["nom"],
            cvc["prenom"],
            cvc["courriel"],
            cvc["telephone"],
            "Intervenant",
            S_NAME["collectif-ville-campagne"],
            "",
            "",
        ]
    )
    cr = new_person(pro_domain=pro_domain("cap-rural"))
    rows.append(
        [
            cr["nom"],
            cr["prenom"],
            cr["courriel"],
            cr["telephone"],
            "Autre",
            S_NAME["cap-rural"],
            "",
            "",
        ]
    )
    write_csv(
        folder / "participants.csv",
        [
            "Nom",
            "Prénom",
            "Courriel",
            "Téléphone",
            "Profil",
            "Structure",
            "Territoire",
            "Engagement",
        ],
        rows,
    )

    comments = [
        ("Très concret, j'ai pris plein de notes pour notre plaquette d'accueil.", "+", None),
        ("Il aurait fallu plus de temps pour travailler sur nos propres supports.", "-", None),
        ("Bonne idée de mélanger élus et techniciens.", "+", "Élu"),
        ("Les exemples d'autres régions étaient parlants.", "+", None),
        ("Un peu long le matin, l'après-midi plus dynamique.", "-", None),
    ]
    sat = satisfaction_rows(
        14,
        {4: 6, 3: 6, 2: 2},
        ["Technicien territoire"] * 3 + ["Élu"],
        comments,
        words=False,
        p_suite=0.85,
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat)


SESSION_2016_05: dict = {}


def action_2016_05() -> None:
    a = {
        "id": "2016-05-session-vivre-travailler-lyon",
        "titre": "Session « Vivre et travailler à la campagne » à Lyon",
        "type": "session_porteurs",
        "statut": "realisee",
        "date_debut": dt.date(2016, 5, 19),
        "date_fin": dt.date(2016, 5, 19),
        "lieu": "Lyon",
        "territoires": ["beaujolais-vert", "diois"],
        "partenaires": ["mdef-lyon", "afe", "collectif-ville-campagne"],
        "descriptif": (
            "Session d'information montée avec la Maison de l'Emploi et de la Formation de Lyon "
            "pour les personnes qui envisagent de créer une activité ou de trouver un emploi à "
            "la campagne. L'AFE, le Collectif Ville Campagne, le Beaujolais Vert et le Pays Diois "
            "sont intervenus. Environ 25 personnes ont participé, dont 6 partenaires de "
            "l'emploi et de l'accompagnement."
        ),
        "objectifs": [
            {
                "libelle": "Offrir une première information à ceux qui rêvent de travailler à la "
                "campagne",
                "indicateur": "participants",
                "cible": 20,
            },
            {
                "libelle": "Recueillir les coordonnées de porteurs de projet intéressés",
                "indicateur": "porteurs",
                "cible": 15,
            },
            {
                "libelle": "Monter l'opération avec des structures urbaines de l'emploi et de "
                "l'accompagnement",
                "indicateur": "partenaires",
                "cible": 4,
            },
            {
                "libelle": "Mettre en avant les offres d'activités des territoires",
                "indicateur": "territoires_presents",
                "cible": 2,
            },
            {
                "libelle": "Satisfaction des participants",
                "indicateur": "taux_satisfaction",
                "cible": 0.75,
            },
        ],
        "budget": [
            {
                "poste": "Communication (affiches et flyers)",
                "montant": 380,
                "financeur": "Cap Rural",
            },
            {
                "poste": "Déplacements des intervenants des territoires",
                "montant": 310,
                "financeur": "Territoires",
            },
            {"poste": "Accueil café et buffet", "montant": 265, "financeur": "Europe (LEADER)"},
        ],
        "temps_agents_jours": 6,
        "source": SOURCE_2016,
    }
    retour = """
Retour d'expérience de l'équipe projet, rédigé à partir du bilan 2016.

## Ce qui a fonctionné
- Une fréquentation au-delà de nos attentes et des participants satisfaits : un moment vivant, des informations utiles et des contacts.
- Les territoires présents ont récupéré des contacts de porteurs de projet intéressés.
- Le travail avec la Maison de l'Emploi et de la Formation de Lyon s'est révélé fructueux et nous a ouvert son réseau de prescripteurs.

## Difficultés
- Les professionnels présents ont découvert à quel point l'accompagnement urbain et l'accompagnement rural se complètent, mais aussi combien le suivi des personnes est difficile à assurer dans la durée.
- Après la session, personne n'était clairement chargé de relancer les contacts.

## À faire évoluer
- Laisser plus de place aux échanges individuels, en petits groupes ou en tête-à-tête.
- Tester des sessions thématiques (agriculture, reprise d'entreprise, tourisme…).

## Conseils pour transférer
- S'associer à une structure urbaine de l'emploi ou de la création qui mobilise ses propres prescripteurs.
- Faire intervenir des territoires qui présentent des offres concrètes, pas seulement des généralités.
- Décider avant la session qui transmet les contacts aux territoires et qui les suit.

## Citations
> Je ne savais pas qu'on pouvait être accompagné sur place, à la campagne.
> Ça donne du concret : on repart avec des noms de territoires et des personnes à appeler.
"""
    folder = write_action(a, retour)

    rows = []
    partners = ["direccte", "police-nationale", "grand-lyon", "action-elles", "amrf", "mdef-lyon"]
    porteurs = []
    for _ in range(19):
        p = new_person()
        cp = code_postal(0.72)
        secteur = pick(SECTEUR_WEIGHTS)
        stade = pick({"idee": 35, "reflexion": 40, "preparation": 20, "pret": 5})
        vise = rng.choices(
            ["beaujolais-vert", "diois", "centre-ardeche", "monts-du-pilat", ""],
            weights=[6, 5, 2, 2, 5],
        )[0]
        vise_typed = T_NAME[vise] if vise else ""
        porteurs.append(p | {"territoire": vise, "secteur": secteur, "stade": stade, "cp": cp[0]})
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                "Porteur de projet",
                "",
                cp[0],
                cp[1],
                typed(SECTEURS, secteur),
                typed(STADES, stade),
                vise_typed,
            ]
        )
    for sid in partners:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                "Partenaire",
                S_NAME[sid],
                "69003" if sid == "mdef-lyon" else "",
                "",
                "",
                "",
                "",
            ]
        )
    # a sign-in sheet is rarely sorted: partners are spread over the list
    order = list(range(len(rows)))
    rng.shuffle(order)
    rows = [rows[i] for i in order]
    write_csv(
        folder / "participants.csv",
        [
            "Nom",
            "Prénom",
            "Courriel",
            "Téléphone",
            "Profil",
            "Structure",
            "Code postal",
            "Commune",
            "Secteur projet",
            "Stade projet",
            "Territoire visé",
        ],
        rows,
        sep=";",
        encoding="utf-8-sig",
        crlf=True,
    )

    named = porteurs[3]
    mailed = porteurs[7]
    SESSION_2016_05["name_in_comment"] = f"{named['prenom']} {named['nom']}"
    SESSION_2016_05["email_in_comment"] = mailed["courriel"]
    SESSION_2016_05["returning"] = porteurs[11]
    comments = [
        ("Session très dynamique, merci aux intervenants des territoires.", "+", None),
        (
            f"J'ai pu échanger avec {named['prenom']} {named['nom']} qui a un projet proche du "
            "mien, super rencontre.",
            "+",
            "Porteur de projet",
        ),
        (
            f"Pouvez-vous m'envoyer le diaporama à {mailed['courriel']} ? Merci !",
            "+",
            "Porteur de projet",
        ),
        (
            "J'aurais aimé plus de temps pour poser mes questions individuellement.",
            "-",
            "Porteur de projet",
        ),
        ("Très utile pour comprendre qui fait quoi à la campagne.", "+", "Partenaire"),
        ("Une session sur l'agriculture seulement serait bienvenue.", None, "Porteur de projet"),
    ]
    sat = satisfaction_rows(
        15,
        {4: 8, 3: 6, 2: 1},
        ["Porteur de projet"] * 5 + ["Partenaire"],
        comments,
        words=True,
        oui=("Oui", "Non"),
        p_suite=0.8,
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat)


SALON_2016_PORTEURS: list[dict] = []


def action_2016_06() -> None:
    a = {
        "id": "2016-06-salon-entrepreneurs-lyon",
        "titre": "Stand commun au Salon des entrepreneurs de Lyon",
        "type": "salon",
        "statut": "realisee",
        "date_debut": dt.date(2016, 6, 15),
        "date_fin": dt.date(2016, 6, 16),
        "lieu": "Lyon",
        "territoires": SALON_2016_TERRITOIRES,
        "partenaires": ["region-aura", "afe"],
        "descriptif": (
            "Neuf territoires ruraux ont tenu ensemble un stand au Salon des entrepreneurs de "
            "Lyon les 15 et 16 juin 2016. Une conférence sur l'entrepreneuriat au vert a été "
            "organisée avec la Région Auvergne-Rhône-Alpes, dans la dynamique « Je crée en "
            "Auvergne-Rhône-Alpes », avec l'AFE et trois entrepreneurs installés en milieu "
            "rural. En deux jours, le stand a reçu et conseillé 94 porteurs de projet ; 41 "
            "professionnels partenaires sont aussi venus à sa rencontre."
        ),
        "objectifs": [
            {
                "libelle": "Rencontrer des personnes qui envisagent de s'installer à la campagne",
                "indicateur": "porteurs_conseilles",
                "cible": 80,
            },
            {
                "libelle": "Faire connaître les ressources des territoires ruraux aux "
                "professionnels",
                "indicateur": "partenaires_visiteurs",
                "cible": 30,
            },
            {
                "libelle": "Vérifier qu'un stand collectif de territoires ruraux a sa place sur "
                "un salon de la métropole",
                "indicateur": "territoires_presents",
                "cible": 8,
            },
            {
                "libelle": "Mutualiser les coûts entre territoires",
                "indicateur": "cout_par_contact",
                "cible": 100,
            },
        ],
        "budget": [
            {
                "poste": "Conférence « Entrepreneuriat au vert » (animation et logistique)",
                "montant": 1200,
                "financeur": "Région",
            },
        ],
        "temps_agents_jours": 18,
        "source": SOURCE_2016,
    }
    retour = """
Retour d'expérience de l'équipe projet et des territoires exposants, rédigé à partir du bilan 2016.

## Ce qui a fonctionné
- Pour les territoires, une action dynamique qui leur a permis de mieux se connaître entre eux.
- Des contacts intéressants, à la fois de porteurs de projet et de professionnels partenaires.
- Une coopération entre territoires sans esprit de concurrence, ce qui était nouveau pour beaucoup.
- La conférence sur l'entrepreneuriat au vert a attiré du monde et a rendu la démarche plus crédible.

## Difficultés
- Chaque territoire avait sa propre fiche contact : les données ont dû être ressaisies et harmonisées après le salon.
- Le planning de présence sur le stand a été difficile à tenir pour les plus petits territoires.
- Les contacts ont été transmis tardivement à certains territoires.

## À faire évoluer
- Une fiche contact commune, imprimée et partagée avant le salon.
- Des outils de communication communs (kakémono, plaquette des offres d'activités).
- En plus de la conférence, un atelier pratique sur les possibilités de s'installer à la campagne.

## Conseils pour transférer
- Réserver le stand très tôt et se mettre d'accord sur la répartition des coûts avant de s'engager.
- Associer la Région et un réseau national de la création d'entreprise à la conférence : cela crédibilise le stand.
- Fixer dès le départ qui transmet les contacts et dans quel délai.

## Citations
> Pour une petite communauté de communes, être sur ce salon seule aurait été impensable.
> Les visiteurs étaient surpris de trouver la campagne sur un salon d'entrepreneurs, et plutôt contents.
"""
    folder = write_action(a, retour)

    porteurs_par_territoire = {
        "roannais": 18,
        "pilat-rhodanien": 10,
        "monts-du-pilat": 8,
        "centre-ardeche": 16,
        "beaujolais": 14,
        "oyonnax": 6,
        "region-condrieu": 5,
        "saint-felicien": 2,
        "diois": 15,
    }
    partenaires_par_territoire = {
        "roannais": 7,
        "pilat-rhodanien": 4,
        "monts-du-pilat": 3,
        "centre-ardeche": 8,
        "beaujolais": 6,
        "oyonnax": 4,
        "region-condrieu": 3,
        "saint-felicien": 0,
        "diois": 6,
    }
    assert sum(porteurs_par_territoire.values()) == 94
    assert sum(partenaires_par_territoire.values()) == 41
    partner_pool = URBAN_SUPPORT[:7] + [
        "direccte",
        "grand-lyon",
        "region-aura",
        "afe",
        "action-elles",
        "amrf",
        "ardta",
    ]
    records = []
    for terr, n in porteurs_par_territoire.items():
        for _ in range(n):
            p = new_person()
            secteur = pick(SECTEUR_WEIGHTS)
            stade = pick(STADE_WEIGHTS)
            demande = pick(DEMANDE_WEIGHTS)
            suite = rng.choices(["oui", "non", "x", "", "Oui"], weights=[45, 12, 18, 20, 5])[0]
            if rng.random() < 0.1:
                p["courriel"] = ""  # the person preferred to leave a phone number only
            if rng.random() < 0.25:
                p["telephone"] = ""
            record = {
                "date": rng.choice(["15/06/2016", "15/06/2016", "16/06/2016"]),
                "territoire": T_NAME[terr],
                "profil": rng.choice(
                    ["Porteur de projet", "Porteur de projet", "porteur de projet"]
                ),
                **p,
                "structure": "",
                "code_postal": code_postal(0.62)[0],
                "secteur": typed(SECTEURS, secteur),
                "stade": typed(STADES, stade),
                "demande": typed(DEMANDES, demande),
                "suite": suite,
            }
            records.append(record)
            if p["courriel"]:
                SALON_2016_PORTEURS.append(
                    {
                        **p,
                        "territoire": terr,
                        "secteur": secteur,
                        "stade": stade,
                        "cp": record["code_postal"],
                    }
                )
    for terr, n in partenaires_par_territoire.items():
        for _ in range(n):
            sid = rng.choice(partner_pool)
            p = new_person(pro_domain=pro_domain(sid))
            records.append(
                {
                    "date": rng.choice(["15/06/2016", "16/06/2016"]),
                    "territoire": T_NAME[terr],
                    "profil": "Partenaire",
                    **p,
                    "structure": S_NAME[sid],
                    "code_postal": "",
                    "secteur": "",
                    "stade": "",
                    "demande": rng.choice(["Information", "", ""]),
                    "suite": rng.choice(["oui", "", "non"]),
                }
            )
    rng.shuffle(records)
    records.sort(key=lambda r: r["date"])  # typed day by day
    header = [
        "Date",
        "Territoire",
        "Profil",
        "Nom",
        "Prénom",
        "E-mail",
        "Téléphone",
        "Structure",
        "Code postal",
        "Secteur du projet",
        "Stade du projet",
        "Type de demande",
        "Suite souhaitée",
    ]
    rows = [
        [
            r["date"],
            r["territoire"],
            r["profil"],
            r["nom"],
            r["prenom"],
            r["courriel"],
            r["telephone"],
            r["structure"],
            r["code_postal"],
            r["secteur"],
            r["stade"],
            r["demande"],
            r["suite"],
        ]
        for r in records
    ]
    assert len(rows) == 135
    write_csv(folder / "contacts.csv", header, rows, sep=";", encoding="cp1252", crlf=True)

    couts = [
        ["Location du stand (2 jours)", euros_fr(4500), "Territoires (quote-part)"],
        ["Mobilier et aménagement du stand", euros_fr(850.5), "Territoires (quote-part)"],
        ["Kakémonos et impressions communes", euros_fr(620), "Cap Rural"],
        [
            "Badges exposants et parking",
            euros_fr(184.8, thousands=False),
            "Territoires (quote-part)",
        ],
        ["Déplacements des équipes", euros_fr(1045.2), "Europe (LEADER)"],
    ]
    write_csv(
        folder / "couts.csv",
        ["Poste", "Montant", "Financeur"],
        couts,
        sep=";",
        encoding="cp1252",
        crlf=True,
    )

    # exhibitors' feedback (one form per territory on the stand)
    comments = [
        "Beaucoup de passage le mercredi, plus calme le jeudi après-midi.",
        ("La conférence a ramené du monde sur le stand juste après.", "+", None),
        ("Il nous faut une fiche contact commune l'an prochain.", "-", None),
        ("Très bonne ambiance entre territoires.", "+", None),
    ]
    sat = satisfaction_rows(
        9, {4: 5, 3: 3, 2: 1}, ["Technicien territoire"], comments, words=True, p_suite=0.95
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat, sep=";", encoding="cp1252", crlf=True)


def action_2016_09() -> None:
    a = {
        "id": "2016-09-atelier-mobiliser-autrement-lyon",
        "titre": "Atelier « Mobiliser autrement avant et lors d'un événement »",
        "type": "atelier",
        "statut": "realisee",
        "date_debut": dt.date(2016, 9, 26),
        "date_fin": dt.date(2016, 9, 26),
        "lieu": "Lyon",
        "territoires": [
            "roannais",
            "pilat-rhodanien",
            "centre-ardeche",
            "diois",
            "beaujolais-vert",
            "monts-du-pilat",
        ],
        "partenaires": ["prima-terra"],
        "descriptif": (
            "Atelier de travail proposé à Lyon par Cap Rural et animé par Prima Terra, qui a "
            "réuni des professionnels de l'accompagnement urbains et des agents de territoires "
            "ruraux. Une mise en situation a servi de support pour réfléchir à la façon de "
            "mobiliser le public avant et pendant un événement, dans une logique de "
            "recherche-action."
        ),
        "objectifs": [
            {
                "libelle": "S'inspirer d'expériences de mobilisation du public",
                "indicateur": "participants",
                "cible": 15,
            },
            {
                "libelle": "Faire travailler ensemble professionnels urbains et ruraux",
                "indicateur": "participants_urbains",
                "cible": 6,
            },
            {
                "libelle": "Impliquer les territoires ruraux",
                "indicateur": "participants_ruraux",
                "cible": 6,
            },
        ],
        "budget": [
            {"poste": "Animation Prima Terra", "montant": 1100, "financeur": "Région"},
            {"poste": "Pause et déjeuner", "montant": 210, "financeur": "Cap Rural"},
        ],
        "temps_agents_jours": 3,
        "source": SOURCE_2016,
    }
    retour = """
Retour d'expérience de l'équipe projet, rédigé à partir du bilan 2016.

## Ce qui a fonctionné
- La mise en situation a rendu évident qu'un événement doit être conçu collectivement, dès le départ.
- Le format « recherche-action », où l'on apprend en travaillant sur un cas réel, a paru particulièrement adapté.
- Le mélange de professionnels urbains et ruraux a permis de croiser les regards sur les publics.

## Difficultés
- Quelques structures urbaines invitées ne sont pas venues : la mobilisation croisée reste fragile.
- Une seule demi-journée de production, c'est court pour aboutir à un plan de mobilisation.

## À faire évoluer
- Prolonger l'atelier par une séance de suite sur un événement réel en préparation.
- Diffuser une restitution écrite des productions à tous les participants.

## Conseils pour transférer
- Partir d'un événement réel à préparer plutôt que d'un cas fictif.
- Faire animer par un tiers qui maîtrise les méthodes participatives.
- Inviter à parts égales des professionnels urbains et ruraux.

## Citations
> Le jeu de rôle nous a montré qu'on travaillait chacun dans notre coin sans le savoir.
"""
    folder = write_action(a, retour)

    rows = []
    urban = [
        "mdef-lyon",
        "couveuse-lyonnaise",
        "cae-rhone",
        "incubateur-lyon-est",
        "mission-locale-lyon-sud",
        "grand-lyon",
        "couveuse-lyonnaise",
        "initiative-lyon",
    ]
    for sid in urban:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append([p["nom"], p["prenom"], p["courriel"], "Partenaire", S_NAME[sid], ""])
    rural = [
        ("pepiniere-diois", "diois"),
        ("couveuse-centre-ardeche", "centre-ardeche"),
        ("espace-creation-roannais", "roannais"),
        ("tiers-lieu-pilat", "monts-du-pilat"),
        ("maison-services-beaujolais-vert", "beaujolais-vert"),
        ("espace-creation-roannais", "roannais"),
        ("cap-rural", ""),
    ]
    for sid, terr in rural:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                "Autre" if sid == "cap-rural" else "Technicien territoire",
                S_NAME[sid],
                T_NAME.get(terr, ""),
            ]
        )
    # one rural agent signed in without a structure (came on behalf of the territory)
    p = new_person(pro_domain="pilat-rhodanien.example.fr")
    rows.append(
        [
            p["nom"],
            p["prenom"],
            p["courriel"],
            "Technicien territoire",
            "",
            T_NAME["pilat-rhodanien"],
        ]
    )
    for _ in range(2):
        p = new_person(pro_domain=pro_domain("prima-terra"))
        rows.append(
            [p["nom"], p["prenom"], p["courriel"], "Intervenant", S_NAME["prima-terra"], ""]
        )
    write_csv(
        folder / "participants.csv",
        ["Nom", "Prénom", "Courriel", "Profil", "Structure", "Territoire"],
        rows,
    )

    comments = [
        ("Le jeu de rôle était très parlant.", "+", None),
        ("Format à refaire avec un vrai événement à préparer.", "+", None),
        ("Pas assez de temps pour la production finale.", "-", None),
    ]
    sat = satisfaction_rows(
        13,
        {4: 6, 3: 5, 2: 2},
        ["Partenaire", "Technicien territoire"],
        comments,
        words=False,
        oui=("1", "0"),
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat, sep="\t")


# ============================================================================ 2017 actions


def action_2017_03() -> None:
    terrs = [
        "roannais",
        "pilat-rhodanien",
        "monts-du-pilat",
        "centre-ardeche",
        "beaujolais",
        "beaujolais-vert",
        "diois",
        "haut-bugey",
        "trieves",
        "livradois-forez",
        "dombes",
    ]
    a = {
        "id": "2017-03-professionnalisation-offres-qualifiees",
        "titre": "Construire et présenter des offres d'activités qualifiées",
        "type": "professionnalisation",
        "statut": "realisee",
        "date_debut": dt.date(2017, 3, 14),
        "date_fin": dt.date(2017, 3, 14),
        "lieu": "Valence",
        "territoires": terrs,
        "partenaires": ["ardta", "collectif-ville-campagne"],
        "descriptif": (
            "Journée d'échanges et de formation sur la construction d'offres d'activités "
            "qualifiées (reprises, locaux, besoins de services) et sur leur présentation à des "
            "candidats. Les territoires ont travaillé sur leurs propres offres et sur la façon "
            "d'accueillir un porteur de projet sur un stand. Deux nouveaux territoires ont "
            "rejoint la démarche à cette occasion."
        ),
        "objectifs": [
            {
                "libelle": "Monter en compétences sur la construction d'offres d'activités",
                "indicateur": "participants",
                "cible": 18,
            },
            {
                "libelle": "Élargir la démarche à de nouveaux territoires",
                "indicateur": "territoires_representes",
                "cible": 9,
            },
            {
                "libelle": "Chaque territoire repart avec une offre à qualifier",
                "indicateur": "territoires_engages",
                "cible": 6,
            },
        ],
        "budget": [
            {
                "poste": "Intervention et ingénierie pédagogique",
                "montant": 1250,
                "financeur": "Région",
            },
            {"poste": "Salle et repas", "montant": 540, "financeur": "Europe (LEADER)"},
        ],
        "temps_agents_jours": 5,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Le travail sur des offres réelles apportées par les territoires a rendu la journée très concrète.
- Les nouveaux territoires ont pu se situer rapidement grâce aux retours des plus anciens.
- La simulation d'accueil d'un porteur de projet sur un stand a préparé le salon de juin.

## Difficultés
- Les offres apportées étaient très inégalement avancées, ce qui a compliqué le travail en groupe.
- Peu d'élus ont pu se libérer un mardi.

## À faire évoluer
- Envoyer une grille de description des offres à remplir avant la journée.
- Proposer une demi-journée de suivi à distance deux mois après.

## Conseils pour transférer
- Demander à chaque territoire de venir avec au moins une offre réelle.
- Mélanger territoires expérimentés et nouveaux venus dans les groupes.
- Garder une trace des engagements pour les reprendre à la session suivante.
"""
    folder = write_action(a, retour)
    rows = []
    engaged = {
        "roannais",
        "pilat-rhodanien",
        "centre-ardeche",
        "beaujolais-vert",
        "diois",
        "haut-bugey",
        "trieves",
    }
    engagements = [
        "Qualifier deux offres de reprise avant l'été",
        "Mettre en ligne une fiche par local disponible",
        "qualifier une offre de commerce en centre-bourg",
        "Présenter trois offres au salon de juin",
    ]
    for terr in terrs:
        for k in range(rng.choice([1, 2, 2])):
            p = new_person(pro_domain=f"{terr}.example.fr")
            eng = rng.choice(engagements) if terr in engaged and k == 0 else ""
            profil = "Technicien territoire" if k == 0 or rng.random() < 0.6 else "Élu"
            rows.append([p["nom"], p["prenom"], p["courriel"], profil, "", T_NAME[terr], eng])
    p = new_person(pro_domain=pro_domain("ardta"))
    rows.append([p["nom"], p["prenom"], p["courriel"], "Intervenant", S_NAME["ardta"], "", ""])
    write_csv(
        folder / "participants.csv",
        ["Nom", "Prénom", "Courriel", "Profil", "Structure", "Territoire", "Engagement"],
        rows,
    )
    comments = [
        ("Enfin du concret sur nos propres offres.", "+", None),
        ("Groupes trop hétérogènes l'après-midi.", "-", None),
        ("Très utile avant le salon.", "+", None),
    ]
    sat = satisfaction_rows(
        len(rows) - 3, {4: 5, 3: 7, 2: 2}, ["Technicien territoire", "Élu"], comments, words=True
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat)


def action_2017_04() -> None:
    a = {
        "id": "2017-04-session-accompagnateurs-lyon",
        "titre": "S'installer à la campagne : session d'information pour les accompagnateurs "
        "urbains",
        "type": "session_accompagnateurs",
        "statut": "realisee",
        "date_debut": dt.date(2017, 4, 20),
        "date_fin": dt.date(2017, 4, 20),
        "lieu": "Lyon",
        "territoires": ["beaujolais-vert", "centre-ardeche"],
        "partenaires": ["mdef-lyon", "maison-services-beaujolais-vert", "couveuse-centre-ardeche"],
        "descriptif": (
            "À l'initiative du Beaujolais Vert et du Site de proximité Centre Ardèche, une "
            "matinée d'information a réuni des conseillers de structures lyonnaises de "
            "l'emploi et de la création d'entreprise. Les territoires ont présenté leurs "
            "opportunités d'installation, leurs ressources d'accompagnement et les relais à "
            "contacter pour orienter un porteur de projet."
        ),
        "objectifs": [
            {
                "libelle": "Informer les structures urbaines d'accompagnement",
                "indicateur": "structures_urbaines",
                "cible": 8,
            },
            {
                "libelle": "Toucher des conseillers en contact direct avec les porteurs",
                "indicateur": "participants_urbains",
                "cible": 15,
            },
            {
                "libelle": "Satisfaction des participants",
                "indicateur": "taux_satisfaction",
                "cible": 0.8,
            },
        ],
        "budget": [
            {"poste": "Déplacements des territoires", "montant": 240, "financeur": "Territoires"},
            {"poste": "Dossier ressources imprimé", "montant": 310, "financeur": "Cap Rural"},
            {"poste": "Accueil café", "montant": 90, "financeur": "Cap Rural"},
        ],
        "temps_agents_jours": 4,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Des conseillers de structures très variées (emploi, couveuses, coopératives, chambre consulaire) sont venus.
- Le dossier ressources remis à chacun a été apprécié : il donne les bons relais par territoire.
- Deux territoires qui portent ensemble une session, c'est plus lisible pour les structures urbaines.

## Difficultés
- Les conseillers ont peu de temps : une matinée est un maximum.
- Certaines structures ont envoyé une personne qui ne reçoit pas de porteurs de projet.

## À faire évoluer
- Cibler nominativement les conseillers en contact avec les porteurs.
- Ajouter un témoignage de porteur accompagné à la fois en ville et à la campagne.

## Conseils pour transférer
- S'appuyer sur une structure urbaine hôte qui invite son propre réseau.
- Préparer un dossier ressources court, avec un contact par territoire.
- Envoyer les ressources et les contacts dans la semaine qui suit.
"""
    folder = write_action(a, retour)
    plan = [
        "mdef-lyon",
        "mdef-lyon",
        "couveuse-lyonnaise",
        "couveuse-lyonnaise",
        "cae-rhone",
        "incubateur-lyon-est",
        "initiative-lyon",
        "mission-locale-lyon-sud",
        "mission-locale-lyon-sud",
        "cma-rhone",
        "grand-lyon",
        "cae-rhone",
        "action-elles",
        "couveuse-lyonnaise",
        "mdef-lyon",
        "incubateur-lyon-est",
        "cma-rhone",
        "initiative-lyon",
    ]
    rows = []
    for sid in plan:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append(
            [p["nom"], p["prenom"], p["courriel"], p["telephone"], "Partenaire", S_NAME[sid], ""]
        )
    for sid, terr in [
        ("maison-services-beaujolais-vert", "beaujolais-vert"),
        ("maison-services-beaujolais-vert", "beaujolais-vert"),
        ("couveuse-centre-ardeche", "centre-ardeche"),
    ]:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                "Intervenant",
                S_NAME[sid],
                T_NAME[terr],
            ]
        )
    write_csv(
        folder / "participants.csv",
        ["Nom", "Prénom", "Courriel", "Téléphone", "Profil", "Structure", "Territoire"],
        rows,
        sep=";",
    )

    # online-survey export saved as XLSX, digits 1-4
    comments = [
        ("Dossier ressources très pratique.", "+", None),
        ("J'aurais aimé un témoignage de porteur.", "-", None),
        ("Je ne savais pas qu'il existait une couveuse en Ardèche.", "+", None),
    ]
    sat = satisfaction_rows(14, {4: 6, 3: 6, 2: 2}, ["Partenaire"], comments, words=False)
    wb = Workbook()
    ws = wb.active
    ws.title = "Réponses"
    ws.append(SAT_HEADER)
    for row in sat:
        ws.append([int(v) if isinstance(v, int) else (v if v != "" else None) for v in row])
    save_xlsx(wb, folder / "satisfaction.xlsx", dt.datetime(2017, 4, 27, 9, 30))


RETURNING: list[dict] = []
SESSION_2017_05_PORTEURS: list[dict] = []
SALON_2017_PORTEURS: list[dict] = []


def session_porteurs_participants(
    n_porteurs: int,
    partner_ids: list[str],
    returning: list[dict],
    territoires_vises: list[str],
    p_urban: float,
    region_cp: list[tuple[str, str]] | None = None,
) -> list[list]:
    rows = []
    for r in returning:
        stade = {"idee": "reflexion", "reflexion": "preparation", "preparation": "pret"}.get(
            r["stade"], r["stade"]
        )
        cp = r.get("cp") or "69003"
        rows.append(
            [
                r["nom"],
                r["prenom"],
                r.get("courriel_typed", r["courriel"]),
                r["telephone"],
                "Porteur de projet",
                "",
                cp,
                "",
                typed(SECTEURS, r["secteur"]),
                typed(STADES, stade),
                T_NAME.get(r["territoire"], ""),
            ]
        )
    for _ in range(n_porteurs - len(returning)):
        p = new_person()
        if region_cp and rng.random() < 0.6:
            cp = rng.choice(region_cp)
        else:
            cp = code_postal(p_urban)
        vise = rng.choice(territoires_vises + [""])
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                "Porteur de projet",
                "",
                cp[0],
                cp[1],
                typed(SECTEURS, pick(SECTEUR_WEIGHTS)),
                typed(STADES, pick(STADE_WEIGHTS)),
                T_NAME[vise] if vise else "",
            ]
        )
    for sid in partner_ids:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append(
            [
                p["nom"],
                p["prenom"],
                p["courriel"],
                p["telephone"],
                "Partenaire",
                S_NAME[sid],
                "",
                "",
                "",
                "",
                "",
            ]
        )
    rng.shuffle(rows)
    return rows


PART_HEADER = [
    "Nom",
    "Prénom",
    "Courriel",
    "Téléphone",
    "Profil",
    "Structure",
    "Code postal",
    "Commune",
    "Secteur projet",
    "Stade projet",
    "Territoire visé",
]


def action_2017_05() -> None:
    a = {
        "id": "2017-05-session-vivre-travailler-lyon",
        "titre": "Session « Vivre et travailler à la campagne » à Lyon (2e édition)",
        "type": "session_porteurs",
        "statut": "realisee",
        "date_debut": dt.date(2017, 5, 18),
        "date_fin": dt.date(2017, 5, 18),
        "lieu": "Lyon",
        "territoires": ["beaujolais-vert", "diois", "centre-ardeche", "monts-du-pilat"],
        "partenaires": ["mdef-lyon", "afe", "couveuse-lyonnaise"],
        "descriptif": (
            "Deuxième session lyonnaise, de nouveau avec la Maison de l'Emploi et de la "
            "Formation de Lyon. Suite au bilan 2016, la seconde partie de l'après-midi a laissé "
            "place à des échanges en petits groupes par territoire. Quatre territoires y "
            "présentaient leurs offres d'activités."
        ),
        "objectifs": [
            {
                "libelle": "Informer les personnes qui veulent s'installer à la campagne",
                "indicateur": "participants",
                "cible": 25,
            },
            {
                "libelle": "Nouer des contacts avec davantage de porteurs de projet",
                "indicateur": "porteurs",
                "cible": 20,
            },
            {
                "libelle": "Associer des structures urbaines de l'accompagnement",
                "indicateur": "partenaires",
                "cible": 5,
            },
            {
                "libelle": "Maîtriser le coût par participant",
                "indicateur": "cout_par_participant",
                "cible": 60,
            },
        ],
        "budget": [
            {"poste": "Communication", "montant": 420, "financeur": "Cap Rural"},
            {"poste": "Déplacements des territoires", "montant": 520, "financeur": "Territoires"},
            {"poste": "Accueil café et buffet", "montant": 310, "financeur": "Europe (LEADER)"},
        ],
        "temps_agents_jours": 6,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Les tables par territoire ont permis des échanges plus personnels, comme souhaité en 2016.
- Plusieurs personnes rencontrées en 2016 sont revenues avec un projet plus avancé.
- La couveuse lyonnaise a orienté vers la session des porteurs déjà accompagnés.

## Difficultés
- Les tables des territoires les plus connus étaient saturées, les autres moins fréquentées.
- La fiche d'inscription ne demandait pas le territoire visé de façon systématique.

## À faire évoluer
- Organiser une rotation des tables toutes les vingt minutes.
- Tester une session thématique sur l'installation agricole.

## Conseils pour transférer
- Garder le même partenaire urbain d'une année sur l'autre : la confiance facilite tout.
- Prévoir des temps en petits groupes plutôt qu'une longue plénière.
- Relancer les participants de l'année précédente.

## Citations
> Je suis revenue parce que l'an dernier on m'avait donné le bon contact dans la Drôme.
> Le format en petites tables, c'est beaucoup mieux pour poser ses vraies questions.
"""
    folder = write_action(a, retour)
    returning = RETURNING[0:3] + [SESSION_2016_05["returning"]]
    rows = session_porteurs_participants(
        25,
        [
            "mdef-lyon",
            "afe",
            "couveuse-lyonnaise",
            "mission-locale-lyon-sud",
            "cae-rhone",
            "action-elles",
        ],
        returning,
        ["beaujolais-vert", "diois", "centre-ardeche", "monts-du-pilat"],
        0.75,
    )
    write_csv(folder / "participants.csv", PART_HEADER, rows, sep=";")
    SESSION_2017_05_PORTEURS.extend(
        {"nom": r[0], "prenom": r[1], "courriel": r[2], "territoire": T_ID.get(r[10], "")}
        for r in rows
        if r[4] == "Porteur de projet"
    )
    comments = [
        ("Bien plus interactif que ce que j'imaginais.", "+", None),
        (
            f"Rappelez-moi au {new_phone()} pour le local à reprendre, merci.",
            None,
            "Porteur de projet",
        ),
        ("Trop de monde à certaines tables.", "-", None),
        ("Je reviendrai l'an prochain avec un projet plus avancé.", "+", "Porteur de projet"),
    ]
    SESSION_2016_05["phone_in_comment_2017_05"] = comments[1][0]
    sat = satisfaction_rows(
        21,
        {4: 9, 3: 9, 2: 2, 1: 1},
        ["Porteur de projet"] * 4 + ["Partenaire"],
        comments,
        words=True,
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat, sep=";")


def action_2017_06() -> None:
    terrs = [
        "roannais",
        "pilat-rhodanien",
        "monts-du-pilat",
        "centre-ardeche",
        "beaujolais",
        "beaujolais-vert",
        "region-condrieu",
        "saint-felicien",
        "diois",
        "haut-bugey",
        "trieves",
        "val-de-drome",
    ]
    a = {
        "id": "2017-06-salon-entrepreneurs-lyon",
        "titre": "Stand commun au Salon des entrepreneurs de Lyon 2017",
        "type": "salon",
        "statut": "realisee",
        "date_debut": dt.date(2017, 6, 14),
        "date_fin": dt.date(2017, 6, 15),
        "lieu": "Lyon",
        "territoires": terrs,
        "partenaires": ["region-aura", "afe", "ardta"],
        "descriptif": (
            "Deuxième participation collective au Salon des entrepreneurs de Lyon, avec douze "
            "territoires ruraux sur un stand commun. Un atelier pratique sur les "
            "possibilités de s'installer à la campagne a remplacé la conférence de 2016. "
            "Une fiche contact commune a été utilisée par tous les territoires."
        ),
        "objectifs": [
            {
                "libelle": "Rencontrer davantage de candidats à l'installation qu'en 2016",
                "indicateur": "porteurs_conseilles",
                "cible": 100,
            },
            {
                "libelle": "Se faire connaître des professionnels de la création et de l'emploi",
                "indicateur": "partenaires_visiteurs",
                "cible": 40,
            },
            {
                "libelle": "Élargir le stand à une douzaine de territoires",
                "indicateur": "territoires_presents",
                "cible": 12,
            },
            {"libelle": "Mutualiser les coûts", "indicateur": "cout_par_contact", "cible": 90},
            {
                "libelle": "Repérer les contacts qui souhaitent être recontactés",
                "indicateur": "part_suite_souhaitee",
                "cible": 0.5,
            },
        ],
        "budget": [
            {
                "poste": "Atelier thématique (intervenants et logistique)",
                "montant": 950,
                "financeur": "Région",
            },
        ],
        "temps_agents_jours": 22,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- La fiche contact commune a évité la ressaisie : les contacts ont été transmis aux territoires en une semaine.
- L'atelier thématique a attiré un public plus avancé dans son projet que la conférence de 2016.
- Les nouveaux territoires ont été accueillis facilement par ceux qui connaissaient déjà le salon.

## Difficultés
- Avec douze territoires, le stand était trop petit aux heures de pointe.
- Le coût par territoire a augmenté pour les plus petits malgré la mutualisation.
- Un territoire n'a presque pas pu tenir de permanence, faute de personnel disponible.

## À faire évoluer
- Répartir les coûts selon la taille des territoires.
- Prévoir un espace d'entretien à l'écart du passage.

## Conseils pour transférer
- Adopter une fiche contact unique, dans un tableur partagé, dès la première édition.
- Prévoir un planning de présence réaliste pour chaque territoire.
- Organiser un temps de retour collectif dans le mois qui suit.

## Citations
> La fiche commune a tout changé pour le suivi.
> On était serrés, mais on avait du monde en continu.
"""
    folder = write_action(a, retour)
    porteurs = {
        "roannais": 15,
        "pilat-rhodanien": 9,
        "monts-du-pilat": 8,
        "centre-ardeche": 14,
        "beaujolais": 10,
        "beaujolais-vert": 13,
        "region-condrieu": 5,
        "saint-felicien": 4,
        "diois": 13,
        "haut-bugey": 9,
        "trieves": 9,
        "val-de-drome": 1,
    }
    partenaires = {
        "roannais": 5,
        "pilat-rhodanien": 3,
        "monts-du-pilat": 3,
        "centre-ardeche": 6,
        "beaujolais": 4,
        "beaujolais-vert": 6,
        "region-condrieu": 2,
        "saint-felicien": 2,
        "diois": 5,
        "haut-bugey": 4,
        "trieves": 4,
        "val-de-drome": 1,
    }
    partner_pool = URBAN_SUPPORT + [
        "direccte",
        "grand-lyon",
        "region-aura",
        "afe",
        "amrf",
        "action-elles",
    ]
    d1, d2 = dt.datetime(2017, 6, 14), dt.datetime(2017, 6, 15)
    records = []
    returning = RETURNING[0:2]
    for terr, n in porteurs.items():
        for _ in range(n):
            p = new_person()
            records.append(
                [
                    rng.choice([d1, d1, d2]),
                    T_NAME[terr],
                    "Porteur de projet",
                    p["nom"],
                    p["prenom"],
                    p["courriel"],
                    p["telephone"] if rng.random() < 0.8 else None,
                    None,
                    code_postal(0.6)[0],
                    typed(SECTEURS, pick(SECTEUR_WEIGHTS)),
                    typed(STADES, pick(STADE_WEIGHTS)),
                    typed(DEMANDES, pick(DEMANDE_WEIGHTS)),
                    rng.choices(["oui", "non"], weights=[6, 4])[0],
                ]
            )
    # two 2016 visitors came back to the stand
    for r, row in zip(returning, records[:2], strict=True):
        row[3], row[4], row[5], row[6] = r["nom"], r["prenom"], r["courriel"], r["telephone"]
    for terr, n in partenaires.items():
        for _ in range(n):
            sid = rng.choice(partner_pool)
            p = new_person(pro_domain=pro_domain(sid))
            records.append(
                [
                    rng.choice([d1, d2]),
                    T_NAME[terr],
                    "Partenaire",
                    p["nom"],
                    p["prenom"],
                    p["courriel"],
                    p["telephone"],
                    S_NAME[sid],
                    None,
                    None,
                    None,
                    "Information",
                    rng.choice(["oui", "non", None]),
                ]
            )
    rng.shuffle(records)
    records.sort(key=lambda r: r[0])
    SALON_2017_PORTEURS.extend(
        {"nom": r[3], "prenom": r[4], "courriel": r[5], "territoire": T_ID[r[1]]}
        for r in records
        if r[2] == "Porteur de projet"
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts salon 2017"
    header = [
        "Date",
        "Territoire",
        "Profil",
        "Nom",
        "Prénom",
        "E-mail",
        "Téléphone",
        "Structure",
        "Code postal",
        "Secteur du projet",
        "Stade du projet",
        "Type de demande",
        "Suite souhaitée",
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in records:
        ws.append(rec)
    last = ws.max_row
    for r in range(2, last + 1):
        ws.cell(row=r, column=1).number_format = "DD/MM/YYYY"
    # two trailing empty rows: formatted but without values, as left by a pre-formatted sheet
    for r in (last + 1, last + 2):
        ws.cell(row=r, column=1).number_format = "DD/MM/YYYY"
        ws.cell(row=r, column=13).number_format = "@"
    widths = [11, 32, 18, 14, 12, 34, 16, 40, 11, 26, 14, 16, 15]
    for col, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.create_sheet("Notes").append(["Fiche contact commune du stand, saisie par Cap Rural."])
    save_xlsx(wb, folder / "contacts.xlsx", dt.datetime(2017, 6, 19, 14, 5))
    SALON_2017_COUNTS.update(porteurs=sum(porteurs.values()), partenaires=sum(partenaires.values()))

    couts = [
        ["Location du stand (2 jours, surface agrandie)", "5200,00", "Territoires (quote-part)"],
        ["Mobilier et aménagement", "1120,00", "Territoires (quote-part)"],
        ["Plaquette commune des offres d'activités", "780,50", "Région"],
        ["Kakémonos (mise à jour)", "260,00", "Cap Rural"],
        ["Déplacements des équipes", "1310,40", "Europe (LEADER)"],
    ]
    write_csv(folder / "couts.csv", ["Poste", "Montant", "Financeur"], couts, sep=";")
    comments = [
        ("Fiche contact commune : à garder !", "+", None),
        ("Stand trop petit le mercredi midi.", "-", None),
        ("L'atelier a amené des porteurs très motivés.", "+", None),
    ]
    sat = satisfaction_rows(
        12, {4: 5, 3: 5, 2: 2}, ["Technicien territoire"], comments, words=False
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat)


SALON_2017_COUNTS: dict = {}


def action_2017_09() -> None:
    events = [
        (
            "Soirée « S'installer dans le Pilat Rhodanien »",
            "pilat-rhodanien",
            "22/09/2017",
            38,
            "Presse locale",
        ),
        (
            "Journée découverte des offres d'activités",
            "centre-ardeche",
            "07/10/2017",
            54,
            "Réseaux sociaux",
        ),
        ("Café installation du Diois", "diois", "13/10/2017", 21, "Agenda régional"),
        (
            "Week-end « Vivre et entreprendre en Beaujolais Vert »",
            "beaujolais-vert",
            "21/10/2017",
            87,
            "Site internet",
        ),
        ("Forum de la reprise d'entreprises", "roannais", "09/11/2017", 63, "Partenaires urbains"),
        (
            "Rencontre des nouveaux actifs du Trièves",
            "trieves",
            "18/11/2017",
            29,
            "Bouche-à-oreille",
        ),
    ]
    a = {
        "id": "2017-09-evenements-locaux-automne",
        "titre": "Événements locaux d'automne valorisés à l'échelle régionale",
        "type": "evenement_local",
        "statut": "realisee",
        "date_debut": dt.date(2017, 9, 22),
        "date_fin": dt.date(2017, 11, 18),
        "lieu": "Six territoires ruraux",
        "territoires": [e[1] for e in events],
        "partenaires": ["mdef-lyon", "couveuse-lyonnaise"],
        "descriptif": (
            "Six territoires ruraux ont organisé entre septembre et novembre un événement "
            "local sur l'installation et la création d'activités. Un calendrier et un visuel "
            "communs ont été diffusés à l'échelle régionale, notamment auprès des structures "
            "urbaines d'accompagnement. Trois de ces territoires avaient pris cet engagement "
            "lors de la journée de professionnalisation de mars 2016."
        ),
        "objectifs": [
            {
                "libelle": "Valoriser 5 à 6 événements locaux",
                "indicateur": "evenements",
                "cible": 5,
            },
            {
                "libelle": "Impliquer des territoires ruraux différents",
                "indicateur": "territoires_evenements",
                "cible": 5,
            },
            {
                "libelle": "Toucher un large public",
                "indicateur": "participants_evenements",
                "cible": 250,
            },
        ],
        "budget": [
            {"poste": "Coordination et relations presse", "montant": 600, "financeur": "Région"},
        ],
        "temps_agents_jours": 9,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Le calendrier commun a donné une visibilité régionale à des événements qui restaient jusque-là très locaux.
- Les territoires engagés en 2016 ont tenu parole et ont entraîné de nouveaux territoires.
- Les structures urbaines ont relayé le calendrier auprès de leurs porteurs de projet.

## Difficultés
- Les chiffres de fréquentation ont été collectés de façon inégale selon les territoires.
- Le visuel commun est arrivé tard pour le premier événement.

## À faire évoluer
- Fixer le calendrier dès le printemps.
- Proposer un modèle simple de comptage du public et de ses origines.

## Conseils pour transférer
- Recenser les événements déjà prévus plutôt que d'en créer de nouveaux.
- Un visuel et un calendrier communs suffisent à créer un effet de réseau.
- Demander les fréquentations dans les quinze jours qui suivent chaque événement.
"""
    folder = write_action(a, retour)
    write_csv(
        folder / "evenements.csv",
        ["Titre", "Territoire", "Date", "Participants", "Canal"],
        [list(e[:1]) + [T_NAME[e[1]]] + list(e[2:]) for e in events],
        sep=";",
    )
    write_csv(
        folder / "couts.csv",
        ["Poste", "Montant", "Financeur"],
        [
            ["Visuel commun et déclinaisons", "650", "Cap Rural"],
            ["Impression du calendrier", "340", "Europe (LEADER)"],
            ["Diffusion sur les réseaux sociaux", "150", "Cap Rural"],
        ],
    )


def action_2017_10() -> None:
    a = {
        "id": "2017-10-session-vivre-travailler-saint-etienne",
        "titre": "Session « Vivre et travailler à la campagne » à Saint-Étienne",
        "type": "session_porteurs",
        "statut": "realisee",
        "date_debut": dt.date(2017, 10, 12),
        "date_fin": dt.date(2017, 10, 12),
        "lieu": "Saint-Étienne",
        "territoires": ["monts-du-pilat", "pilat-rhodanien", "roannais"],
        "partenaires": [
            "couveuse-stephanoise",
            "pepiniere-saint-etienne",
            "espace-emploi-saint-etienne",
        ],
        "descriptif": (
            "Première session « Vivre et travailler à la campagne » organisée à Saint-Étienne, "
            "avec la couveuse et la pépinière d'entreprises de l'agglomération. Trois "
            "territoires ligériens y ont présenté leurs offres et leurs ressources "
            "d'accompagnement, en s'inspirant du format lyonnais."
        ),
        "objectifs": [
            {
                "libelle": "Informer les porteurs de projet de l'agglomération stéphanoise",
                "indicateur": "participants",
                "cible": 20,
            },
            {
                "libelle": "Établir des contacts pour les territoires ligériens",
                "indicateur": "porteurs",
                "cible": 15,
            },
            {
                "libelle": "Associer les structures stéphanoises de l'accompagnement",
                "indicateur": "partenaires",
                "cible": 3,
            },
        ],
        "budget": [
            {"poste": "Communication", "montant": 350, "financeur": "Cap Rural"},
            {"poste": "Salle", "montant": 200, "financeur": "Territoires"},
            {"poste": "Accueil café", "montant": 120, "financeur": "Territoires"},
        ],
        "temps_agents_jours": 5,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Les partenaires stéphanois se sont approprié le format très vite.
- La proximité des territoires ligériens a rendu les offres très concrètes pour les participants.

## Difficultés
- Une communication lancée trop tard : le public était moins nombreux qu'à Lyon.
- Peu de partenaires de l'emploi présents.

## À faire évoluer
- Lancer la communication six semaines avant, via les prescripteurs.
- Associer davantage les structures de l'emploi.

## Conseils pour transférer
- Reprendre un format qui a fait ses preuves, puis l'adapter au contexte local.
- Choisir des territoires proches de l'agglomération pour une première édition.
"""
    folder = write_action(a, retour)
    returning = [RETURNING[2], RETURNING[3], RETURNING[4]]
    cp_se = [
        ("42000", "Saint-Étienne"),
        ("42100", "Saint-Étienne"),
        ("42400", "Saint-Chamond"),
        ("42500", "Le Chambon-Feugerolles"),
        ("42700", "Firminy"),
    ]
    rows = session_porteurs_participants(
        17,
        ["couveuse-stephanoise", "pepiniere-saint-etienne", "espace-emploi-saint-etienne"],
        returning,
        ["monts-du-pilat", "pilat-rhodanien", "roannais"],
        0.3,
        region_cp=cp_se,
    )
    write_csv(
        folder / "participants.csv", PART_HEADER, rows, sep=";", encoding="utf-8-sig", crlf=True
    )
    comments = [
        ("Bonne session, dommage qu'on ne soit pas plus nombreux.", "+", None),
        ("Les offres de locaux dans le Pilat m'intéressent beaucoup.", "+", None),
    ]
    sat = satisfaction_rows(12, {4: 5, 3: 5, 2: 2}, ["Porteur de projet"], comments, words=False)
    write_csv(
        folder / "satisfaction.csv", SAT_HEADER, sat, sep=";", encoding="utf-8-sig", crlf=True
    )


def action_2017_11() -> None:
    a = {
        "id": "2017-11-atelier-hackathon-lyon",
        "titre": "Hackathon ville-campagne avec les acteurs lyonnais de l'accompagnement",
        "type": "atelier",
        "statut": "realisee",
        "date_debut": dt.date(2017, 11, 23),
        "date_fin": dt.date(2017, 11, 23),
        "lieu": "Lyon",
        "territoires": ["beaujolais-vert", "centre-ardeche", "diois", "monts-du-pilat", "roannais"],
        "partenaires": ["mdef-lyon", "couveuse-lyonnaise", "incubateur-lyon-est", "prima-terra"],
        "descriptif": (
            "Une journée de type hackathon a réuni professionnels lyonnais de l'accompagnement "
            "et agents de territoires ruraux pour imaginer ensemble l'événement régional "
            "ville-campagne prévu en 2018. Cinq équipes mixtes ont produit chacune une "
            "proposition de format, présentée en fin de journée."
        ),
        "objectifs": [
            {
                "libelle": "Réunir des professionnels urbains et ruraux",
                "indicateur": "participants",
                "cible": 25,
            },
            {
                "libelle": "Mobiliser les acteurs lyonnais de l'accompagnement",
                "indicateur": "participants_urbains",
                "cible": 12,
            },
            {"libelle": "Équilibrer urbains et ruraux", "indicateur": "part_urbains", "cible": 0.5},
        ],
        "budget": [
            {"poste": "Animation du hackathon", "montant": 1500, "financeur": "Région"},
            {"poste": "Salle et repas", "montant": 680, "financeur": "Europe (LEADER)"},
        ],
        "temps_agents_jours": 7,
        "source": SOURCE_2017,
    }
    retour = """
## Ce qui a fonctionné
- Les équipes mixtes ville-campagne ont produit cinq propositions de format en une journée.
- Des structures lyonnaises qui ne connaissaient pas la démarche se sont portées volontaires pour co-organiser 2018.

## Difficultés
- Le vocabulaire diffère beaucoup entre urbains et ruraux : il a fallu du temps pour se comprendre.
- Les propositions étaient inégalement réalistes sur le plan budgétaire.

## À faire évoluer
- Donner un cadre budgétaire et calendaire dès le début de la journée.
- Prévoir une séance de suite pour fusionner les meilleures idées.

## Conseils pour transférer
- Composer les équipes à l'avance pour garantir la mixité.
- Confier l'animation à un tiers neutre.
- Restituer les productions par écrit dans les quinze jours.

## Citations
> J'ai compris en une journée ce que fait un site de proximité.
> Le format hackathon oblige à produire, c'est ce qui manque souvent dans les réunions.
"""
    folder = write_action(a, retour)
    urban = [
        "mdef-lyon",
        "mdef-lyon",
        "couveuse-lyonnaise",
        "couveuse-lyonnaise",
        "cae-rhone",
        "incubateur-lyon-est",
        "incubateur-lyon-est",
        "initiative-lyon",
        "mission-locale-lyon-sud",
        "cma-rhone",
        "grand-lyon",
        "action-elles",
        "cae-rhone",
        "region-aura",
    ]
    rural = [
        ("pepiniere-diois", "diois"),
        ("couveuse-centre-ardeche", "centre-ardeche"),
        ("couveuse-centre-ardeche", "centre-ardeche"),
        ("espace-creation-roannais", "roannais"),
        ("tiers-lieu-pilat", "monts-du-pilat"),
        ("maison-services-beaujolais-vert", "beaujolais-vert"),
        ("maison-services-beaujolais-vert", "beaujolais-vert"),
        ("accueil-actifs-haut-bugey", "haut-bugey"),
        ("cap-rural", ""),
        ("collectif-ville-campagne", ""),
    ]
    rows = []
    for sid in urban:
        p = new_person(pro_domain=pro_domain(sid))
        rows.append([p["nom"], p["prenom"], p["courriel"], "Partenaire", S_NAME[sid], ""])
    for sid, terr in rural:
        p = new_person(pro_domain=pro_domain(sid))
        profil = "Technicien territoire" if terr else "Autre"
        rows.append(
            [p["nom"], p["prenom"], p["courriel"], profil, S_NAME[sid], T_NAME.get(terr, "")]
        )
    for _ in range(2):
        p = new_person(pro_domain=pro_domain("prima-terra"))
        rows.append(
            [p["nom"], p["prenom"], p["courriel"], "Intervenant", S_NAME["prima-terra"], ""]
        )
    rng.shuffle(rows)
    write_csv(
        folder / "participants.csv",
        ["Nom", "Prénom", "Courriel", "Profil", "Structure", "Territoire"],
        rows,
    )
    comments = [
        ("Journée intense et très productive.", "+", None),
        ("Besoin d'un cadre budgétaire plus clair.", "-", None),
        ("On a envie de continuer ensemble.", "+", None),
    ]
    sat = satisfaction_rows(
        20, {4: 9, 3: 8, 2: 3}, ["Partenaire", "Technicien territoire"], comments, words=True
    )
    write_csv(folder / "satisfaction.csv", SAT_HEADER, sat)


def action_2017_12_cancelled() -> None:
    a = {
        "id": "2017-12-session-vivre-travailler-grenoble",
        "titre": "Session « Vivre et travailler à la campagne » à Grenoble",
        "type": "session_porteurs",
        "statut": "annulee",
        "date_debut": dt.date(2017, 12, 7),
        "date_fin": dt.date(2017, 12, 7),
        "lieu": "Grenoble",
        "territoires": ["trieves", "diois"],
        "partenaires": ["cae-grenoble"],
        "descriptif": (
            "Troisième session de l'année, prévue à Grenoble pour étendre la démarche à un "
            "nouveau bassin urbain avec la coopérative d'activités grenobloise. Elle a été "
            "annulée faute d'inscriptions suffisantes et reportée à 2018."
        ),
        "objectifs": [
            {
                "libelle": "Informer les porteurs de projet de l'agglomération grenobloise",
                "indicateur": "participants",
                "cible": 20,
            },
        ],
        "budget": [
            {
                "poste": "Communication (engagée avant l'annulation)",
                "montant": 180,
                "financeur": "Cap Rural",
            },
        ],
        "temps_agents_jours": 2,
        "source": SOURCE_2017,
    }
    retour = """
Session annulée dix jours avant la date, avec seulement six inscrits. La communication avait
démarré trop tard et le partenaire grenoblois découvrait la démarche : la session est reportée
à 2018, avec un calendrier de diffusion fixé trois mois à l'avance.
"""
    write_action(a, retour)


def action_2018_04_planned() -> None:
    a = {
        "id": "2018-04-evenement-regional-lyon",
        "titre": "Événement régional ville-campagne : mobilités et création d'activités",
        "type": "evenement_regional",
        "statut": "prevue",
        "date_debut": dt.date(2018, 4, 12),
        "date_fin": dt.date(2018, 4, 12),
        "lieu": "Lyon",
        "territoires": [
            "roannais",
            "pilat-rhodanien",
            "monts-du-pilat",
            "centre-ardeche",
            "beaujolais-vert",
            "diois",
            "haut-bugey",
            "trieves",
            "metropole-lyon",
        ],
        "partenaires": [
            "region-aura",
            "mdef-lyon",
            "couveuse-lyonnaise",
            "incubateur-lyon-est",
            "afe",
        ],
        "descriptif": (
            "Premier événement régional consacré aux mobilités ville-campagne et à la création "
            "d'activités, co-organisé par des territoires ruraux et urbains, des réseaux de "
            "l'accompagnement et des co-financeurs. Il doit mettre en valeur les offres "
            "d'activités rurales, promouvoir des projets associant ville et campagne et faire "
            "connaître les territoires. Son format s'appuie sur les propositions du hackathon "
            "de novembre 2017."
        ),
        "objectifs": [
            {
                "libelle": "Accueillir un large public de personnes en recherche d'activité",
                "indicateur": "participants",
                "cible": 300,
            },
            {
                "libelle": "Conseiller des porteurs de projet sur les stands",
                "indicateur": "porteurs_conseilles",
                "cible": 150,
            },
            {
                "libelle": "Associer territoires ruraux et urbains",
                "indicateur": "territoires_presents",
                "cible": 9,
            },
        ],
        "budget": [
            {"poste": "Location du lieu", "montant": 6000, "financeur": "Région"},
            {"poste": "Communication régionale", "montant": 3500, "financeur": "Europe (LEADER)"},
            {"poste": "Intervenants et animation", "montant": 2500, "financeur": "Territoires"},
        ],
        "temps_agents_jours": 40,
        "source": "Note d'intention du 1er février 2017 (action envisagée) ; "
        "objectifs et budget : données d'exemple fictives",
    }
    retour = """
Action prévue, pas encore réalisée : le retour d'expérience sera rédigé après l'événement.
Le comité d'organisation ville-campagne se réunit depuis décembre 2017, à partir des
propositions issues du hackathon.
"""
    write_action(a, retour)


# ============================================================================ follow-ups (suivi)

# A separate generator: the follow-up tables are written last and must not change any
# other file (the main ``rng`` sequence stays exactly as it was before they existed).
srng = random.Random(20180331)
SUIVI_CUTOFF = dt.date(2018, 3, 31)  # data "arrêtées au 31 mars 2018"
STEP_ORDER = ["rendez_vous", "visite_territoire", "accompagnement", "installation"]
# Plan of the invented journeys: (source, territory, furthest step, dropped out, people).
# Per territory (appointment/visit/support/settled): roannais 10/6/4/3 shows a whole
# funnel; centre-ardeche 9/5/3/1 and diois 7/4/3/2 have small settled counts;
# beaujolais-vert, monts-du-pilat, pilat-rhodanien and the single follow-ups of beaujolais,
# trieves, saint-felicien and val-de-drome are under the threshold, so the confidentiality
# rules have work to do. Totals: 40 appointments, 20 visits, 12 supported, 6 settled,
# 8 drop-outs (of about 250 project holders).
SUIVI_PLAN = [
    ("salon2016", "roannais", "installation", False, 2),
    ("salon2016", "roannais", "accompagnement", False, 1),
    ("salon2016", "roannais", "visite_territoire", False, 1),
    ("salon2016", "roannais", "visite_territoire", True, 1),
    ("salon2016", "roannais", "rendez_vous", True, 1),
    ("salon2016", "roannais", "rendez_vous", False, 1),
    ("salon2017", "roannais", "rendez_vous", False, 2),
    ("salon2016", "centre-ardeche", "installation", False, 1),
    ("salon2016", "centre-ardeche", "accompagnement", False, 1),
    ("salon2016", "centre-ardeche", "accompagnement", True, 1),
    ("salon2016", "centre-ardeche", "visite_territoire", False, 1),
    ("salon2017", "centre-ardeche", "visite_territoire", False, 1),
    ("salon2016", "centre-ardeche", "rendez_vous", False, 2),
    ("salon2017", "centre-ardeche", "rendez_vous", True, 1),
    ("salon2017", "centre-ardeche", "rendez_vous", False, 1),
    ("salon2016", "diois", "installation", False, 2),
    ("salon2016", "diois", "visite_territoire", True, 1),  # visits the Val de Drôme instead
    ("salon2016", "diois", "rendez_vous", False, 1),
    ("salon2017", "diois", "rendez_vous", False, 2),
    ("salon2017", "beaujolais-vert", "accompagnement", False, 1),
    ("salon2017", "beaujolais-vert", "visite_territoire", False, 2),
    ("salon2017", "beaujolais-vert", "rendez_vous", False, 1),
    ("session2017", "beaujolais-vert", "rendez_vous", True, 1),
    ("salon2016", "monts-du-pilat", "accompagnement", False, 1),
    ("salon2016", "monts-du-pilat", "rendez_vous", True, 1),
    ("salon2017", "monts-du-pilat", "rendez_vous", False, 2),
    ("salon2016", "pilat-rhodanien", "visite_territoire", True, 1),
    ("salon2017", "pilat-rhodanien", "rendez_vous", False, 1),
    ("salon2016", "beaujolais", "rendez_vous", False, 1),
    ("salon2017", "trieves", "rendez_vous", False, 1),
]
# days after the previous step, per source: (appointment, visit, support, settling, drop-out)
SUIVI_GAPS = {
    "salon2016": ((14, 80), (25, 90), (30, 120), (120, 300), (30, 150)),
    "salon2017": ((14, 60), (25, 70), (30, 90), (60, 90), (30, 90)),
    "session2017": ((14, 45), (25, 60), (30, 90), (60, 90), (30, 90)),
}
SUIVI_START = {
    "salon2016": dt.date(2016, 6, 16),
    "salon2017": dt.date(2017, 6, 15),
    "session2017": dt.date(2017, 5, 18),
}
ETAPES_TYPED = {
    "premier_contact": ["Premier contact"],
    "rendez_vous": ["Rendez-vous", "Rendez-vous", "RDV"],
    "visite_territoire": ["Visite du territoire", "Visite"],
    "accompagnement": ["Accompagnement"],
    "installation": ["Installation", "Installation", "Installé"],
    "abandon": ["Abandon", "Abandon", "Abandonne"],
}


def weekday(day: dt.date) -> dt.date:
    """Appointments are on working days: a weekend date moves to the Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def journey_rows(person: dict, steps: list[tuple[str, dt.date, str]]) -> list[dict]:
    return [
        {"person": person, "etape": etape, "date": day, "territoire": terr}
        for etape, day, terr in steps
    ]


def planned_journey(source: str, person: dict, furthest: str, dropped: bool) -> list[dict]:
    gaps = SUIVI_GAPS[source]
    day = SUIVI_START[source]
    terr = person["territoire"]
    steps = []
    for i, etape in enumerate(STEP_ORDER[: STEP_ORDER.index(furthest) + 1]):
        day = weekday(day + dt.timedelta(days=srng.randint(*gaps[i])))
        steps.append((etape, day, terr))
    if dropped:
        day = weekday(day + dt.timedelta(days=srng.randint(*gaps[4])))
        steps.append(("abandon", day, steps[-1][2]))
    return journey_rows(person, steps)


def write_suivi() -> dict[str, int]:
    """Follow-up tables of the 2016 and 2017 stands and of the May 2017 Lyon session."""
    returning_ids = {r["courriel"] for r in RETURNING} | {SESSION_2016_05["returning"]["courriel"]}
    pools = {
        "salon2016": [p for p in SALON_2016_PORTEURS if p["courriel"] not in returning_ids],
        "salon2017": [p for p in SALON_2017_PORTEURS if p["courriel"] not in returning_ids],
        "session2017": [p for p in SESSION_2017_05_PORTEURS if p["courriel"] not in returning_ids],
    }
    rows: dict[str, list[dict]] = {k: [] for k in pools}
    used: set[str] = set()
    for source, terr, furthest, dropped, n in SUIVI_PLAN:
        candidates = [
            p for p in pools[source] if p["territoire"] == terr and p["courriel"] not in used
        ]
        for person in srng.sample(candidates, n):
            used.add(person["courriel"])
            journey = planned_journey(source, person, furthest, dropped)
            if source == "salon2016" and terr == "diois" and furthest == "visite_territoire":
                for row in journey[1:]:
                    row["territoire"] = "val-de-drome"  # went to see the neighbouring valley
            rows[source].extend(journey)
    # the stories of people seen in several actions
    zoe, maxime, yannick = RETURNING[1], RETURNING[0], SESSION_2016_05["returning"]
    rows["session2017"] += journey_rows(
        zoe | {"territoire": "roannais"},
        [
            ("rendez_vous", dt.date(2017, 6, 8), "roannais"),
            ("visite_territoire", dt.date(2017, 7, 6), "roannais"),
            ("accompagnement", dt.date(2017, 9, 14), "roannais"),
            ("installation", dt.date(2018, 2, 1), "roannais"),
        ],
    )
    rows["session2017"] += journey_rows(
        yannick,
        [
            ("rendez_vous", dt.date(2017, 6, 1), "diois"),
            ("visite_territoire", dt.date(2017, 9, 21), "diois"),
            ("accompagnement", dt.date(2017, 12, 5), "diois"),
        ],
    )
    rows["salon2016"] += journey_rows(
        maxime, [("rendez_vous", dt.date(2016, 9, 12), "saint-felicien")]
    )
    # a second appointment for a few people, and first calls logged by two territories
    for source, extra in (("salon2016", 2), ("salon2017", 1)):
        rdv_only = sorted(
            {r["person"]["courriel"] for r in rows[source]}
            - {r["person"]["courriel"] for r in rows[source] if r["etape"] != "rendez_vous"}
        )
        for email in srng.sample(rdv_only, extra):
            first = next(r for r in rows[source] if r["person"]["courriel"] == email)
            again = weekday(first["date"] + dt.timedelta(days=srng.randint(14, 40)))
            rows[source].append(first | {"date": again})
    for person in srng.sample(
        sorted(
            {r["person"]["courriel"]: r["person"] for r in rows["salon2017"]}.values(),
            key=lambda p: p["courriel"],
        ),
        2,
    ):
        day = weekday(SUIVI_START["salon2017"] + dt.timedelta(days=srng.randint(4, 9)))
        rows["salon2017"].append(
            {
                "person": person,
                "etape": "premier_contact",
                "date": day,
                "territoire": person["territoire"],
            }
        )
    counts: dict[str, int] = {}
    files = {
        "salon2016": ("2016-06-salon-entrepreneurs-lyon", ";", "utf-8-sig", "%d/%m/%Y", True),
        "salon2017": ("2017-06-salon-entrepreneurs-lyon", ",", "utf-8", "%Y-%m-%d", False),
        "session2017": ("2017-05-session-vivre-travailler-lyon", ";", "utf-8", "%d/%m/%Y", False),
    }
    for source, (action_id, sep, encoding, date_format, names) in files.items():
        table = sorted(
            rows[source],
            key=lambda r: (r["date"], r["person"]["nom"], r["person"]["prenom"], r["etape"]),
        )
        assert all(r["date"] <= SUIVI_CUTOFF for r in table), source
        out = []
        for r in table:
            p = r["person"]
            email = p.get("courriel_typed", p["courriel"])
            if srng.random() < 0.05:
                email = email.upper()  # typed with caps lock: still the same person
            terr = r["territoire"]
            out.append(
                [
                    email,
                    p["nom"],
                    p["prenom"],
                    r["date"].strftime(date_format),
                    srng.choice(ETAPES_TYPED[r["etape"]]),
                    T_NAME[terr] if names and srng.random() < 0.8 else terr,
                ]
            )
        write_csv(
            ACTIONS / action_id / "suivi.csv",
            ["Courriel", "Nom", "Prénom", "Date", "Étape", "Territoire"],
            out,
            sep=sep,
            encoding=encoding,
            crlf=source == "salon2016",
        )
        counts[action_id] = len(out)
    return counts


# ============================================================================ main


def main() -> None:
    # Only the raw files are rewritten: anything else in data/ (the workspace's secret
    # pseudonymisation key, a local types_action.yml...) is left alone.
    if ACTIONS.exists():
        shutil.rmtree(ACTIONS)
    ACTIONS.mkdir(parents=True)
    write_workspace_files()
    action_2016_03()
    action_2016_05()
    action_2016_06()
    # people from the 2016 stand who come back in 2017 (same name, same e-mail)
    pool = [p for p in SALON_2016_PORTEURS if p["telephone"]]
    RETURNING.extend(rng.sample(pool, 5))
    # one of them types her e-mail with capitals the second time
    RETURNING[3] = RETURNING[3] | {"courriel_typed": RETURNING[3]["courriel"].capitalize()}
    action_2016_09()
    action_2017_03()
    action_2017_04()
    action_2017_05()
    action_2017_06()
    action_2017_09()
    action_2017_10()
    action_2017_11()
    action_2017_12_cancelled()
    action_2018_04_planned()
    suivi = write_suivi()

    print("Espace de travail d'exemple écrit dans", DATA)
    print("Nom cité dans un commentaire (2016-05) :", SESSION_2016_05["name_in_comment"])
    print("Courriel cité dans un commentaire (2016-05) :", SESSION_2016_05["email_in_comment"])
    print(
        "Téléphone cité dans un commentaire (2017-05) :",
        SESSION_2016_05["phone_in_comment_2017_05"],
    )
    print("Personnes revenues en 2017 :")
    for r in RETURNING:
        print("  ", r["prenom"], r["nom"], r.get("courriel_typed", r["courriel"]))
    r16 = SESSION_2016_05["returning"]
    print("   (session 2016-05 -> 2017-05)", r16["prenom"], r16["nom"], r16["courriel"])
    print("Salon 2017 :", SALON_2017_COUNTS)
    print("Suivi des porteurs (lignes) :", suivi)


if __name__ == "__main__":
    main()
