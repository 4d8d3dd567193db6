"""``vccap federer``: a national site from regional sites (see :mod:`vccap.federation`)."""

from __future__ import annotations

import argparse

from vccap.cli.common import out, register, shown
from vccap.messages import plural


def setup_federer(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SITE_OU_PAQUET",
        help="dossier d'un site régional construit par « vccap build », ou son fichier "
        "donnees/datapackage.json (un par région)",
    )
    p.add_argument(
        "-o",
        "--out",
        default="national",
        metavar="DOSSIER",
        help="dossier du site national (par défaut : national)",
    )
    p.add_argument(
        "--titre",
        default=None,
        metavar="TEXTE",
        help="titre du site national (par défaut : « Actions ville-campagne des régions »)",
    )


def cmd_federer(args: argparse.Namespace) -> int:
    from vccap.federation.site import NATIONAL_TITLE, federate

    site = federate(args.sources, args.out, title=args.titre or NATIONAL_TITLE)
    hidden = sum(1 for t in site.totals if not t.published and t.hidden)
    out(
        f"Site national écrit dans {shown(site.out)} : {plural(len(site.packages), 'région')}, "
        f"{plural(len(site.pages), 'page')}, {plural(site.files, 'fichier')}."
    )
    out(
        f"Totaux nationaux : {site.published_totals} publiés, {hidden} non publiés (ils "
        "compteraient un chiffre qu'une région a masqué). Audit : chaque chiffre national est "
        "une somme de chiffres publiés par les régions ; aucune donnée personnelle trouvée."
    )
    return 0


register(
    "federer",
    "Construire un site national à partir des sites (données ouvertes) de plusieurs régions.",
    "vccap federer reports ../occitanie/reports -o national",
)(setup_federer)(cmd_federer)
