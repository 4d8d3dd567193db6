"""Sanity checks of the example workspace written by ``generate.py``.

Run from the repository root::

    .venv/bin/python tools/example/check.py

Independent of the kit on purpose (plain pandas): it checks that the raw files reproduce
the real 2016 aggregates and that every typed value folds to the closed vocabularies.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
CATALOGUE = ROOT / "src" / "vccap" / "catalogue" / "types_action.yml"

problems: list[str] = []


def fold(text) -> str:
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def check(cond: bool, msg: str) -> None:
    if not cond:
        problems.append(msg)


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype=object)
        return df.dropna(how="all")
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    sep = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
    return pd.read_csv(path, sep=sep, encoding=enc, dtype=str, keep_default_na=False)


ALIASES = {
    "e_mail": "courriel",
    "secteur_du_projet": "secteur_projet",
    "stade_du_projet": "stade_projet",
    "type_de_demande": "type_demande",
}
VOCAB = {
    "profil": {
        "porteur_de_projet",
        "partenaire",
        "technicien_territoire",
        "elu",
        "intervenant",
        "autre",
    },
    "secteur_projet": {
        "agriculture_alimentation",
        "tourisme",
        "artisanat",
        "commerce",
        "services",
        "numerique",
        "economie_circulaire",
        "culture",
        "sante_social",
        "autre",
    },
    "stade_projet": {"idee", "reflexion", "preparation", "pret"},
    "type_demande": {"creation", "reprise", "emploi", "installation", "information"},
    "satisfaction_globale": {
        "tres_satisfait",
        "satisfait",
        "peu_satisfait",
        "pas_satisfait",
        "1",
        "2",
        "3",
        "4",
    },
    "suite_souhaitee": {"oui", "non", "vrai", "faux", "1", "0", "x"},
    "etape": {
        "premier_contact",
        "rendez_vous",
        "visite_territoire",
        "accompagnement",
        "installation",
        "abandon",
        # synonyms declared in the suivi schema
        "rdv",
        "visite",
        "visite_du_territoire",
        "installe",
        "installee",
        "abandonne",
    },
}
ETAPE = {
    "rdv": "rendez_vous",
    "visite": "visite_territoire",
    "visite_du_territoire": "visite_territoire",
    "installe": "installation",
    "installee": "installation",
    "abandonne": "abandon",
}
STEPS = ["premier_contact", "rendez_vous", "visite_territoire", "accompagnement", "installation"]
VOCAB["utilite"] = VOCAB["qualite_intervenants"] = VOCAB["satisfaction_globale"]
VOCAB["souhait_suite"] = VOCAB["suite_souhaitee"]

terr = pd.read_csv(DATA / "territoires.csv", dtype=str, keep_default_na=False)
struct = pd.read_csv(DATA / "structures.csv", dtype=str, keep_default_na=False)
T_REF = {fold(x): i for i, n in zip(terr["id"], terr["nom"], strict=True) for x in (i, n)}
S_REF = {fold(x): i for i, n in zip(struct["id"], struct["nom"], strict=True) for x in (i, n)}
check(set(struct["territoire"]) - {""} <= set(terr["id"]), "structures: territoire inconnu")
types = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))

KEYS = [
    "id",
    "titre",
    "type",
    "statut",
    "date_debut",
    "date_fin",
    "lieu",
    "territoires",
    "partenaires",
    "descriptif",
    "objectifs",
    "budget",
    "temps_agents_jours",
    "source",
]
HEADINGS = [
    "## Ce qui a fonctionné",
    "## Difficultés",
    "## À faire évoluer",
    "## Conseils pour transférer",
]
tables: dict[str, dict[str, pd.DataFrame]] = {}
starts: dict[str, pd.Timestamp] = {}

for folder in sorted((DATA / "actions").iterdir()):
    a = yaml.safe_load((folder / "action.yml").read_text(encoding="utf-8"))
    aid = folder.name
    starts[aid] = pd.Timestamp(a["date_debut"])
    check(list(a) == KEYS, f"{aid}: clés {list(a)}")
    check(a["id"] == aid, f"{aid}: id différent du dossier")
    check(aid.startswith(a["date_debut"].strftime("%Y-%m-")), f"{aid}: préfixe de date")
    check(a["type"] in types, f"{aid}: type inconnu")
    for t in a["territoires"]:
        check(t in set(terr["id"]), f"{aid}: territoire {t}")
    for s in a["partenaires"]:
        check(s in set(struct["id"]), f"{aid}: partenaire {s}")
    for o in a["objectifs"]:
        check(
            o["indicateur"] in types[a["type"]]["indicateurs"],
            f"{aid}: indicateur {o['indicateur']} hors du type {a['type']}",
        )
    md = (folder / "retour_experience.md").read_text(encoding="utf-8")
    if a["statut"] == "realisee":
        heads = [line for line in md.splitlines() if line.startswith("## ")]
        check(heads[:4] == HEADINGS, f"{aid}: titres du retour d'expérience {heads}")
    tables[aid] = {}
    for f in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.xlsx")):
        df = read(f)
        df.columns = [ALIASES.get(fold(c), fold(c)) for c in df.columns]
        for col, allowed in VOCAB.items():
            if col in df:
                vals = {fold(v) for v in df[col].dropna().astype(str) if str(v).strip()}
                check(vals <= allowed, f"{aid}/{f.name}: {col} hors vocabulaire {vals - allowed}")
        for col in ("territoire", "territoire_vise"):
            if col in df:
                vals = {str(v) for v in df[col].dropna() if str(v).strip()}
                bad = {v for v in vals if v not in set(terr["id"]) | set(terr["nom"])}
                check(not bad, f"{aid}/{f.name}: {col} inconnu {bad}")
        if "structure" in df:
            vals = {str(v) for v in df["structure"].dropna() if str(v).strip()}
            bad = {v for v in vals if v not in set(struct["id"]) | set(struct["nom"])}
            check(not bad, f"{aid}/{f.name}: structure inconnue {bad}")
        tables[aid][f.stem] = df
    # any action may also hold the follow-up of the people it met (suivi)
    check(
        set(tables[aid]) - {"suivi"} <= set(types[a["type"]]["tables"]),
        f"{aid}: tables {set(tables[aid])} hors du type",
    )
    if a["statut"] != "realisee":
        check(not tables[aid], f"{aid}: une action {a['statut']} n'a pas de table")

# --- the real 2016 aggregates
c = tables["2016-06-salon-entrepreneurs-lyon"]["contacts"]
profil = c["profil"].map(fold)
n_p, n_part = int((profil == "porteur_de_projet").sum()), int((profil == "partenaire").sum())
print(f"Salon 2016 : {len(c)} contacts, {n_p} porteurs, {n_part} partenaires")
check((len(c), n_p, n_part) == (135, 94, 41), "salon 2016 : 135/94/41 attendus")
per_t = c.groupby(c["territoire"].map(lambda v: T_REF[fold(v)])).size()
print("  par territoire :", per_t.to_dict())
check(per_t.min() <= 2, "salon 2016 : il faut un territoire à 1 ou 2 contacts")
check(len(per_t) == 9, "salon 2016 : 9 territoires")
raw = (DATA / "actions/2016-06-salon-entrepreneurs-lyon/contacts.csv").read_bytes()
check(raw.decode("cp1252").startswith("Date;Territoire;Profil;"), "salon 2016 : en-tête")
try:
    raw.decode("utf-8")
    problems.append("salon 2016 : le fichier devrait être en Windows-1252, pas UTF-8")
except UnicodeDecodeError:
    pass

p = tables["2016-05-session-vivre-travailler-lyon"]["participants"]
pp = p["profil"].map(fold)
print(f"Session 19 mai 2016 : {len(p)} participants, {(pp == 'partenaire').sum()} partenaires")
check(len(p) == 25 and (pp == "partenaire").sum() == 6, "session 2016-05 : 25/6 attendus")
check(
    {S_REF[fold(s)] for s in p.loc[pp == "partenaire", "structure"]}
    == {"direccte", "police-nationale", "grand-lyon", "action-elles", "amrf", "mdef-lyon"},
    "session 2016-05 : structures des partenaires",
)

p = tables["2016-03-professionnalisation-vienne"]["participants"]
eng = p[p["engagement"].str.strip() != ""]
engaged = {T_REF[fold(t)] for t in eng["territoire"]}
print(f"Professionnalisation 3 mars 2016 : territoires engagés {sorted(engaged)}")
check(len(engaged) == 3, "professionnalisation 2016-03 : 3 territoires engagés attendus")

c = tables["2017-06-salon-entrepreneurs-lyon"]["contacts"]
print(
    f"Salon 2017 (xlsx) : {len(c)} contacts,",
    c["profil"].map(fold).value_counts().to_dict(),
    "dates :",
    c["date"].map(type).unique(),
)
sat = tables["2016-05-session-vivre-travailler-lyon"]["satisfaction"]
print(f"Satisfaction 2016-05 : {len(sat)} réponses")

# --- returning people
seen: dict[str, set[str]] = {}
for aid, tbls in tables.items():
    for name in ("participants", "contacts"):
        if name in tbls and "courriel" in tbls[name]:
            for e in tbls[name]["courriel"].dropna():
                if str(e).strip():
                    seen.setdefault(str(e).lower(), set()).add(aid)
multi = {e: sorted(a) for e, a in seen.items() if len(a) > 1}
print(f"Personnes vues dans plusieurs actions : {len(multi)}")
for e, a in sorted(multi.items()):
    print("  ", e, a)


# --- follow-ups (suivi): linked people, dates after the first contact, expected figures
def when(value) -> pd.Timestamp:
    text = str(value)
    return pd.Timestamp(pd.to_datetime(text, dayfirst="/" in text))


first_seen: dict[str, pd.Timestamp] = {}  # e-mail -> first contact or participation
for aid, tbls in tables.items():
    for name in ("participants", "contacts"):
        df = tbls.get(name)
        if df is None or "courriel" not in df:
            continue
        for _, row in df.iterrows():
            email = str(row["courriel"]).strip().lower() if pd.notna(row["courriel"]) else ""
            if not email or email == "nan":
                continue
            day = when(row["date"]) if name == "contacts" and pd.notna(row.get("date")) else None
            day = day if day is not None else starts[aid]
            if email not in first_seen or day < first_seen[email]:
                first_seen[email] = day

reached: dict[str, dict[str, int]] = {}  # territory of the furthest step -> step -> people
people: dict[str, dict] = {}
n_suivi = 0
for aid, tbls in sorted(tables.items()):
    df = tbls.get("suivi")
    if df is None:
        continue
    n_suivi += 1
    for _, row in df.iterrows():
        email = str(row["courriel"]).strip().lower()
        step = ETAPE.get(fold(row["etape"]), fold(row["etape"]))
        day = when(row["date"])
        terr = T_REF[fold(row["territoire"])]
        check(email in first_seen, f"{aid}/suivi: {email} absent des contacts et participants")
        if email in first_seen:
            check(day > first_seen[email], f"{aid}/suivi: {email} {step} avant le 1er contact")
        check(day <= pd.Timestamp("2018-03-31"), f"{aid}/suivi: date après le 31/03/2018")
        person = people.setdefault(email, {"rank": 0, "terr": terr, "abandon": False})
        if step == "abandon":
            person["abandon"] = True
        elif STEPS.index(step) >= person["rank"]:
            person["rank"], person["terr"] = STEPS.index(step), terr
totals = {s: sum(p["rank"] >= i for p in people.values()) for i, s in enumerate(STEPS) if i}
totals["abandon"] = sum(p["abandon"] for p in people.values())
print(f"Suivi : {n_suivi} tables, {len(people)} personnes suivies, étapes atteintes {totals}")
check(n_suivi >= 3, "suivi : au moins trois actions avec une table de suivi")
check(
    totals
    == {
        "rendez_vous": 40,
        "visite_territoire": 20,
        "accompagnement": 12,
        "installation": 6,
        "abandon": 8,
    },
    "suivi : 40 rendez-vous, 20 visites, 12 accompagnements, 6 installations, 8 abandons",
)
for p in people.values():
    row = reached.setdefault(p["terr"], dict.fromkeys(STEPS[1:], 0))
    for i, s in enumerate(STEPS[1:], start=1):
        row[s] += p["rank"] >= i
print("  par territoire :", {t: list(v.values()) for t, v in sorted(reached.items())})
full = [t for t, v in reached.items() if min(v.values()) >= 3]
small = [t for t, v in reached.items() if any(0 < n < 3 for n in v.values())]
check(bool(full), "suivi : il faut un territoire avec au moins 3 personnes à chaque étape")
check(len(small) >= 3, "suivi : il faut des territoires sous le seuil à certaines étapes")
followed_returning = {e for e in people if e in {m.lower() for m in multi}}
print(f"  dont personnes vues dans plusieurs actions : {len(followed_returning)}")
check(len(followed_returning) >= 2, "suivi : des personnes revenues doivent être suivies")

# --- no real person from the source note
text = "\n".join(
    f.read_text(encoding="utf-8", errors="replace")
    for f in DATA.rglob("*")
    if f.is_file() and f.suffix in {".yml", ".md", ".csv"}
)
for bad in (
    "Braillon",
    "Lebrech",
    "Ploton",
    "Tavernier",
    "Sema ",
    "Philippe Bertrand",
    "France Inter",
    "caprural.org",
    "04 75 61",
):
    check(bad not in text, f"nom ou contact réel trouvé : {bad}")

if problems:
    print("\nPROBLÈMES :")
    for m in problems:
        print(" -", m)
    sys.exit(1)
print("\nTout est conforme.")
