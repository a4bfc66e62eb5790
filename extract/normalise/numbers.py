"""Numbers written with Arabic or Chinese numerals, magnitudes expanded.

``21.54亿`` is 2154000000, ``三十`` is 30, ``万`` alone is 10000. Chinese numerals
are converted with cn2an; this module only prepares the string and checks the result.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import cn2an

from ..data import read_tsv

CHINESE_DIGITS = "零〇一二两三四五六七八九"
CHINESE_NUMERAL_CHARS = CHINESE_DIGITS + "十百千万亿"
ARABIC = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
CHINESE = f"[{CHINESE_NUMERAL_CHARS}]+(?:点[{CHINESE_DIGITS}]+)?"
BARE_MAGNITUDE = re.compile("^[十百千万亿]")


@lru_cache(maxsize=1)
def magnitudes() -> dict[str, int]:
    return {word: int(value) for word, value in read_tsv("magnitudes.tsv")}


def clean_number(value: float) -> float | int:
    """Integers as int, other values rounded to 10 significant digits (no binary noise)."""
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    return float(f"{value:.10g}")


def parse_number(text: str) -> float | int:
    """The value of ``text``: Arabic or Chinese numerals, optionally with a magnitude word.

    Raises ValueError when ``text`` is not a number.
    """
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError("empty number")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return clean_number(float(text))
    if BARE_MAGNITUDE.match(text) and not text.startswith("十"):
        text = "一" + text  # 万 -> 一万, 百余 -> 一百
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    return clean_number(float(value))
