"""Stage 5b, link: roles (person, title, organisation) and organisation aliases.

Roles follow the usual Chinese orders: ORG + TITLE + NAME (华中科技大学教授陶光明),
chains of titles separated by 、 that share the name after the last one
(党委副书记、副董事长朱国辉), and credits with several names (记者李正东 郑奇悦).
A title that starts with a party committee (市委书记) belongs to that committee, with the
place written before it (东川市委).
Aliases introduced with 以下简称/简称 make later short forms mentions of the full name.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from .match import RangeIndex, char_span, char_spans
from .data import read_lines, read_tsv
from .match.organisations import LOCAL_PLACES, is_bare_head, is_generic_owner, trim_left, walk_left
from .match.notices import find_notices
from .match.people import HOLDING_VERB, NAME_LIST_SEPARATOR, common_words

CHAIN_GAP = re.compile(r"^[、，,兼]$")
# 、 or 兼 and the name of the next title's organisation or place, no punctuation, no
# name (党委书记、第九届某联合会主席; 某委员会副主任、某区副区长).
CHAIN_GAP_WITH_OWNER = re.compile(r"^[、兼][\u4e00-\u9fffA-Za-z（）()]{1,20}$")
CREDIT_GAP = re.compile(r"[\s:：|｜]*")  # between a title or credit and the names after it
ORDINAL_TERM = re.compile(r"^第?[一二三四五六七八九十百零〇\d]+届")
COMMITTEE_PREFIX = re.compile(r"^(市委|省委|区委|县委|镇党委|党工委)")
ALIAS = re.compile(r"^\s*[（(]\s*(以下)?简称\s*[“\"「]?(?P<alias>[^”\"」）)]{2,12})[”\"」]?\s*[）)]")
NEAR_ORG_GAP = 8  # an organisation this close before a title (no punctuation between) holds it


@dataclass
class TitleLink:
    title: Span
    organisation: Span | None = None
    org_is_real: bool = False
    people: list[Span] = field(default_factory=list)


class OrgIndex:
    """Organisation spans by end offset, to find the one holding a title quickly."""

    def __init__(self, orgs: list[Span]):
        self.by_end: dict[int, list[Span]] = {}
        self.ends: list[int] = []  # the keys of by_end, sorted
        for org in orgs:
            self.add(org)

    def add(self, org: Span) -> None:
        if org.end_char not in self.by_end:
            bisect.insort(self.ends, org.end_char)
        self.by_end.setdefault(org.end_char, []).append(org)

    def ending_near(self, text: str, position: int) -> Span | None:
        """The organisation ending at ``position`` or a few name characters before it."""
        for end in range(position, max(-1, position - NEAR_ORG_GAP - 1), -1):
            if end in self.by_end and not re.search(r"[\s，,。、；;：:“”]", text[end:position]):
                return self.by_end[end][0]
        return None

    def last_named_before(self, head: str, position: int) -> Span | None:
        """The organisation ending in ``head`` named last before ``position``: what a bare
        head (社区 in 社区书记张念) refers back to."""
        earlier = reversed(self.ends[:bisect.bisect_right(self.ends, position)])
        return next((o for e in earlier for o in self.by_end[e] if o.text.endswith(head) and o.text != head), None)


def people_after(text: str, position: int, starts: dict[int, Span]) -> list[Span]:
    """People right after ``position`` (``starts``: people by start offset): one name,
    or a list separated by spaces or 、."""
    i = CREDIT_GAP.match(text, position).end()
    found = []
    while i in starts:
        span = starts[i]
        found.append(span)
        separator = NAME_LIST_SEPARATOR.match(text, span.end_char)
        if not separator:
            break
        i = separator.end()
    return found


def people_inside(people: RangeIndex, start: int, end: int) -> bool:
    return people.overlaps(start, end)


def chain_titles(text: str, titles: list[Span], orgs: OrgIndex, people: list[Span] = ()) -> list[list[Span]]:
    """Group titles that share one name: 党委副书记、副董事长朱国辉."""
    gap_people = RangeIndex((p.start_char, p.end_char, p) for p in people)
    groups: list[list[Span]] = []
    for title in sorted(titles, key=lambda s: s.start_char):
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end_char:title.start_char]
            inner = orgs.ending_near(text, title.start_char)
            if gap and (CHAIN_GAP.match(gap) or (inner and CHAIN_GAP.match(text[prev.end_char:inner.start_char]))
                        or (CHAIN_GAP_WITH_OWNER.match(gap) and not people_inside(gap_people, prev.end_char, title.start_char))):
                groups[-1].append(title)
                continue
        groups.append([title])
    return groups


# A title's owner without a head and without a model entity: three characters at least
# (时政, 机务 are fields, not owners). On shared/dev: with 2, organisations F 0.749 and
# role organisation 0.924; with 3, 0.756 and 0.939.
MIN_UNBACKED_OWNER = 3


def named_entities(doc: Doc) -> RangeIndex:
    """The model's organisation and place entities of ``doc``."""
    return RangeIndex((e.start_char, e.end_char, None) for e in doc.ents if e.label_ in {"ORG", "LOC", "GPE"})


