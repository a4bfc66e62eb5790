"""Stage 2, clean: keep the article, drop the page chrome, recover metadata.

Plain-text and markdown crawls are judged line by line from general signals: length,
sentence punctuation, the share of Chinese characters, page-chrome patterns
(``data/page_chrome.json``). The article is the block of prose lines with the most
text, blocks being broken by long runs of non-prose lines and by section markers
(comments, 为您推荐 lists, follow prompts, disclaimers). HTML pages are rendered to
lines the same way for their metadata, while their article comes from three
main-content extractors (``clean_html``); each extraction goes through the same line
rules and the clean stage keeps the one the others agree with most, or the longest of
those that agree with it nearly all the way (:func:`pick_candidate`). Headline, date, outlet, byline and address are read from
the lines around the article (``clean_meta``). Pinyin glosses such as ``工业(gōngyè)``
are stripped from the text. A page whose article is empty or shorter than
``MIN_ARTICLE_CHARS`` raises :class:`NoArticle`, which the pipeline reports as that
file's failure.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import clean_meta as meta
from .data import read_json
from .ingest import RawDocument

# The window sizes and thresholds below were set together on the development set
# (shared/dev, 18 pages: clean-stage body F 0.998, published 12/12, headlines 18/18) and
# the tests' own pages; docs/pages.md has the measurements. Rerun both after a change.
SENTENCE_END = set("。！？…")
CLAUSE_MARKS = set("，,、；;：:")
MIN_PROSE_CHARS = 25
MIN_SENTENCE_CHARS = 10  # a shorter line is prose too when it ends a sentence (一是…。)
MIN_HAN_SHARE = 0.4  # prose is at least this share Chinese characters
LONG_UNENDED_LINE, LONG_LINE_CLAUSES = 80, 3  # a line this long with this many clause marks is prose
MAX_MARKER_CHARS = 60  # a credit or a section marker is a short line
MIN_ARTICLE_CHARS = 20  # fewer non-space characters than this is no article
TRAILING_CREDIT_WINDOW = 10
HEADLINE_RUN = 5  # this many short unpunctuated lines in a row is a list, not prose (more than MAX_GAP)
TABLE_FIGURE_SHARE = 0.4  # non-prose lines this share of which hold figures are a table, not a list
MIN_ABOVE_COMMENTS = 50  # prose characters above a comment marker for it to open the comments
MAX_GAP = 4  # more non-prose lines than this between two paragraphs end the article
HEADER_WINDOW = 15  # without a headline line, the header is this many lines above the body
CONSENSUS = 0.9  # extractions that agree this much (bigram F) are the same article
START_FOLLOW = 3  # the article's second line follows its first within this many page lines
UNRELATED_TITLE = 0.3  # bigram agreement under which a title and a headline line are different texts
MIN_HEADLINE_CHARS = 4  # a shorter h1 or title is a site name or a section
ABOVE_HEADLINE = 3  # lines above the headline still read as header lines
TRAILER_WINDOW = 12  # lines after the article searched for 本文来源, 责任编辑, 发布日期

PINYIN_SYLLABLE = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+(?:ng|n|r)?"
PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff”’」)])[(（](?P<py>(?:" + PINYIN_SYLLABLE + r")+)[)）]"
)
HAN = re.compile(r"[\u4e00-\u9fff]")
DIGIT = re.compile(r"\d")


class NoArticle(ValueError):
    """The page holds no article text (or less than the stated minimum)."""


@dataclass(frozen=True)
class CleanDocument:
    raw: RawDocument
    title: str | None
    published: str | None
    outlet: str | None
    text: str
    authors: tuple[meta.Author, ...] = field(default=())
    url: str | None = None


@lru_cache(maxsize=1)
def chrome_rules() -> dict:
    data = read_json("page_chrome.json")
    compiled = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if isinstance(value, list):
            compiled[key] = [re.compile(p) for p in value]
        else:
            compiled[key] = re.compile(value)
    return compiled


def strip_pinyin_glosses(text: str) -> str:
    return PINYIN_GLOSS.sub("", text)


def han_ratio(line: str) -> float:
    # counted, not listed: a list of a line's characters costs about 80 bytes a character
    # (a 3-million-character line took 500 MB)
    chars = sum(1 for c in line if not c.isspace())
    return sum(1 for _ in HAN.finditer(line)) / chars if chars else 0.0


def matches_any(line: str, patterns: list[re.Pattern]) -> bool:
    return any(p.search(line) for p in patterns)


def is_chrome(line: str) -> bool:
    rules = chrome_rules()
    return matches_any(line, rules["chrome_line"]) or matches_any(line, rules["stop_after_body"])


def is_disclaimer(line: str) -> bool:
    return matches_any(line, chrome_rules()["disclaimer"])


def is_section_marker(line: str) -> bool:
    """A line that opens comments, a recommendation list or a follow prompt, or a disclaimer."""
    line = line.strip()
    rules = chrome_rules()
    short = len(line) <= MAX_MARKER_CHARS
    return is_disclaimer(line) or short and (
        matches_any(line, rules["comment_section"]) or matches_any(line, rules["section_break"]))


def is_comment_marker(line: str) -> bool:
    return len(line.strip()) <= MAX_MARKER_CHARS and matches_any(line.strip(), chrome_rules()["comment_section"])


def is_related_marker(line: str) -> bool:
    """A short line that opens a list of other articles (推荐阅读, 相关新闻)."""
    line = line.strip()
    return len(line) <= MAX_MARKER_CHARS and bool(chrome_rules()["related_section"].match(line))


def is_original_title(line: str) -> bool:
    return bool(chrome_rules()["original_title"].match(line.strip()))


def is_prose(line: str) -> bool:
    """A line of running article text: long, mostly Chinese, with sentence punctuation."""
    line = line.strip()
    ends_sentence = line.rstrip("”’」』）)\"'").endswith(tuple(SENTENCE_END))
    if len(line) < (MIN_SENTENCE_CHARS if ends_sentence else MIN_PROSE_CHARS) or han_ratio(line) < MIN_HAN_SHARE:
        return False
    if is_chrome(line) or is_original_title(line) or is_disclaimer(line):
        return False
    ends = sum(c in SENTENCE_END for c in line)
    clauses = sum(c in CLAUSE_MARKS for c in line)
    return ends >= 1 or (len(line) >= LONG_UNENDED_LINE and clauses >= LONG_LINE_CLAUSES)


def is_credit(line: str) -> bool:
    """A credit line: 记者 X, (作者名), 每经编辑 X, 版式设计：X, 新华社记者 X摄."""
    line = meta.markdown_text(line.strip())
    return len(line) <= MAX_MARKER_CHARS and (
        matches_any(line, chrome_rules()["credit_line"]) or bool(meta.byline_in_line(line)[0]))


def is_header_field(line: str) -> bool:
    """A header's date or 来源 line: page metadata, not the article's credit."""
    return bool(meta.published_in_line(line) or meta.source_in_lines([line]))


def is_markdown_heading(line: str) -> bool:
    return bool(re.match(r"^#{1,6}\s+\S", line.strip()))


def leading_furniture_start(lines: list[str], first: int) -> int:
    """In a markdown crawl, the first line after the headings: the byline, print-edition
    and caption lines between the headings and the first paragraph are the article's."""
    headings = [i for i in range(first) if is_markdown_heading(lines[i])]
    if not headings:
        return first
    start = headings[-1] + 1
    between = [line for line in lines[start:first] if line.strip()]
    if len(between) > MAX_GAP or any(is_chrome(line) or is_section_marker(line) for line in between):
        return first
    return next(i for i in range(start, first + 1) if i == first or (lines[i].strip() and not is_edition_only(lines[i])))


