"""What a page section gives back: something Jupyter displays, with its data and figures.

- :class:`Html` and :class:`Bundle` are the leaves (an HTML fragment; a raw display bundle
  such as a plotly figure with its text alternative);
- :class:`Section` is what every section of every page returns: the items it shows, in
  order, plus the tables (pandas DataFrames, by title) and plotly figures behind them, so that
  a notebook user can explore a section and build on it (``section.tables``,
  ``section.figures``);
- :class:`Fragments` renders the HTML fragments (``fragments/*.html.j2``, autoescaped), the
  workspace's own ``gabarits/`` first.

Also here: the French labels of the vocabularies (:func:`label`), markdown without raw HTML
(:func:`markdown`) and :func:`chart`, which turns a user's plotly figure into a published,
accessible chart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import yaml
from markdown_it import MarkdownIt

from vccap import fmt, overrides
from vccap.schemas import TABLE_KINDS, load_schema

FICTITIOUS_NOTICE = "Données d'exemple fictives"
GROUPED = "Autres (regroupés)"

#: French labels of the structure categories used in structures.csv (others: as typed).
CATEGORIES = {
    "tete_de_reseau": "Tête de réseau",
    "reseau": "Réseau",
    "financeur": "Financeur",
    "institution": "Institution",
    "association": "Association",
    "emploi": "Emploi",
    "collectivite": "Collectivité",
    "prestataire": "Prestataire",
    "accompagnement_creation": "Accompagnement à la création",
    "accompagnement_installation": "Accompagnement à l'installation",
    "financement": "Financement de projets",
    "chambre_consulaire": "Chambre consulaire",
    "tiers_lieu": "Tiers-lieu",
}


# --------------------------------------------------------------------------- displayables


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


class Section:
    """What a section shows, in order, with the data and figures behind it.

    ``items``: displayables (:class:`Html`, :class:`Bundle`, nested sections);
    ``tables``: title -> DataFrame of the figures shown (after small-count protection, as
    published); ``figures``: the plotly figures shown. Displaying a section in Jupyter shows
    its items one after the other, exactly as the published page does.
    """

    def __init__(
        self,
        items: Iterable[Any] = (),
        *,
        tables: Mapping[str, pd.DataFrame] | None = None,
        figures: Iterable[Any] = (),
    ) -> None:
        self.items: list[Any] = []
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: list[Any] = []
        for item in items:
            self.add(item)
        self.tables.update(tables or {})
        self.figures.extend(figures)

    def add(self, item: Any) -> Section:
        """Append an item; a nested section brings its tables and figures along."""
        if isinstance(item, Section):
            self.items.extend(item.items)
            for title, table in item.tables.items():
                self.tables.setdefault(title, table)
            self.figures.extend(item.figures)
        elif item is not None:
            self.items.append(item)
        return self

    @property
    def data(self) -> pd.DataFrame | None:
        """The section's only (or first) table, or None."""
        return next(iter(self.tables.values()), None)

    @property
    def figure(self) -> Any:
        """The section's first plotly figure, or None."""
        return self.figures[0] if self.figures else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)

    def __repr__(self) -> str:
        return "\n".join(repr(item) for item in self.items)


def chart(fig: Any, alt: str) -> Section:
    """A plotly figure as the pages publish it: drawn from the site's plotly.js, with its
    text alternative (``alt``, in French) read by screen readers and shown when printed.

    For a notebook user's own chart: ``chart(px.bar(df, x="libelle", y="effectif"), "…")``.
    """
    from vccap.charts import to_bundle

    bundle = Bundle(to_bundle(fig, alt))
    return Section([bundle, Html(f'<p class="vc-alt">{esc(alt)}</p>')], figures=[fig])


# --------------------------------------------------------------------------- fragments


class Fragments:
    """The HTML fragments of the pages, the workspace's own (``gabarits/``) first."""

    def __init__(self, workspace: Path | None = None) -> None:
        self.env = jinja2.Environment(
            loader=overrides.fragment_loader(workspace),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["nombre"] = fmt.nombre
        self.env.filters["valeur"] = fmt.valeur
        self.env.filters["date"] = fmt.date

    def render(self, name: str, **context: Any) -> Html:
        return Html(self.env.get_template(name).render(**context))


@cache
def fragments(workspace: Path | None = None) -> Fragments:
    """The fragments of a workspace (one environment per workspace and process)."""
    return Fragments(workspace)


# --------------------------------------------------------------------------- text helpers


@cache
def labels() -> dict[str, dict[str, str]]:
    """French labels of the vocabularies (``catalogue/libelles.yml``)."""
    text = (
        resources.files("vccap").joinpath("catalogue", "libelles.yml").read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def label(vocabulary: str, value: Any) -> str:
    """The French label of a canonical value ("Non renseigné" for a missing one)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "Non renseigné"
    return labels().get(vocabulary, {}).get(str(value), str(value))


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def table_title(kind: str) -> str:
    """A raw table's name for readers (« Coûts » for ``couts``): its schema's title, or
    ``kind`` itself for a kind without a schema."""
    return load_schema(kind).title if kind in TABLE_KINDS else kind


def markdown(text: str) -> str:
    """Markdown to HTML with raw HTML disabled (a typed ``<script>`` comes out escaped)."""
    return _MD.render(text or "")


def unpublished(seuil: int) -> str:
    """Why a count is not published, in words true of every hidden count: under the
    threshold, or hidden by secondary suppression (a count of 5 hidden so that a small one
    cannot be worked back). The same words whatever the reason: telling them apart would
    tell which counts are small."""
    return (
        f"moins de {seuil}, ou caché pour qu'un autre petit nombre ne puisse pas se déduire "
        "des chiffres publiés"
    )


def esc(text: Any) -> str:
    """Text escaped for HTML."""
    return str(jinja2.utils.markupsafe.escape(text))


def plural(
    n: int | float, singular: str, plural_form: str | None = None, *, zero: str | None = None
) -> str:
    """'1 action', '3 actions' (French: 0 and 1 are singular); ``zero``, when given, is the
    whole text for 0 (« aucune action réalisée » rather than « 0 action réalisée »)."""
    if n == 0 and zero is not None:
        return zero
    return f"{fmt.nombre(n)} {singular if n <= 1 else (plural_form or singular + 's')}"


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
