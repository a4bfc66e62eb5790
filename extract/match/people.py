"""Person rules, on top of the statistical NER's PERSON entities when there is one.

A name is a surname (``data/surnames.txt``) and one or two more characters, found
where Chinese news puts names: right after a job title (处长郑雪), before a verb of
saying (朱国辉说), in bylines (记者李正东 郑奇悦), in bracketed credits ((邱传平 黄旭梅))
and in 、-lists next to a known name. The name ends before a word that typically
follows names (``data/name_followers.txt``) or punctuation. Every other occurrence of
a found name in the document is a mention too. Honorific-only forms (王总) never match.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_lines
from . import NUMERAL, char_spans, word_list_pattern

HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
PUNCT_OR_SPACE = re.compile(r"[\s，,。！？!?；;：:、“”‘’\"'（）()《》【】·…—\-]")
SPEECH = re.compile(r"(说|表示|介绍|指出|认为|坦言|强调|告诉|谈到|感慨)")
CREDIT_SEPARATOR = r"\s*[:：|｜]?\s*"


@lru_cache(maxsize=1)
def credit_pattern() -> re.Pattern:
    """A credit word (``data/name_credit_words.txt``) and its separator; a one-character
    word (文, 图) only with a separator, since it also starts ordinary words (文化)."""
    words = read_lines("name_credit_words.txt")
    longer = "|".join(map(re.escape, sorted((w for w in words if len(w) > 1), key=len, reverse=True)))
    single = "".join(re.escape(w) for w in words if len(w) == 1)
    return re.compile(f"(?:{longer}){CREDIT_SEPARATOR}|[{single}](?:\\s*[:：|｜]\\s*|[^\\S\\n]+)")
# between names of a list: 、 or spaces of any kind (scraped bylines use NBSP), not newlines
NAME_LIST_SEPARATOR = re.compile(r"(?:[^\S\n]|、)+")
NOT_GIVEN_NAME = set("的了是在和与及等说总不没被把")  # 王总 is an honorific, not a name;
# negation and the passive and disposal markers after a subject (部门不认为) never start a given name
# Function words that follow a noun and are also surnames: 党员和干部, 劳模都…, 党员应该…
NOT_NAME_AFTER_NOUN = set("和与及都时也在是就还又应被把将")
# Before a measure word that is also a surname (两张皮, 这张照片, 每项工作): a count or a determiner.
COUNT_OR_DETERMINER = re.compile(rf"(?:{NUMERAL}|[几数每这那哪该各])$")


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    return tuple(sorted(read_lines("surnames.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def false_names() -> frozenset[str]:
    return frozenset(read_lines("name_false_words.txt"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Frequent words shaped like names (管理, 成为), mined from the segmentation corpus.
    Some are names too (黄海), so only weak evidence is checked against them: a name
    after a title or before 说 stands, one after 党员 or from the NER alone does not."""
    return frozenset(read_lines("name_false_words_mined.txt"))


@lru_cache(maxsize=1)
def measure_words() -> frozenset[str]:
    return frozenset(read_lines("measure_words.txt"))


def is_counted(text: str, start: int) -> bool:
    """Whether the character at ``start`` is a measure word after a count or a
    determiner (两张皮), so not the surname of a name."""
    return text[start] in measure_words() and bool(COUNT_OR_DETERMINER.match(text, max(0, start - 1), start))


@lru_cache(maxsize=1)
def followers() -> tuple[str, ...]:
    return tuple(sorted(read_lines("name_followers.txt"), key=len, reverse=True))


def surname_at(text: str, i: int) -> str | None:
    return next((s for s in surnames() if text.startswith(s, i)), None)


def boundary_strength(text: str, j: int) -> int:
    """How clearly a name may end at offset ``j``: 3 at punctuation or the end of text,
    the length of a follower word starting there, 0 if nothing marks an end."""
    if j >= len(text) or PUNCT_OR_SPACE.match(text[j]):
        return 3
    # a credit word starts the next credit (记者某某实习生某某)
    m = end_words_pattern().match(text, j)
    return len(m.group()) if m else 0