def is_edition_only(line: str) -> bool:
    """A line that is only a print-edition line (《某某报》（2025年03月04日第 4 版）): page
    metadata (outlet and date), not the article's; with a byline before it, it is a credit."""
    edition = meta.rules()["print_edition"].search(line)
    return bool(edition) and not (line[:edition.start()] + line[edition.end():]).strip(" >\t\u3000")


def is_short_unpunctuated(line: str) -> bool:
    line = line.strip()
    return bool(line) and len(line) < MIN_PROSE_CHARS and not any(c in SENTENCE_END for c in line)


def prose_blocks(lines: list[str], max_gap: int | None = MAX_GAP) -> list[tuple[int, int, int, bool]]:
    """(first, last, prose characters, below comments?) of each run of prose lines.
    A run ends at a section marker or after more than ``max_gap`` non-prose lines (None:
    no limit), unless those lines are a table's cells."""
    blocks: list[list] = []
    gap: list[str] = []
    broken, late = True, False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if is_prose(stripped):
            if broken or (max_gap is not None and len(gap) > max_gap and not is_table(gap)):
                blocks.append([i, i, 0, late])
            blocks[-1][1] = i
            blocks[-1][2] += len(stripped)
            gap, broken = [], False
        else:
            gap.append(stripped)
            if is_section_marker(stripped):
                broken = True
                # Comments open below an article: only after some prose of weight.
                above = max((block[2] for block in blocks), default=0)
                late = late or (above >= MIN_ABOVE_COMMENTS and is_comment_marker(stripped))
    return [tuple(block) for block in blocks]


