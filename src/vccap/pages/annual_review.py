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

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd

from vccap import appearances, cooperation, fmt, journeys, network
from vccap.disclosure.ledger import Figure
from vccap.model import Action
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, link, protect, shown
from vccap.pages.display import (
    CATEGORIES,
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    plural,
)
from vccap.pages.figures import indicator_figures, masked, publish_indicators, published_breakdown
from vccap.pages.registry import PageKind, PlanFacts, Reads
from vccap.pages.review_actors import ActorSections
from vccap.pages.review_data import (
    DEFINITIONS,
    TypeTotal,
    totals_of,
    type_label,
    year_actions,
)
from vccap.pages.review_journeys import JourneySections
from vccap.pages.review_network import NetworkSections
from vccap.pages.review_principles import PrincipleSections
from vccap.workspace import Workspace

# --------------------------------------------------------------------------- the page kind


def _up_to(ws: Workspace, key: str) -> tuple[str, ...]:
    year = int(key)
    return tuple(a.id for a in ws.actions.values() if a.annee and a.annee <= year)


def _validate(ws: Workspace, key: str) -> None:
    from vccap.errors import UnknownPage

    valid = [str(y) for y in ws.annees]
    if key not in valid:
        raise UnknownPage("annees", key, valid)


def _reads(ws: Workspace, key: str, facts: PlanFacts) -> Reads:
    return Reads(actions=_up_to(ws, key), people=True)


KIND = PageKind(
    name="annees",
    notebook="annual_review.ipynb",
    parameter="annee",
    label="Bilans annuels",
    order=30,
    keys=lambda ws: [str(y) for y in ws.annees],
    title=lambda ws, key: f"Bilan de l'année {key}",
    breadcrumb=lambda ws, key: [
        (str(key), f"index.html#annee-{key}"),
        (f"Bilan de l'année {key}", None),
    ],
    fictitious=lambda ws, key, reads: any(ws.actions[a].fictive for a in reads.actions),
    reads=_reads,
    validate=_validate,
)


# --------------------------------------------------------------------------- the review