@lru_cache(maxsize=1)
def credit_words() -> tuple[str, ...]:
    return tuple(w for w in read_lines("name_credit_words.txt") if len(w) > 1)


@lru_cache(maxsize=1)
def end_words_pattern() -> re.Pattern:
    """Words that follow names and credit words, longest first."""
    return re.compile("|".join(map(re.escape, sorted(set(followers() + credit_words()), key=len, reverse=True))))


def is_name(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has the form of a name: surname and one or two more characters."""
    surname = surname_at(text, start)
    if surname is None:
        return False
    given = text[start + len(surname):end]
    return (
        1 <= len(given) <= 2
        and text[start:end] not in false_names()
        and all(HAN_CHAR.match(c) for c in given)
        and given[0] not in NOT_GIVEN_NAME
        and not (len(given) == 2 and text.startswith(followers(), end - 1))
        and given not in title_words()
    )


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """Job titles: no given name (张经理, 向记者 are an honorific and a preposition)."""
    return frozenset(read_lines("title_heads.txt")) | frozenset(read_lines("titles_cluener.txt"))


# The padding of a two-character name to three: a full-width space (王　伟), or the two
# spaces a crawl writes for it (王  伟); one space between two characters of web text
# more often parts two words
TYPOGRAPHIC_PADDING = re.compile(r"\u3000|  ")


def typographic_name_end(text: str, start_given: int) -> int | None:
    """The end of a two-character name printed with padding inside it (王　伟, 王  伟):
    the padding, one Han character and a clear end after it."""
    padding = TYPOGRAPHIC_PADDING.match(text, start_given)
    if padding is None or padding.end() + 1 > len(text):
        return None
    given = text[padding.end()]
    if HAN_CHAR.match(given) and given not in NOT_GIVEN_NAME and boundary_strength(text, padding.end() + 1) >= 3:
        return padding.end() + 1
    return None


def name_at(text: str, i: int) -> tuple[int, int] | None:
    """The span of a person name starting at ``i``, or None.

    Of the one- and two-character given names that end at a boundary, the one
    with the clearer boundary wins (郑雪|作为 over 郑雪作|为); on a tie the longer.
    """
    surname = surname_at(text, i)
    if surname is None:
        return None
    start_given = i + len(surname)
    spaced = typographic_name_end(text, start_given)
    if spaced:
        return (i, spaced)
    best: tuple[int, int] | None = None
    for given in (1, 2):
        end = start_given + given
        piece = text[start_given:end]
        if len(piece) < given or not all(HAN_CHAR.match(c) for c in piece) or piece[0] in NOT_GIVEN_NAME:
            break
        if given == 2 and text.startswith(followers(), start_given + 1):
            break  # 张念说: the second character starts the word after the name
        if text[i:end] in false_names() or piece in title_words():
            continue
        strength = boundary_strength(text, end)
        if strength and (best is None or strength >= best[0]):
            best = (strength, end)
    return (i, best[1]) if best else None


def names_after_titles(text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A name right after a title (处长郑雪), not a verb of saying (教授强调)."""
    found = []
    for start, end in titles:
        span = name_at(text, end) if not SPEECH.match(text, end) else None
        if span is None and text.startswith("的", end) and HOLDING_VERB.search(text, max(0, start - 2), start):
            span = name_at(text, end + 1)  # 担任处长的某某
        if span:
            found.append(span)
    return found


HOLDING_VERB = re.compile(r"(?:担任|出任|任职|任)$")


APPOSITION_OPEN = "，,（("
APPOSITION_CLOSE = "。，,；;）)\n"
# Characters of owner name between the comma and the title (a long company name fits).
# Not tuned; shared/dev figures are the same with 16 and 32 (measured).
MAX_APPOSITION = 24


def names_before_appositions(text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A name followed by its title in apposition: 张三，某某集团副总经理，… or
    张三（某某大学教授）: the name stands right before the comma or bracket, after
    punctuation or at the start of the text."""
    found = []
    for s, e in titles:
        if e < len(text) and text[e] not in APPOSITION_CLOSE:
            continue
        window = text[max(0, s - MAX_APPOSITION):s]
        k = max(window.rfind(c) for c in APPOSITION_OPEN)
        if k < 0 or PUNCT_OR_SPACE.search(window[k + 1:]):
            continue
        opening = s - len(window) + k
        for length in (3, 2):
            i = opening - length
            if i >= 0 and (i == 0 or PUNCT_OR_SPACE.match(text[i - 1])) and is_name(text, i, opening) \
                    and text[i:opening] not in common_words():
                found.append((i, opening))
                break
    return found


SIGNATURE_NAME = re.compile(r"[ \u3000\u00a0\t]+([\u4e00-\u9fff·•]{2,16}?)(?:[（(][\u4e00-\u9fff]{1,10}[）)])?[ \u3000\u00a0\t]*(?=\n|$)")


def names_in_signatures(text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Signature lines of contributed articles: a title, spaces, the name and maybe the
    writer's country in brackets, alone on the line (…研究所高级顾问  某某某（某国）)."""
    found = []
    for _, end in titles:
        m = SIGNATURE_NAME.match(text, end)
        if m:
            # a Chinese name ends where name_at says (谢某某摄: 摄 is a credit, not the name)
            found.append(name_at(text, m.start(1)) or (m.start(1), m.end(1)))
    return found


@lru_cache(maxsize=1)
def place_head_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(read_lines("name_place_heads.txt"), key=len, reverse=True))))


