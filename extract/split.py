"""Stage 3, split: Chinese sentence boundaries as character offsets.

A sentence ends after 。！？；… (or their ASCII forms !?;) together with any closing
quotes and brackets that follow, and at every line break. Offsets are end-exclusive
and never include surrounding white space.
"""
from __future__ import annotations

import re

import numpy

from spacy.language import Language
from spacy.attrs import SENT_START
from spacy.tokens import Doc

# One or more terminators, then any closers; "……" and "!?" count as one terminator.
SENTENCE_END = re.compile(r"(?:[。！？；!?;]+|…+|\.{3,})[”’」』）)】》\"']*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for m in SENTENCE_END.finditer(line):
            add_trimmed(spans, line, start, m.end(), offset)
            start = m.end()
        add_trimmed(spans, line, start, len(line), offset)
        offset += len(line) + 1
    return spans


def add_trimmed(spans: list[tuple[int, int]], line: str, start: int, end: int, offset: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((offset + start + lead, offset + start + lead + len(stripped)))


@Language.component("extract_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Mark sentence starts on the tokens from :func:`sentence_spans`."""
    starts = {start for start, _ in sentence_spans(doc.text)}
    # SENT_START values: 1 starts a sentence, -1 does not (set as one array: fast).
    values = numpy.array([[1 if t.i == 0 or t.idx in starts else -1] for t in doc], dtype="int64").astype("uint64")
    if len(doc):
        doc.from_array([SENT_START], values)
    return doc
