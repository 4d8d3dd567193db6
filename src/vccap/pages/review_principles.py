"""The four principles of the démarche in a yearly review: réseau, extensif, apprenant,
transfert, each with the evidence the year gives.

A mixin of :class:`vccap.pages.annual_review.AnnualReview`.
"""

from __future__ import annotations

from typing import Any

from vccap import fmt, network
from vccap.model import DEBRIEF_HEADINGS
from vccap.pages.display import Html, plural
from vccap.pages.review_data import count_bullets, type_label

PRINCIPLES = {
    "reseau": "Réseau : s'étendre à de nouveaux territoires et partenaires",
    "extensif": "Extensif : accueillir de nouveaux types d'action",
    "apprenant": "Apprenant : tirer les leçons de chaque action",
    "transfert": "Transfert : transmettre à d'autres régions",
}


class PrincipleSections:
    """The principles section and its evidence."""

    def principes(self) -> Html:
        """Evidence for each of the four principles of the démarche."""
        p = self.ws.demarche.principes
        return self.render(
            "revue_principes.html.j2",
            principes=[
                {"titre": PRINCIPLES[k], "texte": p.get(k, ""), "preuves": getattr(self, f"_{k}")()}
                for k in PRINCIPLES
            ],
        )

    def _reseau(self) -> list[dict[str, Any]]:
        G = self.graph
        terr = self._engaged(network.TERRITOIRE)
        struct = self._engaged(network.STRUCTURE)
        new_t = self._new(terr)
        new_s = self._new(struct)
        first = not any(
            a.statut == "realisee" and a.annee and a.annee < self.annee
            for a in self.ws.actions.values()
        )
        out = []
        if not terr and not struct:
            out.append({"texte": "Aucun territoire ni aucune structure engagés cette année.",
                        "liens": []})  # fmt: skip
        else:
            out.append(
                {
                    "texte": f"{plural(len(terr), 'territoire engagé', 'territoires engagés')} "
                    "cette année"
                    + (
                        " (première année : tous sont nouveaux) :"
                        if first
                        else f", dont {plural(len(new_t), 'nouveau', 'nouveaux')}"
                        + (" :" if new_t else ".")
                    ),
                    "liens": [
                        {
                            "texte": G.nodes[k]["nom"],
                            "lien": self.link("territoires", G.nodes[k]["id"]),
                        }
                        for k in (terr if first else new_t)
                    ],
                }
            )
            out.append(
                {
                    "texte": plural(len(struct), "structure impliquée", "structures impliquées")
                    + (
                        " (première année : toutes sont nouvelles)."
                        if first
                        else f", dont {plural(len(new_s), 'nouvelle')}" + (" :" if new_s else ".")
                    ),
                    "liens": [] if first else [{"texte": G.nodes[k]["nom"], "lien": None}
                                               for k in new_s],
                }
            )  # fmt: skip
        m = self.measure
        out.append(
            {
                "texte": plural(m["acteurs_urbains"], "acteur urbain associé",
                                "acteurs urbains associés")
                + " à des territoires ruraux depuis le début de la démarche ; cette année, "
                + plural(m["actions_ville_campagne"], "action a réuni", "actions ont réuni",
                         zero="aucune action n'a réuni")
                + " territoires ruraux et acteurs urbains.",
                "liens": [],
            }
        )  # fmt: skip
        return out

    def _extensif(self) -> list[dict[str, Any]]:
        before = {
            a.type
            for a in self.ws.actions.values()
            if a.statut == "realisee" and a.annee and a.annee < self.annee
        }
        now = list(dict.fromkeys(y.action.type for y in self.done))
        new = [t for t in now if t not in before]
        planned = [
            a.type
            for a in self.of_year
            if a.statut == "prevue" and a.type not in before and a.type not in now
        ]
        if not now:
            out = [{"texte": "Aucune action réalisée cette année.", "liens": []}]
        else:
            out = [
                {
                    "texte": f"{plural(len(now), 'type', 'types')} d'action réalisé"
                    f"{'s' if len(now) > 1 else ''} cette année :",
                    "liens": [{"texte": type_label(self.ws, t), "lien": None} for t in now],
                }
            ]
        if before and now:
            out.append(
                {
                    "texte": f"Nouveaux par rapport aux années précédentes : "
                    f"{plural(len(new), 'type')}" + (" :" if new else "."),
                    "liens": [{"texte": type_label(self.ws, t), "lien": None} for t in new],
                }
            )
        elif now:
            out.append(
                {"texte": "Première année d'actions : tous ces types sont nouveaux.", "liens": []}
            )
        if planned:
            out.append(
                {
                    "texte": "Nouveaux types en préparation (actions prévues) :",
                    "liens": [
                        {"texte": type_label(self.ws, t), "lien": None}
                        for t in dict.fromkeys(planned)
                    ],
                }
            )
        return out

    def _apprenant(self) -> list[dict[str, Any]]:
        n = len(self.done)
        if not n:
            return [
                {
                    "texte": "Aucune action réalisée : pas de retour d'expérience attendu.",
                    "liens": [],
                }
            ]
        with_debrief = [y for y in self.done if y.action.debrief_path is not None]
        per_heading = {h: 0 for h in DEBRIEF_HEADINGS}
        total = 0
        for y in with_debrief:
            debrief = self.ws.debrief(y.action.id)
            if debrief is None:
                continue
            for title, text in debrief.sections.items():
                k = count_bullets(text)
                total += k
                for h in DEBRIEF_HEADINGS:
                    if title.casefold() == h.casefold():
                        per_heading[h] += k
        out = [
            {
                "texte": f"Retour d'expérience rédigé pour {fmt.nombre(len(with_debrief))} "
                f"{'action réalisée' if n <= 1 else 'actions réalisées'} sur {fmt.nombre(n)} "
                f"({fmt.part(len(with_debrief) / n)}).",
                "liens": [],
            },
            {
                "texte": f"{plural(total, 'enseignement consigné', 'enseignements consignés')} "
                "(points de liste des retours d'expérience) : "
                + " ; ".join(f"{h.lower()} : {fmt.nombre(k)}" for h, k in per_heading.items())
                + ".",
                "liens": [],
            },
        ]
        missing = [y for y in self.done if y.action.debrief_path is None]
        if missing:
            out.append(
                {
                    "texte": "Retour d'expérience encore à rédiger :",
                    "liens": [
                        {"texte": y.action.titre, "lien": self._page(y.action)} for y in missing
                    ],
                }
            )
        return out

    def _transfert(self) -> list[dict[str, Any]]:
        types = list(
            dict.fromkeys(
                a.type
                for a in self.ws.actions.values()
                if a.statut == "realisee"
                and a.annee
                and a.annee <= self.annee
                and not self.ws.problems_of(a.id)
            )
        )
        if not types:
            return [
                {"texte": "Aucune fiche méthode : aucune action réalisée jusqu'ici.", "liens": []}
            ]
        return [
            {
                "texte": plural(
                    len(types), "fiche méthode disponible", "fiches méthode disponibles"
                )
                + f" (types d'action ayant au moins une édition réalisée jusqu'en {self.annee}) :",
                "liens": [
                    {"texte": type_label(self.ws, t), "lien": self.link("fiches", t)} for t in types
                ],
            },
            {
                "texte": "Pour chacun de ces types, l'équipe du projet peut préparer un dossier "
                "de transfert destiné à une autre région : la fiche méthode autonome, les modèles "
                "de tableaux Excel, les carnets et un guide de démarrage.",
                "liens": [],
            },
        ]
