"""Stage 7, write: assemble the normalised dataset, validate it, write it atomically.

Per-document results (plain dicts from :mod:`extract.pipeline`) become the tables of
the output contract. People of the same name are merged across documents only with
evidence (:mod:`extract.identity`); organisations by any shared name or alias. Ids
are derived from content, so they do not depend on the order or the number of workers.
Every file is validated against its JSON Schema (format checking on) before it is
written to a temporary file and renamed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jsonschema_rs

from .identity import evidence, identity_label, name_identities
from .schema import RUN_RECORD, TABLES, json_schema


class ValidationFailure(Exception):
    """A record that does not fit its schema; the message names file, record and field."""


def stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema_rs.Draft202012Validator:
    # jsonschema-rs, not the pure-Python jsonschema: the same Draft 2020-12 checks about
    # 200 times as fast (15 s against 0.08 s for the tables of a 20 MB corpus)
    return jsonschema_rs.validator_for(json_schema(name), validate_formats=True)


def validation_errors(name: str, data) -> list[str]:
    """Human-readable violations of ``data`` against the schema of file ``name``."""
    messages = []
    for error in sorted(validator(name).iter_errors(data), key=lambda e: list(e.instance_path)):
        path = list(error.instance_path)
        if path and isinstance(path[0], int) and isinstance(data, list):
            record = data[path[0]]
            rid = record.get("id") if isinstance(record, dict) else None
            where = f"record {path[0]}" + (f" (id {rid})" if rid else "")
            field = ".".join(str(p) for p in path[1:]) or "(record)"
        else:
            where, field = "file", ".".join(str(p) for p in path) or "(root)"
        messages.append(f"{name}.json: {where}, field {field}: {error.message}")
    return messages


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    write_atomic_with(path, lambda handle: handle.write(text))


def write_json_atomic(path: Path, data) -> None:
    """Write ``data`` as compact JSON to ``path`` (as :func:`write_atomic`), encoded piece
    by piece as it is written: a long page's result, encoded whole, costs several times
    its size in memory at once (the encoder's list of pieces and the joined text)."""
    write_atomic_with(path, lambda handle: json.dump(data, handle, ensure_ascii=False))


def write_atomic_with(path: Path, write) -> None:
    """Call ``write(handle)`` on a temporary file in ``path``'s folder, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; use the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_table(out_dir: Path, name: str, data) -> None:
    errors = validation_errors(name, data)
    if errors:
        raise ValidationFailure("\n".join(errors[:20]))
    write_atomic(out_dir / f"{name}.json", dumps(data))


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def fullest(names: Iterable[str]) -> str:
    return sorted(names, key=lambda n: (-len(n), n))[0]


def mention(doc_id: str, item: dict) -> dict:
    return {"doc_id": doc_id, "start": item["start"], "end": item["end"]}


def mention_key(m: dict) -> tuple:
    return (m["doc_id"], m["start"], m["end"])


def numbered(doc_id: str, kind: str, items: list[dict]) -> list[dict]:
    return [{"id": f"{doc_id}-{kind}-{i:04d}", "doc_id": doc_id, **item} for i, item in enumerate(items, 1)]


DOCUMENT_TABLES = ["documents", "metrics", "dates"]  # tables whose rows depend on their own document only


def document_records(result: dict) -> dict[str, list[dict]]:
    """The rows one document's result gives each of :data:`DOCUMENT_TABLES`."""
    doc_id = result["document"]["id"]
    return {"documents": [result["document"]], "metrics": numbered(doc_id, "metric", result["metrics"]),
            "dates": numbered(doc_id, "date", result["dates"])}


def array_item(row) -> str:
    """``row`` as it appears inside :func:`dumps` of a list (one level of indent), so that
    an array written item by item has the same bytes as one dumped whole."""
    # split on "\n" only: JSON escapes newlines inside strings, but not U+2028 and kin
    return "\n".join(" " + line for line in json.dumps(row, ensure_ascii=False, indent=1).split("\n"))


def serialised(name: str, fmt: str, rows: list[dict]) -> list[str]:
    """``rows`` of table ``name`` checked against its schema (ValidationFailure if one does
    not fit) and serialised as its file holds them: a JSON Lines line without its newline,
    or an item of the JSON array (:func:`array_item`)."""
    errors = validation_errors(name, rows)
    if errors:
        raise ValidationFailure("\n".join(errors[:20]))
    return [json.dumps(row, ensure_ascii=False) if fmt == "jsonl" else array_item(row) for row in rows]


class TableSink:
    """Where the records of one table go: kept in memory for a JSON array written at the
    end, or (``fmt="jsonl"``, or ``streamed=True`` for rows that arrive already in their
    final order) validated batch by batch and appended to a temporary file, memory flat."""

    def __init__(self, out_dir: Path, name: str, fmt: str, *, streamed: bool = False):
        self.name, self.fmt, self.rows, self.count = name, fmt, [], 0
        self.path = out_dir / f"{name}.{'jsonl' if fmt == 'jsonl' else 'json'}"
        self.handle = None
        if fmt == "jsonl" or streamed:
            out_dir.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=out_dir)
            self.handle = os.fdopen(fd, "w", encoding="utf-8")

    def add(self, rows: list[dict]) -> None:
        if self.handle is None:
            self.rows.extend(rows)
            self.count += len(rows)
            return
        self.add_serialised(serialised(self.name, self.fmt, rows))

    def add_serialised(self, items: list[str]) -> None:
        """Rows validated and serialised by :func:`serialised` (in another process, say),
        in their final order; for a sink that writes as it goes (JSON Lines or streamed)."""
        for item in items:
            self.handle.write(item + "\n" if self.fmt == "jsonl" else ("[\n" if self.count == 0 else ",\n") + item)
            self.count += 1

    def finish(self, rows: list[dict] | None = None) -> None:
        if rows is not None:
            self.add(rows)
        other = self.path.with_suffix(".json" if self.fmt == "jsonl" else ".jsonl")
        if other.exists():
            other.unlink()  # a dataset is in one format; drop the other's stale file
        if self.handle is None:
            write_table(self.path.parent, self.name, self.rows)
            return
        if self.fmt != "jsonl":
            self.handle.write("\n]\n" if self.count else "[]\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.chmod(self.tmp, 0o666 & ~current_umask())
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.handle is not None:
            self.handle.close()
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


class DatasetBuilder:
    """Builds the dataset from per-document results given one at a time.

    Documents, metrics and dates only depend on their own document and go straight to
    their sinks; people, organisations and roles need the cross-document dedupe
    tables (names, aliases, mentions) and are written by :meth:`finish`.
    """

    def __init__(self, out_dir: Path, fmt: str = "json"):
        self.out_dir, self.fmt = out_dir, fmt
        self.sinks = {name: TableSink(out_dir, name, fmt) for name in DOCUMENT_TABLES}
        self.person_mentions: dict[str, list[dict]] = defaultdict(list)
        # name -> (document, its evidence for the name): who is who is decided at the end
        self.person_docs: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)
        self.org_groups = UnionFind()
        self.org_surfaces: dict[str, set[str]] = defaultdict(set)
        self.org_mentions: dict[str, list[dict]] = defaultdict(list)
        self.roles: list[tuple[str, list[dict]]] = []

    def add(self, result: dict) -> None:
        doc_id = result["document"]["id"]
        for name, records in document_records(result).items():
            self.sinks[name].add(records)
        for item in result["people"]:
            self.person_mentions[item["name"]].append(mention(doc_id, item))
        facts = evidence(result)
        for name in dict.fromkeys(item["name"] for item in result["people"]):
            self.person_docs[name].append((doc_id, frozenset(facts.get(name, ()))))
        for item in result["organisations"]:
            self.org_groups.union(item["name"], item["surface"])
            self.org_surfaces[item["name"]].add(item["surface"])
            self.org_mentions[item["name"]].append(mention(doc_id, item))
        self.roles.append((doc_id, result["roles"]))

    def identities(self) -> dict[tuple[str, str], int]:
        """(document id, name) -> identity number of the name (:func:`name_identities`),
        for the documents in id order, whatever order they were added in."""
        return {(doc_id, name): number for name, docs in self.person_docs.items()
                for doc_id, number in name_identities(sorted(docs, key=lambda d: d[0])).items()}

    def people(self, identities: dict[tuple[str, str], int]) -> list[dict]:
        """One record per identity, sorted by name and identity number."""
        mentions: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for name, items in self.person_mentions.items():
            for m in items:
                mentions[(name, identities[(m["doc_id"], name)])].append(m)
        return [person_record(name, found, number) for (name, number), found in sorted(mentions.items())]

    def organisations(self) -> tuple[list[dict], dict[str, str]]:
        """Organisations merged by shared names; returns records and name -> id."""
        members: dict[str, set[str]] = defaultdict(set)
        for name, surfaces in self.org_surfaces.items():
            members[self.org_groups.find(name)] |= {name} | surfaces
        records, ids = [], {}
        for names in members.values():
            record = organisation_record(names, [m for n in names for m in self.org_mentions.get(n, [])])
            ids.update({n: record["id"] for n in names})
            records.append(record)
        records.sort(key=lambda r: (r["name"], r["id"]))
        return records, ids

    def finish(self, run: dict) -> dict[str, int]:
        """Write every table, then the run record (last: it marks a complete dataset)."""
        organisations, org_ids = self.organisations()
        identities = self.identities()
        roles = []
        for doc_id, items in sorted(self.roles, key=lambda x: x[0]):
            roles += role_records(doc_id, items, org_ids, identities)
        counts = {}
        for name, sink in self.sinks.items():
            sink.rows.sort(key=lambda row: (row.get("doc_id", row["id"]), row["id"]))
            counts[name] = sink.count
            sink.finish()
        people = self.people(identities)
        for name, rows in [("people", people), ("organisations", organisations), ("roles", roles)]:
            TableSink(self.out_dir, name, self.fmt).finish(rows)
            counts[name] = len(rows)
        counts = {name: counts[name] for name in TABLES}
        tables = {name: f"{name}.{'jsonl' if self.fmt == 'jsonl' else 'json'}" for name in TABLES}
        write_table(self.out_dir, RUN_RECORD, {**run, "counts": counts, "tables": tables})
        return counts

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()


