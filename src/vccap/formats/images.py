"""Charts as static images for Word documents: plotly JSON -> PNG, drawn by matplotlib.

Why matplotlib and not plotly's own exporter (kaleido): kaleido 1.x drives a Chrome or
Chromium that it does not ship, so it fails on a fresh machine with only Python; matplotlib
installs from wheels everywhere, draws offline, and gives the same bytes on every run. It
redraws the kinds of traces the kit's charts use (bars, horizontal or vertical, stacked or
side by side; lines and markers, as in the network drawings), in the house colours, with
French numbers. Any other trace (a notebook user's pie chart…) raises
:class:`ChartNotDrawable`, and the document shows the chart's data as a table instead, with
a French note (see :func:`data_rows`).
"""

from __future__ import annotations

import io
import math
from typing import Any

from vccap import fmt
from vccap.charts import TEXT, text_on

DPI = 150
WIDTH_INCHES = 6.6  # about the 170 mm of text width of an A4 page
DEFAULT_COLOR = "#1b6b5f"
SUPPORTED = {"bar", "scatter"}


class ChartNotDrawable(Exception):
    """The figure holds a kind of trace this module does not redraw (``kind``)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _color(value: Any, default: str = DEFAULT_COLOR) -> Any:
    """A plotly colour (``#hex``, ``rgb()``, ``rgba()``, a CSS name) for matplotlib."""
    if not isinstance(value, str):
        return default
    text = value.strip().lower()
    if text.startswith("rgb"):
        parts = [p.strip() for p in text[text.find("(") + 1 : text.rfind(")")].split(",")]
        try:
            rgb = [float(p) / 255 for p in parts[:3]]
            alpha = float(parts[3]) if len(parts) > 3 else 1.0
        except ValueError:
            return default
        return (*rgb, alpha)
    return value


def _text(value: Any) -> str:
    """A plotly title (string or ``{"text": ...}``) without its HTML tags."""
    if isinstance(value, dict):
        value = value.get("text")
    if not isinstance(value, str):
        return ""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", value).split())


def _number(value: float, _pos: Any = None) -> str:
    """Tick labels in French (1 234,5)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return fmt.nombre(round(value, 2))


def _values(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, dict):  # plotly's typed arrays ({"dtype", "bdata"})
        import base64

        import numpy as np

        data = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=raw["dtype"])
        return data.tolist()
    return list(raw)


def _bars(ax: Any, traces: list[dict[str, Any]], layout: dict[str, Any]) -> None:
    horizontal = traces[0].get("orientation") == "h"
    mode = layout.get("barmode", "group")
    categories: list[Any] = []
    for trace in traces:
        for c in _values(trace.get("y" if horizontal else "x")):
            if c not in categories:
                categories.append(c)
    position = {c: i for i, c in enumerate(categories)}
    stacked = mode in ("stack", "relative")
    width = 0.7 if stacked or len(traces) == 1 else 0.8 / len(traces)
    base = [0.0] * len(categories)
    for index, trace in enumerate(traces):
        cats = _values(trace.get("y" if horizontal else "x"))
        vals = [v if v is not None else 0 for v in _values(trace.get("x" if horizontal else "y"))]
        marker = trace.get("marker") or {}
        colors = marker.get("color")
        if isinstance(colors, list):
            colors = [_color(c) for c in colors]
        else:
            colors = _color(colors, default=DEFAULT_COLOR if index == 0 else f"C{index}")
        offset = 0.0 if stacked or len(traces) == 1 else (index - (len(traces) - 1) / 2) * width
        places = [position[c] + offset for c in cats]
        starts = [base[position[c]] for c in cats] if stacked else [0.0] * len(cats)
        draw = ax.barh if horizontal else ax.bar
        kwargs = {"left" if horizontal else "bottom": starts}
        bars = draw(places, vals, width, color=colors, label=trace.get("name") or None, **kwargs)
        if stacked:
            for c, v in zip(cats, vals, strict=False):
                base[position[c]] += float(v)
        if trace.get("text") is not None:
            labels = [_number(v) if v else "" for v in vals]
            if stacked:
                fills = colors if isinstance(colors, list) else [colors] * len(vals)
                for bar, label, fill in zip(bars, labels, fills, strict=False):
                    if not label:
                        continue
                    x, y = bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2
                    ink = text_on(fill) if isinstance(fill, str) and fill.startswith("#") else TEXT
                    ax.text(x, y, label, ha="center", va="center", color=ink, fontsize=8)
            else:
                ax.bar_label(bars, labels=labels, padding=3, color=TEXT, fontsize=8)
    ticks = list(range(len(categories)))
    names = [str(c) for c in categories]
    if horizontal:
        ax.set_yticks(ticks, names)
        ax.xaxis.set_major_formatter(_number)
        ax.grid(axis="x", color="#e5e5e5")
        ax.margins(x=0.12)
    else:
        ax.set_xticks(ticks, names, rotation=0 if len(categories) < 6 else 30, ha="right")
        if len(categories) < 6:
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("center")
        ax.yaxis.set_major_formatter(_number)
        ax.grid(axis="y", color="#e5e5e5")
        ax.margins(y=0.12)
    ax.set_axisbelow(True)


def _scatter(ax: Any, traces: list[dict[str, Any]]) -> None:
    for trace in traces:
        xs = [math.nan if v is None else v for v in _values(trace.get("x"))]
        ys = [math.nan if v is None else v for v in _values(trace.get("y"))]
        mode = trace.get("mode", "lines+markers")
        name = trace.get("name") or None
        if "lines" in mode:
            line = trace.get("line") or {}
            ax.plot(
                xs,
                ys,
                color=_color(line.get("color")),
                linewidth=float(line.get("width", 1.5)),
                label=name if "markers" not in mode else None,
                zorder=1,
            )
        if "markers" in mode:
            marker = trace.get("marker") or {}
            symbol = {"square": "s", "diamond": "D", "triangle-up": "^", "star": "*"}.get(
                str(marker.get("symbol", "circle")), "o"
            )
            size = marker.get("size", 8)
            size = size if isinstance(size, int | float) else 8
            ax.scatter(
                xs,
                ys,
                s=float(size) ** 2 * 0.6,
                color=_color(marker.get("color")),
                marker=symbol,
                edgecolors="white",
                linewidths=0.8,
                label=name,
                zorder=2,
            )
        if "text" in mode:
            for x, y, label in zip(xs, ys, _values(trace.get("text")), strict=False):
                if label:
                    ax.annotate(
                        str(label),
                        (x, y),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        fontsize=7,
                        color=TEXT,
                    )


def _axes(ax: Any, layout: dict[str, Any]) -> None:
    for name, axis in (("xaxis", ax.xaxis), ("yaxis", ax.yaxis)):
        spec = layout.get(name) or {}
        if spec.get("visible") is False:
            axis.set_visible(False)
            ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
        title = _text(spec.get("title"))
        if title:
            (ax.set_xlabel if name == "xaxis" else ax.set_ylabel)(title, color=TEXT)
        bounds = spec.get("range")
        if isinstance(bounds, list) and len(bounds) == 2 and spec.get("type") != "category":
            (ax.set_xlim if name == "xaxis" else ax.set_ylim)(*bounds)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=8)


def render_png(figure: dict[str, Any]) -> bytes:
    """A plotly figure (its JSON: ``data``, ``layout``) drawn as a PNG image.

    About 6.6 inches wide at 150 dpi (990 px), as tall as the figure's ``layout.height``
    (pixels at 100 per inch). The same figure always gives the same bytes. Raises
    :class:`ChartNotDrawable` when a trace is of a kind not redrawn here.
    """
    from matplotlib.figure import Figure

    traces = [t for t in figure.get("data", []) if t.get("visible", True) is not False]
    kinds = {t.get("type", "scatter") for t in traces}
    unknown = sorted(kinds - SUPPORTED)
    if unknown:
        raise ChartNotDrawable(unknown[0])
    if not traces:
        raise ChartNotDrawable("vide")
    layout = figure.get("layout") or {}
    height = layout.get("height") if isinstance(layout.get("height"), int | float) else 400
    fig = Figure(figsize=(WIDTH_INCHES, max(2.2, float(height) / 100)), dpi=DPI)
    ax = fig.add_subplot()
    bars = [t for t in traces if t.get("type") == "bar"]
    if bars:
        _bars(ax, bars, layout)
    _scatter(ax, [t for t in traces if t.get("type", "scatter") == "scatter"])
    _axes(ax, layout)
    title = _text(layout.get("title"))
    if title:
        ax.set_title(title, loc="left", fontsize=11, color=TEXT, fontweight="bold")
    if layout.get("showlegend") and any(t.get("name") for t in traces):
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 if bars else -0.02),
            ncol=min(4, len(traces)),
            frameon=False,
            fontsize=8,
        )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def data_rows(figure: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The values of a chart that cannot be drawn, as a table: headers and rows (text).

    One row per point: the trace's name (when there are several), x and y as written.
    """
    traces = figure.get("data", [])
    several = len(traces) > 1
    headers = (["Série"] if several else []) + ["Abscisse", "Valeur"]
    rows: list[list[str]] = []
    for trace in traces:
        xs = _values(trace.get("x") or trace.get("labels"))
        ys = _values(trace.get("y") or trace.get("values"))
        for x, y in zip(xs, ys, strict=False):
            cells = [str(trace.get("name") or "")] if several else []
            value = _number(y) if isinstance(y, int | float) else str(y)
            rows.append(cells + [str(x), value])
    return headers, rows
