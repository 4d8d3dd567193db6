"""Plotly figures in the house style. No computation here: inputs are ready-made tables."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

#: Colour-blind safe palette (Okabe-Ito), first the house colour.
PALETTE = ["#1b6b5f", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00", "#999999"]
HOUSE = PALETTE[0]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Text on the white background (16:1) and the two colours written on bars.
TEXT = "#1f2328"
DARK_ON_BAR = "#000000"
LIGHT_ON_BAR = "#ffffff"


def base_layout(title: str, height: int) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": FONT, "size": 13, "color": TEXT},
        "separators": ", ",  # decimal comma, space for thousands
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 50, "b": 40},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
    }


def bar_counts(
    table: pd.DataFrame,
    title: str,
    *,
    label_col: str = "libelle",
    value_col: str = "effectif",
    value_title: str = "Effectif",
) -> go.Figure:
    """Horizontal bars, biggest first at the top, with their values written on the bars."""
    ordered = table.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ordered[value_col].tolist(),
            y=ordered[label_col].tolist(),
            orientation="h",
            marker={"color": HOUSE},
            text=ordered[value_col].tolist(),
            textposition="auto",
            hovertemplate="%{y} : %{x}<extra></extra>",
            cliponaxis=False,
        )
    )
    layout = base_layout(title, height=max(180, 60 + 34 * len(table)))
    layout["xaxis"] = {
        "title": {"text": value_title},
        "gridcolor": "#e5e5e5",
        "rangemode": "tozero",
    }
    layout["yaxis"] = {"automargin": True}
    fig.update_layout(layout)
    return fig


def stacked_scale(
    table: pd.DataFrame, title: str, *, order: list[str], colors: list[str]
) -> go.Figure:
    """One horizontal stacked bar per question, answers in scale order (table: question,
    libelle, effectif)."""
    fig = go.Figure()
    questions = list(dict.fromkeys(table["question"]))[::-1]
    for answer, color in zip(order, colors, strict=False):
        sub = table[table["libelle"] == answer].set_index("question")
        values = [int(sub.loc[q, "effectif"]) if q in sub.index else 0 for q in questions]
        if not any(values):
            continue
        fig.add_trace(
            go.Bar(
                name=answer,
                x=values,
                y=questions,
                orientation="h",
                marker={"color": color},
                text=values,
                textposition="inside",
                hovertemplate=f"%{{y}} — {answer} : %{{x}}<extra></extra>",
            )
        )
    layout = base_layout(title, height=max(230, 140 + 50 * len(questions)))
    layout.update(
        {
            "barmode": "stack",
            "showlegend": True,
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "margin": {"l": 10, "r": 20, "t": 90, "b": 40},
            "xaxis": {"title": {"text": "Réponses"}, "gridcolor": "#e5e5e5"},
            "yaxis": {"automargin": True},
        }
    )
    fig.update_layout(layout)
    return fig


def editions(table: pd.DataFrame, title: str, *, x_col: str, y_col: str, y_title: str) -> go.Figure:
    """Bars of one indicator across editions of the same type of action."""
    values = [int(v) if float(v).is_integer() else round(float(v), 2) for v in table[y_col]]
    fig = go.Figure(
        go.Bar(
            x=table[x_col].tolist(),
            y=values,
            marker={"color": HOUSE},
            text=values,
            textposition="auto",
            hovertemplate="%{x} : %{y}<extra></extra>",
        )
    )
    layout = base_layout(title, height=340)
    layout["yaxis"] = {
        "title": {"text": y_title},
        "gridcolor": "#e5e5e5",
        "rangemode": "tozero",
        "automargin": True,
    }
    layout["xaxis"] = {"type": "category", "automargin": True}
    fig.update_layout(layout)
    return fig


def luminance(color: str) -> float | None:
    """Relative luminance (WCAG 2.1) of ``#rgb``, ``#rrggbb`` or ``rgb()/rgba()``; None
    for anything else (a named colour, a colour scale)."""
    text = color.strip().lower()
    if text.startswith("#") and len(text) in (4, 7):
        digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
        try:
            channels = [int(digits[i : i + 2], 16) for i in (0, 2, 4)]
        except ValueError:
            return None
    elif text.startswith("rgb"):
        inside = text[text.find("(") + 1 : text.rfind(")")].split(",")
        try:
            channels = [int(float(c)) for c in inside[:3]]
        except ValueError:
            return None
    else:
        return None

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float | None:
    """WCAG contrast ratio of two colours (1 to 21), None when one is not understood."""
    a, b = luminance(first), luminance(second)
    if a is None or b is None:
        return None
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def text_on(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (always 4.5:1 or more)."""
    dark = contrast(DARK_ON_BAR, color) or 21.0
    light = contrast(LIGHT_ON_BAR, color) or 0.0
    return DARK_ON_BAR if dark >= light else LIGHT_ON_BAR