def owner_is_named(entities: RangeIndex, name: str, start: int, end: int) -> bool:
    """Whether the words before a title with no organisation head name its owner: the
    model sees an entity there, or a name of three characters or more that is no common
    word (某某科技党委副书记; not 行业评论员, 车辆调度员)."""
    if entities.overlaps(start, end):
        return True
    return len(name) >= MIN_UNBACKED_OWNER and name not in common_words()


def owner_has_name_form(name: str) -> bool:
    """An owner starts with a name character and ends with one: not （右）与 (a caption's
    note and a joiner), nor a place of origin (东川籍运动员, 外籍专家: 籍)."""
    return bool(name) and not re.match(r"[（(）)]", name) and name[-1] not in "与和及、籍"


def holder_after(text: str, group: list[Span], orgs: OrgIndex, people_starting: dict[int, Span]) -> tuple[Span, Span | None] | None:
    """``(在)某局担任处长的某某``: the person after 的 holds the titles, at the
    organisation written before the verb (or none)."""
    end = group[-1].end_char
    if not text.startswith("的", end) or end + 1 not in people_starting:
        return None
    verb = HOLDING_VERB.search(text, max(0, group[0].start_char - 2), group[0].start_char)
    if verb is None:
        return None
    return people_starting[end + 1], orgs.ending_near(text, verb.start())


APPOSITION_OPEN = set("，,（(")
APPOSITION_CLOSE = set("。，,；;）)\n")


def appositive_person(text: str, group: list[Span], orgs: OrgIndex, people_ending: dict[int, list[Span]],
                      walls: set[int]) -> Span | None:
    """The person a title group stands in apposition to, written after the name:
    张三，某某集团副总经理。 / 张三（某某大学教授）: a name, a comma or an opening
    bracket, the title's owner and the titles, then a clause end."""
    end = group[-1].end_char
    if end < len(text) and text[end] not in APPOSITION_CLOSE:
        return None
    first = group[0].start_char
    near = orgs.ending_near(text, first)
    owner = near.start_char if near is not None else owner_start(text, first, walls)
    if owner == 0 or text[owner - 1] not in APPOSITION_OPEN:
        return None
    people = people_ending.get(owner - 1, [])
    return people[0] if people else None


def owner_start(text: str, end: int, walls) -> int:
    """Where the owner of a title written right before ``end`` starts: the walk left over
    name characters, without the follower words and openers before the name."""
    return trim_left(text, walk_left(text, end, walls), end)


def organisation_for(doc: Doc, text: str, title: Span, orgs: OrgIndex, new_orgs: list[Span],
                     walls: set[int] = frozenset(), entities: RangeIndex | None = None) -> tuple[Span | None, bool]:
    """The organisation holding ``title`` and whether it was named (not inherited)."""
    prefix = COMMITTEE_PREFIX.match(title.text)
    if prefix:
        # the place written before it is the committee's (东川|市委书记: 东川市委)
        start = owner_start(text, title.start_char, walls)
        span = char_span(doc, start, title.start_char + prefix.end(), "ORG")
        if span is not None:
            new_orgs.append(span)
            orgs.add(span)
        return span, False
    near = orgs.ending_near(text, title.start_char)
    if near is not None:
        return near, True
    start = owner_start(text, title.start_char, walls)
    ordinal = ORDINAL_TERM.match(text, start)
    if ordinal and ordinal.end() < title.start_char - 1:
        start = ordinal.end()  # 第九届|某联合会主席: the term is not the body's name
    name = text[start:title.start_char]
    if is_bare_head(name):
        return orgs.last_named_before(name, title.start_char), False
    entities = entities if entities is not None else named_entities(doc)
    if not is_generic_owner(name) and owner_has_name_form(name) and owner_is_named(entities, name, start, title.start_char):
        span = char_span(doc, start, title.start_char, "ORG")
        if span is not None:
            new_orgs.append(span)
            orgs.add(span)
            return span, True
    return None, False


