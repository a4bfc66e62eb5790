"""Dates as EDTF values, relative expressions resolved against a reference date.

The reference is the page's publication date. A page whose dated events (月日
without a year) mostly fall after its publication date is a reprint of an older
article; its reference year is the year before. A page without a publication date
takes the year its text establishes (the latest year it states as past or present,
see ``text_year``); where neither is known, a month or day is written with
unspecified year digits (``XXXX-05-12``) and relative expressions are not resolved
(no guessing).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..data import read_tsv

CHINESE_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0", "两": "2"}
FIRST_MONTH = "元"  # 元月 is January
HALF_YEAR = {"上半年": (1, 6), "下半年": (7, 12)}
QUARTER = {"一": (1, 3), "二": (4, 6), "三": (7, 9), "四": (10, 12), "1": (1, 3), "2": (4, 6), "3": (7, 9), "4": (10, 12)}
UNKNOWN_YEAR = "XXXX"
ANNOUNCED_DAYS = 14  # days after publication an article may announce without being a reprint


@lru_cache(maxsize=1)
def relative_years() -> dict[str, str]:
    """Relative year word -> offset: an integer from the reference year, or
    ``context``, ``context+1``, ``context-1`` from the year of the date stated before."""
    return {row[0]: row[1] for row in read_tsv("relative_years.tsv")}


@lru_cache(maxsize=1)
def relative_days() -> dict[str, int]:
    """Relative day word -> offset in days from the publication date (``relative_days.tsv``)."""
    return {row[0]: int(row[1]) for row in read_tsv("relative_days.tsv")}


@lru_cache(maxsize=1)
def date_markers() -> dict[str, set[str]]:
    """Role -> the words that play it (``date_markers.tsv``)."""
    roles: dict[str, set[str]] = {}
    for word, role in read_tsv("date_markers.tsv"):
        roles.setdefault(role, set()).add(word)
    return roles


@dataclass(frozen=True)
class Reference:
    """The date relative expressions are resolved against: a year, and the month and
    day when they come from a publication date (``None`` when not known)."""
    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def known(self) -> bool:
        return self.year is not None


def chinese_year(text: str) -> int:
    """二〇二四 -> 2024 (digit by digit)."""
    return int("".join(CHINESE_DIGIT.get(c, c) for c in text))


def chinese_small_number(text: str) -> int:
    """1-31 written as Arabic digits or Chinese numerals (九, 十一, 二十五, 三十一)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text == FIRST_MONTH:
        return 1
    if "十" in text:
        tens, _, units = text.partition("十")
        return (int(CHINESE_DIGIT[tens]) if tens else 1) * 10 + (int(CHINESE_DIGIT[units]) if units else 0)
    return int(CHINESE_DIGIT[text])


def ymd(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """EDTF for a year, year-month or day; None if it is not a real calendar date.

    A ``None`` year with a month is written with unspecified digits (XXXX-05-12)."""
    if year is None:
        if month is None or not 1 <= month <= 12:
            return None
        if day is None:
            return f"{UNKNOWN_YEAR}-{month:02d}"
        return f"{UNKNOWN_YEAR}-{month:02d}-{day:02d}" if 1 <= day <= calendar.monthrange(2000, month)[1] else None
    if not 1 <= year <= 9999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def interval(start: str | None, end: str | None) -> str | None:
    """``start/end``, or None when either end is missing or the end comes first."""
    if not start or not end or (UNKNOWN_YEAR in start + end and start[:4] != end[:4]):
        return None
    if UNKNOWN_YEAR not in start and start > end[:len(start)]:
        return None
    return f"{start}/{end}"


def month_interval(year: int | None, first: int, last: int) -> str | None:
    """The months ``first`` to ``last`` of ``year``; None without a year."""
    if year is None:
        return None
    return interval(ymd(year, first), ymd(year, last))


def decade(century: int | None, decade_digits: int) -> str:
    """20世纪90年代 -> 199X; a bare 90年代 is read as the 20th century, 10年代 as the 21st."""
    if century is None:
        century = 20 if decade_digits >= 30 else 21
    return f"{century - 1:02d}{decade_digits // 10}X"


def century(number: int) -> str:
    return f"{number - 1:02d}XX"


def shift_years(value: str, years: int) -> str | None:
    """``value`` moved by ``years`` (去年同期: the same period a year back); a day
    that does not exist in the new year (29 February) becomes its month."""
    def move(part: str) -> str | None:
        if not re.match(r"\d{4}", part):
            return None
        year, rest = int(part[:4]) + years, part[4:]
        bits = [int(x) for x in rest.split("T")[0].split("-")[1:]]
        return ymd(year, *bits) or ymd(year, *bits[:1])
    parts = [move(p) for p in value.split("/")]
    if any(p is None for p in parts):
        return None
    return "/".join(parts)  # type: ignore[arg-type]


def year_of_value(value: str | None) -> int | None:
    """The (first) year of an EDTF value, None if it has no specified year."""
    if value and re.match(r"\d{4}", value):
        return int(value[:4])
    return None


def month_of_value(value: str | None) -> tuple[int | None, int] | None:
    """(year, month) of the end of an EDTF value that names a month, else None."""
    if not value:
        return None
    last = value.split("/")[-1]
    m = re.match(r"(\d{4}|XXXX)-(\d{2})", last)
    if not m:
        return None
    return (None if m.group(1) == UNKNOWN_YEAR else int(m.group(1)), int(m.group(2)))


def reference_year(published: str | None, month_days: list[tuple[int, int]], text_year: int | None = None) -> Reference:
    """The date 今年 means on a page published on ``published``.

    ``month_days`` are the (month, day) pairs written without a year on the page;
    ``text_year`` is the year the text establishes, used when there is no
    publication date.
    """
    if not published:
        return Reference(text_year)
    pub = date.fromisoformat(published[:10])
    ahead = [(date(pub.year, m, d) - pub).days for m, d in month_days if ymd(pub.year, m, d)]
    later = sum(1 for days in ahead if days > 0)
    # Days of the next two weeks may be announced (门票5月17日至19日发售); a reprint has
    # days further on as well.
    far = sum(1 for days in ahead if days > ANNOUNCED_DAYS)
    if month_days and far >= 2 and later * 2 > len(month_days):
        return Reference(pub.year - 1)
    return Reference(pub.year, pub.month, pub.day)


def is_valid_edtf(value: str) -> bool:
    """Shape check of the EDTF values this package writes (the tests also parse
    them with the ``edtf`` library)."""
    single = r"(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2})?)?)?|XXXX-\d{2}(-\d{2})?|\d{3}X|\d{2}XX)"
    return re.fullmatch(single + "(/" + single + ")?", value) is not None