def person_id(name: str, number: int = 1) -> str:
    """The id of identity ``number`` of ``name``: a hash of its label (the name itself for
    the first identity, so a dataset whose names are all distinct has ids by name)."""
    return stable_id("person", identity_label(name, number))


def person_record(name: str, mentions: Iterable[dict], number: int = 1) -> dict:
    """A person of the dataset: one per identity (:mod:`extract.identity`), with every
    mention once, sorted; ``name`` is the plain name, the id is the identity's."""
    unique = {mention_key(m): m for m in mentions}
    return {"id": person_id(name, number), "name": name, "aliases": [],
            "mentions": sorted(unique.values(), key=mention_key)}


def organisation_record(names: set[str], mentions: Iterable[dict]) -> dict:
    """An organisation from a group of names and aliases that were linked: the fullest
    name is canonical and gives the id, the others are aliases."""
    canonical = fullest(names)
    unique = {mention_key(m): m for m in mentions}
    return {"id": stable_id("org", canonical), "name": canonical, "aliases": sorted(names - {canonical}),
            "mentions": sorted(unique.values(), key=mention_key)}


def role_records(doc_id: str, roles: list[dict], org_ids: dict[str, str],
                 identities: dict[tuple[str, str], int] | None = None) -> list[dict]:
    """One document's roles with person and organisation names replaced by ids; a person
    takes the id of its identity in this document (``identities``: (document id, name)
    -> number; the first identity of the name if absent)."""
    identities = identities or {}
    return numbered(doc_id, "role", [
        {"person": person_id(r["person"], identities.get((doc_id, r["person"]), 1)), "title": r["title"],
         "organisation": org_ids.get(r["organisation"]) if r["organisation"] else None,
         "start": r["start"], "end": r["end"]}
        for r in roles
    ])


