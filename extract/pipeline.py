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
import itertools
import json
import logging
import multiprocessing
import os
import re
import signal
import tempfile
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from . import __version__
from .clean import CleanDocument, NoArticle, clean
from .ingest import IngestError, RawDocument, SourceFile, collect_inputs, display_path, read_document
from .nlp import DEFAULT_MODEL, load_pipeline, model_name
from .split import sentence_spans
from .write import DatasetBuilder, staged_dataset, write_json_atomic

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
    repairs: list[dict] = field(default_factory=list)


# Field length limits: a page's title or outlet comes from one line of the page, and a
# line without punctuation can be megabytes long; longer values are cut (with "…").
MAX_TITLE_CHARS = 300
MAX_OUTLET_CHARS = 100
# Texts longer than this go through the spaCy pipeline in pieces of at most this many
# characters (cut at a line break or sentence end, a longer sentence anywhere), one at a
# time, so that a worker's memory does not grow with the page (a 2.7 MB page of one
# repeated sentence took 9.4 GB in one Doc). Shorter texts, every page of the
# development set among them, are analysed whole, as before.
MAX_PIECE_CHARS = 20_000


def bounded(value: str | None, limit: int) -> str | None:
    """``value`` cut to ``limit`` characters (the last one an ellipsis) if longer."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def document_record(cleaned: CleanDocument) -> dict:
    raw = cleaned.raw
    return {
        "id": raw.id,
        "source": raw.source,
        "sha256": raw.sha256,
        "encoding": raw.encoding,
        "format": raw.format,
        "title": bounded(cleaned.title, MAX_TITLE_CHARS),
        "published": cleaned.published,
        "outlet": bounded(cleaned.outlet, MAX_OUTLET_CHARS),
        "authors": [{"name": a.name, "role": a.role} for a in cleaned.authors],
        "url": cleaned.url,
        "text": cleaned.text,
        "sentences": [{"start": s, "end": e} for s, e in sentence_spans(cleaned.text)],
    }


def span_position(span, offset: int = 0) -> dict:
    return {"start": span.start_char + offset, "end": span.end_char + offset}


def org_name(span) -> str:
    return span._.canonical or span.text


PADDING_IN_NAME = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")


def person_name(surface: str) -> str:
    """A person's name without the padding a page prints inside it (王　伟, 王  伟: 王伟)."""
    return PADDING_IN_NAME.sub("", surface)


def role_org_name(orgs: dict, text: str, position: tuple[int, int] | None) -> str | None:
    if position is None:
        return None
    span = orgs.get(tuple(position))
    return org_name(span) if span is not None else text[slice(*position)]


def doc_records(doc, offset: int = 0) -> dict:
    """The records the pipeline found in ``doc`` (people, organisations, roles, metrics,
    dates; roles name their person and organisation), at character offsets shifted by
    ``offset`` (the position of ``doc``'s text in the document's text)."""
    spans = doc.spans
    text = doc.text
    orgs = {(s.start_char, s.end_char): s for s in spans.get("organisations", [])}
    return {
        "people": [{"name": person_name(s.text), **span_position(s, offset)} for s in spans.get("people", [])],
        "organisations": [{"name": org_name(s), "surface": s.text, **span_position(s, offset)} for s in orgs.values()],
        "roles": [
            {
                "person": person_name(text[slice(*s._.person)]),
                "title": s._.title,
                "organisation": role_org_name(orgs, text, s._.organisation),
                **span_position(s, offset),
            }
            for s in spans.get("roles", [])
        ],
        "metrics": [
            {"text": s.text, "value": s._.value, "unit": s._.unit, "qualifier": s._.qualifier, **span_position(s, offset)}
            for s in spans.get("metrics", [])
        ],
        "dates": [{"text": s.text, "value": s._.value, **span_position(s, offset)} for s in spans.get("dates", [])],
    }


