"""A self-contained HTML review page of a dataset.

Each document's clean text with every record highlighted in place (a colour per
type, displaCy-style marks), and beside it the tables of roles, metrics and dates;
each table row links to its evidence in the text. A document index and the People and
Organisations panels (names, aliases, the documents each appears in) come first.

Up to :data:`SINGLE_PAGE_LIMIT` documents make one page. A larger dataset (a crawl)
makes an entry page and, in a folder beside it, one page per document and the index
and panels cut into pages of :data:`PAGE_SIZE` entries, so that no page grows with the
dataset. Every value from the dataset is escaped, in text and in attributes.
"""
from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .evaluate import Dataset

COLOURS = {"person": "#aa9cfc", "organisation": "#7aecec", "metric": "#feca74", "date": "#bfe1d9", "role": "#ff9561"}
# When marks overlap, the earlier kind in this order is drawn.
PRIORITY = ["metric", "date", "person", "organisation"]
SINGLE_PAGE_LIMIT = 300  # documents on one page; more make a folder of pages
PAGE_SIZE = 200  # entries per page of the index and of the panels, when paginated
DOCUMENTS_PER_ENTITY = 30  # documents listed under one person or organisation

# System fonts first, then the common CJK families of each platform, so that Chinese
# text renders without a web font on macOS, Windows, Linux (Noto/Source Han, WenQuanYi).
FONT_STACK = ('system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",'
              '"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif')

STYLE = """
body{font-family:FONT_STACK;margin:0;background:#fafafa;color:#222}
header{padding:12px 20px;background:#333;color:#fff}
header a{color:#fff}
nav,.panel{padding:8px 20px;border-bottom:1px solid #ddd;font-size:14px}
.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:0 12px}
.overview>*{max-height:45vh;overflow:auto;border-bottom:0}
summary{font-weight:bold;font-size:16px;cursor:pointer}
.entities{columns:2 300px;column-gap:24px}
.entity{break-inside:avoid;margin:4px 0}
.entity .aliases{color:#666}
.entity .docs{font-size:12px;color:#444}
.doc{display:flex;gap:20px;padding:16px 20px;border-bottom:1px solid #ddd}
.text{flex:3;line-height:2.2;white-space:pre-wrap;background:#fff;padding:12px;border:1px solid #ddd}
.side{flex:2;font-size:13px}
table{border-collapse:collapse;width:100%;margin-bottom:14px}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
mark{padding:2px 4px;border-radius:4px}
mark .label{font-size:10px;font-weight:bold;margin-left:3px;text-transform:uppercase;opacity:.7}
a.role{border-bottom:3px solid ROLE_COLOUR}
.legend span{padding:2px 6px;margin-right:6px;border-radius:4px;color:#222}
.pages a{margin-right:6px}
.nowrap{white-space:nowrap}
small{color:#666;word-break:break-all}
:target{outline:3px solid #c00}
""".replace("ROLE_COLOUR", COLOURS["role"]).replace("FONT_STACK", FONT_STACK)


def esc(value) -> str:
    """``value`` as HTML text or a quoted attribute value."""
    return html.escape(str(value), quote=True)


@dataclass
class ByDocument:
    """The records of a dataset gathered by document once, so that rendering a
    document does not scan every table (a crawl has tens of thousands)."""

    marks: dict = field(default_factory=lambda: defaultdict(list))
    roles: dict = field(default_factory=lambda: defaultdict(list))
    metrics: dict = field(default_factory=lambda: defaultdict(list))
    dates: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, ds: Dataset) -> "ByDocument":
        index = cls()
        for kind, table in (("person", ds.people), ("organisation", ds.organisations)):
            for record in table.values():
                for i, m in enumerate(record["mentions"]):
                    index.marks[m["doc_id"]].append((m["start"], m["end"], kind, f"{record['id']}-{i}"))
        for kind, rows, by_doc in (("metric", ds.metrics, index.metrics), ("date", ds.dates, index.dates)):
            for r in rows:
                index.marks[r["doc_id"]].append((r["start"], r["end"], kind, r["id"]))
                by_doc[r["doc_id"]].append(r)
        for r in ds.roles:
            index.roles[r["doc_id"]].append(r)
        return index


def marks_for(ds: Dataset, doc_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, anchor id) of every record in one document."""
    return ByDocument.of(ds).marks.get(doc_id, [])


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
        opens[start].append(f'<mark id="{esc(anchor)}" class="{kind}" style="background:{COLOURS[kind]}">')
        closes[end].insert(0, f'<span class="label">{kind[:3]}</span></mark>')
    for role in roles:
        opens[role["start"]].insert(0, f'<a class="role" id="{esc(role["id"])}">')
        closes[role["end"]].append("</a>")
    out = []
    for i, ch in enumerate(text):
        out.extend(closes.get(i, []))
        out.extend(opens.get(i, []))
        out.append(html.escape(ch))
    out.extend(closes.get(len(text), []))
    return "".join(out)


def table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def link(anchor: str, text: str) -> str:
    return f'<a href="#{esc(quote(anchor))}">{esc(text)}</a>'


def doc_anchor(doc_id: str) -> str:
    return f"doc-{doc_id}"


class Layout:
    """Where each document is shown: on the one page (``href`` a fragment), or on a page of
    its own in the report's folder, numbered in id order (``doc-00001.html``)."""

    def __init__(self, doc_ids: list[str], paged: bool):
        self.paged = paged
        self.numbers = {doc_id: n for n, doc_id in enumerate(doc_ids, 1)}

    def page_of(self, doc_id: str) -> str:
        return f"doc-{self.numbers[doc_id]:05d}.html"

    def href(self, doc_id: str) -> str:
        fragment = "#" + quote(doc_anchor(doc_id))
        return (self.page_of(doc_id) if self.paged else "") + fragment