def is_table(lines: list[str]) -> bool:
    """Short lines most of which hold figures: the cells of a table inside the article."""
    with_figures = sum(bool(DIGIT.search(line)) for line in lines)
    return bool(lines) and with_figures >= TABLE_FIGURE_SHARE * len(lines) and not any(map(is_chrome, lines))


def pick_block(blocks: list[tuple[int, int, int, bool]]) -> tuple[int, int]:
    """The article: the run with the most prose (the earliest of equals). Comments come
    below the article, so prose below a comment marker counts only if nothing is above."""
    eligible = [b for b in blocks if not b[3]] or blocks
    first, last, _, _ = max(eligible, key=lambda b: b[2])
    return first, last


def body_range(lines: list[str], max_gap: int | None = MAX_GAP) -> tuple[int, int] | None:
    """Inclusive 0-based (first, last) line of the article body, or None if no prose."""
    blocks = prose_blocks(lines, max_gap)
    if not blocks:
        return None
    first, last = pick_block(blocks)
    # Leading credits ("本报讯 记者…") directly above the first paragraph.
    while first > 0 and lines[first - 1].strip() and is_credit(lines[first - 1]) and not is_header_field(lines[first - 1]):
        first -= 1
    return leading_furniture_start(lines, first), trailing_credits_end(lines, last)


def trailing_credits_end(lines: list[str], last: int) -> int:
    """Extend the body over the closing credits (编辑, 记者, (作者名)) after the last paragraph."""
    rules = chrome_rules()
    end, unknown = last, 0
    for j in range(last + 1, min(len(lines), last + 1 + TRAILING_CREDIT_WINDOW)):
        line = lines[j].strip()
        if not line:
            continue
        if matches_any(line, rules["stop_after_body"]) or matches_any(line, rules["chrome_line"]) or is_section_marker(line):
            break
        if is_credit(line):
            end, unknown = j, 0
        else:
            unknown += 1
            if unknown >= 2:
                break
    return end


def keep_body_lines(lines: list[str], first: int, last: int, drop_lists: bool = True) -> list[str]:
    """The non-chrome lines of the body, without runs of short unpunctuated lines (lists,
    not tables) when ``drop_lists``."""
    kept: list[str] = []
    run: list[str] = []
    for line in lines[first:last + 1]:
        line = line.strip()
        if not line or is_chrome(line) or is_original_title(line) or is_section_marker(line):
            continue
        if is_short_unpunctuated(line) and not is_credit(line):
            run.append(line)
            continue
        kept.extend(flush_run(run, drop_lists))
        run = []
        kept.append(line)
    kept.extend(flush_run(run, drop_lists))
    return kept


def flush_run(run: list[str], drop_lists: bool = True) -> list[str]:
    is_list = len(run) >= HEADLINE_RUN and not is_table(run)
    return [] if drop_lists and is_list else list(run)


