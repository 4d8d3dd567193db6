"""The cooperation network of a yearly review: text, drawing, tables, year over year.

A mixin of :class:`vccap.pages.annual_review.AnnualReview` (it reads the review's graph).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from vccap import charts, fmt, network
from vccap.pages.blocks import link
from vccap.pages.display import Html, Section, esc, label, plural
from vccap.pages.review_data import NODE_GROUPS, milieu_label, node_group, short_name

MILIEU_COLORS = {"rural": "#009e73", "periurbain": "#e69f00", "urbain": "#0072b2"}


class NetworkSections:
    """Sections on the cooperation network (see :mod:`vccap.network`)."""

    def reseau(self) -> Section:
        """The cooperation network up to the year: drawing, text and table alternatives,
        urban-rural ties, new ties, connectedness year over year."""
        G = self.graph
        s = self.net
        if G.number_of_nodes() == 0:
            return Section(
                [self.note(f"Aucune action réalisée jusqu'en {self.annee} : pas encore de réseau.")]
            )
        new_ur = self._urban_rural_new()
        text = (
            f"À la fin de {self.annee}, le réseau de coopération relie "
            f"{plural(s['noeuds'], 'acteur')} ({plural(s['territoires'], 'territoire')} et "
            f"{plural(s['structures'], 'structure')}) par {plural(s['liens'], 'lien')}, dont "
            f"{plural(s['liens_ville_campagne'], 'lien ville-campagne', 'liens ville-campagne')}. "
            f"Deux acteurs sont liés quand ils ont pris part à une même action réalisée. "
            f"Cette année : {plural(s['nouveaux_liens'], 'nouveau lien', 'nouveaux liens')} "
            f"(dont {fmt.nombre(new_ur)} ville-campagne) et "
            f"{plural(s['nouveaux_noeuds'], 'nouvel acteur', 'nouveaux acteurs')}."
        )
        items: list[Any] = [Html(f"<p>{esc(text)}</p>")]
        items += self._network_drawing(G)
        items.append(self.heading("La cohésion du réseau d'une année à l'autre"))
        items.append(self._connectedness())
        return Section(items)

    def _network_drawing(self, G: nx.Graph) -> list[Any]:
        positions = network.layout(G)
        ur_edges = {frozenset((u, v)) for u, v in G.edges() if network.is_urban_rural(G, u, v)}
        ur_degree = {n: 0 for n in G.nodes}
        for edge in ur_edges:
            for n in edge:
                ur_degree[n] += 1
        hover = {}
        for n, d in G.nodes(data=True):
            kind = "territoire" if d["kind"] == network.TERRITOIRE else "structure"
            hover[n] = (
                f"{d['nom']}<br>{kind} {milieu_label(d['kind'], d['milieu'])}, depuis "
                f"{d['first_year']}<br>{plural(G.degree(n), 'lien')}, dont "
                f"{fmt.nombre(ur_degree[n])} ville-campagne"
            )
        groups = {n: node_group(G, n) for n in G.nodes}
        styles = {
            legend: {"color": MILIEU_COLORS.get(milieu, charts.HOUSE), "symbol": symbol}
            for (kind, milieu), (legend, symbol) in NODE_GROUPS.items()
        }
        fig = charts.network_figure(
            G,
            positions,
            title=f"Réseau de coopération à la fin de {self.annee}",
            node_groups=groups,
            group_styles=styles,
            hover=hover,
            highlighted=ur_edges,
            highlight_label="Lien ville-campagne",
            other_label="Autre lien",
            labels={
                n: short_name(d["nom"])
                for n, d in G.nodes(data=True)
                if d["kind"] == network.TERRITOIRE
            },
        )
        top = sorted(G.nodes, key=lambda n: (-G.degree(n), G.nodes[n]["nom"]))[:3]
        counts = pd.Series(groups).value_counts()
        alt = (
            f"Graphe du réseau à la fin de {self.annee} : {plural(G.number_of_nodes(), 'acteur')} "
            "(ronds : territoires ; carrés : structures ; vert : rural, orange : périurbain, "
            "bleu : urbain) et "
            f"{plural(G.number_of_edges(), 'lien')}, dont "
            f"{fmt.nombre(len(ur_edges))} entre la ville et la campagne (en orange foncé). "
            + "Composition : "
            + ", ".join(f"{g.lower()} : {fmt.nombre(c)}" for g, c in counts.items())
            + ". Acteurs les plus reliés : "
            + ", ".join(f"{G.nodes[n]['nom']} ({plural(G.degree(n), 'lien')})" for n in top)
            + ". Les deux tableaux qui suivent donnent chaque acteur et chaque lien."
        )
        nodes = network.nodes_table(G)
        nodes = nodes.assign(
            ur=nodes["noeud"].map(ur_degree), nom_tri=nodes["nom"].str.casefold()
        ).sort_values(["degre", "nom_tri"], ascending=[False, True])
        node_rows = [
            [
                link(r["nom"], self.link("territoires", r["id"]))
                if r["nature"] == network.TERRITOIRE
                else r["nom"],
                "Territoire" if r["nature"] == network.TERRITOIRE else "Structure",
                label("milieu", r["milieu"]),
                str(r["premiere_annee"]),
                fmt.nombre(r["nb_actions"]),
                fmt.nombre(r["degre"]),
                fmt.nombre(r["ur"]),
            ]
            for r in nodes.to_dict("records")
        ]
        ties = network.ties_table(G)
        ties = ties.sort_values(
            ["ville_campagne", "nb_actions"], ascending=[False, False], kind="stable"
        )
        tie_rows = [
            [
                r["nom_a"],
                r["nom_b"],
                "oui" if r["ville_campagne"] else "non",
                fmt.nombre(r["nb_actions"]),
                "nouveau" if r["premiere_annee"] == self.annee else str(r["premiere_annee"]),
            ]
            for r in ties.to_dict("records")
        ]
        return [
            self.chart(fig, alt),
            self.data_table(
                alt,
                f"Acteurs du réseau à la fin de {self.annee}",
                [
                    ("Acteur", False),
                    ("Nature", False),
                    ("Milieu", False),
                    ("Depuis", False),
                    ("Actions", True),
                    ("Liens", True),
                    ("dont ville-campagne", True),
                ],
                node_rows,
                resume=f"Voir les {fmt.nombre(len(node_rows))} acteurs du réseau",
            ),
            self.data_table(
                "",
                f"Liens du réseau à la fin de {self.annee}",
                [
                    ("Acteur", False),
                    ("Relié à", False),
                    ("Ville-campagne", False),
                    ("Actions communes", True),
                    ("Depuis", False),
                ],
                tie_rows,
                resume=f"Voir les {fmt.nombre(len(tie_rows))} liens (ville-campagne d'abord)",
            ),
        ]

    def _connectedness(self) -> Html:
        rows = [
            [
                str(r["annee"]),
                fmt.nombre(r["noeuds"]),
                fmt.nombre(r["liens"]),
                fmt.nombre(r["liens_ville_campagne"]),
                fmt.nombre(r["nouveaux_liens"]),
                fmt.nombre(r["composantes"]),
                fmt.nombre(r["plus_grande_composante"]),
                fmt.part(r["densite"]),
            ]
            for r in self.yearly.to_dict("records")
        ]
        return self.table(
            "Évolution du réseau (chiffres cumulés à la fin de chaque année)",
            [
                ("Année", False),
                ("Acteurs", True),
                ("Liens", True),
                ("Ville-campagne", True),
                ("Nouveaux", True),
                ("Groupes", True),
                ("Plus grand groupe", True),
                ("Densité", True),
            ],
            rows,
            note="Ville-campagne : liens entre un acteur urbain et un acteur rural ou "
            "périurbain ; nouveaux : liens noués dans l'année. Groupes : ensembles d'acteurs sans "
            "aucun lien entre eux (1 : tout le réseau se tient) ; plus grand groupe : nombre "
            "d'acteurs du plus grand. Densité : part des paires d'acteurs effectivement liées.",
        )
