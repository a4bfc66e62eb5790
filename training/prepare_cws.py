"""Prepare word-segmentation training data for the pkuseg trainer.

Carves a development split off the *training* file (the last N% of lines); the
official ``*_test`` files are never read here. Output files are in the trainer's
input format: one line per sentence, words separated by single spaces.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def split_lines(lines: list[str], dev_fraction: float) -> tuple[list[str], list[str]]:
    n_dev = max(1, int(len(lines) * dev_fraction))
    return lines[:-n_dev], lines[-n_dev:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path, help="e.g. ../shared/corpora/cws/pku_train.txt")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    args = parser.parse_args()
    lines = [line.strip() for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    train, dev = split_lines(lines, args.dev_fraction)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "cws_train.txt").write_text("\n".join(train) + "\n", encoding="utf-8")
    (args.out_dir / "cws_dev.txt").write_text("\n".join(dev) + "\n", encoding="utf-8")
    print(f"train {len(train)} lines, dev {len(dev)} lines -> {args.out_dir}")


if __name__ == "__main__":
    main()
