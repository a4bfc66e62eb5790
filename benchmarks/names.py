"""Benchmark the names: people, organisations, roles and the roles' organisations.

Runs the pipeline on the development pages (``<shared>/dev/pages``) and, with
``--seeds``, on ``seeds/``, scores them with the shared scorer
(``<shared>/tools/score.py``) against ``<shared>/gold/dev`` (``gold/seeds``), and
prints P/R/F per field for the whole set and for each page, and the accuracy of the
roles' organisations. Writes ``benchmarks/names.json``. The shared folder is not part
of the repository: without it the script says so and exits without error.

With ``--cluener N`` it also scores people and organisations on the first N sentences
of CLUENER's development split (``<shared>/corpora/cluener/dev.jsonl``; ``name`` as
people, ``company``/``organization``/``government`` as organisations): sentences of
other sources than news, labelled by other rules, so a proxy for pages nobody tuned
for rather than a target.

  python benchmarks/names.py [--shared ../shared] [--seeds] [--cluener 600] [--model models/zh_extract]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIELDS = ("people", "organisations", "roles")


def score(scorer: Path, outputs: Path, gold: Path, sources: Path) -> dict:
    """The shared scorer's figures (``--json``) for ``outputs`` against ``gold``."""
    done = subprocess.run([sys.executable, str(scorer), str(outputs), str(gold), "--sources", str(sources), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def names_figures(result: dict) -> dict:
    figures = {field: result[field] for field in FIELDS}
    figures["role_org"] = result["role_org"]
    return figures


def per_page(scorer: Path, outputs: Path, gold: Path, sources: Path) -> dict[str, dict]:
    """Figures of each page: the scorer run on a gold folder holding that page alone."""
    pages = {}
    for gold_file in sorted(gold.glob("*.json")):
        with tempfile.TemporaryDirectory() as one:
            shutil.copy(gold_file, one)
            pages[gold_file.stem] = names_figures(score(scorer, outputs, Path(one), sources))
    return pages


def measure(name: str, pages: Path, gold: Path, scorer: Path, model: str) -> dict:
    from extract.pipeline import run

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        result = run([pages], out, model, workers=1, cache_dir=Path(tmp) / "cache")
        if result.failures:
            print(f"{name}: {len(result.failures)} page(s) failed: {result.failures}", file=sys.stderr)
        total = score(scorer, out, gold, pages)
        return {"set": name, "total": names_figures(total), "macro_f": total["macro_f"],
                "pages": per_page(scorer, out, gold, pages)}


def cluener_proxy(path: Path, limit: int, model: str) -> dict:
    """People and organisation P/R/F on the first ``limit`` CLUENER sentences, as sets
    of strings per sentence."""
    from extract.nlp import load_pipeline

    nlp = load_pipeline(model)
    counts = {"people": [0, 0, 0], "organisations": [0, 0, 0]}
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    for row in map(json.loads, lines):
        labels = row.get("label", {})
        gold = {"people": set(labels.get("name", {})),
                "organisations": set().union(*(set(labels.get(k, {})) for k in ("company", "organization", "government")))}
        doc = nlp(row["text"])
        for field in counts:
            pred = {s.text for s in doc.spans[field]}
            counts[field][0] += len(pred & gold[field])
            counts[field][1] += len(pred - gold[field])
            counts[field][2] += len(gold[field] - pred)
    out = {"sentences": len(lines)}
    for field, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[field] = {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                      "tp": tp, "fp": fp, "fn": fn}
    return out


def line(label: str, figures: dict) -> str:
    cells = [f"{figures[f]['p']:.3f} {figures[f]['r']:.3f} {figures[f]['f']:.3f}"
             if figures[f]["tp"] + figures[f]["fp"] + figures[f]["fn"] else "- (none)" for f in FIELDS]
    org = figures["role_org"]
    org_cell = f"{org['accuracy']:.3f} ({org['n']})" if org["n"] else "-"
    return f"| {label} | " + " | ".join(cells) + f" | {org_cell} |"


def table(report: dict) -> str:
    rows = ["| page | people P R F | organisations P R F | roles P R F | role organisation right (n) |",
            "| --- | --- | --- | --- | --- |"]
    rows.append(line(f"**{report['set']} (all)**", report["total"]))
    rows += [line(page, figures) for page, figures in report["pages"].items()]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--seeds", action="store_true", help="also measure seeds/ against gold/seeds")
    parser.add_argument("--cluener", type=int, default=0, metavar="N",
                        help="also score people and organisations on N CLUENER development sentences")
    parser.add_argument("--model", default=str(ROOT / "models" / "zh_extract"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "names.json")
    args = parser.parse_args()
    shared = args.shared
    scorer = shared / "tools" / "score.py"
    if not (shared / "dev" / "pages").is_dir() or not scorer.is_file():
        print(f"The shared development set is not available at {shared} (dev/pages, gold/dev, tools/score.py): "
              "nothing to measure.")
        return 0
    reports = [measure("dev", shared / "dev" / "pages", shared / "gold" / "dev", scorer, args.model)]
    if args.seeds:
        reports.append(measure("seeds", ROOT / "seeds", shared / "gold" / "seeds", scorer, args.model))
    for report in reports:
        print(table(report))
        print(f"macro F over people, organisations, roles, metrics, dates: {report['macro_f']:.3f}\n")
    cluener = shared / "corpora" / "cluener" / "dev.jsonl"
    if args.cluener and cluener.is_file():
        proxy = cluener_proxy(cluener, args.cluener, args.model)
        reports.append({"set": "cluener-dev", **proxy})
        print(f"CLUENER dev, {proxy['sentences']} sentences (proxy): " + "; ".join(
            f"{field} P {proxy[field]['p']:.3f} R {proxy[field]['r']:.3f} F {proxy[field]['f']:.3f}"
            for field in ("people", "organisations")))
    args.out.write_text(json.dumps(reports, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
