"""Does a group-by step of the Ray engine stay cheap as the number of groups grows?

The Ray engine's group-by steps (people by name, organisations by name and by component)
use ``extract.ray_engine.grouped``, which sorts and cuts each sorted block into its
groups in one pass, instead of Ray Data's ``groupby().map_groups()``, which makes a block
of every group. This script times both on the same data, a local Ray instance with 2
CPUs, rows of random 12-character keys with two rows per key and a step that counts each
group's rows, and checks that they give the same groups. Writes
``benchmarks/ray_groups.json``. Usage:
  python benchmarks/ray_groups.py [--groups 1000 10000 50000]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rows_of(groups: int) -> list[dict]:
    """Two rows for each of ``groups`` keys, the keys spread over the rows."""
    return [{"name": hashlib.sha1(str(i % groups).encode()).hexdigest()[:12], "value": i} for i in range(2 * groups)]


def count_rows(group: dict) -> dict:
    return {"name": [group["name"][0]], "rows": [len(group["value"])]}


def timed(make) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    rows = make().take_all()
    return time.perf_counter() - start, sorted(rows, key=lambda row: row["name"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "ray_groups.json")
    args = parser.parse_args()

    import ray
    import ray.data

    from extract.ray_engine import configure_data, connect, grouped

    connect(2, quiet=True)
    configure_data(quiet=True, partitions=2)
    results = []
    try:
        for groups in args.groups:
            ds = ray.data.from_items(rows_of(groups), override_num_blocks=2).materialize()
            ds.sort("name").materialize()  # the first execution starts the task workers
            ours, ours_rows = timed(lambda: grouped(ds, "name", count_rows))
            rays, rays_rows = timed(lambda: ds.groupby("name").map_groups(count_rows))
            assert ours_rows == rays_rows, "grouped and map_groups disagree"
            results.append({"groups": groups, "rows": 2 * groups, "grouped_seconds": round(ours, 2),
                            "map_groups_seconds": round(rays, 2)})
            print(f"{groups} groups: grouped {ours:.2f} s, map_groups {rays:.2f} s", flush=True)
    finally:
        ray.shutdown()
    report = {"machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                          "cpus": os.cpu_count(), "python": platform.python_version(), "ray": ray.__version__},
              "runs": results}
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
