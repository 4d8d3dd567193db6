"""Facts of the example workspace (``data/``), read with plain pandas, not the kit's readers.

``data/`` is the one source of the example's content, edited by hand. Only the 2016
aggregates are real (the démarche's 2016 bilan: 94 project holders and 41 partners on the
2016 stand, 25 participants of whom 6 partners on 19 May 2016, 3 territories committed on
3 March 2016); every row, name, e-mail, phone number, comment and every 2017 figure is
invented ("données d'exemple fictives"): phones in the ``06 00 00 .. ..`` /
``04 00 00 .. ..`` ranges, e-mails on example.org / example.fr / exemple.fr. These tests
keep those facts true when the files are edited, and keep the XLSX files in step with
their text sources (``tools/example/make_xlsx.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import EXAMPLE, PRO_2016, ROOT, SALON_2016, SESSION_2016
from vccap.catalogue import default_types
from vccap.journeys import STEPS
from vccap.model import ACTION_KEYS, DEBRIEF_HEADINGS

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SUIVI_CUTOFF = dt.datetime(2018, 3, 31)  # the example's data "arrêtées au 31 mars 2018"
ALIASES = {
    "e_mail": "courriel",
    "secteur_du_projet": "secteur_projet",
    "stade_du_projet": "stade_projet",
    "type_de_demande": "type_demande",
}
STEP_SYNONYMS = {
    "rdv": "rendez_vous",
    "visite": "visite_territoire",
    "visite_du_territoire": "visite_territoire",
    "installe": "installation",
    "installee": "installation",
    "abandonne": "abandon",
}
SCALE = {"tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait", "1", "2", "3", "4"}
YES_NO = {"oui", "non", "vrai", "faux", "1", "0", "x"}
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
    "satisfaction_globale": SCALE,
    "utilite": SCALE,
    "qualite_intervenants": SCALE,
    "suite_souhaitee": YES_NO,
    "souhait_suite": YES_NO,
    "etape": {*STEPS, "abandon", *STEP_SYNONYMS},
}


def fold(text) -> str:
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def read(path: Path) -> pd.DataFrame:
    """A raw table with folded column names, as a person would open it."""
    if path.suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype=object).dropna(how="all")
    else:
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        sep = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
        df = pd.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)
    df.columns = [ALIASES.get(fold(c), fold(c)) for c in df.columns]
    return df


def values(series: pd.Series) -> set[str]:
    return {str(v) for v in series.dropna() if str(v).strip()}


def when(value) -> dt.datetime:
    """A date as a team typed it (ISO, French ``DD/MM/YYYY``) or as XLSX stores it."""
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y")
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def example() -> dict:
    """Reference files, each action's YAML, debrief and tables: read once."""
    terr = pd.read_csv(EXAMPLE / "territoires.csv", dtype=str, keep_default_na=False)
    struct = pd.read_csv(EXAMPLE / "structures.csv", dtype=str, keep_default_na=False)
    actions, debriefs, tables = {}, {}, {}
    for folder in sorted((EXAMPLE / "actions").iterdir()):
        text = (folder / "action.yml").read_text(encoding="utf-8")
        actions[folder.name] = yaml.load(text, Loader=YAML_LOADER)
        debriefs[folder.name] = (folder / "retour_experience.md").read_text(encoding="utf-8")
        files = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.xlsx"))
        tables[folder.name] = {f.stem: read(f) for f in files}
    return {
        "terr": terr,
        "struct": struct,
        "t_ref": {fold(x): i for i, n in zip(terr["id"], terr["nom"], strict=True) for x in (i, n)},
        "s_ref": {
            fold(x): i for i, n in zip(struct["id"], struct["nom"], strict=True) for x in (i, n)
        },
        "actions": actions,
        "debriefs": debriefs,
        "tables": tables,
    }