def doc_result(cleaned: CleanDocument, doc) -> dict:
    """The per-document result: the document record and its people, organisations,
    roles, metrics and dates (referring to people and organisations by name)."""
    return {"document": document_record(cleaned), **doc_records(doc)}


def text_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text`` of at most ``limit`` characters that
    together cover it, each ending at the furthest line break or sentence end that keeps
    it within ``limit``; a longer sentence is cut at ``limit``."""
    return pack(piece_boundaries(text), limit)


def piece_boundaries(text: str) -> list[int]:
    """Offsets where a piece may end, in order: after each line break and after each
    sentence end (see :func:`extract.split.sentence_spans`), and the end of the text."""
    ends = {end for _, end in sentence_spans(text)}
    position = text.find("\n")
    while position >= 0:
        ends.add(position + 1)
        position = text.find("\n", position + 1)
    ends.add(len(text))
    return sorted(e for e in ends if 0 < e <= len(text))


def pack(boundaries: list[int], limit: int) -> list[tuple[int, int]]:
    """Pieces from 0 to the last boundary, each ending at the furthest boundary that
    keeps it within ``limit`` (or, if there is none, ``limit`` characters on)."""
    pieces: list[tuple[int, int]] = []
    start, last = 0, 0
    for boundary in boundaries:
        while boundary - start > limit:
            end = last if last > start else start + limit
            pieces.append((start, end))
            start = end
        last = boundary
    if last > start:
        pieces.append((start, last))
    return pieces


def run_components(nlp: Language, text: str, cleaned: CleanDocument, timings: Counter):
    """The spaCy pipeline on ``text``, component by component (timing each)."""
    start = time.perf_counter()
    doc = nlp.make_doc(text)
    timings["tokenizer"] += time.perf_counter() - start
    doc._.doc_id = cleaned.raw.id
    doc._.published = cleaned.published
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        doc = component(doc)
        timings[name] += time.perf_counter() - start
    return doc


def analyse(nlp: Language, cleaned: CleanDocument, timings: Counter | None = None,
            max_piece_chars: int = MAX_PIECE_CHARS) -> dict:
    """Run the spaCy pipeline on a clean document: whole, or a text longer than
    ``max_piece_chars`` piece by piece (:func:`text_pieces`), each piece's Doc dropped
    before the next is made, its records shifted to the document's offsets."""
    timings = timings if timings is not None else Counter()
    text = cleaned.text
    if len(text) <= max_piece_chars:
        return doc_result(cleaned, run_components(nlp, text, cleaned, timings))
    result = {"document": document_record(cleaned), "people": [], "organisations": [], "roles": [],
              "metrics": [], "dates": []}
    for start, end in text_pieces(text, max_piece_chars):
        records = doc_records(run_components(nlp, text[start:end], cleaned, timings), offset=start)
        for kind, items in records.items():
            result[kind].extend(items)
    result["roles"] = one_role_per_pair(result["roles"])
    return result


