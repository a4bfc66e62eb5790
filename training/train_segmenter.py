"""Train a spacy-pkuseg segmenter (the trainer prints the development F after each iteration).

``--reg`` is the trainer's regularisation: the sigma of the Gaussian prior on the
weights (larger is weaker), which spacy-pkuseg's ``train`` does not take as an argument.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import spacy_pkuseg
from spacy_pkuseg.config import config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train", type=Path, help="segmented text, one sentence per line")
    parser.add_argument("dev", type=Path, help="segmented text the trainer scores after each iteration")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--iterations", type=int, default=16)  # as train.sh
    parser.add_argument("--reg", type=float, default=config.reg)
    args = parser.parse_args()
    config.reg = args.reg
    spacy_pkuseg.train(str(args.train), str(args.dev), str(args.out_dir), train_iter=args.iterations)


if __name__ == "__main__":
    main()
