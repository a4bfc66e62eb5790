"""Job-title rules: optional prefixes (副, 党委, 全媒体 …) and a head (书记, 处长 …),
or a title mined from CLUENER (``training/mine_titles.py``). Word lists are in
``data/title_heads.txt``, ``data/title_prefixes.txt`` and ``data/titles_cluener.txt``.
"""
from __future__ import annotations

import re
from functools import lru_cache, partial

from spacy.language import Language
from spacy.tokens import Doc

from ..data import read_lines
from . import alternation, char_spans, word_list_pattern


@lru_cache(maxsize=1)
def title_pattern() -> re.Pattern:
    heads = set(read_lines("title_heads.txt")) | set(read_lines("titles_cluener.txt"))
    prefixes = read_lines("title_prefixes.txt")
    return re.compile(f"(?:{alternation(prefixes)})*(?:{alternation(heads)})")


exclusion_pattern = partial(word_list_pattern, "title_exclusions.txt")


def find_titles(text: str) -> list[tuple[int, int]]:
    """Title spans, leaving out those inside an excluded word (工作者, 代表)."""
    excluded = [(m.start(), m.end()) for m in exclusion_pattern().finditer(text)]
    return [
        (m.start(), m.end())
        for m in title_pattern().finditer(text)
        if not any(s <= m.start() and m.end() <= e for s, e in excluded) and not inside_latin_word(text, m.start(), m.end())
    ]


LATIN = re.compile(r"[A-Za-z]")


def inside_latin_word(text: str, start: int, end: int) -> bool:
    """Whether a title of Latin letters (CEO) is part of a longer Latin word (CEOS)."""
    return bool(LATIN.match(text[start:end])) and (
        bool(start and LATIN.match(text[start - 1])) or bool(end < len(text) and LATIN.match(text[end])))


@Language.component("extract_titles", assigns=["doc.spans"])
def titles_component(doc: Doc) -> Doc:
    """Job titles in ``doc.spans["titles"]``."""
    spans = char_spans(doc, find_titles(doc.text), "TITLE")
    doc.spans["titles"] = [s for s in spans if s is not None]
    return doc
