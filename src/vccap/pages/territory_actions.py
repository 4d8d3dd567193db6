"""A territory's actions: those it took part in or that were held there, with its role in each,
and those planned or cancelled. A mixin of
:class:`vccap.pages.territory_profile.TerritoryProfile` (it reads the page's ``joined``,
``roles``, ``others``, ``wished`` and ``through_structures``, set by ``prepare``).

An action that only a structure based in the territory took part in is the structure's, not
the territory's: the page points to the structures' table instead of listing it."""

from __future__ import annotations

from typing import Any

from vccap import fmt
from vccap.model import Action
from vccap.pages.blocks import link
from vccap.pages.display import Html, Section, esc, label, plural
from vccap.pages.review_data import type_label


class ActionsSection:
    """The territory page's « actions » section."""

    def _role_text(self, action: Action) -> str:
        """How the territory is concerned by a realised action, in French."""
        role = self.roles[action.id]
        parts = []
        if role.participe:
            parts.append(
                "engagé dans l'action"
                if self.territoire.id in action.territoires
                else "présent parmi les participants, les contacts ou les événements"
            )
        if role.accueille:
            parts.append("lieu de l'action")
        if role.structures:
            names = [self.ws.structures[s].nom for s in role.structures]
            parts.append(
                ("sa structure " if len(names) == 1 else "ses structures ") + ", ".join(names)
            )
        return fmt.initiale(" ; ".join(parts))

    def _structures_note(self) -> str:
        """A sentence pointing to the structures' own actions, when they have some."""
        if not self.through_structures:
            return ""
        return (
            " Des structures implantées sur le territoire ont pris part à des actions : "
            "elles sont comptées avec chaque structure (voir « Les structures implantées sur "
            "le territoire »)."
        )

    def actions(self) -> Section:
        """The realised actions that concern the territory, and those planned or cancelled."""
        if not self.joined and not self.others:
            return Section(
                [
                    self.note(
                        "Aucune action enregistrée : ce territoire n'a encore pris part à aucune "
                        "action de la démarche et aucune ne s'y est tenue."
                        + self._structures_note()
                    )
                ]
            )
        items: list[Any] = []
        if self.joined:
            rows = [
                [
                    link(a.titre, self._page(a)),
                    fmt.periode(a.date_debut, a.date_fin),
                    a.lieu or "—",
                    self._role_text(a),
                ]
                for a in self.joined
            ]
            years = sorted({a.annee for a in self.joined if a.annee})
            counts = [
                (sum(r.participe for r in self.roles.values()),
                 "à laquelle le territoire a pris part",
                 "auxquelles le territoire a pris part"),
                (sum(r.accueille for r in self.roles.values()), "qui s'y est tenue",
                 "qui s'y sont tenues"),
                (sum(bool(r.structures) for r in self.roles.values()),
                 "à laquelle ses structures ont aussi pris part",
                 "auxquelles ses structures ont aussi pris part"),
            ]  # fmt: skip
            detail = ", ".join(
                f"{fmt.nombre(n)} {one if n == 1 else many}" for n, one, many in counts if n
            )
            text = (
                f"{plural(len(self.joined), 'action réalisée', 'actions réalisées')} de la "
                f"démarche ({', '.join(str(y) for y in years)}) concernent "
                f"{self.territoire.nom_avec()} : {detail}."
            )
            if len(self.joined) == 1:
                text = text.replace(" concernent ", " concerne ", 1)
            items.append(Html(f"<p>{esc(text)}</p>"))
            items.append(
                self.table(
                    "Actions réalisées qui concernent le territoire",
                    [
                        ("Action", False),
                        ("Dates", False),
                        ("Lieu", False),
                        ("Rôle du territoire", False),
                    ],
                    rows,
                )
            )
        else:
            items.append(
                self.note(
                    "Le territoire n'a pris part à aucune action réalisée à ce jour et aucune "
                    "ne s'y est tenue." + self._structures_note()
                )
            )
        if self.others:
            items.append(
                self.table(
                    "Actions prévues ou annulées qui associent le territoire",
                    [("Action", False), ("Type", False), ("Dates", False), ("Statut", False)],
                    [
                        [
                            link(a.titre),
                            type_label(self.ws, a.type),
                            fmt.periode(a.date_debut, a.date_fin),
                            label("statut", a.statut),
                        ]
                        for a in self.others
                    ],
                )
            )
        if self.wished:
            items.append(
                self.note(
                    "Des porteurs de projet ont aussi désigné ce territoire comme lieu "
                    "d'installation souhaité lors de : "
                    + ", ".join(a.titre for a in self.wished)
                    + "."
                )
            )
        return Section(items)
