"""Charts of results (plotly figures; the chat frontend bundles plotly.js, so nothing is fetched).

No map tiles and no geo projections (they would need a tile server or a CDN topology): places are drawn as
a plain scatter of kilometres east/north of the search centre. Offers of one place share one marker (several
offers often give the same town), labelled with their card numbers, so labels do not pile up. Figures carry
no title (the message above says what they show), no toolbar and no colour scale: they fit a phone's width.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import plotly.graph_objects as go

from ui.cards import OfferCard
from ui.language import UiLang

PRIMARY = "#0e7c86"
_POSITIVE = "#2e7d32"
_NEGATIVE = "#c62828"
_INK = "#1f2a30"
_KM_PER_DEGREE = 111.32
_LABEL_RANKS = 4
PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}
"""plotly.js options: no toolbar over the data (Chainlit reads ``config`` from the figure's JSON)."""
_WORDS: dict[UiLang, dict[str, str]] = {
    "fr": {"points": "points gagnés ou perdus", "hover": "%{y} : %{x:+.1f} points<extra></extra>",
           "centre": "centre de la recherche", "east": "km vers l'est", "north": "km vers le nord"},
    "en": {"points": "points gained or lost", "hover": "%{y}: %{x:+.1f} points<extra></extra>",
           "centre": "search centre", "east": "km east", "north": "km north"},
}  # fmt: skip


def figure_json(fig: go.Figure) -> str:
    """The figure as Chainlit's Plotly element sends it, with ``PLOT_CONFIG`` added."""
    data = json.loads(fig.to_json())
    data["config"] = PLOT_CONFIG
    return json.dumps(data)


def _layout(fig: go.Figure, height: int, margin: dict[str, int]) -> None:
    fig.update_layout(
        height=height,
        margin=margin,
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "Inter, system-ui, sans-serif", "size": 12, "color": _INK},
        hoverlabel={"font_size": 12},
    )


def score_breakdown(card: OfferCard) -> go.Figure:
    """What raises or lowers the score (points, in plain words, the card's language), the largest part at the
    top."""
    words = _WORDS[card.lang]
    parts = sorted((p for p in card.parts if abs(p.points) >= 0.5), key=lambda p: abs(p.points))
    low = min([0.0, *(p.points for p in parts)])
    high = max([0.0, *(p.points for p in parts)])
    pad = max(1.0, 0.22 * (high - low))  # room for the values written beside the bars
    fig = go.Figure(
        go.Bar(
            x=[p.points for p in parts],
            y=[_wrap(p.label) for p in parts],
            orientation="h",
            marker_color=[_POSITIVE if p.points >= 0 else _NEGATIVE for p in parts],
            text=[f"{p.points:+.0f}" for p in parts],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=words["hover"],
        )
    )
    _layout(fig, 70 + 38 * len(parts), {"l": 8, "r": 8, "t": 8, "b": 36})
    fig.update_xaxes(
        title_text=words["points"],
        range=[low - pad, high + pad],
        nticks=5,
        zeroline=True,
        zerolinecolor="#9aa5ab",
    )
    fig.update_yaxes(automargin=True)
    return fig


def _wrap(label: str, width: int = 18) -> str:
    """A long axis label on two or more lines (phones have no room for 35 characters)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def results_map(
    cards: Sequence[OfferCard], centre: tuple[float, float] | None = None, lang: UiLang = "fr"
) -> go.Figure | None:
    """Where the offers are: km east/north of the search centre (or of their mean), one marker per place,
    axes in ``lang``.

    None when the offers with coordinates are in fewer than two places.
    """
    places: dict[tuple[float, float], list[OfferCard]] = {}
    for c in cards:
        if c.lat is not None and c.lon is not None:
            places.setdefault((round(c.lat, 3), round(c.lon, 3)), []).append(c)
    if len(places) < 2:
        return None
    lat0, lon0 = centre or (
        sum(lat for lat, _ in places) / len(places),
        sum(lon for _, lon in places) / len(places),
    )
    xs, ys, labels, hovers, sizes = [], [], [], [], []
    for (lat, lon), group in places.items():
        xs.append((lon - lon0) * _KM_PER_DEGREE * math.cos(math.radians(lat0)))
        ys.append((lat - lat0) * _KM_PER_DEGREE)
        ranks = [str(c.rank) for c in group]
        labels.append(", ".join(ranks[:_LABEL_RANKS]) + ("…" if len(ranks) > _LABEL_RANKS else ""))
        town = group[0].location or ""
        hovers.append(town + "<br>" + "<br>".join(f"{c.rank}. {c.title[:50]}" for c in group))
        sizes.append(14 + 5 * min(len(group), 5))
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=labels,
            textposition=[_side(i, xs, ys) for i in range(len(xs))],
            textfont={"size": 12, "color": _INK},
            marker={"size": sizes, "color": PRIMARY, "opacity": 0.75, "line": {"width": 1, "color": "white"}},
            hovertext=hovers,
            hoverinfo="text",
        )
    )
    if centre is not None:
        fig.add_trace(
            go.Scatter(
                x=[0],
                y=[0],
                mode="markers",
                marker={"symbol": "x-thin", "size": 14, "line": {"width": 2, "color": _INK}},
                hovertext=[_WORDS[lang]["centre"]],
                hoverinfo="text",
            )
        )
    _layout(fig, 340, {"l": 44, "r": 12, "t": 12, "b": 40})
    fig.update_xaxes(title_text=_WORDS[lang]["east"], zeroline=False, gridcolor="#e3e8ea")
    fig.update_yaxes(title_text=_WORDS[lang]["north"], zeroline=False, gridcolor="#e3e8ea")
    return fig


def _side(i: int, xs: list[float], ys: list[float]) -> str:
    """Put a label on the side away from its nearest neighbour, so two close markers' labels part."""
    best, nearest = math.inf, None
    for j in range(len(xs)):
        if j != i:
            d = (xs[j] - xs[i]) ** 2 + (ys[j] - ys[i]) ** 2
            if d < best:
                best, nearest = d, j
    if nearest is None:
        return "top center"
    vertical = "bottom" if ys[nearest] > ys[i] else "top"
    horizontal = "left" if xs[nearest] > xs[i] else "right"
    return f"{vertical} {horizontal}"
