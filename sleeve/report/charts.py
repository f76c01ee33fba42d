"""The report's charts: matplotlib (Agg), 600 px wide PNGs, each against the previous period.

This period is drawn solid in the strong colour, the previous one hatched or dashed in grey,
in every chart, so a reader learns the code once.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sleeve.report.metrics import Period, ReportData

WIDTH_IN, DPI = 6.0, 100  # 600 px
NOW, BEFORE = "#2457a6", "#9aa3ad"
TOP_GENRES = 8
STYLE: dict[str, Any] = {
    "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold", "axes.labelsize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "legend.fontsize": 9,
    "legend.frameon": False, "figure.dpi": DPI,
}


def _figure(height_in: float = 3.6) -> tuple[Figure, Axes]:
    # Constrained layout keeps long tick labels, the title and the legend below inside 600 px.
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height_in), layout="constrained")
    return fig, ax


def _title(ax: Axes, text: str) -> None:
    # Centred on the figure, not the axes: long category labels push the axes to the right.
    ax.figure.suptitle(text, fontsize=12, fontweight="bold")


def _legend(ax: Axes, ncols: int = 2) -> None:
    """Below the plot, where it never covers a bar or a line."""
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, loc="outside lower center", ncols=ncols)


def _wrapped(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width, max_lines=2, placeholder="…")) or text


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _empty(ax: Axes, message: str = "no data in this period") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_xticks([])
    ax.set_yticks([])


def _labels(data: ReportData) -> tuple[str, str]:
    c, p = data.current, data.previous
    fmt = "%b %d"
    last = timedelta(microseconds=1)
    return (f"this period ({c.since:{fmt}}–{c.until - last:{fmt}})",
            f"previous ({p.since:{fmt}}–{p.until - last:{fmt}})")


def activity(data: ReportData) -> bytes:
    fig, ax = _figure()
    c, p = data.current, data.previous
    now, _ = _labels(data)
    days = np.arange(len(c.jobs_per_day))
    ax.plot(days, c.jobs_per_day, color=NOW, marker="o", label=f"jobs, {now}")
    ax.plot(days, p.jobs_per_day[: len(days)], color=NOW, ls="--", alpha=0.5,
            label="jobs, previous")
    ax.plot(days, c.covers_per_day, color="#d9822b", marker="s", label="covers, this period")
    ax.plot(days, p.covers_per_day[: len(days)], color="#d9822b", ls="--", alpha=0.5,
            label="covers, previous")
    ticks = [c.since + timedelta(days=int(d)) for d in days]
    step = max(1, len(days) // 8)
    ax.set_xticks(days[::step], [f"{t:%a %d}" for t in ticks[::step]])
    ax.set_ylim(bottom=0)
    _title(ax, "Jobs and covers per day")
    ax.set_xlabel("day (UTC)")
    ax.set_ylabel("count per day")
    _legend(ax)
    return _png(fig)


def _paired_bars(ax: Axes, names: Sequence[str], now: Sequence[float],
                 before: Sequence[float], labels: tuple[str, str], horizontal: bool) -> None:
    y = np.arange(len(names))
    h = 0.4
    draw = ax.barh if horizontal else ax.bar
    draw(y - h / 2, now, h, color=NOW, label=labels[0])
    draw(y + h / 2, before, h, color=BEFORE, hatch="//", edgecolor="white", label=labels[1])
    if horizontal:
        ax.set_yticks(y, names)
        ax.invert_yaxis()  # largest first, at the top
    else:
        ax.set_xticks(y, names)
    _legend(ax)


def _shortened(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def genres(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    names = sorted(set(c.covers_by_genre) | set(p.covers_by_genre),
                   key=lambda g: (-c.covers_by_genre.get(g, 0), -p.covers_by_genre.get(g, 0), g))
    names = names[:TOP_GENRES]
    fig, ax = _figure(0.9 + 0.42 * max(3, len(names)))
    if not names:
        _empty(ax)
    else:
        _paired_bars(ax, [_shortened(n) for n in names],
                     [c.covers_by_genre.get(n, 0) for n in names],
                     [p.covers_by_genre.get(n, 0) for n in names], _labels(data), True)
        ax.set_xlabel("covers made")
        ax.set_ylabel("genre")
    _title(ax, f"Covers per genre (top {TOP_GENRES})")
    return _png(fig)


def engines(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    names = sorted(set(c.covers_by_engine) | set(p.covers_by_engine))
    fig, ax = _figure(2.8)
    if not names:
        _empty(ax)
    else:
        _paired_bars(ax, names, [c.covers_by_engine.get(n, 0) for n in names],
                     [p.covers_by_engine.get(n, 0) for n in names], _labels(data), True)
        ax.set_xlabel("covers made")
        ax.set_ylabel("engine")
    _title(ax, "Covers per engine")
    return _png(fig)


def ratings(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    fig, ax = _figure()
    if not sum(c.rating_histogram) and not sum(p.rating_histogram):
        _empty(ax)
    else:
        def share(h: Sequence[int]) -> list[float]:
            total = sum(h) or 1
            return [100 * n / total for n in h]

        now, _ = _labels(data)
        _paired_bars(ax, [f"{n} ★" for n in range(1, 6)], share(c.rating_histogram),
                     share(p.rating_histogram),
                     (f"{now}: {sum(c.rating_histogram)} reviews",
                      f"previous: {sum(p.rating_histogram)} reviews"), False)
        ax.set_xlabel("stars given")
        ax.set_ylabel("share of reviews (%)")
        ax.margins(y=0.2)
    _title(ax, "Rating distribution")
    return _png(fig)


def weekly_rating(data: ReportData) -> bytes:
    weeks = data.weekly_ratings
    fig, ax = _figure()
    points = [(i, w.mean) for i, w in enumerate(weeks) if w.mean is not None]
    if not points:
        _empty(ax, "no reviews in the last 8 weeks")
    else:
        x = np.array([i for i, _ in points], float)
        y = np.array([m for _, m in points], float)
        ax.plot(x, y, color=NOW, marker="o", label="mean rating")
        if data.rating_trend_per_week is not None:
            slope, intercept = np.polyfit(x, y, 1)
            ax.plot(x, slope * x + intercept, color=BEFORE, ls="--",
                    label=f"trend {data.rating_trend_per_week:+.2f} ★ per week")
        # Review counts under the dates: labels beside the points would cross the line.
        ax.set_xticks(range(len(weeks)), [f"{w.week:%b %d}\nn={w.reviews}" for w in weeks])
        ax.set_ylim(1, 5.4)
        _legend(ax)
    _title(ax, "Mean rating per week, with its trend")
    ax.set_xlabel("week starting (Monday), reviews that week")
    ax.set_ylabel("mean stars (1–5)")
    return _png(fig)


def heatmap(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    styles = sorted(c.style_genre_mean)
    genre_names = sorted({g for row in c.style_genre_mean.values() for g in row})
    fig, ax = _figure(1.4 + 0.45 * max(3, len(styles)))
    if not styles:
        _empty(ax, "no reviews in this period")
        _title(ax, "Mean rating per style × genre")
        return _png(fig)
    grid = np.full((len(styles), len(genre_names)), np.nan)
    for i, s in enumerate(styles):
        for j, g in enumerate(genre_names):
            grid[i, j] = c.style_genre_mean[s].get(g, np.nan)
    image = ax.imshow(grid, cmap="RdYlGn", vmin=1, vmax=5, aspect="auto")
    for i, s in enumerate(styles):
        for j, g in enumerate(genre_names):
            if np.isnan(grid[i, j]):
                continue
            before = p.style_genre_mean.get(s, {}).get(g)
            delta = "" if before is None else f"\n{grid[i, j] - before:+.1f}"
            ax.text(j, i, f"{grid[i, j]:.1f}{delta}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(genre_names)), [_shortened(g, 14) for g in genre_names],
                  rotation=30, ha="right")
    ax.set_yticks(range(len(styles)), styles)
    ax.spines[:].set_visible(False)
    ax.set_xlabel("genre")
    ax.set_ylabel("style")
    fig.colorbar(image, ax=ax, label="mean stars (1–5)", shrink=0.9)
    _title(ax, "Mean rating per style × genre\n(second line: change from previous period)")
    return _png(fig)


def latency(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    names = sorted(set(c.latency) | set(p.latency))
    fig, ax = _figure()
    if not names:
        _empty(ax, "no finished jobs in this period")
    else:
        x = np.arange(len(names))
        w = 0.2

        def values(period: Period, which: str) -> list[float]:
            out = []
            for n in names:
                lat = period.latency.get(n)
                out.append(getattr(lat, which) or 0.0 if lat else 0.0)
            return out

        ax.bar(x - 1.5 * w, values(c, "p50_s"), w, color=NOW, label="p50, this period")
        ax.bar(x - 0.5 * w, values(p, "p50_s"), w, color=BEFORE, hatch="//", edgecolor="white",
               label="p50, previous")
        ax.bar(x + 0.5 * w, values(c, "p95_s"), w, color="#12305e", label="p95, this period")
        ax.bar(x + 1.5 * w, values(p, "p95_s"), w, color="#5f6872", hatch="//",
               edgecolor="white", label="p95, previous")
        ax.set_xticks(x, names)
        ax.set_xlabel("engine")
        ax.set_ylabel("seconds, queued → finished")
        _legend(ax)
    _title(ax, "Job latency per engine (p50 and p95)")
    return _png(fig)


def failures(data: ReportData) -> bytes:
    c, p = data.current, data.previous
    reasons = list(dict.fromkeys([*c.failure_reasons, *p.failure_reasons]))[:5]
    fig, ax = _figure(1.3 + 0.45 * max(3, len(reasons)))
    title = (f"Failed jobs: {100 * c.failure_rate:.1f} % this period "
             f"(previous {100 * p.failure_rate:.1f} %)")
    if not reasons:
        _empty(ax, "no failed jobs in either period")
    else:
        _paired_bars(ax, [_wrapped(r) for r in reasons],
                     [c.failure_reasons.get(r, 0) for r in reasons],
                     [p.failure_reasons.get(r, 0) for r in reasons], _labels(data), True)
        ax.set_xlabel("failed jobs")
        ax.set_ylabel("reason (first line of the error)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _title(ax, title)
    return _png(fig)


CHARTS: dict[str, Callable[[ReportData], bytes]] = {
    "activity": activity, "genres": genres, "engines": engines, "ratings": ratings,
    "weekly-rating": weekly_rating, "style-genre": heatmap, "latency": latency,
    "failures": failures,
}


def render_charts(data: ReportData) -> dict[str, bytes]:
    """Every chart as PNG bytes, by name."""
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        return {name: draw(data) for name, draw in CHARTS.items()}
