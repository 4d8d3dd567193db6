"""Ingestion benchmark: read + validate + normalise a contacts table, then pseudonymise it.

Generates a contacts CSV as people make them (Windows-1252, ``;``, French dates, human
headers such as « E-mail » and « Code postal »), then times :func:`vccap.tables.read_table`
and :func:`vccap.privacy.pseudonymise`. Target: at least 100,000 rows/s in total.

    python benchmarks/ingest.py --rows 200000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vccap.normalize import fold
from vccap.tables import read_table

TERRITOIRES = {
    "roannais": "Roannais Agglomération",
    "pilat-rhodanien": "Pilat rhodanien",
    "monts-du-lyonnais": "Monts du Lyonnais",
    "haut-bugey": "Haut-Bugey",
    "pays-de-saint-flour": "Pays de Saint-Flour",
    "combrailles": "Combrailles",
    "diois": "Diois",
    "ardeche-verte": "Ardèche verte",
}
PROFILS = ["Porteur de projet", "porteur_de_projet", "Partenaire", "Élu", "Technicien territoire",
           "Intervenant", "Autre"]  # fmt: skip
SECTEURS = ["Agriculture alimentation", "Tourisme", "Artisanat", "Commerce", "Services",
            "Numérique", "Économie circulaire", "Culture", "Santé social", "Autre", ""]  # fmt: skip
STADES = ["Idée", "Réflexion", "Préparation", "Prêt", ""]
DEMANDES = ["Création", "Reprise", "Emploi", "Installation", "Information", ""]
SUITES = ["oui", "non", "Oui", "NON", ""]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "Roux"]  # fmt: skip
PRENOMS = ["Léa", "Hugo", "Chloé", "Lucas", "Manon", "Louis", "Emma", "Gabriel", "Inès",
           "Jules", "Zoé", "Noé", "Anaïs", "Théo", "Élodie", "Rémi"]  # fmt: skip
STRUCTURES = ["Chambre d'agriculture", "CCI Lyon Métropole", "Pôle emploi", "Mairie de Feurs",
              "Association Accueil Paysan", "", "", "Réseau Entreprendre"]  # fmt: skip


def make_contacts(rows: int, seed: int = 20160615) -> pd.DataFrame:
    """A contacts table of ``rows`` rows, with human headers and French writing."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.integers(0, len(values), rows)]

    territoires = list(TERRITOIRES) + list(TERRITOIRES.values())
    nom = pick(NOMS)
    prenom = pick(PRENOMS)
    serial = np.arange(rows).astype(str)
    courriel = [
        f"{fold(p)}.{fold(n)}{i}@exemple.fr" for p, n, i in zip(prenom, nom, serial, strict=True)
    ]
    digits = rng.integers(0, 100, size=(rows, 4))
    telephone = [f"06 {a:02d} {b:02d} {c:02d} {d:02d}" for a, b, c, d in digits]
    code_postal = rng.choice([42000, 42300, 69001, 69590, 1100, 7100, 15100, 26150], rows)
    return pd.DataFrame(
        {
            "Date": pick(["15/06/2016", "16/06/2016", "15/06/16", "2016-06-16"]),
            "Territoire": pick(territoires),
            "Profil": pick(PROFILS),
            "Nom": nom,
            "Prénom": prenom,
            "E-mail": courriel,
            "Tél": telephone,
            "Structure": pick(STRUCTURES),
            "Code postal": code_postal.astype(str),
            "Secteur d'activité": pick(SECTEURS),
            "Stade du projet": pick(STADES),
            "Type de demande": pick(DEMANDES),
            "Suite souhaitée": pick(SUITES),
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark d'ingestion d'une table contacts.")
    parser.add_argument("--rows", type=int, default=200_000, help="nombre de lignes")
    parser.add_argument("--seed", type=int, default=20160615, help="graine du générateur")
    args = parser.parse_args(argv)

    references = {
        "territoires": {
            **{fold(k): k for k in TERRITOIRES},
            **{fold(v): k for k, v in TERRITOIRES.items()},
        }
    }
    with tempfile.TemporaryDirectory(prefix="vccap-bench-") as tmp:
        path = Path(tmp) / "contacts.csv"
        make_contacts(args.rows, args.seed).to_csv(
            path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n"
        )
        size_mb = path.stat().st_size / 1e6
        print(f"{args.rows} lignes, {size_mb:.1f} Mo (cp1252, « ; », dates françaises)")

        start = time.perf_counter()
        table = read_table(path, "contacts", references=references)
        read_s = time.perf_counter() - start
    assert len(table.df) == args.rows, "rows were dropped"
    assert not table.problems, table.problems[:3]
    print(f"lecture + validation + normalisation : {read_s:6.3f} s  "
          f"{args.rows / read_s:>12,.0f} lignes/s")  # fmt: skip

    try:
        from vccap.privacy import pseudonymise
    except ImportError as exc:
        print(f"pseudonymisation : non mesurée (vccap.privacy.pseudonymise absent : {exc})")
        print(f"total (lecture seule) : {read_s:6.3f} s  {args.rows / read_s:>12,.0f} lignes/s")
        return 0
    key = bytes(range(32))
    start = time.perf_counter()
    pseudonymise(table.df, key)
    pseudo_s = time.perf_counter() - start
    total = read_s + pseudo_s
    print(f"pseudonymisation                     : {pseudo_s:6.3f} s  "
          f"{args.rows / pseudo_s:>12,.0f} lignes/s")  # fmt: skip
    print(f"total                                : {total:6.3f} s  "
          f"{args.rows / total:>12,.0f} lignes/s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
