"""A territory's partners in the cooperation network: who it and its structures met at the
realised actions, ville-campagne first. A mixin of
:class:`vccap.pages.territory_profile.TerritoryProfile` (it reads the page's ``partners``,
:func:`vccap.cooperation.group_ties`)."""

from __future__ import annotations

from typing import Any

from vccap import fmt, network
from vccap.pages.blocks import link
from vccap.pages.display import CATEGORIES, Html, Section, esc, label, plural
from vccap.pages.review_data import NODE_GROUPS


class NetworkSection:
    """The territory page's « réseau » section."""

    def reseau(self) -> Section:
        """The territories and structures it (or its structures) worked with."""
        G = self.graph
        t = self.territoire
        here = [s for s in self.ws.structures.values() if s.territoire == t.id]
        partners = self.partners
        items: list[Any] = []
        if partners.empty:
            items.append(
                self.note(
                    "Ni le territoire ni ses structures n'ont encore pris part à une action "
                    "réalisée : pas encore de partenaire dans le réseau de coopération."
                )
            )
        else:
            urban = t.milieu == network.URBAN
            n_vc = int(partners["ville_campagne"].sum())
            n_terr = int((partners["nature"] == network.TERRITOIRE).sum())
            n_struct = len(partners) - n_terr
            who = fmt.initiale(t.nom_avec())
            if self.node not in G:
                who += " (par ses structures)"
            text = (
                f"{who} a rencontré lors des actions "
                f"{plural(n_terr, 'territoire')} et {plural(n_struct, 'structure')}, dont "
                + (
                    plural(n_vc, "territoire rural ou périurbain", "territoires ruraux ou "
                           "périurbains")
                    if urban
                    else plural(n_vc, "acteur urbain", "acteurs urbains")
                )
                + " (liens ville-campagne)."
            )  # fmt: skip
            items.append(Html(f"<p>{esc(text)}</p>"))
            counts: dict[str, int] = {legend: 0 for legend, _ in NODE_GROUPS.values()}
            for r in partners.to_dict("records"):
                legend = NODE_GROUPS.get((r["nature"], r["milieu"]), ("Autre", ""))[0]
                counts[legend] = counts.get(legend, 0) + 1
            items.append(
                self.table(
                    "Partenaires rencontrés, selon leur nature et leur milieu",
                    [("Partenaires", False), ("Nombre", True)],
                    [[g, fmt.nombre(n)] for g, n in counts.items() if n],
                )
            )
            rows = []
            for r in partners.to_dict("records"):
                node = G.nodes[r["noeud"]]
                is_territory = r["nature"] == network.TERRITOIRE
                rows.append(
                    [
                        link(r["nom"], f"{node['id']}.html") if is_territory else r["nom"],
                        "Territoire"
                        if is_territory
                        else CATEGORIES.get(r["categorie"] or "", "Structure"),
                        label("milieu", r["milieu"]),
                        "oui" if r["ville_campagne"] else "non",
                        fmt.nombre(r["nb_actions"]),
                        str(r["premiere_annee"]),
                    ]
                )
            items.append(
                self.data_table(
                    "",
                    "Partenaires rencontrés lors des actions réalisées",
                    [
                        ("Partenaire", False),
                        ("Nature", False),
                        ("Milieu", False),
                        ("Ville-campagne", False),
                        ("Actions communes", True),
                        ("Depuis", False),
                    ],
                    rows,
                    resume=f"Voir les {fmt.nombre(len(rows))} partenaires, un par un",
                    note="Un partenaire a pris part à au moins une même action réalisée que le "
                    "territoire ou l'une de ses structures. Ville-campagne : un territoire rural "
                    "ou périurbain et une structure ou un territoire urbain.",
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
                    "Structures rattachées au territoire",
                    [("Structure", False), ("Catégorie", False), ("Participation", False)],
                    rows,
                )
            )
        return Section(items)
