"""End-to-end throughput of `extract run`, measured on this machine.

Builds a corpus by repeating the seed pages (each copy its own file, with a changed
first line) up to ``--megabytes``, then runs the whole pipeline with 1 and 2 workers
and with the Ray engine on a local 2-CPU Ray instance (no cache, fresh output folders),
and reports characters per second, the speed-ups, peak RSS per worker process and the
time spent in each stage. Writes ``benchmarks/throughput.json``. Usage:
  python benchmarks/throughput.py [--megabytes 20] [--model models/zh_extract] [--no-ray] [--pairs 1]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_corpus(folder: Path, megabytes: float) -> tuple[int, int]:
    """Copies of the seeds up to ``megabytes`` of UTF-8; returns (files, characters)."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    target, size, chars, n = megabytes * 1e6, 0, 0, 0
    while size < target:
        for seed in seeds:
            text = f"副本{n}\n" + seed.read_text(encoding="utf-8")
            (folder / f"{seed.stem}_{n:06d}.txt").write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
            chars += len(text)
            n += 1
    return n, chars


def measure(corpus: Path, workers: int, model: str, engine: str = "pipeline") -> dict:
    """One run in a child process (so its peak RSS and its workers' are its own).
    ``engine`` is the module whose ``run`` is timed: pipeline (local) or ray_engine; the
    Ray run includes starting and stopping the local Ray instance. Neither shows progress:
    the local run is given no progress callback, and the Ray run is quiet, as ``extract
    run`` makes it when stderr is not a terminal (else Ray Data would draw its progress
    bars and log its plans into the captured stderr)."""
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    quiet = ", quiet=True" if engine == "ray_engine" else ""
    code = f"""
import json, resource, sys, time
from pathlib import Path
from extract.{engine} import run
start = time.perf_counter()
result = run([Path({str(corpus)!r})], Path({str(out)!r}), {model!r}, workers={workers}, cache_dir=None{quiet})
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "documents": result.documents,
    "timings": dict(result.timings),
    "peak_rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=20.0)
    parser.add_argument("--model", default=str(ROOT / "models" / "zh_extract"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "throughput.json")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine run")
    parser.add_argument("--pairs", type=int, default=1,
                        help="2-worker and Ray runs, taken in turn so that the machine's drift "
                             "touches both (the Ray ratio reported is the median over pairs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        corpus = Path(tmp)
        files, chars = build_corpus(corpus, args.megabytes)
        print(f"corpus: {files} files, {chars} characters ({args.megabytes} MB)", flush=True)
        runs = {}
        plan = [("workers_1", 1, "pipeline")]
        for i in range(max(1, args.pairs)):
            suffix = f"_{i + 1}" if i else ""  # the first pair keeps the plain names
            plan += [(f"workers_2{suffix}", 2, "pipeline")]
            plan += [] if args.no_ray else [(f"ray_2_cpus{suffix}", 2, "ray_engine")]
        for name, workers, engine in plan:
            result = measure(corpus, workers, args.model, engine)
            result["chars_per_second"] = round(chars / result["seconds"])
            result["timings"] = {k: round(v, 2) for k, v in sorted(result["timings"].items(), key=lambda kv: -kv[1])}
            runs[name] = result
            print(f"{name}: {result['chars_per_second']} chars/s, {result['seconds']:.1f} s", flush=True)
    report = {
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "model": os.path.relpath(args.model, ROOT) if args.model != "None" else "rules only",
        "corpus": {"files": files, "characters": chars, "megabytes": args.megabytes},
        "runs": runs,
        "speedup_2_vs_1": round(runs["workers_2"]["chars_per_second"] / runs["workers_1"]["chars_per_second"], 2),
        "note": "peak_rss_worker_mb is the largest resident set of any child process (one worker); "
                "with 1 worker the work runs in the main process. Stage timings are summed over workers. "
                "Ray's actors are not children of the measuring process, so the Ray run has no worker RSS.",
    }
    ratios = [round(runs[name]["chars_per_second"] / runs[name.replace("ray_2_cpus", "workers_2")]["chars_per_second"], 2)
              for name in runs if name.startswith("ray_2_cpus")]
    if ratios:
        report["ray_vs_2_workers"] = statistics.median(ratios)
        report["ray_vs_2_workers_per_pair"] = ratios
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ["corpus", "speedup_2_vs_1", "ray_vs_2_workers"] if k in report}))


if __name__ == "__main__":
    main()
