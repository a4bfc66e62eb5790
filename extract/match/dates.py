"""Date rules: the expressions that place a day, month, year, period, decade or
century on the calendar, with their EDTF values (see ``normalise/dates.py``).

Each rule is a regular expression with a function from the match and a
:class:`Context` to an EDTF value. Most forms come in two rules: one with a year
in front (2021年, 二〇二一年, 今年, 去年, 当年 …) and a bare one that takes the
reference year. Rules are applied left to right so that a date can lean on the
one stated before it: 当年 and 上年 on its year, 去年同期 on its period, 上月 and a
day alone (17日) on its month. Overlapping matches keep the longest. Durations
(两年内), vague times (近年来, 近日, 目前) and times of day alone match no rule;
relative days (今天, 昨天) count from the publication day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_lines, read_tsv
from ..normalise.dates import (
    HALF_YEAR, QUARTER, Reference, century, chinese_small_number, chinese_year, date_markers,
    decade, interval, month_interval, month_of_value, reference_year, relative_days, relative_years, shift_years,
    year_of_value, ymd,
)
from . import alternation, char_spans

YEAR = r"(?P<y>(?:1[5-9]|20|21)\d{2}|[〇零○一二三四五六七八九]{4})"
MONTH_NUM = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九元]"
MONTH = rf"(?P<m>{MONTH_NUM})"
MONTH2 = rf"(?P<m2>{MONTH_NUM})"
DAY_NUM = r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
DAY = rf"(?P<d>{DAY_NUM})"
DAY2 = rf"(?P<d2>{DAY_NUM})"
MONTH_PART = r"(?P<part>上旬|中旬|下旬|初|底|末|中)"
DASH = r"\s*(?:[-－—–~～〜]+|至|到)\s*"
AND = r"\s*(?:和|与|及|、|或)\s*"
S = r"\s*"  # crawls put spaces between the parts: 12 月 15 日
TIME = r"(?:\s*(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?)?"
CLOCK = r"(?:\s*(?P<H>[01]?\d|2[0-3])(?::|时)(?P<M>[0-5]\d)(?:分)?(?::(?P<S>[0-5]\d))?(?!\d))?"
NOT_AFTER_DIGIT = r"(?<![\d.])"
LINK = re.compile(rf"{DASH}|{AND}")
DASH_ONLY = re.compile(DASH)
# Comparison bases by their very words: they are not the period the text reports on.
NOT_CONTEXT = {"same_period", "previous_month"}
# A newspaper's edition credit, （2024年03月16日第 05 版）: the page header, not the article.
EDITION_CREDIT = re.compile(r"\s*第\s*[\d一二三四五六七八九十]{1,3}\s*版")
# A bare month or day is not part of a count (3个月, 前5月, 近3月) or of a longer number.
BARE = r"(?<![\d.年前近个第每多数几余\-—~〇零一二三四五六七八九十百千万亿美欧港日币])"
BARE_DAY = r"(?<![\d.年个第每多数几余\-—~])"


@lru_cache(maxsize=1)
def relative_pattern() -> str:
    return rf"(?P<rel>{alternation(relative_years())})"


def short_year(yy: int) -> int:
    """19年11月 is 2019; 98年5月 is 1998 (a two-digit year is this century's up to 50)."""
    return 2000 + yy if yy <= 50 else 1900 + yy


def year_prefix() -> str:
    """A year in front of a month or period: 2021年, 二〇二一年, 今年, 去年, 当年."""
    return rf"(?:{NOT_AFTER_DIGIT}{YEAR}{S}年{S}|{relative_pattern()})"


@dataclass
class Context:
    """What a rule may lean on: the reference date, the text and the last date found."""
    ref: Reference
    text: str
    last: str | None = None  # EDTF value of the date stated just before
    last_start: int = -1
    carry_year: int | None = None  # the year of a list or range this date continues
    today: date | None = None  # the page's own today, where it writes it: 今天（9月7日）


Resolver = Callable[[re.Match, Context], "str | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    resolve: Resolver


def group(m: re.Match, name: str) -> str | None:
    return m.groupdict().get(name)


def month_of(m: re.Match, name: str = "m") -> int:
    return chinese_small_number(m.group(name))


def relative_year(word: str, ctx: Context) -> int | None:
    offset = relative_years()[word]
    if offset.startswith("context"):
        year = year_of_value(ctx.last)
        return year + int(offset[len("context"):] or 0) if year else None
    return ctx.ref.year + int(offset) if ctx.ref.known else None


def year_of(m: re.Match, ctx: Context) -> int | None:
    """The year the match states (2021年, 19年, 今年) or, without one, the reference year."""
    if group(m, "y"):
        return chinese_year(m.group("y"))
    if group(m, "yy"):
        return short_year(int(m.group("yy")))
    if group(m, "rel"):
        return relative_year(m.group("rel"), ctx)
    return ctx.carry_year or ctx.ref.year


def stated_or_unknown_year(m: re.Match, ctx: Context) -> tuple[bool, int | None]:
    """(usable, year): a month or day may be written with an unknown year (XXXX-05-12),
    unless a relative year word was there and could not be resolved."""
    year = year_of(m, ctx)
    return (year is not None or not group(m, "rel")), year


def day_date(m: re.Match, ctx: Context) -> str | None:
    ok, year = stated_or_unknown_year(m, ctx)
    day = ymd(year, month_of(m), chinese_small_number(m.group("d"))) if ok else None
    return with_time(day, m) if day and year is not None else day


def with_time(day: str, m: re.Match) -> str:
    if not group(m, "H"):
        return day
    return f"{day}T{int(m.group('H')):02d}:{m.group('M')}:{m.group('S') or '00'}"


def numeric_date(m: re.Match, ctx: Context) -> str | None:
    day = ymd(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return with_time(day, m) if day else None


def day_range(m: re.Match, ctx: Context) -> str | None:
    """10月10日至12日, 6月1日-6月30日: the year and month carry across the range."""
    ok, year = stated_or_unknown_year(m, ctx)
    if not ok:
        return None
    first = month_of(m)
    last = month_of(m, "m2") if group(m, "m2") else first
    return interval(ymd(year, first, chinese_small_number(m.group("d"))), ymd(year, last, chinese_small_number(m.group("d2"))))


def month_date(m: re.Match, ctx: Context) -> str | None:
    ok, year = stated_or_unknown_year(m, ctx)
    return ymd(year, month_of(m)) if ok else None


def month_range(m: re.Match, ctx: Context) -> str | None:
    """1-6月, 1至5月, 1—3月份, 前5个月: the months as an interval of the year."""
    first = month_of(m) if group(m, "m") else 1
    if group(m, "first_n") and month_of(m, "m2") < 2:
        return None  # 前一个月 is a month ago, not a span
    return month_interval(year_of(m, ctx), first, month_of(m, "m2"))


def year_only(m: re.Match, ctx: Context) -> str | None:
    year = year_of(m, ctx)
    return ymd(year) if year else None


def year_range(m: re.Match, ctx: Context) -> str | None:
    """1995-1997年, 2016至2019年."""
    return interval(ymd(chinese_year(m.group("y"))), ymd(chinese_year(m.group("y2"))))


def titled_year(m: re.Match, ctx: Context) -> str | None:
    """2019中国国际…: a year, unless the number is a count (a unit, magnitude or
    qualifier follows it: 2019人, 2000余家)."""
    if count_follows(ctx.text, m.end()):
        return None
    return year_only(m, ctx)


@lru_cache(maxsize=1)
def count_words() -> re.Pattern:
    """What may follow a number that is a count: units, magnitudes, qualifiers, 年/月/日."""
    from .metrics import qualifiers, units  # the metric tables say what a count looks like

    words = set(units()) | {w for w, _ in qualifiers()} | set("十百千万亿年月日号多余")
    return re.compile(alternation(words))


def count_follows(text: str, position: int) -> bool:
    return count_words().match(text, position) is not None


def half_year(m: re.Match, ctx: Context) -> str | None:
    first, last = HALF_YEAR[m.group("half")]
    return month_interval(year_of(m, ctx), first, last)


def quarter(m: re.Match, ctx: Context) -> str | None:
    """一季度 is its three months, 二季度末 its last month, 前三季度 months 1 to 9."""
    year = year_of(m, ctx)
    if year is None:
        return None
    first, last = QUARTER[m.group("q")]
    if group(m, "qend"):
        return ymd(year, last)
    return month_interval(year, 1 if group(m, "first") else first, last)


def same_period(m: re.Match, ctx: Context) -> str | None:
    """去年同期, 上年同期: the period stated just before, a year back."""
    if ctx.last and year_of_value(ctx.last):
        return shift_years(ctx.last, -1)
    return ymd(ctx.ref.year - 1) if ctx.ref.known else None


def previous_month(m: re.Match, ctx: Context) -> str | None:
    """上月: the month before the one stated just before in the same paragraph, else
    the month before the publication date (without one, before the last month stated)."""
    stated = month_of_value(ctx.last)
    same_paragraph = "\n" not in ctx.text[ctx.last_start:m.start()]
    if stated and stated[0] and (same_paragraph or not ctx.ref.month):
        year, month = stated
    elif ctx.ref.month:
        year, month = ctx.ref.year, ctx.ref.month
    else:
        return None
    return ymd(year - 1, 12) if month == 1 else ymd(year, month - 1)


def this_month(m: re.Match, ctx: Context) -> str | None:
    """本月 and 下月 from the publication month; 当月 and 同月 are the month stated just
    before; with a day (本月15日) the day of that month."""
    if m.group("which") in {"当月", "同月"}:
        stated = month_of_value(ctx.last)
        if not stated or not stated[0]:
            return None
        year, month = stated
    elif ctx.ref.month:
        year, month = ctx.ref.year, ctx.ref.month
        if m.group("which").startswith("下"):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        return None
    return ymd(year, month, chinese_small_number(m.group("d")) if m.group("d") else None)


# A relative day with the date it stands for in brackets: 今天（9月7日）, 昨天(3日).
BRACKETED_DAY = re.compile(rf"\s*[（(]\s*(?:{MONTH}{S}月{S})?{DAY}{S}[日号]\s*[）)]")


def relative_day(m: re.Match, ctx: Context) -> str | None:
    """今天, 昨天, 明天 …: the publication day moved by the word's offset, or the date the
    page writes in brackets after the word (a page published after midnight says 今天
    of the day before: 今天（9月7日）), which is the page's today from there on."""
    if in_quotation(ctx.text, m.start()):
        return None  # “今天收麦子…”: the speaker's day, not the page's
    offset = timedelta(days=relative_days()[m.group("word")])
    bracketed = BRACKETED_DAY.match(ctx.text, m.end())
    if bracketed and ctx.ref.month:
        month = chinese_small_number(bracketed.group("m")) if bracketed.group("m") else ctx.ref.month
        written = date(ctx.ref.year, month, chinese_small_number(bracketed.group("d")))
        ctx.today = written - offset  # later relative days of the page count from it
        return written.isoformat()
    if ctx.today is None and ctx.ref.day is None:
        return None
    today = ctx.today or date(ctx.ref.year, ctx.ref.month, ctx.ref.day)
    return (today + offset).isoformat()


def in_quotation(text: str, position: int) -> bool:
    """Whether ``position`` lies inside a “…” quotation of its line."""
    line = text[text.rfind("\n", 0, position) + 1:position]
    return line.count("“") > line.count("”")


def day_alone(m: re.Match, ctx: Context) -> str | None:
    """17日: a day of the month stated just before, else of the publication month (of
    the month before when the day is still to come)."""
    day = chinese_small_number(m.group("d"))
    stated = month_of_value(ctx.last) if ctx.last and "/" not in ctx.last else None
    if stated:
        return ymd(stated[0], stated[1], day)
    if ctx.ref.month:
        year, month = ctx.ref.year, ctx.ref.month
        if ctx.ref.day is not None and day > ctx.ref.day:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return ymd(year, month, day)
    return None


def decade_of(m: re.Match, ctx: Context) -> str | None:
    cent = m.group("c")
    digits = m.group("dd")
    tens = int(digits) if digits.isdigit() else chinese_small_number(digits)
    return decade(chinese_small_number(cent) if cent else None, tens)


def century_of(m: re.Match, ctx: Context) -> str | None:
    return century(chinese_small_number(m.group("c")))


@lru_cache(maxsize=1)
def holiday_rules() -> list[Rule]:
    rules = []
    for row in read_tsv("holidays.tsv"):
        name, month_day = row[0], row[1]
        follow = row[2] if len(row) > 2 and row[2] else ""
        month, day = (int(x) for x in month_day.split("-"))
        # 五一, 十一: not the tail of a longer numeral (二十一, 第十一).
        guard = "(?<![〇零一二三四五六七八九十百千第])" if name[0] in "一二三四五六七八九十" else ""
        pattern = re.compile(guard + re.escape(name) + (f"(?={follow})" if follow else ""))

        def resolve(m, ctx, month=month, day=day):
            return ymd(ctx.ref.year, month, day) if ctx.ref.known else None

        rules.append(Rule(f"holiday:{name}", pattern, resolve))
    return rules


CENTURY = r"(?P<c>\d{2}|二十一|二十|十九|十八)世纪"
DECADE_DIGITS = r"(?P<dd>[1-9]0|[一二三四五六七八九]十)"
QUARTER_BODY = r"(?P<first>前)?第?(?P<q>[一二三四1-4])季度(?P<qend>末)?"
HALF_BODY = r"(?P<half>上半年|下半年)"
# 前 of a word (提前, 之前, 目前 …) does not open a span of first months.
MONTH_SPAN_BODY = rf"(?:{MONTH}{S}月?{DASH}|(?<![提之以此日目事当眼面跟门空向先从生战会赛节])(?P<first_n>前)){MONTH2}{S}个?{S}月(?:份)?(?!{S}(?:{DAY_NUM}){S}[日号])"
# 2019年11月29日 10:30, 11月29日10时30分: a date with its time of day.
DAY_BODY = rf"{MONTH}{S}月(?:份)?{S}{DAY}{S}[日号]{CLOCK}"
DAY_RANGE_BODY = rf"{MONTH}{S}月{S}{DAY}{S}[日号]?{DASH}(?:{MONTH2}{S}月{S})?{DAY2}{S}[日号]"
MONTH_BODY = rf"{MONTH}{S}月(?:份)?{MONTH_PART}?(?![\d日号])"
# The first of a list that writes 年 or 月 once: 2016、2017年; 3、5月.
LISTED_YEAR = rf"{NOT_AFTER_DIGIT}(?P<y>(?:19|20)\d{{2}})(?={AND}(?:19|20)\d{{2}}{S}年)"
LISTED_MONTH_BODY = rf"{MONTH}(?={AND}(?:{MONTH_NUM}){S}月)"


def with_year(name: str, body: str, resolve: Resolver, bare_guard: str = BARE) -> list[Rule]:
    """The rule for ``body`` after a year (2021年…, 今年…) and the bare one."""
    return [
        Rule(name, re.compile(year_prefix() + body), resolve),
        Rule(f"bare_{name}", re.compile(bare_guard + body), resolve),
    ]


@lru_cache(maxsize=1)
def all_rules() -> list[Rule]:
    rel = relative_pattern()
    return [
        Rule("numeric", re.compile(NOT_AFTER_DIGIT + r"(?P<y>(?:19|20)\d{2})([-/.])(?P<m>1[0-2]|0?[1-9])\2(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + TIME), numeric_date),
        *with_year("day_range", DAY_RANGE_BODY, day_range),
        *with_year("day", DAY_BODY, day_date, bare_guard=BARE_DAY),
        # 19年11月29日, 98年5月: a two-digit year, only before a month.
        Rule("short_year_day", re.compile(NOT_AFTER_DIGIT + r"(?P<yy>\d{2})年" + DAY_BODY), day_date),
        Rule("short_year_month", re.compile(NOT_AFTER_DIGIT + r"(?P<yy>\d{2})年" + MONTH + S + "月(?:份)?" + MONTH_PART + r"?(?![\d日号])"), month_date),
        *with_year("month_span", MONTH_SPAN_BODY, month_range),
        *with_year("month", MONTH_BODY, month_date),
        *with_year("listed_month", LISTED_MONTH_BODY, month_date),
        Rule("listed_year", re.compile(LISTED_YEAR), year_only),
        *with_year("half", HALF_BODY, half_year, bare_guard=""),
        *with_year("quarter", QUARTER_BODY, quarter, bare_guard=r"(?<![\d一二三四])"),
        # 去年全年, 今年以来, 2021年底, 今年初; a bare 年初/年底 is the reference year.
        Rule("year_part", re.compile(year_prefix() + r"(?:全年|以来|[初底末](?![步线蕴子]))"), year_only),
        Rule("bare_year_part", re.compile(r"(?<![\d〇零一二三四五六七八九年今去明前本当每多大新])年(?:初|底|末)(?![步线蕴子一二三四五六七八九十])"), year_only),
        Rule("same_period", re.compile(r"(?:去年|上年|上一年)同期"), same_period),
        # Not 登上月球, 日本月薪, 当月亮: a moon or a country is no month.
        Rule("previous_month", re.compile(r"(?<![登踏奔飞])上个?月(?![份球亮光台])"), previous_month),
        Rule("this_month", re.compile(r"(?<![日登踏落])(?P<which>本月|当月|同月|下个?月)(?![球亮光台])(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?"), this_month),
        # Not 美好的明天 (the future), 今天的中国 (nowadays): a relative day after or before 的.
        Rule("relative_day", re.compile(rf"(?<!的)(?P<word>{alternation(relative_days())})(?!的)"), relative_day),
        Rule("day_alone", re.compile(r"(?<![\d.月个第每多数几余前后近])(?P<d>3[01]|[12]\d|0?[1-9])日(?!内|以内|之内|以上|以下|左右|均|元|游|报|记|年化)"), day_alone),
        Rule("year_range", re.compile(NOT_AFTER_DIGIT + YEAR.replace("?P<y>", "?P<y>") + DASH + YEAR.replace("?P<y>", "?P<y2>") + S + r"年(?!代)"), year_range),
        Rule("year", re.compile(NOT_AFTER_DIGIT + YEAR + S + r"年(?:度)?(?!代)"), year_only),
        Rule("rel_year", re.compile(rel + r"(?!代)"), year_only),
        # A year written without 年 before a quoted or book title or an event's name:
        # 2019“…”活动, 2022《…》, 2019中国国际…博览会 (but 2019人, 2000余家 are counts).
        Rule("titled_year", re.compile(r"(?<![A-Za-z0-9.\-/])(?P<y>(?:19|20)\d{2})(?=[“《「\"]|[\u4e00-\u9fff]{2})"), titled_year),
        Rule("decade", re.compile(r"(?:" + CENTURY + r")?" + DECADE_DIGITS + r"年代(?:初期|中期|末期|初|中|末)?"), decade_of),
        Rule("century", re.compile(CENTURY + r"(?!\d0年代|[一二三四五六七八九]十年代)"), century_of),
        *holiday_rules(),
    ]


# Full-width digits and signs, read as ASCII (one character for one, so offsets hold).
FULL_WIDTH = str.maketrans("０１２３４５６７８９．／－：～", "0123456789./-:~")


@lru_cache(maxsize=1)
def false_words() -> re.Pattern:
    return re.compile(alternation(read_lines("date_false_words.txt")))


def candidate_matches(text: str) -> list[tuple[Rule, re.Match]]:
    """All rule matches, overlaps resolved by keeping the earliest-longest; none
    inside a word of ``date_false_words.txt`` (十月革命)."""
    blocked = [(w.start(), w.end()) for w in false_words().finditer(text)]
    found = [
        (rule, m) for rule in all_rules() for m in rule.pattern.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in blocked)
    ]
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


def month_days(matches: list[tuple[Rule, re.Match]]) -> list[tuple[int, int]]:
    """(month, day) of the days written without a year (for reprint detection)."""
    pairs = []
    for rule, m in matches:
        if rule.name == "bare_day" or (rule.name == "day" and group(m, "rel") in {"今年", "本年"}):
            try:
                pairs.append((month_of(m), chinese_small_number(m.group("d"))))
            except (KeyError, ValueError):
                continue
    return pairs


def text_year(text: str, matches: list[tuple[Rule, re.Match]]) -> int | None:
    """The year a page without a publication date reports on: the latest year it
    states, leaving out targets and deadlines (至2022年, 到2030年, but 截至2021年底
    counts). A period compared 环比 with the fourth quarter (or December, or the
    second half) of a year is in the year after it; so is the year a sentence opens
    with to report a whole year (2024年，全省出口…) when the text also speaks of this
    year (今年), which is then a later one."""
    markers = date_markers()
    years = []
    speaks_of_this_year = any(group(m, "rel") in {"今年", "本年"} for _, m in matches)
    for rule, m in matches:
        if not group(m, "y") or rule.name in {"numeric", "decade", "century"}:
            continue
        before = text[max(0, m.start() - 2):m.start()]
        if before[-1:] in markers["target_before"] and before not in markers["not_target_before"]:
            continue
        year = chinese_year(m.group("y"))
        after = text[m.end():m.end() + 4]
        ends_year = group(m, "q") in {"四", "4"} or group(m, "half") == "下半年" or (group(m, "m") and month_of(m) == 12)
        if ends_year and any(w in after for w in markers["sequential_after"]):
            year += 1
        elif speaks_of_this_year and rule.name == "year" and is_topic_year(text, m, sentence_start(text, m.start())):
            year += 1
        years.append(year)
    return max(years) if years else None


SENTENCE_END = re.compile(r"[。！？!?\n]")
# Bare periods that take the year stated earlier in their sentence.
SENTENCE_YEAR_RULES = {"bare_quarter", "bare_half", "bare_month_span"}


def sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts (after 。！？ or a line break)."""
    window = text[max(0, position - 300):position]
    ends = [e.end() for e in SENTENCE_END.finditer(window)]
    return max(0, position - 300) + (ends[-1] if ends else 0)


def is_topic_year(text: str, m: re.Match, sentence: int) -> bool:
    """2021年，… and 去年，… opening a sentence: the year the sentence is about."""
    if not (group(m, "y") or (group(m, "rel") and relative_years()[m.group("rel")].lstrip("-").isdigit())):
        return False
    return not text[sentence:m.start()].strip("“”\"‘’ 　") and text[m.end():m.end() + 1] in {"，", ","}


def is_comparison_base(text: str, start: int) -> bool:
    """比2015年的…, 较上月: the date a figure is compared with, not the period the
    text is reporting on (so 上年 and 同期 after it do not lean on it)."""
    before = text[max(0, start - 2):start]
    return any(before.endswith(w) for w in date_markers()["comparison_before"])


def find_dates(text: str, published: str | None) -> list[dict]:
    """Date matches in ``text``: start, end, text and EDTF value."""
    original, text = text, text.translate(FULL_WIDTH)
    matches = candidate_matches(text)
    ref = reference_year(published, month_days(matches), None if published else text_year(text, matches))
    ctx = Context(ref, text)
    dates = []
    topic: tuple[int, int] | None = None  # (sentence start, year) of the sentence's stated year
    for rule, m in matches:
        # 2019年1月至5月, 2019年3月和5月: the year carries across a range or list;
        # 去年，…一季度…: a bare period takes the year stated earlier in its sentence.
        ctx.carry_year = None
        sentence = sentence_start(text, m.start())
        if dates and LINK.fullmatch(text, dates[-1]["end"], m.start()):
            ctx.carry_year = year_of_value(dates[-1]["value"].split("/")[-1])
        elif topic and topic[0] == sentence and rule.name in SENTENCE_YEAR_RULES:
            ctx.carry_year = topic[1]
        try:
            value = rule.resolve(m, ctx)
        except (KeyError, ValueError):
            value = None
        if value and EDITION_CREDIT.match(text, m.end()):
            continue
        if value:
            dates.append({"start": m.start(), "end": m.end(), "text": original[m.start():m.end()], "value": value})
            if rule.name not in NOT_CONTEXT and (year_of_value(value) or value.startswith("XXXX-")) and not is_comparison_base(text, m.start()):
                ctx.last, ctx.last_start = value, m.start()
                if is_topic_year(text, m, sentence) and year_of_value(value):
                    topic = (sentence, year_of_value(value))
    return merge_ranges(dates, text)


def merge_ranges(dates: list[dict], text: str) -> list[dict]:
    """2019年6月1日至2019年6月30日, 2016年—2019年: two dates of the same kind joined by a
    dash or 至/到 are one interval (a time of day or an interval on either side is not)."""
    merged: list[dict] = []
    for d in dates:
        prev = merged[-1] if merged else None
        if (prev and DASH_ONLY.fullmatch(text, prev["end"], d["start"])
                and plain_kind(prev["value"]) and plain_kind(prev["value"]) == plain_kind(d["value"])
                and prev["value"] < d["value"]):
            merged[-1] = {"start": prev["start"], "end": d["end"], "text": prev["text"] + text[prev["end"]:d["start"]] + d["text"],
                          "value": f"{prev['value']}/{d['value']}"}
            continue
        merged.append(d)
    return merged


def plain_kind(value: str) -> str | None:
    """The granularity of a single calendar value (year, month or day), else None."""
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if re.fullmatch(r"\d{4}(-\d{2}){0,2}", value) else None


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
