"""The blocks every page is made of, written once: notes, headings, tables, protected
breakdowns (a bar chart, its text alternative and its data table) and journey funnels.

:class:`Blocks` is a mixin of :class:`vccap.pages.base.Page`: its methods read the page's
confidentiality threshold (``self.seuil``) and fragments (``self.fragments``) and return
:class:`~vccap.pages.display.Section` objects carrying the tables and figures they show.

Privacy: a breakdown is protected by :func:`protect` (:func:`vccap.privacy.protect_counts`)
before it reaches a block; a masked funnel cell is written "masqué" (never "< 3": saying
which cells are small would undo the secondary masking).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vccap import charts, fmt, journeys, privacy
from vccap.pages.display import (
    GROUPED,
    Bundle,
    Fragments,
    Html,
    Section,
    esc,
    label,
    unpublished,
)

MASKED = "masqué"


@dataclass
class Breakdown:
    """A protected breakdown: what is shown and what was grouped.

    ``table``: columns ``libelle`` and ``effectif`` (biggest first, small categories grouped
    under :data:`GROUPED`); ``masked``: number of categories grouped; ``total``: people
    counted before protection; ``population``: who they are, in French ("participants").
    """

    titre: str
    table: pd.DataFrame
    masked: int
    total: int
    population: str


def protect(
    counts: pd.Series, seuil: int, titre: str, population: str, *, other: str = GROUPED
) -> Breakdown:
    """A protected breakdown of ready-made counts (index: labels), biggest first."""
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    protected = privacy.protect_counts(counts, seuil, other_label=other)
    shown_table = protected.table.rename(columns={"categorie": "libelle"})
    return Breakdown(titre, shown_table, protected.masked, int(counts.sum()), population)


def count_labels(series: pd.Series, vocabulary: str | None = None, mapper=None) -> pd.Series:
    """Counts of a column's values by French label, unknown answers left out."""
    mapped = series.map(mapper or (lambda v: label(vocabulary or "", v)))
    mapped = mapped.where(series.notna(), "Non renseigné")
    return mapped.value_counts(sort=True).drop(labels=["Non renseigné"], errors="ignore")


def shown(value: Any) -> str:
    """A protected count as text: masked (``<NA>``/None) -> 'masqué'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MASKED
    return fmt.nombre(int(value))


def share(value: Any, total: Any) -> str:
    """``value / total`` as a French percentage ('masqué' or '—' when it cannot be shown)."""
    if value is None or pd.isna(value) or pd.isna(total) or not int(total):
        return MASKED if value is None or pd.isna(value) else "—"
    return fmt.part(int(value) / int(total))


def link(texte: str, lien: str | None = None, detail: str | None = None) -> dict[str, Any]:
    """A table cell with an optional link and a small second line."""
    return {"texte": texte, "lien": lien, "detail": detail}


def _columns(columns: Sequence[tuple[str, bool]]) -> list[dict[str, Any]]:
    return [{"titre": t, "num": n} for t, n in columns]


def _rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [[c if isinstance(c, dict) else ("" if c is None else str(c)) for c in r] for r in rows]


def _frame(columns: Sequence[tuple[str, bool]], rows: list[list[Any]]) -> pd.DataFrame:
    """A table's cells as a DataFrame (links as their text), for notebook users."""
    plain = [[c["texte"] if isinstance(c, dict) else c for c in r] for r in rows]
    return pd.DataFrame(plain, columns=[t for t, _ in columns])