def test_actions_name_known_types_places_partners_and_indicators(example):
    types = default_types()
    terr_ids, struct_ids = set(example["terr"]["id"]), set(example["struct"]["id"])
    assert set(example["struct"]["territoire"]) - {""} <= terr_ids
    orders = set()
    problems = []
    for aid, a in example["actions"].items():
        orders.add(tuple(a))
        if set(a) != ACTION_KEYS or a["id"] != aid:
            problems.append(f"{aid}: keys {list(a)} or id {a['id']}")
        if not aid.startswith(a["date_debut"].strftime("%Y-%m-")) or a["type"] not in types:
            problems.append(f"{aid}: date prefix or type {a['type']}")
            continue
        problems += [f"{aid}: territoire {t}" for t in a["territoires"] if t not in terr_ids]
        problems += [f"{aid}: partenaire {s}" for s in a["partenaires"] if s not in struct_ids]
        problems += [
            f"{aid}: indicateur {o['indicateur']}"
            for o in a["objectifs"]
            if o["indicateur"] not in types[a["type"]].indicateurs
        ]
        heads = [line for line in example["debriefs"][aid].splitlines() if line.startswith("## ")]
        if a["statut"] == "realisee" and heads[:4] != [f"## {h}" for h in DEBRIEF_HEADINGS]:
            problems.append(f"{aid}: debrief headings {heads}")
        # any action may also hold the follow-up of the people it met (suivi)
        names = set(example["tables"][aid]) - {"suivi"}
        if not names <= set(types[a["type"]].tables) or (a["statut"] != "realisee" and names):
            problems.append(f"{aid}: tables {names}")
    assert problems == []
    assert len(orders) == 1, "every action.yml lists its keys in the same order"


def test_typed_values_fold_to_the_closed_vocabularies(example):
    known_t = set(example["terr"]["id"]) | set(example["terr"]["nom"])
    known_s = set(example["struct"]["id"]) | set(example["struct"]["nom"])
    problems = []
    for aid, tables in example["tables"].items():
        for name, df in tables.items():
            for col, allowed in VOCAB.items():
                if col in df and {fold(v) for v in values(df[col])} - allowed:
                    problems.append(f"{aid}/{name}: {col} {values(df[col])}")
            for col, known in (("territoire", known_t), ("territoire_vise", known_t)):
                if col in df and values(df[col]) - known:
                    problems.append(f"{aid}/{name}: {col} {values(df[col]) - known}")
            if "structure" in df and values(df["structure"]) - known_s:
                problems.append(f"{aid}/{name}: structure {values(df['structure']) - known_s}")
    assert problems == []


def test_the_real_2016_aggregates(example):
    tables, t_ref = example["tables"], example["t_ref"]
    contacts = tables[SALON_2016]["contacts"]
    profil = contacts["profil"].map(fold).value_counts()
    assert len(contacts) == 135
    assert (profil["porteur_de_projet"], profil["partenaire"]) == (94, 41)
    per_territory = contacts.groupby(contacts["territoire"].map(lambda v: t_ref[fold(v)])).size()
    assert len(per_territory) == 9 and per_territory.min() <= 2  # one below the threshold
    raw = (EXAMPLE / "actions" / SALON_2016 / "contacts.csv").read_bytes()
    assert raw.decode("cp1252").startswith("Date;Territoire;Profil;")
    with pytest.raises(UnicodeDecodeError):  # a French Excel's Windows-1252, not UTF-8
        raw.decode("utf-8")

    participants = tables[SESSION_2016]["participants"]
    partners = participants[participants["profil"].map(fold) == "partenaire"]
    assert (len(participants), len(partners)) == (25, 6)
    assert {example["s_ref"][fold(s)] for s in partners["structure"]} == {
        "direccte",
        "police-nationale",
        "grand-lyon",
        "action-elles",
        "amrf",
        "mdef-lyon",
    }

    participants = tables[PRO_2016]["participants"]
    engaged = participants[participants["engagement"].str.strip() != ""]
    assert len({t_ref[fold(t)] for t in engaged["territoire"]}) == 3