def render_document(ds: Dataset, doc: dict, by_doc: ByDocument | None = None) -> str:
    by_doc = by_doc or ByDocument.of(ds)
    doc_id = doc["id"]
    roles, metrics, dates = by_doc.roles.get(doc_id, []), by_doc.metrics.get(doc_id, []), by_doc.dates.get(doc_id, [])
    text = doc["text"]

    def name_of(table_: dict, rid: str | None) -> str:
        return esc(table_[rid]["name"]) if rid in table_ else "—"

    role_rows = [[link(r["id"], ds.people.get(r["person"], {}).get("name", r["person"])), esc(r["title"]),
                  name_of(ds.organisations, r["organisation"])] for r in roles]
    metric_rows = [[link(m["id"], m["text"]), esc(m["value"]), esc(m["unit"]), esc(m["qualifier"])] for m in metrics]
    date_rows = [[link(d["id"], d["text"]), esc(d["value"])] for d in dates]
    meta = " · ".join(esc(x) for x in (doc_id, doc.get("published") or "no date", doc.get("outlet") or "no outlet",
                                       doc.get("source") or ""))
    return (
        f'<section class="doc" id="{esc(doc_anchor(doc_id))}"><div class="text">'
        f"<h2>{esc(doc.get('title') or doc_id)}</h2><p>{meta}</p>"
        f"{render_text(text, by_doc.marks.get(doc_id, []), roles)}</div>"
        f'<div class="side"><h3>Roles ({len(roles)})</h3>{table(["person", "title", "organisation"], role_rows)}'
        f"<h3>Metrics ({len(metrics)})</h3>{table(['text', 'value', 'unit', 'qualifier'], metric_rows)}"
        f"<h3>Dates ({len(dates)})</h3>{table(['text', 'value'], date_rows)}</div></section>"
    )


def document_index(ds: Dataset, doc_ids: list[str], layout: Layout) -> str:
    """A table of documents: id, title, date, outlet, and how many records each has."""
    rows = []
    for doc_id in doc_ids:
        doc = ds.documents[doc_id]
        rows.append([f'<a href="{esc(layout.href(doc_id))}">{esc(doc.get("title") or doc_id)}</a>'
                     f'<br><small>{esc(doc_id)}</small>',
                     f'<span class="nowrap">{esc(doc.get("published") or "")}</span>', esc(doc.get("outlet") or "")])
    return table(["document", "published", "outlet"], rows)


def entity_documents(record: dict) -> list[str]:
    """The documents a person or organisation is mentioned in, in id order."""
    return sorted({m["doc_id"] for m in record["mentions"]})


def entity_entry(record: dict, ds: Dataset, layout: Layout) -> str:
    """One person or organisation: name, aliases, the documents it appears in (linked)."""
    docs = entity_documents(record)
    shown = [f'<a href="{esc(layout.href(d))}">{esc(ds.documents.get(d, {}).get("title") or d)}</a>'
             for d in docs[:DOCUMENTS_PER_ENTITY] if d in ds.documents]
    more = f" and {len(docs) - DOCUMENTS_PER_ENTITY} more" if len(docs) > DOCUMENTS_PER_ENTITY else ""
    aliases = f' <span class="aliases">({esc("、".join(record["aliases"]))})</span>' if record["aliases"] else ""
    return (f'<div class="entity" id="{esc(record["id"])}"><b>{esc(record["name"])}</b>{aliases} '
            f'· {counted(len(record["mentions"]), "mention")} in {counted(len(docs), "document")}'
            f'<div class="docs">{" · ".join(shown)}{more}</div></div>')


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def ranked(table_: dict) -> list[dict]:
    """People or organisations, those in the most documents first, then by name."""
    return sorted(table_.values(), key=lambda r: (-len(entity_documents(r)), r["name"], r["id"]))


def entity_panel(title: str, panel_id: str, records: list[dict], total: int, ds: Dataset, layout: Layout,
                 open_: bool = True) -> str:
    entries = "".join(entity_entry(r, ds, layout) for r in records)
    return (f'<details class="panel" id="{panel_id}"{" open" if open_ else ""}><summary>{esc(title)} ({total})</summary>'
            f'<div class="entities">{entries}</div></details>')


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def header(ds: Dataset, dataset: Path, links: str = "") -> str:
    legend = "".join(f'<span style="background:{c}">{k}</span>' for k, c in COLOURS.items())
    return (
        f"<header><h1>Review of {esc(dataset)}</h1><div class=\"legend\">{legend}</div>"
        f"<p>{len(ds.documents)} documents, {len(ds.people)} people, {len(ds.organisations)} organisations, "
        f"{len(ds.roles)} roles, {len(ds.metrics)} metrics, {len(ds.dates)} dates</p>{links}</header>"
    )


