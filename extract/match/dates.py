"""Date rules: the expressions that place a day, month, year, period, decade or
century on the calendar, with their EDTF values (see ``normalise/dates.py``).

Each rule is a regular expression with a function from the match (and the page's
reference year) to an EDTF value; a rule that needs a reference year gives nothing
on a page without one. Overlapping matches keep the longest. Durations (两年内),
vague times (近年来, 近日, 目前) and times of day alone match no rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_tsv
from ..normalise.dates import (
    HALF_YEAR, QUARTER, RELATIVE_YEAR, Reference, century, chinese_small_number, chinese_year,
    decade, interval, reference_year, ymd,
)
from . import char_spans

YEAR = r"(?P<y>(?:1[5-9]|20|21)\d{2}|[〇零○一二三四五六七八九]{4})"
MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
DAY = r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
MONTH_PART = r"(?P<part>上旬|中旬|下旬|初|底|末|中)"
REL = r"(?P<rel>今年|本年|去年|上年|前年|明年)"
TIME = r"(?:\s*(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?)?"
NOT_AFTER_DIGIT = r"(?<![\d.])"

Resolver = Callable[[re.Match, Reference], "str | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    resolve: Resolver


def month_of(m: re.Match, group: str = "m") -> int:
    return chinese_small_number(m.group(group))


def year_of(m: re.Match, ref: Reference) -> int | None:
    if m.groupdict().get("y"):
        return chinese_year(m.group("y"))
    if m.groupdict().get("rel"):
        return ref.year + RELATIVE_YEAR[m.group("rel")] if ref.known else None
    return ref.year


def full_date(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    return ymd(year, month_of(m), chinese_small_number(m.group("d"))) if year else None


def numeric_date(m: re.Match, ref: Reference) -> str | None:
    day = ymd(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if day and m.group("H"):
        return f"{day}T{int(m.group('H')):02d}:{m.group('M')}:{m.group('S') or '00'}"
    return day


def year_month(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    return ymd(year, month_of(m)) if year else None


def year_only(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    return ymd(year) if year else None


def half_year(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    if not year:
        return None
    first, last = HALF_YEAR[m.group("half")]
    return interval(ymd(year, first), ymd(year, last))


def quarter(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    if not year:
        return None
    first, last = QUARTER[m.group("q")]
    return interval(ymd(year, first), ymd(year, last))


def first_months(m: re.Match, ref: Reference) -> str | None:
    year = year_of(m, ref)
    return interval(ymd(year, 1), ymd(year, month_of(m))) if year else None


def decade_of(m: re.Match, ref: Reference) -> str | None:
    cent = m.group("c")
    digits = m.group("dd")
    tens = int(digits) if digits.isdigit() else chinese_small_number(digits)
    return decade(chinese_small_number(cent) if cent else None, tens)


def century_of(m: re.Match, ref: Reference) -> str | None:
    return century(chinese_small_number(m.group("c")))


@lru_cache(maxsize=1)
def holiday_rules() -> list[Rule]:
    rules = []
    for row in read_tsv("holidays.tsv"):
        name, month_day = row[0], row[1]
        follow = row[2] if len(row) > 2 and row[2] else ""
        month, day = (int(x) for x in month_day.split("-"))
        pattern = re.compile(re.escape(name) + (f"(?={follow})" if follow else ""))

        def resolve(m, ref, month=month, day=day):
            return ymd(ref.year, month, day) if ref.known else None

        rules.append(Rule(f"holiday:{name}", pattern, resolve))
    return rules


CENTURY = r"(?P<c>\d{2}|二十一|二十|十九|十八)世纪"
DECADE_DIGITS = r"(?P<dd>[1-9]0|[一二三四五六七八九]十)"

RULES: list[Rule] = [
    Rule("numeric", re.compile(NOT_AFTER_DIGIT + r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + TIME), numeric_date),
    Rule("ymd", re.compile(NOT_AFTER_DIGIT + YEAR + "年" + MONTH + "月" + DAY + "[日号]"), full_date),
    Rule("rel_md", re.compile(REL + MONTH + "月" + DAY + "[日号]"), full_date),
    Rule("md", re.compile(r"(?<![\d年])" + MONTH + "月" + DAY + "[日号]"), full_date),
    Rule("ym", re.compile(NOT_AFTER_DIGIT + YEAR + "年" + MONTH + "月(?:份)?" + MONTH_PART + "?"), year_month),
    Rule("rel_m", re.compile(REL + MONTH + "月(?:份)?" + MONTH_PART + "?"), year_month),
    Rule("m_part", re.compile(r"(?<![\d年前近个])" + MONTH + "月" + MONTH_PART), year_month),
    Rule("half", re.compile(NOT_AFTER_DIGIT + YEAR + "年" + r"(?P<half>上半年|下半年)"), half_year),
    Rule("rel_half", re.compile(REL + r"(?P<half>上半年|下半年)"), half_year),
    Rule("quarter", re.compile(NOT_AFTER_DIGIT + YEAR + "年" + r"第?(?P<q>[一二三四1-4])季度"), quarter),
    Rule("rel_quarter", re.compile(REL + r"第?(?P<q>[一二三四1-4])季度"), quarter),
    Rule("first_months", re.compile(NOT_AFTER_DIGIT + YEAR + "年" + r"(?:前|1-|1—|1至)" + MONTH + "个?月"), first_months),
    Rule("rel_first_months", re.compile(REL + r"(?:前|1-|1—|1至)" + MONTH + "个?月"), first_months),
    Rule("year", re.compile(NOT_AFTER_DIGIT + YEAR + r"年(?:度)?(?!代)"), year_only),
    Rule("rel_year", re.compile(REL + r"(?:以来)?"), year_only),
    Rule("decade", re.compile(r"(?:" + CENTURY + r")?" + DECADE_DIGITS + r"年代(?:初期|中期|末期|初|中|末)?"), decade_of),
    Rule("century", re.compile(CENTURY + r"(?!\d0年代|[一二三四五六七八九]十年代)"), century_of),
]

# Rules whose matches are a month and day written without a year (for reprint detection).
MONTH_DAY_RULES = {"md", "rel_md"}


def all_rules() -> list[Rule]:
    return RULES + holiday_rules()


def candidate_matches(text: str) -> list[tuple[Rule, re.Match]]:
    """All rule matches, overlaps resolved by keeping the earliest-longest."""
    found = [(rule, m) for rule in all_rules() for m in rule.pattern.finditer(text)]
    found.sort(key=lambda rm: (rm[1].start(), -(rm[1].end() - rm[1].start())))
    kept, last_end = [], -1
    for rule, m in found:
        if m.start() < last_end:
            continue
        if kept and is_holiday(rule) and is_holiday(kept[-1][0]) and not text[last_end:m.start()].strip("”’\" "):
            last_end = m.end()  # “五一”国际劳动节 names one day
            continue
        kept.append((rule, m))
        last_end = m.end()
    return kept


def is_holiday(rule: Rule) -> bool:
    return rule.name.startswith("holiday:")


def find_dates(text: str, published: str | None) -> list[dict]:
    """Date matches in ``text``: start, end, text and EDTF value."""
    matches = candidate_matches(text)
    month_days = [
        (month_of(m), chinese_small_number(m.group("d")))
        for rule, m in matches if rule.name in MONTH_DAY_RULES
    ]
    ref = reference_year(published, month_days)
    dates = []
    for rule, m in matches:
        try:
            value = rule.resolve(m, ref)
        except (KeyError, ValueError):
            value = None
        if value:
            dates.append({"start": m.start(), "end": m.end(), "text": m.group(), "value": value})
    return dates


@Language.component("extract_dates", assigns=["doc.spans"])
def dates_component(doc: Doc) -> Doc:
    """Dates in ``doc.spans["dates"]`` with their EDTF value in ``span._.value``."""
    spans = []
    found_dates = find_dates(doc.text, doc._.published)
    offsets = [(found["start"], found["end"]) for found in found_dates]
    for found, span in zip(found_dates, char_spans(doc, offsets, "DATE")):
        if span is not None:
            span._.value = found["value"]
            spans.append(span)
    doc.spans["dates"] = spans
    return doc
