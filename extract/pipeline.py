"""The pipeline: source files through every stage to the dataset.

ingest -> clean -> split -> nlp (+ match, link) -> normalise -> write. Each document
becomes a plain, JSON-serialisable result, kept in a cache by content hash and
pipeline version so that a rerun skips unchanged documents; a
:class:`extract.write.DatasetBuilder` turns the results into the dataset's tables.
Documents are processed by ``workers`` processes, each loading the model once; the
order of results (and so the output bytes) does not depend on their number.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from . import __version__
from .clean import CleanDocument, NoArticle, clean
from .ingest import IngestError, RawDocument, SourceFile, collect_inputs, read_document
from .nlp import DEFAULT_MODEL, load_pipeline, model_name
from .split import sentence_spans
from .write import DatasetBuilder, write_atomic

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    documents: int = 0
    failures: list[dict] = field(default_factory=list)
    inputs: int = 0
    cached: int = 0
    timings: Counter = field(default_factory=Counter)
    total: int = 0  # input files to process, known before the first (for progress)
    skipped: list[dict] = field(default_factory=list)  # files in input folders that are not pages


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
        "authors": [{"name": a.name, "role": a.role} for a in cleaned.authors],
        "url": cleaned.url,
        "text": cleaned.text,
        "sentences": [{"start": s, "end": e} for s, e in sentence_spans(cleaned.text)],
    }


def span_position(span) -> dict:
    return {"start": span.start_char, "end": span.end_char}


def org_name(span) -> str:
    return span._.canonical or span.text


def role_org_name(orgs: dict, text: str, position: tuple[int, int] | None) -> str | None:
    if position is None:
        return None
    span = orgs.get(tuple(position))
    return org_name(span) if span is not None else text[slice(*position)]


def doc_result(cleaned: CleanDocument, doc) -> dict:
    """The per-document result: the document record and its people, organisations,
    roles, metrics and dates (referring to people and organisations by name)."""
    spans = doc.spans
    text = doc.text
    orgs = {(s.start_char, s.end_char): s for s in spans.get("organisations", [])}
    return {
        "document": document_record(cleaned),
        "people": [{"name": s.text, **span_position(s)} for s in spans.get("people", [])],
        "organisations": [{"name": org_name(s), "surface": s.text, **span_position(s)} for s in orgs.values()],
        "roles": [
            {
                "person": text[slice(*s._.person)],
                "title": s._.title,
                "organisation": role_org_name(orgs, text, s._.organisation),
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


def analyse(nlp: Language, cleaned: CleanDocument, timings: Counter | None = None) -> dict:
    """Run the spaCy pipeline component by component (timing each) on a clean document."""
    timings = timings if timings is not None else Counter()
    start = time.perf_counter()
    doc = nlp.make_doc(cleaned.text)
    timings["tokenizer"] += time.perf_counter() - start
    doc._.doc_id = cleaned.raw.id
    doc._.published = cleaned.published
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        doc = component(doc)
        timings[name] += time.perf_counter() - start
    return doc_result(cleaned, doc)


class Processor:
    """Turns one source path into a result or a failure; one per worker process."""

    def __init__(self, model: Path | str | None, cache_dir: Path | None):
        self.nlp = load_pipeline(model)
        self.version = f"{__version__}|{code_fingerprint()}|{model_label(model)}|{model_fingerprint(model)}"
        self.cache_dir = cache_dir
        self.timings: Counter = Counter()

    def take_timings(self) -> dict:
        """Stage timings since the last call (per document, when called after each)."""
        timings, self.timings = dict(self.timings), Counter()
        return timings

    def cache_path(self, raw: RawDocument) -> Path | None:
        if self.cache_dir is None:
            return None
        # the id is in the key: the same file reached from another input folder has another id
        key = hashlib.sha256(f"{self.version}|{raw.source}|{raw.id}|{raw.sha256}".encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def __call__(self, item: SourceFile | Path) -> dict:
        path, doc_id = (item.path, item.doc_id) if isinstance(item, SourceFile) else (Path(item), None)
        try:
            start = time.perf_counter()
            raw = read_document(path, doc_id=doc_id)
            self.timings["ingest"] += time.perf_counter() - start
            cached = self.cache_path(raw)
            if cached is not None and cached.exists():
                return {"result": json.loads(cached.read_text(encoding="utf-8")), "cached": True}
            start = time.perf_counter()
            cleaned = clean(raw)
            self.timings["clean"] += time.perf_counter() - start
            result = analyse(self.nlp, cleaned, self.timings)
            if cached is not None:
                write_atomic(cached, json.dumps(result, ensure_ascii=False))
            return {"result": result, "cached": False}
        except IngestError as exc:
            return {"failure": {"source": exc.source, "reason": exc.reason}}
        except NoArticle as exc:  # a page without an article is that file's failure, not a bug
            return {"failure": {"source": str(path), "reason": str(exc)}}
        except Exception as exc:  # a bug on one page must not lose the others
            log.debug("%s: processing failed", path, exc_info=True)
            return {"failure": {"source": str(path), "reason": f"processing failed: {type(exc).__name__}: {exc}"}}


_WORKER: Processor | None = None


def _init_worker(model, cache_dir) -> None:
    global _WORKER
    _WORKER = Processor(model, cache_dir)


def _work(item: SourceFile) -> tuple[dict, dict]:
    return _WORKER(item), _WORKER.take_timings()


def outcomes(paths: Iterable[SourceFile | Path], model, cache_dir, workers: int) -> Iterator[tuple[dict, dict]]:
    """(outcome, stage timings) per path, in input order, from ``workers`` processes."""
    if workers <= 1:
        processor = Processor(model, cache_dir)
        for path in paths:
            yield processor(path), processor.take_timings()
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(model, cache_dir)) as pool:
        yield from pool.imap(_work, paths, chunksize=4)


# Modules that only read per-document results (records, engines, command line, review
# page, scoring): a change to them leaves the cached results valid.
AFTER_RESULT_MODULES = frozenset({"write.py", "ray_engine.py", "cli.py", "report.py", "evaluate.py", "__main__.py"})


def tree_fingerprint(root: Path, suffixes: set[str] | None = None, exclude: frozenset[str] = frozenset()) -> str:
    """A hash of the relative paths and bytes of the files under ``root`` (those with one
    of ``suffixes``, or all, less those whose path relative to ``root`` is in ``exclude``)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and (suffixes is None or path.suffix in suffixes) and relative not in exclude:
            digest.update(relative.encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def code_fingerprint(package: Path = Path(__file__).resolve().parent) -> str:
    """A hash of the code and rule data that make a document's result: results cached by
    another version of the rules are not reused, while a change to the modules that only
    read results (AFTER_RESULT_MODULES) keeps them."""
    return tree_fingerprint(package, {".py", ".txt", ".tsv", ".json", ".jsonl"}, exclude=AFTER_RESULT_MODULES)


def model_fingerprint(model: Path | str | None) -> str:
    """A hash of the model's files: a retrained model with an unchanged version number
    must not reuse results cached with the old weights."""
    return tree_fingerprint(Path(model)) if model and Path(model).is_dir() else "rules"


def model_label(model: Path | str | None) -> str:
    """Name and version of the pipeline at ``model`` (from its meta.json), or of the rules."""
    meta_path = Path(model) / "meta.json" if model else None
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path and meta_path.exists() else {}
    return model_name(meta)


def default_cache_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.cache"


def run(
    inputs: list[Path],
    out_dir: Path,
    model: Path | str | None = DEFAULT_MODEL,
    *,
    workers: int = 1,
    fmt: str = "json",
    cache_dir: Path | None = None,
    progress=None,
) -> RunResult:
    """Process ``inputs`` (files or folders) and write the dataset to ``out_dir``.

    ``cache_dir`` keeps per-document results (default: ``.<out>.cache`` beside the
    output folder); ``progress`` is called once with the result before the first document
    (its ``total`` set) and once per document with the running result.
    """
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir(out_dir)
    found = collect_inputs(inputs)
    result = RunResult(total=len(found.sources), skipped=found.skipped)
    builder = DatasetBuilder(out_dir, fmt)
    seen: dict[str, str] = {}
    if progress is not None:
        progress(result)
    try:
        for outcome, timings in outcomes(found.sources, model, cache_dir, workers):
            result.inputs += 1
            result.timings.update(timings)
            accept(outcome, result, builder, seen)
            if progress is not None:
                progress(result)
        nlp_label = model_label(model)
        builder.finish({
            "pipeline_version": __version__,
            "model": nlp_label,
            "inputs": result.inputs,
            "documents": result.documents,
            "failures": sorted(result.failures, key=lambda f: f["source"]),
            "skipped": result.skipped,
            "counts": {},
        })
    except BaseException:
        builder.abort()
        raise
    return result


def duplicate_reason(doc_id: str, first_sources: dict[str, str]) -> str:
    """Why a document is refused: an earlier document (input order) has its id."""
    return f"duplicate document id {doc_id!r} (also {first_sources[doc_id]})"


def accept(outcome: dict, result: RunResult, builder: DatasetBuilder, seen: dict[str, str]) -> None:
    if "failure" in outcome:
        log.debug("%s: %s", outcome["failure"]["source"], outcome["failure"]["reason"])
        result.failures.append(outcome["failure"])
        return
    document = outcome["result"]["document"]
    if document["id"] in seen:
        result.failures.append({"source": document["source"], "reason": duplicate_reason(document["id"], seen)})
        return
    seen[document["id"]] = document["source"]
    result.documents += 1
    result.cached += int(outcome.get("cached", False))
    builder.add(outcome["result"])