def article_lines(lines: list[str], extracted: bool = False) -> tuple[list[str], tuple[int, int] | None]:
    """The article's lines and their span. ``extracted``: the lines are an extractor's
    article already, so non-prose lines between paragraphs (a table, a photo series)
    stay; only the lines before the first and after the last paragraph, and what
    follows a section marker, are cut."""
    span = body_range(lines, None if extracted else MAX_GAP)
    return (keep_body_lines(lines, *span, drop_lists=not extracted), span) if span else ([], None)


# --- headline ------------------------------------------------------------------------------

def is_title_candidate(line: str) -> bool:
    line = meta.markdown_text(line.strip())
    return (
        len(line) >= 5
        and han_ratio(line) >= 0.3
        and not is_chrome(line)
        and not is_section_marker(line)
        and meta.published_in_line(line) is None
        and not meta.source_in_lines([line])
        and not meta.byline_in_line(line)[0]
    )


def split_title(line: str) -> tuple[str, str | None]:
    """Remove a site or outlet prefix from a headline; returns (title, outlet or None)."""
    rules = chrome_rules()
    m = rules["outlet_prefix"].match(line)
    if m and HAN.search(m["outlet"]):
        return m["rest"].strip(), m["outlet"].strip()
    m = rules["site_prefix"].match(line)
    if m:
        return m["rest"].strip(), None
    return line, None


def headline_index(lines: list[str], first: int) -> int | None:
    """The line of the headline above the body (index into ``lines``), or None.

    In order: a markdown "# " heading; a line that repeats the page's first line (the
    page title printed again as the headline, perhaps without the site suffix); the
    line just above the date or 来源 line; the longest candidate line.
    """
    for i in range(first):
        if re.match(r"^#\s+\S", lines[i].strip()):
            return i
    candidates = [i for i in range(first) if is_title_candidate(lines[i])]
    if not candidates:
        return None
    page_title = meta.strip_site_suffix(lines[candidates[0]].strip())
    repeats = [i for i in candidates[1:] if meta.strip_site_suffix(lines[i].strip()) == page_title]
    if repeats:
        return repeats[-1]
    for i in range(first - 1, -1, -1):
        if meta.published_in_line(lines[i]) or meta.source_in_lines([lines[i]]):
            above = [c for c in candidates if c < i]
            if above and i - above[-1] <= 3:
                return above[-1]
            break
    # The longest line above the body; on ties the one nearest the body.
    return max(reversed(candidates), key=lambda i: len(lines[i].strip()))


def headline_text(line: str) -> tuple[str, str | None]:
    title = meta.strip_site_suffix(meta.markdown_text(line))
    return split_title(title)


# --- metadata around the body -------------------------------------------------------------

def trailer_lines(lines: list[str], last: int) -> list[str]:
    """Up to TRAILER_WINDOW lines below the body, ending at the comments; below a
    related-articles marker only the short lines (credits may follow such a list)."""
    trailer = []
    related = False
    for line in lines[last + 1: last + 1 + TRAILER_WINDOW]:
        if is_comment_marker(line):
            break
        related = related or is_related_marker(line)
        if related and is_prose(line):  # another article's lead (its 电（记者…）), not this one's credit
            continue
        trailer.append(line)
    return trailer


@dataclass
class PageMeta:
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    authors: tuple = ()
    url: str | None = None


def printed_headline(lines: list[str], first: int, title: str) -> int | None:
    """The last line above the body that prints ``title`` (an HTML page's known headline)."""
    key = re.sub(r"\s+", "", title)
    for i in range(first - 1, -1, -1):
        line = re.sub(r"\s+", "", lines[i])
        if key and key in line and len(line) <= len(key) + 20:
            return i
    return None