def role_span(doc: Doc, person: Span, title: str, org: Span | None, start: int, end: int) -> Span | None:
    """The evidence span [start, end) carrying person, title and organisation."""
    evidence = char_span(doc, start, end, "ROLE")
    if evidence is not None:
        # Character offsets, not Span objects: a later token split would make those stale.
        evidence._.person = (person.start_char, person.end_char)
        evidence._.title = title
        evidence._.organisation = (org.start_char, org.end_char) if org is not None else None
    return evidence


def link_roles(doc: Doc, text: str) -> tuple[list[Span], list[Span]]:
    """Role evidence spans, and organisations the roles named that no rule had found
    (``text``: the doc's text, which spaCy rebuilds from the tokens on every read)."""
    orgs = OrgIndex(list(doc.spans.get("organisations", [])))
    people = list(doc.spans.get("people", []))
    new_orgs: list[Span] = []
    roles: list[Span | None] = []
    people_starting = {p.start_char: p for p in people}
    people_ending: dict[int, list[Span]] = {}
    for person in people:
        people_ending.setdefault(person.end_char, []).append(person)
    notice_titles = set()
    # again, now that the people are known: a clause without a name takes the person
    # named last before it in the paragraph (…现任某大学教授。兼任某学会理事)
    # a title inside an organisation's name names no one (作家 of 某市作家协会)
    org_ranges = RangeIndex((o.start_char, o.end_char, o) for o in doc.spans.get("organisations", []))
    titles = [t for t in doc.spans.get("titles", []) if not org_ranges.holding(t.start_char, t.end_char)]
    spans = [(p.start_char, p.end_char) for p in people]
    notices = find_notices(text, [(t.start_char, t.end_char) for t in titles], spans, spans)
    for notice in notices:
        roles.extend(notice_roles(doc, text, notice, orgs, people_starting, new_orgs))
        notice_titles.update(notice.titles)
    titles = [t for t in titles if (t.start_char, t.end_char) not in notice_titles]
    post_name = set(read_lines("post_name_titles.txt"))
    # the owner of a title never reaches over a name or another title
    walls = {i for s in people + list(doc.spans.get("titles", [])) for i in range(s.start_char, s.end_char)}
    entities = named_entities(doc)
    listed: tuple[int, Span | None] = (-1, None)  # (end of the last name, its organisation)
    for group in chain_titles(text, titles, orgs, people):
        named = people_after(text, group[-1].end_char, people_starting)
        if not named:
            held = holder_after(text, group, orgs, people_starting)
            if held is not None:
                # 在某局担任处长的某某: the title is held at the organisation before the verb
                person, org = held
                roles.extend(role_span(doc, person, t.text, org, (org or t).start_char, person.end_char) for t in group)
                continue
            appositive = appositive_person(text, group, orgs, people_ending, walls)
            if appositive is None:
                # NAME + TITLE (习近平总书记): the text names no organisation.
                if group[0].text in post_name:
                    for person in people_ending.get(group[0].start_char, []):
                        # 某某律师事务所王某律师: the organisation written right before the name
                        org = next((o for o in orgs.by_end.get(person.start_char, [])), None)
                        roles.extend(role_span(doc, person, t.text, org, (org or person).start_char, t.end_char)
                                     for t in group)
                continue
            named = [appositive]
        # 某公司董事长甲、副总经理乙: a title listed right after the name before shares its
        # organisation
        inherited = listed[1] if text[listed[0]:group[0].start_char] == "、" else None
        for title in group:
            org, real = organisation_for(doc, text, title, orgs, new_orgs, walls, entities)
            if org is None and title.text not in read_lines("title_self_owned.txt"):
                org, real = inherited, False
            elif real:
                # 创始人兼总裁: the second title's organisation is the first one's
                real = inherited is None or (org.start_char, org.end_char) != (inherited.start_char, inherited.end_char)
                inherited = org
            # The evidence starts at the organisation only when it is named right there
            # (spaCy keeps span values by offsets: each title needs evidence of its own).
            start = org.start_char if org is not None and real else title.start_char
            roles.extend(role_span(doc, person, title.text, org, min(start, person.start_char),
                                   max(person.end_char, title.end_char)) for person in named)
        listed = (max(p.end_char for p in named), inherited)
    return one_per_pair(text, [r for r in roles if r is not None]), new_orgs


