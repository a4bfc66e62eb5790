"""Appointment and removal notices (任免信息): who takes or leaves which titles.

Official notices write names and titles in a few fixed orders, each clause one act:

- names first: ``A、B任X公司党委常委`` / ``A不再担任X公司董事职务``;
- verb first: ``聘任A、B为X公司外部董事`` / ``免去A的X公司董事职务`` / ``提名A为X公司副总经理人选``;
- no name: ``提名为…人选``, ``免去其…职务``, ``兼任…``: the clause continues the subject of
  the previous clause of the sentence.

A clause is a notice only when its title part holds at least one job title. The words
are data (``data/title_notices.json``). :func:`find_notices` gives, per clause, the
people, the title spans and the part of the text where organisations and titles are
written (an organisation there never reaches left into the verb or the names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..data import read_json
from .people import false_names, surname_at

HAN = re.compile(r"[\u4e00-\u9fff]+")
SENTENCE = re.compile(r"[^。；;！？!?\n]+")
CLAUSE = re.compile(r"[^，,：:]+")
# Chinese names: a surname and one or two characters, four with a two-character surname.
# Facts of the language, not tuned.
MIN_NAME, MAX_NAME = 2, 4


@dataclass(frozen=True)
class Notice:
    people: tuple[tuple[int, int], ...]
    titles: tuple[tuple[int, int], ...]
    rest: tuple[int, int]  # where the organisations and titles of the act are written


@lru_cache(maxsize=1)
def words() -> dict:
    return read_json("title_notices.json")


def longest_at(text: str, i: int, options: list[str]) -> str | None:
    return max((w for w in options if text.startswith(w, i)), key=len, default=None)


def strip_notes(text: str, start: int, end: int) -> int:
    """``end`` moved before notes written after a name: 张三（女）."""
    changed = True
    while changed:
        changed = False
        for note in words()["name_notes"]:
            if end - start > len(note) and text.endswith(note, start, end):
                end -= len(note)
                changed = True
    return end


def name_list(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The names of ``text[start:end]`` when it is exactly a 、-list of names (each may
    carry a note such as （女）), else None."""
    found = []
    i = start
    for piece in text[start:end].split("、"):
        s, e = i, strip_notes(text, i, i + len(piece))
        i += len(piece) + 1
        name = text[s:e]
        if not (MIN_NAME <= len(name) <= MAX_NAME and HAN.fullmatch(name) and surname_at(text, s)
                and name not in false_names()):
            return None
        found.append((s, e))
    return found or None


def trim_adverbs(text: str, start: int, end: int) -> int:
    """``end`` moved before adverbs between a name and its verb (张三已当选为…)."""
    for adverb in sorted(words()["adverbs_after_names"], key=len, reverse=True):
        if end - start > len(adverb) and text.endswith(adverb, start, end):
            return end - len(adverb)
    return end


def rest_end(text: str, start: int, end: int) -> int:
    """The end of the title part of a clause: before 职务/人选, or the clause's end."""
    ends = [text.find(w, start, end) for w in words()["title_enders"]]
    return min([e for e in ends if e >= 0] + [end])


def names_first(text: str, start: int, end: int, model_ends: frozenset[int] = frozenset()) -> tuple[list[tuple[int, int]], int] | None:
    """``A、B任…``: (names, start of the title part), or None. An empty name list means
    the clause starts with the verb (…，兼任…). ``model_ends``: where the statistical
    model ends a person's name, which settles 李明|担任 against 钱东升|任."""
    verbs = words()["verbs_after_names"]
    for p in range(start, end):
        verb = longest_at(text, p, verbs)
        if verb is None:
            continue
        if p == start:
            return [], p + len(verb)
        names = name_list(text, start, trim_adverbs(text, start, p))
        if names:
            # 钱东升任: the verb may also be 任 after a three-character name (the usual length)
            longer = longest_at(text, p + 1, verbs)
            if longer and name_list(text, start, p + 1) and p not in model_ends:
                return name_list(text, start, p + 1), p + 1 + len(longer)
            return names, p + len(verb)
    return None


def verb_first(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int] | None:
    """``聘任A、B为…`` / ``免去A的…`` / ``免去其…``: (names, start of the title part);
    an empty name list continues the previous subject."""
    for m in re.finditer("|".join(sorted(map(re.escape, words()["verbs_before_names"]), key=len, reverse=True)),
                         text[start:end]):
        j = start + m.end()
        subject = longest_at(text, j, words()["subject_words"])
        if subject:
            j += len(subject)
            return [], j + (1 if text.startswith("的", j) else 0)
        for q in range(j, end):
            if text[q] not in words()["before_titles"]:
                continue
            if q == j:
                return [], q + 1
            names = name_list(text, j, q)
            if names:
                return names, q + 1
    return None


# A date or a time word opening a clause before its verb (2017年当选…, 随后兼任…).
LEADING_TIME = re.compile(r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|此前|目前|随后|同年|次年|后)")


CLAUSE_OPENERS = re.compile(r"[\s，,。；;：:！？!?、“”（）()]")


def last_person_before(text: str, people: list[tuple[int, int]], position: int, line_start: int) -> tuple[tuple[int, int], ...]:
    """The person named last before ``position`` in its paragraph as the subject of a
    clause (right after punctuation or at the paragraph's start), if any: 某某讲座教授
    names a chair, not the one who holds it."""
    before = [p for p in people if line_start <= p[0] and p[1] <= position
              and (p[0] == line_start or CLAUSE_OPENERS.match(text, p[0] - 1))]
    return (max(before),) if before else ()


def find_notices(text: str, titles: list[tuple[int, int]], people: list[tuple[int, int]] | None = None,
                 model_people: list[tuple[int, int]] = ()) -> list[Notice]:
    """The notice clauses of ``text`` (``titles``: job-title spans). With ``people``
    (person spans), a clause without a name in a sentence without a subject takes the
    person named last before it in the paragraph; ``model_people`` (the statistical
    model's person spans) says where a name ends before its verb."""
    model_ends = frozenset(e for _, e in model_people)
    title_starts = sorted(titles)
    title_ends = {e for _, e in titles}
    notices = []
    for sentence in SENTENCE.finditer(text):
        subject: tuple[tuple[int, int], ...] = ()
        continues = False  # whether the previous clause was a notice
        line_start = text.rfind("\n", 0, sentence.start()) + 1
        for clause in CLAUSE.finditer(text, sentence.start(), sentence.end()):
            start = clause.start() + len(clause.group()) - len(clause.group().lstrip())
            end = clause.end()
            time = LEADING_TIME.match(text, start)
            act = names_first(text, time.end() if time else start, end, model_ends) or verb_first(text, start, end)
            if act is None and continues and end in title_ends:
                act = ([], start)  # …，某协会理事，…: organisation and title only
            if act is None:
                continues = False
                continue
            names, rest_start = act
            persons = tuple(names) or subject
            if not persons and people:
                persons = last_person_before(text, people, start, line_start)
            rest = (rest_start, rest_end(text, rest_start, end))
            inside = tuple((s, e) for s, e in title_starts if rest[0] <= s and e <= rest[1])
            if not persons or not inside:
                continues = False
                continue
            subject, continues = persons, True
            notices.append(Notice(persons, inside, rest))
    return notices