def lines_metadata(lines: list[str], first: int, last: int, body: list[str], title: str | None = None) -> PageMeta:
    """Headline, date, outlet, byline and address from the lines around the body.
    ``title``, when the page's markup already names the headline, marks where the
    header starts."""
    known = printed_headline(lines, first, title) if title else None
    index = known if known is not None else headline_index(lines, first)
    title, title_outlet = headline_text(lines[index]) if index is not None else (None, None)
    start = index if index is not None else max(0, first - HEADER_WINDOW)
    # The byline and edition lines the body opens with belong to the header too.
    while first <= last and first < len(lines) and not is_prose(lines[first]):
        first += 1
    # Lines a page prints just above its headline (a date, a 来源 line) count as well.
    header = lines[start:first] + lines[max(0, start - ABOVE_HEADLINE): start]
    trailer = trailer_lines(lines, last)
    ends = body[:3] + body[-4:]
    authors, byline_outlet = meta.bylines(header + ends + trailer)
    outlet = (
        meta.source_in_lines(header)
        or meta.edition_outlet(header)
        or meta.source_in_lines(trailer)
        or meta.source_in_lines(body[-2:])
        or meta.compiled_by(body[-3:] + trailer)
        or meta.dated_publisher(header, title)
        or byline_outlet
        or title_outlet
        or media_reporter_outlet("\n".join(ends))
        or meta.reporter_outlet("\n".join(body))
    )
    published = meta.first_published(header) or meta.first_published(trailer, labelled_only=True)
    url = meta.url_in_lines(lines)  # a labelled 原文链接 line anywhere on the page
    return PageMeta(title, published, outlet, tuple(authors), url)


def media_reporter_outlet(text: str) -> str | None:
    """The outlet of a reporter named inside a sentence near the article's ends, when its
    name ends like a medium's (某某日报记者, 某某电视台记者)."""
    m = chrome_rules()["byline_outlet"].search(text[:300])
    return m["outlet"] if m else None


# --- pages ------------------------------------------------------------------------------

def clean_text_page(raw: RawDocument) -> CleanDocument:
    lines = [strip_pinyin_glosses(line) for line in raw.text.split("\n")]
    body, span = article_lines(lines)
    if span is None:
        index = headline_index(lines, len(lines))
        title = headline_text(lines[index])[0] if index is not None else None
        return CleanDocument(raw, title, None, meta.source_in_lines(lines), "")
    first, last = span
    found = lines_metadata(lines, first, last, body)
    found.outlet = found.outlet or meta.copyright_holder(lines[last + 1:])
    return CleanDocument(raw, found.title, found.published, found.outlet, "\n".join(body), found.authors, found.url)


def bigram_counts(text: str) -> Counter:
    text = re.sub(r"\s+", "", text)
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def agreement(a: Counter, b: Counter) -> float:
    """Bigram F between two texts: how far two extractors agree on the article."""
    common = sum((a & b).values())
    total = sum(a.values()) + sum(b.values())
    return 2 * common / total if total else 0.0


def pick_candidate(candidates: dict[str, list[str]]) -> list[str]:
    """The candidate article the others agree with most (the medoid), or, of the
    candidates that agree with it nearly all the way (CONSENSUS), the longest: close
    extractions differ mostly by what one of them left out (a caption, a repeated
    paragraph). An empty candidate agrees with nothing, so two failures cannot outvote
    a good extraction; ties go to the first extractor."""
    names = [n for n, lines in candidates.items() if lines]
    if not names:
        return []
    grams = {n: bigram_counts("".join(candidates[n])) for n in names}
    score = {n: sum(agreement(grams[n], grams[o]) for o in names if o != n) for n in names}
    medoid = max(names, key=lambda n: score[n])
    close = [n for n in names if n == medoid or agreement(grams[n], grams[medoid]) >= CONSENSUS]
    return candidates[max(close, key=lambda n: sum(grams[n].values()))]


def locate(page: list[str], line: str, start: int = 0) -> int | None:
    """The index of the page line that holds ``line`` (or its opening), from ``start``."""
    key = re.sub(r"\s+", "", line)[:30]
    for i in range(start, len(page)):
        if key and key in re.sub(r"\s+", "", page[i]):
            return i
    return None


def locate_start(page: list[str], body: list[str]) -> int | None:
    """The page line where the article starts: the first line holding its opening that its
    next line follows closely (a summary printed before the article repeats the opening)."""
    first = locate(page, body[0])
    if first is None or len(body) < 2:
        return first
    at = first
    while at is not None:
        after = locate(page, body[1], at + 1)
        if after is not None and after - at <= START_FOLLOW:
            return at
        at = locate(page, body[0], at + 1)
    return first