def notice_roles(doc: Doc, text: str, notice, orgs: OrgIndex, people_starting: dict[int, Span],
                 new_orgs: list[Span]) -> list[Span | None]:
    """The roles of one appointment notice clause: each title goes to every person of
    the clause, at the organisation written right before it (党委书记、董事长 share
    the one before the first). An organisation is looked for only inside the clause's
    title part, so it never takes in the verb or the names."""
    people = [people_starting[s] for s, _ in notice.people if s in people_starting]
    roles: list[Span | None] = []
    inherited: Span | None = None
    for start, end in notice.titles:
        org = orgs.ending_near(text, start)
        if org is not None and org.start_char < notice.rest[0]:
            org = None
        if org is None:
            org_start = owner_start(text, start, [(notice.rest[0] - 1, notice.rest[0])])
            name = text[org_start:start]
            if org_start < start and not is_bare_head(name) and not is_generic_owner(name):
                org = char_span(doc, org_start, start, "ORG")
                if org is not None:
                    orgs.add(org)
                    new_orgs.append(org)
        inherited = org or inherited
        for person in people:
            first, last = min(person.start_char, start), max(person.end_char, end)
            roles.append(role_span(doc, person, text[start:end], inherited, first, last))
    return roles


def one_per_pair(text: str, roles: list[Span]) -> list[Span]:
    """One role per (person, title, organisation) in a document, as the guidelines count
    them (a notice that moves someone from one company's board to another's states two
    roles): the first statement of each; a statement without an organisation only when
    no statement of the pair names one."""
    chosen: dict[tuple[str, str, str | None], Span] = {}
    for role in roles:
        org = role._.organisation
        key = (text[slice(*role._.person)], role._.title, text[slice(*org)] if org else None)
        chosen.setdefault(key, role)
    with_org = {key[:2] for key in chosen if key[2] is not None}
    kept = [role for key, role in chosen.items() if key[2] is not None or key[:2] not in with_org]
    return sorted(kept, key=lambda r: (r.start_char, r.end_char))


def resolve_aliases(doc: Doc, text: str, orgs: list[Span]) -> list[Span]:
    """Mark 以下简称 short forms and their later occurrences with the full name."""
    extra = []
    index = RangeIndex((o.start_char, o.end_char, o) for o in orgs)
    occurrences: dict[str, list[tuple[int, int]]] = {}
    for org in orgs:
        m = ALIAS.match(text[org.end_char:org.end_char + 30])
        if not m:
            continue
        alias = m.group("alias")
        canonical = org._.canonical or org.text
        if alias not in occurrences:
            occurrences[alias] = [(o.start(), o.end()) for o in re.finditer(re.escape(alias), text)]
        for span in char_spans(doc, occurrences[alias], "ORG"):
            if span is not None and not inside_other_name(span, alias, index):
                span._.canonical = canonical
                extra.append(span)
    return extra


def inside_other_name(span: Span, alias: str, orgs: RangeIndex) -> bool:
    """Whether ``span`` lies inside an organisation name other than ``alias`` itself."""
    return any(o.text != alias for _, _, o in orgs.holding(span.start_char, span.end_char))


MIN_SHORT_FORM = 3
MIN_ONE_CHARACTER_HEAD = 4
MIN_COMPANY_SHORT_FORM = 2  # 华信 for 华信控股有限公司: a company's short name may be its two-character trade name
NATIONAL_LEVEL = ("中央", "国家")  # a body of the national level, named as such
MIN_PLACE_NAME = 2  # 上饶 in 上饶市人民政府


def is_short_form(short: str, full: str) -> bool:
    """``short`` names the same organisation as ``full`` within one page: a tail of it
    from the level of government (市科技局, 科技局 for 上饶市科技局; 市政府 for
    上饶市人民政府), the same first characters and the same head with the middle left
    out (中德华建集团 for 中德华建工程技术集团有限公司; 省工信厅… for 湖南省工业和信息化厅…),
    or the name without its legal form (智新科技 for 智新科技股份有限公司). Any other
    leading part (东风公司 of 东风公司技术中心) is the parent, not a short form."""
    if full.startswith(short) and MIN_COMPANY_SHORT_FORM <= len(short) < len(full):
        return is_company_remainder(full[len(short):])
    if len(short) < MIN_SHORT_FORM or len(short) >= len(full):
        return False
    if short.startswith(NATIONAL_LEVEL) and not full.startswith(NATIONAL_LEVEL):
        return False  # 中央某某部 is the national body, not a short form of 某某会中央某某部
    return any(tail == short or (not tail.startswith(short) and (tail.endswith(short) or is_abbreviation(short, tail)))
               for tail in tails(full))


