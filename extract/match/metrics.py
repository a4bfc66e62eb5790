"""Metric rules: a number, a unit or measure word, and a qualifier.

Tables live in ``extract/data``: ``units.tsv`` (what may follow a number, longest
match wins), ``magnitudes.tsv`` (万, 亿 …), ``qualifiers.tsv`` (超过, 以上, 约 …),
``metric_false_words.txt`` (两国, 5G: a numeral that is no quantity) and
``rank_words.tsv`` (从56位升至41位: places in a ranking). Dates, ordinals (第一),
codes (S3, G60), numbers inside short quoted names (“黄金二十条”), the indefinite 一
(一名, 一支) and vague pairs of numerals (七八岁) are not metrics. 百分之三十 is 30 %,
负3.9% and -3.9% are negative, and in a range or list that writes the unit once
(5-20%, 0.2和0.5个百分点) every number is a metric.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_lines, read_tsv
from ..normalise.numbers import APPROX_INSIDE, ARABIC, CHINESE, CHINESE_DIGITS, MAGNITUDE_CHARS, clean_number, parse_number
from . import RangeIndex, alternation, char_spans

QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "\"": "\""}
SHORT_QUOTE = 10  # a quoted phrase up to this long is a name, not a statement
YEAR_LIKE = re.compile(r"^(1[5-9]|20|21)\d{2}$")
CHINESE_YEAR = re.compile("[〇零一二三四五六七八九]{3,4}")
MAGNITUDE = f"[{MAGNITUDE_CHARS}]+"
NUMBER = rf"(?:{ARABIC}[^\S\n]*|{CHINESE})(?:[{APPROX_INSIDE}](?={MAGNITUDE}))?(?:{MAGNITUDE})?"
MINUS = "-−－"
# Separators of a range or list whose unit is written once: 5-20%, 3至5万元, 0.2和0.5个百分点.
RANGE_OR_LIST = re.compile(rf"(?<![A-Za-z0-9.%/\-\n])(?P<first>{ARABIC})(?P<mag>{MAGNITUDE})?\s*(?:[-－—–~～至到]|和|与|或|、)\s*$")
# 百分之三十 is 30 %, 千分之五 is 5 ‰.
FRACTION_UNITS = {"百分之": "%", "千分之": "‰"}
# Two numerals in a row that make a vague range: 七八岁, 五六个, 一两天.
VAGUE_PAIRS = {a + b for a, b in zip("一两二三四五六七八", "两三三四五六七八九")}


@lru_cache(maxsize=1)
def unit_rows() -> tuple[tuple[str, ...], ...]:
    return read_tsv("units.tsv")


@lru_cache(maxsize=1)
def units() -> dict[str, str]:
    return {row[0]: row[1] for row in unit_rows()}


@lru_cache(maxsize=1)
def unit_blockers() -> dict[str, str]:
    """Unit -> characters that, right after it, make it the start of another word."""
    return {row[0]: row[2] for row in unit_rows() if len(row) > 2 and row[2]}


@lru_cache(maxsize=1)
def unit_written_as() -> dict[str, str]:
    """Unit as written -> unit as recorded (个交易日 -> 交易日)."""
    return {row[0]: row[3] for row in unit_rows() if len(row) > 3 and row[3]}


@lru_cache(maxsize=1)
def qualifiers() -> dict[tuple[str, str], str]:
    return {(row[0], row[1]): row[2] for row in read_tsv("qualifiers.tsv")}


@lru_cache(maxsize=1)
def qualifier_guards() -> dict[str, str]:
    """Qualifier before a number -> characters that, right before it, make it the end
    of another word (制约 is not 约)."""
    return {row[0]: row[3] for row in read_tsv("qualifiers.tsv") if row[1] == "before" and len(row) > 3}


@lru_cache(maxsize=1)
def rank_words() -> dict[str, set[str]]:
    words: dict[str, set[str]] = {"before": set(), "after": set()}
    for word, position in read_tsv("rank_words.tsv"):
        words[position].add(word)
    return words


@lru_cache(maxsize=1)
def false_word_pattern() -> re.Pattern:
    """Fixed expressions with a numeral (两国, 5G); one starting with a digit must not
    continue a longer number (25G is a figure)."""
    return re.compile("|".join(
        (r"(?<![\d.])" if w[0].isdigit() else "") + re.escape(w)
        for w in sorted(read_lines("metric_false_words.txt"), key=len, reverse=True)
    ))


@lru_cache(maxsize=1)
def metric_pattern() -> re.Pattern:
    qual = qualifiers()
    guards = qualifier_guards()
    before = "|".join(
        (f"(?<![{re.escape(guards[w])}])" if guards.get(w) else "") + re.escape(w)
        for w in sorted({w for w, pos in qual if pos == "before"}, key=len, reverse=True)
    )
    after_number = alternation(w for w, pos in qual if pos == "after_number")
    after_unit = alternation(w for w, pos in qual if pos == "after_unit")
    return re.compile(
        rf"(?P<before>{before})?"
        rf"(?:(?P<percent>百分之|千分之)(?P<pnumber>{ARABIC}|{CHINESE})|"
        rf"(?P<number>{NUMBER})"
        rf"(?P<approx>{after_number})?"
        rf"(?P<unit>{alternation(units())}))"
        rf"(?P<after>{after_unit})?"
    )


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of short quoted phrases (campaign and product names)."""
    ranges = []
    for open_q, close_q in QUOTE_PAIRS.items():
        for m in re.finditer(re.escape(open_q) + r"([^" + re.escape(close_q) + r"\n]{1,%d})" % SHORT_QUOTE + re.escape(close_q), text):
            ranges.append((m.start(), m.end()))
    return ranges


