"""Charts of results (plotly figures; the chat frontend bundles plotly.js, so nothing is fetched).

No map tiles and no geo projections (they would need a tile server or a CDN topology): places are drawn as
a plain scatter of kilometres east/north of the search centre, or as distances.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from ui.cards import OfferCard

_POSITIVE = "#2e7d32"
_NEGATIVE = "#c62828"
_KM_PER_DEGREE = 111.32


def score_breakdown(card: OfferCard) -> go.Figure:
    """Each criterion's points above or below an average offer, largest first (a waterfall-like bar)."""
    parts = sorted(card.parts, key=lambda p: abs(p.points))
    fig = go.Figure(
        go.Bar(
            x=[p.points for p in parts],
            y=[p.label for p in parts],
            orientation="h",
            marker_color=[_POSITIVE if p.points >= 0 else _NEGATIVE for p in parts],
            hovertemplate="%{y} : %{x:+.1f} points<extra></extra>",
        )
    )
    title = f"{card.title[:60]} — {card.score}/100" if card.score is not None else card.title[:60]
    if card.baseline is not None:
        title += f" (offre moyenne {card.baseline:.0f})"
    fig.update_layout(
        title=title,
        xaxis_title="points",
        height=120 + 26 * len(parts),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        showlegend=False,
    )
    return fig


def results_map(cards: Sequence[OfferCard], centre: tuple[float, float] | None = None) -> go.Figure | None:
    """Where the offers are: km east/north of the search centre (or of their mean), sized by score.

    None when fewer than two offers have coordinates.
    """
    placed = [c for c in cards if c.lat is not None and c.lon is not None]
    if len(placed) < 2:
        return None
    lat0, lon0 = centre or (
        sum(c.lat or 0.0 for c in placed) / len(placed),
        sum(c.lon or 0.0 for c in placed) / len(placed),
    )
    xs = [((c.lon or 0.0) - lon0) * _KM_PER_DEGREE * math.cos(math.radians(lat0)) for c in placed]
    ys = [((c.lat or 0.0) - lat0) * _KM_PER_DEGREE for c in placed]
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=[str(c.rank) for c in placed],
            textposition="top center",
            marker={
                "size": [10 + (c.score or 0) / 6 for c in placed],
                "color": [c.score if c.score is not None else 0 for c in placed],
                "colorscale": "Viridis",
                "cmin": 0,
                "cmax": 100,
                "showscale": True,
                "colorbar": {"title": "score"},
            },
            customdata=[[c.title, c.location or "", c.distance_km] for c in placed],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    if centre is not None:
        fig.add_trace(
            go.Scatter(x=[0], y=[0], mode="markers", marker={"symbol": "x", "size": 12, "color": "black"})
        )
    fig.update_layout(
        title="Où sont les offres (km par rapport au centre de la recherche)",
        xaxis_title="km est",
        yaxis_title="km nord",
        yaxis={"scaleanchor": "x"},
        height=380,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        showlegend=False,
    )
    return fig
