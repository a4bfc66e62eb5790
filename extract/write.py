"""Stage 7, write: assemble the normalised dataset, validate it, write it atomically.

Per-document results (plain dicts from :mod:`extract.pipeline`) become the tables of
the output contract. People are merged across documents by name; organisations by
any shared name or alias. Ids are derived from content, so they do not depend on the
order or the number of workers. Every file is validated against its JSON Schema
(format checking on) before it is written to a temporary file and renamed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from jsonschema import Draft202012Validator, FormatChecker

from .schema import RUN_RECORD, TABLES, json_schema


class ValidationFailure(Exception):
    """A record that does not fit its schema; the message names file, record and field."""


def stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(name), format_checker=FormatChecker())


def validation_errors(name: str, data) -> list[str]:
    """Human-readable violations of ``data`` against the schema of file ``name``."""
    messages = []
    for error in sorted(validator(name).iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
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


def assemble_people(results: list[dict]) -> tuple[list[dict], dict[str, str]]:
    by_name: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        doc_id = result["document"]["id"]
        for item in result["people"]:
            by_name[item["name"]].append(mention(doc_id, item))
    records, ids = [], {}
    for name in sorted(by_name):
        pid = stable_id("person", name)
        ids[name] = pid
        mentions = sorted({mention_key(m): m for m in by_name[name]}.values(), key=mention_key)
        records.append({"id": pid, "name": name, "aliases": [], "mentions": mentions})
    return records, ids


def assemble_organisations(results: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Organisations merged by shared names; returns records and name -> id."""
    groups = UnionFind()
    surfaces: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        doc_id = result["document"]["id"]
        for item in result["organisations"]:
            groups.union(item["name"], item["surface"])
            surfaces[item["name"]].add(item["surface"])
            mentions[item["name"]].append(mention(doc_id, item))
    members: dict[str, set[str]] = defaultdict(set)
    for name in list(surfaces):
        members[groups.find(name)] |= {name} | surfaces[name]
    records, ids = [], {}
    for names in members.values():
        canonical = fullest(names)
        oid = stable_id("org", canonical)
        found = [m for n in names for m in mentions.get(n, [])]
        for n in names:
            ids[n] = oid
        records.append({
            "id": oid,
            "name": canonical,
            "aliases": sorted(names - {canonical}),
            "mentions": sorted({mention_key(m): m for m in found}.values(), key=mention_key),
        })
    records.sort(key=lambda r: (r["name"], r["id"]))
    return records, ids


def numbered(doc_id: str, kind: str, items: list[dict]) -> list[dict]:
    return [{"id": f"{doc_id}-{kind}-{i:04d}", "doc_id": doc_id, **item} for i, item in enumerate(items, 1)]


def assemble(results: list[dict]) -> dict[str, list[dict]]:
    """The tables of the dataset from per-document results (sorted by document id)."""
    results = sorted(results, key=lambda r: r["document"]["id"])
    people, person_ids = assemble_people(results)
    organisations, org_ids = assemble_organisations(results)
    roles, metrics, dates = [], [], []
    for result in results:
        doc_id = result["document"]["id"]
        roles += numbered(doc_id, "role", [
            {
                "person": person_ids[r["person"]],
                "title": r["title"],
                "organisation": org_ids.get(r["organisation"]) if r["organisation"] else None,
                "start": r["start"],
                "end": r["end"],
            }
            for r in result["roles"]
        ])
        metrics += numbered(doc_id, "metric", result["metrics"])
        dates += numbered(doc_id, "date", result["dates"])
    return {
        "documents": [r["document"] for r in results],
        "people": people,
        "organisations": organisations,
        "roles": roles,
        "metrics": metrics,
        "dates": dates,
    }


def write_dataset(out_dir: Path, tables: dict[str, list[dict]], run: dict) -> None:
    """Validate and write every table, then the run record (last, as a completion mark)."""
    for name in TABLES:
        write_table(out_dir, name, tables[name])
    write_table(out_dir, RUN_RECORD, run)


def validate_dir(out_dir: Path) -> list[str]:
    """Schema violations of the dataset in ``out_dir`` (missing files included)."""
    problems = []
    for name in [*TABLES, RUN_RECORD]:
        path = out_dir / f"{name}.json"
        if not path.exists():
            problems.append(f"{name}.json: missing")
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{name}.json: not readable JSON: {exc}")
            continue
        problems.extend(validation_errors(name, data))
    return problems
