"""Stage 5, match: rule components that find people, organisations, titles, metrics
and dates, each storing its spans in ``doc.spans[<kind>]`` with values on ``Span._``.

Importing this package registers the components with spaCy.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span

from ..data import read_lines

# Document metadata the rules may use (set by the pipeline before the components run).
Doc.set_extension("doc_id", default=None, force=True)
Doc.set_extension("published", default=None, force=True)
# Values of metric and date spans.
Span.set_extension("value", default=None, force=True)
Span.set_extension("unit", default=None, force=True)
Span.set_extension("qualifier", default=None, force=True)
# Role evidence spans: (start, end) of the person, the title text, (start, end) of the
# organisation or None.
Span.set_extension("person", default=None, force=True)
Span.set_extension("title", default=None, force=True)
Span.set_extension("organisation", default=None, force=True)
# Organisations: the canonical (fullest) name a short form refers to within the doc.
Span.set_extension("canonical", default=None, force=True)

# One character of a count: 8家, 两张, 十几个.
NUMERAL = r"[\d一二两三四五六七八九十百千万]"


def alternation(words) -> str:
    """A regex alternation of ``words``, longest first (so the longest match wins)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=None)
def word_list_pattern(name: str) -> re.Pattern:
    """A regex matching any word of the data file ``name``, longest first."""
    return re.compile(alternation(read_lines(name)))


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """The span of characters [start, end). Where a boundary falls inside a token
    (the segmenter glued 吴凯说 together), that token is split first, so a span is
    always exactly the characters the rule found."""
    span = doc.char_span(start, end, label=label)
    if span is None and 0 <= start < end <= len(doc.text):
        split_at(doc, [start, end])
        span = doc.char_span(start, end, label=label)
    return span


def split_at(doc: Doc, positions: list[int]) -> None:
    """Split the tokens that ``positions`` fall inside. Span groups are rebuilt from
    their character offsets (span extension values are keyed by offsets and stay)."""
    saved = {key: [(s.start_char, s.end_char, s.label_) for s in group] for key, group in doc.spans.items()}
    with doc.retokenize() as retokenizer:
        for token in list(doc):
            cuts = sorted({p - token.idx for p in positions if token.idx < p < token.idx + len(token.text)})
            if not cuts:
                continue
            pieces = [token.text[a:b] for a, b in zip([0, *cuts], [*cuts, len(token.text)])]
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
    for key, spans in saved.items():
        doc.spans[key] = [x for x in (doc.char_span(a, b, label=lab) for a, b, lab in spans) if x is not None]


def overlaps(span: Span, others) -> bool:
    return any(span.start_char < o.end_char and o.start_char < span.end_char for o in others)


from . import dates, metrics, organisations, people, titles  # noqa: E402,F401  (registers components)
