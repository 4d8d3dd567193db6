"""What the report notebooks call: sections of a learning report, ready to display.

Each public method of :class:`ActionReport` returns an object that Jupyter displays (HTML
fragments, plotly bundles). Numbers come from :mod:`vccap.indicators`, charts from
:mod:`vccap.charts`; every breakdown goes through :func:`vccap.privacy.protect_counts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import yaml
from markdown_it import MarkdownIt

from vccap import charts, fmt, privacy
from vccap.errors import InvalidWorkspace
from vccap.indicators import IndicatorValue, ObjectiveResult, action_indicators
from vccap.workspace import DEBRIEF_HEADINGS, Action, Workspace, load_workspace

FICTITIOUS_NOTICE = "Données d'exemple fictives"
SCALE_QUESTIONS = {
    "satisfaction_globale": "Satisfaction globale",
    "utilite": "Utilité",
    "qualite_intervenants": "Qualité des intervenants",
}
SCALE_ORDER = ["tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait"]
SCALE_COLORS = ["#1b6b5f", "#7fbfb3", "#e6a65c", "#c0392b", "#999999"]
GROUPED = "Autres (regroupés)"


# --------------------------------------------------------------------------- display helpers


class Html:
    """An HTML fragment that Jupyter displays as HTML."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return re.sub(r"<[^>]+>", "", self.html).strip()


class Bundle:
    """A raw display bundle (for plotly figures: JSON plus a text alternative)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return self.data


class Items:
    """Several displayable items shown one after the other."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = list(items)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)


@cache
def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (
            resources.files("vccap").joinpath("fragments", name).read_text(encoding="utf-8")
        )
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["nombre"] = fmt.nombre
    env.filters["valeur"] = fmt.valeur
    env.filters["date"] = fmt.date
    return env


def render(name: str, **context: Any) -> Html:
    return Html(_env().get_template(name).render(**context))


