"""A stacked bar chart as plain SVG, drawn the same by QtSvg (the 家人报告 page) and by browsers (the HTML report).

Everything is a presentation attribute: no CSS, no script, no ids, nothing fetched. (pygal, used before, left
text anchors, dashed guides and hidden vertical guides to its CSS, which QtSvg ignores: the page showed y-axis
numbers struck through by the axis, solid grid lines and vertical lines through the bars.)

Layout rules the tests check: the y-axis numbers end left of the axis and sit level with their grid line, the
grid is horizontal only and drawn under the bars, the date labels sit clearly below the "0", and each series
has its own pattern as well as its colour (solid, hatched, dotted), shown in the legend too: never colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

PATTERNS = ("solid", "hatch", "dots")
FONT = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
INK = "#111827"
AXIS = "#374151"
GRID = "#d1d5db"


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    pattern: str  # one of PATTERNS
    values: Sequence[int]


@dataclass(frozen=True)
class ChartLayout:
    width: int = 640
    pad: int = 16
    title_size: int = 30
    label_size: int = 28
    legend_size: int = 30
    plot_height: int = 260
    label_gap: int = 12  # between a y number and the axis
    x_label_drop: int = 56  # from the plot's bottom to the date labels' baseline: clear of the "0"'s whole line box
    legend_row: int = 42
    box: int = 28


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _text(x: float, y: float, text: str, size: int, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{_e(FONT)}" font-size="{size}" font-weight="{weight}"'
        f' fill="{INK}" text-anchor="{anchor}">{_e(text)}</text>'
    )


def _pattern(kind: str, x: float, y: float, w: float, h: float) -> list[str]:
    """White marks over a filled rectangle, computed here (QtSvg has no <pattern> before Qt 6.7)."""
    out: list[str] = []
    if kind == "hatch" and w > 0 and h > 0:
        step = 10.0
        c = -h
        while c < w:  # lines x - (y0 - y) = c, i.e. rising to the right, clipped to the rectangle
            x1, y1 = x + c, y + h
            x2, y2 = x + c + h, y
            if x1 < x:
                y1 -= x - x1
                x1 = x
            if x2 > x + w:
                y2 += x2 - (x + w)
                x2 = x + w
            if x2 > x1:
                out.append(
                    f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#ffffff" stroke-width="3"/>'
                )
            c += step
    elif kind == "dots" and w > 0 and h > 0:
        step, r = 10.0, 2.6
        cy = y + step / 2
        while cy + r <= y + h:
            cx = x + step / 2
            while cx + r <= x + w:
                out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="#ffffff"/>')
                cx += step
            cy += step
    return out


def stacked_bars_svg(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    label_every: int = 1,
    describe: str = "",
    layout: ChartLayout | None = None,
    empty_note: str = "",
) -> str:
    """Bars stacked bottom-up in the order of ``series``; y ticks are whole numbers from 0. With no bar at all the
    y axis says only 0, and ``empty_note`` is written across the plot (a trial: an empty chart kept a 「2」 on its
    axis, as if there were a scale to read)."""
    lay = layout or ChartLayout()
    n = max(1, len(x_labels))
    totals = [sum(s.values[i] for s in series) for i in range(len(x_labels))]
    empty = max(totals, default=0) <= 0
    top = max(2, max(totals, default=0))
    ystep = max(1, -(-top // 5))
    top = -(-top // ystep) * ystep
    ticks = [0] if empty else list(range(0, top + 1, ystep))
    digits = max(len(str(t)) for t in ticks)
    y_label_width = digits * lay.label_size * 0.62
    plot_left = lay.pad + y_label_width + lay.label_gap
    plot_right = lay.width - lay.pad - lay.label_size * 0.5  # room for half the last date label
    plot_top = lay.pad + lay.title_size + 28
    plot_bottom = plot_top + lay.plot_height
    x_base = plot_bottom + lay.x_label_drop
    legend_top = x_base + 22
    height = int(legend_top + lay.legend_row * len(series) + lay.pad)
    plot_w = plot_right - plot_left
    slot = plot_w / n
    bar_w = slot * 0.72

    def y_of(value: float) -> float:
        return plot_bottom - value / top * lay.plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width} {height}" width="{lay.width}"'
        f' height="{height}" font-family="{_e(FONT)}">',
        f"<title>{_e(title)}</title>",
    ]
    if describe:
        parts.append(f"<desc>{_e(describe)}</desc>")
    parts.append(f'<rect x="0" y="0" width="{lay.width}" height="{height}" fill="#ffffff"/>')
    parts.append(_text(lay.width / 2, lay.pad + lay.title_size, title, lay.title_size, "middle"))
    # horizontal grid only, under the bars; the numbers stop short of the axis, level with their line
    for tick in ticks:
        y = y_of(tick)
        if tick:
            parts.append(
                f'<line x1="{plot_left:.1f}" y1="{y:.1f}" x2="{plot_right:.1f}" y2="{y:.1f}" stroke="{GRID}"'
                ' stroke-width="1.5" stroke-dasharray="6,6"/>'
            )
        parts.append(_text(plot_left - lay.label_gap, y + lay.label_size * 0.35, str(tick), lay.label_size, "end"))
    for i, label in enumerate(x_labels):
        x = plot_left + slot * i + (slot - bar_w) / 2
        base = 0
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            y1, y0 = y_of(base + value), y_of(base)
            parts.append(
                f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar_w:.1f}" height="{y0 - y1:.1f}" fill="{s.color}"'
                f' stroke="#ffffff" stroke-width="1.5"><title>{_e(label)} {_e(s.label)} {value}</title></rect>'
            )
            parts.extend(_pattern(s.pattern, x + 1, y1 + 1, bar_w - 2, y0 - y1 - 2))
            base += value
        if i % max(1, label_every) == 0:
            parts.append(_text(plot_left + slot * (i + 0.5), x_base, label, lay.label_size, "middle"))
    if empty and empty_note:  # a line each, centred on the plot
        lines = empty_note.split("\n")
        middle = (plot_top + plot_bottom) / 2 - (len(lines) - 1) * lay.label_size * 0.65
        for i, line in enumerate(lines):
            y = middle + i * lay.label_size * 1.3
            parts.append(_text((plot_left + plot_right) / 2, y, line, lay.label_size, "middle"))
    parts.append(
        f'<line x1="{plot_left:.1f}" y1="{plot_top - 8:.1f}" x2="{plot_left:.1f}" y2="{plot_bottom:.1f}"'
        f' stroke="{AXIS}" stroke-width="2"/>'
    )
    parts.append(
        f'<line x1="{plot_left:.1f}" y1="{plot_bottom:.1f}" x2="{plot_right:.1f}" y2="{plot_bottom:.1f}"'
        f' stroke="{AXIS}" stroke-width="2"/>'
    )
    for row, s in enumerate(series):
        y = legend_top + lay.legend_row * row
        x = plot_left
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{lay.box}" height="{lay.box}" fill="{s.color}" stroke="{AXIS}"'
            ' stroke-width="1"/>'
        )
        parts.extend(_pattern(s.pattern, x + 1, y + 1, lay.box - 2, lay.box - 2))
        parts.append(_text(x + lay.box + 10, y + lay.box - 4, s.label, lay.legend_size))
    parts.append("</svg>")
    return "".join(parts)
