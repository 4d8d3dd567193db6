"""The learning report of one action (bilan d'action): page kind ``actions``.

Sections follow the shape the démarche already used (descriptif sommaire, rappel des
objectifs, bilan) with what monitoring-and-evaluation tools add: objectives against their
indicators, key figures, charts of the audience, contacts per territory, satisfaction, the
team's debrief and anonymised quotes, a comparison with earlier editions and a method note.

Numbers come from :mod:`vccap.indicators`; every breakdown is protected (small categories
grouped) in :meth:`ActionReport.prepare`, so that the sections and the method note agree
whatever cells ran before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from vccap import fmt
from vccap.disclosure.ledger import Figure
from vccap.disclosure.populations import ORIGIN, OTHER_DEPARTEMENT, with_origin
from vccap.errors import InvalidWorkspace
from vccap.indicators import IndicatorValue, ObjectiveResult, action_indicators
from vccap.model import DEBRIEF_HEADINGS, Action
from vccap.opendata.summaries import indicator_records, objective_records
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, protect
from vccap.pages.display import (
    FICTITIOUS_NOTICE,
    Html,
    Section,
    label,
    labels,
    markdown,
    table_title,
    unpublished,
)
from vccap.pages.figures import (
    PEOPLE,
    publish_indicators,
    publish_objectives,
    published_breakdown,
    territory_breakdown,
)
from vccap.pages.figures import (
    masked as masked_indicators,
)
from vccap.pages.registry import PageKind, PlanFacts, Reads
from vccap.pages.report_editions import (  # noqa: F401 - part of this module's interface
    COMPARED_EDITIONS,
    EditionSections,
    earlier_editions,
    invalid_editions,
    realised_valid,
    type_label,
)
from vccap.pages.report_satisfaction import SatisfactionSections
from vccap.workspace import Workspace

# --------------------------------------------------------------------------- the page kind


def _validate(ws: Workspace, key: str) -> None:
    action = ws.action(key)
    if not ws.valid(action.id):
        raise InvalidWorkspace(ws.root, ws.problems_of(action.id) + ws.general_problems())


def _notebook_for(ws: Workspace, key: str) -> str:
    action = ws.actions.get(key)
    spec = ws.types.get(action.type) if action else None
    return (spec.carnet if spec and spec.carnet else None) or KIND.notebook


def _breadcrumb(ws: Workspace, key: str) -> list[tuple[str, str | None]]:
    action = ws.actions[key]
    return [
        (str(action.annee), f"index.html#annee-{action.annee}"),
        (type_label(ws, action.type), None),
        (action.titre, None),
    ]


def _reads(ws: Workspace, key: str, facts: PlanFacts) -> Reads:
    return Reads(actions=tuple(a.id for a in earlier_editions(ws, ws.actions[key])))


KIND = PageKind(
    name="actions",
    notebook="action_report.ipynb",
    parameter="action_id",
    label="Bilans d'action",
    order=10,
    keys=lambda ws: [a.id for a in realised_valid(ws)],
    title=lambda ws, key: ws.actions[key].titre,
    breadcrumb=_breadcrumb,
    fictitious=lambda ws, key, reads: ws.actions[key].fictive,
    reads=_reads,
    notebook_for=_notebook_for,
    validate=_validate,
)


# --------------------------------------------------------------------------- the page


class ActionReport(SatisfactionSections, EditionSections, Page):
    """The learning report of one realised action."""

    KIND = KIND

    def prepare(self) -> None:
        self.action: Action = self.ws.action(self.key)
        self.tables: dict[str, pd.DataFrame] = self.ws.tables(self.key)
        values, objectives = action_indicators(self.ws, self.key)
        self.values: dict[str, IndicatorValue] = publish_indicators(
            self.publisher, self.ws, self.action, self.tables, values
        )
        self.objectives: list[ObjectiveResult] = publish_objectives(objectives, self.values)
        #: The last editions of the type up to this one, with their published key indicators
        #: (the comparison section's figures, decided here with the page's others).
        self.editions: list[tuple[Action, dict[str, IndicatorValue]]] = self._editions()
        self.rows: dict[str, int | None] = {
            kind: (
                self.publisher.count(Figure.count(kind, action=self.key), len(df))
                if kind in PEOPLE
                else len(df)
            )
            for kind, df in self.tables.items()
        }
        self.response_rate: float | None = self._response_rate()
        self.audience_breakdowns: list[Breakdown] = self._audience_breakdowns()
        self.territory_breakdown: Breakdown | None = self._territory_breakdown()
        self.events_breakdown: Breakdown | None = self._events_breakdown()
        self.satisfaction_table, masked = self._satisfaction_table()
        self.masking: list[Breakdown] = [
            b
            for b in [*self.audience_breakdowns, self.territory_breakdown, self.events_breakdown]
            if b is not None and b.masked
        ]
        if masked:
            self.masking.append(
                Breakdown(
                    "Satisfaction",
                    self.satisfaction_table,
                    masked,
                    int(self.satisfaction_table["effectif"].sum()),
                    "répondants",
                )
            )

    # -- state --------------------------------------------------------------------------

    @property
    def fictive(self) -> bool:
        return self.action.fictive

    @property
    def type_label(self) -> str:
        return type_label(self.ws, self.action.type)

    def _territory_names(self, ids: Iterable[str]) -> list[str]:
        return [self.ws.territoires[i].nom if i in self.ws.territoires else i for i in ids]

    def _structure_names(self, ids: Iterable[str]) -> list[str]:
        return [self.ws.structures[i].nom if i in self.ws.structures else i for i in ids]

    @property
    def audience(self) -> tuple[str, pd.DataFrame] | None:
        """The table describing who was reached: contacts for stands, else participants."""
        for kind in ("contacts", "participants"):
            df = self.tables.get(kind)
            if df is not None and len(df):
                return kind, df
        return None

    def _audience_breakdowns(self) -> list[Breakdown]:
        audience = self.audience
        if audience is None:
            return []
        kind, df = audience
        population = "contacts du stand" if kind == "contacts" else "participants"
        base = Figure.count(kind, action=self.key)
        out = [self._breakdown(base, df, "profil", "Profil du public", population)]
        holders = df[df["profil"] == "porteur_de_projet"]
        for column, titre in (
            ("secteur_projet", "Secteur d'activité des projets"),
            ("stade_projet", "Stade d'avancement des projets"),
        ):
            if len(holders) and holders[column].notna().any():
                out.append(
                    self._breakdown(
                        base.where("profil", "porteur_de_projet"),
                        holders,
                        column,
                        titre,
                        "porteurs de projet",
                    )
                )
        if "departement" in df.columns and df["departement"].notna().any():
            names = {**labels()["departement"], OTHER_DEPARTEMENT: "Autres départements"}
            out.append(
                self._breakdown(
                    base, with_origin(df), ORIGIN, "Origine géographique", population, names
                )
            )
        return out

    def _breakdown(
        self,
        base: Figure,
        df: pd.DataFrame,
        column: str,
        titre: str,
        population: str,
        names: dict[str, str] | None = None,
    ) -> Breakdown:
        return published_breakdown(
            self.publisher, base, df[column], titre, population, names or labels().get(column, {})
        )

    def _response_rate(self) -> float | None:
        sat, people = self.tables.get("satisfaction"), self.tables.get("participants")
        if sat is None or people is None or not len(people) or len(sat) > len(people):
            return None  # more forms than participants: not a rate
        return self.publisher.share(
            Figure.count("satisfaction", action=self.key),
            Figure.count("participants", action=self.key),
            len(sat),
            len(people),
        )

    def _territory_breakdown(self) -> Breakdown | None:
        return territory_breakdown(self.ws, self.key, self.tables, self.publisher)

    def _events_breakdown(self) -> Breakdown | None:
        events = self.tables.get("evenements")
        if events is None or events.empty:
            return None
        names = {t.id: t.nom for t in self.ws.territoires.values()}
        per_territory = (
            events.assign(nom=events["territoire"].map(names).fillna(events["territoire"]))
            .groupby("nom")["participants"]
            .sum()
        )
        return protect(
            per_territory,
            self.seuil,
            "Participants aux événements, par territoire organisateur",
            "participants",
        )

    # -- sections -------------------------------------------------------------------------

    def entete(self) -> Html:
        """Title, type, dates, place, territories, partners, data sources and their status."""
        a = self.action
        sources = []
        spec = self.ws.types.get(a.type)
        expected = spec.tables if spec else []
        for kind in sorted(set(expected) | set(a.files)):
            title = table_title(kind)
            if kind in self.tables:
                n = self.rows[kind]
                sources.append(
                    {
                        "table": title,
                        "statut": f"{fmt.nombre(n)} ligne{'s' if n > 1 else ''}"
                        if n is not None
                        else "effectif non publié (trop faible)",
                        "ok": True,
                    }
                )
            else:
                statut = "tableau non fourni"
                if kind == "couts" and a.budget:
                    statut += " (le coût vient du budget de la fiche de l'action)"
                sources.append({"table": title, "statut": statut, "ok": False})
        return self.render(
            "entete.html.j2",
            action=a,
            type_label=self.type_label,
            periode=fmt.periode(a.date_debut, a.date_fin),
            territoires=self._territory_names(a.territoires),
            partenaires=self._structure_names(a.partenaires),
            sources=sources,
            debrief=a.debrief_path is not None,
            fictive=a.fictive,
            notice=FICTITIOUS_NOTICE,
            statut=label("statut", a.statut),
        )

    def descriptif(self) -> Html:
        text = self.action.descriptif or "Aucun descriptif n'a été saisi dans la fiche de l'action."
        return Html(f'<div class="vc-descriptif">{markdown(text)}</div>')

    def objectifs(self) -> Section:
        """Each objective with its indicator, target, value and status."""
        rows = [
            {
                "libelle": o.libelle,
                "indicateur": o.libelle_indicateur or "—",
                "cible": fmt.valeur(o.cible, o.unite) if o.cible is not None else "—",
                "valeur": fmt.valeur(o.valeur, o.unite),
                "statut": o.statut,
                "statut_libelle": o.statut_libelle,
            }
            for o in self.objectives
        ]
        frame = pd.DataFrame(
            [[r["libelle"], r["indicateur"], r["cible"], r["valeur"], r["statut_libelle"]]
             for r in rows],
            columns=["Objectif", "Indicateur", "Cible", "Valeur", "Statut"],
        )  # fmt: skip
        return Section([self.render("objectifs.html.j2", rows=rows)], tables={"Objectifs": frame})

    def chiffres_cles(self) -> Section:
        cards = [
            {"libelle": v.libelle, "valeur": fmt.valeur(v.valeur, v.unite)}
            for v in self.values.values()
            if v.valeur is not None
        ]
        frame = pd.DataFrame(
            [[v.libelle, v.valeur, v.unite] for v in self.values.values() if v.valeur is not None],
            columns=["Indicateur", "Valeur", "Unité"],
        )
        hidden = [v.libelle for k, v in self.values.items() if k in masked_indicators(self.values)]
        return Section(
            [self.render("chiffres.html.j2", cards=cards, hidden=hidden, seuil=self.seuil)],
            tables={"Chiffres clés": frame},
        )

    def graphiques_public(self) -> Section:
        """Who was reached: profile, sector, stage of project, origin."""
        if self.audience is None:
            return Section(
                [
                    self.note(
                        "Aucune liste de participants ou de contacts n'a été fournie pour cette "
                        "action."
                    )
                ]
            )
        return Section([self.breakdown(b) for b in self.audience_breakdowns])

    def graphique_territoires(self) -> Section:
        if self.territory_breakdown is None:
            return Section(
                [
                    self.note(
                        "Pas de table de contacts pour cette action : la répartition par "
                        "territoire ne s'applique pas."
                    )
                ]
            )
        return self.breakdown(self.territory_breakdown, value_title="Contacts")

    def graphique_evenements(self) -> Section:
        if self.events_breakdown is None:
            return Section([self.note("Pas de table d'événements pour cette action.")])
        return self.breakdown(self.events_breakdown)

    def graphiques(self) -> Section:
        """Every chart that applies to this action, each under its own heading."""
        section = Section()
        if self.audience is not None:
            section.add(self.heading("Les publics touchés")).add(self.graphiques_public())
        if self.territory_breakdown is not None:
            section.add(self.heading("Les contacts par territoire"))
            section.add(self.graphique_territoires())
        if self.events_breakdown is not None:
            section.add(self.heading("Les événements")).add(self.graphique_evenements())
        sat = self.tables.get("satisfaction")
        if sat is not None and len(sat):
            section.add(self.heading("La satisfaction")).add(self.graphique_satisfaction())
        if not section.items:
            section.add(
                self.note(
                    "Aucune donnée détaillée (participants, contacts, événements, satisfaction) "
                    "n'a été fournie : pas de graphique pour cette action."
                )
            )
        return section

    def bilan(self) -> Html:
        """The team's debrief, by heading."""
        debrief = self.ws.debrief(self.action.id)
        if debrief is None:
            return Html(
                "<p class=\"vc-alerte\">Le retour d'expérience de l'équipe "
                "(retour_experience.md) n'a pas encore été rédigé.</p>"
            )
        sections = []
        for heading in DEBRIEF_HEADINGS:
            text = debrief.section(heading)
            sections.append(
                {"titre": heading, "html": markdown(text) if text else "", "vide": not text}
            )
        known = {h.casefold() for h in DEBRIEF_HEADINGS} | {"citations"}
        for title, text in debrief.sections.items():
            if title.casefold() not in known and text:
                sections.append({"titre": title, "html": markdown(text), "vide": False})
        return self.render(
            "bilan.html.j2",
            intro=markdown(debrief.intro) if debrief.intro else "",
            sections=sections,
        )

    def citations(self, limit: int = 6) -> Html:
        """Quotes of the debrief and comments of the satisfaction forms (scrubbed)."""
        debrief = self.ws.debrief(self.action.id)
        quotes = list(debrief.quotes) if debrief else []
        sat = self.tables.get("satisfaction")
        if sat is not None and "commentaire" in sat.columns:
            comments = [c.strip() for c in sat["commentaire"].dropna().astype(str) if c.strip()]
            quotes.extend(comments)
        quotes = list(dict.fromkeys(quotes))[:limit]
        return self.render("citations.html.j2", quotes=quotes)

    def note_methode(self) -> Html:
        """Sample sizes, response rate, threshold and what was grouped."""
        sizes = [
            {"table": table_title(kind), "lignes": fmt.nombre(n) if n is not None else "non publié"}
            for kind, n in self.rows.items()
        ]
        response = fmt.part(self.response_rate) if self.response_rate is not None else None
        return self.render(
            "note_methode.html.j2",
            sizes=sizes,
            reponse=response,
            seuil=self.seuil,
            non_publie=unpublished(self.seuil),
            masked=[{"titre": b.titre, "n": b.masked} for b in self.masking],
            avertissements=self.reading_warnings([self.action]),
            fictive=self.action.fictive,
            source=self.action.source,
            notice=FICTITIOUS_NOTICE,
        )

    def summary(self) -> dict[str, Any]:
        """The action's key figures for the site index."""
        spec = self.ws.types.get(self.action.type)
        chiffres = []
        for key in spec.indicateurs_cles if spec else []:
            value = self.values.get(key)
            if value is not None and value.valeur is not None:
                chiffres.append(
                    {"libelle": value.libelle, "valeur": fmt.valeur(value.valeur, value.unite)}
                )
        reached = sum(1 for o in self.objectives if o.statut == "atteint")
        detail = (
            f"{reached} objectif{'s' if reached > 1 else ''} atteint"
            f"{'s' if reached > 1 else ''} sur {len(self.objectives)}"
        )
        return {
            "chiffres_cles": chiffres,
            "detail": detail,
            "action": self.action.id,
            # the open data (donnees/datapackage.json): what the page shows, as shown
            "indicateurs": indicator_records(self.values, masked_indicators(self.values)),
            "objectifs": objective_records(self.objectives),
        }
