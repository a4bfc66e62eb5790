"""Organisation rules, on top of the statistical NER's ORG entities when there is one.

A rule organisation ends in a head from ``data/org_suffixes.txt`` (有限公司, 研究院,
局, 处, 党支部 …) and reaches left over name characters until punctuation, a digit, a
person's name, a job title or a character that never stands inside a name
(``data/org_stopwords.txt``). Nested units chain (市科技创新局 + 战略规划与资源统筹处).
和/与 join two words inside one name (工业和信息化厅) unless the left side is an
organisation of its own (甲公司与乙公司). Generic mentions (该公司, 党支部) are dropped.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache, partial

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_lines, read_tsv
from . import NUMERAL, RangeIndex, alternation, char_spans, word_list_pattern
from .people import common_words, followers

NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z·“”()（）]")
HARD_BOUNDARY = re.compile(r"[\s，,。！？!?；;：:、‘’\"'《》【】…—\d]")
# Measure words and calendar words that a number leaves in front of a name (6个先锋团队).
AFTER_NUMBER = set("个家名位项条年月日所支批")
SOFT_JOINERS = set("和与")
GENERIC_START = set("该本此这各我贵其全某每两多一")
MAX_LENGTH = 32
LOCAL_PLACES = {"省", "市", "区", "县", "镇", "乡", "村"}
NATIONAL = "全国"  # 全国妇联, 全国总工会: national bodies, not "all of" something
MIN_NAME_BEFORE_SUFFIX = 2
WORDS_THROUGH_STOPS = {"高等", "中等", "初等"}  # 等 ends a list (A、B等单位) but not in 高等研究院


suffix_pattern = partial(word_list_pattern, "org_suffixes.txt")
false_word_pattern = partial(word_list_pattern, "org_false_words.txt")
# Verbs and adverbs that a name never contains: the name starts after the last one.
left_breaks = partial(word_list_pattern, "org_left_breaks.txt")
gazetteer_pattern = partial(word_list_pattern, "org_gazetteer.txt")
list_opener_pattern = partial(word_list_pattern, "org_list_openers.txt")
list_field_pattern = partial(word_list_pattern, "org_list_fields.txt")


@lru_cache(maxsize=1)
def stop_chars() -> frozenset[str]:
    return frozenset(read_lines("org_stopwords.txt"))


def gazetteer_organisations(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Well-known bodies named without a head (工信部, 新华社), outside titles and names.
    A match glued to more name characters on its left (X党中央) is still found; one
    inside a longer name is dropped later as contained."""
    inside = covered(blocked)
    return [(m.start(), m.end()) for m in gazetteer_pattern().finditer(text)
            if not any(i in inside for i in range(m.start(), m.end()))]


MIN_LIST_ITEM, MAX_LIST_ITEM = 3, 10
MAX_KIND_MODIFIER = 12  # characters between 等 and the kind: 优质民营 (企业), 智能制造系统解决方案 (供应商)


@lru_cache(maxsize=1)
def list_kind_pattern() -> re.Pattern:
    """等, a short modifier without 的/地/和, and a kind of organisation (not 企业家)."""
    kinds = alternation(read_lines("org_list_kinds.txt"))
    return re.compile(rf"等(?:[\u4e00-\u9fff](?<![的地和与及])){{0,{MAX_KIND_MODIFIER}}}?(?:{kinds})(?!家)")


