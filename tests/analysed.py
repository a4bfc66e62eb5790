"""Helpers for the tests that run the analysis on made-up sentences."""
from __future__ import annotations

from extract.clean import CleanDocument
from extract.ingest import RawDocument
from extract.pipeline import analyse


def run(nlp, text, published="2024-03-01"):
    """The analysis of ``text`` as a plain-text page with that publication date."""
    raw = RawDocument(id="t", source="t.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)
    return analyse(nlp, CleanDocument(raw, "标题", published, None, text))


def roles(result):
    return {(r["person"], r["title"], r["organisation"]) for r in result["roles"]}
