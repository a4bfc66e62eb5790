"""Dates and metrics, precision, recall and F per page of the development set.

Needs the shared development set (``<shared>/dev/pages`` and ``<shared>/gold/dev``,
``--shared`` defaults to ``../shared`` beside the repository); without it the script
says so and exits cleanly. Two measurements:

- ``pipeline``: the dataset of a run (``--out DIR``, or the pipeline is run on the
  pages into a temporary folder), scored as ``score.py`` scores it: values as
  multisets per document, metrics as (value, unit) with a relative tolerance of 1e-6,
  optional gold dates neither right nor wrong. Its figures include the page stage
  (what text is kept, which publication date is found).
- ``rules``: the date and metric rules alone, run on the gold article text with the
  gold publication date, so a miss is the rules' own.

Usage:
  python benchmarks/dates_metrics.py [--shared ../shared] [--out DIR] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.match.dates import find_dates  # noqa: E402
from extract.match.metrics import find_metrics  # noqa: E402


def norm(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def metric_key(value, unit) -> tuple:
    try:
        return (float(f"{float(value):.6g}"), norm(unit))
    except (TypeError, ValueError):
        return ("?", norm(unit))


def tally(pred: list, gold: list, optional: list = ()) -> tuple[int, int, int]:
    """tp, fp, fn of two multisets; a prediction of an optional gold value is not counted."""
    cp, cg = Counter(pred), Counter(gold)
    tp = sum((cp & cg).values())
    fp = sum(((cp - cg) - Counter(optional)).values())
    return tp, fp, sum(cg.values()) - tp


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f": round(2 * p * r / (p + r), 3) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def gold_dates(gold: dict) -> tuple[list, list]:
    required = [norm(d["value"]) for d in gold.get("dates", []) if not d.get("optional")]
    optional = [norm(d["value"]) for d in gold.get("dates", []) if d.get("optional")]
    return required, optional


def gold_metrics(gold: dict) -> list:
    return [metric_key(m["value"], m["unit"]) for m in gold.get("metrics", [])]


def gold_text(gold: dict, pages: Path) -> str:
    """The article text the gold describes: ``body_text``, or the ``body_lines`` of the source."""
    if gold.get("body_text"):
        return gold["body_text"]
    source = next(pages.glob(f"{gold['doc_id']}.*"))
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(line for start, end in gold.get("body_lines", []) for line in lines[start - 1:end])


def rules_on_gold_text(gold: dict, pages: Path) -> tuple[list, list]:
    """Date values and metric keys the rules find in the gold text (metrics inside a date dropped, as the pipeline does)."""
    text = gold_text(gold, pages)
    found_dates = find_dates(text, gold.get("published"))
    spans = [(d["start"], d["end"]) for d in found_dates]
    metrics = [m for m in find_metrics(text) if not any(s < m["end"] and m["start"] < e for s, e in spans)]
    return [norm(d["value"]) for d in found_dates], [metric_key(m["value"], m["unit"]) for m in metrics]


def pipeline_tables(out: Path) -> tuple[dict, dict]:
    def table(name):
        path = out / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    dates, metrics = {}, {}
    for d in table("dates"):
        dates.setdefault(d["doc_id"], []).append(norm(d["value"]))
    for m in table("metrics"):
        metrics.setdefault(m["doc_id"], []).append(metric_key(m["value"], m["unit"]))
    return dates, metrics


def run_pipeline(pages: Path, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "extract", "run", str(pages), "--out", str(out), "-q", "--workers", "1",
         "--cache", str(out.parent / "cache")],
        check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def measure(golds: list[dict], pages: Path, out: Path) -> dict:
    pipe_dates, pipe_metrics = pipeline_tables(out)
    rows, totals = [], {k: Counter() for k in ("pipeline_dates", "pipeline_metrics", "rules_dates", "rules_metrics")}
    for gold in golds:
        did = gold["doc_id"]
        required, optional = gold_dates(gold)
        metrics_gold = gold_metrics(gold)
        rule_dates, rule_metrics = rules_on_gold_text(gold, pages)
        counts = {
            "pipeline_dates": tally(pipe_dates.get(did, []), required, optional),
            "pipeline_metrics": tally(pipe_metrics.get(did, []), metrics_gold),
            "rules_dates": tally(rule_dates, required, optional),
            "rules_metrics": tally(rule_metrics, metrics_gold),
        }
        for key, (tp, fp, fn) in counts.items():
            totals[key].update({"tp": tp, "fp": fp, "fn": fn})
        rows.append({"doc_id": did, **{k: prf(*v) for k, v in counts.items()}})
    return {"pages": rows, "total": {k: prf(t["tp"], t["fp"], t["fn"]) for k, t in totals.items()}}


def print_table(result: dict) -> None:
    columns = ["pipeline_dates", "pipeline_metrics", "rules_dates", "rules_metrics"]
    print(f"{'page':8s}" + "".join(f"{c:>28s}" for c in columns))
    print(f"{'':8s}" + "".join(f"{'P     R     F  (gold n)':>28s}" for _ in columns))
    for row in result["pages"] + [{"doc_id": "all", **result["total"]}]:
        cells = "".join(
            f"{row[c]['p']:>11.3f}{row[c]['r']:6.3f}{row[c]['f']:6.3f} ({row[c]['tp'] + row[c]['fn']:3d})" for c in columns
        )
        print(f"{row['doc_id']:8s}{cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder holding dev/pages and gold/dev")
    parser.add_argument("--out", type=Path, help="an output folder of a run on the development pages (default: run the pipeline)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    pages, gold_dir = args.shared / "dev" / "pages", args.shared / "gold" / "dev"
    if not pages.is_dir() or not gold_dir.is_dir():
        print(f"the development set is not here ({pages}, {gold_dir}); pass --shared: nothing measured")
        return 0
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]
    if args.out:
        result = measure(golds, pages, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="dates-metrics-") as tmp:
            out = Path(tmp) / "out"
            run_pipeline(pages, out)
            result = measure(golds, pages, out)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
