"""Resources and results of a method sheet: costs, staff days, partners, targets against
actuals across editions. A mixin of :class:`vccap.pages.method_sheet.MethodSheet`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vccap import charts, fmt
from vccap.pages.display import CATEGORIES, Html, Section, esc, label
from vccap.pages.sheet_text import (
    Edition,
    value_range,
)


class ResultSections:
    """The sheet's « Moyens » and « Résultats » sections."""

    def ressources(self) -> Section:
        """Budget lines, total cost, cost per contact or participant, staff days, partners."""
        if not self.editions:
            return Section([self._none("pas de budget ni de moyens à présenter")])
        items: list[Any] = [self.heading("Coût et temps passé")]
        rows = []
        raw: dict[str, list[float]] = {"cout": [], "unitaire": [], "jours": []}
        unit_label = None
        for e in self.editions:
            total = e.value("cout_total")
            per, per_label = self._unit_cost(e)
            unit_label = unit_label or per_label
            days = e.action.temps_agents_jours
            rows.append(
                [
                    e.label,
                    fmt.euros(total) if total is not None else "non renseigné",
                    f"{fmt.euros(per)} {per_label}" if per is not None else "—",
                    fmt.nombre(days) if days is not None else "non renseigné",
                    fmt.nombre(len(e.action.territoires)),
                ]
            )
            for key, v in (("cout", total), ("unitaire", per), ("jours", days)):
                if v is not None:
                    raw[key].append(v)
        foot = None
        if len(self.editions) >= 2:
            foot = [
                "Fourchette",
                value_range(raw["cout"], fmt.euros),
                value_range(raw["unitaire"], fmt.euros),
                value_range(raw["jours"], fmt.nombre),
                value_range([len(e.action.territoires) for e in self.editions], fmt.nombre),
            ]
        items.append(
            self.table(
                "Coût total, coût unitaire et jours d'agents par édition",
                [
                    ("Édition", False),
                    ("Coût total", True),
                    ("Coût unitaire", True),
                    ("Jours d'agents", True),
                    ("Territoires engagés", True),
                ],
                rows,
                pied=foot,
                note="Coût total : budget inscrit dans la fiche de l'action et tableau des coûts. "
                "Jours d'agents : temps passé par les agents, déclaré dans la fiche de l'action.",
            )
        )
        lines = []
        funders: dict[str, float] = {}
        for e in self.editions:
            for poste, montant, financeur in self._budget_lines(e):
                lines.append([e.label, poste, financeur or "non précisé", fmt.euros(montant)])
                key = financeur or "Non précisé"
                funders[key] = funders.get(key, 0.0) + montant
        items.append(self.heading("Postes de dépense"))
        if lines:
            items.append(
                self.table(
                    "Postes de dépense de chaque édition",
                    [("Édition", False), ("Poste", False), ("Financeur", False), ("Montant", True)],
                    lines,
                )
            )
            total = sum(funders.values())
            ordered = sorted(funders.items(), key=lambda kv: (-kv[1], kv[0]))
            items.append(
                self.table(
                    "Qui finance (toutes éditions confondues)",
                    [("Financeur", False), ("Montant", True), ("Part", True)],
                    [[f, fmt.euros(m), fmt.part(m / total) if total else "—"] for f, m in ordered],
                )
            )
        else:
            items.append(self.note("Aucun poste de dépense n'a été renseigné pour ces éditions."))
        items.append(self.heading("Partenaires et leur rôle"))
        partners = self._partners()
        if partners:
            rows = []
            for sid in partners:
                s = self.ws.structures.get(sid)
                present = [e.label for e in self.editions if sid in e.action.partenaires]
                rows.append(
                    [
                        self._structure(sid),
                        CATEGORIES.get(s.categorie, s.categorie) if s else "—",
                        label("milieu", s.milieu) if s else "—",
                        ", ".join(present),
                    ]
                )
            items.append(
                self.table(
                    "Structures partenaires et leur rôle",
                    [("Structure", False), ("Rôle", False), ("Milieu", False), ("Éditions", False)],
                    rows,
                )
            )
        else:
            items.append(self.note("Aucune structure partenaire n'a été renseignée."))
        return Section(items)

    def _unit_cost(self, e: Edition) -> tuple[float | None, str]:
        for ind, text in (
            ("cout_par_contact", "par contact"),
            ("cout_par_participant", "par participant"),
        ):
            if e.value(ind) is not None:
                return e.value(ind), text
        total = e.value("cout_total")
        audience = e.audience
        if total is None or audience is None:
            return None, ""
        kind, _ = audience
        people = e.rows.get(kind)  # a cost per person shows the number of people
        if not people:
            return None, ""
        return total / people, "par contact" if kind == "contacts" else "par participant"

    @staticmethod
    def _budget_lines(e: Edition) -> list[tuple[str, float, str]]:
        lines = [(b.poste or "poste non précisé", b.montant, b.financeur) for b in e.action.budget]
        couts = e.tables.get("couts")
        if couts is not None:
            for r in couts.to_dict("records"):
                montant = r.get("montant")
                if montant is None or pd.isna(montant):
                    continue
                poste = r.get("poste")
                financeur = r.get("financeur")
                lines.append(
                    (
                        str(poste) if poste is not None and not pd.isna(poste) else "non précisé",
                        float(montant),
                        str(financeur) if financeur is not None and not pd.isna(financeur) else "",
                    )
                )
        return lines

    def resultats(self) -> Section:
        """Targets against actuals at each edition, ranges and evolution across editions."""
        if not self.editions:
            return Section([self._none("pas encore de résultat")])
        headers = [e.label for e in self.editions]
        several = len(self.editions) >= 2
        rows = []
        for ind in self._indicator_ids():
            cells = []
            measured = []
            for e in self.editions:
                v = e.value(ind)
                obj = next((o for o in e.objectives if o.indicateur == ind), None)
                unit = self._unit(ind)
                cells.append(
                    {
                        "valeur": fmt.valeur(v, unit),
                        "cible": fmt.valeur(obj.cible, unit)
                        if obj is not None and obj.cible is not None
                        else None,
                        "statut": obj.statut if obj is not None and obj.cible is not None else None,
                        "statut_libelle": obj.statut_libelle if obj is not None else "",
                    }
                )
                if v is not None:
                    measured.append(v)
            if not measured and all(c["cible"] is None for c in cells):
                continue
            unit = self._unit(ind)
            rows.append(
                {
                    "libelle": self._ind_label(ind),
                    "cles": ind in self.spec.indicateurs_cles,
                    "cellules": cells,
                    "fourchette": value_range(measured, lambda x, u=unit: fmt.valeur(x, u))
                    if several
                    else None,
                }
            )
        items: list[Any] = [
            self.render("fiche_resultats.html.j2", headers=headers, rows=rows, plusieurs=several)
        ]
        reached = []
        for e in self.editions:
            with_target = [o for o in e.objectives if o.cible is not None and o.indicateur]
            done = sum(o.statut == "atteint" for o in with_target)
            if with_target:
                reached.append(f"{e.label} : {done} sur {len(with_target)}")
        if reached:
            items.append(self.note("Objectifs chiffrés atteints — " + " ; ".join(reached) + "."))
        if not several:
            items.append(
                self.note(
                    "Une seule édition à ce jour : les fourchettes et l'évolution d'une édition "
                    "à l'autre apparaîtront avec la suivante."
                )
            )
            return Section(items)
        for ind in self.spec.indicateurs_cles[:3]:
            chart = self._evolution_chart(ind)
            if chart is not None:
                items.append(chart)
        return Section(items)

    def _evolution_chart(self, ind: str) -> Section | None:
        """Bars of one key indicator across editions, with its text alternative."""
        unit = self._unit(ind)
        points = [(e.label, e.value(ind)) for e in self.editions if e.value(ind) is not None]
        if len(points) < 2:
            return None
        scale = 100 if unit == "part" else 1
        values = [v * scale for _, v in points]
        values = [int(v) if float(v).is_integer() else round(v, 1) for v in values]
        data = pd.DataFrame({"edition": [p[0] for p in points], "valeur": values})
        name = self._ind_label(ind)
        y_title = "%" if unit == "part" else fmt.UNITS.get(unit, ("", "Valeur"))[1].capitalize()
        if unit.startswith("euros"):
            y_title = "Euros"
        fig = charts.editions(
            data, f"{name} selon les éditions", x_col="edition", y_col="valeur", y_title=y_title
        )
        fig.update_layout(height=260)
        fig.update_yaxes(automargin=True)
        alt = (
            f"Graphique en barres : {name.lower()} à chaque édition ; "
            + " ; ".join(f"{label_} : {fmt.valeur(v, unit)}" for label_, v in points)
            + "."
        )
        return Section([self.chart(fig, alt), Html(f'<p class="vc-alt">{esc(alt)}</p>')])