def readable_text(payload: dict[str, Any]) -> dict[str, Any]:
    """Make the values written on bars readable (WCAG AA, 4.5:1): inside a bar, black or
    white after the bar's colour; outside, the house text colour on white. Bars whose
    colour is not a plain colour are left as plotly draws them. Changes ``payload``."""
    for trace in payload.get("data", []):
        if trace.get("type") != "bar" or trace.get("text") is None:
            continue
        color = (trace.get("marker") or {}).get("color")
        if isinstance(color, str) and luminance(color) is not None:
            inside: Any = text_on(color)
        elif isinstance(color, list) and all(
            isinstance(c, str) and luminance(c) is not None for c in color
        ):
            inside = [text_on(c) for c in color]
        else:
            continue
        trace.setdefault("insidetextfont", {})["color"] = inside
        trace.setdefault("outsidetextfont", {})["color"] = TEXT
    return payload


def to_bundle(fig: go.Figure, alt: str) -> dict[str, Any]:
    """A display bundle: the plotly JSON (no uids, so deterministic) and a text fallback.

    Values written on bars get a colour that reads at 4.5:1 (:func:`readable_text`).
    """
    fig.update_xaxes(separatethousands=True)
    fig.update_yaxes(separatethousands=True)
    payload = json.loads(pio.to_json(fig, validate=False, remove_uids=True, engine="json"))
    readable_text(payload)
    # plotly.py's default template (~10 KB per chart, changes with plotly versions) is not
    # needed: the house layout sets what matters and plotly.js supplies the rest.
    payload.get("layout", {}).pop("template", None)
    payload.setdefault("config", {})
    payload["config"].update({"displaylogo": False, "responsive": True})
    return {PLOTLY_MIME: payload, "text/plain": alt}


def participation_figure(
    table: pd.DataFrame,
    *,
    title: str,
    actors: list[str],
    actions: list[str],
    group_styles: dict[str, dict[str, str]],
) -> go.Figure:
    """Who took part in what: one row per actor, one column per action, a mark where the
    actor took part (the actor-action ties, a drawing that reads at a glance).

    ``table`` has one row per tie with columns ``acteur`` and ``action`` (labels, as in
    ``actors`` and ``actions``, which give the order: first actor at the top), ``groupe``
    (legend entry, styled by ``group_styles``: ``{"color": ..., "symbol": ...}``, in that
    order) and ``survol`` (hover text). No computation here.
    """
    fig = go.Figure()
    for group, style in group_styles.items():
        part = table[table["groupe"] == group]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["action"].tolist(),
                y=part["acteur"].tolist(),
                mode="markers",
                name=group,
                hovertext=part["survol"].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
                marker={
                    "color": style.get("color", HOUSE),
                    "symbol": style.get("symbol", "circle"),
                    "size": 12,
                    "line": {"color": "white", "width": 1},
                },
            )
        )
    layout = base_layout(title, height=150 + 24 * len(actors))
    grid = {"showgrid": True, "gridcolor": "#e3e6e8", "zeroline": False, "type": "category"}
    layout.update(
        {
            "showlegend": True,
            # title at the very top, action names under it (automargin), legend at the bottom
            "title": {**layout.get("title", {}), "yref": "container", "y": 0.995, "yanchor": "top"},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "xaxis": {
                **grid,
                "categoryorder": "array",
                "categoryarray": actions,
                "side": "top",
                "tickangle": -40,
                "automargin": True,
                "fixedrange": True,
            },
            "yaxis": {
                **grid,
                "categoryorder": "array",
                "categoryarray": actors[::-1],
                "automargin": True,
                "fixedrange": True,
            },
            "hovermode": "closest",
        }
    )
    fig.update_layout(layout)
    return fig