def number_start(m: re.Match) -> int:
    return m.start("pnumber") if m.group("percent") else m.start("number")


def is_negative(text: str, start: int) -> bool:
    """负3.9%, 增长-22.2%: a minus sign not joining two numbers or a code."""
    if text[start - 1:start] == "负":
        return True
    return bool(start and text[start - 1] in MINUS and not re.match(r"[A-Za-z0-9.%/]", text[start - 2:start - 1] or " "))


def is_range_end(text: str, start: int) -> bool:
    """The 20 of 5-20%: the dash joins two numbers."""
    return bool(RANGE_OR_LIST.search(text[max(0, start - 24):start]))


def is_rank(text: str, m: re.Match) -> bool:
    """从56位升至41位, 排名第3位: a place in a ranking, not a count."""
    if m.group("unit") not in {"位", "名"}:
        return False
    words = rank_words()
    before = text[max(0, m.start() - 3):m.start()]
    after = text[m.end("unit"):m.end("unit") + 3]
    return any(before.endswith(w) for w in words["before"]) or any(after.startswith(w) for w in words["after"])


CHROME_WINDOW = 12  # characters before a number searched for a chrome marker
CJK = re.compile("[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def chrome_markers() -> tuple[str, ...]:
    return read_lines("metric_chrome_markers.txt")


def after_chrome_marker(text: str, start: int) -> bool:
    """© 2019 人民网, 电话：010-… : a number in a copyright or contact line."""
    line = text[max(0, start - CHROME_WINDOW):start].lower().rsplit("\n", 1)[-1]
    for marker in chrome_markers():
        at = line.rfind(marker)
        # Only right after the marker (电话：010…), not 电话会议3次.
        if at >= 0 and not CJK.search(line[at + len(marker):].replace("备", "").replace("号", "")):
            return True
    return False


def is_excluded(text: str, m: re.Match) -> bool:
    if after_chrome_marker(text, number_start(m)):
        return True
    if m.group("percent"):
        return False
    start, number, unit = m.start("number"), m.group("number").strip(), m.group("unit")
    prev = text[start - 1] if start > 0 else ""
    nxt = text[m.end("unit"):m.end("unit") + 1]
    if number in {"零", "〇", "二"}:
        return True  # 零部件, 零故障; 二次 (a count is written 两次)
    if text[max(0, start - 4):start].rstrip().endswith("第"):
        return True  # an ordinal (第 04 版)
    if prev and prev in "几数" and not number[0].isdigit():
        return True  # 几十年, 数百家: vague
    if unit == "日" and prev == "月":
        return True  # the day of a date
    if re.match(r"[A-Za-z0-9/_.%]", prev) or (prev and prev in MINUS and not is_negative(text, start) and not is_range_end(text, start)):
        return True  # part of a code such as S3, DL/T2096 or GB-5
    if unit == "年" and (YEAR_LIKE.match(unicodedata.normalize("NFKC", number)) or CHINESE_YEAR.fullmatch(number)) and not m.group("approx"):
        return True  # a calendar year (2024年, 一九九七年)
    if unit == "年" and nxt == "代":
        return True  # 90年代 is a decade
    if number in {"一", "壹"} and units()[unit] != "duration" and not m.group("before") and not text[max(0, start - 2):start] == "唯一":
        return True  # the indefinite 一名, 一支, 一批 (but 近一吨)
    if re.fullmatch("[十百千万亿]+", number) and number != "十" and not (m.group("before") or m.group("approx")):
        return True  # 万家灯火, 百家: a bare magnitude is a figure only with 超/余/多
    if nxt and nxt in unit_blockers().get(unit, ""):
        return True  # 九市 is a figure, 市场 is a word
    return is_rank(text, m)


def qualifier_of(m: re.Match) -> str:
    qual = qualifiers()
    for group, position in (("after", "after_unit"), ("approx", "after_number"), ("before", "before")):
        word = m.group(group)
        if word:
            return qual[(word, position)]
    if m.group("number") and re.search(f"[{APPROX_INSIDE}]", m.group("number") + (m.group("unit") or "")):
        return "gt"  # 500余万, 一千多万, 3分多钟
    return "eq"


def normalise_unit(unit: str) -> str:
    unit = unit_written_as().get(unit, unit).replace("％", "%")
    return "百分点" if unit.endswith("百分点") else unit


def listed_firsts(text: str, m: re.Match, value: float, unit: str) -> list[dict]:
    """The 5 of 5-20% and the 0.2 of 0.2和0.5个百分点: a number that shares the unit
    (and magnitude) written after the next one."""
    start = number_start(m)
    found = RANGE_OR_LIST.search(text[max(0, start - 24):start])
    if not found:
        return []
    offset = max(0, start - 24)
    first_start = offset + found.start("first")
    if text[first_start - 1:first_start] == "第":
        return []
    first = found.group("first") + (found.group("mag") or "")
    magnitude = re.search(f"{MAGNITUDE}$", m.group("number") or "")
    if not found.group("mag") and magnitude and re.match(r"\d", m.group("number") or ""):
        first += magnitude.group()  # 3至5万元: 3万元
    try:
        first_value = parse_number(first)
    except ValueError:
        return []
    if unit == "年" and YEAR_LIKE.match(found.group("first")):
        return []
    return [{"start": first_start, "end": offset + found.end("first") + len(found.group("mag") or ""),
             "value": first_value, "unit": unit, "qualifier": "eq"}]


# Statistics tables, as text: cells split by | or tabs or runs of spaces, or one cell a
# line. The unit of a bare figure comes from its column's header (比上年增长（%）) or
# the table's caption (单位：亿元).
CELL_SPLIT = re.compile(r"\s*[|｜]\s*|\t+|\s{2,}|\u3000+")
NUMERIC_CELL = re.compile(rf"[{MINUS}]?{ARABIC}")
PROSE_LINE = 40  # a line this long without a figure cell ends the table


@lru_cache(maxsize=1)
def table_unit_patterns() -> tuple[re.Pattern, re.Pattern]:
    unit = rf"(?P<mag>{MAGNITUDE})?(?P<unit>{alternation(units())})"
    caption = re.compile(rf"单位\s*[：:]\s*{unit}(?=[\s）)，,；;、]|$)")  # not 主办单位：人民网
    header = re.compile(rf"[（(]\s*{unit}\s*[）)]\s*$")
    return caption, header


def table_unit(match: re.Match) -> tuple[int, str]:
    """(multiplier, unit) of a caption or header: 亿元 is (10**8, 元)."""
    magnitude = match.group("mag")
    return (parse_number("1" + magnitude) if magnitude else 1), normalise_unit(match.group("unit"))


def line_cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of the cells of a line."""
    cells, position = [], 0
    for part in CELL_SPLIT.split(line):
        start = line.find(part, position) if part else position
        if part.strip():
            cells.append((offset + start, offset + start + len(part), part.strip()))
        position = start + len(part)
    return cells


def table_blocks(text: str) -> list[tuple[tuple[int, str] | None, list[list[tuple[int, int, str]]]]]:
    """(caption unit, lines of cells) of each table: from a caption (单位：…) or a header
    cell with a unit, to the first line of prose."""
    caption_pattern, header_pattern = table_unit_patterns()
    blocks, current, offset = [], None, 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        cells = line_cells(line, line_start)
        caption = caption_pattern.search(line)
        has_figure = any(NUMERIC_CELL.fullmatch(c[2]) for c in cells)
        if caption:
            current = (table_unit(caption), [])
            blocks.append(current)
        elif current is not None and len(line) > PROSE_LINE and not has_figure:
            current = None  # prose: the table is over
        elif current is None and any(header_pattern.search(c[2]) for c in cells) and len(line) <= PROSE_LINE * 2:
            current = (None, [cells])
            blocks.append(current)
        elif current is not None and cells:
            current[1].append(cells)
    return blocks


def header_units(cells: list[tuple[int, int, str]]) -> list[tuple[int, str] | None]:
    _, header_pattern = table_unit_patterns()
    return [table_unit(h) if (h := header_pattern.search(c[2])) else None for c in cells]


def figure(cell: tuple[int, int, str], unit: tuple[int, str] | None) -> dict | None:
    start, end, text = cell
    if unit is None or not NUMERIC_CELL.fullmatch(text):
        return None
    value = clean_number(parse_number(text.lstrip(MINUS)) * unit[0])
    return {"start": start, "end": end, "value": -value if text[0] in MINUS else value, "unit": unit[1], "qualifier": "eq"}


def table_metrics(text: str) -> list[dict]:
    """Bare figures in the cells of statistics tables, with the unit of their column
    (header cells are matched to a row's figures from the right) or of the caption."""
    found = []
    for caption, lines in table_blocks(text):
        headers: list = []
        singles: list[tuple[int, int, str]] = []  # one cell a line
        for cells in lines:
            figures = [c for c in cells if NUMERIC_CELL.fullmatch(c[2])]
            if len(cells) > 1 and not figures:
                headers = header_units(cells)
            elif len(cells) > 1:
                shift = len(headers) - len(cells)
                for index, cell in enumerate(cells):
                    column = index + shift
                    unit = headers[column] if 0 <= column < len(headers) and headers[column] else caption
                    found.extend(f for f in [figure(cell, unit)] if f)
            else:
                singles.append(cells[0])
        found.extend(single_cell_figures(singles, caption))
    return found


def single_cell_figures(cells: list[tuple[int, int, str]], caption) -> list[dict]:
    """A table flattened one cell a line: header cells, then rows of a label and its figures."""
    first_figure = next((i for i, c in enumerate(cells) if NUMERIC_CELL.fullmatch(c[2])), None)
    if first_figure is None:
        return []
    headers = header_units(cells[:max(0, first_figure - 1)])  # the cell before the first figure labels its row
    found, row = [], []
    for cell in cells[first_figure:] + [(0, 0, "")]:
        if NUMERIC_CELL.fullmatch(cell[2]):
            row.append(cell)
            continue
        units = headers[-len(row):] if row and len(headers) >= len(row) else [None] * len(row)
        found.extend(f for c, u in zip(row, units) if (f := figure(c, u or caption)))
        row = []
    return found


def find_metrics(text: str) -> list[dict]:
    """Metric matches in ``text``: start, end, value, unit, qualifier."""
    quoted = RangeIndex((start, end, None) for start, end in quoted_ranges(text))
    false_words = RangeIndex((w.start(), w.end(), None) for w in false_word_pattern().finditer(text))
    found = []
    for m in metric_pattern().finditer(text):
        number_text = m.group("number") or ""
        if re.match(f"[{CHINESE_DIGITS}]{{2}}", number_text) and not m.group("before"):
            if number_text[:2] in VAGUE_PAIRS:
                continue  # 七八岁: a vague range, not a figure
            # 唯一一家: two digits in a row are a word and a numeral, not one number.
            m = metric_pattern().match(text, m.start("number") + 1) or m
            number_text = m.group("number") or ""
        if is_excluded(text, m) or false_words.overlaps(m.start(), m.end()):
            continue
        start = number_start(m)
        if any(qs < start for qs, _, _ in quoted.holding(start, m.end())):
            continue
        try:
            value = parse_number(re.sub(r"\s+", "", m.group("pnumber") or number_text))
        except ValueError:
            continue
        span_start = m.start()
        if is_negative(text, start):
            value = -value
            if span_start == start:
                span_start -= 1  # the sign belongs to the figure
        unit = FRACTION_UNITS[m.group("percent")] if m.group("percent") else normalise_unit(m.group("unit"))
        found.extend(listed_firsts(text, m, value, unit))
        found.append({"start": span_start, "end": m.end(), "value": value, "unit": unit, "qualifier": qualifier_of(m)})
    found.extend(table_metrics(text))
    return sorted(found, key=lambda f: (f["start"], f["end"]))


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