class AnnualReview(ActorSections, NetworkSections, JourneySections, PrincipleSections, Page):
    """The review of one year of the démarche."""

    KIND = KIND

    def prepare(self) -> None:
        self.annee: int = int(self.key)
        self.done, self.excluded = year_actions(self.ws, self.annee)
        self.hidden: dict[str, frozenset[str]] = {}
        for y in self.done:  # each action's indicators as its report shows them
            shown = publish_indicators(self.publisher, self.ws, y.action, y.tables, y.values)
            self.hidden[y.action.id] = masked(shown)
        self.people = self._people_reached()
        self.funnel_published = self._funnel_cells()
        if self.funnel_published is not None and not pd.isna(
            self.funnel_published[journeys.STEPS[0]]
        ):
            _ = self.delay_rows, self.channels
        _ = self.totals  # each type's totals, decided once

    # -- data ------------------------------------------------------------------------

    @property
    def of_year(self) -> list[Action]:
        """Every action of the year (any status), in the workspace's date order."""
        return [a for a in self.ws.actions.values() if a.annee == self.annee]

    @property
    def fictive(self) -> bool:
        return any(a.fictive for a in self.ws.actions.values() if a.annee and a.annee <= self.annee)

    def _page(self, action: Action) -> str | None:
        """Link to the action's report when the site has one."""
        return self.link("actions", action.id)

    @cached_property
    def graph(self) -> nx.Graph:
        return network.build_network(self.ws, up_to_year=self.annee)

    @cached_property
    def previous(self) -> nx.Graph:
        return network.build_network(self.ws, up_to_year=self.annee - 1)

    @cached_property
    def measures(self) -> pd.DataFrame:
        """The network's yearly measures up to the year (:func:`cooperation.yearly_measures`)."""
        df = cooperation.yearly_measures(self.ws)
        return df[df["annee"] <= self.annee].reset_index(drop=True)

    @property
    def measure(self) -> dict[str, Any]:
        """This year's row of :attr:`measures` (zeros before the first action)."""
        df = self.measures
        row = df[df["annee"] == self.annee]
        if row.empty:
            return dict.fromkeys(cooperation.MEASURE_COLUMNS, 0) | {"annee": self.annee}
        return row.iloc[0].to_dict()

    @cached_property
    def ties(self) -> pd.DataFrame:
        """The ville-campagne ties up to the year (:func:`cooperation.urban_rural_ties`)."""
        return cooperation.urban_rural_ties(self.graph)

    def _people_reached(self) -> int | None:
        """People reached this year, each once (:func:`appearances.reached`), as published.

        Hidden with the small counts, and also when the people seen twice (rows minus
        people) are fewer than the threshold: with each action's published counts, the
        figure would tell that one or two people came back.
        """
        reached = appearances.reached((y.action, y.tables) for y in self.done)
        rows = sum(
            len(y.tables[k]) for y in self.done for k in appearances.REACHED_TABLES if k in y.tables
        )
        figure = Figure.count("personnes", annee=str(self.annee))
        if 0 < rows - len(reached) < self.seuil:
            self.publisher.ledger.hide(figure)
            return None
        return self.publisher.count(figure, len(reached))

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
        return journeys.workspace_journeys(self.ws)

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
        """Each type's key indicators summed, as published: a total is hidden when one of its
        actions' values is (the total minus the others would give it back) or when small."""
        out = totals_of(self.ws, self.done)
        for t in out:
            for key, total in t.totals.items():
                if total is None:
                    continue
                if any(key in self.hidden.get(a, ()) for a in t.actions):
                    t.totals[key] = None
                    t.masked.add(key)
                    continue
                found = indicator_figures(self.ws, set(t.actions), key)
                if found and found[0] == "compte":
                    if self.publisher.count(found[1], total) is None:
                        t.totals[key] = None
                        t.masked.add(key)
        return out

    def _funnel_cells(self) -> dict[str, Any] | None:
        """The cohort's funnel as published (its cells in the page's ledger)."""
        if self.cohort.empty:
            return None
        row = self.cohort_funnel
        base = Figure.count("porteurs", annee_premier_contact=str(self.annee))
        for i, step in enumerate(journeys.STEPS):
            figure = base.where("etape_max", journeys.STEPS[i:])
            if pd.isna(row[step]):
                self.publisher.ledger.hide(figure)
            else:
                self.publisher.ledger.shown(figure, int(row[step]))
        abandon = base.where("abandon", "true")
        if pd.isna(row[journeys.ABANDON]):
            self.publisher.ledger.hide(abandon)
        else:
            self.publisher.ledger.shown(abandon, int(row[journeys.ABANDON]))
        return row

    @cached_property
    def structure_breakdowns(self) -> list[Breakdown]:
        """Structures engaged this year by milieu and by category (small counts grouped)."""
        engaged = self._engaged(network.STRUCTURE)
        if not engaged:
            return []
        G = self.graph
        milieux = pd.Series([label("milieu", G.nodes[k]["milieu"]) for k in engaged]).value_counts()
        categories = pd.Series(
            [
                CATEGORIES.get(G.nodes[k]["categorie"], G.nodes[k]["categorie"] or "Non précisée")
                for k in engaged
            ]
        ).value_counts()
        return [
            protect(milieux, self.seuil, "Structures selon leur milieu", "structures"),
            protect(categories, self.seuil, "Structures selon leur catégorie", "structures"),
        ]

    @cached_property
    def channels(self) -> Breakdown:
        """How the year's project holders first met the démarche (type of action)."""
        return published_breakdown(
            self.publisher,
            Figure.count("porteurs", annee_premier_contact=str(self.annee)),
            self.cohort["type_premier_contact"],
            "Type d'action du premier contact",
            "porteurs de projet",
            {k: t.libelle for k, t in self.ws.types.items()},
        )

    @property
    def masking(self) -> list[str]:
        """What the page groups or masks, in French (for the method note)."""
        out = [
            f"{b.titre} ({plural(b.masked, 'catégorie')})"
            for b in self.structure_breakdowns
            if b.masked
        ]
        if len(self.cohort):
            masked = [s for s in journeys.FUNNEL_COLUMNS if pd.isna(self.cohort_funnel[s])]
            if masked:
                out.append(
                    f"parcours des porteurs ({plural(len(masked), 'étape')} masquée"
                    f"{'s' if len(masked) > 1 else ''})"
                )
            if self.channels.masked:
                out.append(f"canaux d'entrée ({plural(self.channels.masked, 'catégorie')})")
        return out

    def _installations(self) -> str:
        if not len(self.cohort):
            return "—"
        return shown(self.cohort_funnel["installation"])

    def apercu(self) -> list[dict[str, str]]:
        """The overview figures of the year (label, formatted value, definition) for the site
        index."""
        return [
            {
                "libelle": "Actions réalisées",
                "valeur": fmt.nombre(len(self.done)),
                "definition": DEFINITIONS["actions"],
            },
            {
                "libelle": "Personnes touchées",
                "valeur": shown(self.people),
                "definition": DEFINITIONS["personnes"],
            },
            {
                "libelle": "Acteurs urbains associés (cumul)",
                "valeur": fmt.nombre(self.measure["acteurs_urbains"]),
                "definition": DEFINITIONS["urbains"],
            },
            {
                "libelle": "Installations",
                "valeur": self._installations(),
                "definition": DEFINITIONS["installations"],
            },
        ]

    # -- sections ----------------------------------------------------------------------

    def missing_actions(self) -> list[Action]:
        return list(self.excluded)

    def entete(self) -> Section:
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
            {**apercu[1], "libelle": "Personnes touchées (participants et contacts)"},
        ]
        if events:
            cards.append(
                {
                    "libelle": "Public des événements locaux",
                    "valeur": fmt.nombre(events),
                    "definition": DEFINITIONS["evenements"],
                }
            )
        cards += [
            {
                "libelle": "Territoires engagés",
                "valeur": fmt.nombre(len(self._engaged(network.TERRITOIRE))),
                "definition": DEFINITIONS["territoires"],
            },
            {
                "libelle": "Structures impliquées",
                "valeur": fmt.nombre(len(self._engaged(network.STRUCTURE))),
                "definition": DEFINITIONS["structures"],
            },
            apercu[2],
            {**apercu[3], "libelle": "Installations (porteurs rencontrés dans l'année)"},
        ]
        return Section(
            [
                self.absent_alert(),
                self.render(
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
                ),
            ]
        )

    def actions_vs_prevu(self) -> Section:
        """The year's actions by type and status, with a link to each realised one's report."""
        actions = self.of_year
        if not actions:
            return Section([self.note(f"Aucune action n'est enregistrée pour {self.annee}.")])
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
        return Section(
            [
                Html(f"<p>{esc(text)}</p>"),
                self.table(
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
                self.table(
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

    def totaux_par_type(self) -> Section:
        """Each type's key indicators added up over the year's realised actions."""
        if not self.totals:
            return Section([self.note(f"Aucune action réalisée en {self.annee} : pas de total.")])
        groups = []
        for t in self.totals:
            lines = []
            for key, total in t.totals.items():
                ind = self.ws.indicateurs.get(key)
                unit = ind.unite if ind else ""
                if not t.additive[key]:
                    value = "non additionnable"
                elif key in t.masked:
                    value = "non publié (effectif faible)"
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
        return Section(
            [
                self.render(
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

    def note_methode(self) -> Html:
        """Sources, definitions, threshold and what was masked."""
        points = [
            "Actions prises en compte : "
            + plural(
                len(self.done),
                "action réalisée",
                "actions réalisées",
                zero="aucune action réalisée",
            )
            + f" en {self.annee} dont les données ont pu être lues"
            + (
                " ; laissées de côté car leurs données sont à corriger par l'équipe : "
                + ", ".join(a.titre for a in self.excluded)
                if self.excluded
                else ""
            )
            + ".",
            "Personnes touchées : " + DEFINITIONS["personnes"] + ".",
            "Réseau : territoires et structures ayant pris part à une même action réalisée "
            "(inscrits dans la fiche de l'action, ou représentés par au moins "
            f"{self.seuil} participants ou contacts, ou organisateurs d'un événement), cumulés "
            "depuis la première année. Un lien ville-campagne relie un territoire rural ou "
            "périurbain et une structure ou un territoire urbain qui ont pris part à une même "
            "action.",
            "Parcours : porteurs de projet dont le premier contact (stand, session, atelier) a "
            "eu lieu dans l'année, suivis d'une action à l'autre par leur pseudonyme, avec toutes "
            "les données de suivi connues à ce jour ; l'étape la plus avancée compte.",
        ]
        return self.render(
            "revue_note.html.j2",
            points=points,
            seuil=self.seuil,
            masked=list(dict.fromkeys(self.masking)),
            avertissements=self.reading_warnings([y.action for y in self.done], named=True),
            fictive=self.fictive,
            notice=FICTITIOUS_NOTICE,
            source=self.ws.demarche.source,
        )

    def summary(self) -> dict[str, Any]:
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
        return payload
