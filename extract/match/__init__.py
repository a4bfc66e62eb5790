"""Stage 5, match: rule components that find people, organisations, titles, metrics
and dates, each storing its spans in ``doc.spans[<kind>]`` with values on ``Span._``.

Importing this package registers the components with spaCy.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from spacy.tokens import Doc, Span

from ..data import read_lines
from ..nlp import split_words

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
    return char_spans(doc, [(start, end)], label)[0]


def char_spans(doc: Doc, offsets, label: str = "") -> list[Span | None]:
    """``char_span`` for each (start, end) of ``offsets``, with every token split that
    needs it done in one pass: splitting costs a pass over the doc, so one split per
    span would be quadratic on a long page."""
    offsets = list(offsets)
    length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0  # len(doc.text), without joining every token
    valid = [(s, e) for s, e in offsets if 0 <= s < e <= length]
    split_words(doc, {p for s, e in valid for p in (s, e)})
    return [doc.char_span(s, e, label=label) for s, e in offsets]


class RangeIndex:
    """Character ranges ``(start, end, item)``, sorted, to find those that may hold a
    given range without a pass over all of them (a pass per match is quadratic on a
    long page)."""

    def __init__(self, ranges):
        self.ranges = sorted(ranges, key=lambda r: (r[0], r[1]))
        self.starts = [r[0] for r in self.ranges]
        self.longest = max((end - start for start, end, _ in self.ranges), default=0)

    def holding(self, start: int, end: int) -> list[tuple]:
        """The ranges that hold [start, end): only those starting at most the longest
        range's length before ``end`` are looked at."""
        low = bisect.bisect_left(self.starts, end - self.longest)
        return [r for r in self.ranges[low:bisect.bisect_right(self.starts, start)] if end <= r[1]]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any range shares a character with [start, end)."""
        return bool(self.overlapping(start, end))

    def overlapping(self, start: int, end: int) -> list[tuple]:
        """The ranges that share a character with [start, end)."""
        low = bisect.bisect_left(self.starts, start - self.longest + 1)
        return [r for r in self.ranges[low:bisect.bisect_left(self.starts, end)] if r[0] < end and start < r[1]]


from . import dates, metrics, organisations, people, titles  # noqa: E402,F401  (registers components)
