"""The journeys of the project holders first met in the year (funnel, delays, channels).
A mixin of :class:`vccap.pages.annual_review.AnnualReview`."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from vccap import fmt, journeys
from vccap.disclosure.ledger import MISSING, Figure
from vccap.pages.blocks import MASKED, shown
from vccap.pages.display import Html, Section, esc, label, plural, unpublished


class JourneySections:
    """The review's « parcours » section."""

    def parcours(self) -> Section:
        """Journeys of the project holders first met this year (protected)."""
        row = self.funnel_published
        if row is None or pd.isna(row[journeys.STEPS[0]]):  # nobody, or too few: same words
            return Section(
                [
                    self.note(
                        f"Pas de parcours publié pour {self.annee} : aucun porteur de projet n'a "
                        f"été rencontré pour la première fois cette année, ou leur nombre n'est "
                        f"pas publié ({unpublished(self.seuil)})."
                    )
                ]
            )
        items: list[Any] = []
        n = int(row[journeys.STEPS[0]])
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
        items.append(self._delays())
        items.append(self.heading("Par où ils sont arrivés"))
        items.append(self.breakdown(self.channels))
        return Section(items)

    @cached_property
    def delay_rows(self) -> list[list[str]]:
        """The delays table as published (its counts decided once, in the page's ledger)."""
        people = set(self.cohort["personne"].astype(str))
        ev = self.events[self.events["personne"].astype(str).isin(people)]
        delays = journeys.step_delays(ev, threshold=self.seuil)
        base = Figure.count("porteurs", annee_premier_contact=str(self.annee))
        rows = []
        for r in delays.to_dict("records"):
            step = label("etape", r["etape"])
            dated = base.where(f"jours_{r['etape']}", MISSING, negate=True)
            n = r["personnes"]
            if pd.isna(n):
                self.publisher.ledger.hide(dated)
                rows.append([step, MASKED, MASKED, MASKED])
                continue
            n = self.publisher.count(dated, int(n))
            if n is None:
                rows.append([step, MASKED, MASKED, MASKED])
            elif n == 0:
                rows.append([step, "0", "—", "—"])
            else:
                rows.append(
                    [
                        step,
                        fmt.nombre(n),
                        plural(r["mediane_jours"], "jour"),
                        f"{fmt.nombre(r['q1_jours'])} à " + plural(r["q3_jours"], "jour")
                        if pd.notna(r["q1_jours"])
                        else "trop peu de personnes",
                    ]
                )
        return rows

    def _delays(self) -> Section:
        rows = self.delay_rows
        return self.table(
            "Délai depuis le premier contact",
            [
                ("Étape", False),
                ("Personnes dont la date est connue", True),
                ("Délai médian", True),
                ("Une personne sur deux entre", True),
            ],
            rows,
            note=f"Les délais ne sont publiés que pour les étapes atteintes par au moins "
            f"{self.seuil} personnes, sans minimum ni maximum (le délai d'une seule personne) : "
            "la médiane et l'intervalle où se trouve la moitié des personnes (premier et "
            "troisième quartiles, à partir de 5 personnes).",
        )