def clean_html_page(raw: RawDocument) -> CleanDocument:
    from . import clean_html as html

    tree = html.parse(raw.text)
    if tree is None:
        return CleanDocument(raw, None, None, None, "")
    page = [strip_pinyin_glosses(line) for line in html.page_lines(tree)]
    candidates = {
        name: article_lines([strip_pinyin_glosses(line) for line in lines], extracted=True)[0]
        for name, lines in html.article_candidates(raw.text).items()
    }
    # When no extractor finds an article, the page's own lines are read like a text crawl.
    body = pick_candidate(candidates) or article_lines(page)[0]
    first = locate_start(page, body) if body else None
    last = locate(page, body[-1], first or 0) if body else None
    if first is None or last is None:
        span = body_range(page)
        first, last = span if span else (len(page), len(page) - 1)
    metas, ld = html.meta_tags(tree), html.json_ld(tree)
    title = html_title(tree, metas, page, first)
    if title and len(body) > 1 and meta.strip_site_suffix(page[first].strip()) == title:
        # The extractor took the headline into the article: the header starts above its next line.
        first = locate(page, body[1], first + 1) or first
    found = lines_metadata(page, first, max(first, last), body, title)
    if title and found.title and unprinted_title(page, title, found.title):
        title = found.title
    title = title or found.title
    scripts = html.inline_scripts(tree)
    published = found.published or meta.meta_published(metas, ld) or meta.script_published(scripts)
    outlet = (found.outlet or meta.script_publisher(scripts) or valid_site_name(metas)
              or meta.valid_outlet(meta.title_site(html.title_tag(tree) or ""))
              or meta.copyright_holder(page[last + 1:]))
    url = html.canonical_url(tree, metas) or found.url
    body = [line for line in body if meta.strip_site_suffix(line) != title] if title else body
    return CleanDocument(raw, title, published, outlet, "\n".join(body), found.authors, url)


def unprinted_title(page: list[str], title: str, headline: str) -> bool:
    """True when the markup's title is no headline the page prints and the headline line
    above the article should replace it: the title is that headline with a section name
    left on (标题--某某·某某), or a site or section name sharing nothing with it. A title
    the page rewrote (an 原标题 line with more words) is kept."""
    if printed_headline(page, len(page), title) is not None:
        return False
    if title.startswith(headline) and len(headline) >= MIN_HEADLINE_CHARS:
        return True
    return agreement(bigram_counts(title), bigram_counts(headline)) < UNRELATED_TITLE


def valid_site_name(metas: dict[str, str]) -> str | None:
    name = metas.get("og:site_name") or metas.get("application-name")
    return meta.valid_outlet(name) if name and HAN.search(name) else None


def html_title(tree, metas: dict[str, str], page: list[str], first: int) -> str | None:
    """The headline: of an h1 the title tag or og:title starts with, og:title and the
    title tag (without their site suffix), and the other h1s, the first the page prints
    on a line of its own above the article; if none is printed, the first of them."""
    from . import clean_html as html

    tag = html.title_tag(tree) or ""
    og = metas.get("og:title", "")
    h1s = [meta.strip_site_suffix(h) for h in html.headings(tree)]
    named = [h for h in h1s if len(h) >= MIN_HEADLINE_CHARS and (tag.startswith(h) or og.startswith(h))]
    named += [meta.strip_site_suffix(text) for text in (og, tag) if text and HAN.search(text)]
    headlines = [h for h in h1s if not meta.is_site_name(h)]  # not a logo's h1
    for text in [*named, *headlines]:
        if len(text) >= MIN_HEADLINE_CHARS and printed_headline(page, first, text) is not None:
            return text
    return named[0] if named else (h1s[0] if len(h1s) == 1 else None)


def clean(raw: RawDocument) -> CleanDocument:
    """The clean document of ``raw``; raises :class:`NoArticle` when no article is found."""
    cleaned = clean_html_page(raw) if raw.format == "html" else clean_text_page(raw)
    size = len(re.sub(r"\s+", "", cleaned.text))
    if size < MIN_ARTICLE_CHARS:
        left = f"only {size} characters of text" if size else "no text"
        raise NoArticle(f"no article: {left} left after removing the page chrome (minimum {MIN_ARTICLE_CHARS} characters)")
    return cleaned
