"""Numbers written with Arabic or Chinese numerals, magnitudes expanded.

``21.54亿`` is 2154000000, ``3.2万亿`` is 3200000000000, ``三十`` is 30, ``万``
alone is 10000, ``十余万`` is 100000 (the approximation marker 余/多/几 is the
qualifier's business, not the value's), full-width ``５．５`` is 5.5. Chinese
numerals are converted with cn2an; this module only prepares the string and checks
the result.
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

import cn2an

from ..data import read_tsv

CHINESE_DIGITS = "零〇一二两三四五六七八九"
CHINESE_NUMERAL_CHARS = CHINESE_DIGITS + "十百千万亿"
MAGNITUDE_CHARS = "十百千万亿"
ARABIC = r"\d+(?:[,，]\d{3})*(?:[.．]\d+)?"
CHINESE = f"[{CHINESE_NUMERAL_CHARS}]+(?:点[{CHINESE_DIGITS}]+)?"
# 余/多/几 between a number and its magnitude: 500余万, 十余万, 一千多万, 二十几万.
APPROX_INSIDE = "余多几"
BARE_MAGNITUDE = re.compile("^[十百千万亿]")
ARABIC_WITH_MAGNITUDE = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]+)")


@lru_cache(maxsize=1)
def magnitudes() -> dict[str, int]:
    return {word: int(value) for word, value in read_tsv("magnitudes.tsv")}


def magnitude_value(word: str) -> int:
    """万亿 -> 10**12: a magnitude word from the table, else the product of its characters."""
    table = magnitudes()
    if word in table:
        return table[word]
    value = 1
    for char in word:
        value *= table[char]
    return value


def clean_number(value: float) -> float | int:
    """Integers as int, other values rounded to 10 significant digits (no binary noise)."""
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    return float(f"{value:.10g}")


def prepare(text: str) -> str:
    """Full-width digits and points made ASCII, thousands separators and the
    approximation markers inside a number (十余万) removed."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace(",", "").replace("，", "")
    return re.sub(f"(?<=[\\d{CHINESE_NUMERAL_CHARS}])[{APPROX_INSIDE}](?=[{MAGNITUDE_CHARS}])", "", text)


def parse_number(text: str) -> float | int:
    """The value of ``text``: Arabic or Chinese numerals, optionally with a magnitude word.

    Raises ValueError when ``text`` is not a number.
    """
    text = prepare(text)
    if not text:
        raise ValueError("empty number")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return clean_number(float(text))
    arabic = ARABIC_WITH_MAGNITUDE.fullmatch(text)
    if arabic:
        try:
            return clean_number(float(arabic.group(1)) * magnitude_value(arabic.group(2)))
        except KeyError as exc:
            raise ValueError(f"not a number: {text!r}") from exc
    if BARE_MAGNITUDE.match(text) and not text.startswith("十"):
        text = "一" + text  # 万 -> 一万, 百余 -> 一百
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    return clean_number(float(value))
