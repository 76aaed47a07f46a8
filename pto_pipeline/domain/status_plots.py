"""Plots of the status page, drawn with matplotlib and returned as inline SVG text.

Text stays text in the SVG (`svg.fonttype: none`) so the page is small and
searchable; every label here is ours (statuses, counts, row numbers), never
data from scans.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pto-status",  # stable element ids: same data, same page
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def bars_svg(panels: list[tuple[str, list[tuple[str, int, str]]]], width: float = 9.0) -> str:
    """Horizontal bars, one panel per (title, [(label, value, colour)])."""
    with plt.rc_context(STYLE):
        height = 0.5 + 0.28 * max(len(items) for _, items in panels)
        fig, axes = plt.subplots(1, len(panels), figsize=(width, height), squeeze=False)
        for ax, (title, items) in zip(axes[0], panels, strict=True):
            _bar_panel(ax, title, items)
        fig.tight_layout()
        return _svg(fig)


def _bar_panel(ax, title: str, items: list[tuple[str, int, str]]) -> None:
    labels = [label for label, _, _ in items]
    values = [value for _, value, _ in items]
    ax.barh(labels, values, color=[colour for _, _, colour in items])
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    top = max(values, default=0) or 1
    ax.set_xlim(0, top * 1.18)
    for y, value in enumerate(values):
        ax.text(value + top * 0.02, y, str(value), va="center", fontsize=8)


def timeline_svg(
    points: list[tuple[date, int, str]], today: date, days: int = 90, width: float = 9.0
) -> str:
    """Expiry dates on a calendar from `today`: (valid_to, row number, colour)."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, 1.5))
        end = today + timedelta(days=days)
        ax.axvspan(today, today + timedelta(days=30), color="#ffebee", zorder=0)
        ax.axvline(today, color="#555", linewidth=0.8)
        for i, (valid_to, number, colour) in enumerate(points):
            y = i % 3
            ax.plot([valid_to], [y], marker="o", color=colour, markersize=6)
            ax.annotate(str(number), (valid_to, y), xytext=(4, 3), textcoords="offset points")
        ax.set_xlim(today - timedelta(days=2), end + timedelta(days=2))
        ax.set_ylim(-0.8, 2.8)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m"))
        ax.xaxis.set_major_locator(mdates.DayLocator(bymonthday=(1, 15)))
        ax.set_title("Истекают: 30 дней (красная зона) и 90 дней", loc="left", fontsize=9)
        fig.tight_layout()
        return _svg(fig)


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # inline: drop the XML prolog and DOCTYPE
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)  # RDF boilerplate
