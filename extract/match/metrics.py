"""Metric rules: a number, a unit or measure word, and a qualifier.

Tables live in ``extract/data``: ``units.tsv`` (what may follow a number),
``magnitudes.tsv`` (万, 亿 …) and ``qualifiers.tsv`` (超过, 以上, 约 …). Dates,
ordinals (第一), codes (S3, G60), numbers inside short quoted names (“黄金二十条”)
and the indefinite 一 (一名, 一支) are not metrics.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_tsv
from ..normalise.numbers import ARABIC, CHINESE, CHINESE_DIGITS, parse_number
from . import RangeIndex, alternation, char_spans

QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "\"": "\""}
SHORT_QUOTE = 10  # a quoted phrase up to this long is a name, not a statement
YEAR_LIKE = re.compile(r"^(1[5-9]|20|21)\d{2}$")


@lru_cache(maxsize=1)
def units() -> dict[str, str]:
    return {row[0]: row[1] for row in read_tsv("units.tsv")}


@lru_cache(maxsize=1)
def unit_blockers() -> dict[str, str]:
    """Unit -> characters that, right after it, make it the start of another word."""
    return {row[0]: row[2] for row in read_tsv("units.tsv") if len(row) > 2}


@lru_cache(maxsize=1)
def qualifiers() -> dict[tuple[str, str], str]:
    return {(word, position): q for word, position, q in read_tsv("qualifiers.tsv")}


@lru_cache(maxsize=1)
def metric_pattern() -> re.Pattern:
    qual = qualifiers()
    before = alternation(w for w, pos in qual if pos == "before")
    after_number = alternation(w for w, pos in qual if pos == "after_number")
    after_unit = alternation(w for w, pos in qual if pos == "after_unit")
    magnitude = "[十百千万亿]+"
    return re.compile(
        rf"(?P<before>{before})?"
        rf"(?P<number>{ARABIC}\s*(?:{magnitude})?|{CHINESE})"
        rf"(?P<approx>{after_number})?"
        rf"(?P<unit>{alternation(units())})"
        rf"(?P<after>{after_unit})?"
    )


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of short quoted phrases (campaign and product names)."""
    ranges = []
    for open_q, close_q in QUOTE_PAIRS.items():
        for m in re.finditer(re.escape(open_q) + r"([^" + re.escape(close_q) + r"\n]{1,%d})" % SHORT_QUOTE + re.escape(close_q), text):
            ranges.append((m.start(), m.end()))
    return ranges


def is_excluded(text: str, m: re.Match) -> bool:
    start, number, unit = m.start("number"), m.group("number").strip(), m.group("unit")
    prev = text[start - 1] if start > 0 else ""
    nxt = text[m.end("unit"):m.end("unit") + 1]
    if number in {"零", "〇", "二"}:
        return True  # 零部件, 零故障; 二次 (a count is written 两次)
    if prev == "第" or re.match(r"[A-Za-z0-9/\-_.]", prev):
        return True  # ordinal, or part of a code such as S3 or DL/T2096
    if unit == "年" and YEAR_LIKE.match(number) and not m.group("approx"):
        return True  # a calendar year
    if unit == "年" and nxt == "代":
        return True  # 90年代 is a decade
    if number in {"一", "壹"} and units()[unit] != "duration" and not text[max(0, start - 2):start] == "唯一":
        return True  # the indefinite 一名, 一支, 一批
    if re.fullmatch("[十百千万亿]+", number) and not (m.group("before") or m.group("approx")):
        return True  # 万家灯火, 百家: a bare magnitude is a figure only with 超/余/多
    if nxt and nxt in unit_blockers().get(unit, ""):
        return True  # 九市 is a figure, 市场 is a word
    return False


def qualifier_of(m: re.Match) -> str:
    qual = qualifiers()
    for group, position in (("after", "after_unit"), ("approx", "after_number"), ("before", "before")):
        word = m.group(group)
        if word:
            return qual[(word, position)]
    return "eq"


def normalise_unit(unit: str) -> str:
    unit = unit.replace("％", "%")
    return "百分点" if unit.endswith("百分点") else unit


def find_metrics(text: str) -> list[dict]:
    """Metric matches in ``text``: start, end, value, unit, qualifier."""
    quoted = RangeIndex((start, end, None) for start, end in quoted_ranges(text))
    found = []
    for m in metric_pattern().finditer(text):
        if re.match(f"[{CHINESE_DIGITS}]{{2}}", m.group("number")) and not m.group("before"):
            # 唯一一家: two digits in a row are a word and a numeral, not one number.
            m = metric_pattern().match(text, m.start("number") + 1) or m
        if is_excluded(text, m):
            continue
        if any(qs < m.start("number") for qs, _, _ in quoted.holding(m.start("number"), m.end("unit"))):
            continue
        number = re.sub(r"\s+", "", m.group("number"))
        try:
            value = parse_number(number)
        except ValueError:
            continue
        found.append({
            "start": m.start(), "end": m.end(), "value": value,
            "unit": normalise_unit(m.group("unit")), "qualifier": qualifier_of(m),
        })
    return found


@Language.component("extract_metrics", requires=["doc.spans"], assigns=["doc.spans"])
def metrics_component(doc: Doc) -> Doc:
    """Metrics in ``doc.spans["metrics"]``; spans overlapping a date are left out."""
    dates = RangeIndex((d.start_char, d.end_char, d) for d in doc.spans.get("dates", []))
    spans = []
    found_metrics = find_metrics(doc.text)
    offsets = [(found["start"], found["end"]) for found in found_metrics]
    for found, span in zip(found_metrics, char_spans(doc, offsets, "METRIC")):
        if span is None or dates.overlaps(span.start_char, span.end_char):
            continue
        span._.value, span._.unit, span._.qualifier = found["value"], found["unit"], found["qualifier"]
        spans.append(span)
    doc.spans["metrics"] = spans
    return doc
