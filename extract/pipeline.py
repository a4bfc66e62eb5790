"""The pipeline: source files through every stage to the dataset.

ingest -> clean -> split -> nlp (+ match, link) -> normalise -> write. Each document
becomes a plain, JSON-serialisable result; :func:`extract.write.assemble` turns the
results of all documents into the tables of the dataset.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .clean import CleanDocument, clean
from .ingest import IngestError, RawDocument, iter_sources, read_document
from .nlp import DEFAULT_MODEL, load_pipeline, model_name
from .split import sentence_spans
from .write import assemble, write_dataset

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    results: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    inputs: int = 0


def document_record(cleaned: CleanDocument) -> dict:
    raw = cleaned.raw
    return {
        "id": raw.id,
        "source": raw.source,
        "sha256": raw.sha256,
        "encoding": raw.encoding,
        "format": raw.format,
        "title": cleaned.title,
        "published": cleaned.published,
        "outlet": cleaned.outlet,
        "text": cleaned.text,
        "sentences": [{"start": s, "end": e} for s, e in sentence_spans(cleaned.text)],
    }


def span_position(span) -> dict:
    return {"start": span.start_char, "end": span.end_char}


def doc_result(cleaned: CleanDocument, doc: Doc) -> dict:
    """The per-document result: the document record and its people, organisations,
    roles, metrics and dates (referring to people and organisations by name)."""
    spans = doc.spans
    return {
        "document": document_record(cleaned),
        "people": [{"name": s.text, **span_position(s)} for s in spans.get("people", [])],
        "organisations": [
            {"name": s._.canonical or s.text, "surface": s.text, **span_position(s)}
            for s in spans.get("organisations", [])
        ],
        "roles": [
            {
                "person": s._.person.text,
                "title": s._.title,
                "organisation": (s._.organisation._.canonical or s._.organisation.text) if s._.organisation is not None else None,
                **span_position(s),
            }
            for s in spans.get("roles", [])
        ],
        "metrics": [
            {"text": s.text, "value": s._.value, "unit": s._.unit, "qualifier": s._.qualifier, **span_position(s)}
            for s in spans.get("metrics", [])
        ],
        "dates": [{"text": s.text, "value": s._.value, **span_position(s)} for s in spans.get("dates", [])],
    }


def analyse(nlp: Language, cleaned: CleanDocument) -> dict:
    doc = nlp.make_doc(cleaned.text)
    doc._.doc_id = cleaned.raw.id
    doc._.published = cleaned.published
    return doc_result(cleaned, nlp(doc))


def process_raw(nlp: Language, raw: RawDocument) -> dict:
    return analyse(nlp, clean(raw))


def process_paths(nlp: Language, paths: Iterable[Path], result: RunResult) -> None:
    seen: dict[str, str] = {}
    for path in paths:
        result.inputs += 1
        try:
            raw = read_document(path)
            if raw.id in seen:
                raise IngestError(str(path), f"duplicate document id {raw.id!r} (also {seen[raw.id]})")
            seen[raw.id] = raw.source
            result.results.append(process_raw(nlp, raw))
        except IngestError as exc:
            log.error("%s", exc)
            result.failures.append({"source": exc.source, "reason": exc.reason})
        except Exception as exc:  # a bug on one page must not lose the others
            log.exception("%s: processing failed", path)
            result.failures.append({"source": str(path), "reason": f"processing failed: {type(exc).__name__}: {exc}"})


def run_record(nlp: Language, result: RunResult, tables: dict[str, list[dict]]) -> dict:
    return {
        "pipeline_version": __version__,
        "model": model_name(nlp),
        "inputs": result.inputs,
        "documents": len(result.results),
        "failures": sorted(result.failures, key=lambda f: f["source"]),
        "counts": {name: len(rows) for name, rows in tables.items()},
    }


def run(inputs: list[Path], out_dir: Path, model: Path | str | None = DEFAULT_MODEL) -> RunResult:
    """Process ``inputs`` (files or folders) and write the dataset to ``out_dir``."""
    nlp = load_pipeline(model)
    result = RunResult()
    process_paths(nlp, iter_sources(inputs), result)
    tables = assemble(result.results)
    write_dataset(out_dir, tables, run_record(nlp, result, tables))
    return result
