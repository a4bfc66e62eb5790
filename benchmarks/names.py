"""Benchmark the names: people, organisations, roles and the roles' organisations.

Runs the pipeline on the development pages (``<shared>/dev/pages``) and, with
``--seeds``, on ``seeds/``, scores them with the shared scorer
(``<shared>/tools/score.py``) against ``<shared>/gold/dev`` (``gold/seeds``), and
prints P/R/F per field for the whole set and for each page, and the accuracy of the
roles' organisations. Writes ``benchmarks/names.json``. The shared folder is not part
of the repository: without it the script says so and exits without error.

  python benchmarks/names.py [--shared ../shared] [--seeds] [--model models/zh_extract]
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
    args.out.write_text(json.dumps(reports, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
