"""What the annual-review notebook calls: the review of one year of the whole démarche.

A yearly review (bilan annuel) gathers every action of the year -- realised, planned,
cancelled -- and what they add up to: totals of each type's key indicators, territories and
structures engaged, the urban-rural cooperation network up to that year
(:mod:`vccap.network`), the journeys of the project holders first met that year
(:mod:`vccap.journeys`) and evidence for each of the démarche's four principles (réseau,
extensif, apprenant, transfert). Each public method of :class:`AnnualReview` returns a
displayable (:class:`~vccap.report.Html`, :class:`~vccap.report.Items`,
:class:`~vccap.report.Bundle`) as :mod:`vccap.report` does for learning reports.

Privacy: counts of people go through :func:`vccap.privacy.protect_counts` (breakdowns),
:func:`vccap.privacy.safe_count` (single counts) or the journeys module's own protection
(:func:`vccap.journeys.funnel`, :func:`~vccap.journeys.step_delays`,
:func:`~vccap.journeys.entry_channels`) with the workspace's threshold. A masked funnel cell
is shown as "masqué" (never "< 3": saying which cells are small would undo the secondary
masking). Only organisations are named.

Scope: actions and network count what happened up to the year (included). Journeys use
every realised action of the workspace, so that a person first met in 2016 and followed in
a 2017 table shows their latest known step in the 2016 review ("situation connue à ce
jour").

The helpers at the top (:func:`table`, :func:`breakdown_items`, :func:`funnel_items`...)
are shared with :mod:`vccap.territory`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from vccap import charts, fmt, journeys, network, privacy
from vccap.build import SUMMARY_MIME
from vccap.errors import InvalidWorkspace
from vccap.indicators import IndicatorValue, action_indicators
from vccap.report import (
    FICTITIOUS_NOTICE,
    GROUPED,
    Breakdown,
    Bundle,
    Html,
    Items,
    _esc,
    label,
    render,
    resolve_workspace,
)
from vccap.sheet import CATEGORIES
from vccap.workspace import DEBRIEF_HEADINGS, Action, Workspace, load_workspace

#: Units whose values can be added from one action to the next.
ADDITIVE_UNITS = frozenset(
    {"personnes", "structures", "territoires", "evenements", "reponses", "projets", "euros"}
)
MASKED = "masqué"
MILIEU_COLORS = {"rural": "#009e73", "periurbain": "#e69f00", "urbain": "#0072b2"}
#: Legend entries of the network drawing: (kind, milieu) -> (legend, marker symbol).
NODE_GROUPS = {
    (network.TERRITOIRE, "rural"): ("Territoire rural", "circle"),
    (network.TERRITOIRE, "periurbain"): ("Territoire périurbain", "circle"),
    (network.TERRITOIRE, "urbain"): ("Territoire urbain", "circle"),
    (network.STRUCTURE, "rural"): ("Structure rurale", "square"),
    (network.STRUCTURE, "urbain"): ("Structure urbaine", "square"),
}
PRINCIPLES = {
    "reseau": "Réseau : s'étendre à de nouveaux territoires et partenaires",
    "extensif": "Extensif : accueillir de nouveaux types d'action",
    "apprenant": "Apprenant : tirer les leçons de chaque action",
    "transfert": "Transfert : transmettre à d'autres régions",
}
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")


# --------------------------------------------------------------------------- shared helpers


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    """'1 action', '3 actions' (French: 0 and 1 are singular)."""
    return f"{fmt.nombre(n)} {singular if n <= 1 else (plural_form or singular + 's')}"


def note(text: str) -> Html:
    return Html(f'<p class="vc-note">{_esc(text)}</p>')


def heading(text: str, level: int = 3) -> Html:
    return Html(f"<h{level}>{_esc(text)}</h{level}>")


def link(texte: str, lien: str | None = None, detail: str | None = None) -> dict[str, Any]:
    """A table cell with an optional link and a small second line."""
    return {"texte": texte, "lien": lien, "detail": detail}


def _columns(columns: Sequence[tuple[str, bool]]) -> list[dict[str, Any]]:
    return [{"titre": t, "num": n} for t, n in columns]


def _rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [[c if isinstance(c, dict) else ("" if c is None else str(c)) for c in r] for r in rows]


def table(
    caption: str,
    columns: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[Any]],
    *,
    note: str | None = None,
    pied: Sequence[Any] | None = None,
    classe: str = "",
) -> Html:
    """A plain table: ``columns`` as (title, numeric); cells are text or :func:`link`."""
    return render(
        "revue_tableau.html.j2",
        caption=caption,
        colonnes=_columns(columns),
        lignes=_rows(rows),
        note=note,
        pied=_rows([pied])[0] if pied else None,
        classe=classe,
    )


def data_table(
    alt: str,
    caption: str,
    columns: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[Any]],
    *,
    resume: str = "Voir les données du graphique",
    note: str | None = None,
) -> Html:
    """A chart's text alternative and its data in a closed ``<details>``."""
    return render(
        "revue_donnees.html.j2",
        alt=alt,
        resume=resume,
        caption=caption,
        colonnes=_columns(columns),
        lignes=_rows(rows),
        note=note,
        pied=None,
        classe="",
    )


