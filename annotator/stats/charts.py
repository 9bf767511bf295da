"""Geometry for small server-rendered SVG bar charts (pure: numbers in, rectangles out).

Templates draw the rectangles; every chart also gets a table of its numbers beside it, so the
picture is for those who would rather look and the table for screen readers and copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    maximum: float
    horizontal: bool
    label_width: int = 0


def columns(values: Sequence[tuple[str, float]], *, width: int = 280, height: int = 60) -> Chart:
    """Vertical bars side by side, scaled to the largest value (zero bars stay flat)."""
    top = max((v for _l, v in values), default=0) or 1
    step = width / max(len(values), 1)
    bars = []
    for i, (label, value) in enumerate(values):
        h = height * max(value, 0) / top
        bars.append(
            Bar(
                label,
                value,
                round(i * step + 1, 2),
                round(height - h, 2),
                round(max(step - 2, 1), 2),
                round(h, 2),
            )
        )
    return Chart(width, height, bars, top, horizontal=False)


def rows(
    values: Sequence[tuple[str, float]],
    *,
    width: int = 360,
    row_height: int = 22,
    label_width: int = 140,
    low: float = 0.0,
    high: float | None = None,
) -> Chart:
    """Horizontal bars, one per row, from ``low`` (0, or -1 for a kappa) to ``high`` (the largest
    value by default); values below ``low`` are drawn at ``low``."""
    top = high if high is not None else (max((v for _l, v in values), default=0) or 1)
    span = (top - low) or 1
    room = width - label_width - 40
    bars = []
    for i, (label, value) in enumerate(values):
        w = room * (min(max(value, low), top) - low) / span
        bars.append(Bar(label, value, label_width, i * row_height + 3, round(w, 2), row_height - 6))
    return Chart(
        width, len(values) * row_height, bars, top, horizontal=True, label_width=label_width
    )