@cache
def labels() -> dict[str, dict[str, str]]:
    text = (
        resources.files("vccap").joinpath("catalogue", "libelles.yml").read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def label(vocabulary: str, value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "Non renseigné"
    return labels().get(vocabulary, {}).get(str(value), str(value))


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown(text: str) -> str:
    """Markdown to HTML with raw HTML disabled (a typed ``<script>`` comes out escaped)."""
    return _MD.render(text or "")


def resolve_workspace(path: str | Path) -> Path:
    """Find the workspace whether the notebook runs from the project root or notebooks/."""
    candidate = Path(path)
    if candidate.is_absolute() or (candidate / "demarche.yml").exists():
        return candidate
    here = Path.cwd()
    for parent in [here, *here.parents][:4]:
        if (parent / candidate / "demarche.yml").exists():
            return parent / candidate
    return candidate


# --------------------------------------------------------------------------- the report


@dataclass
class Breakdown:
    """A protected breakdown: what is shown and what was grouped."""

    titre: str
    table: pd.DataFrame  # libelle, effectif
    masked: int
    total: int
    population: str


@dataclass
class ActionReport:
    ws: Workspace
    action: Action
    values: dict[str, IndicatorValue] = field(default_factory=dict)
    objectives: list[ObjectiveResult] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    masking: list[Breakdown] = field(default_factory=list)

    @classmethod
    def load(cls, workspace: str | Path, action_id: str) -> ActionReport:
        ws = load_workspace(resolve_workspace(workspace))
        action = ws.action(action_id)
        report = cls(ws, action)
        report.tables = ws.tables(action_id)
        report.values, report.objectives = action_indicators(ws, action_id)
        return report

    # -- small helpers -----------------------------------------------------------------

    @property
    def seuil(self) -> int:
        return self.ws.seuil

    @property
    def type_label(self) -> str:
        spec = self.ws.types.get(self.action.type)
        return spec.libelle if spec else self.action.type

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

    def breakdown(
        self, series: pd.Series, titre: str, vocabulary: str, population: str
    ) -> Breakdown:
        counts = series.map(lambda v: label(vocabulary, v)).value_counts(sort=True)
        counts = counts.drop(labels=["Non renseigné"], errors="ignore")
        protected = privacy.protect_counts(counts, self.seuil, other_label=GROUPED)
        table = protected.table.rename(columns={"categorie": "libelle"})
        result = Breakdown(titre, table, protected.masked, int(counts.sum()), population)
        if protected.masked:
            self.masking.append(result)
        return result

    # -- sections -------------------------------------------------------------------------

    def entete(self) -> Html:
        a = self.action
        sources = []
        spec = self.ws.types.get(a.type)
        expected = spec.tables if spec else []
        for kind in sorted(set(expected) | set(a.files)):
            if kind in self.tables:
                sources.append(
                    {
                        "table": kind,
                        "statut": f"{fmt.nombre(len(self.tables[kind]))} "
                        f"ligne{'s' if len(self.tables[kind]) > 1 else ''}",
                        "ok": True,
                    }
                )
            else:
                sources.append({"table": kind, "statut": "absent", "ok": False})
        return render(
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

    def objectifs(self) -> Html:
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
        return render("objectifs.html.j2", rows=rows)

    def chiffres_cles(self) -> Html:
        cards = [
            {"libelle": v.libelle, "valeur": fmt.valeur(v.valeur, v.unite)}
            for v in self.values.values()
            if v.valeur is not None
        ]
        return render("chiffres.html.j2", cards=cards)

    def _chart(self, b: Breakdown, value_title: str = "Personnes") -> Items:
        if b.table.empty:
            return Items(
                [
                    Html(
                        f'<p class="vc-note"><strong>{_esc(b.titre)}</strong> : '
                        "effectifs trop faibles pour "
                        f"être publiés (seuil de confidentialité : {self.seuil}).</p>"
                    )
                ]
            )
        fig = charts.bar_counts(b.table, b.titre, value_title=value_title)
        top = b.table.iloc[0]
        alt = (
            f"Graphique en barres : {b.titre.lower()} ({fmt.nombre(b.total)} {b.population} "
            f"dont la réponse est connue). Catégorie la plus représentée : {top['libelle']} "
            f"({fmt.nombre(top['effectif'])})."
        )
        if b.masked:
            alt += (
                f" {b.masked} catégorie{'s' if b.masked > 1 else ''} sous le seuil de "
                f"{self.seuil} regroupée{'s' if b.masked > 1 else ''}."
            )
        return Items(
            [
                Bundle(charts.to_bundle(fig, alt)),
                render(
                    "donnees_graphique.html.j2",
                    alt=alt,
                    rows=b.table.to_dict("records"),
                    titre=b.titre,
                ),
            ]
        )

    def graphiques_public(self) -> Items:
        """Who was reached: profile, sector, stage of project, origin."""
        audience = self.audience
        if audience is None:
            return Items(
                [
                    Html(
                        '<p class="vc-note">Aucune liste de participants ou de contacts '
                        "n'a été fournie pour cette action.</p>"
                    )
                ]
            )
        kind, df = audience
        population = "contacts du stand" if kind == "contacts" else "participants"
        items: list[Any] = [
            self._chart(self.breakdown(df["profil"], "Profil du public", "profil", population))
        ]
        holders = df[df["profil"] == "porteur_de_projet"]
        if len(holders) and holders["secteur_projet"].notna().any():
            items.append(
                self._chart(
                    self.breakdown(
                        holders["secteur_projet"],
                        "Secteur d'activité des projets",
                        "secteur_projet",
                        "porteurs de projet",
                    )
                )
            )
        if len(holders) and holders["stade_projet"].notna().any():
            items.append(
                self._chart(
                    self.breakdown(
                        holders["stade_projet"],
                        "Stade d'avancement des projets",
                        "stade_projet",
                        "porteurs de projet",
                    )
                )
            )
        if "departement" in df.columns and df["departement"].notna().any():
            dep = df["departement"].where(
                df["departement"].isin(labels()["departement"]), other="autre"
            )
            dep = dep.where(df["departement"].notna())
            items.append(
                self._chart(
                    self.breakdown(
                        dep.map(lambda d: "Autres départements" if d == "autre" else d),
                        "Origine géographique",
                        "departement",
                        population,
                    )
                )
            )
        return Items(items)

    def graphique_territoires(self) -> Items:
        contacts = self.tables.get("contacts")
        if contacts is None or contacts.empty:
            return Items(
                [
                    Html(
                        '<p class="vc-note">Pas de table de contacts pour cette action : '
                        "la répartition par territoire ne s'applique pas.</p>"
                    )
                ]
            )
        names = {t.id: t.nom for t in self.ws.territoires.values()}
        b = self.breakdown(
            contacts["territoire"].map(names),
            "Contacts reçus par territoire",
            "territoire",
            "contacts du stand",
        )
        return self._chart(b, value_title="Contacts")

    def graphique_evenements(self) -> Items:
        events = self.tables.get("evenements")
        if events is None or events.empty:
            return Items(
                [Html('<p class="vc-note">Pas de table d\'événements pour cette action.</p>')]
            )
        names = {t.id: t.nom for t in self.ws.territoires.values()}
        per_territory = (
            events.assign(nom=events["territoire"].map(names).fillna(events["territoire"]))
            .groupby("nom")["participants"]
            .sum()
            .sort_values(ascending=False)
        )
        protected = privacy.protect_counts(per_territory, self.seuil, other_label=GROUPED)
        table = protected.table.rename(columns={"categorie": "libelle"})
        b = Breakdown(
            "Participants aux événements, par territoire organisateur",
            table,
            protected.masked,
            int(per_territory.sum()),
            "participants",
        )
        if protected.masked:
            self.masking.append(b)
        return self._chart(b)

    def graphiques(self) -> Items:
        """Every chart that applies to this action, each under its own heading."""
        sections: list[Any] = []
        if self.audience is not None:
            sections += [Html("<h3>Les publics touchés</h3>"), self.graphiques_public()]
        if self.tables.get("contacts") is not None and len(self.tables["contacts"]):
            sections += [Html("<h3>Les contacts par territoire</h3>"), self.graphique_territoires()]
        if self.tables.get("evenements") is not None and len(self.tables["evenements"]):
            sections += [Html("<h3>Les événements</h3>"), self.graphique_evenements()]
        if self.tables.get("satisfaction") is not None and len(self.tables["satisfaction"]):
            sections += [Html("<h3>La satisfaction</h3>"), self.graphique_satisfaction()]
        if not sections:
            sections.append(
                Html(
                    '<p class="vc-note">Aucune donnée détaillée (participants, '
                    "contacts, événements, satisfaction) n'a été fournie : "
                    "pas de graphique pour cette action.</p>"
                )
            )
        return Items(sections)

    def graphique_satisfaction(self) -> Items:
        sat = self.tables.get("satisfaction")
        if sat is None or sat.empty:
            return Items(
                [
                    Html(
                        '<p class="vc-note">Aucun questionnaire de satisfaction n\'a été '
                        "recueilli pour cette action.</p>"
                    )
                ]
            )
        frames = []
        masked_any = 0
        for column, question in SCALE_QUESTIONS.items():
            if column not in sat.columns or sat[column].isna().all():
                continue
            counts = sat[column].map(lambda v: label("echelle", v)).value_counts()
            counts = counts.drop(labels=["Non renseigné"], errors="ignore")
            protected = privacy.protect_counts(counts, self.seuil, other_label="Autres réponses")
            masked_any += protected.masked
            t = protected.table.rename(columns={"categorie": "libelle"})
            t.insert(0, "question", question)
            frames.append(t)
        if not frames:
            return Items(
                [
                    Html(
                        '<p class="vc-note">Les questionnaires ne contiennent aucune réponse '
                        "sur l'échelle de satisfaction.</p>"
                    )
                ]
            )
        table = pd.concat(frames, ignore_index=True)
        if table.empty:
            return Items(
                [
                    Html(
                        f'<p class="vc-note">Trop peu de réponses pour publier la '
                        f"satisfaction (seuil : {self.seuil}).</p>"
                    )
                ]
            )
        order = [label("echelle", v) for v in SCALE_ORDER] + ["Autres réponses"]
        fig = charts.stacked_scale(
            table, "Satisfaction des participants", order=order, colors=SCALE_COLORS
        )
        rate = self.values.get("taux_satisfaction")
        n = int(sat["satisfaction_globale"].notna().sum()) if "satisfaction_globale" in sat else 0
        alt = f"Barres empilées : réponses au questionnaire ({fmt.nombre(n)} réponses). "
        if rate is not None and rate.valeur is not None:
            alt += f"{fmt.part(rate.valeur)} des répondants sont satisfaits ou très satisfaits."
        if masked_any:
            self.masking.append(Breakdown("Satisfaction", table, masked_any, n, "répondants"))
        rows = [
            {"libelle": f"{r['question']} — {r['libelle']}", "effectif": r["effectif"]}
            for r in table.to_dict("records")
        ]
        return Items(
            [
                Bundle(charts.to_bundle(fig, alt)),
                render(
                    "donnees_graphique.html.j2",
                    alt=alt,
                    rows=rows,
                    titre="Satisfaction des participants",
                ),
            ]
        )

    def bilan(self) -> Html:
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
        return render(
            "bilan.html.j2",
            intro=markdown(debrief.intro) if debrief.intro else "",
            sections=sections,
        )

    def citations(self, limit: int = 6) -> Html:
        debrief = self.ws.debrief(self.action.id)
        quotes = list(debrief.quotes) if debrief else []
        sat = self.tables.get("satisfaction")
        if sat is not None and "commentaire" in sat.columns:
            comments = [c.strip() for c in sat["commentaire"].dropna().astype(str) if c.strip()]
            quotes.extend(comments)
        quotes = list(dict.fromkeys(quotes))[:limit]
        return render("citations.html.j2", quotes=quotes)

    def comparaison(self) -> Items:
        same = [
            a
            for a in self.ws.actions.values()
            if a.type == self.action.type
            and a.statut == "realisee"
            and (a.date_debut or a.id) <= (self.action.date_debut or a.id)
        ]
        if len(same) < 2:
            return Items(
                [
                    Html(
                        "<p class=\"vc-note\">C'est la première édition de ce type d'action "
                        "dans l'espace de travail : pas encore de comparaison possible.</p>"
                    )
                ]
            )
        spec = self.ws.types.get(self.action.type)
        key_ids = list(spec.indicateurs_cles) if spec else []
        rows = []
        for other in same:
            try:
                values = (
                    self.values
                    if other.id == self.action.id
                    else action_indicators(self.ws, other.id)[0]
                )
                cells = [
                    fmt.valeur(values[k].valeur, values[k].unite) if k in values else "—"
                    for k in key_ids
                ]
                raw = [values[k].valeur if k in values else None for k in key_ids]
            except InvalidWorkspace:
                cells, raw = ["données invalides"] * len(key_ids), [None] * len(key_ids)
            rows.append(
                {
                    "id": other.id,
                    "titre": other.titre,
                    "date": fmt.date(other.date_debut),
                    "annee": other.annee,
                    "courante": other.id == self.action.id,
                    "cellules": cells,
                    "brut": raw,
                }
            )
        headers = [self.ws.indicateurs[k].libelle for k in key_ids]
        items: list[Any] = [render("comparaison.html.j2", headers=headers, rows=rows)]
        if key_ids:
            first = self.ws.indicateurs[key_ids[0]]
            data = pd.DataFrame(
                {
                    "edition": [r["date"] for r in rows],
                    "valeur": [r["brut"][0] for r in rows],
                }
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
                items.append(Bundle(charts.to_bundle(fig, alt)))
                items.append(Html(f'<p class="vc-alt">{_esc(alt)}</p>'))
        return Items(items)

    def note_methode(self) -> Html:
        sizes = [{"table": kind, "lignes": fmt.nombre(len(df))} for kind, df in self.tables.items()]
        response = None
        sat = self.tables.get("satisfaction")
        audience = self.tables.get("participants")
        if sat is not None and audience is not None and len(audience):
            response = fmt.part(min(1.0, len(sat) / len(audience)))
        masked = [{"titre": b.titre, "n": b.masked} for b in self.masking]
        return render(
            "note_methode.html.j2",
            sizes=sizes,
            reponse=response,
            seuil=self.seuil,
            masked=masked,
            fictive=self.action.fictive,
            source=self.action.source,
            notice=FICTITIOUS_NOTICE,
        )

    def resume_site(self) -> Bundle:
        """The action's key figures for the site index (a hidden summary cell)."""
        from vccap.build import SUMMARY_MIME

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
        payload = {"chiffres_cles": chiffres, "detail": detail, "action": self.action.id}
        return Bundle({SUMMARY_MIME: payload, "text/plain": detail})


def _esc(text: str) -> str:
    return str(jinja2.utils.markupsafe.escape(text))