def protect(counts: pd.Series, seuil: int, titre: str, population: str) -> Breakdown:
    """A protected breakdown of ready-made counts (index: labels), biggest first."""
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    protected = privacy.protect_counts(counts, seuil, other_label=GROUPED)
    shown = protected.table.rename(columns={"categorie": "libelle"})
    return Breakdown(titre, shown, protected.masked, int(counts.sum()), population)


def breakdown_items(b: Breakdown, seuil: int, value_title: str = "Personnes") -> Items:
    """A protected breakdown as a bar chart, its text alternative and its data table."""
    if b.table.empty:
        if b.total == 0:
            return Items([note(f"{b.titre} : aucune donnée.")])
        return Items(
            [
                note(
                    f"{b.titre} : effectifs trop faibles pour être publiés (seuil de "
                    f"confidentialité : {seuil})."
                )
            ]
        )
    fig = charts.bar_counts(b.table, b.titre, value_title=value_title)
    top = b.table.iloc[0]
    shown_total = int(b.table["effectif"].sum())
    alt = (
        f"Graphique en barres : {b.titre[0].lower() + b.titre[1:]} "
        f"({fmt.nombre(shown_total)} {b.population}). Catégorie la plus représentée : "
        f"{top['libelle']} ({fmt.nombre(top['effectif'])})."
    )
    if b.masked:
        alt += (
            f" {plural(b.masked, 'catégorie')} sous le seuil de {seuil} "
            f"regroupée{'s' if b.masked > 1 else ''} dans « {GROUPED} »."
        )
    rows = [
        [r["libelle"], fmt.nombre(r["effectif"]), fmt.part(r["effectif"] / shown_total)]
        for r in b.table.to_dict("records")
    ]
    return Items(
        [
            Bundle(charts.to_bundle(fig, alt)),
            data_table(
                alt,
                b.titre,
                [("Catégorie", False), (value_title, True), ("Part", True)],
                rows,
            ),
        ]
    )


def shown(value: Any) -> str:
    """A protected count as text: masked (``<NA>``/None) -> 'masqué'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MASKED
    return fmt.nombre(int(value))


def funnel_items(row: dict[str, Any], titre: str, population: str, seuil: int) -> Items:
    """One protected funnel row (:func:`vccap.journeys.funnel`) as chart, alt and table.

    Masked steps are left out of the chart and written "masqué" in the table.
    """
    steps = list(journeys.STEPS)
    visible = [(s, row[s]) for s in steps if not pd.isna(row[s])]
    masked = [s for s in steps if pd.isna(row[s])]
    first = row[steps[0]]
    if pd.isna(first):
        return Items(
            [note(f"{titre} : moins de {seuil} personnes, trop peu pour publier leur parcours.")]
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
        share = fmt.part(int(value) / int(first)) if not pd.isna(value) and int(first) else MASKED
        rows.append([label("etape", s), shown(value), share])
    rows.append(["Abandon déclaré", shown(abandon), _share(abandon, first)])
    return Items(
        [
            Bundle(charts.to_bundle(fig, alt)),
            data_table(
                alt,
                titre,
                [("Étape atteinte (au moins)", False), ("Personnes", True), ("Part", True)],
                rows,
                note="Chaque étape compte les personnes qui l'ont atteinte ou dépassée.",
            ),
        ]
    )


def _share(value: Any, total: Any) -> str:
    if value is None or pd.isna(value) or pd.isna(total) or not int(total):
        return MASKED if value is None or pd.isna(value) else "—"
    return fmt.part(int(value) / int(total))


def territory_name(ws: Workspace, tid: str) -> str:
    t = ws.territoires.get(tid)
    return t.nom if t else tid


def structure_name(ws: Workspace, sid: str) -> str:
    s = ws.structures.get(sid)
    return s.nom if s else sid


def type_label(ws: Workspace, type_id: str) -> str:
    spec = ws.types.get(type_id)
    return spec.libelle if spec else type_id


def node_group(G: nx.Graph, node: str) -> str:
    data = G.nodes[node]
    return NODE_GROUPS.get((data.get("kind"), data.get("milieu")), ("Autre", "circle"))[0]


def milieu_label(kind: str, milieu: str) -> str:
    """'rural', 'périurbain', 'urbaine' agreeing with territoire / structure."""
    text = label("milieu", milieu).lower()
    if kind == network.STRUCTURE and text in ("rural", "périurbain"):
        return text + "e"
    if kind == network.STRUCTURE and text == "urbain":
        return "urbaine"
    return text


_SHORT_RE = re.compile(
    r"^(?:CC (?:du |de la |de l'|des |de )?|Site de proximité (?:du |de la |de l'|des )?|"
    r"Pays (?:du |de la |de l'|des )?|Ville (?:d'|de )|Communauté de communes (?:du |de la |de )?)",
    re.IGNORECASE,
)


def short_name(nom: str) -> str:
    """A territory's name without its institutional prefix, for labels on a drawing
    ('CC du Trièves' -> 'Trièves', 'Site de proximité du Roannais' -> 'Roannais')."""
    short = _SHORT_RE.sub("", nom).strip()
    return short[:1].upper() + short[1:] if short else nom


def count_bullets(text: str) -> int:
    """Number of markdown list items in a text ('- ', '* ', '1. ')."""
    return sum(1 for line in (text or "").splitlines() if _BULLET_RE.match(line))


# --------------------------------------------------------------------------- pure functions


@dataclass
class YearAction:
    """A realised action of the year whose data could be read."""

    action: Action
    tables: dict[str, pd.DataFrame]
    values: dict[str, IndicatorValue]


@dataclass
class TypeTotal:
    """The sum of one type's key indicators over the year's realised actions."""

    type_id: str
    libelle: str
    actions: list[str]
    totals: dict[str, float | None]  # key indicator -> sum (None: not measured / not additive)
    measured: dict[str, int]  # key indicator -> number of actions where it was measured
    additive: dict[str, bool]


def year_actions(ws: Workspace, annee: int) -> tuple[list[YearAction], list[Action]]:
    """The year's realised actions with readable data, and those whose data is invalid."""
    valid, excluded = [], []
    for action in ws.actions.values():
        if action.annee != annee or action.statut != "realisee":
            continue
        try:
            tables = ws.tables(action.id) if action.files else {}
            values, _ = action_indicators(ws, action.id)
        except InvalidWorkspace:
            excluded.append(action)
            continue
        if ws.problems_of(action.id):
            excluded.append(action)
            continue
        valid.append(YearAction(action, tables, values))
    return valid, excluded


