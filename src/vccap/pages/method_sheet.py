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
from vccap.indicators import ObjectiveResult, action_indicators
from vccap.model import Action, TypeAction
from vccap.pages.base import Page
from vccap.pages.blocks import Breakdown, count_labels, protect
from vccap.pages.display import (
    CATEGORIES,
    FICTITIOUS_NOTICE,
    Html,
    Section,
    esc,
    label,
    markdown,
    plural,
)
from vccap.pages.registry import PageKind, Reads
from vccap.pages.sheet_text import (
    ABSTRACT_LIMIT,
    Edition,
    bullets,
    delai_texte,
    edition_labels,
    inline,
    jour_label,
    lower_first,
    sentence,
    truncate_abstract,
    value_range,
)
from vccap.workspace import Workspace

LICENCE = "Licence Ouverte / Etalab 2.0"
CHECKBOX = "☐"
NO_EDITION = "Aucune édition de ce type d'action n'a encore été réalisée dans l'espace de travail"
WORKED = "Ce qui a fonctionné"
DIFFICULTIES = "Difficultés"
TO_CHANGE = "À faire évoluer"
ADVICE = "Conseils pour transférer"


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


# --------------------------------------------------------------------------- the sheet


class MethodSheet(Page):
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
                values, objectives = action_indicators(self.ws, action.id)
                self.editions.append(
                    Edition(
                        action,
                        self.ws.tables(action.id),
                        values,
                        objectives,
                        self.ws.debrief(action.id),
                    )
                )
        edition_labels(self.editions)
        self.audience_breakdowns: list[Breakdown] = self._audience_breakdowns()
        self.masking: list[Breakdown] = [b for b in self.audience_breakdowns if b.masked]

    def _audience_breakdowns(self) -> list[Breakdown]:
        """Profiles (and structure categories) of the people reached, all editions pooled."""
        frames: dict[str, list[pd.DataFrame]] = {"contacts": [], "participants": []}
        for e in self.editions:
            if e.audience is not None:
                kind, df = e.audience
                frames[kind].append(df)
        out = []
        for kind, dfs in frames.items():
            if not dfs:
                continue
            pooled = pd.concat(dfs, ignore_index=True)
            population = "contacts" if kind == "contacts" else "participants"
            out.append(
                protect(
                    count_labels(pooled["profil"], "profil"),
                    self.seuil,
                    "Profil du public",
                    population,
                )
            )
            if (
                "categorie_structure" in pooled.columns
                and pooled["categorie_structure"].notna().any()
            ):
                out.append(
                    protect(
                        count_labels(
                            pooled["categorie_structure"],
                            mapper=lambda v: CATEGORIES.get(str(v), str(v)),
                        ),
                        self.seuil,
                        "Catégorie des structures représentées",
                        f"{population} rattachés à une structure connue",
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

    def entete(self) -> Html:
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
                f"{kind} ({plural(len(df), 'ligne')})" for kind, df in sorted(e.tables.items())
            ]
            if e.action.budget:
                tables.append("budget de action.yml")
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
        return self.render(
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
        )

    def abstract(self) -> tuple[str, str]:
        """The practice abstract (≤ 1,500 characters) and where it comes from."""
        figures = self._figuressentence()
        room = ABSTRACT_LIMIT - (len(figures) + 1 if figures else 0)
        base = " ".join(str(self.spec.extra.get("resume") or "").split())
        origin = "catalogue"
        if not base:
            base, origin = self._assembled_abstract(), "retours" if self.editions else "type"
        text = truncate_abstract(base, room)
        if figures:
            text = f"{text} {figures}".strip()
        text = truncate_abstract(text)
        assert len(text) <= ABSTRACT_LIMIT
        return text, origin

    def _figuressentence(self) -> str:
        if not self.editions:
            return ""
        n = len(self.editions)
        years = self._years()
        head = (
            f"Expérience tirée d'une édition ({self.editions[0].label})"
            if n == 1
            else f"Expérience tirée de {n} éditions ({', '.join(years)})"
        )
        parts = []
        for ind in self.spec.indicateurs_cles[:3]:
            values = [e.value(ind) for e in self.editions if e.value(ind) is not None]
            if not values:
                continue
            unit = self._unit(ind)
            low, high = min(values), max(values)
            shown = (
                fmt.valeur(low, unit)
                if low == high
                else f"de {fmt.valeur(low, unit)} à {fmt.valeur(high, unit)}"
            )
            parts.append(f"{self._ind_label(ind).lower()} : {shown}")
        return f"{head}{' : ' + ' ; '.join(parts) if parts else ''}."

    def _assembled_abstract(self) -> str:
        worked = [bullets(e.section(WORKED))[:1] for e in self.editions]
        advice = [bullets(e.section(ADVICE))[:1] for e in self.editions]
        text = sentence(self.spec.description or self.libelle)
        good = [sentence(b[0]) for b in worked if b]
        tips = [sentence(b[0]) for b in advice if b]
        if good:
            text += " Ce qui a fonctionné : " + " ".join(good)
        if tips:
            text += " Conseil pour le refaire : " + " ".join(tips)
        return text

    def resume(self) -> Html:
        """The practice abstract, at most 1,500 characters."""
        text, origin = self.abstract()
        if origin == "catalogue":
            origin_text = "texte du catalogue des types d'action" + (
                ", complété des chiffres des éditions" if self.editions else ""
            )
        elif origin == "retours":
            origin_text = "assemblé à partir des retours d'expérience des éditions"
        else:
            origin_text = "description du type d'action dans le catalogue"
        return self.render(
            "fiche_resume.html.j2",
            texte=text,
            longueur=fmt.nombre(len(text)),
            limite=fmt.nombre(ABSTRACT_LIMIT),
            origine=origin_text,
            aucune=None if self.editions else sentence(NO_EDITION),
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
            n = privacy.safe_count(len(df), self.seuil)
            shown = fmt.nombre(n) if n is not None else f"moins de {self.seuil}"
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
                    "ajoutez des étapes (etape, jours_avant) dans types_action.yml."
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
        layout = charts._layout("Rétroplanning", height=max(220, 80 + 46 * len(rows)))
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
                note="Coût total : budget de action.yml et tableau des coûts. Jours d'agents : "
                "temps passé déclaré dans action.yml (temps_agents_jours).",
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
                    "Structures partenaires (d'après structures.csv)",
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
        kind, df = audience
        return total / len(df), "par contact" if kind == "contacts" else "par participant"

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

    def conditions_transfert(self) -> Section:
        """Prerequisites (catalogue), the teams' advice, and what belongs to the context."""
        items: list[Any] = [self.heading("Prérequis à vérifier avant de se lancer")]
        prerequisites = [
            {"html": inline(str(c)), "source": ""}
            for c in self.spec.extra.get("conditions_transfert") or []
            if str(c).strip()
        ]
        items.append(
            self.render("fiche_checklist.html.j2", items=prerequisites, case=CHECKBOX)
            if prerequisites
            else self.note("Le catalogue ne liste pas encore de prérequis pour ce type d'action.")
        )
        items.append(self.heading("Conseils des équipes qui l'ont fait"))
        advice = [
            {"html": inline(b), "source": e.label}
            for e in self.editions
            for b in bullets(e.section(ADVICE))
        ]
        if advice:
            items.append(self.render("fiche_checklist.html.j2", items=advice, case=CHECKBOX))
        elif self.editions:
            items.append(self.note("Aucun retour d'expérience ne contient encore de conseil."))
        else:
            items.append(self._none())
        items.append(self.heading("Ce qui tient au contexte d'origine"))
        if not self.editions:
            items.append(self._none())
            return Section(items)
        d = self.ws.demarche
        specific = []
        if d.region:
            specific.append(
                f"Une démarche régionale ({d.region})"
                + (f", coordonnée par {d.chef_de_file}" if d.chef_de_file else "")
                + " : ailleurs, il faut une structure qui joue ce rôle d'animation."
            )
        places = list(dict.fromkeys(e.action.lieu for e in self.editions if e.action.lieu))
        if places:
            specific.append(
                "Lieu"
                + ("x" if len(places) > 1 else "")
                + " des éditions : "
                + ", ".join(places)
                + " ; le public urbain visé dépend de la ville choisie."
            )
        counts = [len(e.action.territoires) for e in self.editions]
        if any(counts):
            shown = (
                fmt.nombre(counts[0])
                if min(counts) == max(counts)
                else f"{fmt.nombre(min(counts))} à {fmt.nombre(max(counts))}"
            )
            specific.append(f"Territoires engagés à chaque édition : {shown}.")
        funders = sorted(
            {f for e in self.editions for _, _, f in self._budget_lines(e) if f},
        )
        if funders:
            specific.append("Financeurs mobilisés : " + ", ".join(funders) + ".")
        items.append(Html("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in specific) + "</ul>"))
        return Section(items)

    def recommendations_list(self) -> list[str]:
        """Recommendations drawn from the editions' results, targets and data (French)."""
        out: list[str] = []
        latest = self.latest
        if latest is None:
            return out
        with_target = [o for o in latest.objectives if o.indicateur and o.cible is not None]
        missed = [o for o in with_target if o.statut in ("non_atteint", "partiellement_atteint")]
        for o in missed:
            out.append(
                f"Objectif « {o.libelle} » ({latest.label}) {o.statut_libelle} : "
                f"{fmt.valeur(o.valeur, o.unite)} pour une cible de "
                f"{fmt.valeur(o.cible, o.unite)}. Revoir la cible ou les moyens engagés."
            )
        if with_target and not missed and all(o.statut == "atteint" for o in with_target):
            out.append(
                f"Les {plural(len(with_target), 'objectif chiffré', 'objectifs chiffrés')} de "
                f"l'édition {latest.label} ont été atteints : les cibles de la prochaine "
                "édition peuvent être relevées."
            )
        targeted = {o.indicateur for o in latest.objectives if o.cible is not None}
        untargeted = [
            ind
            for ind in [*self.spec.indicateurs_cles, "taux_satisfaction"]
            if ind in self.spec.indicateurs
            and ind not in targeted
            and latest.value(ind) is not None
        ]
        for ind in dict.fromkeys(untargeted):
            out.append(
                f"Fixer une cible pour « {self._ind_label(ind)} » : l'indicateur est mesuré "
                f"({fmt.valeur(latest.value(ind), self._unit(ind))} en {latest.label}) mais "
                "sans objectif chiffré."
            )
        if len(self.editions) >= 2:
            previous = self.editions[-2]
            watched = [
                *self.spec.indicateurs_cles,
                "taux_satisfaction",
                "cout_par_contact",
                "cout_par_participant",
            ]
            for ind in dict.fromkeys(watched):
                if ind not in self.spec.indicateurs:
                    continue
                before, after = previous.value(ind), latest.value(ind)
                if before is None or after is None or before == after:
                    continue
                ind_spec = self.ws.indicateurs.get(ind)
                worse = (
                    (after > before) if ind_spec and ind_spec.sens == "baisse" else (after < before)
                )
                if worse:
                    unit = self._unit(ind)
                    verb = "a augmenté" if after > before else "a baissé"
                    out.append(
                        f"« {self._ind_label(ind)} » {verb} entre {previous.label} "
                        f"({fmt.valeur(before, unit)}) et {latest.label} "
                        f"({fmt.valeur(after, unit)}) : en chercher les raisons au bilan "
                        "collectif."
                    )
        for kind in self.spec.tables:
            missing = [e.label for e in self.editions if kind not in e.tables]
            if missing:
                out.append(
                    f"Recueillir le tableau « {kind} » à chaque édition (absent pour : "
                    f"{', '.join(missing)}) : sans lui, des indicateurs restent non mesurés."
                )
        no_days = [e.label for e in self.editions if e.action.temps_agents_jours is None]
        if no_days:
            out.append(
                "Noter le temps passé par les agents (temps_agents_jours dans action.yml) : "
                f"non renseigné pour {', '.join(no_days)}."
            )
        no_debrief = [e.label for e in self.editions if e.debrief is None]
        if no_debrief:
            out.append(
                "Rédiger le retour d'expérience collectif dans le mois qui suit l'action "
                f"(absent pour {', '.join(no_debrief)})."
            )
        changes = bullets(latest.section(TO_CHANGE))
        if changes:
            out.append(
                f"Mettre en œuvre les pistes retenues après l'édition {latest.label} : "
                + " ; ".join(lower_first(c.rstrip(".")) for c in changes)
                + "."
            )
        return out

    def recommandations(self) -> Html:
        """What to do next time, drawn from targets, results, data and the latest debrief."""
        if not self.editions:
            return self._none("pas encore de recommandation tirée de l'expérience")
        items = self.recommendations_list()
        if not items:
            return self.note("Aucune recommandation particulière ne ressort des éditions.")
        return Html(
            '<ol class="vc-recommandations">'
            + "".join(f"<li>{inline(i)}</li>" for i in items)
            + "</ol>"
        )

    def outils_contacts(self) -> Section:
        """Tools, templates and organisations to contact (organisations only, never people)."""
        from vccap.schemas import TABLE_KINDS, load_schema

        items: list[Any] = [self.heading("Outils")]
        tools = [
            [str(t.get("nom", "")), str(t.get("description", ""))]
            for t in self.spec.extra.get("outils") or []
            if isinstance(t, dict) and t.get("nom")
        ]
        if tools:
            items.append(
                self.table("Outils utiles", [("Outil", False), ("À quoi il sert", False)], tools)
            )
        else:
            items.append(
                self.note("Le catalogue ne liste pas encore d'outil pour ce type d'action.")
            )
        items.append(self.heading("Modèles fournis avec vccap"))
        templates = []
        for kind in self.spec.tables:
            if kind in TABLE_KINDS:
                schema = load_schema(kind)
                text = f"{schema.title} : {lower_first(schema.description)}"
                templates.append([f"{kind}.xlsx", text])
        templates.append(
            ["action.yml", "La fiche de l'action : dates, territoires, objectifs, cibles, budget."]
        )
        templates.append(
            ["retour_experience.md", "Le retour d'expérience de l'équipe, en quatre rubriques."]
        )
        items.append(
            self.table(
                "Modèles du dossier de transfert",
                [("Fichier", False), ("Contenu", False)],
                templates,
                note=f"Tous ces modèles sont réunis par la commande « vccap transfer "
                f"{self.type_id} », avec cette fiche.",
            )
        )
        items.append(self.heading("Organisations à contacter"))
        orgs = []
        if self.ws.demarche.chef_de_file:
            orgs.append({"terme": "Chef de file", "definition": self.ws.demarche.chef_de_file})
        partners = []
        for sid in self._partners():
            s = self.ws.structures.get(sid)
            role = CATEGORIES.get(s.categorie, s.categorie).lower() if s else ""
            partners.append(self._structure(sid) + (f" ({role})" if role else ""))
        if partners:
            orgs.append({"terme": "Partenaires", "definition": ", ".join(partners)})
        territories = [self._territory(t) for t in self._territories()]
        if territories:
            orgs.append({"terme": "Territoires", "definition": ", ".join(territories)})
        if orgs:
            items.append(
                self.render(
                    "fiche_definitions.html.j2",
                    items=orgs,
                    note="Seules des organisations sont citées : pour être mis en relation "
                    "avec une personne, passez par le chef de file.",
                )
            )
        else:
            items.append(self._none())
        return Section(items)

    def note_methode(self) -> Html:
        """Which editions were used, what was masked, where the data comes from."""
        return self.render(
            "fiche_note.html.j2",
            editions=[f"{e.label} ({e.action.id})" for e in self.editions],
            exclues=[a.id for a in self.excluded],
            autres=[f"{a.id} ({label('statut', a.statut).lower()})" for a in self.others],
            seuil=self.seuil,
            masked=[{"titre": b.titre, "n": b.masked} for b in self.masking],
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
        }
        return payload
