"""A news page's metadata from its lines: headline, publication date, outlet, byline, address.

Plain-text crawls, markdown crawls and rendered HTML pages are all read as lines. The
page is split around its article body: the *header* (from the headline to the first
paragraph) holds the date, 来源 and byline lines a page prints above the article, the
*trailer* (a few lines after the last paragraph) the 本文来源, 责任编辑 and 发布日期 lines
some pages print below it. Dates elsewhere (a comment's timestamp, a related article's
date) are never taken. Patterns live in ``data/page_meta.json``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from .data import read_json, read_lines

HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_SITE_NAME_CHARS = 8
DOMAIN_NOTE = re.compile(r"\s*[(（][A-Za-z0-9.\-]+[)）]$")
FIELD_BAR = re.compile(r"[|｜丨]\s*$")  # "来源：X | 作者：Y | 2023-05-12": a field of its own
TIME_ONLY = re.compile(r"^(?P<H>[01]?\d|2[0-3])[:：](?P<M>[0-5]\d)(?:[:：](?P<S>[0-5]\d))?$")
CHINA_TIME = timezone(timedelta(hours=8))
SHORT_DATE_LINE = 40  # a header line this short is read for its date wherever it stands
MAX_BYLINE_CHARS = 80  # a longer line is prose that happens to name a reporter
TRAILING_CREDIT = re.compile(r"[（(]([^（）()]{2,40})[）)]\s*$")
LEADING_CREDIT = re.compile(r"^[^（(。，]{0,30}?(?:讯|电)\s*[（(]([^（）()]{2,40})[）)]")
CLOSING_PUNCTUATION = "。！？!?”」"  # a bracket after these closes the text: a credit, not an aside
NAME_SPLIT = re.compile(r"[\s、，,;；/|｜丨︱]+")  # 丨 (a CJK stroke) and ︱ are self-media's bars
LATIN_SPACE = re.compile(r"(?<=[A-Za-z]) (?=[A-Za-z])")  # inside a Latin-script name: kept
KEPT_SPACE = "\ue000"


@dataclass(frozen=True)
class Author:
    name: str
    role: str


@lru_cache(maxsize=1)
def rules() -> dict:
    data = read_json("page_meta.json")
    compiled: dict = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if isinstance(value, str):
            compiled[key] = re.compile(value)
        elif isinstance(value, list) and not key.endswith("_words"):
            compiled[key] = [re.compile(v) for v in value]
        else:
            compiled[key] = value
    roles = sorted(data["roles"], key=len, reverse=True)
    # A one-character role (文, 图, 摄) is a credit only before a colon or a slash.
    compiled["role"] = re.compile(
        "|".join(re.escape(r) if len(r) > 1 else rf"(?<![\u4e00-\u9fff]){re.escape(r)}(?=\s*[:：|｜丨︱/／])" for r in roles)
    )
    return compiled


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    return tuple(read_lines("surnames.txt"))


# --- dates -----------------------------------------------------------------------------

def iso_from_match(m: re.Match) -> str | None:
    """ISO date, or date-time with seconds when the match has a time; None if impossible."""
    try:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if m.groupdict().get("H") is not None:
            moment = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0))
            return moment.strftime("%Y-%m-%dT%H:%M:%S")
        return datetime(y, mo, d).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return None


def print_edition(line: str) -> tuple[str, str] | None:
    """(date, newspaper) of a print-edition line 《X报》（2025年03月04日第 18 版）."""
    m = rules()["print_edition"].search(line)
    if m and (iso := iso_from_match(m)):
        return iso, m["outlet"].strip()
    return None


def published_in_line(line: str, labelled_only: bool = False) -> str | None:
    """The publication date (or date-time) a line states, or None.

    A date counts when a publication label (发布时间, 日期, ...) stands before it, or,
    unless ``labelled_only``, when it opens the line (a header line "2023-05-12 10:31
    来源: ..."), follows a bar between fields, or the line is short (an account name and
    its date). A date after an
    update or comment label (最后更新, 评论) never counts.
    """
    line = line.strip()
    if edition := print_edition(line):
        return edition[0]
    r = rules()
    for m in r["date"].finditer(line):
        before = line[: m.start()]
        if r["not_published_label"].search(before):
            continue
        labelled = bool(r["published_label"].search(before))
        # "2023-05-12 10:31 来源：…" opens its line; "某某发布 2023-05-12" is a short line
        placed = not before.strip(" 　[【（(") or len(line) <= SHORT_DATE_LINE or FIELD_BAR.search(before)
        if labelled or (placed and not labelled_only):
            if iso := iso_from_match(m):
                return iso
    return None


def first_published(lines: list[str], labelled_only: bool = False) -> str | None:
    """The first publication date in ``lines``; a day whose time a layout put on the
    next line on its own (2023-05-12 / 10:31) gets that time."""
    for i, line in enumerate(lines):
        found = published_in_line(line, labelled_only)
        if not found:
            continue
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if "T" not in found and (time := TIME_ONLY.match(after)):
            moment = datetime.strptime(found, "%Y-%m-%d").replace(
                hour=int(time["H"]), minute=int(time["M"]), second=int(time["S"] or 0))
            return moment.strftime("%Y-%m-%dT%H:%M:%S")
        return found
    return None


def meta_published(metas: dict[str, str], ld: list[dict]) -> str | None:
    """The publication date-time from meta tags or JSON-LD (local time, zone dropped)."""
    keys = [
        "article:published_time", "og:article:published_time", "og:release_date", "datepublished",
        "pubdate", "publishdate", "publish_date", "publication_date", "publishtime", "publishedtime",
        "sailthru.date", "dc.date.issued", "dc.date", "date",
    ]
    values = [metas[k] for k in keys if k in metas]
    values += [str(obj["datePublished"]) for obj in ld if obj.get("datePublished")]
    for value in values:
        m = rules()["date"].search(value.replace("T", " "))
        if m and (iso := iso_from_match(m)):
            return iso
    return None


def script_published(scripts: list[str]) -> str | None:
    """The date an inline script sets (var publish_time = "…", ct = "<Unix time>")."""
    for script in scripts:
        for m in rules()["script_date"].finditer(script):
            value = m["value"]
            if value.isdigit():  # Unix time, shown to readers in China time
                moment = datetime.fromtimestamp(int(value), tz=CHINA_TIME)
                return moment.strftime("%Y-%m-%dT%H:%M:%S")
            date = rules()["date"].search(value.replace("T", " "))
            if date and (iso := iso_from_match(date)):
                return iso
    return None


def script_publisher(scripts: list[str]) -> str | None:
    for script in scripts:
        m = rules()["script_publisher"].search(script)
        if m and (name := valid_outlet(m["value"])):
            return name
    return None


# --- outlet ----------------------------------------------------------------------------

def valid_outlet(name: str | None) -> str | None:
    if not name:
        return None
    name = rules()["outlet_trailing_date"].sub("", name).strip(" 　:：。.")
    if len(name) < 2 or any(p.search(name) for p in rules()["source_not_outlet"]):
        return None
    return name


def source_in_lines(lines: list[str]) -> str | None:
    """The outlet a 来源/转载自 line names (not a picture's 图片来源 credit)."""
    for line in lines:
        for m in rules()["source_label"].finditer(line):
            if line[max(0, m.start() - 2): m.start() + 3].startswith(("图片", "图源")) or "图片来源" in line[: m.end()]:
                continue
            if name := valid_outlet(m["outlet"]):
                return name
    return None


def edition_outlet(lines: list[str]) -> str | None:
    return next((e[1] for line in lines if (e := print_edition(line))), None)


def compiled_by(lines: list[str]) -> str | None:
    """The outlet of a "X综合Y" line (the outlet compiled the story from Y's reports)."""
    for line in lines:
        m = rules()["compiled_by"].match(line.strip())
        if m and not m["outlet"].startswith(("本", "据")):
            return valid_outlet(m["outlet"])
    return None


def reporter_outlet(text: str) -> str | None:
    """The outlet whose reporter the story speaks to: 对某某新闻记者表示 gives 某某新闻."""
    for m in rules()["reporter_of"].finditer(text):
        name = m["outlet"]
        if not name.startswith(tuple(rules()["not_outlet_words"])) and not re.search("[的了在是和与及等]", name):
            return valid_outlet(name)
    return None


def without_field(line: str) -> str:
    """A header line without a labelled field glued after the name (某某报作者：…) or the
    poster's region (来自某某省), unless
    only the date would be left (a date and its 来源 line name no bare publisher)."""
    cut = rules()["place_tail"].sub("", rules()["field_label"].sub("", line)).strip()
    return line if not cut or rules()["date"].fullmatch(cut) else cut


def dated_publisher(lines: list[str], headline: str | None = None) -> str | None:
    """The publisher a header line names beside the date, without a label
    (2023-05-12 10:31 某某财经, or an account: 某某发布 2024-03-08), or on the line
    just above or below a line that holds only the date (self-media headers)."""
    r = rules()
    # "2021-10-08 19:42 发布于某省 ...", "2021-10-08 20:05 某某报作者：某某报": the date and the bare name
    lines = [without_field(r["platform_tail"].sub("", line)) for line in lines]
    date_only = [i for i, line in enumerate(lines) if r["date"].fullmatch(line.strip())]
    pairs = [f"{lines[i - 1].strip()} {lines[i].strip()}" for i in date_only if i > 0]
    pairs += [f"{lines[i].strip()} {lines[i + 1].strip()}" for i in date_only if i + 1 < len(lines)]
    for line in [*lines, *pairs]:
        m = rules()["dated_name"].match(line.strip())
        if not m:
            continue
        name = m["after"] or m["before"]
        if headline and re.sub(r"\s+", "", name) == re.sub(r"\s+", "", headline):
            continue  # a short headline right above its date line names no publisher
        if name not in rules()["not_publisher_words"] and not any(w in name for w in rules()["not_publisher_parts_words"]):
            return valid_outlet(name)
    return None


def copyright_holder(lines: list[str]) -> str | None:
    """The site's own name from its copyright line: the outlet of last resort."""
    for line in lines:
        m = rules()["copyright_holder"].search(line)
        if m:
            name = re.sub(r"(版权所有|所有)$", "", m["outlet"])
            if name := valid_outlet(name):
                return name
    return None


# --- byline ----------------------------------------------------------------------------

def role_name(credit: str) -> str:
    return rules()["roles"][credit]


def split_names(segment: str) -> list[tuple[str, bool]] | None:
    """(name, photographer?) for each name in a credit's segment; None if a token is no name.

    People's Daily pads two-character names to three with spaces ("王  者"): two
    single characters in a row are one name. A trailing 摄 marks a photographer.
    """
    segment = LATIN_SPACE.sub(KEPT_SPACE, segment.strip(" :：|｜丨︱()（）[]【】"))
    tokens = [t.replace(KEPT_SPACE, " ") for t in NAME_SPLIT.split(segment) if t]
    tokens = [re.sub(r"[_＿][A-Za-z0-9]+$", "", t) for t in tokens]  # portal editor ids: 张三_NN123
    tokens = [t for t in tokens if not rules()["desk_code"].match(t)]  # 张三 AB012: a desk code
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        if len(tokens[i]) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
            joined.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            joined.append(tokens[i])
            i += 1
    names: list[tuple[str, bool]] = []
    for k, token in enumerate(joined):
        if token in rules()["credit_stop_words"]:  # "记者 张三 报道", "编辑 张三 审核 李四"
            break
        token, described = after_description(token)
        if described and not token:
            if k + 1 < len(joined):  # "某某研究所研究员 张三": the name comes next
                continue
            return None
        photo = len(token) >= 3 and token.endswith("摄")
        name = token[:-1] if photo else token
        if not rules()["name"].match(name):
            return None
        names.append((name, photo))
    return names


def after_description(token: str) -> tuple[str, bool]:
    """(the name, whether a description came first) of a byline token that describes the
    author before naming them: 某某大学教授张三 gives (张三, True), 某某报评论员 gives ("", True)."""
    titles = sorted(rules()["description_titles_words"], key=len, reverse=True)
    for title in titles:
        at = token.rfind(title)
        if at > 0 or (at == 0 and len(token) > len(title)):
            rest = token[at + len(title):]
            if not rest:
                return "", True
            if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", rest):
                return rest, True
    return token, False


def byline_in_line(line: str, next_line: str = "") -> tuple[list[Author], str | None]:
    """The credits of one byline line and the outlet its reporter's credit names
    ("新华社记者 张三" gives 新华社); ([], None) when the line is no byline."""
    line = markdown_text(line)
    edition = rules()["print_edition"].search(line)
    if edition:  # "本报记者 张三《某某日报》（...第 4 版）": the credit before the edition
        line = line[: edition.start()] + " " + line[edition.end():]
    bracketed = re.match(r"^\s*[（(]([^（）()]+)[）)]", line)
    if bracketed:  # "（来源：某某报 作者：张三）点击进入专题": the credit ends at its bracket
        line = bracketed.group(1)
    line = line.strip().strip("()（）[]【】").strip()
    if len(line) > MAX_BYLINE_CHARS:
        return [], None
    r = rules()
    matches = list(r["role"].finditer(line))
    if not matches:
        return [], None
    prefix = line[: matches[0].start()]
    outlet = None
    if prefix.strip():
        bare = re.sub(r["byline_prefix"].pattern + "+$", "", prefix.strip())
        if re.fullmatch(r"[\u4e00-\u9fffA-Za-z·]{2,16}", bare) and not prefix[-1].isspace():
            outlet = bare if not bare.startswith(tuple(r["not_outlet_words"])) else None
        elif not (prefix[-1].isspace() or re.fullmatch(r["byline_prefix"].pattern + "+", prefix.strip())):
            return [], None
    authors: list[Author] = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        segment = line[m.end(): end]
        if segment[:1] and HAN.match(segment[:1]) and segment[0] != "丨" and not segment.startswith(surnames()):
            # a role glued to a word that opens with no surname is a word: 编辑部, 记者节
            if k == 0:
                return [], None
            continue
        # A credit is followed by names up to the next credit or a labelled field (来源：...).
        segment = re.split(r"\s(?=\S{1,6}[:：|｜丨])", segment)[0]
        if not segment.strip(" :：|｜丨") and k + 1 == len(matches) and next_line:
            segment = next_line
        names = split_names(segment)
        if names is None:
            if k == 0:
                return [], None
            continue
        role = role_name(m.group())
        authors.extend(Author(n, "摄影" if photo else role) for n, photo in names)
    if outlet and not any(a.role in ("记者", "编辑", "通讯员") for a in authors):
        outlet = None
    return authors, outlet


def bare_credit(line: str) -> list[Author]:
    """The names a bracket credits without a role: a dateline's reporters (某地电（张三、李四）)
    or the author closing the article after its last sentence (…需要。（张三））."""
    lead = LEADING_CREDIT.match(line)
    trail = TRAILING_CREDIT.search(line)
    if lead:
        segment, role = lead.group(1), "记者"
    elif trail and (trail.start() == 0 or line[trail.start() - 1] in CLOSING_PUNCTUATION):
        segment, role = trail.group(1), "作者"
    else:
        return []
    if segment.strip() in rules()["closing_not_names_words"]:
        return []
    names = split_names(segment)
    return [Author(n, "摄影" if photo else role) for n, photo in names] if names else []


def source_writer(line: str) -> list[Author]:
    """The writer a 来源 field names after the outlet (来源：某某网 张三)."""
    m = rules()["source_then_name"].search(line)
    if not m or m["name"] in rules()["credit_stop_words"] or m["name"] in rules()["not_publisher_parts_words"]:
        return []  # "来源：某某网 举报": a button, no name
    return [Author(m["name"], "作者")]


def bylines(lines: list[str]) -> tuple[list[Author], str | None]:
    """All credits in ``lines`` (in order, each name and role once) and the first outlet named."""
    authors: list[Author] = []
    outlet = None
    for i, line in enumerate(lines):
        found, named = byline_in_line(line, lines[i + 1] if i + 1 < len(lines) else "")
        closing = TRAILING_CREDIT.search(line) or LEADING_CREDIT.match(line)
        if not found and closing:  # "…需要。(文/图 张三 李四)", "本报讯（记者 张三）…"
            found, named = byline_in_line(closing.group(1))
        if not found:
            found = bare_credit(line) or source_writer(line)
        authors.extend(a for a in found if a not in authors)
        outlet = outlet or named
    return authors, outlet


# --- headline --------------------------------------------------------------------------

def strip_site_suffix(title: str) -> str:
    """Drop trailing site names joined by a separator (标题_某某网, 标题 - 某某新闻)."""
    r = rules()
    title = title.strip()
    while True:
        separators = list(r["title_separators"].finditer(title))
        if not separators:
            return title
        last = separators[-1]
        head, tail = title[: last.start()].strip(), title[last.end():].strip()
        tail = DOMAIN_NOTE.sub("", tail)  # 某某网(example.com)
        if not tail or len(tail) > 16 or not r["site_suffix"].search(tail) or len(head) < 4:
            return title
        title = head


def title_site(title: str) -> str | None:
    """The site name a title tag ends with (标题_某某网_频道 gives 某某网): the first
    segment after the headline that names a site rather than a channel or section."""
    segments = [DOMAIN_NOTE.sub("", seg.strip()) for seg in rules()["title_separators"].split(title.strip())]
    for seg in segments[1:]:
        if HAN.search(seg) and is_site_name(seg) and not rules()["section_suffix"].search(seg):
            return seg
    return None


def is_site_name(text: str) -> bool:
    """A short name that ends like a site's (某某新闻网, 某某客户端)."""
    text = DOMAIN_NOTE.sub("", text.strip())
    return len(text) <= MAX_SITE_NAME_CHARS and bool(rules()["site_suffix"].search(text))


def markdown_text(line: str) -> str:
    """A markdown line without its block markers (#, >, list bullets) and emphasis."""
    line = re.sub(r"^\s*(?:#{1,6}|>|[-*+]\s)\s*", "", line)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", line).strip()


def markdown_heading(lines: list[str]) -> str | None:
    """The first top-level markdown heading ("# 标题")."""
    for line in lines:
        m = re.match(r"^#\s+(.+?)\s*#*$", line.strip())
        if m:
            return m.group(1).strip()
    return None


def url_in_lines(lines: list[str]) -> str | None:
    for line in lines:
        m = rules()["url_line"].search(line.strip())
        if m:
            return (m["url"] or m["link"]).rstrip(").,，。)")
    return None
