"""The cooperation network of a yearly review, as a funder can read it: who took part in
which action this year (a drawing of the actor-action ties and its table), the ville-campagne
ties that lasted, and a few measures year over year (:mod:`vccap.cooperation`).

A mixin of :class:`vccap.pages.annual_review.AnnualReview` (it reads the review's graph, its
``measures`` and ``ties``). Only organisations are named: an organisation named in a table of
people takes part only from the threshold on (:func:`vccap.network.action_participants`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.dates import format_date

from vccap import charts, cooperation, fmt, network
from vccap.pages.blocks import link
from vccap.pages.display import Html, Section, esc, label, plural
from vccap.pages.review_data import NODE_GROUPS, short_name

MILIEU_COLORS = {"rural": "#009e73", "periurbain": "#b35900", "urbain": "#0072b2"}
#: Ties listed under the drawing: those shared at the most actions.
TOP_TIES = 10
#: Order of the rows of the drawing: urban actors first, then the territories they met.
GROUP_ORDER = [
    (network.STRUCTURE, "urbain"),
    (network.TERRITOIRE, "urbain"),
    (network.TERRITOIRE, "rural"),
    (network.TERRITOIRE, "periurbain"),
    (network.STRUCTURE, "rural"),
]
LABEL_LENGTH = 30


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class NetworkSections:
    """Sections on the cooperation network (see :mod:`vccap.cooperation`)."""

    def reseau(self) -> Section:
        """Who took part in the year's actions, the lasting ville-campagne ties, the
        measures year over year."""
        m = self.measure
        if not m["acteurs"]:
            return Section(
                [self.note(f"Aucune action réalisée jusqu'en {self.annee} : pas encore de réseau.")]
            )
        actors = plural(m["acteurs"], "territoire ou structure", "territoires et structures")
        rural = plural(
            m["territoires_ruraux"],
            "territoire rural ou périurbain",
            "territoires ruraux ou périurbains",
        )
        urban = plural(m["acteurs_urbains"], "acteur urbain", "acteurs urbains")
        text = (
            f"À la fin de {self.annee}, {actors} ont pris part à au moins une action réalisée "
            f"de la démarche, dont {rural} et {urban} qui ont travaillé avec eux."
        )
        if m["actions"]:
            done = plural(m["actions"], "action réalisée", "actions réalisées")
            verb = "a" if m["actions_ville_campagne"] <= 1 else "ont"
            new = plural(m["nouveaux_acteurs"], "acteur a", "acteurs ont")
            back = plural(m["acteurs_revenus"], "acteur est revenu", "acteurs sont revenus")
            text += (
                f" En {self.annee}, {fmt.nombre(m['actions_ville_campagne'])} des {done} {verb} "
                f"réuni territoires ruraux et acteurs urbains ; {new} rejoint la démarche et "
                f"{back} d'une année précédente."
            )
        else:
            text += f" Aucune action n'a été réalisée en {self.annee}."
        items: list[Any] = [Html(f"<p>{esc(text)}</p>")]
        items += self._participation_drawing()
        items.append(self.heading("Les liens ville-campagne les plus suivis"))
        items.append(self._top_ties())
        items.append(self.heading("Le réseau d'une année à l'autre"))
        items.append(self._measures_table())
        return Section(items)

    # -- who took part in what --------------------------------------------------------

    def _year_participations(self) -> pd.DataFrame:
        table = cooperation.participations(self.ws, up_to_year=self.annee)
        return table[table["annee"] == self.annee].reset_index(drop=True)

    def _action_labels(self, ids: list[str]) -> dict[str, str]:
        """Short column labels: the place and the month (« Lyon, mai 2017 »)."""
        out: dict[str, str] = {}
        for action_id in ids:
            a = self.ws.actions[action_id]
            when = (
                format_date(a.date_debut, format="MMM y", locale=fmt.LOCALE)
                if a.date_debut
                else str(a.annee)
            )
            text = f"{_short(a.lieu, 16)}, {when}" if a.lieu else when
            base, n = text, 2
            while text in out.values():
                text, n = f"{base} ({n})", n + 1
            out[action_id] = text
        return out

    def _participation_drawing(self) -> list[Any]:
        table = self._year_participations()
        if table.empty:
            return []
        action_ids = list(dict.fromkeys(table["action"]))
        columns = self._action_labels(action_ids)
        legends = {key: NODE_GROUPS[key][0] for key in GROUP_ORDER}
        pairs = list(zip(table["nature"], table["milieu"], table["nom"], strict=True))
        table = table.assign(
            groupe=[legends.get((k, m), "Autre") for k, m, _ in pairs],
            libelle=[short_name(n) if k == network.TERRITOIRE else _short(n) for k, _, n in pairs],
        )
        per_actor = table.groupby("noeud").agg(
            nom=("nom", "first"),
            libelle=("libelle", "first"),
            nature=("nature", "first"),
            milieu=("milieu", "first"),
            id=("id", "first"),
            n=("action", "nunique"),
        )
        rank = {key: i for i, key in enumerate(GROUP_ORDER)}
        per_actor["_rang"] = [
            rank.get((k, m), len(rank))
            for k, m in zip(per_actor["nature"], per_actor["milieu"], strict=True)
        ]
        per_actor["_tri"] = per_actor["nom"].str.casefold()
        per_actor = per_actor.sort_values(["_rang", "n", "_tri"], ascending=[True, False, True])
        # two actors may share a short label: keep labels unique
        seen: dict[str, int] = {}
        labels = {}
        for key, r in per_actor.iterrows():
            text = r["libelle"]
            seen[text] = seen.get(text, 0) + 1
            labels[key] = text if seen[text] == 1 else f"{text} ({seen[text]})"
        titles = {a: self.ws.actions[a].titre for a in action_ids}
        drawn = pd.DataFrame(
            {
                "acteur": table["noeud"].map(labels),
                "action": table["action"].map(columns),
                "groupe": table["groupe"],
                "survol": [
                    f"{n}<br>{titles[a]}"
                    for n, a in zip(table["nom"], table["action"], strict=True)
                ],
            }
        )
        styles = {
            legend: {"color": MILIEU_COLORS.get(milieu, charts.HOUSE), "symbol": symbol}
            for (kind, milieu), (legend, symbol) in NODE_GROUPS.items()
            if (kind, milieu) in rank
        }
        styles = {legends[k]: styles[legends[k]] for k in GROUP_ORDER if legends[k] in styles}
        fig = charts.participation_figure(
            drawn,
            title=f"Qui a pris part aux actions de {self.annee}",
            actors=[labels[k] for k in per_actor.index],
            actions=[columns[a] for a in action_ids],
            group_styles=styles,
        )
        counts = per_actor.groupby(["nature", "milieu"]).size()
        composition = ", ".join(
            f"{NODE_GROUPS[key][0].lower()} : {fmt.nombre(counts[key])}"
            for key in GROUP_ORDER
            if key in counts.index
        )
        busiest = per_actor.sort_values(["n", "_tri"], ascending=[False, True]).head(3)
        alt = (
            f"Tableau à points : en lignes, les {plural(len(per_actor), 'acteur')} des actions "
            f"de {self.annee} ({composition}) ; en colonnes, les "
            f"{plural(len(action_ids), 'action réalisée', 'actions réalisées')} ; un point "
            "quand l'acteur a pris part à l'action. Les plus présents : "
            + ", ".join(f"{r['nom']} ({plural(r['n'], 'action')})" for _, r in busiest.iterrows())
            + ". Le tableau qui suit donne chaque acteur et ses actions."
        )
        rows = []
        for key, r in per_actor.iterrows():
            mine = table.loc[table["noeud"] == key, "action"]
            rows.append(
                [
                    link(r["nom"], self.link("territoires", r["id"]))
                    if r["nature"] == network.TERRITOIRE
                    else r["nom"],
                    "Territoire" if r["nature"] == network.TERRITOIRE else "Structure",
                    label("milieu", r["milieu"]),
                    fmt.nombre(r["n"]),
                    " ; ".join(columns[a] for a in dict.fromkeys(mine)),
                ]
            )
        return [
            self.chart(fig, alt),
            self.data_table(
                alt,
                f"Acteurs des actions de {self.annee}",
                [
                    ("Acteur", False),
                    ("Nature", False),
                    ("Milieu", False),
                    ("Actions", True),
                    ("Lesquelles", False),
                ],
                rows,
                resume=f"Voir les {fmt.nombre(len(rows))} acteurs et leurs actions",
                note="Actions : "
                + " ; ".join(f"{columns[a]} : {titles[a]}" for a in action_ids)
                + ".",
            ),
        ]

    # -- ties and measures --------------------------------------------------------------

    def _top_ties(self) -> Html:
        ties = self.ties
        if ties.empty:
            return self.note(
                f"Aucun lien ville-campagne jusqu'en {self.annee} : aucune action n'a encore "
                "réuni un territoire rural ou périurbain et un acteur urbain."
            )
        top = ties.head(TOP_TIES)
        rows = [
            [
                link(r["nom_territoire"], self.link("territoires", r["territoire"])),
                r["nom_acteur"],
                fmt.nombre(r["nb_actions"]),
                str(r["premiere_annee"]),
            ]
            for r in top.to_dict("records")
        ]
        repeated = int((ties["nb_actions"] >= 2).sum())
        return self.table(
            f"Les {plural(len(top), 'lien', 'liens')} ville-campagne les plus suivis à la fin "
            f"de {self.annee}",
            [
                ("Territoire", False),
                ("Acteur urbain", False),
                ("Actions communes", True),
                ("Depuis", False),
            ],
            rows,
            note=f"Sur {plural(len(ties), 'lien ville-campagne', 'liens ville-campagne')} "
            f"depuis le début, {fmt.nombre(repeated)} ont été repris à au moins deux actions. "
            "Un lien ville-campagne relie un territoire rural ou périurbain et une structure ou "
            "un territoire urbain qui ont pris part à une même action réalisée. Chaque page de "
            "territoire donne la liste complète de ses partenaires.",
        )

    def _measures_table(self) -> Html:
        rows = [
            [
                str(r["annee"]),
                fmt.nombre(r["actions"]),
                fmt.nombre(r["actions_ville_campagne"]),
                fmt.nombre(r["acteurs"]),
                fmt.nombre(r["nouveaux_acteurs"]),
                fmt.nombre(r["acteurs_revenus"]),
                fmt.nombre(r["acteurs_urbains"]),
                fmt.nombre(r["liens_ville_campagne"]),
                fmt.nombre(r["liens_durables"]),
            ]
            for r in self.measures.to_dict("records")
        ]
        return self.table(
            "Évolution du réseau, année par année",
            [
                ("Année", False),
                ("Actions", True),
                ("dont ville-campagne", True),
                ("Acteurs (cumul)", True),
                ("Nouveaux", True),
                ("Revenus", True),
                ("Acteurs urbains (cumul)", True),
                ("Liens ville-campagne (cumul)", True),
                ("dont repris", True),
            ],
            rows,
            note="Actions : actions réalisées dans l'année ; dont ville-campagne : celles qui ont "
            "réuni au moins un territoire rural ou périurbain et un acteur urbain. Acteurs : "
            "territoires et structures ayant pris part à au moins une action depuis le début ; "
            "nouveaux : leur première action cette année ; revenus : présents cette année et "
            "une année précédente. Acteurs urbains : structures et territoires urbains qui ont "
            "travaillé avec au moins un territoire rural ou périurbain. Liens ville-campagne : "
            "paires territoire rural ou périurbain – acteur urbain qui ont pris part à une même "
            "action ; repris : à au moins deux actions.",
        )
