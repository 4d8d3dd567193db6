"""Conditions of transfer, recommendations, tools and contacts of a method sheet.
A mixin of :class:`vccap.pages.method_sheet.MethodSheet`."""

from __future__ import annotations

from typing import Any

from vccap import fmt
from vccap.pages.display import CATEGORIES, Html, Section, esc, plural, table_title
from vccap.pages.sheet_text import (
    ADVICE,
    CHECKBOX,
    TO_CHANGE,
    bullets,
    inline,
    lower_first,
)


class TransferSections:
    """The sheet's « Conditions de transfert », « Recommandations », « Outils » sections."""

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
                    f"Recueillir le tableau « {table_title(kind)} » à chaque édition "
                    f"(absent pour : "
                    f"{', '.join(missing)}) : sans lui, des indicateurs restent non mesurés."
                )
        no_days = [e.label for e in self.editions if e.action.temps_agents_jours is None]
        if no_days:
            out.append(
                "Noter le temps passé par les agents dans la fiche de l'action : "
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
                templates.append([f"Tableau « {schema.title} » (Excel)", text])
        templates.append(
            ["Fiche de l'action", "Dates, lieu, territoires, objectifs, cibles, budget."]
        )
        templates.append(
            ["Retour d'expérience", "Le bilan de l'équipe, en quatre rubriques (texte)."]
        )
        items.append(
            self.table(
                "Modèles du dossier de transfert",
                [("Modèle", False), ("Contenu", False)],
                templates,
                note="L'équipe du projet réunit tous ces modèles, avec cette fiche, dans un "
                "dossier de transfert qu'elle peut envoyer à une autre région.",
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
