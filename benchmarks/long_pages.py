"""Does the time per character stay flat as one page grows? Measured on this machine.

Builds single pages of increasing length by joining the seed pages' texts, runs the
pipeline's per-document analysis on each (one process, one core) and reports characters
per second and the time of each stage per page length. A stage whose time grows faster
than the page (a pass over the whole document for every match, say) shows as falling
characters per second. Writes ``benchmarks/long_pages.json``. Usage:
  python benchmarks/long_pages.py [--sizes 10000 50000 200000] [--model models/zh_extract]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from extract.clean import CleanDocument  # noqa: E402
from extract.ingest import RawDocument  # noqa: E402
from extract.nlp import load_pipeline  # noqa: E402
from extract.pipeline import analyse  # noqa: E402


def long_page(chars: int) -> str:
    """The seed pages' texts, joined and repeated to exactly ``chars`` characters."""
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return (seeds * (chars // len(seeds) + 1))[:chars]


def measure(nlp, text: str) -> dict:
    raw = RawDocument(id="long", source="long.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)
    timings: Counter = Counter()
    start = time.perf_counter()
    analyse(nlp, CleanDocument(raw, "", None, None, text), timings)
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "chars_per_second": round(len(text) / seconds),
            "timings": {k: round(v, 2) for k, v in sorted(timings.items(), key=lambda kv: -kv[1])}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000])
    parser.add_argument("--model", default=str(ROOT / "models" / "zh_extract"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "long_pages.json")
    args = parser.parse_args()
    nlp = load_pipeline(None if args.model == "None" else args.model)
    measure(nlp, long_page(2_000))  # warm-up: first-call costs are not the page's
    pages = {}
    for size in args.sizes:
        pages[str(size)] = measure(nlp, long_page(size))
        print(f"{size} characters: {pages[str(size)]['chars_per_second']} chars/s, {pages[str(size)]['seconds']} s",
              flush=True)
    report = {
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version(), "cores_used": 1},
        "model": os.path.relpath(args.model, ROOT) if args.model != "None" else "rules only",
        "pages": pages,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