def is_company_remainder(rest: str) -> bool:
    """What a company's registered name adds to its short name: a legal form (有限公司),
    maybe after a word of ``data/org_company_words.txt`` (控股, 集团, 科技 ...)."""
    legal_forms = read_lines("org_legal_forms.txt")
    if rest in legal_forms:
        return True
    return any(rest.startswith(word) and rest[len(word):] in legal_forms for word in read_lines("org_company_words.txt"))


@lru_cache(maxsize=65536)
def tails(full: str) -> tuple[str, ...]:
    """``full``, and what is left of it after the place before a level of government
    (市人民政府 of 上饶市人民政府), also with the words short forms drop (市政府)."""
    found = [full]
    province = max((p for p in read_lines("org_place_prefixes.txt") if full.startswith(p)), key=len, default="")
    if province and len(full) - len(province) > MIN_SHORT_FORM and full[len(province)] not in LOCAL_PLACES:
        found.append(full[len(province):])  # 某省某某农业股份有限公司 without its province
    for i, c in enumerate(full[:-1]):
        if c in LOCAL_PLACES and i >= MIN_PLACE_NAME:
            tail = full[i:]
            found.append(tail)
            for word in read_lines("org_dropped_words.txt"):
                if word in tail:
                    found.append(tail.replace(word, ""))
    return tuple(found)


def is_abbreviation(short: str, full: str) -> bool:
    """The same first characters, the same two-character head ending ``full`` (or
    followed only by a legal form), and the rest of ``short`` in order inside ``full``:
    中德华建集团 for 中德华建工程技术集团有限公司, 省工信厅装备工业处 for
    省工业和信息化厅装备工业处, but not for 省工业和信息化厅装备工业处党支部. A short
    form of four characters or more may keep only the last character of the head
    (省经合局 for 省经济合作局)."""
    if len(short) >= MIN_ONE_CHARACTER_HEAD and short[-1] == full[-1] and full.rfind(short[-2:]) < 0:
        # the head is the last character (局 of 合作局): 省经合局 for 省经济合作局
        stem, head = short[:-1], short[-1]
    else:
        stem, head = short[:-2], short[-2:]
    at = full.rfind(head)
    rest = full[at + len(head):]
    return (
        # the same first character, the second among the next two of ``full``: 南远集团 for 南方远洋运输集团
        short[0] == full[0] and short[1] in full[1:3]
        and at >= 2
        and (rest == "" or rest in read_lines("org_legal_forms.txt"))
        and is_subsequence(stem, full[:at])
        and not skips_a_place(stem, full[:at])
    )


def skips_a_place(part: str, whole: str) -> bool:
    """Whether matching ``part`` in order inside ``whole`` leaves out a level of
    government (某市税务局 is not 某市某区税务局: the district is left out)."""
    chars = iter(enumerate(whole))
    used = set()
    for c in part:
        for i, w in chars:
            if w == c:
                used.add(i)
                break
    return any(w in LOCAL_PLACES and i not in used for i, w in enumerate(whole))


def is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(c in chars for c in part)


def resolve_equivalents(orgs: list[Span]) -> None:
    """Well-known short forms (党中央 for 中共中央, ``data/org_equivalents.tsv``) name
    the full form's body."""
    full = {row[0]: row[1] for row in read_tsv("org_equivalents.tsv")}
    for org in orgs:
        if org._.canonical is None and org.text in full:
            org._.canonical = full[org.text]


def place_stripped(doc: Doc, orgs: list[Span]) -> dict[str, str]:
    """Organisation names that start with a place entity of the model (a province, a
    city), and what follows the place."""
    starts = {e.start_char: e.end_char for e in doc.ents if e.label_ in {"LOC", "GPE"}}
    out = {}
    for org in orgs:
        end = starts.get(org.start_char)
        if end is not None and org.start_char < end < org.end_char - MIN_SHORT_FORM:
            out[org.text] = org.text[end - org.start_char:]
    return out


