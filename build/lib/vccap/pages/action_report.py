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

from vccap import charts, fmt, privacy
from vccap.errors import InvalidWorkspace
from vccap.indicators import IndicatorValue, ObjectiveResult, action_indicators
from vccap.model import DEBRIEF_HEADINGS, Action
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, count_labels, protect
from vccap.pages.display import (
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    labels,
    markdown,
)
from vccap.pages.registry import PageKind, PlanFacts, Reads
from vccap.workspace import Workspace

SCALE_QUESTIONS = {
    "satisfaction_globale": "Satisfaction globale",
    "utilite": "Utilité",
    "qualite_intervenants": "Qualité des intervenants",
}
SCALE_ORDER = ["tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait"]
SCALE_COLORS = ["#1b6b5f", "#7fbfb3", "#e6a65c", "#c0392b", "#999999"]
OTHER_ANSWERS = "Autres réponses"


# --------------------------------------------------------------------------- the page kind


def realised_valid(ws: Workspace) -> list[Action]:
    """Realised actions whose data can be read (those that get a report)."""
    return [a for a in ws.actions.values() if a.statut == "realisee" and ws.valid(a.id)]


def earlier_editions(ws: Workspace, action: Action) -> list[Action]:
    """Realised, valid actions of the same type up to this one (included), oldest first."""
    return [
        a
        for a in realised_valid(ws)
        if a.type == action.type and (a.date_debut or a.id) <= (action.date_debut or action.id)
    ]


def type_label(ws: Workspace, type_id: str) -> str:
    spec = ws.types.get(type_id)
    return spec.libelle if spec else type_id


def territory_breakdown(ws: Workspace, tables: dict[str, pd.DataFrame]) -> Breakdown | None:
    """Contacts received per territory at one action, as its report publishes them (small
    counts grouped); None when the action has no contacts table. Territory pages publish
    a territory's contacts at an action only where this shows its count on its own."""
    contacts = tables.get("contacts")
    if contacts is None or contacts.empty or "territoire" not in contacts.columns:
        return None
    names = {t.id: t.nom for t in ws.territoires.values()}
    return protect(
        count_labels(contacts["territoire"].map(names), "territoire"),
        ws.seuil,
        "Contacts reçus par territoire",
        "contacts du stand",
    )


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


class ActionReport(Page):
    """The learning report of one realised action."""

    KIND = KIND

    def prepare(self) -> None:
        self.action: Action = self.ws.action(self.key)
        self.tables: dict[str, pd.DataFrame] = self.ws.tables(self.key)
        values, objectives = action_indicators(self.ws, self.key)
        self.values: dict[str, IndicatorValue] = values
        self.objectives: list[ObjectiveResult] = objectives
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
            answers = self._answers()
            self.masking.append(
                Breakdown("Satisfaction", self.satisfaction_table, masked, answers, "répondants")
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
        out = [self._breakdown(df["profil"], "Profil du public", "profil", population)]
        holders = df[df["profil"] == "porteur_de_projet"]
        for column, titre in (
            ("secteur_projet", "Secteur d'activité des projets"),
            ("stade_projet", "Stade d'avancement des projets"),
        ):
            if len(holders) and holders[column].notna().any():
                out.append(self._breakdown(holders[column], titre, column, "porteurs de projet"))
        if "departement" in df.columns and df["departement"].notna().any():
            dep = df["departement"].where(
                df["departement"].isin(labels()["departement"]), other="autre"
            )
            dep = dep.where(df["departement"].notna())
            out.append(
                self._breakdown(
                    dep.map(lambda d: "Autres départements" if d == "autre" else d),
                    "Origine géographique",
                    "departement",
                    population,
                )
            )
        return out

    def _breakdown(
        self, series: pd.Series, titre: str, vocabulary: str, population: str
    ) -> Breakdown:
        counts = count_labels(series, vocabulary)
        return protect(counts, self.seuil, titre, population)

    def _territory_breakdown(self) -> Breakdown | None:
        return territory_breakdown(self.ws, self.tables)

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

    def _answers(self) -> int:
        sat = self.tables.get("satisfaction")
        if sat is None or "satisfaction_globale" not in sat:
            return 0
        return int(sat["satisfaction_globale"].notna().sum())

    def _satisfaction_table(self) -> tuple[pd.DataFrame, int]:
        """Answers per question and level (small levels grouped), and how many were grouped."""
        sat = self.tables.get("satisfaction")
        frames, masked = [], 0
        if sat is None or sat.empty:
            return pd.DataFrame(columns=["question", "libelle", "effectif"]), 0
        for column, question in SCALE_QUESTIONS.items():
            if column not in sat.columns or sat[column].isna().all():
                continue
            counts = sat[column].map(lambda v: label("echelle", v)).value_counts()
            counts = counts.drop(labels=["Non renseigné"], errors="ignore")
            protected = privacy.protect_counts(counts, self.seuil, other_label=OTHER_ANSWERS)
            masked += protected.masked
            t = protected.table.rename(columns={"categorie": "libelle"})
            t.insert(0, "question", question)
            frames.append(t)
        if not frames:
            return pd.DataFrame(columns=["question", "libelle", "effectif"]), 0
        return pd.concat(frames, ignore_index=True), masked

    # -- sections -------------------------------------------------------------------------

    def entete(self) -> Html:
        """Title, type, dates, place, territories, partners, data sources and their status."""
        a = self.action
        sources = []
        spec = self.ws.types.get(a.type)
        expected = spec.tables if spec else []
        for kind in sorted(set(expected) | set(a.files)):
            if kind in self.tables:
                n = len(self.tables[kind])
                sources.append(
                    {
                        "table": kind,
                        "statut": f"{fmt.nombre(n)} ligne{'s' if n > 1 else ''}",
                        "ok": True,
                    }
                )
            else:
                sources.append({"table": kind, "statut": "absent", "ok": False})
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
        text = self.action.descriptif or "Aucun descriptif n'a été saisi dans action.yml."
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
        return Section(
            [self.render("chiffres.html.j2", cards=cards)], tables={"Chiffres clés": frame}
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
        order = [label("echelle", v) for v in SCALE_ORDER] + [OTHER_ANSWERS]
        fig = charts.stacked_scale(
            table, "Satisfaction des participants", order=order, colors=SCALE_COLORS
        )
        rate = self.values.get("taux_satisfaction")
        answers = fmt.nombre(self._answers())
        alt = f"Barres empilées : réponses au questionnaire ({answers} réponses). "
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

    def comparaison(self) -> Section:
        """The key indicators of every edition of the type up to this one."""
        same = earlier_editions(self.ws, self.action)
        if len(same) < 2:
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
        for other in same:
            values = (
                self.values
                if other.id == self.action.id
                else action_indicators(self.ws, other.id)[0]
            )
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
            [self.render("comparaison.html.j2", headers=headers, rows=rows)],
            tables={"Comparaison des éditions": frame},
        )
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
        return section

    def note_methode(self) -> Html:
        """Sample sizes, response rate, threshold and what was grouped."""
        sizes = [{"table": kind, "lignes": fmt.nombre(len(df))} for kind, df in self.tables.items()]
        response = None
        sat = self.tables.get("satisfaction")
        audience = self.tables.get("participants")
        if sat is not None and audience is not None and len(audience):
            response = fmt.part(min(1.0, len(sat) / len(audience)))
        return self.render(
            "note_methode.html.j2",
            sizes=sizes,
            reponse=response,
            seuil=self.seuil,
            masked=[{"titre": b.titre, "n": b.masked} for b in self.masking],
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
        return {"chiffres_cles": chiffres, "detail": detail, "action": self.action.id}
