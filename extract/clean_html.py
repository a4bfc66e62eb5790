"""HTML pages: the page as lines, its meta tags, and the article candidates.

The clean stage reads an HTML page twice. The whole page is rendered to lines (block
elements end a line, inline elements do not), so the line rules that read plain-text
crawls also find its header and trailer lines: the date, the 来源 line, the byline.
The article itself comes from three main-content extractors with different failure
modes (trafilatura, readability's scoring of paragraphs, and GeneralNewsExtractor's
text and punctuation density); :func:`article_candidates` returns the lines of each,
and the clean stage keeps the one the others agree with most.
"""
from __future__ import annotations

import json
import logging
import re

import lxml.html
from lxml import etree

log = logging.getLogger(__name__)

# Elements that end a line when rendered; the rest run on inside their paragraph.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main menu nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
CELL_TAGS = frozenset({"td", "th"})
MAX_DATA_CELL_CHARS = 40  # a longer cell is page layout or prose, not a table's datum
# Elements whose text a reader never sees.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head", "select", "textarea")
SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")
# Between the data cells of a table row while rendering; the row's line then has its cells
# separated by tabs, which the metrics stage reads as a table (extract/match/metrics.py)
CELL_GAP = "\x1f"


def parse(html: str):
    """The lxml tree of ``html``, or None when it holds no parsable markup."""
    try:
        return lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None


def render_lines(node) -> list[str]:
    """The visible text under ``node``, one line per block, stripped, empty lines dropped.
    A line break in the markup's text is a space, as a browser shows it (but in <pre>)."""
    parts: list[str] = []

    def flow(text: str | None, pre: bool) -> str:
        return (text or "") if pre else (text or "").replace("\n", " ")

    def walk(element, pre: bool = False) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is None or tag in INVISIBLE_TAGS:  # comments, processing instructions, scripts
            parts.append(flow(element.tail, pre))
            return
        cell = tag in CELL_TAGS and is_data_cell(element)  # a datum: beside its row's others
        block = tag in BLOCK_TAGS and not cell
        inner = pre or tag == "pre"
        parts.append("\n" if block or tag == "br" else CELL_GAP if cell else "")
        parts.append(flow(element.text, inner))
        for child in element:
            walk(child, inner)
        parts.append("\n" if block else CELL_GAP if cell else "")
        parts.append(flow(element.tail, pre))

    walk(node)
    text = "".join(parts)
    return [line for line in (table_row(raw) for raw in text.split("\n")) if line]


def table_row(raw: str) -> str:
    """A rendered line with its spaces collapsed and, in a table row, its cells joined by tabs."""
    cells = (SPACES.sub(" ", cell).strip() for cell in raw.split(CELL_GAP))
    return "\t".join(cell for cell in cells if cell)


def is_data_cell(cell) -> bool:
    """A table cell of data (short, no blocks inside), rendered beside its row's other
    cells; a layout cell (the whole article in one cell of an old site) is a block."""
    if any(isinstance(e.tag, str) and e.tag.lower() in BLOCK_TAGS for e in cell.iterdescendants()):
        return False
    return len(cell.text_content().strip()) <= MAX_DATA_CELL_CHARS


def page_lines(tree) -> list[str]:
    body = tree.find(".//body")
    return render_lines(body if body is not None else tree)


def meta_tags(tree) -> dict[str, str]:
    """``name``/``property``/``itemprop``/``http-equiv`` of each meta tag (lower case) -> content."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = (meta.get("content") or "").strip()
        if key and content:
            found.setdefault(key.strip().lower(), content)
    return found


def json_ld(tree) -> list[dict]:
    """The JSON-LD objects of the page (graphs flattened); broken blocks are skipped."""
    objects: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
    return objects


def inline_scripts(tree) -> list[str]:
    """The text of the page's inline scripts (JSON-LD excluded)."""
    return [s.text for s in tree.iter("script")
            if s.text and not s.get("src") and (s.get("type") or "").lower() != "application/ld+json"]


def canonical_url(tree, metas: dict[str, str]) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").startswith("http"):
            return link.get("href").strip()
    url = metas.get("og:url", "")
    return url if url.startswith("http") else None


def headings(tree, level: str = "h1") -> list[str]:
    return [" ".join(render_lines(h)) for h in tree.iter(level) if render_lines(h)]


def title_tag(tree) -> str | None:
    node = tree.find(".//title")
    text = SPACES.sub(" ", node.text_content()).strip() if node is not None else ""
    return text or None


def trafilatura_lines(html: str) -> list[str]:
    import trafilatura

    # Tables off: trafilatura joins a layout table (an old site's whole page) into one line;
    # the other two extractors keep a data table inside the article.
    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def readability_lines(html: str) -> list[str]:
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    tree = parse(summary)
    return render_lines(tree) if tree is not None else []


def gne_lines(html: str) -> list[str]:
    from gne import GeneralNewsExtractor

    result = GeneralNewsExtractor().extract(html, with_body_html=True)
    tree = parse(result.get("body_html") or "")
    return render_lines(tree) if tree is not None else []


EXTRACTORS = {"trafilatura": trafilatura_lines, "readability": readability_lines, "gne": gne_lines}


def article_candidates(html: str) -> dict[str, list[str]]:
    """The article lines each extractor finds; an extractor that fails gives no lines."""
    candidates = {}
    for name, extractor in EXTRACTORS.items():
        try:
            candidates[name] = extractor(html)
        except Exception:  # a third-party extractor failing on one page is not the page's failure
            log.debug("%s failed", name, exc_info=True)
            candidates[name] = []
    return candidates