def names_of_places(text: str, names: set[str]) -> set[str]:
    """The names that the page also writes right before a place or facility head
    (某某水电站): places named like people."""
    return {name for name in names
            if any(place_head_pattern().match(text, m.end()) for m in re.finditer(re.escape(name), text))}


def names_after_precursors(text: str) -> list[tuple[int, int]]:
    """Names right after a word describing a person (省劳模胡军), ending at a clear boundary."""
    found = []
    for m in word_list_pattern("name_precursors.txt").finditer(text):
        span = name_at(text, m.end()) if text[m.end():m.end() + 1] not in NOT_NAME_AFTER_NOUN else None
        if span and text[slice(*span)] not in common_words():
            found.append(span)
    return found


def names_before_titles(text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """NAME + TITLE after a boundary: “习近平总书记."""
    found = []
    post_name = set(read_lines("post_name_titles.txt"))
    for start, end in titles:
        if text[start:end] not in post_name:
            continue
        for length in (3, 2):
            i = start - length
            if i < 0 or (i > 0 and not PUNCT_OR_SPACE.match(text[i - 1])):
                continue
            if is_name(text, i, start):
                found.append((i, start))
                break
    return found


@lru_cache(maxsize=1)
def organisation_heads() -> tuple[str, ...]:
    return tuple(read_lines("org_suffixes.txt"))


def opens_a_name(text: str, i: int) -> bool:
    """Whether a name may start at ``i`` in front of a verb of saying: after punctuation,
    at the start, or right after an organisation's head (某某局某某表示)."""
    return i == 0 or bool(PUNCT_OR_SPACE.match(text[i - 1])) or text.endswith(organisation_heads(), 0, i)


HONORIFIC = re.compile(r"先生|女士")


def names_before_honorifics(text: str) -> list[tuple[int, int]]:
    """A full name before 先生/女士 (某某某先生): a surname and a given name, after
    punctuation, 的 or the start (王先生 alone is an honorific, not a name)."""
    found = []
    for m in HONORIFIC.finditer(text):
        for length in (3, 2):
            i = m.start() - length
            if i >= 0 and (opens_a_name(text, i) or text[i - 1] in "的是和与") and is_name(text, i, m.start()) \
                    and text[i:m.start()] not in common_words():
                found.append((i, m.start()))
                break
    return found


def names_before_speech(text: str) -> list[tuple[int, int]]:
    found = []
    for m in SPEECH.finditer(text):
        for length in (3, 2, 4):
            i = m.start() - length
            if i < 0 or not opens_a_name(text, i):
                continue
            span = name_at(text, i)
            after_punctuation = i == 0 or PUNCT_OR_SPACE.match(text[i - 1])
            if span and span[1] == m.start() and text[i] not in read_lines("name_preposition_surnames.txt") \
                    and (after_punctuation or text[span[0]:span[1]] not in common_words()):
                found.append(span)
                break
    return found


PHOTO_CREDIT = re.compile(r"(?:^|(?<=[\s（(]))([\u4e00-\u9fff]{2,3})摄(?=$|[\s）)。])", re.M)


def names_in_credits(text: str) -> list[tuple[int, int]]:
    """Space- or 、-separated names after 记者/通讯员/编辑 …, and bracketed credit lines."""
    found = []
    for m in credit_pattern().finditer(text):
        found.extend(name_list_at(text, m.end()))
    for m in PHOTO_CREDIT.finditer(text):  # 某某摄 alone at the end of a caption or line
        span = name_at(text, m.start(1))
        if span == (m.start(1), m.end(1)):
            found.append(span)
    for m in re.finditer(r"[（(]\s*([\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})+)\s*[）)]", text):
        found.extend(name_list_at(text, m.start(1)))
    return found


def name_list_at(text: str, i: int) -> list[tuple[int, int]]:
    """Names separated by spaces or 、 starting at ``i``."""
    found = []
    while True:
        span = name_at(text, i)
        if span is None:
            break
        found.append(span)
        j = span[1]
        sep = NAME_LIST_SEPARATOR.match(text, j)
        if not sep:
            break
        i = sep.end()
    return found


def names_in_lists(text: str, known: set[str], model_people: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Members of 、-lists of two-to-three-character names that contain a known name
    or end in 分别/等人/同志. A member needs a surname of the list or the statistical
    model's word that it is a person (a rare surname)."""
    model = set(model_people)
    found = []
    trailers = "|".join(map(re.escape, read_lines("name_list_trailers.txt")))
    note = r"(?:[（(][^（）()、\n]{1,12}[）)])?"  # 某某（2016年）
    for m in re.finditer(rf"(?:[\u4e00-\u9fff]{{2,3}}{note}、)+[\u4e00-\u9fff]{{2,3}}{note}(?={trailers}|等|、|，|,|。|；|;)", text):
        members, i = [], m.start()
        for piece in m.group().split("、"):
            name = re.match(r"[\u4e00-\u9fff]+", piece).group()
            members.append((i, i + len(name)))
            i += len(piece) + 1
        if not all(surname_at(text, s) or (s, e) in model for s, e in members):
            continue
        if any(text[s:e] in known for s, e in members) or text.startswith(read_lines("name_list_trailers.txt"), m.end()):
            found.extend(members)
    return found


DOTS = "·•‧・"
# Characters of one part of a transliterated name (five or six is common); not tuned.
MAX_FOREIGN_PART = 8


@lru_cache(maxsize=1)
def transliteration_pattern() -> re.Pattern:
    """Two or more parts of transliteration characters joined by a middle dot
    (某某·某某某某), the characters mined from the NER corpora (``tools/mine_transliteration.py``)."""
    chars = re.escape("".join(sorted(set(read_lines("name_transliteration_chars.txt")))))
    # a part starts and ends with a mined character; a rarer one may stand between two (a character the corpora had too few times)
    part = f"[{chars}](?:[{chars}]|[\u4e00-\u9fff](?=[{chars}])){{0,{MAX_FOREIGN_PART - 1}}}"
    return re.compile(rf"{part}(?:\s?[{DOTS}]\s?{part})+")


@lru_cache(maxsize=1)
def transliteration_chars() -> frozenset[str]:
    return frozenset(read_lines("name_transliteration_chars.txt"))


def is_transliterated(name: str) -> bool:
    """Whether every character of ``name`` is a transliteration character or a dot
    (a place glued before it, 丹丹|乌里克, makes the character before it one too)."""
    return all(c in transliteration_chars() or c in DOTS for c in name)


def foreign_names(text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Transliterated names written with a middle dot; a title or a describing word
    glued before the first part (专家安德烈·…) is not part of the name."""
    title_ends = {e for _, e in titles}
    found = []
    for m in transliteration_pattern().finditer(text):
        start = max([e for e in title_ends if m.start() < e < m.end()] + [m.start()])
        precursor = [p.end() for p in word_list_pattern("name_precursors.txt").finditer(text, start, m.end())]
        start = max(precursor + [start])
        end = m.end()
        last_dot = max(text.rfind(d, start, end) for d in DOTS)
        # the last part ends before a word that follows names (…索科洛夫|参加)
        end = next((i for i in range(last_dot + 2, end) if text.startswith(followers(), i)), end)
        if text[start] not in DOTS and any(c in DOTS for c in text[start:end]):
            found.append((start, end))
    return found


# A transliterated name without a dot has three characters at least (two-character
# ones are as often Chinese words); not tuned.
MIN_FOREIGN_NER = 3


def foreign_ner_people(text: str, ner_people: list[tuple[int, int]], titles: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """NER PERSON entities that are transliterations: kept when written with a middle
    dot, or when every character is a transliteration character and a person's context
    supports the name: a title or a describing word right before it (女儿某某某某),
    a title or a verb of saying right after it. Clubs and places are transliterated
    too (a name alone is no evidence)."""
    title_starts, title_ends = {a for a, _ in titles}, {b for _, b in titles}
    precursor_ends = {m.end() for m in word_list_pattern("name_precursors.txt").finditer(text)}

    def supported(s: int, e: int) -> bool:
        return s in title_ends or s in precursor_ends or e in title_starts or bool(SPEECH.match(text, e))

    return [(s, e) for s, e in ner_people
            if e - s >= MIN_FOREIGN_NER and is_transliterated(text[s:e]) and text[s:e] not in common_words()
            and boundary_strength(text, e) and not (s > 0 and is_transliterated(text[s - 1])) and supported(s, e)] \
        + [(dotted_start(text, s), e) for s, e in ner_people
           if any(c in DOTS for c in text[s + 1:e - 1]) and re.fullmatch(f"[\u4e00-\u9fff{DOTS}]+", text[s:e])]


# Characters a dotted name may gain on its left (伊 of 伊万·…, a word the segmenter cut
# off the name's first part); not tuned.
MAX_DOTTED_EXTENSION = 2


def dotted_start(text: str, start: int) -> int:
    """The start of a dotted name whose first part the model began late: transliteration
    characters right before it that do not continue a longer run of them."""
    i = start
    while i > 0 and start - i < MAX_DOTTED_EXTENSION and text[i - 1] in transliteration_chars():
        i -= 1
    run_goes_on = i > 0 and text[i - 1] in transliteration_chars()
    return start if run_goes_on else i


def all_occurrences(text: str, names: set[str]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(name), text))
    return spans


def drop_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept, last_end = [], -1
    for s, e in sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0]))):
        if s >= last_end:
            kept.append((s, e))
            last_end = e
    return kept


def ner_names_with_context(text: str, spans: list[tuple[int, int]], titles: list[tuple[int, int]]) -> set[str]:
    """The NER PERSON names with a context that supports them at least once: a clear end
    (a word that follows names, punctuation), a title right before or after (村支书某某,
    某某书记), a word describing a person before (党员某某), an organisation's head right
    before (某某研究所某某: the affiliation before the name), or a second mention by the
    model. Without any, the model may have cut a name out of a company's (华工|正源)."""
    title_starts, title_ends = {s for s, _ in titles}, {e for _, e in titles}
    precursor_ends = {m.end() for m in word_list_pattern("name_precursors.txt").finditer(text)}
    counts: dict[str, int] = {}
    for s, e in spans:
        counts[text[s:e]] = counts.get(text[s:e], 0) + 1
    return {text[s:e] for s, e in spans
            if boundary_strength(text, e) or e in title_starts or s in title_ends or s in precursor_ends
            or text.endswith(organisation_heads(), 0, s) or counts[text[s:e]] >= 2}


def find_people(text: str, titles: list[tuple[int, int]], ner_people: list[tuple[int, int]],
                known: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Person spans; ``known``: names other rules are sure of (appointment notices)."""
    # Statistical PERSON spans count when they have the form of a Chinese name and end
    # where a name can end (华工 in 华工正源… is the start of a company name).
    ner_people_all = ner_people
    ner_people = [(s, e) for s, e in ner_people if is_name(text, s, e) and text[s:e] not in common_words()
                  and not is_counted(text, s)]
    supported_names = ner_names_with_context(text, ner_people, titles)
    ner_people = [(s, e) for s, e in ner_people if text[s:e] in supported_names]
    spans = (
        names_after_titles(text, titles) + names_before_titles(text, titles)
        + names_before_speech(text) + names_in_credits(text) + names_after_precursors(text) + ner_people
        + list(known) + foreign_names(text, titles) + foreign_ner_people(text, ner_people_all, titles)
        + names_in_signatures(text, titles) + names_before_appositions(text, titles)
        + names_before_honorifics(text)
    )
    spans = model_ends_kept(text, spans, ner_people_all, known)
    names = {text[s:e] for s, e in spans}
    spans += names_in_lists(text, names, ner_people_all)
    names = {text[s:e] for s, e in spans if e - s >= 2}
    names -= names_of_places(text, names - {text[s:e] for s, e in known})
    # names other rules are sure of (notices) win over overlapping candidates (聘任张三: not 任张三)
    sure = set(known)
    spans = [(s, e) for s, e in all_occurrences(text, names)
             if (s, e) in sure or not any(a < e and s < b for a, b in sure)]
    return drop_overlaps(spans)


def model_ends_kept(text: str, spans: list[tuple[int, int]], model_people: list[tuple[int, int]],
                    sure: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Rule names that start where the model starts a name of Chinese form end where the
    model ends it: the rule picks an end by the words that follow names (村民陈东交|谈),
    the model reads the segmenter's words and the context (陈东|交谈). Names of notices
    (``sure``) keep their end."""
    model_end = {s: e for s, e in model_people if is_name(text, s, e)}
    sure = set(sure)
    return [(s, model_end[s]) if s in model_end and (s, e) not in sure and e - s >= 2 else (s, e)
            for s, e in spans]


Doc.set_extension("notices", default=None, force=True)


@Language.component("extract_people", requires=["doc.spans"], assigns=["doc.spans"])
def people_component(doc: Doc) -> Doc:
    """People in ``doc.spans["people"]``: NER PERSON entities and the name rules.
    Appointment notices found on the way are kept in ``doc._.notices`` for the roles."""
    from .notices import find_notices  # notices reads this module's name helpers

    text = doc.text
    titles = [(s.start_char, s.end_char) for s in doc.spans.get("titles", [])]
    ner = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in {"PERSON", "PER"}]
    doc._.notices = find_notices(text, titles, model_people=ner)
    notice_people = [p for n in doc._.notices for p in n.people]
    spans = char_spans(doc, find_people(text, titles, ner, notice_people), "PERSON")
    doc.spans["people"] = [s for s in spans if s is not None]
    return doc