def assemble(results: list[dict]) -> dict[str, list[dict]]:
    """The tables of the dataset from per-document results, in memory (for tests and tools)."""
    with tempfile.TemporaryDirectory() as tmp:
        builder = DatasetBuilder(Path(tmp))
        for result in sorted(results, key=lambda r: r["document"]["id"]):
            builder.add(result)
        builder.finish({"pipeline_version": "", "model": "", "inputs": len(results), "documents": len(results),
                        "failures": [], "counts": {}})
        return {name: json.loads((Path(tmp) / f"{name}.json").read_text(encoding="utf-8")) for name in TABLES}


MAX_MESSAGES = 50  # validate_dir reports at most this many problems, then how many more
MAX_FILE_BYTES = 4 * 2**30  # a table larger than this is not loaded to be validated


def load_file(out_dir: Path, name: str):
    """(data, None) for output file ``name`` (``name.json`` or ``name.jsonl``), or
    (None, problem) if it is missing or cannot be read as JSON."""
    path, lines = out_dir / f"{name}.json", out_dir / f"{name}.jsonl"
    found = path if path.exists() else lines if lines.exists() else None
    if found is None:
        return None, f"{name}.json: missing"
    try:
        size = found.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, f"{found.name}: too large to validate ({size / 2**30:.1f} GiB, limit {MAX_FILE_BYTES / 2**30:.0f} GiB)"
        if found == path:
            return json.loads(path.read_text(encoding="utf-8")), None
        with lines.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()], None
    except RecursionError:
        return None, f"{found.name}: not readable JSON: nested too deeply"
    except MemoryError:
        return None, f"{found.name}: too large to load into memory"
    except (OSError, ValueError) as exc:
        return None, f"{found.name}: not readable JSON: {exc}"


