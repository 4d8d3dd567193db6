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

from vccap import cooperation, fmt, journeys, network
from vccap.disclosure.ledger import MISSING, Figure
from vccap.disclosure.populations import ORIGIN, OTHER_DEPARTEMENT, with_origin
from vccap.errors import InvalidWorkspace, UnknownTerritory
from vccap.model import Action, Territoire
from vccap.normalize import fold
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, shown
from vccap.pages.display import (
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    labels,
    plural,
    unpublished,
)
from vccap.pages.figures import published_breakdown
from vccap.pages.registry import PEOPLE_TABLES, PageKind, PlanFacts, Reads
from vccap.pages.territory_actions import ActionsSection
from vccap.pages.territory_contacts import ContactSections, published_contacts
from vccap.pages.territory_network import NetworkSection
from vccap.workspace import Workspace

FUNNEL_BY = "territoire_premier_contact"
#: What a territory page reads of the actions that name it.
TERRITORY_TABLES = frozenset((*PEOPLE_TABLES, "evenements"))


# --------------------------------------------------------------------------- the page kind


def _mentioning(ws: Workspace, key: str, facts: PlanFacts) -> tuple[str, ...]:
    """Actions that may concern the territory: named in action.yml (territories, place,
    partners based there) or inside their tables (directly or through a structure based
    there: the scan's facts)."""
    mine = {s.id for s in ws.structures.values() if s.territoire == key}
    return tuple(
        a.id
        for a in ws.actions.values()
        if key in a.territoires
        or a.territoire_accueil == key
        or mine & set(a.partenaires)
        or key in facts.territories.get(a.id, frozenset())
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


# --------------------------------------------------------------------------- the page


class TerritoryProfile(ActionsSection, ContactSections, NetworkSection, Page):
    """The page of one territory of territoires.csv."""

    KIND = KIND

    def prepare(self) -> None:
        self.territoire: Territoire = self.ws.territoires[self.key]
        self.joined: list[Action] = []  # realised, concerning it (see cooperation.territory_roles)
        self.others: list[Action] = []  # planned / cancelled concerning it
        self.wished: list[Action] = []  # realised, named as territoire_vise
        self.roles: dict[str, cooperation.TerritoryRole] = {}
        # Realised actions only its structures took part in: counted with each structure,
        # not as the territory's (a CCI of the metropolis is not the metropolis).
        self.through_structures = 0
        for action in self.ws.actions.values():
            role = cooperation.territory_roles(self.ws, action).get(self.territoire.id)
            own = role is not None and (role.participe or role.accueille)
            if action.statut == "realisee":
                if own:
                    self.joined.append(action)
                    self.roles[action.id] = role
                else:
                    self.through_structures += bool(role)
                    if self._wished_at(action):
                        self.wished.append(action)
            elif own or self.territoire.id in action.territoires:
                self.others.append(action)
        self.prepare_figures()

    @property
    def took_part(self) -> list[Action]:
        """The realised actions the territory itself took part in (its stands, its people)."""
        return [a for a in self.joined if self.roles[a.id].participe]

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
        for action in self.took_part:
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

    @property
    def group(self) -> list[str]:
        """The territory's node and those of its structures (structures.csv)."""
        mine = [s.id for s in self.ws.structures.values() if s.territoire == self.territoire.id]
        return [self.node, *(network.node_key(network.STRUCTURE, s) for s in mine)]

    @cached_property
    def partners(self) -> pd.DataFrame:
        """Who the territory and its structures met at realised actions (one row each)."""
        return cooperation.group_ties(self.graph, self.group)

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
        """Name, milieu, département, structures based there, key figures (each defined)."""
        t = self.territoire
        here = [s for s in self.ws.structures.values() if s.territoire == t.id]
        partners = self.partners
        ville_campagne = int(partners["ville_campagne"].sum()) if len(partners) else 0
        contacts = self._contacts_total()
        kept, grouped = self.contact_sets
        contacts_label = "Contacts reçus sur les stands"
        contacts_value = shown(contacts)
        if grouped and not kept:
            contacts_value = "non publié"
        elif grouped:
            contacts_label += " (actions où leur nombre est publié)"
        contacts_definition = "personnes venues parler au territoire sur les stands communs"
        if not kept and not grouped:
            # No stand held: not « 0 », which a stray contact line naming the territory
            # would make false, nor anything that would tell such lines apart.
            contacts_value = "—"
            contacts_definition += " (le territoire n'a tenu aucun stand commun)"
        urban = t.milieu == network.URBAN
        cards = [
            {
                "libelle": "Actions réalisées",
                "valeur": fmt.nombre(len(self.joined)),
                "definition": "auxquelles le territoire a pris part, ou qui se sont tenues "
                "sur le territoire",
            },
            {
                "libelle": contacts_label,
                "valeur": contacts_value,
                "definition": contacts_definition,
            },
            {
                "libelle": "Partenaires rencontrés",
                "valeur": fmt.nombre(len(partners)),
                "definition": "territoires et structures qui ont pris part aux mêmes actions "
                "que le territoire ou ses structures",
            },
            {
                "libelle": "dont territoires ruraux" if urban else "dont acteurs urbains",
                "valeur": fmt.nombre(ville_campagne),
                "definition": "territoires ruraux ou périurbains rencontrés par les structures "
                "du territoire"
                if urban
                else "structures ou territoires urbains rencontrés lors des actions",
            },
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

    def devenir(self) -> Section:
        """What became of the project holders whose first contact was with the territory."""
        row = self.funnel_cells
        population = (
            "Porteurs de projet dont le premier contact avec la démarche s'est fait "
            f"{self.territoire.nom_avec('avec')} (contact sur un stand, ou territoire visé lors "
            "d'une session)"
        )
        if row is None:  # nobody, or too few: the same words for both
            return Section(
                [
                    self.note(
                        "Pas de parcours publié pour ce territoire : aucun porteur de projet "
                        "n'y a eu son premier contact, ou leur nombre n'est pas publié "
                        f"({unpublished(self.seuil)}). Leurs parcours sont alors comptés avec "
                        "ceux d'autres territoires."
                    )
                ]
            )
        return Section(
            [
                Html(f"<p>{esc(population)}, suivis sous pseudonyme.</p>"),
                self.funnel(
                    row,
                    f"Jusqu'où sont allés les porteurs rencontrés par {self.territoire.nom_avec()}",
                    "porteurs de projet",
                ),
            ]
        )

    def note_methode(self) -> Html:
        points = [
            "Actions : actions réalisées auxquelles le territoire a pris part (il est inscrit "
            "dans la fiche de l'action, ou au moins "
            f"{self.seuil} participants ou contacts le représentaient, ou il a organisé un des "
            "événements) et actions qui se sont tenues sur le territoire. Les actions "
            "auxquelles seule une structure du territoire a pris part sont comptées avec cette "
            "structure, pas avec le territoire.",
            "Contacts : personnes venues parler au territoire sur les stands communs, "
            "seulement pour les actions dont le bilan publie ce nombre séparément.",
            "Parcours : porteurs de projet suivis sous pseudonyme dont le premier contact s'est "
            "fait avec le territoire ; le tableau des parcours par territoire est protégé dans "
            "son ensemble (les territoires trop petits sont regroupés).",
            "Partenaires : territoires et structures qui ont pris part à au moins une même "
            "action réalisée que le territoire ou l'une de ses structures.",
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
        if n == 0 and not self.others and self.through_structures:
            detail = "aucune action propre, ses structures ont pris part à des actions"
        elif n == 0 and not self.others:
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
