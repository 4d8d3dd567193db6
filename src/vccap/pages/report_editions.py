"""The comparison of an action report with the earlier editions of its type: the last
:data:`COMPARED_EDITIONS` of them, their key indicators as each edition's own report publishes
them, and where the older ones are (the type's method sheet).
A mixin of :class:`vccap.pages.action_report.ActionReport`."""

from __future__ import annotations

import pandas as pd

from vccap import charts, fmt
from vccap.indicators import IndicatorValue, action_indicators
from vccap.model import Action
from vccap.pages.display import Html, Section, esc
from vccap.pages.figures import publish_indicators
from vccap.workspace import Workspace


def realised_valid(ws: Workspace) -> list[Action]:
    """Realised actions whose data can be read (those that get a report)."""
    return [a for a in ws.actions.values() if a.statut == "realisee" and ws.valid(a.id)]


#: How many editions an action report compares: this one and the latest before it. The
#: type's method sheet brings every edition together; a report stays readable, and its cost
#: and the pages it depends on stay bounded, in a workspace of hundreds of editions.
COMPARED_EDITIONS = 6


def earlier_editions(
    ws: Workspace, action: Action, limit: int | None = COMPARED_EDITIONS
) -> list[Action]:
    """Realised, valid actions of the same type up to this one (included), oldest first:
    the last ``limit`` of them, this one always among them (None: all of them)."""
    found = [
        a
        for a in realised_valid(ws)
        if a.type == action.type and (a.date_debut or a.id) <= (action.date_debut or action.id)
    ]
    if limit is None or len(found) <= limit:
        return found
    others = [a.id for a in found if a.id != action.id]
    kept = {action.id, *others[len(others) - (limit - 1) :]}
    return [a for a in found if a.id in kept]


def invalid_editions(ws: Workspace, action: Action, since: Action | None = None) -> list[Action]:
    """Realised actions of the same type up to this one whose data must be corrected (left
    out of the comparison: the page says so), oldest first; from the edition ``since`` on
    when given (the oldest one compared)."""
    start = (since.date_debut or since.id) if since is not None else None
    return sorted(
        (
            a
            for a in ws.actions.values()
            if a.statut == "realisee"
            and a.type == action.type
            and a.id != action.id
            and (a.date_debut or a.id) <= (action.date_debut or action.id)
            and (start is None or (a.date_debut or a.id) >= start)
            and not ws.valid(a.id)
        ),
        key=lambda a: (a.date_debut or a.id, a.id),
    )


def type_label(ws: Workspace, type_id: str) -> str:
    spec = ws.types.get(type_id)
    return spec.libelle if spec else type_id


class EditionSections:
    """The report's comparison with the earlier editions of its type."""

    def _editions(self) -> list[tuple[Action, dict[str, IndicatorValue]]]:
        same = earlier_editions(self.ws, self.action)
        if len(same) < 2:
            return [(other, self.values) for other in same if other.id == self.action.id]
        return [
            (
                other,
                self.values
                if other.id == self.action.id
                else publish_indicators(
                    self.publisher,
                    self.ws,
                    other,
                    self.ws.tables(other.id),
                    action_indicators(self.ws, other.id)[0],
                ),
            )
            for other in same
        ]

    def comparaison(self) -> Section:
        """The key indicators of every edition of the type up to this one."""
        same = [other for other, _ in self.editions]
        older = len(earlier_editions(self.ws, self.action, None)) - len(same)
        left_out = invalid_editions(self.ws, self.action, same[0] if older else None)
        missing = (
            "Édition{s} laissée{s} de côté car ses données sont à corriger par l'équipe du "
            "projet : {names}.".format(
                s="s" if len(left_out) > 1 else "",
                names=", ".join(f"« {a.titre} » ({fmt.date(a.date_debut)})" for a in left_out),
            )
            if left_out
            else None
        )
        if len(same) < 2:
            if missing:
                return Section([self.note(f"Pas d'autre édition à comparer. {missing}")])
            return Section(
                [
                    self.note(
                        "C'est la première édition de ce type d'action dans l'espace de "
                        "travail : pas encore de comparaison possible."
                    )
                ]
            )
        spec = self.ws.types.get(self.action.type)
        key_ids = list(spec.indicateurs_cles) if spec else []
        rows = []
        for other, values in self.editions:
            rows.append(
                {
                    "id": other.id,
                    "titre": other.titre,
                    "date": fmt.date(other.date_debut),
                    "annee": other.annee,
                    "courante": other.id == self.action.id,
                    "cellules": [
                        fmt.valeur(values[k].valeur, values[k].unite) if k in values else "—"
                        for k in key_ids
                    ],
                    "brut": [values[k].valeur if k in values else None for k in key_ids],
                }
            )
        headers = [self.ws.indicateurs[k].libelle for k in key_ids]
        frame = pd.DataFrame(
            [[r["titre"], r["date"], *r["brut"]] for r in rows],
            columns=["Édition", "Date", *headers],
        )
        section = Section(
            [self.render("comparaison.html.j2", headers=headers, rows=rows, plus_anciennes=older)],
            tables={"Comparaison des éditions": frame},
        )
        if older:
            section.add(self.older_editions(older))
        if key_ids:
            first = self.ws.indicateurs[key_ids[0]]
            data = pd.DataFrame(
                {"edition": [r["date"] for r in rows], "valeur": [r["brut"][0] for r in rows]}
            ).dropna()
            if len(data) >= 2:
                fig = charts.editions(
                    data,
                    f"{first.libelle} selon les éditions",
                    x_col="edition",
                    y_col="valeur",
                    y_title=fmt.UNITS.get(first.unite, ("", "valeur"))[1].capitalize(),
                )
                alt = (
                    f"Graphique en barres : {first.libelle.lower()} pour chaque édition ; "
                    + " ; ".join(
                        f"{e} : {fmt.nombre(v)}"
                        for e, v in zip(data["edition"], data["valeur"], strict=True)
                    )
                    + "."
                )
                section.add(self.chart(fig, alt))
                section.add(Html(f'<p class="vc-alt">{esc(alt)}</p>'))
        if missing:
            section.add(self.note(missing))
        return section

    def older_editions(self, count: int) -> Html:
        """Where the ``count`` editions older than those compared are: the type's method
        sheet (linked when the site has it)."""
        label = type_label(self.ws, self.action.type)
        sheet = self.link("fiches", self.action.type)
        name = f'<a href="{esc(sheet)}">{esc(label)}</a>' if sheet else f"« {esc(label)} »"
        # no count of the older editions: the page depends on the editions it shows only
        return Html(
            f'<p class="vc-note">Seules cette édition et les {len(self.editions) - 1} '
            f"précédentes sont comparées ici. Les éditions plus anciennes figurent dans la "
            f"fiche méthode {name}.</p>"
        )