def type_totals(ws: Workspace, annee: int) -> list[TypeTotal]:
    """Sum of each type's key indicators over the year's realised actions (valid data).

    Only additive units are summed (people, structures, territories, events, projects,
    euros); a share or a cost per person is left as None. Territories are counted once per
    action (a territory present at two actions counts twice).
    """
    done, _ = year_actions(ws, annee)
    return _totals(ws, done)


def _totals(ws: Workspace, done: list[YearAction]) -> list[TypeTotal]:
    out = []
    for type_id in dict.fromkeys(y.action.type for y in done):
        spec = ws.types.get(type_id)
        same = [y for y in done if y.action.type == type_id]
        keys = list(spec.indicateurs_cles) if spec else []
        totals: dict[str, float | None] = {}
        measured: dict[str, int] = {}
        additive: dict[str, bool] = {}
        for key in keys:
            ind = ws.indicateurs.get(key)
            unit = ind.unite if ind else ""
            values = [
                y.values[key].valeur
                for y in same
                if key in y.values and y.values[key].valeur is not None
            ]
            measured[key] = len(values)
            additive[key] = unit in ADDITIVE_UNITS
            totals[key] = float(sum(values)) if values and additive[key] else None
        out.append(
            TypeTotal(
                type_id,
                type_label(ws, type_id),
                [y.action.id for y in same],
                totals,
                measured,
                additive,
            )
        )
    return out


def people_reached(done: list[YearAction]) -> tuple[int, int]:
    """Rows of participants and contacts tables (people reached at each action), and the
    number of distinct pseudonyms among them."""
    rows = 0
    people: set[str] = set()
    for y in done:
        for kind in ("participants", "contacts"):
            df = y.tables.get(kind)
            if df is None:
                continue
            rows += len(df)
            if "personne" in df.columns:
                people.update(df["personne"].dropna().astype(str))
    return rows, len(people)


# --------------------------------------------------------------------------- the review