def resolve_short_forms(orgs: list[Span], places: dict[str, str] | None = None) -> None:
    """Point each short form at the longest full name it abbreviates (``_.canonical``).
    A short form and its full name end alike (the head, maybe before a legal form), so
    only names with the short form's last two characters are tried: a page with
    thousands of organisations is not compared pair by pair. ``places``: full names
    that start with a place the model recognised, and the name after that place (a
    short form drops the province: 某某公司 for 某省某某农业股份有限公司)."""
    names = sorted({o._.canonical or o.text for o in orgs}, key=lambda n: (-len(n), n))
    by_ending: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        for form in dict.fromkeys([name, (places or {}).get(name, name)]):
            for ending in endings(form):
                by_ending.setdefault(ending, []).append((form, name))
    for org in orgs:
        name = org._.canonical or org.text
        full = next((n for form, n in by_ending.get(name[-2:], ()) if n != name and is_short_form(name, form)), None)
        if full is None and name[-1:] in contracted_heads():  # few names end so: no pass per name
            full = next((n for n in names if is_contraction(name, n)), None)
        if full is not None:
            org._.canonical = full


def is_contraction(short: str, full: str) -> bool:
    """``short`` contracts ``full``'s head to one character and keeps some of the
    characters before it in order (东川学联 for 东川市学生联合会; ``data/org_contractions.tsv``)."""
    if len(short) < MIN_SHORT_FORM or len(short) >= len(full) or not full.endswith(contracted_heads().get(short[-1], ())):
        return False
    head = next(h for h in contracted_heads()[short[-1]] if full.endswith(h))
    return short[0] in full[:-len(head)] and is_subsequence(short[:-1], full[:-len(head)])


@lru_cache(maxsize=1)
def contracted_heads() -> dict[str, tuple[str, ...]]:
    heads: dict[str, tuple[str, ...]] = {}
    for short, full in read_tsv("org_contractions.tsv"):
        heads[short] = heads.get(short, ()) + (full,)
    return heads


def endings(name: str) -> set[str]:
    """The last two characters of ``name``, with and without each legal form it ends in
    (and the company word before it: 华信 of 华信控股有限公司)."""
    stems = [name] + [name[: -len(form)] for form in read_lines("org_legal_forms.txt") if name.endswith(form)]
    stems += [stem[: -len(word)] for stem in stems[1:] for word in read_lines("org_company_words.txt") if stem.endswith(word)]
    return {stem[-2:] for stem in stems if stem}


def not_organisations(doc: Doc, text: str) -> list[Span]:
    """The people of ``doc`` less names that the page uses for an organisation: the name
    of one (国务院), the start of one (某某 of 某某股份有限公司), or a name inside
    an organisation entity of the model."""
    orgs = list(doc.spans.get("organisations", []))
    org_names = {o.text for o in orgs}
    entities = RangeIndex((e.start_char, e.end_char, e) for e in doc.ents if e.label_ in {"ORG", "ORGANIZATION"})
    starts = {}
    for o in orgs:
        starts.setdefault(o.text[:2], []).append(o.text)
    out = []
    for person in doc.spans.get("people", []):
        name = person.text
        if name in org_names or any(full.startswith(name) and full != name for full in starts.get(name[:2], ())):
            continue
        if any(s < person.start_char or person.end_char < e for s, e, _ in entities.holding(person.start_char, person.end_char)):
            continue
        out.append(person)
    return out


@Language.component("extract_roles", requires=["doc.spans"], assigns=["doc.spans"])
def roles_component(doc: Doc) -> Doc:
    """Roles in ``doc.spans["roles"]`` (``_.person``, ``_.title``, ``_.organisation``)."""
    text = doc.text
    doc.spans["people"] = not_organisations(doc, text)
    roles, new_orgs = link_roles(doc, text)
    orgs = list(doc.spans.get("organisations", [])) + new_orgs
    aliases = resolve_aliases(doc, text, orgs)
    known = {(o.start_char, o.end_char) for o in orgs}
    by_position = {(o.start_char, o.end_char): o for o in aliases}
    merged = [by_position.get((o.start_char, o.end_char), o) for o in orgs]
    merged += [a for a in aliases if (a.start_char, a.end_char) not in known]
    resolve_equivalents(merged)
    resolve_short_forms(merged, place_stripped(doc, merged))
    doc.spans["organisations"] = sorted(merged, key=lambda s: (s.start_char, s.end_char))
    doc.spans["roles"] = roles
    return doc
