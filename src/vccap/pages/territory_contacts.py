"""The contacts a territory received on the shared stands: by action, by profile, by
origin (as the action reports publish them). A mixin of
:class:`vccap.pages.territory_profile.TerritoryProfile`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vccap import fmt
from vccap.disclosure.masks import read_masks
from vccap.disclosure.policy import Publisher
from vccap.pages.blocks import link, shown
from vccap.pages.display import Html, Section, esc, plural, unpublished
from vccap.pages.figures import territory_breakdown
from vccap.workspace import Workspace

#: "lors de l'action « … »" for one action, "lors des actions « … », « … »" for several.
WHICH = {False: "de l'action", True: "des actions"}


class ContactSections:
    """The territory page's « contacts » and « origines » sections."""

    def contacts(self) -> Section:
        """Contacts received on the shared stands: by action and by profile (protected)."""
        kept, grouped = self.contact_sets
        if not kept and not grouped:
            return Section(
                [
                    self.note(
                        "Aucun contact publié : le territoire n'a tenu aucun stand commun où des "
                        "contacts ont été recueillis."
                    )
                ]
            )
        items: list[Any] = []
        if kept and self.contacts_total is not None:
            total = self.contacts_total
            by_action = pd.Series({a.titre: len(mine) for a, mine in kept})
            items.append(
                Html(
                    "<p>"
                    + esc(
                        f"{plural(total, 'contact reçu', 'contacts reçus')} sur "
                        f"{plural(len(kept), 'action', 'actions')}."
                    )
                    + "</p>"
                )
            )
            rows = [
                [
                    link(a.titre, self._page(a)),
                    fmt.periode(a.date_debut, a.date_fin),
                    fmt.nombre(len(mine)),
                ]
                for a, mine in kept
            ]
            items.append(
                self.table(
                    "Contacts reçus à chaque action",
                    [("Action", False), ("Dates", False), ("Contacts", True)],
                    rows,
                    pied=["Total", "", fmt.nombre(int(by_action.sum()))],
                )
            )
            items.append(self.breakdown(self.profile_breakdown, value_title="Contacts"))
        if grouped:
            items.append(
                self.note(
                    f"Les contacts reçus lors {WHICH[len(grouped) > 1]} "
                    f"{', '.join(f'« {a.titre} »' for a in grouped)} ne sont "
                    f"pas publiés pour ce territoire : aucun, ou un nombre non publié "
                    f"({unpublished(self.seuil)}). Ils sont comptés avec ceux d'autres "
                    "territoires dans le bilan de l'action."
                )
            )
        return Section(items)

    def origines(self) -> Section:
        """Where the contacts came from: département of their postcode (protected)."""
        df = self.contacts_frame
        if df.empty:
            return Section([self.note("Pas de contact publié : pas d'origine à présenter.")])
        if "departement" not in df.columns or df["departement"].isna().all():
            return Section([self.note("Les codes postaux des contacts n'ont pas été recueillis.")])
        b = self.origin_breakdown
        items: list[Any] = [self.breakdown(b, value_title="Contacts")]
        missing = int(df["departement"].isna().sum())
        if missing >= self.seuil:
            shown_missing = self.missing_origin
            items.append(
                self.note(
                    f"Code postal non renseigné : {shown(shown_missing)} contacts, non comptés "
                    "ci-dessus."
                )
            )
        elif missing:
            items.append(
                self.note(
                    "Les quelques contacts sans code postal sont comptés dans « Autres "
                    "(regroupés) »."
                )
            )
        return Section(items)


def published_contacts(ws: Workspace, action_id: str) -> dict[str, int]:
    """Contacts per territory id exactly as the action's report publishes them on their own
    (territories grouped in "Autres (regroupés)" are absent from the result)."""
    scratch = Publisher("", ws.seuil, read_masks(ws.root))
    b = territory_breakdown(ws, action_id, ws.tables(action_id), scratch)
    if b is None:
        return {}
    by_name = dict(zip(b.table["libelle"], b.table["effectif"], strict=True))
    return {t.id: int(by_name[t.nom]) for t in ws.territoires.values() if t.nom in by_name}