def render_report(dataset: Path, ds: Dataset | None = None) -> str:
    """The review page of ``dataset`` as one HTML page (any size; see :func:`write_report`)."""
    ds = ds or Dataset.load(dataset)
    doc_ids = sorted(ds.documents)
    layout, by_doc = Layout(doc_ids, paged=False), ByDocument.of(ds)
    body = (
        header(ds, dataset)
        + '<div class="overview">'
        + f'<nav id="index"><details open><summary>Documents ({len(doc_ids)})</summary>'
        + f"{document_index(ds, doc_ids, layout)}</details></nav>"
        + entity_panel("People", "people", ranked(ds.people), len(ds.people), ds, layout)
        + entity_panel("Organisations", "organisations", ranked(ds.organisations), len(ds.organisations), ds, layout)
        + "</div>"
        + "".join(render_document(ds, ds.documents[d], by_doc) for d in doc_ids)
    )
    return page(f"extract review: {dataset}", body)


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def pager(prefix: str, count: int, current: int) -> str:
    """Links to the pages ``prefix-1.html`` .. ``prefix-<count>.html``."""
    if count <= 1:
        return ""
    links = [f"<b>{n}</b>" if n == current else f'<a href="{prefix}-{n}.html">{n}</a>' for n in range(1, count + 1)]
    return f'<p class="pages">pages: {" ".join(links)}</p>'


def report_pages(dataset: Path, ds: Dataset | None = None) -> dict[str, str]:
    """The review of a large dataset as pages, file name -> HTML: ``index-N.html`` (the
    document index), ``people-N.html`` and ``organisations-N.html`` (the panels),
    ``doc-NNNNN.html`` (one per document), all in one folder."""
    ds = ds or Dataset.load(dataset)
    doc_ids = sorted(ds.documents)
    layout, by_doc = Layout(doc_ids, paged=True), ByDocument.of(ds)
    nav = ('<nav><a href="index-1.html">Documents</a> · <a href="people-1.html">People</a> · '
           '<a href="organisations-1.html">Organisations</a></nav>')
    pages: dict[str, str] = {}
    index_pages = chunks(doc_ids, PAGE_SIZE)
    for n, ids in enumerate(index_pages, 1):
        pages[f"index-{n}.html"] = page(f"extract review: documents {n}", header(ds, dataset) + nav + (
            f'<nav id="index"><b>Documents ({len(doc_ids)})</b>{pager("index", len(index_pages), n)}'
            f"{document_index(ds, ids, layout)}</nav>"))
    for name, title, table_ in (("people", "People", ds.people), ("organisations", "Organisations", ds.organisations)):
        parts = chunks(ranked(table_), PAGE_SIZE)
        for n, records in enumerate(parts, 1):
            pages[f"{name}-{n}.html"] = page(f"extract review: {name} {n}", header(ds, dataset) + nav
                                            + pager(name, len(parts), n)
                                            + entity_panel(title, name, records, len(table_), ds, layout))
    for i, doc_id in enumerate(doc_ids):
        steps = [f'<a href="{layout.page_of(doc_ids[j])}">{label}</a>'
                 for j, label in ((i - 1, "previous"), (i + 1, "next")) if 0 <= j < len(doc_ids)]
        doc_nav = nav.replace("</nav>", f' · {" · ".join(steps)}</nav>') if steps else nav
        pages[layout.page_of(doc_id)] = page(f"extract review: {doc_id}",
                                             doc_nav + render_document(ds, ds.documents[doc_id], by_doc))
    return pages


def write_report(dataset: Path, target: Path, write=None) -> list[Path]:
    """Write the review of ``dataset`` to ``target``: one page up to
    :data:`SINGLE_PAGE_LIMIT` documents, else ``target`` as an entry page that leads to the
    pages of :func:`report_pages` in the folder ``<target stem>_files`` beside it.
    Returns the files written."""
    from .write import write_atomic

    write = write or write_atomic
    ds = Dataset.load(dataset)
    if len(ds.documents) <= SINGLE_PAGE_LIMIT:
        write(target, render_report(dataset, ds))
        return [target]
    folder = target.parent / f"{target.stem}_files"
    written = []
    for name, text in report_pages(dataset, ds).items():
        write(folder / name, text)
        written.append(folder / name)
    base = esc(quote(folder.name))
    entry = page(f"extract review: {dataset}", header(ds, dataset) + (
        f'<nav><a href="{base}/index-1.html">Documents</a> · <a href="{base}/people-1.html">People</a> · '
        f'<a href="{base}/organisations-1.html">Organisations</a></nav>'))
    write(target, entry)
    return [target, *written]
