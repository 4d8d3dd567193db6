"""What the method-sheet notebook calls: the transferable method sheet of one type of action.

A method sheet (fiche méthode) is built from every *realised* edition of a type whose data is
valid: metadata, a practice abstract of at most 1,500 characters, context, objectives and
audiences, step-by-step method and timeline, resources, results across editions, key success
factors, difficulties, conditions of transfer, recommendations, tools and organisations to
contact (see DOMAIN.md). Each public method of :class:`MethodSheet` returns a displayable
(:class:`~vccap.report.Html`, :class:`~vccap.report.Items`, :class:`~vccap.report.Bundle`), as
:mod:`vccap.report` does for learning reports; free text comes from the scrubbed debriefs and
every breakdown goes through :func:`vccap.privacy.protect_counts`.

A type without any realised edition still loads: every section then says so in French.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

import vccap
from vccap import charts, fmt, privacy
from vccap.disclosure.ledger import Figure
from vccap.indicators import ObjectiveResult, action_indicators
from vccap.model import Action, TypeAction
from vccap.opendata.summaries import advice_records
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown
from vccap.pages.display import (
    CATEGORIES,
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    labels,
    markdown,
    plural,
    table_title,
)
from vccap.pages.figures import PEOPLE, publish_indicators, publish_objectives, published_breakdown
from vccap.pages.registry import PageKind, Reads
from vccap.pages.sheet_abstract import NO_EDITION, AbstractSections
from vccap.pages.sheet_results import ResultSections
from vccap.pages.sheet_text import (
    ADVICE,
    DIFFICULTIES,
    TO_CHANGE,
    WORKED,
    Edition,
    bullets,
    delai_texte,
    edition_labels,
    jour_label,
    sentence,
)
from vccap.pages.sheet_transfer import TransferSections
from vccap.workspace import Workspace

LICENCE = "Licence Ouverte / Etalab 2.0"


# --------------------------------------------------------------------------- the page kind


def _editions(ws: Workspace, type_id: str) -> list[Action]:
    return [
        a
        for a in ws.actions.values()
        if a.type == type_id and a.statut == "realisee" and ws.valid(a.id)
    ]


def _keys(ws: Workspace) -> list[str]:
    return sorted(
        {a.type for a in ws.actions.values() if a.statut == "realisee" and ws.valid(a.id)}
    )


def _label(ws: Workspace, type_id: str) -> str:
    return ws.types[type_id].libelle if type_id in ws.types else type_id


def _validate(ws: Workspace, key: str) -> None:
    if key not in ws.types:
        from vccap.errors import UnknownType

        raise UnknownType(key, sorted(ws.types))


KIND = PageKind(
    name="fiches",
    notebook="method_sheet.ipynb",
    parameter="type_action",
    label="Fiches méthode",
    order=20,
    keys=_keys,
    title=lambda ws, key: f"Fiche méthode : {_label(ws, key)}",
    breadcrumb=lambda ws, key: [("Fiches méthode", "index.html#fiches"), (_label(ws, key), None)],
    fictitious=lambda ws, key, reads: any(ws.actions[a].fictive for a in reads.actions),
    reads=lambda ws, key, facts: Reads(actions=tuple(a.id for a in _editions(ws, key))),
    validate=_validate,
    index_intro="Pour chaque type d'action : comment faire, ce que cela a donné, ce qu'il faut "
    "pour le refaire ailleurs.",
)


#: The debrief headings whose items a sheet publishes as the teams' advice.
ADVICE_HEADINGS = (WORKED, DIFFICULTIES, TO_CHANGE, ADVICE)


# --------------------------------------------------------------------------- the sheet


class MethodSheet(AbstractSections, ResultSections, TransferSections, Page):
    """The method sheet of one action type, from every realised edition with valid data.

    A type of the catalogue without any realised edition loads too: its sections say so.
    """

    KIND = KIND

    def prepare(self) -> None:
        self.type_id: str = self.key
        self.spec: TypeAction = self.ws.types[self.key]
        self.editions: list[Edition] = []
        self.excluded: list[Action] = []  # realised, but invalid data
        self.others: list[Action] = []  # planned or cancelled
        same = sorted(
            (a for a in self.ws.actions.values() if a.type == self.key),
            key=lambda a: (a.date_debut is None, a.date_debut or a.id, a.id),
        )
        for action in same:
            if action.statut != "realisee":
                self.others.append(action)
            elif not self.ws.valid(action.id):
                self.excluded.append(action)
            else:
                tables = self.ws.tables(action.id)
                raw, objectives = action_indicators(self.ws, action.id)
                values = publish_indicators(self.publisher, self.ws, action, tables, raw)
                rows = {
                    kind: self.publisher.count(Figure.count(kind, action=action.id), len(df))
                    for kind, df in tables.items()
                    if kind in PEOPLE
                }
                self.editions.append(
                    Edition(
                        action,
                        tables,
                        values,
                        publish_objectives(objectives, values),
                        self.ws.debrief(action.id),
                        rows=rows,
                    )
                )
        edition_labels(self.editions)
        self.audience_breakdowns: list[Breakdown] = self._audience_breakdowns()
        self.masking: list[Breakdown] = [b for b in self.audience_breakdowns if b.masked]

    def _audience_breakdowns(self) -> list[Breakdown]:
        """Profiles (and structure categories) of the people reached, all editions pooled."""
        frames: dict[str, list[pd.DataFrame]] = {"contacts": [], "participants": []}
        ids: dict[str, set[str]] = {"contacts": set(), "participants": set()}
        for e in self.editions:
            if e.audience is not None:
                kind, df = e.audience
                frames[kind].append(df)
                ids[kind].add(e.action.id)
        out = []
        for kind, dfs in frames.items():
            if not dfs:
                continue
            pooled = pd.concat(dfs, ignore_index=True)
            population = "contacts" if kind == "contacts" else "participants"
            base = Figure.count(kind, action=ids[kind])
            out.append(
                published_breakdown(
                    self.publisher,
                    base,
                    pooled["profil"],
                    "Profil du public",
                    population,
                    labels()["profil"],
                )
            )
            if (
                "categorie_structure" in pooled.columns
                and pooled["categorie_structure"].notna().any()
            ):
                out.append(
                    published_breakdown(
                        self.publisher,
                        base,
                        pooled["categorie_structure"],
                        "Catégorie des structures représentées",
                        f"{population} rattachés à une structure connue",
                        CATEGORIES,
                    )
                )
        return out

    # -- helpers ---------------------------------------------------------------------

    @property
    def libelle(self) -> str:
        return self.spec.libelle

    @property
    def fictive(self) -> bool:
        return any(e.action.fictive for e in self.editions)

    @property
    def latest(self) -> Edition | None:
        return self.editions[-1] if self.editions else None

    def _none(self, what: str = "") -> Html:
        text = NO_EDITION + (f" : {what}" if what else ".")
        return Html(f'<p class="vc-note">{esc(sentence(text))}</p>')

    def _territory(self, tid: str) -> str:
        t = self.ws.territoires.get(tid)
        return t.nom if t else tid

    def _structure(self, sid: str) -> str:
        s = self.ws.structures.get(sid)
        return s.nom if s else sid

    def _territories(self) -> list[str]:
        ids = dict.fromkeys(t for e in self.editions for t in e.action.territoires)
        return list(ids)

    def _partners(self) -> list[str]:
        return list(dict.fromkeys(p for e in self.editions for p in e.action.partenaires))

    def _scrubbed(self, text: str) -> str:
        return privacy.scrub(text, self.ws.name_pattern)

    def _indicator_ids(self) -> list[str]:
        ids = list(self.spec.indicateurs)
        for e in self.editions:
            for o in e.objectives:
                if o.indicateur and o.indicateur not in ids and o.indicateur in self.ws.indicateurs:
                    ids.append(o.indicateur)
        return ids

    def _unit(self, indicator: str) -> str:
        ind = self.ws.indicateurs.get(indicator)
        return ind.unite if ind else ""

    def _ind_label(self, indicator: str) -> str:
        ind = self.ws.indicateurs.get(indicator)
        return ind.libelle if ind else indicator

    def _years(self) -> list[str]:
        years = (e.action.annee for e in self.editions if e.action.annee)
        return [str(y) for y in dict.fromkeys(years)]

    # -- sections ----------------------------------------------------------------------

    def missing_actions(self) -> list[Action]:
        return list(self.excluded)

    def entete(self) -> Section:
        """Metadata: type, editions, territories, lead and partners, sources, version."""
        editions = [
            {
                "label": e.label,
                "titre": e.action.titre,
                "periode": e.periode,
                "lieu": e.action.lieu,
            }
            for e in self.editions
        ]
        sources = []
        for e in self.editions:
            tables = [
                f"{table_title(kind)} ({plural(e.rows[kind], 'ligne')})"
                if e.rows.get(kind) is not None
                else (
                    f"{table_title(kind)} (effectif non publié)"
                    if kind in e.rows
                    else table_title(kind)
                )
                for kind in sorted(e.tables)
            ]
            if e.action.budget:
                tables.append("budget de la fiche de l'action")
            tables.append(
                "retour d'expérience" if e.debrief is not None else "sans retour d'expérience"
            )
            sources.append(
                {"label": e.label, "tables": ", ".join(tables), "source": e.action.source}
            )
        latest = self.latest
        version = f"vccap {vccap.__version__}"
        if latest is not None:
            version += f", à jour de l'édition du {fmt.date(latest.action.date_debut)}"
        else:
            version += ", aucune édition réalisée"
        return Section(
            [
                self.absent_alert(),
                self.render(
                    "fiche_entete.html.j2",
                    libelle=self.libelle,
                    type_id=self.type_id,
                    editions=editions,
                    territoires=[self._territory(t) for t in self._territories()],
                    chef_de_file=self.ws.demarche.chef_de_file,
                    region=self.ws.demarche.region,
                    partenaires=[self._structure(p) for p in self._partners()],
                    sources=sources,
                    version=version,
                    licence=LICENCE,
                    aucune=NO_EDITION,
                ),
            ]
        )

    def contexte(self) -> Section:
        """Context and problem: the démarche, what the type answers, each edition."""
        d = self.ws.demarche
        items: list[Any] = [self.heading("La démarche")]
        intro = d.description or f"{d.nom}."
        items.append(Html(f'<div class="vc-descriptif">{markdown(intro)}</div>'))
        facts = []
        if d.chef_de_file:
            facts.append(f"Chef de file : {d.chef_de_file}")
        if d.region:
            facts.append(f"région : {d.region}")
        if facts:
            items.append(self.note(" ; ".join(facts) + "."))
        items.append(self.heading("Ce que ce type d'action apporte"))
        items.append(
            Html(f'<div class="vc-descriptif">{markdown(self.spec.description or "")}</div>')
            if self.spec.description
            else self.note("Le catalogue ne décrit pas encore ce type d'action.")
        )
        items.append(self.heading("Les éditions"))
        if not self.editions:
            items.append(self._none())
            return Section(items)
        for e in self.editions:
            where = f", {e.action.lieu}" if e.action.lieu else ""
            text = self._scrubbed(e.action.descriptif) or "Aucun descriptif n'a été saisi."
            items.append(
                Html(
                    f"<h4>{esc(e.label)} — {esc(e.action.titre)} "
                    f"<small>({esc(e.periode)}{esc(where)})</small></h4>"
                    f'<div class="vc-descriptif">{markdown(text)}</div>'
                )
            )
        return Section(items)

    def objectifs_publics(self) -> Section:
        """Objectives across editions with their indicators and targets; audiences reached."""
        if not self.editions:
            return Section([self._none("pas d'objectif ni de public à présenter")])
        groups: dict[str, list[tuple[Edition, ObjectiveResult]]] = {}
        for e in self.editions:
            for o in e.objectives:
                groups.setdefault(o.indicateur or "", []).append((e, o))
        rows = []
        for ind, pairs in groups.items():
            rows.append(
                {
                    "indicateur": self._ind_label(ind) if ind else "Sans indicateur",
                    "objectifs": [{"edition": e.label, "libelle": o.libelle} for e, o in pairs],
                    "cibles": [
                        {
                            "edition": e.label,
                            "cible": fmt.valeur(o.cible, o.unite)
                            if o.cible is not None
                            else "sans cible",
                        }
                        for e, o in pairs
                    ],
                }
            )
        items: list[Any] = [self.heading("Objectifs fixés à chaque édition")]
        items.append(self.render("fiche_objectifs.html.j2", rows=rows))
        items.append(self.heading("Publics touchés"))
        reached = []
        for e in self.editions:
            audience = e.audience
            if audience is None:
                reached.append([e.label, "—", "aucune liste de participants ou de contacts"])
                continue
            kind, df = audience
            n = e.rows.get(kind)
            shown = fmt.nombre(n) if n is not None else "non publié"
            reached.append(
                [e.label, shown, "contacts du stand" if kind == "contacts" else "participants"]
            )
        items.append(
            self.table(
                "Personnes touchées à chaque édition",
                [("Édition", False), ("Effectif", True), ("Liste", False)],
                reached,
            )
        )
        for b in self.audience_breakdowns:
            items.append(
                self.breakdown_table(
                    b,
                    f"{b.titre} ({fmt.nombre(b.total)} {b.population}, toutes éditions confondues)",
                )
            )
        return Section(items)

    def methode(self) -> Section:
        """Step by step: the catalogue's rétroplanning as a table and a timeline chart."""
        steps = sorted(
            (
                s
                for s in self.spec.retroplanning
                if isinstance(s, dict) and s.get("etape") and s.get("jours_avant") is not None
            ),
            key=lambda s: -int(s["jours_avant"]),
        )
        items: list[Any] = []
        if self.editions:
            dates = " ; ".join(f"{e.label} : {e.periode}" for e in self.editions)
            items.append(self.note(f"Dates des éditions (jour J) — {dates}."))
        if not steps:
            items.append(
                self.note(
                    "Le catalogue ne donne pas encore de rétroplanning pour ce type d'action : "
                    "l'équipe du projet peut y ajouter les étapes et leur délai avant le jour J."
                )
            )
            return Section(items)
        rows = [
            {
                "echeance": jour_label(s["jours_avant"]),
                "delai": delai_texte(s["jours_avant"]),
                "etape": str(s["etape"]),
                "jours": int(s["jours_avant"]),
            }
            for s in steps
        ]
        first, last = rows[0], rows[-1]
        alt = (
            f"Frise du rétroplanning : {plural(len(rows), 'étape')}, de {first['echeance']} "
            f"({first['etape'].lower()}) à {last['echeance']} ({last['etape'].lower()}). "
            "Le tableau qui suit donne chaque étape et son échéance."
        )
        items.append(self.chart(self._timeline(rows), alt))
        items.append(self.render("fiche_retroplanning.html.j2", rows=rows, alt=alt))
        return Section(items)

    @staticmethod
    def _timeline(rows: list[dict[str, Any]]) -> go.Figure:
        """Horizontal bars from each step to the day of the action (negative: before)."""
        labels = ["<br>".join(textwrap.wrap(r["etape"], 38)) for r in rows]
        offsets = [-r["jours"] for r in rows]
        colors = [charts.PALETTE[1] if o > 0 else charts.HOUSE for o in offsets]
        fig = go.Figure(
            go.Bar(
                x=offsets,
                y=labels,
                base=0,
                orientation="h",
                marker={"color": colors},
                text=[r["echeance"] for r in rows],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y} : %{text}<extra></extra>",
            )
        )
        layout = charts.base_layout("Rétroplanning", height=max(220, 80 + 46 * len(rows)))
        span = max(abs(o) for o in offsets) or 10
        layout["xaxis"] = {
            "title": {"text": "Jours avant (–) ou après (+) le jour J"},
            "gridcolor": "#e5e5e5",
            "zeroline": True,
            "zerolinecolor": "#222",
            "zerolinewidth": 2,
            "range": [-span * 1.15, max(max(offsets), 0) + span * 0.15],
        }
        layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
        fig.update_layout(layout)
        return fig

    def _debrief_blocks(self, heading: str) -> list[dict[str, Any]]:
        blocks = []
        for e in self.editions:
            text = e.section(heading)
            if e.debrief is None:
                missing = "Le retour d'expérience de cette édition n'a pas encore été rédigé."
            else:
                missing = f"Rubrique « {heading} » non renseignée dans le retour d'expérience."
            blocks.append(
                {
                    "titre": f"{e.label} — {e.action.titre}",
                    "html": markdown(text) if text else "",
                    "vide": missing if not text else "",
                }
            )
        return blocks

    def facteurs_cles(self) -> Html:
        """Key success factors: « Ce qui a fonctionné » of every edition."""
        if not self.editions:
            return self._none("pas encore de facteur de réussite identifié")
        return self.render(
            "fiche_rubriques.html.j2", titre=None, blocs=self._debrief_blocks(WORKED)
        )

    def difficultes(self) -> Section:
        """Difficulties and what to change (what the teams would not do again as such)."""
        if not self.editions:
            return Section([self._none("pas encore de difficulté relevée")])
        return Section(
            [
                self.render(
                    "fiche_rubriques.html.j2",
                    titre="Difficultés rencontrées",
                    blocs=self._debrief_blocks(DIFFICULTIES),
                ),
                self.render(
                    "fiche_rubriques.html.j2",
                    titre="Ce qu'il faut faire évoluer (à ne pas refaire tel quel)",
                    blocs=self._debrief_blocks(TO_CHANGE),
                ),
            ]
        )

    def note_methode(self) -> Html:
        """Which editions were used, what was masked, where the data comes from."""
        return self.render(
            "fiche_note.html.j2",
            editions=[f"{e.label} ({e.action.titre})" for e in self.editions],
            exclues=[a.titre for a in self.excluded],
            autres=[f"{a.titre} ({label('statut', a.statut).lower()})" for a in self.others],
            seuil=self.seuil,
            masked=[{"titre": b.titre, "n": b.masked} for b in self.masking],
            avertissements=self.reading_warnings([e.action for e in self.editions], named=True),
            fictive=self.fictive,
            notice=FICTITIOUS_NOTICE,
        )

    def summary(self) -> dict[str, Any]:
        """Machine-readable summary for the site index (``detail`` beside the sheet's link)."""
        n = len(self.editions)
        years = self._years()
        if n == 0:
            detail = "aucune édition réalisée"
        else:
            detail = f"{n} édition{'s' if n > 1 else ''} ({', '.join(years)})"
        abstract, _ = self.abstract()
        payload = {
            "detail": detail,
            "type": self.type_id,
            "libelle": self.libelle,
            "editions": [e.action.id for e in self.editions],
            "annees": [int(y) for y in years],
            "resume": abstract,
            # the open data (donnees/datapackage.json): the advice the sheet publishes
            "conseils": advice_records(
                (e.action.id, e.label, {h: bullets(e.section(h)) for h in ADVICE_HEADINGS})
                for e in self.editions
            ),
            "recommandations": self.recommendations_list(),
            "resume_pratique": self.practice_abstract(),  # EIP-AGRI common format
        }
        return payload
