"""What the territory-profile notebook calls: one territory's page.

A territory's page gathers the actions it joined, the contacts it received on the shared
stands (by action, by profile, by origin), what became of the project holders whose first
contact was with it (:mod:`vccap.journeys`), and its ties in the cooperation network
(:mod:`vccap.network`). Each public method of :class:`TerritoryProfile` returns a displayable,
as in :mod:`vccap.report` and :mod:`vccap.review`.

Privacy
-------
* **Contacts** are counted only at the actions whose learning report publishes this
  territory's count on its own (:func:`published_contacts` repeats the report's protection).
  Where the report grouped the territory with others, its contacts there are left out of
  every figure of this page (total, profile, origin): otherwise the page total minus the
  published counts would give back the grouped value.
* **Breakdowns** (profile, origin) go through :func:`vccap.privacy.protect_counts`.
* **Journeys** use one table for every territory, :func:`vccap.journeys.funnel` by
  territory of first contact, so that each page shows its row of a table protected as a
  whole (small territories are grouped and their page says so).
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd

from vccap import fmt, journeys, network
from vccap.disclosure.ledger import MISSING, Figure
from vccap.disclosure.masks import read_masks
from vccap.disclosure.policy import Publisher
from vccap.disclosure.populations import ORIGIN, OTHER_DEPARTEMENT, with_origin
from vccap.errors import InvalidWorkspace, UnknownTerritory
from vccap.model import Action, Territoire
from vccap.normalize import fold
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, link, shown
from vccap.pages.display import (
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    labels,
    plural,
)
from vccap.pages.figures import published_breakdown, territory_breakdown
from vccap.pages.registry import PEOPLE_TABLES, PageKind, PlanFacts, Reads
from vccap.pages.review_data import type_label
from vccap.pages.territory_contacts import ContactSections
from vccap.pages.territory_network import NetworkSection
from vccap.workspace import Workspace

FUNNEL_BY = "territoire_premier_contact"
#: What a territory page reads of the actions that name it.
TERRITORY_TABLES = frozenset((*PEOPLE_TABLES, "evenements"))


# --------------------------------------------------------------------------- the page kind


def _mentioning(ws: Workspace, key: str, facts: PlanFacts) -> tuple[str, ...]:
    """Actions naming the territory, in action.yml or inside their tables."""
    return tuple(
        a.id
        for a in ws.actions.values()
        if key in a.territoires or key in facts.territories.get(a.id, frozenset())
    )


def _validate(ws: Workspace, key: str) -> None:
    if key not in ws.territoires:
        raise UnknownTerritory(key, sorted(ws.territoires))


KIND = PageKind(
    name="territoires",
    notebook="territory_profile.ipynb",
    parameter="territoire",
    label="Territoires",
    order=40,
    keys=lambda ws: sorted(ws.territoires, key=lambda t: fold(ws.territoires[t].nom)),
    title=lambda ws, key: ws.territoires[key].nom,
    breadcrumb=lambda ws, key: [
        ("Territoires", "index.html#territoires"),
        (ws.territoires[key].nom, None),
    ],
    fictitious=lambda ws, key, reads: any(ws.actions[a].fictive for a in reads.actions),
    reads=lambda ws, key, facts: Reads(
        actions=_mentioning(ws, key, facts), tables=TERRITORY_TABLES, people=True
    ),
    validate=_validate,
    index_intro="Les actions de chaque territoire, les contacts reçus et leurs suites.",
)


def published_contacts(ws: Workspace, action_id: str) -> dict[str, int]:
    """Contacts per territory id exactly as the action's report publishes them on their own
    (territories grouped in "Autres (regroupés)" are absent from the result)."""
    scratch = Publisher("", ws.seuil, read_masks(ws.root))
    b = territory_breakdown(ws, action_id, ws.tables(action_id), scratch)
    if b is None:
        return {}
    by_name = dict(zip(b.table["libelle"], b.table["effectif"], strict=True))
    return {t.id: int(by_name[t.nom]) for t in ws.territoires.values() if t.nom in by_name}


# --------------------------------------------------------------------------- the page


class TerritoryProfile(ContactSections, NetworkSection, Page):
    """The page of one territory of territoires.csv."""

    KIND = KIND

    def prepare(self) -> None:
        self.territoire: Territoire = self.ws.territoires[self.key]
        self.joined: list[Action] = []  # realised, took part
        self.others: list[Action] = []  # planned / cancelled naming it
        self.wished: list[Action] = []  # realised, named as territoire_vise
        for action in self.ws.actions.values():
            if action.statut == "realisee":
                members, _ = network.action_participants(self.ws, action)
                if self.node in members:
                    self.joined.append(action)
                elif self._wished_at(action):
                    self.wished.append(action)
            elif self.territoire.id in action.territoires:
                self.others.append(action)
        self.prepare_figures()

    # -- data ------------------------------------------------------------------------

    @property
    def node(self) -> str:
        """The territory's node in the cooperation network."""
        return network.node_key(network.TERRITOIRE, self.territoire.id)

    @property
    def nom(self) -> str:
        return self.territoire.nom

    @property
    def fictive(self) -> bool:
        return any(a.fictive for a in [*self.joined, *self.others])

    def _wished_at(self, action: Action) -> bool:
        try:
            df = self.ws.tables(action.id).get("participants") if action.files else None
        except InvalidWorkspace:
            return False
        # named by fewer people than the threshold, the wish would tell about them
        return bool(
            df is not None
            and "territoire_vise" in df.columns
            and (df["territoire_vise"] == self.territoire.id).sum() >= self.seuil
        )

    def _page(self, action: Action) -> str | None:
        return self.link("actions", action.id)

    @cached_property
    def contact_sets(self) -> tuple[list[tuple[Action, pd.DataFrame]], list[Action]]:
        """Contacts received at actions where the report shows this territory's count, and
        the actions where its count is grouped with other territories'."""
        kept, grouped = [], []
        for action in self.joined:
            try:
                tables = self.ws.tables(action.id) if action.files else {}
                published = published_contacts(self.ws, action.id)
            except InvalidWorkspace:
                continue
            df = tables.get("contacts")
            if df is None or "territoire" not in df.columns:
                continue
            mine = df[df["territoire"] == self.territoire.id]
            if self.territoire.id in published:
                kept.append((action, mine))
            else:  # none, or too few: the page says the same for both
                grouped.append(action)
        return kept, grouped

    @property
    def contacts_frame(self) -> pd.DataFrame:
        kept, _ = self.contact_sets
        if not kept:
            return pd.DataFrame()
        return pd.concat([df.assign(_action=a.id) for a, df in kept], ignore_index=True)

    @cached_property
    def graph(self) -> nx.Graph:
        return network.build_network(self.ws)

    @cached_property
    def funnel_table(self) -> pd.DataFrame:
        """The protected funnel of every territory (one table for all territory pages,
        computed once per process for the same workspace content)."""

        def compute() -> pd.DataFrame:
            j = journeys.workspace_journeys(self.ws)
            if j.empty:
                return pd.DataFrame(columns=[FUNNEL_BY, *journeys.FUNNEL_COLUMNS])
            return journeys.funnel(j, by=FUNNEL_BY, threshold=self.seuil)

        table = self.ws.derived("territory_funnel", (self.seuil,), compute)
        out = table.copy()
        out.attrs = copy.deepcopy(table.attrs)
        return out

    @property
    def funnel_row(self) -> dict[str, Any] | None:
        """This territory's row of :attr:`funnel_table` (None: nobody, or grouped)."""
        table = self.funnel_table
        row = table[table[FUNNEL_BY] == self.territoire.id]
        return None if row.empty else row.iloc[0].to_dict()

    @property
    def grouped_in_funnel(self) -> bool:
        return self.territoire.id in self.funnel_table.attrs.get("groupes_regroupes", [])

    @cached_property
    def contacts_figure(self) -> Figure:
        """The contacts this page counts: the territory's, at the actions where the reports
        publish its count."""
        kept, _ = self.contact_sets
        return Figure.count(
            "contacts", action={a.id for a, _ in kept}, territoire=self.territoire.id
        )

    @cached_property
    def profile_breakdown(self) -> Breakdown:
        df = self.contacts_frame
        series = df["profil"] if len(df) else pd.Series([], dtype="string", name="profil")
        return published_breakdown(
            self.publisher,
            self.contacts_figure,
            series,
            "Profil des contacts reçus",
            "contacts",
            labels()["profil"],
        )

    @cached_property
    def origin_breakdown(self) -> Breakdown:
        df = with_origin(self.contacts_frame)
        series = df[ORIGIN] if ORIGIN in df.columns else pd.Series([], dtype="string", name=ORIGIN)
        return published_breakdown(
            self.publisher,
            self.contacts_figure,
            series,
            "Origine géographique des contacts",
            "contacts",
            {**labels()["departement"], OTHER_DEPARTEMENT: "Autres départements"},
        )

    @cached_property
    def funnel_cells(self) -> dict[str, Any] | None:
        """The territory's funnel row as published (its cells in the page's ledger)."""
        row = self.funnel_row
        if row is None:
            return None
        base = Figure.count("porteurs", territoire_premier_contact=self.territoire.id)
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

    def prepare_figures(self) -> None:
        """Decide every published number once (sections only format them)."""
        kept, _ = self.contact_sets
        for action, mine in kept:
            self.publisher.count(
                Figure.count("contacts", action=action.id, territoire=self.territoire.id),
                len(mine),
            )
        self.contacts_total = (
            self.publisher.count(self.contacts_figure, len(self.contacts_frame)) if kept else 0
        )
        _ = self.profile_breakdown, self.origin_breakdown, self.funnel_cells
        df = self.contacts_frame
        missing = int(df["departement"].isna().sum()) if "departement" in df.columns else 0
        self.missing_origin = (
            self.publisher.count(self.contacts_figure.where(ORIGIN, MISSING), missing)
            if missing >= self.seuil
            else None
        )

    @property
    def masking(self) -> list[str]:
        """What the page groups or masks, in French (for the method note)."""
        out = []
        kept, _ = self.contact_sets
        if kept and self.profile_breakdown.masked:
            out.append(
                f"profil des contacts ({plural(self.profile_breakdown.masked, 'catégorie')})"
            )
        if kept and self.origin_breakdown.masked:
            out.append(
                f"origine des contacts ({plural(self.origin_breakdown.masked, 'catégorie')})"
            )
        row = self.funnel_row
        if row is not None:
            masked = [s for s in journeys.FUNNEL_COLUMNS if pd.isna(row[s])]
            if masked:
                out.append(
                    f"parcours des porteurs ({plural(len(masked), 'étape')} masquée"
                    f"{'s' if len(masked) > 1 else ''})"
                )
        return out

    def _contacts_total(self) -> int | None:
        return self.contacts_total

    # -- sections ----------------------------------------------------------------------

    def missing_actions(self) -> list[Action]:
        """Realised actions naming the territory whose data has errors."""
        return [
            a
            for a in self.ws.actions.values()
            if a.statut == "realisee"
            and self.territoire.id in a.territoires
            and not self.ws.valid(a.id)
        ]

    def entete(self) -> Section:
        """Name, milieu, département, structures based there, key figures."""
        t = self.territoire
        here = [s for s in self.ws.structures.values() if s.territoire == t.id]
        G = self.graph
        partners = list(G.neighbors(self.node)) if self.node in G else []
        urban = [
            n for n in partners if network.is_urban_rural(G, self.node, n)
        ]  # ties to the other side
        contacts = self._contacts_total()
        kept, grouped = self.contact_sets
        contacts_label = "Contacts reçus sur les stands"
        contacts_value = shown(contacts)
        if grouped and not kept:
            contacts_value = "non publié"
        elif grouped:
            contacts_label += " (actions où leur nombre est publié)"
        if not kept and not grouped:
            contacts_value = "0"
        cards = [
            {
                "libelle": "Actions réalisées avec la démarche",
                "valeur": fmt.nombre(len(self.joined)),
            },
            {"libelle": contacts_label, "valeur": contacts_value},
            {"libelle": "Partenaires dans le réseau", "valeur": fmt.nombre(len(partners))},
            {"libelle": "dont liens ville-campagne", "valeur": fmt.nombre(len(urban))},
        ]
        return Section(
            [
                self.absent_alert(),
                self.render(
                    "territoire_entete.html.j2",
                    nom=t.nom,
                    milieu=label("milieu", t.milieu),
                    departement=label("departement", t.departement)
                    if t.departement
                    else "non renseigné",
                    structures=[s.nom for s in here],
                    depuis=min((a.annee for a in self.joined if a.annee), default=None),
                    cartes=cards,
                    fictive=self.fictive,
                    notice=FICTITIOUS_NOTICE,
                    source=self.ws.demarche.source,
                ),
            ]
        )

    def actions(self) -> Section:
        """The actions the territory joined (action.yml or tables), and those planned."""
        if not self.joined and not self.others:
            return Section(
                [
                    self.note(
                        "Aucune action enregistrée : ce territoire ne figure encore dans aucune "
                        "action de la démarche (ni dans un action.yml, ni dans un tableau de "
                        "participants, de contacts ou d'événements)."
                    )
                ]
            )
        items: list[Any] = []
        if self.joined:
            rows = []
            for a in self.joined:
                detail = (
                    None
                    if self.territoire.id in a.territoires
                    else "présent parmi les participants, contacts ou événements"
                )
                rows.append(
                    [
                        link(a.titre, self._page(a), detail),
                        type_label(self.ws, a.type),
                        fmt.periode(a.date_debut, a.date_fin),
                        a.lieu or "—",
                    ]
                )
            years = sorted({a.annee for a in self.joined if a.annee})
            items.append(
                Html(
                    "<p>"
                    + esc(
                        f"{self.nom} a pris part à "
                        f"{plural(len(self.joined), 'action réalisée', 'actions réalisées')} "
                        f"de la démarche ({', '.join(str(y) for y in years)})."
                    )
                    + "</p>"
                )
            )
            items.append(
                self.table(
                    "Actions réalisées auxquelles le territoire a pris part",
                    [
                        ("Action", False),
                        ("Type", False),
                        ("Dates", False),
                        ("Lieu", False),
                    ],
                    rows,
                )
            )
        else:
            items.append(self.note("Aucune action réalisée à ce jour avec ce territoire."))
        if self.others:
            items.append(
                self.table(
                    "Actions prévues ou annulées qui associent le territoire",
                    [("Action", False), ("Type", False), ("Dates", False), ("Statut", False)],
                    [
                        [
                            link(a.titre),
                            type_label(self.ws, a.type),
                            fmt.periode(a.date_debut, a.date_fin),
                            label("statut", a.statut),
                        ]
                        for a in self.others
                    ],
                )
            )
        if self.wished:
            items.append(
                self.note(
                    "Des porteurs de projet ont aussi désigné ce territoire comme lieu "
                    "d'installation souhaité lors de : "
                    + ", ".join(a.titre for a in self.wished)
                    + "."
                )
            )
        return Section(items)

    def devenir(self) -> Section:
        """What became of the project holders whose first contact was with the territory."""
        row = self.funnel_cells
        population = (
            "Porteurs de projet dont le premier contact avec la démarche s'est fait avec "
            f"{self.nom} (contact sur un stand, ou territoire visé lors d'une session)"
        )
        if row is None:  # nobody, or too few: the same words for both
            return Section(
                [
                    self.note(
                        "Pas de parcours publié pour ce territoire : aucun porteur de projet "
                        f"n'y a eu son premier contact, ou moins de {self.seuil} (leurs parcours "
                        "sont alors comptés avec ceux d'autres territoires)."
                    )
                ]
            )
        return Section(
            [
                Html(f"<p>{esc(population)}, suivis sous pseudonyme.</p>"),
                self.funnel(
                    row,
                    f"Jusqu'où sont allés les porteurs rencontrés par {self.nom}",
                    "porteurs de projet",
                ),
            ]
        )

    def note_methode(self) -> Html:
        points = [
            "Actions : actions réalisées où le territoire figure dans action.yml ou dans les "
            "tableaux de participants, de contacts ou d'événements.",
            "Contacts : lignes des tableaux de contacts des stands dont la colonne territoire "
            "désigne ce territoire, seulement pour les actions dont le bilan publie ce nombre "
            "séparément.",
            "Parcours : porteurs de projet suivis sous pseudonyme dont le premier contact s'est "
            "fait avec le territoire ; le tableau des parcours par territoire est protégé dans "
            "son ensemble (les territoires trop petits sont regroupés).",
        ]
        return self.render(
            "revue_note.html.j2",
            points=points,
            seuil=self.seuil,
            masked=list(dict.fromkeys(self.masking)),
            avertissements=self.reading_warnings(self.joined, named=True),
            fictive=self.fictive,
            notice=FICTITIOUS_NOTICE,
            source=self.ws.demarche.source,
        )

    def summary(self) -> dict[str, Any]:
        """Machine-readable summary for the site index (``detail`` beside the link)."""
        n = len(self.joined)
        if n == 0 and not self.others:
            detail = "aucune action enregistrée"
        elif n == 0:
            detail = "aucune action réalisée, " + plural(
                len(self.others), "action prévue ou annulée", "actions prévues ou annulées"
            )
        else:
            detail = plural(n, "action")
            contacts = self._contacts_total()
            if contacts:
                detail += ", " + plural(contacts, "contact")
        payload = {
            "detail": detail,
            "territoire": self.territoire.id,
            "actions": [a.id for a in self.joined],
            "contacts": self._contacts_total(),
        }
        return payload
