"""The journeys of the project holders first met in the year (funnel, delays, channels).
A mixin of :class:`vccap.pages.annual_review.AnnualReview`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vccap import fmt, journeys, privacy
from vccap.pages.blocks import MASKED, shown
from vccap.pages.display import Html, Section, esc, label, plural


class JourneySections:
    """The review's « parcours » section."""

    def parcours(self) -> Section:
        """Journeys of the project holders first met this year (protected)."""
        cohort = self.cohort
        if cohort.empty:
            return Section(
                [
                    self.note(
                        f"Aucun porteur de projet n'a été rencontré pour la première fois en "
                        f"{self.annee} d'après les listes de participants et de contacts."
                    )
                ]
            )
        items: list[Any] = []
        n = privacy.safe_count(len(cohort), self.seuil)
        last = self.events["date"].max()
        intro = (
            f"{shown(n).capitalize()} porteurs de projet ont eu leur premier contact avec la "
            f"démarche en {self.annee} (stand, session ou atelier). Leur parcours est suivi "
            "grâce aux tableaux de suivi des territoires, sous pseudonyme"
            + (f", jusqu'au {fmt.date(last.date())}" if not pd.isna(last) else "")
            + "."
        )
        items.append(Html(f"<p>{esc(intro)}</p>"))
        items.append(
            self.funnel(
                self.cohort_funnel,
                f"Jusqu'où sont allés les porteurs rencontrés en {self.annee}",
                "porteurs de projet rencontrés",
            )
        )
        items.append(self.heading("Le temps entre les étapes"))
        items.append(self._delays(cohort))
        items.append(self.heading("Par où ils sont arrivés"))
        items.append(self.breakdown(self.channels))
        return Section(items)

    def _delays(self, cohort: pd.DataFrame) -> Html:
        people = set(cohort["personne"].astype(str))
        ev = self.events[self.events["personne"].astype(str).isin(people)]
        delays = journeys.step_delays(ev, threshold=self.seuil)
        rows = []
        for r in delays.to_dict("records"):
            step = label("etape", r["etape"])
            n = r["personnes"]
            if pd.isna(n):
                rows.append([step, MASKED, MASKED, MASKED])
            elif int(n) == 0:
                rows.append([step, "0", "—", "—"])
            else:
                rows.append(
                    [
                        step,
                        fmt.nombre(int(n)),
                        plural(r["mediane_jours"], "jour"),
                        f"{fmt.nombre(int(r['min_jours']))} à "
                        + plural(int(r["max_jours"]), "jour"),
                    ]
                )
        return self.table(
            "Délai depuis le premier contact",
            [
                ("Étape", False),
                ("Personnes dont la date est connue", True),
                ("Délai médian", True),
                ("Du plus court au plus long", True),
            ],
            rows,
            note=f"Les délais ne sont publiés que pour les étapes atteintes par au moins "
            f"{self.seuil} personnes.",
        )
