"""Dates as EDTF values, relative expressions resolved against a reference date.

The reference is the page's publication date. A page whose dated events (月日
without a year) mostly fall after its publication date is a reprint of an older
article; its reference year is the year before. Without a reference, relative
expressions are not resolved (no guessing).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

CHINESE_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}
RELATIVE_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
HALF_YEAR = {"上半年": (1, 6), "下半年": (7, 12)}
QUARTER = {"一": (1, 3), "二": (4, 6), "三": (7, 9), "四": (10, 12), "1": (1, 3), "2": (4, 6), "3": (7, 9), "4": (10, 12)}


@dataclass(frozen=True)
class Reference:
    year: int | None

    @property
    def known(self) -> bool:
        return self.year is not None


def chinese_year(text: str) -> int:
    """二〇二四 -> 2024 (digit by digit)."""
    return int("".join(CHINESE_DIGIT.get(c, c) for c in text))


def chinese_small_number(text: str) -> int:
    """1-31 written as Arabic digits or Chinese numerals (九, 十一, 二十五, 三十一)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (int(CHINESE_DIGIT[tens]) if tens else 1) * 10 + (int(CHINESE_DIGIT[units]) if units else 0)
    return int(CHINESE_DIGIT[text])


def ymd(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """EDTF for a year, year-month or day; None if it is not a real calendar date."""
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
    return f"{start}/{end}" if start and end else None


def decade(century: int | None, decade_digits: int) -> str:
    """20世纪90年代 -> 199X; a bare 90年代 is read as the 20th century, 10年代 as the 21st."""
    if century is None:
        century = 20 if decade_digits >= 30 else 21
    return f"{century - 1:02d}{decade_digits // 10}X"


def century(number: int) -> str:
    return f"{number - 1:02d}XX"


def reference_year(published: str | None, month_days: list[tuple[int, int]]) -> Reference:
    """The year that 今年 means on a page published on ``published``.

    ``month_days`` are the (month, day) pairs written without a year on the page.
    """
    if not published:
        return Reference(None)
    pub = date.fromisoformat(published[:10])
    later = sum(1 for m, d in month_days if ymd(pub.year, m, d) and date(pub.year, m, d) > pub)
    if month_days and later >= 2 and later * 2 > len(month_days):
        return Reference(pub.year - 1)
    return Reference(pub.year)


def is_valid_edtf(value: str) -> bool:
    return re.fullmatch(
        r"(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2})?)?)?|\d{3}X|\d{2}XX)(/(\d{4}(-\d{2}(-\d{2})?)?|\d{3}X|\d{2}XX))?",
        value,
    ) is not None
