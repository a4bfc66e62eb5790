"""A self-contained HTML review page of a dataset.

Each document's clean text with every record highlighted in place (a colour per
type, displaCy-style marks), and beside it the tables of roles, metrics and dates;
each table row links to its evidence in the text.
"""
from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from .evaluate import Dataset

COLOURS = {"person": "#aa9cfc", "organisation": "#7aecec", "metric": "#feca74", "date": "#bfe1d9", "role": "#ff9561"}
# When marks overlap, the earlier kind in this order is drawn.
PRIORITY = ["metric", "date", "person", "organisation"]

STYLE = """
body{font-family:sans-serif;margin:0;background:#fafafa;color:#222}
header{padding:12px 20px;background:#333;color:#fff}
.doc{display:flex;gap:20px;padding:16px 20px;border-bottom:1px solid #ddd}
.text{flex:3;line-height:2.2;white-space:pre-wrap;background:#fff;padding:12px;border:1px solid #ddd}
.side{flex:2;font-size:13px}
table{border-collapse:collapse;width:100%;margin-bottom:14px}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
mark{padding:2px 4px;border-radius:4px}
mark .label{font-size:10px;font-weight:bold;margin-left:3px;text-transform:uppercase;opacity:.7}
a.role{border-bottom:3px solid ROLE_COLOUR}
.legend span{padding:2px 6px;margin-right:6px;border-radius:4px}
:target{outline:3px solid #c00}
""".replace("ROLE_COLOUR", COLOURS["role"])


def marks_for(ds: Dataset, doc_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, anchor id) of every record in one document."""
    marks = []
    for kind, table in (("person", ds.people), ("organisation", ds.organisations)):
        for record in table.values():
            for i, m in enumerate(record["mentions"]):
                if m["doc_id"] == doc_id:
                    marks.append((m["start"], m["end"], kind, f"{record['id']}-{i}"))
    for kind, rows in (("metric", ds.metrics), ("date", ds.dates)):
        marks.extend((r["start"], r["end"], kind, r["id"]) for r in rows if r["doc_id"] == doc_id)
    return marks


def non_overlapping(marks):
    chosen, taken = [], set()
    for mark in sorted(marks, key=lambda m: (PRIORITY.index(m[2]), m[0], -m[1])):
        span = set(range(mark[0], mark[1]))
        if not span & taken:
            chosen.append(mark)
            taken |= span
    return sorted(chosen)


def render_text(text: str, marks, roles) -> str:
    """The text with <mark> elements, and role anchors around each role's evidence."""
    opens, closes = defaultdict(list), defaultdict(list)
    for start, end, kind, anchor in non_overlapping(marks):
        opens[start].append(f'<mark id="{attr(anchor)}" class="{attr(kind)}" style="background:{COLOURS[kind]}">')
        closes[end].insert(0, f'<span class="label">{kind[:3]}</span></mark>')
    for role in roles:
        opens[role["start"]].insert(0, f'<a class="role" id="{attr(role["id"])}">')
        closes[role["end"]].append("</a>")
    out = []
    for i, ch in enumerate(text):
        out.extend(closes.get(i, []))
        out.extend(opens.get(i, []))
        out.append(html.escape(ch))
    out.extend(closes.get(len(text), []))
    return "".join(out)


def attr(value) -> str:
    """``value`` escaped for a double-quoted HTML attribute (quotes included)."""
    return html.escape(str(value), quote=True)


def table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def link(anchor: str, text: str) -> str:
    return f'<a href="#{html.escape(anchor)}">{html.escape(text)}</a>'


def render_document(ds: Dataset, doc: dict) -> str:
    doc_id = doc["id"]
    roles = [r for r in ds.roles if r["doc_id"] == doc_id]
    metrics = [m for m in ds.metrics if m["doc_id"] == doc_id]
    dates = [d for d in ds.dates if d["doc_id"] == doc_id]
    text = doc["text"]
    role_rows = [[
        link(r["id"], ds.people[r["person"]]["name"]), html.escape(r["title"]),
        html.escape(ds.organisations[r["organisation"]]["name"]) if r["organisation"] else "—",
    ] for r in roles]
    metric_rows = [[link(m["id"], m["text"]), html.escape(str(m["value"])), html.escape(m["unit"]), html.escape(m["qualifier"])] for m in metrics]
    date_rows = [[link(d["id"], d["text"]), html.escape(d["value"])] for d in dates]
    meta = " · ".join(html.escape(str(x)) for x in (doc_id, doc.get("published") or "no date", doc.get("outlet") or "no outlet"))
    return (
        f'<section class="doc" id="doc-{html.escape(doc_id)}"><div class="text">'
        f"<h2>{html.escape(doc.get('title') or doc_id)}</h2><p>{meta}</p>"
        f"{render_text(text, marks_for(ds, doc_id), roles)}</div>"
        f'<div class="side"><h3>Roles ({len(roles)})</h3>{table(["person", "title", "organisation"], role_rows)}'
        f"<h3>Metrics ({len(metrics)})</h3>{table(['text', 'value', 'unit', 'qualifier'], metric_rows)}"
        f"<h3>Dates ({len(dates)})</h3>{table(['text', 'value'], date_rows)}</div></section>"
    )


def render_report(dataset: Path) -> str:
    ds = Dataset.load(dataset)
    legend = "".join(f'<span style="background:{c}">{k}</span>' for k, c in COLOURS.items())
    docs = "".join(render_document(ds, d) for _, d in sorted(ds.documents.items()))
    return (
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
        f"<title>extract review: {html.escape(str(dataset))}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Review of {html.escape(str(dataset))}</h1><div class=\"legend\">{legend}</div>"
        f"<p>{len(ds.documents)} documents, {len(ds.people)} people, {len(ds.organisations)} organisations, "
        f"{len(ds.roles)} roles, {len(ds.metrics)} metrics, {len(ds.dates)} dates</p></header>{docs}</body></html>\n"
    )