def one_role_per_pair(roles: list[dict]) -> list[dict]:
    """One role per (person, title) in a document, as ``extract_roles`` keeps them within
    one Doc (the first that names an organisation, else the first), across the pieces
    of a long text. What else is decided over a whole Doc (a short form or a 以下简称
    alias pointed at its full name) is decided within each piece."""
    chosen: dict[tuple[str, str], dict] = {}
    for role in roles:
        key = (role["person"], role["title"])
        if key not in chosen or (chosen[key]["organisation"] is None and role["organisation"] is not None):
            chosen[key] = role
    return sorted(chosen.values(), key=lambda r: (r["start"], r["end"]))


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
            if cached is not None:
                result = self.read_cache(cached, raw)
                if result is not None:
                    return {"result": result, "cached": True}
            start = time.perf_counter()
            cleaned = clean(raw)
            self.timings["clean"] += time.perf_counter() - start
            if not cleaned.text.strip():
                return {"failure": {"source": raw.source, "reason": EMPTY_ARTICLE}}
            result = analyse(self.nlp, cleaned, self.timings)
            if raw.replaced:
                result["repairs"] = [{"source": raw.source, "note": replaced_note(raw)}]
            if cached is not None:
                self.write_cache(cached, result)
            return {"result": result, "cached": False}
        except IngestError as exc:
            return {"failure": {"source": exc.source, "reason": exc.reason}}
        except NoArticle as exc:  # a page without an article is that file's failure, not a bug
            return {"failure": {"source": display_path(path), "reason": str(exc)}}
        except Exception as exc:  # a bug on one page must not lose the others
            log.debug("%s: processing failed", path, exc_info=True)
            return {"failure": {"source": display_path(path), "reason": f"processing failed: {type(exc).__name__}: {exc}"}}

    def read_cache(self, path: Path, raw: RawDocument) -> dict | None:
        """The cached result of ``raw`` at ``path``, or None if there is none or it cannot
        be used (unreadable, truncated, another document's): the document is then
        processed again and the entry rewritten. A cache fault never costs a document."""
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            log.warning("cache entry %s is unreadable (%s); the document is processed again", path, exc)
            return None
        if not is_result_of(result, raw):
            log.warning("cache entry %s is not a result of %s; the document is processed again", path, raw.source)
            return None
        return result

    def write_cache(self, path: Path, result: dict) -> None:
        """Keep ``result`` in the cache; if the cache cannot be written (read-only, full
        disk), warn once and go on without a cache."""
        try:
            write_json_atomic(path, result)
        except OSError as exc:
            log.warning("cache %s cannot be written (%s); going on without a cache", self.cache_dir, exc.strerror or exc)
            self.cache_dir = None


def replaced_note(raw: RawDocument) -> str:
    return f"{raw.replaced} byte(s) not valid {raw.encoding} replaced by U+FFFD"


EMPTY_ARTICLE = "no article text: the page's main content is empty after cleaning"
RESULT_KEYS = ("people", "organisations", "roles", "metrics", "dates")


def is_result_of(result, raw: RawDocument) -> bool:
    """Whether ``result`` (read from the cache) has the shape of a result and is ``raw``'s."""
    if not isinstance(result, dict) or not isinstance(result.get("document"), dict):
        return False
    document = result["document"]
    return (document.get("sha256") == raw.sha256 and document.get("source") == raw.source
            and isinstance(document.get("text"), str) and all(isinstance(result.get(k), list) for k in RESULT_KEYS))


_WORKER: Processor | None = None


def _init_worker(model, cache_dir) -> None:
    global _WORKER
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (and ends the workers), so that no worker prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER = Processor(model, cache_dir)


def _work(item: SourceFile) -> tuple[dict, dict]:
    return _WORKER(item), _WORKER.take_timings()


def worker_died(item: SourceFile | Path) -> tuple[dict, dict]:
    path = item.path if isinstance(item, SourceFile) else item
    reason = ("worker process died while processing it (killed by the operating system, "
              "perhaps for lack of memory)")
    return {"failure": {"source": display_path(path), "reason": reason}}, {}


