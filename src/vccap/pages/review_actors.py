"""Territories and structures engaged in the year of a yearly review.
A mixin of :class:`vccap.pages.annual_review.AnnualReview`."""

from __future__ import annotations

from typing import Any

from vccap import fmt, network
from vccap.pages.blocks import link
from vccap.pages.display import GROUPED, Html, Section, esc, label, plural


class ActorSections:
    """The review's « territoires » and « structures » sections."""

    def territoires(self) -> Section:
        """Territories engaged this year; which are new; which took part the year before only."""
        engaged = self._engaged(network.TERRITOIRE)
        if not engaged:
            return Section(
                [
                    self.note(
                        f"Aucun territoire n'a participé à une action réalisée en {self.annee}."
                    )
                ]
            )
        G = self.graph
        per_action: dict[str, int] = {}
        for a in self.ws.actions.values():
            if a.annee == self.annee and a.statut == "realisee":
                members, _ = network.action_participants(self.ws, a)
                for k in members:
                    per_action[k] = per_action.get(k, 0) + 1
        new = set(self._new(engaged))
        ordered = sorted(engaged, key=lambda k: (-per_action.get(k, 0), G.nodes[k]["nom"]))
        rows = []
        for k in ordered:
            d = G.nodes[k]
            t = self.ws.territoires.get(d["id"])
            rows.append(
                [
                    link(d["nom"], self.link("territoires", d["id"])),
                    label("milieu", d["milieu"]),
                    label("departement", t.departement) if t and t.departement else "—",
                    fmt.nombre(per_action.get(k, 0)),
                    "nouveau" if k in new else f"depuis {d['first_year']}",
                ]
            )
        before = {
            k
            for k in self.previous.nodes
            if k.startswith(network.TERRITOIRE + ":") and self.annee - 1 in self._years_of(k)
        }
        left = sorted(before - set(engaged))
        text = (
            f"{plural(len(engaged), 'territoire a participé', 'territoires ont participé')} à au "
            f"moins une action réalisée en {self.annee}"
            + (f", dont {plural(len(new), 'nouveau', 'nouveaux')} dans la démarche" if new else "")
            + "."
        )
        items: list[Any] = [Html(f"<p>{esc(text)}</p>")]
        items.append(
            self.table(
                f"Territoires engagés en {self.annee}",
                [
                    ("Territoire", False),
                    ("Milieu", False),
                    ("Département", False),
                    ("Actions de l'année", True),
                    ("Dans la démarche", False),
                ],
                rows,
                note="Un territoire est engagé dans une action quand il est inscrit dans la fiche "
                "de l'action, quand des participants ou des contacts le représentent, ou quand "
                "il a organisé un de ses événements.",
            )
        )
        if new:
            names = ", ".join(G.nodes[k]["nom"] for k in ordered if k in new)
            items.append(Html(f"<p><strong>Nouveaux territoires</strong> : {esc(names)}.</p>"))
        if left:
            names = ", ".join(sorted(G.nodes[k]["nom"] for k in left))
            items.append(
                self.note(
                    f"Territoires engagés en {self.annee - 1} qui n'ont participé à aucune action "
                    f"réalisée en {self.annee} : {names}."
                )
            )
        return Section(items)

    def _years_of(self, key: str) -> set[int]:
        ids = self.previous.nodes[key].get("actions", []) if key in self.previous else []
        return {self.ws.actions[i].annee for i in ids if i in self.ws.actions}

    def structures(self) -> Section:
        """Structures involved this year, by milieu and by category (small counts grouped)."""
        engaged = self._engaged(network.STRUCTURE)
        if not engaged:
            return Section(
                [
                    self.note(
                        f"Aucune structure n'a participé à une action réalisée en {self.annee}."
                    )
                ]
            )
        new = self._new(engaged)
        items: list[Any] = [
            Html(
                "<p>"
                + esc(
                    f"{plural(len(engaged), 'structure a pris part', 'structures ont pris part')} "
                    f"aux actions de {self.annee} (partenaires inscrits dans la fiche de chaque "
                    "action et structures des participants et des contacts)"
                    + (f", dont {plural(len(new), 'nouvelle')} dans la démarche." if new else ".")
                )
                + "</p>"
            )
        ]
        for b in self.structure_breakdowns:
            titre = b.titre
            if b.table.empty:
                items.append(self.note(f"{titre} : effectifs trop faibles pour être publiés."))
                continue
            total = int(b.table["effectif"].sum())
            items.append(Section(tables={titre: b.table.copy()}))
            items.append(
                self.table(
                    f"{titre} ({fmt.nombre(total)} structures)",
                    [("Catégorie", False), ("Structures", True), ("Part", True)],
                    [
                        [r["libelle"], fmt.nombre(r["effectif"]), fmt.part(r["effectif"] / total)]
                        for r in b.table.to_dict("records")
                    ],
                    note=(
                        f"Les catégories de moins de {self.seuil} structures sont regroupées "
                        f"dans « {GROUPED} »."
                        if b.masked
                        else None
                    ),
                )
            )
        return Section(items)
