"""Stage 5, match: rule components that find people, organisations, titles, metrics
and dates, each storing its spans in ``doc.spans[<kind>]`` with values on ``Span._``.

Importing this package registers the components with spaCy.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

# Document metadata the rules may use (set by the pipeline before the components run).
Doc.set_extension("doc_id", default=None, force=True)
Doc.set_extension("published", default=None, force=True)
# Values of metric and date spans.
Span.set_extension("value", default=None, force=True)
Span.set_extension("unit", default=None, force=True)
Span.set_extension("qualifier", default=None, force=True)
# Role evidence spans: the person span, title text and organisation span (or None).
Span.set_extension("person", default=None, force=True)
Span.set_extension("title", default=None, force=True)
Span.set_extension("organisation", default=None, force=True)
# Organisations: the canonical (fullest) name a short form refers to within the doc.
Span.set_extension("canonical", default=None, force=True)


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """The span of characters [start, end), widened to token boundaries if needed."""
    span = doc.char_span(start, end, label=label)
    if span is None:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
    return span


def overlaps(span: Span, others) -> bool:
    return any(span.start_char < o.end_char and o.start_char < span.end_char for o in others)


from . import dates, metrics, organisations, people, titles  # noqa: E402,F401  (registers components)