def test_follow_ups_follow_people_met_before(example):
    """Linked people, steps after the first meeting, the expected funnel and thresholds."""
    first_seen: dict[str, dt.datetime] = {}  # e-mail -> first contact or participation
    actions_of: dict[str, set[str]] = {}
    for aid, tables in example["tables"].items():
        start = dt.datetime.combine(example["actions"][aid]["date_debut"], dt.time())
        for name in ("participants", "contacts"):
            df = tables.get(name)
            if df is None or "courriel" not in df:
                continue
            dates = df["date"] if name == "contacts" else [None] * len(df)
            for email, date in zip(df["courriel"], dates, strict=True):
                email = str(email).strip().lower() if pd.notna(email) else ""
                if not email:
                    continue
                actions_of.setdefault(email, set()).add(aid)
                day = when(date) if pd.notna(date) else start
                first_seen[email] = min(day, first_seen.get(email, day))
    returning = {e for e, aids in actions_of.items() if len(aids) > 1}

    people: dict[str, dict] = {}
    problems = []
    suivis = {aid: t["suivi"] for aid, t in sorted(example["tables"].items()) if "suivi" in t}
    for aid, df in suivis.items():
        for email, etape, date, territoire in zip(
            df["courriel"], df["etape"], df["date"], df["territoire"], strict=True
        ):
            email = email.strip().lower()
            step = STEP_SYNONYMS.get(fold(etape), fold(etape))
            day = when(date)
            if email not in first_seen or not first_seen[email] < day <= SUIVI_CUTOFF:
                problems.append(f"{aid}/suivi: {email} {step} {day:%Y-%m-%d}")
            terr = example["t_ref"][fold(territoire)]
            person = people.setdefault(email, {"rank": 0, "terr": terr, "abandon": False})
            if step == "abandon":
                person["abandon"] = True
            elif STEPS.index(step) >= person["rank"]:
                person["rank"], person["terr"] = STEPS.index(step), terr
    assert problems == []
    assert len(suivis) >= 3
    totals = {s: sum(p["rank"] >= i for p in people.values()) for i, s in enumerate(STEPS) if i}
    totals["abandon"] = sum(p["abandon"] for p in people.values())
    assert totals == {
        "rendez_vous": 40,
        "visite_territoire": 20,
        "accompagnement": 12,
        "installation": 6,
        "abandon": 8,
    }
    reached: dict[str, list[int]] = {}  # territory of the furthest step -> people per step
    for p in people.values():
        row = reached.setdefault(p["terr"], [0] * (len(STEPS) - 1))
        for i in range(1, len(STEPS)):
            row[i - 1] += p["rank"] >= i
    assert any(min(v) >= 3 for v in reached.values()), "one territory above the threshold"
    assert sum(any(0 < n < 3 for n in v) for v in reached.values()) >= 3, "some below it"
    assert len(returning & set(people)) >= 2, "people met twice are followed too"


def test_no_real_person_or_contact_from_the_source_note():
    text = "\n".join(
        f.read_text(encoding="utf-8", errors="replace")
        for f in EXAMPLE.rglob("*")
        if f.is_file() and f.suffix in {".yml", ".md", ".csv"}
    )
    real = [
        "Braillon",
        "Lebrech",
        "Ploton",
        "Tavernier",
        "Sema ",
        "Philippe Bertrand",
        "France Inter",
        "caprural.org",
        "04 75 61",
    ]
    assert [name for name in real if name in text] == []


def test_xlsx_files_match_their_text_sources(tmp_path):
    path = ROOT / "tools" / "example" / "make_xlsx.py"
    spec = importlib.util.spec_from_file_location("vccap_example_make_xlsx", path)
    make_xlsx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_xlsx)
    written = make_xlsx.write(tmp_path)
    assert sorted(p.suffix for p in written) == [".xlsx", ".xlsx"]
    for p in written:
        rel = p.relative_to(tmp_path)
        assert make_xlsx.same_workbook(p, EXAMPLE / rel), f"run {path.name}: {rel} differs"