def validate_dir(out_dir: Path, limit: int = MAX_MESSAGES) -> list[str]:
    """The problems of the dataset in ``out_dir``: files missing or not JSON, schema
    violations, and (in the files that fit their schema) broken references, repeated
    ids, offsets outside their document's text or not on the record's text, and
    run.json's counts that differ from the tables. At most ``limit`` messages, then one
    saying how many more. JSON arrays and JSON Lines are both read."""
    problems: list[str] = []
    valid: dict[str, object] = {}
    for name in [*TABLES, RUN_RECORD]:
        data, problem = load_file(out_dir, name)
        if problem:
            problems.append(problem)
            continue
        errors = validation_errors(name, data)
        problems.extend(errors)
        if not errors:
            valid[name] = data
    problems.extend(integrity_problems(valid, out_dir))
    if len(problems) > limit:
        problems = problems[:limit] + [f"... and {len(problems) - limit} more problems"]
    return problems


def integrity_problems(tables: dict, out_dir: Path | None = None) -> list[str]:
    """What the schemas cannot check, across the tables given (those that fit their schema)."""
    problems: list[str] = []
    for name, rows in tables.items():
        if name != RUN_RECORD:
            problems.extend(repeated_ids(name, rows))
    documents = tables.get("documents")
    texts = {d["id"]: d["text"] for d in documents} if documents is not None else None
    if documents is not None:
        for d in documents:
            for i, sentence in enumerate(d["sentences"]):
                problems.extend(offset_problems("documents", f"{d['id']} sentence {i}", sentence, d["text"]))
    if texts is not None:
        for name in ("people", "organisations"):
            for record in tables.get(name) or []:
                for i, m in enumerate(record["mentions"]):
                    where = f"{record['id']} mention {i}"
                    problems.extend(reference_problems(name, where, "doc_id", m["doc_id"], texts, "documents"))
                    if m["doc_id"] in texts:
                        problems.extend(offset_problems(name, where, m, texts[m["doc_id"]]))
        for name in ("roles", "metrics", "dates"):
            for record in tables.get(name) or []:
                problems.extend(reference_problems(name, record["id"], "doc_id", record["doc_id"], texts, "documents"))
                if record["doc_id"] in texts:
                    problems.extend(offset_problems(name, record["id"], record, texts[record["doc_id"]]))
    people, organisations = tables.get("people"), tables.get("organisations")
    for role in tables.get("roles") or []:
        if people is not None:
            problems.extend(reference_problems("roles", role["id"], "person", role["person"],
                                               {p["id"] for p in people}, "people"))
        if organisations is not None and role["organisation"] is not None:
            problems.extend(reference_problems("roles", role["id"], "organisation", role["organisation"],
                                               {o["id"] for o in organisations}, "organisations"))
    if RUN_RECORD in tables:
        problems.extend(run_record_problems(tables[RUN_RECORD], tables, out_dir))
    return problems


