"""A territory's ties in the cooperation network (partners, urban-rural ties, the table of
ties). A mixin of :class:`vccap.pages.territory_profile.TerritoryProfile`."""

from __future__ import annotations

from typing import Any

from vccap import fmt, network
from vccap.pages.blocks import link
from vccap.pages.display import CATEGORIES, Html, Section, esc, label, plural
from vccap.pages.review_data import NODE_GROUPS, node_group


class NetworkSection:
    """The territory page's « réseau » section."""

    def reseau(self) -> Section:
        """The territories and structures it worked with, urban or rural."""
        G = self.graph
        here = [s for s in self.ws.structures.values() if s.territoire == self.territoire.id]
        items: list[Any] = []
        if self.node not in G:
            items.append(
                self.note(
                    "Le territoire n'a encore pris part à aucune action réalisée : il n'a pas "
                    "de lien dans le réseau de coopération."
                )
            )
        else:
            ties = network.ties_table(G, nodes=[self.node])
            rows = []
            for r in ties.to_dict("records"):
                other = "b" if r["noeud_a"] == self.node else "a"
                kind = r[f"nature_{other}"]
                node = G.nodes[r[f"noeud_{other}"]]
                name = r[f"nom_{other}"]
                group = node_group(G, r[f"noeud_{other}"])
                rows.append(
                    (
                        not r["ville_campagne"],
                        kind != network.TERRITOIRE,
                        -r["nb_actions"],
                        name,
                        [
                            link(name, f"{node['id']}.html")
                            if kind == network.TERRITOIRE
                            else name,
                            "Territoire"
                            if kind == network.TERRITOIRE
                            else CATEGORIES.get(node.get("categorie", ""), "Structure"),
                            label("milieu", r[f"milieu_{other}"]),
                            "oui" if r["ville_campagne"] else "non",
                            fmt.nombre(r["nb_actions"]),
                            str(r["premiere_annee"]),
                        ],
                        group,
                    )
                )
            rows.sort(key=lambda x: x[:4])
            n_terr = sum(1 for r in rows if not r[1])
            n_struct = len(rows) - n_terr
            n_ur = sum(1 for r in rows if not r[0])
            other_side = "urbains" if self.territoire.milieu != network.URBAN else "ruraux"
            text = (
                f"{self.nom} a travaillé avec "
                f"{plural(n_terr, 'autre territoire', 'autres territoires')} et "
                f"{plural(n_struct, 'structure')}, dont {fmt.nombre(n_ur)} acteurs {other_side} "
                "(liens ville-campagne)."
            )
            items.append(Html(f"<p>{esc(text)}</p>"))
            groups = {legend: 0 for legend, _ in NODE_GROUPS.values()}
            for r in rows:
                groups[r[5]] = groups.get(r[5], 0) + 1
            groups = {g: n for g, n in groups.items() if n}
            items.append(
                self.table(
                    f"Les partenaires de {self.nom}, selon leur nature et leur milieu",
                    [("Partenaires", False), ("Nombre", True)],
                    [[g, fmt.nombre(n)] for g, n in groups.items()],
                )
            )
            items.append(
                self.data_table(
                    "",
                    f"Les partenaires de {self.nom} (actions réalisées en commun)",
                    [
                        ("Partenaire", False),
                        ("Nature", False),
                        ("Milieu", False),
                        ("Ville-campagne", False),
                        ("Actions communes", True),
                        ("Depuis", False),
                    ],
                    [r[4] for r in rows],
                    resume=f"Voir les {fmt.nombre(len(rows))} partenaires, un par un",
                    note="Deux acteurs sont liés quand ils ont pris part à une même action "
                    "réalisée (action.yml, tableaux de participants, de contacts ou "
                    "d'événements).",
                )
            )
        if here:
            items.append(self.heading("Les structures implantées sur le territoire"))
            rows = []
            for s in here:
                key = network.node_key(network.STRUCTURE, s.id)
                acts = G.nodes[key]["actions"] if key in G else []
                rows.append(
                    [
                        s.nom,
                        CATEGORIES.get(s.categorie, s.categorie),
                        plural(len(acts), "action réalisée", "actions réalisées")
                        if acts
                        else "aucune action réalisée",
                    ]
                )
            items.append(
                self.table(
                    f"Structures de structures.csv rattachées à {self.nom}",
                    [("Structure", False), ("Catégorie", False), ("Participation", False)],
                    rows,
                )
            )
        return Section(items)
