"""The practice abstract of a method sheet (at most 1,500 characters, EIP-AGRI style): the
catalogue's text or the editions' debriefs, with the editions' figures.
A mixin of :class:`vccap.pages.method_sheet.MethodSheet`."""

from __future__ import annotations

from typing import Any

from vccap import fmt
from vccap.pages.display import Html
from vccap.pages.sheet_text import (
    ABSTRACT_LIMIT,
    ADVICE,
    WORKED,
    bullets,
    sentence,
    truncate_abstract,
)

NO_EDITION = "Aucune édition de ce type d'action n'a encore été réalisée dans l'espace de travail"
#: The EIP-AGRI category that fits the démarche, and its own keywords.
EIP_KEYWORDS = (
    "Diversification et développement rural ; coopération ville-campagne ; emploi et "
    "création d'activités"
)


class AbstractSections:
    """The sheet's « Résumé de la pratique »."""

    def abstract(self) -> tuple[str, str]:
        """The practice abstract (≤ 1,500 characters) and where it comes from."""
        figures = self._figures_sentence()
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

    def _figures_sentence(self) -> str:
        if not self.editions:
            return ""
        n = len(self.editions)
        years = self._years()
        head = (
            f"Expérience tirée d'une édition ({self.editions[0].label})"
            if n == 1
            else f"Expérience tirée de {n} éditions ({', '.join(years)})"
        )
        if self.excluded:
            k = len(self.excluded)
            head += (
                f", {k} autre{'s' if k > 1 else ''} laissée{'s' if k > 1 else ''} de côté "
                "(données à corriger)"
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

    def practice_abstract(self) -> dict[str, Any]:
        """The practice abstract in the EIP-AGRI common format, in French: ``titre``,
        ``resume`` (the summary for practitioners, at most 1,500 characters: the one the sheet
        shows) and ``profil``, the project-profile fields that apply, as ``[{champ,
        valeur}]`` (empty fields left out). Organisations only, never a person."""
        d = self.ws.demarche
        text, _ = self.abstract()
        dates = [e.action.date_debut for e in self.editions if e.action.date_debut]
        ends = [e.action.date_fin or e.action.date_debut for e in self.editions]
        ends = [x for x in ends if x]
        period = ""
        if dates:
            first, last = fmt.date(min(dates)), fmt.date(max(ends or dates))
            period = first if first == last else f"du {first} au {last}"
        planned = [a for a in self.others if a.statut == "prevue"]
        funders = sorted({f for e in self.editions for _, _, f in self._budget_lines(e) if f})
        fields = [
            ("Titre du projet", d.nom),
            ("Objectif de la pratique", " ".join((self.spec.description or "").split())),
            ("Période des éditions", period),
            (
                "Statut du projet",
                "en cours (nouvelle édition prévue)"
                if planned
                else ("achevé" if self.editions else "pas encore d'édition réalisée"),
            ),
            ("Localisation géographique", "France" + (f", {d.region}" if d.region else "")),
            ("Coordinateur", d.chef_de_file),
            ("Partenaires", ", ".join(self._structure(p) for p in self._partners())),
            ("Territoires engagés", ", ".join(self._territory(t) for t in self._territories())),
            ("Sources de financement", ", ".join(funders)),
            ("Mots-clés", EIP_KEYWORDS),
            ("Site internet", d.site),
        ]
        return {
            "titre": self.libelle,
            "resume": text,
            "profil": [{"champ": k, "valeur": v} for k, v in fields if v],
        }

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
