"""Mine job titles from CLUENER's training split (``position`` spans) into a word list.

Keeps surfaces seen at least ``--min-count`` times, 2-8 characters, made of Chinese
characters only. The held-out ``dev.jsonl`` is not read. Writes one title per line.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path


def mine(train: Path, min_count: int) -> list[str]:
    counts: Counter[str] = Counter()
    for line in train.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for surface, spans in record.get("label", {}).get("position", {}).items():
            counts[surface] += len(spans)
    return sorted(
        (t for t, n in counts.items() if n >= min_count and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", t)),
        key=lambda t: (-counts[t], t),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train", type=Path, help="../shared/corpora/cluener/train.jsonl")
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    titles = mine(args.train, args.min_count)
    header = "# job titles mined from CLUENER train `position` spans (training/mine_titles.py)\n"
    args.out.write_text(header + "\n".join(titles) + "\n", encoding="utf-8")
    print(f"{len(titles)} titles -> {args.out}")


if __name__ == "__main__":
    main()