def listed_organisations(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names listed with 、 before 等 and a kind of organisation: 亿咖通科技 and 鼎龙控股 in
    培育更多像亿咖通科技、鼎龙控股等优质民营企业. Two items at least; each of 3 to 10 name
    characters (shorter ones are mostly generic: 国企、民企等企业)."""
    walls = covered(blocked)
    found = []
    for m in list_kind_pattern().finditer(text):
        if list_field_pattern().search(m.group()) or left_breaks().search(m.group()):
            continue  # 等领域企业 (fields), 等来到…公司 (a verb: the list ended at 等)
        items, end = [], m.start()
        while True:
            start = walk_left(text, end, walls)
            # the first item starts after an opener (像, 联合) or a verb (推动)
            cuts = [c.end() for pattern in (list_opener_pattern(), left_breaks())
                    for c in pattern.finditer(text, start, end) if end - c.end() >= MIN_LIST_ITEM]
            items.append((max(cuts + [start]), end))
            if cuts or start == 0 or text[start - 1] != "、":
                break
            end = start - 1
        if len(items) >= 2 and all(MIN_LIST_ITEM <= e - s <= MAX_LIST_ITEM and text[s] not in GENERIC_START for s, e in items):
            found.extend(items)
    return found


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    return frozenset(read_lines("org_suffixes.txt"))


def is_bare_head(name: str) -> bool:
    """A head with no name before it (社区, 公司): a reference to an organisation, not one."""
    return name in heads()


def head_ending(text: str, end: int | None = None) -> str:
    """The longest organisation head that ``text[:end]`` ends with, or "" (no copy of the text)."""
    return max((h for h in heads() if text.endswith(h, 0, end)), key=len, default="")


def covered(spans: list[tuple[int, int]]) -> set[int]:
    """The character positions inside ``spans``."""
    return {i for s, e in spans for i in range(s, e)}


def walk_left(text: str, end: int, blocked: list[tuple[int, int]] | set[int]) -> int:
    """Leftmost start of a name ending at ``end``; ``blocked``: spans or covered positions
    (names) the walk may not enter."""
    walls = blocked if isinstance(blocked, set) else covered(blocked)
    i = end
    limit = max(0, end - MAX_LENGTH)
    while i > limit:
        c = text[i - 1]
        if HARD_BOUNDARY.match(c) or (i - 1) in walls or (c in "）)" and not is_name_note(text, i - 1)):
            break
        if c in SOFT_JOINERS:
            # 甲公司与乙公司: the left side is an organisation; 与市水利局: a body of this
            # city starts after the joiner
            if head_ending(text, i - 1) or i - 1 <= limit \
                    or (text[i:i + 1] in LOCAL_PLACES and text[i:i + 2] not in read_lines("org_level_words.txt")):
                break
        elif (c in stop_chars() and text[i - 2:i] not in WORDS_THROUGH_STOPS) or not NAME_CHAR.match(c) \
                or (c == "有" and text[i:i + 1] != "限" and not (i - 1 == 0 or HARD_BOUNDARY.match(text[i - 2]))):
            break
        i -= 1
    return i


# A bracket inside a name holds a short note of name characters: 刚果（金）, （集团）, （深圳）.
NAME_NOTE = re.compile(r"[（(][\u4e00-\u9fffA-Za-z]{1,6}[）)]$")


def is_name_note(text: str, close: int) -> bool:
    """Whether the bracket closing at ``close`` holds a note a name may carry, not an alias
    (（以下简称“某某”）), a stock code or a remark the walk left must not cross."""
    return bool(NAME_NOTE.search(text, max(0, close - 7), close + 1))


def trim_left(text: str, start: int, end: int) -> int:
    """Skip leading follower words (作为, 在), a reporting word that opens the clause
    (据), and unbalanced quotes/brackets."""
    if end - start > 3 and text[start] in read_lines("org_leading_words.txt") \
            and (start == 0 or HARD_BOUNDARY.match(text[start - 1])):
        start += 1
    changed = True
    while changed and start < end:
        changed = False
        for word in followers():
            if text.startswith(word, start) and end - start - len(word) >= 3:
                start += len(word)
                changed = True
                break
        if text[start] in "”）)" or (text[start] in "(（" and not re.search(r"[)）]", text[start:end])):
            start += 1
            changed = True
        elif text[start] in AFTER_NUMBER and start > 0 and re.match(NUMERAL, text[start - 1]):
            start += 1
            changed = True
    return start


@lru_cache(maxsize=1)
def generic_heads() -> dict[str, int]:
    """Heads that name an organisation only with a longer name before them (中心, 团队)."""
    return {row[0]: int(row[1]) for row in read_tsv("org_generic_heads.tsv")}


def generic_start(name: str) -> bool:
    """Whether ``name`` starts with a determiner or a quantity (该, 各, 全市), not with
    全国 (全国妇联, 全国总工会: national bodies; 全国首个…基地 is a count, see COUNTED_KIND)."""
    return name[:1] in GENERIC_START and not name.startswith(NATIONAL)


def is_generic_owner(name: str) -> bool:
    """Whether the words before a title (中碳登 in 中碳登党委副书记) are too generic to
    name the organisation holding it."""
    return (len(name) < MIN_NAME_BEFORE_SUFFIX or generic_start(name) or not balanced_quotes(name)
            or name.count("（") + name.count("(") != name.count("）") + name.count(")"))


def is_generic(name: str, suffix: str) -> bool:
    before = name[: len(name) - len(suffix)].strip("“”")
    if suffix in generic_heads():
        if len(before) < generic_heads()[suffix]:
            return True  # 科创中心, 先锋团队: a kind of unit, not a name
        if suffix in {"团队", "突击队"} and not (suffix_pattern().search(before) or "“" in name):
            return True  # a team is named by its owner: 江汉大学…团队, “中碳登”碳路者团队
    if before in LOCAL_PLACES and suffix in read_lines("org_local_bodies.txt"):
        return False  # 市委, 区党工委, 市政府: this city's or district's own body
    return (
        len(before) < MIN_NAME_BEFORE_SUFFIX
        or generic_start(name)
        or not balanced_quotes(name)
        or bool(COUNTED_KIND.search(before))
        or any(word in before for word in read_lines("org_generic_inner.txt"))
        or before in read_lines("org_generic_modifiers.txt")
    )


# A count or a plurality inside the words before a head: 两国政府, 三大银行, 全国首个基地, 三家协会.
COUNTED_KIND = re.compile(rf"[两双多各]国$|{NUMERAL}+大|首个|[第首]{NUMERAL}*[个家所座批]|^{NUMERAL}+[个家所支批]")


def balanced_quotes(name: str) -> bool:
    """Quotes that open before they close, as many of each (not ”仿真“)."""
    depth = 0
    for c in name:
        depth += (c == "“") - (c == "”")
        if depth < 0:
            return False
    return depth == 0


DETERMINERS = set("该此这各每")
COUNT_BEFORE = re.compile(rf"(?:{NUMERAL}|[几多余])+[个家所支批]$")  # 8家, 十几个: a count, not a date (2020年)


def is_generic_in_context(text: str, start: int, suffix: str) -> bool:
    """A name found at ``start`` that its left context shows to be a kind, not one named
    organisation: after a determiner (该公司科研团队, 各条战线…党支部), after a count
    (8家湖北实验室), or a unit with a generic head after 的 (具有全国影响力的科技创新中心)
    unless a quoted name marks it (领衔的“光之踪迹”党员突击队)."""
    before = text[max(0, start - 6):start]
    if before[-1:] in DETERMINERS or COUNT_BEFORE.search(before):
        return True
    return suffix in generic_heads() and before[-1:] == "的" and text[start] != "“"


def is_generic_at(text: str, start: int, end: int, suffix: str) -> bool:
    """``text[start:end]``, ending in ``suffix``, is generic by its form or its context."""
    return is_generic(text[start:end], suffix) or is_generic_in_context(text, start, suffix)


def may_end_at(text: str, suffix: str, end: int, title_starts: set[int]) -> bool:
    """An organisation name may end at ``end``. Heads of two or more characters (集团,
    大学) end names; a one-character head (局, 处, 科) only where the next character
    starts no longer word: a boundary, a title, a verb, another head - so 科 in 科技
    ends nothing."""
    if len(suffix) > 1 or end >= len(text) or not re.match(r"[\u4e00-\u9fffA-Za-z]", text[end]):
        return True
    if text[end] in stop_chars() or end in title_starts or text.startswith("党", end):
        return True
    return text.startswith(followers(), end) or bool(left_breaks().match(text, end)) or bool(suffix_pattern().match(text, end))


def find_organisations(
    text: str, blocked: list[tuple[int, int]], title_starts: set[int] = frozenset(), people: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Rule organisations: (start, end) spans, longest chain per suffix run.

    No head inside ``blocked`` (titles, names) counts; the walk left stops at a
    person's name (``people``, default: all of ``blocked``) but runs through titles
    inside names (广州市博士后创新实践基地)."""
    walls = covered(blocked if people is None else people)
    inside_blocked = covered(blocked)
    false_positions = covered([(f.start(), f.end()) for f in false_word_pattern().finditer(text)])
    found = []
    for m in suffix_pattern().finditer(text):
        if not may_end_at(text, m.group(), m.end(), title_starts):
            continue
        if any(i in false_positions for i in range(m.start(), m.end())):
            continue  # 党组 in 党组织, 局 in 大局
        if (m.end() - 1) in inside_blocked:
            continue  # a head inside a title or a name
        start = name_start(text, m.start(), m.end(), walls)
        if not is_generic_at(text, start, m.end(), m.group()):
            found.append((start, m.end()))
    return keep_longest(found)


def name_start(text: str, head_start: int, end: int, walls: set[int]) -> int:
    """Where a name ending at ``end`` (its head or last word at ``head_start``) starts:
    the walk left over name characters, after the last word that never stands inside a
    name (a break word may straddle the walk's start: 其中 when it stopped at 其; not one
    right before an inner head: 服务 is a verb in 服务企业 but a name's in 某某服务集团某某公司)."""
    start = walk_left(text, head_start, walls)
    breaks = [b.end() for b in left_breaks().finditer(text, max(0, start - 2), head_start)
              if b.end() > start and not is_inner_head_at(text, b.end(), head_start)]
    return trim_left(text, breaks[-1] if breaks else start, end)


# A stock code in brackets after a listed company's name: （600123.SH）, (00700.HK),
# （股票代码：600123）, （NASDAQ：ABCD）.
STOCK_CODE = re.compile(
    r"[（(]\s*(?:(?:股票|证券)?代码\s*[:：]?\s*)?"
    r"(?:(?:SH|SZ|BJ)?\d{6}(?:\.(?:SH|SZ|BJ|SS))?|\d{4,5}\.HK|(?:NASDAQ|NYSE|HKEX?|纳斯达克|纽交所|港交所)\s*[:：]\s*[A-Z0-9.]{1,8})"
    r"\s*[）)]")
MIN_LISTED_NAME, MAX_LISTED_NAME = 2, 16


# A listed company's own notice: 某某发布公告称, 某某公告称 (a body of government that
# issues one is an organisation too).
NOTICE_VERB = re.compile(r"(?:发布|发出|披露)?公告(?:称|显示|表示)")


def marked_organisations(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names that what follows them marks as a company's, with or without a head: the
    name right before a stock code (某某科技（600123.SH）), and the subject at the start of
    a clause right before a notice verb (，某某发布公告称)."""
    walls = covered(blocked)
    found = []
    for marker, at_clause_start in ((STOCK_CODE, False), (NOTICE_VERB, True)):
        for m in marker.finditer(text):
            start = name_start(text, m.start(), m.start(), walls)
            if at_clause_start and not (start == 0 or HARD_BOUNDARY.match(text[start - 1])):
                continue
            if may_be_marked_name(text, start, m.start()):
                found.append((start, m.start()))
    return found


def may_be_marked_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, which a stock code or a notice verb marks as a
    company's, can be a name: of a name's length and characters, not generic (该公司)."""
    name = text[start:end]
    return (MIN_LISTED_NAME <= len(name) <= MAX_LISTED_NAME and plausible_org(name) and not generic_start(name)
            and not is_bare_head(name) and not is_generic_in_context(text, start, ""))



def occurrences_alone(text: str, name: str, entities: RangeIndex) -> list[tuple[int, int]]:
    """Where the page writes ``name`` outside a longer entity (北辰精工 but not inside
    北辰精工集团)."""
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return [(s, e) for s, e in spans if not any(a < s or e < b for a, b, _ in entities.holding(s, e))]


def is_inner_head_at(text: str, i: int, final_head: int) -> bool:
    """Whether a head of two characters or more (not 科 of 科创) starts at ``i`` and ends
    before the name's final head at ``final_head``."""
    inner = suffix_pattern().match(text, i)
    return bool(inner) and len(inner.group()) > 1 and inner.end() <= final_head


def statistical_organisations(doc: Doc, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """NER ORG entities, the main source of organisation names (short names without a
    head too: 鼎龙控股, 中科院), cut before a job title inside them (X公司外部|董事) and
    dropped only when they cannot be a name: punctuation, a bare or generic head, a
    determiner or a count before it."""
    text = doc.text
    found = []
    for ent in doc.ents:
        if ent.label_ not in {"ORG", "ORGANIZATION"}:
            continue
        start, end = ent.start_char, ent.end_char
        end = min([s for s, _ in titles if start < s < end] + [end])
        start, end = trimmed(text, start, end)
        end = end_at_inner_head(text, start, end)
        name = text[start:end]
        suffix = head_ending(name)
        if not plausible_org(name) or false_word_pattern().fullmatch(name) or is_bare_head(name):
            continue
        if (suffix and is_generic_at(text, start, end, suffix)) or is_generic_in_context(text, start, ""):
            continue
        found.append((start, end))
    return found


ORDINAL_TERM = re.compile(r"第?[一二三四五六七八九十百零〇\d]+届")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """An entity span without an ordinal term before the name (第九届|全国妇联) and
    without a website or headquarters after it (某某局|官网)."""
    if text[start:end].count("》") > text[start:end].count("《") and start > 0 and text[start - 1] == "《":
        start -= 1  # 《某某》杂志社: the entity left the opening mark out
    m = ORDINAL_TERM.match(text, start)
    if m and m.end() < end - 1:
        start = m.end()
    for word in read_lines("org_trailing_words.txt"):
        if text.endswith(word, start, end) and end - len(word) - start >= 2:
            end -= len(word)
            break
    return start, end


# One word (two characters) after a head: 某大学|化学. Not tuned; on shared/dev the
# organisations F is 0.750 without the cut and 0.756 with it.
MAX_TAIL_AFTER_HEAD = 2


def end_at_inner_head(text: str, start: int, end: int) -> int:
    """An entity without a head at its end that holds one a word before its end ends at
    that head: 某某大学|化学 (博士学位), the field of a degree after the university."""
    if head_ending(text, end):
        return end
    inner = [m.end() for m in suffix_pattern().finditer(text, start, end)
             if len(m.group()) > 1 and 0 < end - m.end() <= MAX_TAIL_AFTER_HEAD]
    return max(inner) if inner else end


def clear_right_boundary(text: str, end: int, title_starts: set[int]) -> bool:
    """Whether a name may end at ``end`` without a head: punctuation, Latin letters or
    digits, the end of the text, a title, a word that follows names or never stands
    inside one. An entity followed by more nouns (某某半导体|设备) was cut inside a phrase."""
    if end >= len(text) or not re.match(r"[\u4e00-\u9fff]", text[end]) or end in title_starts:
        return True
    return (text[end] in stop_chars() or text.startswith(followers(), end)
            or bool(left_breaks().match(text, end)) or bool(suffix_pattern().match(text, end)))


def headless_kept(text: str, spans: list[tuple[int, int]], title_starts: set[int],
                  people: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Entity spans with an organisation head, and those without one whose name the page
    ends clearly at least once (中国平安、…) or that name a well-known body. One without
    a head that starts with a person the people stage found there is that person and the
    word after the name (某某|组织 in 某某组织部分党员), not an organisation."""
    person_ends = {s: e for s, e in people}
    spans = [(s, e) for s, e in spans if head_ending(text[s:e]) or person_ends.get(s, e) >= e]
    # at any of its occurrences outside a longer entity: the model may have found it where
    # it runs on (北辰精工|仍然) and missed it where the page ends it (北辰精工，)
    entities = RangeIndex((s, e, None) for s, e in spans)
    clear = {name for name in {text[s:e] for s, e in spans}
             if any(clear_right_boundary(text, e, title_starts) for _, e in occurrences_alone(text, name, entities))}
    counts = Counter(text[s:e] for s, e in spans)
    clear |= {name for name, n in counts.items() if n >= 2}  # the model named it twice
    known = set(read_lines("org_gazetteer.txt"))
    return [(s, e) for s, e in spans
            if head_ending(text[s:e]) or text[s:e] in clear or text[s:e] in known]


# Characters the entity may cut off a rule span's start without a place to prove it.
# Chosen on shared/dev as a set with the left breaks: with 2 the entity cuts real name
# starts (某某|科技…): organisations F 0.742, role organisation 0.917; with 3: 0.756, 0.939.
MIN_WORDS_CUT = 3


def repaired(rule_spans: list[tuple[int, int]], ner_spans: list[tuple[int, int]],
             place_starts: set[int] = frozenset()) -> list[tuple[int, int]]:
    """Rule spans with the start the statistical model gives: a rule walking left from a
    head stops at a character that may stand in a name (为 in 某为科技有限公司) or runs
    into the words before it (投资人某某保险集团); an NER entity sharing the head knows
    better where the name starts. The rule keeps what it adds on the right (a legal
    form or a department the entity left out)."""
    index = RangeIndex((a, b, (a, b)) for a, b in ner_spans)
    out = []
    for s, e in rule_spans:
        overlapping = [item for a, b, item in index.overlapping(s, e) if b <= e]
        if overlapping:
            a, _ = max(overlapping, key=lambda n: (n[1], n[1] - n[0]))  # the entity ending last
            # Later than the rule's start only when the words cut off are three characters
            # or more or the entity starts with a place: one or two are as often the
            # name's own first ones (中|德华建…, 某某|科技…) as stray words.
            if a < s or a - s >= MIN_WORDS_CUT or a in place_starts:
                out.append((a, e))
                continue
        out.append((s, e))
    return out


PLACE_LABELS = {"LOC", "GPE"}


def split_at_joined_entities(doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A rule span joined over 和/与 where the model starts an entity right after the
    joiner (某公司和某省政府) holds two names: keep the one with the head."""
    text = doc.text
    entity_starts = {e.start_char for e in doc.ents}
    out = []
    for s, e in spans:
        joints = [i + 1 for i in range(s, e - 1) if text[i] in SOFT_JOINERS and i + 1 in entity_starts]
        out.append((joints[-1], e) if joints else (s, e))
    return out


def has_place_word(name: str) -> bool:
    """Whether ``name`` holds a place word (街, 路, 村): a community named by its streets."""
    return any(h in name for h in read_lines("name_place_heads.txt"))


@lru_cache(maxsize=1)
def descriptive_heads() -> tuple[str, ...]:
    return read_lines("org_generic_suffix_heads.txt")


def supported(doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rule spans, less those ending in a head that ends descriptions as often as names
    (物流公司, 当地政府) where the model sees no named entity (organisation, place,
    person) in the words before the head and no quotes mark a name."""
    text = doc.text
    entities = RangeIndex((e.start_char, e.end_char, None) for e in doc.ents)
    kept = []
    for s, e in spans:
        head = max((h for h in descriptive_heads() if text.endswith(h, s, e)), key=len, default="")
        before = text[s:e - len(head)]
        if not head or head != head_ending(text[s:e]) or "“" in text[s:e] or re.search("[A-Za-z]", before) \
                or has_place_word(before):
            kept.append((s, e))
            continue
        if entities.overlaps(s, e - len(head)):
            kept.append((s, e))
    return kept


def plausible_org(name: str) -> bool:
    """A statistical ORG span worth keeping: Chinese characters (with Latin letters),
    no punctuation, not a generic phrase."""
    return (
        len(name) >= 2
        and bool(re.search(r"[\u4e00-\u9fff]", name))
        and bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9《》（）()·\- ]+", name))
        and name.count("《") == name.count("》")
        and (name.count("（") + name.count("(")) == (name.count("）") + name.count(")"))
        and not generic_start(name)
        and not COUNTED_KIND.search(name)
        and not any(word in name for word in read_lines("org_generic_inner.txt"))
    )


def keep_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans contained in another span. In order of start (longest first), a span
    is contained in an earlier one exactly when it ends no later than the furthest end
    seen so far."""
    kept: list[tuple[int, int]] = []
    furthest = -1
    for s, e in sorted(set(spans), key=lambda x: (x[0], -x[1])):
        if e > furthest:
            kept.append((s, e))
            furthest = e
    return kept


LIST_ITEM = r"[\u4e00-\u9fffA-Za-z·\-]{2,16}"
LIST_NOTE = r"(?:[（(][^（）()\n]{1,12}[）)])?"  # 某某（第46位）
COORDINATED = re.compile(rf"{LIST_ITEM}{LIST_NOTE}(?:、{LIST_ITEM}{LIST_NOTE})+")
# Short names of a list: two characters to ten (longer items hold more than a name).
# Not tuned; no figure of shared/dev moves between 8 and 12 (measured).
MIN_ITEM, MAX_ITEM = 2, 10


def item_span(text: str, start: int, end: int, first: bool, last: bool) -> tuple[int, int]:
    """One item of a 、-list, without a note in brackets, the words before the first
    item (推动|甲公司) and after the last one (乙公司|等企业)."""
    note = re.search(r"[（(][^（）()]*[）)]$", text[start:end])
    if note:
        end = start + note.start()
    if first:
        cuts = [m.end() for pattern in (left_breaks(), list_opener_pattern())
                for m in pattern.finditer(text, start, end) if end - m.end() >= MIN_ITEM]
        cuts += [i + 1 for i in range(start, end - MIN_ITEM) if text[i] in stop_chars()]
        start = max(cuts + [start])
    if last:
        for i in range(start + MIN_ITEM, end):
            if text[i] in stop_chars() or text.startswith(followers(), i) or left_breaks().match(text, i):
                end = i
                break
    return start, end


def coordinated_organisations(doc: Doc, found: list[tuple[int, int]], people: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items of a 、-list that holds an organisation name are organisations too, as
    coordinated words share their kind (甲控股、乙精密、丙集团): short company names
    without a head are found this way. Items that are people (as the people stage found
    them: the model labels many a transliterated company name PERSON), places, common
    words or figures are not."""
    text = doc.text
    names = {(s, e) for s, e in found}
    places = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS]
    blocked = RangeIndex((s, e, None) for s, e in places + list(people) + list(found))
    added = []
    for m in COORDINATED.finditer(text):
        pieces, i = [], m.start()
        raw = m.group().split("、")
        for k, piece in enumerate(raw):
            pieces.append(item_span(text, i, i + len(piece), k == 0, k == len(raw) - 1))
            i += len(piece) + 1
        if not any(p in names for p in pieces):
            continue
        for s, e in pieces:
            name = text[s:e]
            if (s, e) in names or not MIN_ITEM <= e - s <= MAX_ITEM or name in common_words() \
                    or re.search(r"\d", name) or blocked.overlaps(s, e) or not plausible_org(name) \
                    or false_word_pattern().search(name):
                continue
            added.append((s, e))
    return added


def extended_to_names_on_page(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that end like a longer name found elsewhere on the page and that the text
    before them completes (研科技集团 where the walk stopped at 有 of 有研科技集团, a name
    the page's heading gives whole) take that name's start: a page names a body one way."""
    names = sorted({text[s:e] for s, e in spans}, key=len, reverse=True)
    out = []
    for s, e in spans:
        longer = next((n for n in names if len(n) > e - s and len(n) - (e - s) <= MAX_EXTENSION
                       and text.endswith(n, 0, e)), None)
        out.append((e - len(longer), e) if longer else (s, e))
    return out


# Characters a span may gain from a longer name of the page (有 of 有研…, where the walk left
# stops); not tuned.
MAX_EXTENSION = 2


class OrganisationFinder:
    """Organisations in ``doc.spans["organisations"]``: NER ORG entities (with
    ``use_statistical``, the default) and the rules, which repair and extend them
    (a legal form, a department after its parent, a 、-list) and add what the model
    misses; a rule span that shares its head with an entity takes the entity's start."""

    def __init__(self, use_statistical: bool):
        self.use_statistical = use_statistical

    def __call__(self, doc: Doc) -> Doc:
        titles = [(s.start_char, s.end_char) for s in doc.spans.get("titles", [])]
        people = [(s.start_char, s.end_char) for s in doc.spans.get("people", [])]
        # An appointment notice's organisations start after its verb and names.
        people += [(n.rest[0] - 1, n.rest[0]) for n in doc._.notices or () if n.rest[0] > 0]
        spans = find_organisations(doc.text, titles + people, {s for s, _ in titles}, people)
        # Without a statistical NER in the pipeline the rules work alone.
        if self.use_statistical and doc.has_annotation("ENT_IOB"):
            ner = headless_kept(doc.text, statistical_organisations(doc, titles), {s for s, _ in titles}, people)
            places = {e.start_char for e in doc.ents if e.label_ in PLACE_LABELS}
            spans = supported(doc, split_at_joined_entities(doc, repaired(spans, ner, places))) + ner
        spans += gazetteer_organisations(doc.text, titles + people)
        spans += listed_organisations(doc.text, titles + people)
        spans += marked_organisations(doc.text, titles + people)
        spans = keep_longest(extended_to_names_on_page(doc.text, keep_longest(spans)))
        spans = keep_longest(spans + coordinated_organisations(doc, spans, people))
        doc.spans["organisations"] = [s for s in char_spans(doc, spans, "ORG") if s is not None]
        return doc


@Language.factory(
    "extract_organisations",
    default_config={"use_statistical": True},
    requires=["doc.spans"],
    assigns=["doc.spans"],
)
def make_organisation_finder(nlp: Language, name: str, use_statistical: bool) -> OrganisationFinder:
    return OrganisationFinder(use_statistical)
