"""Stage 2, clean: keep the article, drop the page chrome, recover metadata.

Plain-text scrapes are judged line by line from general signals: length, sentence
punctuation, the share of Chinese characters, position relative to the prose,
neighbouring lines and page-chrome patterns (``data/page_chrome.json``). HTML pages
go through trafilatura's main-content extraction. Pinyin glosses such as
``工业(gōngyè)`` are stripped from the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from .data import read_json
from .ingest import RawDocument

SENTENCE_END = set("。！？…")
CLAUSE_MARKS = set("，,、；;：:")
MIN_PROSE_CHARS = 25
TRAILING_CREDIT_WINDOW = 10
HEADLINE_RUN = 4  # this many short unpunctuated lines in a row is a list, not prose

PINYIN_SYLLABLE = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+(?:ng|n|r)?"
PINYIN_GLOSS = re.compile(
    r"(?<=[\u4e00-\u9fff”’」)])[(（](?P<py>(?:" + PINYIN_SYLLABLE + r")+)[)）]"
)
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class CleanDocument:
    raw: RawDocument
    title: str | None
    published: str | None
    outlet: str | None
    text: str


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


def is_prose(line: str) -> bool:
    """A line of running article text: long, mostly Chinese, with sentence punctuation."""
    line = line.strip()
    if len(line) < MIN_PROSE_CHARS or han_ratio(line) < 0.4 or is_chrome(line):
        return False
    ends = sum(c in SENTENCE_END for c in line)
    clauses = sum(c in CLAUSE_MARKS for c in line)
    return ends >= 1 or (len(line) >= 80 and clauses >= 3)


def is_credit(line: str) -> bool:
    line = line.strip()
    return len(line) <= 60 and matches_any(line, chrome_rules()["credit_line"])


def is_short_unpunctuated(line: str) -> bool:
    line = line.strip()
    return bool(line) and len(line) < MIN_PROSE_CHARS and not any(c in SENTENCE_END for c in line)


def body_range(lines: list[str]) -> tuple[int, int] | None:
    """Inclusive 0-based (first, last) line of the article body, or None if no prose."""
    prose = [i for i, line in enumerate(lines) if is_prose(line)]
    if not prose:
        return None
    first, last = prose[0], prose[-1]
    # Leading credits ("本报讯 记者…") directly above the first paragraph.
    while first > 0 and lines[first - 1].strip() and is_credit(lines[first - 1]):
        first -= 1
    return first, trailing_credits_end(lines, last)


def trailing_credits_end(lines: list[str], last: int) -> int:
    """Extend the body over the closing credits (编辑, 记者, (作者名)) after the last paragraph."""
    rules = chrome_rules()
    end, unknown = last, 0
    for j in range(last + 1, min(len(lines), last + 1 + TRAILING_CREDIT_WINDOW)):
        line = lines[j].strip()
        if not line:
            continue
        if matches_any(line, rules["stop_after_body"]) or matches_any(line, rules["chrome_line"]):
            break
        if is_credit(line):
            end, unknown = j, 0
        else:
            unknown += 1
            if unknown >= 2:
                break
    return end


def keep_body_lines(lines: list[str], first: int, last: int) -> list[str]:
    """The non-chrome lines of the body, without runs of short unpunctuated lines (lists)."""
    kept: list[str] = []
    run: list[str] = []
    for line in lines[first:last + 1]:
        line = line.strip()
        if not line or is_chrome(line):
            continue
        if is_short_unpunctuated(line) and not is_credit(line):
            run.append(line)
            continue
        kept.extend(flush_run(run))
        run = []
        kept.append(line)
    kept.extend(flush_run(run))
    return kept


def flush_run(run: list[str]) -> list[str]:
    return [] if len(run) >= HEADLINE_RUN else list(run)


def parse_published(line: str) -> str | None:
    """An ISO date or local date-time from a date line, or None."""
    m = chrome_rules()["published_line"].search(line)
    if not m:
        return None
    # The date must be most of the line, or follow a label like 发布时间.
    if len(line.strip()) - (m.end() - m.start()) > 12 and not m.group(1):
        return None
    try:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if m["H"] is not None:
            moment = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0))
            return moment.strftime("%Y-%m-%dT%H:%M:%S")
        return datetime(y, mo, d).strftime("%Y-%m-%d")
    except ValueError:
        return None


def find_outlet_line(lines: list[str]) -> str | None:
    for line in lines:
        m = chrome_rules()["source_line"].search(line.strip())
        if m:
            return m["outlet"]
    return None


def is_title_candidate(line: str) -> bool:
    line = line.strip()
    return (
        len(line) >= 5
        and han_ratio(line) >= 0.3
        and not is_chrome(line)
        and parse_published(line) is None
        and not chrome_rules()["source_line"].search(line)
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


def pick_title(header: list[str]) -> str | None:
    candidates = [line.strip() for line in header if is_title_candidate(line)]
    if not candidates:
        return None
    # The headline is the longest line above the body; on ties the one nearest the body.
    return max(reversed(candidates), key=len)


def clean_text_page(raw: RawDocument) -> CleanDocument:
    lines = [strip_pinyin_glosses(line) for line in raw.text.split("\n")]
    span = body_range(lines)
    if span is None:
        return CleanDocument(raw, pick_title(lines), None, find_outlet_line(lines), "")
    first, last = span
    header = lines[:first]
    headline = pick_title(header)
    title, title_outlet = split_title(headline) if headline else (None, None)
    published = next((p for p in map(parse_published, header) if p), None)
    body = keep_body_lines(lines, first, last)
    text = "\n".join(body)
    outlet = find_outlet_line(header) or title_outlet or byline_outlet(text)
    return CleanDocument(raw, title, published, outlet, text)


def byline_outlet(text: str) -> str | None:
    m = chrome_rules()["byline_outlet"].search(text[:300])
    return m["outlet"] if m else None


def clean_html_page(raw: RawDocument) -> CleanDocument:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        raw.text, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if extracted is None:
        return CleanDocument(raw, None, None, None, "")
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    body = [strip_pinyin_glosses(line).strip() for line in (data.get("text") or "").split("\n")]
    text = "\n".join(line for line in body if line and not is_chrome(line))
    published = parse_published(data.get("date") or "") if data.get("date") else None
    title = data.get("title")
    outlet = data.get("sitename") or byline_outlet(text)
    return CleanDocument(raw, title, published, outlet, text)


def clean(raw: RawDocument) -> CleanDocument:
    return clean_html_page(raw) if raw.format == "html" else clean_text_page(raw)