class WorkerPool:
    """``workers`` processes that each load the model once, rebuilt when one dies."""

    def __init__(self, workers: int, model, cache_dir):
        self.workers, self.initargs = workers, (model, cache_dir)
        self.context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.executor = self.new_executor()

    def new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self.context, initializer=_init_worker, initargs=self.initargs)

    def submit(self, path: SourceFile | Path) -> Future:
        """A future of ``path``'s outcome; if the pool is broken already, a future that
        says so (the caller deals with it when it comes to that document)."""
        try:
            return self.executor.submit(_work, path)
        except BrokenProcessPool as exc:
            broken: Future = Future()
            broken.set_exception(exc)
            return broken

    def rebuild(self) -> None:
        self.close(terminate=True)
        self.executor = self.new_executor()

    def close(self, terminate: bool = False) -> None:
        """Shut the pool down; ``terminate`` ends its processes at once (on an
        interruption, or after one died: the others may be stuck)."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        if terminate:
            for process in processes:
                if process.is_alive():
                    process.terminate()
        for process in processes:
            process.join(timeout=5)


def isolated(pool: WorkerPool, path: SourceFile | Path) -> tuple[dict, dict]:
    """``path`` processed alone in the pool: if the pool breaks now, this document broke it."""
    try:
        return pool.submit(path).result()
    except BrokenProcessPool:
        pool.rebuild()
        return worker_died(path)


def outcomes(paths: Iterable[SourceFile | Path], model, cache_dir, workers: int) -> Iterator[tuple[dict, dict]]:
    """(outcome, stage timings) per path, in input order, from ``workers`` processes.

    A worker killed by the operating system (out of memory, kill -9) breaks the pool:
    the documents then in flight are processed again one at a time in a new pool, so
    that the one that kills its worker again is recorded as a failure and the others
    are not lost."""
    if workers <= 1:
        processor = Processor(model, cache_dir)
        for path in paths:
            yield processor(path), processor.take_timings()
        return
    pool = WorkerPool(workers, model, cache_dir)
    pending: deque[tuple[Path, Future]] = deque()
    queue = iter(paths)
    try:
        while True:
            for path in itertools.islice(queue, max(0, IN_FLIGHT_PER_WORKER * workers - len(pending))):
                pending.append((path, pool.submit(path)))
            if not pending:
                return
            path, future = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                rest = list(pending)
                pending.clear()
                pool.rebuild()
                yield isolated(pool, path)
                for other, done in rest:
                    ok = done.done() and not done.cancelled() and done.exception() is None
                    yield done.result() if ok else isolated(pool, other)
    finally:
        pool.close(terminate=True)


IN_FLIGHT_PER_WORKER = 4  # documents submitted ahead per worker: enough to keep it busy


# Modules that only read per-document results (records, engines, command line, review
# page, scoring): a change to them leaves the cached results valid.
AFTER_RESULT_MODULES = frozenset({"write.py", "identity.py", "ray_engine.py", "cli.py", "report.py", "evaluate.py", "__main__.py"})


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


def run_summary(model, result: RunResult, counts: dict[str, int]) -> dict:
    """The record of a run for run.json, the same from both engines (the writer adds the
    tables it wrote)."""
    return {
        "pipeline_version": __version__,
        "model": model_label(model),
        "inputs": result.inputs,
        "documents": result.documents,
        "failures": sorted(result.failures, key=lambda f: f["source"]),
        "skipped": result.skipped,
        "counts": counts,
        "repairs": sorted(result.repairs, key=lambda r: r["source"]),
    }


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
    result = RunResult()
    seen: dict[str, str] = {}
    with staged_dataset(out_dir) as staging:  # --out checked and locked first
        cache_dir = usable_cache_dir(cache_dir if cache_dir is not None else default_cache_dir(out_dir))
        found = collect_inputs(inputs)
        result.total, result.skipped = len(found.sources), found.skipped
        builder = DatasetBuilder(staging, fmt)
        if progress is not None:
            progress(result)
        try:
            with closing(outcomes(found.sources, model, cache_dir, workers)) as stream:
                for outcome, timings in stream:
                    result.inputs += 1
                    result.timings.update(timings)
                    accept(outcome, result, builder, seen)
                    if progress is not None:
                        progress(result)
            builder.finish(run_summary(model, result, counts={}))
        except BaseException:
            builder.abort()
            raise
    return result


def usable_cache_dir(cache_dir: Path) -> Path | None:
    """``cache_dir``, or None (no cache, one warning) if it cannot be created or written."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=cache_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        log.warning("cache %s cannot be written (%s); going on without a cache", cache_dir, exc.strerror or exc)
        return None
    return cache_dir


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
    result.repairs.extend(outcome["result"].get("repairs", []))
    builder.add(outcome["result"])
