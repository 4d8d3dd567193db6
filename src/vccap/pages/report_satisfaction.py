"""The satisfaction of an action report: each question of the forms, level by level, or in
two halves when a level is too small (never « Satisfait » among « Autres »).
A mixin of :class:`vccap.pages.action_report.ActionReport`."""

from __future__ import annotations

import pandas as pd

from vccap import charts, fmt
from vccap.disclosure.ledger import Figure
from vccap.disclosure.policy import SATISFIED, UNSATISFIED
from vccap.pages.display import Section, label, labels

NOT_SATISFIED = "Neutres, peu ou pas satisfaits"
SCALE_QUESTIONS = {
    "satisfaction_globale": "Satisfaction globale",
    "utilite": "Utilité",
    "qualite_intervenants": "Qualité des intervenants",
}
SCALE_ORDER = ["tres_satisfait", "satisfait", "neutre", "peu_satisfait", "pas_satisfait"]
SCALE_COLORS = [
    "#1b6b5f",
    "#7fbfb3",
    "#bdbdbd",
    "#e6a65c",
    "#c0392b",
    "#1b6b5f",
    "#c0392b",
    "#a93226",
    "#c0392b",
    "#a93226",
]
#: The scale's two halves, shown instead of the levels when a level is too small (a neutral
#: answer, on a five-level scale, counts among the not satisfied, as in the rate).
SCALE_CLASSES = [(SATISFIED, SCALE_ORDER[:2]), (UNSATISFIED, SCALE_ORDER[3:])]
NEUTRAL_CLASSES = [(SATISFIED, SCALE_ORDER[:2]), (NOT_SATISFIED, SCALE_ORDER[2:])]


class SatisfactionSections:
    """The report's satisfaction chart and the table behind it."""

    def _satisfaction_table(self) -> tuple[pd.DataFrame, int]:
        """Answers per question and level (coarsened when a level is small), and how many
        levels were not shown one by one."""
        sat = self.tables.get("satisfaction")
        frames, masked = [], 0
        if sat is None or sat.empty:
            return pd.DataFrame(columns=["question", "libelle", "effectif"]), 0
        base = Figure.count("satisfaction", action=self.key)
        for column, question in SCALE_QUESTIONS.items():
            if column not in sat.columns or sat[column].isna().all():
                continue
            values = sat[column].astype("string")
            counts = {str(k): int(v) for k, v in values.dropna().value_counts().items()}
            protected = self.publisher.scale(
                base,
                column,
                counts,
                labels()["echelle"],
                NEUTRAL_CLASSES if counts.get("neutre") else SCALE_CLASSES,
                missing=int(values.isna().sum()),
            )
            masked += protected.masked
            t = protected.table.copy()
            t.insert(0, "question", question)
            frames.append(t)
        if not frames:
            return pd.DataFrame(columns=["question", "libelle", "effectif"]), 0
        return pd.concat(frames, ignore_index=True), masked

    def graphique_satisfaction(self) -> Section:
        sat = self.tables.get("satisfaction")
        if sat is None or sat.empty:
            return Section(
                [
                    self.note(
                        "Aucun questionnaire de satisfaction n'a été recueilli pour cette action."
                    )
                ]
            )
        table = self.satisfaction_table
        if not any(c in sat.columns and sat[c].notna().any() for c in SCALE_QUESTIONS):
            return Section(
                [
                    self.note(
                        "Les questionnaires ne contiennent aucune réponse sur l'échelle de "
                        "satisfaction."
                    )
                ]
            )
        if table.empty:
            return Section(
                [
                    self.note(
                        f"Trop peu de réponses pour publier la satisfaction (seuil : {self.seuil})."
                    )
                ]
            )
        order = [label("echelle", v) for v in SCALE_ORDER] + [
            SATISFIED,
            UNSATISFIED,
            f"{UNSATISFIED}, ou sans réponse",
            NOT_SATISFIED,
            f"{NOT_SATISFIED}, ou sans réponse",
        ]
        fig = charts.stacked_scale(
            table, "Satisfaction des participants", order=order, colors=SCALE_COLORS
        )
        rate = self.values.get("taux_satisfaction")
        answers = self.rows.get("satisfaction")
        alt = "Barres empilées : réponses au questionnaire" + (
            f" ({fmt.nombre(answers)} réponses). " if answers is not None else ". "
        )
        if rate is not None and rate.valeur is not None:
            alt += f"{fmt.part(rate.valeur)} des répondants sont satisfaits ou très satisfaits."
        rows = [
            [f"{r['question']} — {r['libelle']}", fmt.nombre(r["effectif"])]
            for r in table.to_dict("records")
        ]
        section = Section([self.chart(fig, alt)])
        section.add(
            self.data_table(
                alt,
                "Satisfaction des participants",
                [("Catégorie", False), ("Effectif", True)],
                rows,
            )
        )
        section.tables["Satisfaction des participants"] = table.copy()
        return section
