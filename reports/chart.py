"""Geometry of the report's bar charts, computed here so the template only draws.

The SVG is an image with a title and a description for screen readers (role="img"); the
numbers themselves are in the data table next to it, which is what assistive technology reads.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 110
PLOT_WIDTH = 360
VALUE_WIDTH = 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + GAP) + GAP

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def bar_chart(*, id: str, title: str, description: str,
              rows: list[tuple[str, int]]) -> BarChart:
    peak = max((value for _label, value in rows), default=0)
    bars = []
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(PLOT_WIDTH * value / peak) if peak else 0
        bars.append(Bar(label=label, value=value, y=y, width=width,
                        text_y=y + BAR_HEIGHT // 2 + 5,
                        value_x=LABEL_WIDTH + width + 6))
    return BarChart(id=id, title=title, description=description, bars=bars)
