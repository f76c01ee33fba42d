"""The report as one self-contained HTML page: inline CSS, charts and thumbnails as data URIs."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import timedelta
from html import escape

from sleeve.report.metrics import Pair, ReportData

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232b;margin:0;
background:#f5f6f8}main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 12px}
.muted{color:#5b6570}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));
gap:12px}.card{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:24px}.up{color:#1d7a3a}.down{color:#b3261e}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(600px,1fr));gap:16px}
figure{margin:0;background:#fff;border-radius:10px;padding:8px;box-shadow:0 1px 2px #0002}
figure img{width:100%;max-width:600px;height:auto;display:block;margin:0 auto}
.covers{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px}
.covers figure img{border-radius:6px}figcaption{font-size:13px;padding:6px 4px}
table{border-collapse:collapse;background:#fff;width:100%}th,td{text-align:left;padding:6px 10px;
border-bottom:1px solid #e3e6ea}
"""


def _data_uri(png: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(png).decode()}"


def format_number(name: str, value: float) -> str:
    if name == "failure_rate":
        return f"{100 * value:.1f} %"
    if name == "mean_rating":
        return f"{value:.2f} ★" if value else "–"
    return f"{value:,.0f}"


def change_text(name: str, pair: Pair) -> tuple[str, str]:
    """A short 'vs previous' text and whether the change is good ("up"), bad ("down") or ""."""
    if name in ("failure_rate", "mean_rating"):
        delta = pair.current - pair.previous
        text = f"{100 * delta:+.1f} points" if name == "failure_rate" else f"{delta:+.2f} ★"
        better = delta < 0 if name == "failure_rate" else delta > 0
    else:
        if pair.change is None:
            return ("new this period" if pair.current else "no change", "")
        text = f"{100 * pair.change:+.0f} %"
        better = pair.change > 0
    if pair.current == pair.previous:
        return "no change", ""
    return text, "up" if better else "down"


LABELS = {"jobs": "Jobs", "covers": "Covers", "reviews": "Reviews",
          "mean_rating": "Mean rating", "failure_rate": "Failed jobs"}
ALT = {
    "activity": "Jobs and covers per day, this period and the previous one",
    "genres": "Covers per genre, this period against the previous one",
    "engines": "Covers per engine, this period against the previous one",
    "ratings": "Share of reviews per star rating, this period against the previous one",
    "weekly-rating": "Mean rating per week over eight weeks, with a trend line",
    "style-genre": "Mean rating per style and genre, with the change from the previous period",
    "latency": "Median and 95th percentile job latency per engine",
    "failures": "Failure rate and the most common failure reasons",
}


def render_page(data: ReportData, charts: Mapping[str, bytes],
                thumbnails: Mapping[str, bytes]) -> str:
    c = data.current
    last = timedelta(microseconds=1)
    period = f"{c.since:%Y-%m-%d} – {c.until - last:%Y-%m-%d}"
    cards = []
    for name, pair in data.headline().items():
        text, tone = change_text(name, pair)
        cards.append(
            f'<div class="card"><span class="muted">{LABELS[name]}</span>'
            f"<b>{format_number(name, pair.current)}</b>"
            f'<span class="{tone}">{escape(text)}</span> '
            f'<span class="muted">(was {format_number(name, pair.previous)})</span></div>')
    figures = "".join(
        f'<figure><img src="{_data_uri(png)}" width="600" alt="{escape(ALT.get(name, name))}">'
        "</figure>" for name, png in charts.items())
    best_before = max((b.rating_avg for b in data.previous.best_covers), default=None)
    covers = "".join(
        f'<figure><img src="{_data_uri(thumbnails[b.id], "image/jpeg")}" width="180" '
        f'alt="{escape(b.title)} by {escape(b.artist)}"><figcaption><b>{escape(b.title)}</b> · '
        f"{escape(b.artist)}<br>{b.rating_avg:.2f} ★ ({b.rating_count}) · {escape(b.style)}"
        "</figcaption></figure>" for b in c.best_covers if b.id in thumbnails)
    covers_note = ("" if best_before is None
                   else f'<p class="muted">Best public cover of the previous period: '
                        f"{best_before:.2f} ★.</p>")
    events = "".join(
        f"<tr><td>{escape(e.kind)}</td><td>{escape(e.version)}</td><td>{escape(e.action)}</td>"
        f"<td>{e.at:%Y-%m-%d %H:%M} UTC</td><td>{escape(e.state)}</td></tr>"
        for e in c.model_events)
    events_table = (f"<table><tr><th>kind</th><th>version</th><th>what</th><th>when</th>"
                    f"<th>state now</th></tr>{events}</table>" if events
                    else '<p class="muted">No model or policy versions promoted.</p>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sleeve weekly report {period}</title><style>{CSS}</style></head>
<body><main>
<h1>Sleeve report</h1><p class="muted">{period} (UTC), compared with the
{(c.until - c.since).days or 1} days before.</p>
<div class="cards">{''.join(cards)}</div>
<h2>Charts</h2><div class="charts">{figures}</div>
<h2>Best-rated public covers</h2>
<div class="covers">{covers or '<p class="muted">No rated public covers this period.</p>'}</div>
{covers_note}
<h2>Models and policies promoted or rolled back</h2>{events_table}
<p class="muted">This period: {len(c.model_events)};
previous period: {len(data.previous.model_events)}.</p>
</main></body></html>
"""