class Blocks:
    """Shared blocks of the pages (a mixin: needs ``seuil`` and ``fragments``)."""

    seuil: int
    fragments: Fragments

    def render(self, name: str, **context: Any) -> Html:
        """A fragment (``fragments/<name>``, or the workspace's ``gabarits/<name>``)."""
        return self.fragments.render(name, **context)

    def note(self, text: str) -> Html:
        return Html(f'<p class="vc-note">{esc(text)}</p>')

    def heading(self, text: str, level: int = 3) -> Html:
        return Html(f"<h{level}>{esc(text)}</h{level}>")

    def paragraph(self, text: str) -> Html:
        return Html(f"<p>{esc(text)}</p>")

    def table(
        self,
        caption: str,
        columns: Sequence[tuple[str, bool]],
        rows: Iterable[Sequence[Any]],
        *,
        note: str | None = None,
        pied: Sequence[Any] | None = None,
        classe: str = "",
    ) -> Section:
        """A plain table: ``columns`` as (title, numeric); cells are text or :func:`link`."""
        body = _rows(rows)
        html = self.render(
            "tableau.html.j2",
            caption=caption,
            colonnes=_columns(columns),
            lignes=body,
            note=note,
            pied=_rows([pied])[0] if pied else None,
            classe=classe,
        )
        return Section([html], tables={caption: _frame(columns, body)})

    def data_table(
        self,
        alt: str,
        caption: str,
        columns: Sequence[tuple[str, bool]],
        rows: Iterable[Sequence[Any]],
        *,
        resume: str = "Voir les données du graphique",
        note: str | None = None,
    ) -> Section:
        """A chart's text alternative and its data in a closed ``<details>``."""
        body = _rows(rows)
        html = self.render(
            "donnees.html.j2",
            alt=alt,
            resume=resume,
            caption=caption,
            colonnes=_columns(columns),
            lignes=body,
            note=note,
            pied=None,
            classe="",
        )
        return Section([html], tables={caption: _frame(columns, body)})

    def chart(self, fig: Any, alt: str) -> Section:
        """A plotly figure with its text alternative (read by screen readers)."""
        return Section([Bundle(charts.to_bundle(fig, alt))], figures=[fig])

    def breakdown(self, b: Breakdown, value_title: str = "Personnes") -> Section:
        """A protected breakdown as a bar chart, its text alternative and its data table."""
        if b.table.empty:
            if b.total == 0:
                return Section([self.note(f"{b.titre} : aucune donnée.")])
            return Section(
                [
                    self.note(
                        f"{b.titre} : effectifs trop faibles pour être publiés (seuil de "
                        f"confidentialité : {self.seuil})."
                    )
                ]
            )
        fig = charts.bar_counts(b.table, b.titre, value_title=value_title)
        top = b.table.iloc[0]
        shown_total = int(b.table["effectif"].sum())
        alt = (
            f"Graphique en barres : {b.titre[0].lower() + b.titre[1:]} "
            f"({fmt.nombre(shown_total)} {b.population}). Catégorie la plus représentée : "
            f"« {top['libelle']} » ({fmt.nombre(top['effectif'])} {b.population})."
        )
        if b.masked:
            alt += " " + self._masked_note(b)
        rows = [
            [r["libelle"], fmt.nombre(r["effectif"]), fmt.part(r["effectif"] / shown_total)]
            for r in b.table.to_dict("records")
        ]
        section = Section([self.chart(fig, alt)])
        section.add(
            self.data_table(
                alt,
                b.titre,
                [("Catégorie", False), (value_title, True), ("Part", True)],
                rows,
            )
        )
        section.tables[b.titre] = b.table.copy()
        return section

    def _masked_note(self, b: Breakdown) -> str:
        """What became of the categories not shown one by one: under the threshold, or
        hidden so that no hidden cell can be worked back (never « under the threshold » for
        a category that is not), grouped in « Autres » when that row is shown."""
        s = "s" if b.masked > 1 else ""
        text = (
            f"{b.masked} catégorie{s} non publiée{s} une à une (sous le seuil de {self.seuil}, "
            f"ou masquée{s} pour qu'aucune case cachée ne se déduise des autres chiffres)"
        )
        if (b.table["libelle"] == GROUPED).any():
            text += f", regroupée{s} dans « {GROUPED} »"
        return text + "."

    def breakdown_table(self, b: Breakdown, caption: str) -> Section:
        """A protected breakdown as a table only (categories, counts, shares)."""
        if b.table.empty:
            return Section(
                [
                    self.note(
                        f"{b.titre} : effectifs trop faibles pour être publiés (seuil de "
                        f"confidentialité : {self.seuil})."
                    )
                ]
            )
        total = int(b.table["effectif"].sum())
        rows = [
            [r["libelle"], fmt.nombre(r["effectif"]), fmt.part(r["effectif"] / total)]
            for r in b.table.to_dict("records")
        ]
        note = self._masked_note(b) if b.masked else None
        section = self.table(
            caption, [("Catégorie", False), ("Effectif", True), ("Part", True)], rows, note=note
        )
        section.tables[b.titre] = b.table.copy()
        return section

    def funnel(self, row: dict[str, Any], titre: str, population: str) -> Section:
        """One protected funnel row (:func:`vccap.journeys.funnel`) as chart, alt and table.

        Masked steps are left out of the chart and written "masqué" in the table.
        """
        steps = list(journeys.STEPS)
        visible = [(s, row[s]) for s in steps if not pd.isna(row[s])]
        masked = [s for s in steps if pd.isna(row[s])]
        first = row[steps[0]]
        if pd.isna(first):
            return Section(
                [
                    self.note(
                        f"{titre} : pas de parcours publié (aucune personne, ou un nombre non "
                        f"publié : {unpublished(self.seuil)})."
                    )
                ]
            )
        chart_table = pd.DataFrame(
            {
                "libelle": [label("etape", s) for s, _ in visible],
                "effectif": [int(v) for _, v in visible],
            }
        )
        fig = charts.bar_counts(chart_table, titre, value_title="Personnes")
        fig.update_yaxes(autorange="reversed", categoryorder="array")
        fig.update_traces(
            y=chart_table["libelle"].tolist(),
            x=chart_table["effectif"].tolist(),
            text=chart_table["effectif"].tolist(),
        )
        parts = [f"{label('etape', s).lower()} : {fmt.nombre(int(v))}" for s, v in visible[1:]]
        alt = (
            f"Graphique en barres : {titre[0].lower() + titre[1:]}. "
            f"{fmt.nombre(int(first))} {population}"
        )
        if visible[1:] and all(int(v) == 0 for _, v in visible[1:]) and not masked:
            alt += " ; d'après les données de suivi, aucun n'a encore dépassé le premier contact."
        elif parts:
            alt += " ; parmi eux, ont atteint au moins l'étape " + " ; ".join(parts) + "."
        else:
            alt += "."
        if masked:
            alt += (
                " Étape"
                + ("s" if len(masked) > 1 else "")
                + " masquée"
                + ("s" if len(masked) > 1 else "")
                + " (effectifs faibles) : "
                + ", ".join(label("etape", s).lower() for s in masked)
                + "."
            )
        abandon = row.get(journeys.ABANDON)
        if abandon is not None and not pd.isna(abandon):
            alt += f" Abandons déclarés : {fmt.nombre(int(abandon))}."
        rows = []
        for s in steps:
            value = row[s]
            cell = (
                fmt.part(int(value) / int(first)) if not pd.isna(value) and int(first) else MASKED
            )
            rows.append([label("etape", s), shown(value), cell])
        rows.append(["Abandon déclaré", shown(abandon), share(abandon, first)])
        section = Section([self.chart(fig, alt)])
        section.add(
            self.data_table(
                alt,
                titre,
                [("Étape atteinte (au moins)", False), ("Personnes", True), ("Part", True)],
                rows,
                note="Chaque étape compte les personnes qui l'ont atteinte ou dépassée.",
            )
        )
        return section