@dataclass
class AnnualReview:
    ws: Workspace
    annee: int
    done: list[YearAction] = field(default_factory=list)
    excluded: list[Action] = field(default_factory=list)
    masking: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, workspace: str | Path, annee: int | str) -> AnnualReview:
        """The review of ``annee`` (an int, or its text as the build passes it)."""
        ws = load_workspace(resolve_workspace(workspace))
        review = cls(ws, int(annee))
        review.done, review.excluded = year_actions(ws, review.annee)
        return review

    # -- data ------------------------------------------------------------------------

    @property
    def seuil(self) -> int:
        return self.ws.seuil

    @property
    def of_year(self) -> list[Action]:
        """Every action of the year (any status), in the workspace's date order."""
        return [a for a in self.ws.actions.values() if a.annee == self.annee]

    @property
    def fictive(self) -> bool:
        return any(a.fictive for a in self.ws.actions.values() if a.annee and a.annee <= self.annee)

    def _page(self, action: Action) -> str | None:
        """Link to the action's report when the build makes one."""
        if action.statut != "realisee" or self.ws.problems_of(action.id):
            return None
        if action.id not in {y.action.id for y in self.done}:
            return None
        return f"../actions/{action.id}.html"

    @cached_property
    def graph(self) -> nx.Graph:
        return network.build_network(self.ws, up_to_year=self.annee)

    @cached_property
    def previous(self) -> nx.Graph:
        return network.build_network(self.ws, up_to_year=self.annee - 1)

    @cached_property
    def net(self) -> dict[str, Any]:
        return network.network_summary(self.graph, self.previous)

    @cached_property
    def yearly(self) -> pd.DataFrame:
        df = network.yearly_summaries(self.ws)
        return df[df["annee"] <= self.annee].reset_index(drop=True)

    @cached_property
    def participants_of_year(self) -> list[str]:
        """Node keys of every participant of the year's realised actions."""
        keys: dict[str, None] = {}
        for a in self.ws.actions.values():
            if a.annee == self.annee and a.statut == "realisee":
                members, _ = network.action_participants(self.ws, a)
                keys.update(dict.fromkeys(members))
        return list(keys)

    def _engaged(self, kind: str) -> list[str]:
        return [k for k in self.participants_of_year if k.startswith(kind + ":")]

    def _new(self, keys: Iterable[str]) -> list[str]:
        return [k for k in keys if self.graph.nodes[k].get("first_year") == self.annee]

    @cached_property
    def events(self) -> pd.DataFrame:
        return journeys.events(self.ws)

    @cached_property
    def all_journeys(self) -> pd.DataFrame:
        return journeys.journeys(self.events)

    @cached_property
    def cohort(self) -> pd.DataFrame:
        """Journeys of the people whose first contact was this year."""
        j = self.all_journeys
        if j.empty:
            return j
        return j[j["annee_premier_contact"] == self.annee].reset_index(drop=True)

    @cached_property
    def cohort_funnel(self) -> dict[str, Any]:
        f = journeys.funnel(self.cohort, threshold=self.seuil)
        return f.iloc[0].to_dict()

    @cached_property
    def totals(self) -> list[TypeTotal]:
        return _totals(self.ws, self.done)

    def _urban_rural_new(self) -> int:
        G = self.graph
        return sum(
            1
            for u, v, d in G.edges(data=True)
            if d.get("first_year") == self.annee and network.is_urban_rural(G, u, v)
        )

    def apercu(self) -> list[dict[str, str]]:
        """The overview figures of the year (label, formatted value) for the site index."""
        rows, _ = people_reached(self.done)
        installs = self.cohort_funnel["installation"] if len(self.cohort) else 0
        return [
            {"libelle": "Actions réalisées", "valeur": fmt.nombre(len(self.done))},
            {
                "libelle": "Personnes touchées",
                "valeur": shown(privacy.safe_count(rows, self.seuil)),
            },
            {
                "libelle": "Liens ville-campagne (cumul)",
                "valeur": fmt.nombre(self.net["liens_ville_campagne"]),
            },
            {
                "libelle": "Installations",
                "valeur": "—" if installs is None or pd.isna(installs) else fmt.nombre(installs),
            },
        ]

    # -- sections ----------------------------------------------------------------------

    def entete(self) -> Html:
        """Title, démarche, count of actions by status, period, data, key figures."""
        by_status = {
            s: sum(a.statut == s for a in self.of_year) for s in ("realisee", "prevue", "annulee")
        }
        parts = [
            plural(by_status["realisee"], "réalisée"),
            plural(by_status["prevue"], "prévue"),
            plural(by_status["annulee"], "annulée"),
        ]
        starts = [a.date_debut for a in self.of_year if a.date_debut]
        ends = [a.date_fin or a.date_debut for a in self.of_year if a.date_debut]
        if not starts:
            periode = "aucune action datée"
        elif min(starts) == max(ends):
            periode = f"le {fmt.date(min(starts))}"
        else:
            periode = f"du {fmt.date(min(starts))} au {fmt.date(max(ends))}"
        first_year = min([self.annee, *self.ws.demarche.annees])
        span = f"de {first_year} à {self.annee}" if first_year < self.annee else f"en {self.annee}"
        donnees = (
            f"tableaux de {plural(len(self.done), 'action réalisée', 'actions réalisées')}"
            if self.done
            else "aucune action réalisée"
        ) + f" ; réseau de coopération {span} ; suivi des porteurs de projet connu à ce jour"
        if self.excluded:
            donnees += (
                f" ; {plural(len(self.excluded), 'action écartée', 'actions écartées')} "
                "(données invalides)"
            )
        apercu = self.apercu()
        events = sum(
            int(y.tables["evenements"]["participants"].sum())
            for y in self.done
            if "evenements" in y.tables and len(y.tables["evenements"])
        )
        cards = [
            apercu[0],
            {
                "libelle": "Personnes touchées (participants et contacts)",
                "valeur": apercu[1]["valeur"],
            },
        ]
        if events:
            cards.append({"libelle": "Public des événements locaux", "valeur": fmt.nombre(events)})
        cards += [
            {
                "libelle": "Territoires engagés",
                "valeur": fmt.nombre(len(self._engaged(network.TERRITOIRE))),
            },
            {
                "libelle": "Structures impliquées",
                "valeur": fmt.nombre(len(self._engaged(network.STRUCTURE))),
            },
            {"libelle": "Liens ville-campagne (cumul)", "valeur": apercu[2]["valeur"]},
            {
                "libelle": "Installations (porteurs rencontrés dans l'année)",
                "valeur": apercu[3]["valeur"],
            },
        ]
        return render(
            "revue_entete.html.j2",
            annee=self.annee,
            demarche=self.ws.demarche.nom,
            chef_de_file=self.ws.demarche.chef_de_file,
            region=self.ws.demarche.region,
            actions=", ".join(parts),
            periode=periode,
            donnees=donnees,
            fictive=self.fictive,
            notice=FICTITIOUS_NOTICE,
            source=self.ws.demarche.source,
            cartes=cards,
        )

    def actions_vs_prevu(self) -> Items:
        """The year's actions by type and status, with a link to each realised one's report."""
        actions = self.of_year
        if not actions:
            return Items([note(f"Aucune action n'est enregistrée pour {self.annee}.")])
        counts = []
        for type_id in dict.fromkeys(a.type for a in actions):
            same = [a for a in actions if a.type == type_id]
            counts.append(
                [type_label(self.ws, type_id)]
                + [
                    fmt.nombre(sum(a.statut == s for a in same))
                    for s in ("realisee", "prevue", "annulee")
                ]
            )
        foot = ["Total"] + [
            fmt.nombre(sum(a.statut == s for a in actions))
            for s in ("realisee", "prevue", "annulee")
        ]
        rows = []
        for a in actions:
            page = self._page(a)
            status = label("statut", a.statut)
            if a.statut == "realisee" and page is None:
                status += " (données invalides : pas de bilan)"
            rows.append(
                [
                    link(a.titre, page),
                    type_label(self.ws, a.type),
                    fmt.periode(a.date_debut, a.date_fin),
                    a.lieu or "—",
                    status,
                ]
            )
        realised = sum(a.statut == "realisee" for a in actions)
        recorded = plural(len(actions), "action enregistrée", "actions enregistrées")
        if realised:
            done = plural(realised, "action a été réalisée", "actions ont été réalisées")
            text = f"En {self.annee}, {done} sur {recorded}."
        else:
            text = f"En {self.annee}, aucune action n'a encore été réalisée ({recorded})."
        return Items(
            [
                Html(f"<p>{_esc(text)}</p>"),
                table(
                    f"Actions de {self.annee} par type et par statut",
                    [
                        ("Type d'action", False),
                        ("Réalisées", True),
                        ("Prévues", True),
                        ("Annulées", True),
                    ],
                    counts,
                    pied=foot,
                ),
                table(
                    f"Liste des actions de {self.annee}",
                    [
                        ("Action", False),
                        ("Type", False),
                        ("Dates", False),
                        ("Lieu", False),
                        ("Statut", False),
                    ],
                    rows,
                    note="Chaque action réalisée renvoie à son bilan détaillé.",
                ),
            ]
        )

    def totaux_par_type(self) -> Items:
        """Each type's key indicators added up over the year's realised actions."""
        if not self.totals:
            return Items([note(f"Aucune action réalisée en {self.annee} : pas de total.")])
        groups = []
        for t in self.totals:
            lines = []
            for key, total in t.totals.items():
                ind = self.ws.indicateurs.get(key)
                unit = ind.unite if ind else ""
                if not t.additive[key]:
                    value = "non additionnable"
                elif total is None:
                    value = "non mesuré"
                else:
                    value = fmt.valeur(total, unit)
                    if t.measured[key] < len(t.actions):
                        value += f" (mesuré pour {t.measured[key]} sur {len(t.actions)})"
                lines.append({"libelle": ind.libelle if ind else key, "valeur": value})
            if not lines:
                lines.append({"libelle": "Aucun indicateur clé au catalogue", "valeur": "—"})
            groups.append(
                {"titre": t.libelle, "actions": plural(len(t.actions), "action"), "lignes": lines}
            )
        return Items(
            [
                render(
                    "revue_totaux.html.j2",
                    caption=f"Indicateurs clés additionnés sur les actions réalisées en "
                    f"{self.annee}, par type d'action",
                    groupes=groups,
                    note="Chaque total est la somme des valeurs publiées dans les bilans des "
                    "actions de l'année. Les territoires sont comptés une fois par action : un "
                    "territoire présent à deux actions compte deux fois.",
                )
            ]
        )

    def territoires(self) -> Items:
        """Territories engaged this year; which are new; which took part the year before only."""
        engaged = self._engaged(network.TERRITOIRE)
        if not engaged:
            return Items(
                [note(f"Aucun territoire n'a participé à une action réalisée en {self.annee}.")]
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
                    link(d["nom"], f"../territoires/{d['id']}.html"),
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
        items: list[Any] = [Html(f"<p>{_esc(text)}</p>")]
        items.append(
            table(
                f"Territoires engagés en {self.annee}",
                [
                    ("Territoire", False),
                    ("Milieu", False),
                    ("Département", False),
                    ("Actions de l'année", True),
                    ("Dans la démarche", False),
                ],
                rows,
                note="Un territoire est engagé dans une action quand il figure dans son "
                "action.yml ou dans ses tableaux de participants, de contacts ou d'événements.",
            )
        )
        if new:
            names = ", ".join(G.nodes[k]["nom"] for k in ordered if k in new)
            items.append(Html(f"<p><strong>Nouveaux territoires</strong> : {_esc(names)}.</p>"))
        if left:
            names = ", ".join(sorted(G.nodes[k]["nom"] for k in left))
            items.append(
                note(
                    f"Territoires engagés en {self.annee - 1} qui n'ont participé à aucune action "
                    f"réalisée en {self.annee} : {names}."
                )
            )
        return Items(items)

    def _years_of(self, key: str) -> set[int]:
        ids = self.previous.nodes[key].get("actions", []) if key in self.previous else []
        return {self.ws.actions[i].annee for i in ids if i in self.ws.actions}

    def structures(self) -> Items:
        """Structures involved this year, by milieu and by category (small counts grouped)."""
        engaged = self._engaged(network.STRUCTURE)
        if not engaged:
            return Items(
                [note(f"Aucune structure n'a participé à une action réalisée en {self.annee}.")]
            )
        G = self.graph
        new = self._new(engaged)
        milieux = pd.Series([label("milieu", G.nodes[k]["milieu"]) for k in engaged]).value_counts()
        categories = pd.Series(
            [
                CATEGORIES.get(G.nodes[k]["categorie"], G.nodes[k]["categorie"] or "Non précisée")
                for k in engaged
            ]
        ).value_counts()
        items: list[Any] = [
            Html(
                "<p>"
                + _esc(
                    f"{plural(len(engaged), 'structure a pris part', 'structures ont pris part')} "
                    f"aux actions de {self.annee} (partenaires déclarés dans action.yml et "
                    "structures des participants et des contacts)"
                    + (f", dont {plural(len(new), 'nouvelle')} dans la démarche." if new else ".")
                )
                + "</p>"
            )
        ]
        for counts, titre in (
            (milieux, "Structures selon leur milieu"),
            (categories, "Structures selon leur catégorie"),
        ):
            b = protect(counts, self.seuil, titre, "structures")
            if b.masked:
                self.masking.append(f"{titre} ({plural(b.masked, 'catégorie')})")
            if b.table.empty:
                items.append(note(f"{titre} : effectifs trop faibles pour être publiés."))
                continue
            total = int(b.table["effectif"].sum())
            items.append(
                table(
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
        return Items(items)

    def reseau(self) -> Items:
        """The cooperation network up to the year: drawing, text and table alternatives,
        urban-rural ties, new ties, connectedness year over year."""
        G = self.graph
        s = self.net
        if G.number_of_nodes() == 0:
            return Items(
                [note(f"Aucune action réalisée jusqu'en {self.annee} : pas encore de réseau.")]
            )
        new_ur = self._urban_rural_new()
        text = (
            f"À la fin de {self.annee}, le réseau de coopération relie "
            f"{plural(s['noeuds'], 'acteur')} ({plural(s['territoires'], 'territoire')} et "
            f"{plural(s['structures'], 'structure')}) par {plural(s['liens'], 'lien')}, dont "
            f"{plural(s['liens_ville_campagne'], 'lien ville-campagne', 'liens ville-campagne')}. "
            f"Deux acteurs sont liés quand ils ont pris part à une même action réalisée. "
            f"Cette année : {plural(s['nouveaux_liens'], 'nouveau lien', 'nouveaux liens')} "
            f"(dont {fmt.nombre(new_ur)} ville-campagne) et "
            f"{plural(s['nouveaux_noeuds'], 'nouvel acteur', 'nouveaux acteurs')}."
        )
        items: list[Any] = [Html(f"<p>{_esc(text)}</p>")]
        items += self._network_drawing(G)
        items.append(heading("La cohésion du réseau d'une année à l'autre"))
        items.append(self._connectedness())
        return Items(items)

    def _network_drawing(self, G: nx.Graph) -> list[Any]:
        positions = network.layout(G)
        ur_edges = {frozenset((u, v)) for u, v in G.edges() if network.is_urban_rural(G, u, v)}
        ur_degree = {n: 0 for n in G.nodes}
        for edge in ur_edges:
            for n in edge:
                ur_degree[n] += 1
        hover = {}
        for n, d in G.nodes(data=True):
            kind = "territoire" if d["kind"] == network.TERRITOIRE else "structure"
            hover[n] = (
                f"{d['nom']}<br>{kind} {milieu_label(d['kind'], d['milieu'])}, depuis "
                f"{d['first_year']}<br>{plural(G.degree(n), 'lien')}, dont "
                f"{fmt.nombre(ur_degree[n])} ville-campagne"
            )
        groups = {n: node_group(G, n) for n in G.nodes}
        styles = {
            legend: {"color": MILIEU_COLORS.get(milieu, charts.HOUSE), "symbol": symbol}
            for (kind, milieu), (legend, symbol) in NODE_GROUPS.items()
        }
        fig = charts.network_figure(
            G,
            positions,
            title=f"Réseau de coopération à la fin de {self.annee}",
            node_groups=groups,
            group_styles=styles,
            hover=hover,
            highlighted=ur_edges,
            highlight_label="Lien ville-campagne",
            other_label="Autre lien",
            labels={
                n: short_name(d["nom"])
                for n, d in G.nodes(data=True)
                if d["kind"] == network.TERRITOIRE
            },
        )
        top = sorted(G.nodes, key=lambda n: (-G.degree(n), G.nodes[n]["nom"]))[:3]
        counts = pd.Series(groups).value_counts()
        alt = (
            f"Graphe du réseau à la fin de {self.annee} : {plural(G.number_of_nodes(), 'acteur')} "
            "(ronds : territoires ; carrés : structures ; vert : rural, orange : périurbain, "
            "bleu : urbain) et "
            f"{plural(G.number_of_edges(), 'lien')}, dont "
            f"{fmt.nombre(len(ur_edges))} entre la ville et la campagne (en orange foncé). "
            + "Composition : "
            + ", ".join(f"{g.lower()} : {fmt.nombre(c)}" for g, c in counts.items())
            + ". Acteurs les plus reliés : "
            + ", ".join(f"{G.nodes[n]['nom']} ({plural(G.degree(n), 'lien')})" for n in top)
            + ". Les deux tableaux qui suivent donnent chaque acteur et chaque lien."
        )
        nodes = network.nodes_table(G)
        nodes = nodes.assign(
            ur=nodes["noeud"].map(ur_degree), nom_tri=nodes["nom"].str.casefold()
        ).sort_values(["degre", "nom_tri"], ascending=[False, True])
        node_rows = [
            [
                link(r["nom"], f"../territoires/{r['id']}.html")
                if r["nature"] == network.TERRITOIRE
                else r["nom"],
                "Territoire" if r["nature"] == network.TERRITOIRE else "Structure",
                label("milieu", r["milieu"]),
                str(r["premiere_annee"]),
                fmt.nombre(r["nb_actions"]),
                fmt.nombre(r["degre"]),
                fmt.nombre(r["ur"]),
            ]
            for r in nodes.to_dict("records")
        ]
        ties = network.ties_table(G)
        ties = ties.sort_values(
            ["ville_campagne", "nb_actions"], ascending=[False, False], kind="stable"
        )
        tie_rows = [
            [
                r["nom_a"],
                r["nom_b"],
                "oui" if r["ville_campagne"] else "non",
                fmt.nombre(r["nb_actions"]),
                "nouveau" if r["premiere_annee"] == self.annee else str(r["premiere_annee"]),
            ]
            for r in ties.to_dict("records")
        ]
        return [
            Bundle(charts.to_bundle(fig, alt)),
            data_table(
                alt,
                f"Acteurs du réseau à la fin de {self.annee}",
                [
                    ("Acteur", False),
                    ("Nature", False),
                    ("Milieu", False),
                    ("Depuis", False),
                    ("Actions", True),
                    ("Liens", True),
                    ("dont ville-campagne", True),
                ],
                node_rows,
                resume=f"Voir les {fmt.nombre(len(node_rows))} acteurs du réseau",
            ),
            data_table(
                "",
                f"Liens du réseau à la fin de {self.annee}",
                [
                    ("Acteur", False),
                    ("Relié à", False),
                    ("Ville-campagne", False),
                    ("Actions communes", True),
                    ("Depuis", False),
                ],
                tie_rows,
                resume=f"Voir les {fmt.nombre(len(tie_rows))} liens (ville-campagne d'abord)",
            ),
        ]

    def _connectedness(self) -> Html:
        rows = [
            [
                str(r["annee"]),
                fmt.nombre(r["noeuds"]),
                fmt.nombre(r["liens"]),
                fmt.nombre(r["liens_ville_campagne"]),
                fmt.nombre(r["nouveaux_liens"]),
                fmt.nombre(r["composantes"]),
                fmt.nombre(r["plus_grande_composante"]),
                fmt.part(r["densite"]),
            ]
            for r in self.yearly.to_dict("records")
        ]
        return table(
            "Évolution du réseau (chiffres cumulés à la fin de chaque année)",
            [
                ("Année", False),
                ("Acteurs", True),
                ("Liens", True),
                ("Ville-campagne", True),
                ("Nouveaux", True),
                ("Groupes", True),
                ("Plus grand groupe", True),
                ("Densité", True),
            ],
            rows,
            note="Ville-campagne : liens entre un acteur urbain et un acteur rural ou "
            "périurbain ; nouveaux : liens noués dans l'année. Groupes : ensembles d'acteurs sans "
            "aucun lien entre eux (1 : tout le réseau se tient) ; plus grand groupe : nombre "
            "d'acteurs du plus grand. Densité : part des paires d'acteurs effectivement liées.",
        )

    def parcours(self) -> Items:
        """Journeys of the project holders first met this year (protected)."""
        cohort = self.cohort
        if cohort.empty:
            return Items(
                [
                    note(
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
        items.append(Html(f"<p>{_esc(intro)}</p>"))
        items.append(
            funnel_items(
                self.cohort_funnel,
                f"Jusqu'où sont allés les porteurs rencontrés en {self.annee}",
                "porteurs de projet rencontrés",
                self.seuil,
            )
        )
        masked = [s for s in journeys.FUNNEL_COLUMNS if pd.isna(self.cohort_funnel[s])]
        if masked:
            self.masking.append(
                f"parcours des porteurs ({plural(len(masked), 'étape')} masquée"
                f"{'s' if len(masked) > 1 else ''})"
            )
        items.append(heading("Le temps entre les étapes"))
        items.append(self._delays(cohort))
        items.append(heading("Par où ils sont arrivés"))
        channels = journeys.entry_channels(cohort, threshold=self.seuil)
        counts = channels.table.set_index("categorie")["effectif"]
        counts.index = [type_label(self.ws, c) if c in self.ws.types else c for c in counts.index]
        b = Breakdown(
            "Type d'action du premier contact",
            counts.rename_axis("libelle").reset_index(name="effectif"),
            channels.masked,
            len(cohort),
            "porteurs de projet",
        )
        if channels.masked:
            self.masking.append(f"canaux d'entrée ({plural(channels.masked, 'catégorie')})")
        items.append(breakdown_items(b, self.seuil))
        return Items(items)

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
        return table(
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

    def principes(self) -> Html:
        """Evidence for each of the four principles of the démarche."""
        p = self.ws.demarche.principes
        return render(
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
                            "lien": f"../territoires/{G.nodes[k]['id']}.html",
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
        total = self.net["liens_ville_campagne"]
        new_ur = self._urban_rural_new()
        out.append(
            {
                "texte": f"{plural(total, 'lien', 'liens')} ville-campagne depuis le début de la "
                "démarche, "
                + (f"dont {fmt.nombre(new_ur)} noués cette année." if new_ur else
                   "aucun nouveau cette année."),
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
                    {"texte": type_label(self.ws, t), "lien": f"../fiches/{t}.html"} for t in types
                ],
            },
            {
                "texte": "Pour chacun de ces types, un dossier de transfert destiné à une autre "
                "région (fiche autonome, modèles de tableaux Excel, carnets, guide de démarrage) "
                "se prépare avec la commande « vccap transfer » suivie du type, par exemple "
                f"« vccap transfer {types[0]} ».",
                "liens": [],
            },
        ]

    def note_methode(self) -> Html:
        """Sources, definitions, threshold and what was masked."""
        points = [
            "Actions prises en compte : "
            + plural(len(self.done), "action réalisée", "actions réalisées")
            + f" en {self.annee} dont les données sont valides"
            + (
                " ; écartées car leurs données contiennent des erreurs (voir « vccap "
                "validate ») : " + ", ".join(a.id for a in self.excluded)
                if self.excluded
                else ""
            )
            + ".",
            "Personnes touchées : lignes des tableaux de participants et de contacts (une "
            "personne venue à deux actions compte deux fois) ; le public des événements locaux "
            "est compté à part.",
            "Réseau : territoires et structures ayant pris part à une même action réalisée "
            "(action.yml, tableaux de participants, de contacts et d'événements), cumulés depuis "
            "la première année. Un lien ville-campagne relie un acteur urbain et un acteur rural "
            "ou périurbain.",
            "Parcours : porteurs de projet dont le premier contact (stand, session, atelier) a "
            "eu lieu dans l'année, suivis d'une action à l'autre par leur pseudonyme, avec toutes "
            "les données de suivi connues à ce jour ; l'étape la plus avancée compte.",
        ]
        # sections register their masking when they run: make sure they all did
        return render(
            "revue_note.html.j2",
            points=points,
            seuil=self.seuil,
            masked=list(dict.fromkeys(self.masking)),
            fictive=self.fictive,
            notice=FICTITIOUS_NOTICE,
            source=self.ws.demarche.source,
        )

    def resume_site(self) -> Bundle:
        """Machine-readable summary for the site index (``apercu`` drawn on the front page)."""
        realised = len(self.done)
        others = [a for a in self.of_year if a.statut != "realisee"]
        detail = plural(realised, "action réalisée", "actions réalisées")
        if others:
            detail += ", " + ", ".join(
                plural(sum(a.statut == s for a in others), label("statut", s).lower())
                for s in ("prevue", "annulee")
                if any(a.statut == s for a in others)
            )
        payload = {
            "annee": self.annee,
            "detail": detail,
            "apercu": self.apercu(),
            "actions": [y.action.id for y in self.done],
            "totaux": {t.type_id: t.totals for t in self.totals},
        }
        return Bundle({SUMMARY_MIME: payload, "text/plain": detail})