def repeated_ids(name: str, rows: list[dict]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for i, row in enumerate(rows):
        if row["id"] in seen:
            problems.append(f"{name}.json: record {i} (id {row['id']}): id repeated")
        seen.add(row["id"])
    return problems


def reference_problems(name: str, where: str, field: str, value, known, target: str) -> list[str]:
    if value in known:
        return []
    return [f"{name}.json: {where}, field {field}: {value!r} is not an id in {target}.json"]


def offset_problems(name: str, where: str, record: dict, text: str) -> list[str]:
    """``0 <= start < end <= len(text)`` and, for a record with a ``text``, that it is
    the text at its offsets."""
    start, end = record["start"], record["end"]
    if not 0 <= start < end <= len(text):
        return [f"{name}.json: {where}: offsets {start}-{end} outside its document's text (length {len(text)})"]
    if "text" in record and text[start:end] != record["text"]:
        return [f"{name}.json: {where}: text {record['text']!r} is not the document's text at {start}-{end} "
                f"({text[start:end]!r})"]
    return []


def run_record_problems(run: dict, tables: dict, out_dir: Path | None) -> list[str]:
    problems = []
    for name, count in run["counts"].items():
        if name in tables and len(tables[name]) != count:
            problems.append(f"run.json: counts.{name} is {count}, {name} has {len(tables[name])} records")
    if "documents" in tables and run["documents"] != len(tables["documents"]):
        problems.append(f"run.json: documents is {run['documents']}, documents has {len(tables['documents'])} records")
    for name, file_name in run.get("tables", {}).items():
        if out_dir is not None and not (out_dir / file_name).is_file():
            problems.append(f"run.json: tables.{name} names {file_name}, which is not in the folder")
    return problems


# --- The output folder: checked before the work, locked, written whole or not at all ---
MIN_FREE_BYTES = 16 * 2**20  # less free space than this beside --out is refused at the start
DATASET_SUFFIXES = (".json", ".jsonl")


class OutputError(Exception):
    """``--out`` cannot take a dataset (a file, read-only, a full disk); one line."""


class OutputLocked(OutputError):
    """Another run holds the lock of ``--out``."""


def lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


def check_output(out_dir: Path, min_free: int = MIN_FREE_BYTES) -> None:
    """Raise :class:`OutputError` if a dataset cannot be written to ``out_dir``: it is a
    file, it or the folder it is in is not writable, or the disk there is (nearly) full."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir} is a file, not a folder")
    here = Path.cwd().resolve()
    if out_dir.resolve() in (here, *here.parents):
        # the dataset folder is replaced whole at the end of a run: not the folder we are in
        raise OutputError(f"--out {out_dir} is the current folder or holds it; name a folder for the dataset")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out {out_dir}: cannot create its parent folder ({exc.strerror or exc})") from None
    for folder in [out_dir.parent] + ([out_dir] if out_dir.exists() else []):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"--out {out_dir}: {folder} is not writable")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{out_dir.name}.probe-", dir=out_dir.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"--out {out_dir}: cannot write in {out_dir.parent} ({exc.strerror or exc})") from None
    free = shutil.disk_usage(out_dir.parent).free
    if free < min_free:
        raise OutputError(f"--out {out_dir}: only {free / 2**20:.1f} MiB free on its disk "
                          f"(at least {min_free / 2**20:.0f} MiB needed)")


def is_dataset_file(name: str) -> bool:
    """A file a run writes into its output folder (a table, run.json, a temporary file)."""
    stem, suffix = os.path.splitext(name)
    return (suffix in DATASET_SUFFIXES and stem in [*TABLES, RUN_RECORD]) or (name.startswith(".") and name.endswith(".tmp"))


def publish(staging: Path, out_dir: Path) -> None:
    """Put the complete dataset in ``staging`` in place of ``out_dir``. Files of
    ``out_dir`` that are not the dataset's are kept. The old folder is moved aside and
    the new one renamed into place, so a reader sees one dataset or the other (or, for
    the moment between the two renames, none), never tables of two runs side by side."""
    if not (staging / f"{RUN_RECORD}.json").exists():
        raise OutputError(f"{staging}: no {RUN_RECORD}.json, the dataset is incomplete")
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    for entry in os.listdir(out_dir):
        if not is_dataset_file(entry):
            os.rename(out_dir / entry, staging / entry)
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rename(out_dir, old / "dataset")
    os.rename(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_dataset(out_dir: Path):
    """A folder to write a dataset in, moved into place as ``out_dir`` when the block ends
    without an error and removed otherwise. ``out_dir`` is checked first
    (:func:`check_output`) and locked meanwhile: a second run into it is refused with
    :class:`OutputLocked`."""
    from filelock import FileLock, Timeout

    out_dir = out_dir.resolve() if out_dir.is_symlink() else out_dir
    check_output(out_dir)
    lock = FileLock(str(lock_path(out_dir)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputLocked(f"--out {out_dir} is being written by another run (lock {lock_path(out_dir)})") from None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
        try:
            os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp makes 0700; use the usual mode
            yield staging
            publish(staging, out_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
