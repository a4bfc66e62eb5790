"""Score a dataset against gold annotations, as the scoring section of the annotation
guidelines defines it (document level, normalised strings and values).

Per field P/R/F micro-averaged over documents: people and organisations as sets,
roles as (person, title) pairs with organisation attachment scored on the matched
pairs, metrics as (value, unit) multisets, dates as EDTF multisets, the publication
date, and the body as character-bigram overlap with the gold body lines.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


FIELDS = ["people", "organisations", "roles", "metrics", "dates"]
# The guidelines strip glosses of any case from the gold body before comparing.
GOLD_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)", re.I)


def norm(value) -> str | None:
    if value is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Dataset:
    documents: dict
    people: dict
    organisations: dict
    roles: list
    metrics: list
    dates: list

    @classmethod
    def load(cls, folder: Path) -> "Dataset":
        def table(name):
            for path in (folder / f"{name}.json", folder / f"{name}.jsonl"):
                if path.suffix == ".json" and path.exists():
                    return json.loads(path.read_text(encoding="utf-8"))
                if path.exists():
                    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            return []

        return cls(
            documents={d["id"]: d for d in table("documents")},
            people={p["id"]: p for p in table("people")},
            organisations={o["id"]: o for o in table("organisations")},
            roles=table("roles"), metrics=table("metrics"), dates=table("dates"),
        )

    def org_names(self, oid: str | None) -> set[str]:
        org = self.organisations.get(oid)
        return {norm(n) for n in [org["name"], *org.get("aliases", [])]} if org else set()

    def mentioned_in(self, table: dict, doc_id: str) -> list[dict]:
        return [r for r in table.values() if any(m["doc_id"] == doc_id for m in r.get("mentions", []))]


@dataclass
class Evaluation:
    scores: dict = field(default_factory=lambda: {k: Score() for k in [*FIELDS, "role_org", "published"]})
    body: list = field(default_factory=list)  # (overlap, predicted bigrams, gold bigrams) per document
    errors: dict = field(default_factory=dict)

    def summary(self) -> dict:
        result = {k: s.as_dict() for k, s in self.scores.items()}
        attach = self.scores["role_org"]
        result["role_org"] = {"accuracy": result["role_org"]["p"], "n": attach.tp + attach.fp}
        if self.body:
            overlap = sum(b[0] for b in self.body)
            p = overlap / max(1, sum(b[1] for b in self.body))
            r = overlap / max(1, sum(b[2] for b in self.body))
            result["body"] = {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}
        result["macro_f"] = round(sum(result[k]["f"] for k in FIELDS) / len(FIELDS), 4)
        return result


def multiset(pred: list, gold: list) -> tuple[int, int, int, list, list]:
    cp, cg = Counter(pred), Counter(gold)
    tp = sum((cp & cg).values())
    return tp, sum(cp.values()) - tp, sum(cg.values()) - tp, sorted((cg - cp).elements(), key=str), sorted((cp - cg).elements(), key=str)


def bigrams(text: str) -> Counter:
    t = norm(text) or ""
    return Counter(t[i:i + 2] for i in range(len(t) - 1))


def metric_key(value, unit) -> tuple:
    try:
        return (float(f"{float(value):.6g}"), norm(unit))
    except (TypeError, ValueError):
        return ("?", norm(unit))


def score_published(ev: Evaluation, gold: dict, doc: dict | None, err: dict) -> None:
    if gold.get("published") is None:
        return
    ok = doc is not None and norm(doc.get("published")) == norm(gold["published"])
    predicted = doc is not None and doc.get("published") is not None
    ev.scores["published"].add(int(ok), int(not ok and predicted), int(not ok))
    if not ok:
        err["published"] = {"gold": gold["published"], "pred": doc and doc.get("published")}


def score_body(ev: Evaluation, gold: dict, doc: dict | None, sources: list[Path]) -> None:
    if doc is None or not gold.get("body_lines"):
        return
    candidates = [base / f"{gold['doc_id']}.txt" for base in sources] + [Path(doc.get("source", ""))]
    source = next((c for c in candidates if c.is_file()), None)
    if source is None:
        return
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    gold_text = "\n".join(line for s, e in gold["body_lines"] for line in lines[s - 1:e])
    gb, pb = bigrams(GOLD_GLOSS.sub("", gold_text)), bigrams(doc.get("text", ""))
    ev.body.append((sum((gb & pb).values()), sum(pb.values()), sum(gb.values())))


def score_people(ev: Evaluation, ds: Dataset, gold: dict, err: dict) -> None:
    pred = {norm(p["name"]) for p in ds.mentioned_in(ds.people, gold["doc_id"])}
    truth = {norm(p["name"]) for p in gold.get("people", [])}
    ev.scores["people"].add(len(pred & truth), len(pred - truth), len(truth - pred))
    err["people"] = {"missed": sorted(truth - pred), "spurious": sorted(pred - truth)}


def score_organisations(ev: Evaluation, ds: Dataset, gold: dict, err: dict) -> None:
    truth = [{norm(o["name"]), *(norm(a) for a in o.get("accept", []))} for o in gold.get("organisations", [])]
    used, spurious = set(), []
    for org in ds.mentioned_in(ds.organisations, gold["doc_id"]):
        names = ds.org_names(org["id"])
        hit = next((i for i, accepted in enumerate(truth) if i not in used and names & accepted), None)
        if hit is None:
            spurious.append(org["name"])
        else:
            used.add(hit)
    ev.scores["organisations"].add(len(used), len(spurious), len(truth) - len(used))
    missed = [gold["organisations"][i]["name"] for i in range(len(truth)) if i not in used]
    err["organisations"] = {"missed": missed, "spurious": spurious}


def score_roles(ev: Evaluation, ds: Dataset, gold: dict, err: dict) -> None:
    truth = []
    for g in gold.get("roles", []):
        titles = {norm(g["title"]), *(norm(t) for t in g.get("title_accept", []))}
        orgs = {norm(o) for o in [g.get("organisation"), *g.get("organisation_accept", [])] if o}
        truth.append((norm(g["person"]), titles, g.get("organisation") is None, orgs))
    used, spurious = set(), []
    for role in (r for r in ds.roles if r.get("doc_id") == gold["doc_id"]):
        person = ds.people.get(role.get("person"))
        name, title = (norm(person["name"]) if person else None), norm(role.get("title"))
        hit = next((i for i, t in enumerate(truth) if i not in used and name == t[0] and title in t[1]), None)
        if hit is None:
            spurious.append(f"{name}/{title}")
            continue
        used.add(hit)
        _, _, may_be_none, orgs = truth[hit]
        oid = role.get("organisation")
        ok = (oid is None and may_be_none) or bool(ds.org_names(oid) & orgs)
        ev.scores["role_org"].add(int(ok), int(not ok), 0)
    ev.scores["roles"].add(len(used), len(spurious), len(truth) - len(used))
    missed = [f'{g["person"]}/{g["title"]}' for i, g in enumerate(gold.get("roles", [])) if i not in used]
    err["roles"] = {"missed": missed, "spurious": spurious}


def score_values(ev: Evaluation, name: str, pred: list, truth: list, err: dict) -> None:
    tp, fp, fn, missed, spurious = multiset(pred, truth)
    ev.scores[name].add(tp, fp, fn)
    err[name] = {"missed": missed, "spurious": spurious}


class GoldError(ValueError):
    """A gold folder that cannot be scored against: empty, not gold files, or about
    documents the dataset does not hold."""


def gold_files(gold_dir: Path) -> list[Path]:
    """The gold files of ``gold_dir`` (``*.json``, each one document's annotations with its
    ``doc_id``); :class:`GoldError` saying what is wrong when there are none."""
    paths = sorted(gold_dir.glob("*.json"))
    if not paths:
        raise GoldError(f"{gold_dir}: no gold files (*.json, one per document) in this folder")
    for path in paths:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GoldError(f"{path}: not readable JSON: {exc}") from None
        if not isinstance(gold, dict) or not isinstance(gold.get("doc_id"), str):
            hint = " (a dataset folder? the gold folder comes second)" if path.stem in ("documents", "run") else ""
            raise GoldError(f"{path}: not a gold file: no doc_id{hint}")
    return paths


def check_overlap(ds: "Dataset", dataset: Path, gold_ids: list[str]) -> None:
    """:class:`GoldError` when the dataset has no documents, or none of the gold
    documents: scoring would print zeros that look like results."""
    if not ds.documents:
        raise GoldError(f"{dataset}: no documents (documents.json missing or empty): not a dataset folder?")
    if not set(gold_ids) & set(ds.documents):
        raise GoldError(f"none of the {len(gold_ids)} gold documents ({', '.join(sorted(gold_ids)[:3])}...) is in "
                        f"{dataset}, whose ids are {', '.join(sorted(ds.documents)[:3])}...: "
                        "the gold of another set of pages?")


def evaluate(dataset: Path, gold_dir: Path, sources: list[Path] | None = None) -> Evaluation:
    """Score the dataset in ``dataset`` against every gold file in ``gold_dir``;
    :class:`GoldError` when there is nothing to score (see :func:`gold_files`)."""
    ds = Dataset.load(dataset)
    paths = gold_files(gold_dir)
    golds = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    check_overlap(ds, dataset, [gold["doc_id"] for gold in golds])
    ev = Evaluation()
    sources = (sources or []) + [Path("seeds")]
    for gold in golds:
        doc_id = gold["doc_id"]
        doc = ds.documents.get(doc_id)
        err = ev.errors.setdefault(doc_id, {} if doc else {"missing_document": True})
        score_published(ev, gold, doc, err)
        score_body(ev, gold, doc, sources + ([Path(doc["source"]).parent] if doc else []))
        score_people(ev, ds, gold, err)
        score_organisations(ev, ds, gold, err)
        score_roles(ev, ds, gold, err)
        pred_metrics = [metric_key(m.get("value"), m.get("unit")) for m in ds.metrics if m.get("doc_id") == doc_id]
        gold_metrics = [metric_key(m["value"], m["unit"]) for m in gold.get("metrics", [])]
        score_values(ev, "metrics", pred_metrics, gold_metrics, err)
        pred_dates = [norm(d.get("value")) for d in ds.dates if d.get("doc_id") == doc_id]
        score_values(ev, "dates", pred_dates, [norm(d["value"]) for d in gold.get("dates", [])], err)
    return ev


def format_summary(summary: dict) -> str:
    lines = []
    for k in [*FIELDS, "published"]:
        v = summary[k]
        lines.append(f"{k:14s} P {v['p']:.3f}  R {v['r']:.3f}  F {v['f']:.3f}   (tp {v['tp']}, fp {v['fp']}, fn {v['fn']})")
    lines.append(f"{'role_org':14s} accuracy {summary['role_org']['accuracy']:.3f} over {summary['role_org']['n']} matched roles")
    if "body" in summary:
        b = summary["body"]
        lines.append(f"{'body':14s} P {b['p']:.3f}  R {b['r']:.3f}  F {b['f']:.3f}")
    lines.append(f"macro F over {', '.join(FIELDS)}: {summary['macro_f']:.3f}")
    return "\n".join(lines)
