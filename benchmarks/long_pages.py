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
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from extract.clean import CleanDocument  # noqa: E402
from extract.ingest import RawDocument  # noqa: E402
from extract.nlp import load_pipeline  # noqa: E402
from extract.pipeline import MAX_PIECE_CHARS, analyse  # noqa: E402


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


# Our own sentences (no page text); each long page repeats them to the size wanted.
SENTENCE = "今年上半年，该市新增就业岗位1.2万个，同比增长8%。市人力资源局局长李华在发布会上介绍了有关情况。"
NO_PUNCTUATION = "该市新增就业岗位和企业数量持续增长"
MEMORY_PAGES = {
    "one sentence repeated, one line": lambda n: repeat_to(SENTENCE, n),
    "one sentence repeated, a paragraph per 10 sentences": lambda n: repeat_to((SENTENCE * 10) + "\n", n),
    "one line without punctuation": lambda n: repeat_to(NO_PUNCTUATION, n),
    "HTML, one paragraph element per sentence": lambda n: html_page(n),
}
PEAK_OF_ONE = """
import json, pickle, resource, sys, tempfile, time
from pathlib import Path
from extract.pipeline import Processor
with tempfile.TemporaryDirectory() as cache:
    processor = Processor(None if sys.argv[2] == "None" else sys.argv[2], Path(cache))
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    outcome = processor(Path(sys.argv[1]))  # read, clean, analyse, write the cache entry
    sent = len(pickle.dumps((outcome, processor.take_timings())))  # as a worker sends it back
    seconds = time.perf_counter() - start
result = outcome.get("result")
print(json.dumps({
    "seconds": round(seconds, 1), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "rss_after_model_load_mb": round(loaded),
    "outcome": "document" if result else "failure: " + outcome["failure"]["reason"],
    "text_chars": len(result["document"]["text"]) if result else 0,
    "title_chars": len(result["document"]["title"] or "") if result else 0,
    "records": sum(len(result[k]) for k in ("people", "organisations", "roles", "metrics", "dates")) if result else 0,
    "result_pickle_mb": round(sent / 2**20, 1),
}))
"""


def repeat_to(unit: str, n_bytes: int) -> str:
    """``unit`` repeated to at most ``n_bytes`` bytes of UTF-8."""
    return unit * (n_bytes // len(unit.encode("utf-8")))


def html_page(n_bytes: int) -> str:
    head, tail = "<html><head><title>某市就业形势</title></head><body><article>", "</article></body></html>"
    return head + repeat_to(f"<p>{SENTENCE}</p>\n", n_bytes - len((head + tail).encode("utf-8"))) + tail


def measure_memory(model: str, n_bytes: int, folder: Path, names: list[str]) -> dict:
    pages = {}
    for name in names:
        make = MEMORY_PAGES[name]
        path = folder / ("page.html" if name.startswith("HTML") else "page.txt")
        path.write_text(make(n_bytes), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", PEAK_OF_ONE, str(path), model], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        pages[name] = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-500:]}
        pages[name]["page_bytes"] = path.stat().st_size
        print(name, pages[name], flush=True)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000])
    parser.add_argument("--model", default=str(ROOT / "models" / "zh_extract"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--memory", action="store_true", help="peak RSS of a worker on pages of --mib MiB")
    parser.add_argument("--mib", type=float, default=9.99)
    parser.add_argument("--pages", nargs="+", choices=list(MEMORY_PAGES), default=list(MEMORY_PAGES),
                        help="with --memory: the pages to measure (the others keep their figures in the file)")
    args = parser.parse_args()
    machine = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cpus": os.cpu_count(), "python": platform.python_version(), "cores_used": 1}
    if args.memory:
        out = args.out or ROOT / "benchmarks" / "long_pages_memory.json"
        earlier = json.loads(out.read_text(encoding="utf-8"))["pages"] if out.exists() else {}
        with tempfile.TemporaryDirectory() as tmp:
            pages = measure_memory(args.model, int(args.mib * 2**20), Path(tmp), args.pages)
        pages = {name: pages.get(name) or earlier[name] for name in MEMORY_PAGES if name in pages or name in earlier}
        report = {"machine": machine, "model": os.path.relpath(args.model, ROOT) if args.model != "None" else "rules only",
                  "max_piece_chars": MAX_PIECE_CHARS, "pages": pages}
        out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    args.out = args.out or ROOT / "benchmarks" / "long_pages.json"
    nlp = load_pipeline(None if args.model == "None" else args.model)
    measure(nlp, long_page(2_000))  # warm-up: first-call costs are not the page's
    pages = {}
    for size in args.sizes:
        pages[str(size)] = measure(nlp, long_page(size))
        print(f"{size} characters: {pages[str(size)]['chars_per_second']} chars/s, {pages[str(size)]['seconds']} s",
              flush=True)
    report = {
        "machine": machine,
        "model": os.path.relpath(args.model, ROOT) if args.model != "None" else "rules only",
        "pages": pages,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
