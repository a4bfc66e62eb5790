"""Train a spacy-pkuseg segmenter (the trainer prints the development F after each iteration).

``--reg`` is the trainer's regularisation: the sigma of the Gaussian prior on the
weights (larger is weaker), which spacy-pkuseg's ``train`` does not take as an argument.
``--checkpoint-from N`` also saves the model after each iteration from the Nth on, as
``OUT_DIR/iteration-N/`` (a whole pkuseg model directory), so that a long run can be cut
short or an earlier iteration chosen; the library only saves after the last one.
``--extra-ngrams`` gives the model the character n-gram features the library's extractor
lacks (``extract.segmenter.EXTRA_NGRAMS``), which the pipeline's segmenter computes at
run time.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy_pkuseg
from spacy_pkuseg import trainer
from spacy_pkuseg.config import config
from spacy_pkuseg.feature_extractor import FeatureExtractor

from extract.segmenter import extra_feature_names


def add_extra_ngrams() -> None:
    """Make the library's training-time extractor, which names each node's features as
    strings, also give the ``EXTRA_NGRAMS`` features (after its own, as at run time)."""
    library = FeatureExtractor.get_node_features

    def get_node_features(self, idx, wordary):
        return library(self, idx, wordary) + extra_feature_names(wordary, idx)

    FeatureExtractor.get_node_features = get_node_features


def save_checkpoints(out_dir: Path, first: int) -> None:
    """Make the trainer save its model after each iteration from ``first`` on (the trainer
    scores the development file once per iteration, through ``Trainer.test``)."""
    test = trainer.Trainer.test

    def test_and_save(self, testset, iteration):
        scores = test(self, testset, iteration)
        if iteration + 1 >= first:
            checkpoint = out_dir / f"iteration-{iteration + 1}"
            checkpoint.mkdir(parents=True, exist_ok=True)
            shutil.copy(out_dir / "features.msgpack", checkpoint)  # saved before the first iteration
            self.model.save(str(checkpoint))
        return scores

    trainer.Trainer.test = test_and_save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train", type=Path, help="segmented text, one sentence per line")
    parser.add_argument("dev", type=Path, help="segmented text the trainer scores after each iteration")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--iterations", type=int, default=16)  # as train.sh
    parser.add_argument("--reg", type=float, default=config.reg)
    parser.add_argument("--checkpoint-from", type=int, default=0, metavar="N",
                        help="save the model after each iteration from the Nth on (0: only at the end)")
    parser.add_argument("--extra-ngrams", action="store_true",
                        help="add the character n-gram features of extract.segmenter.EXTRA_NGRAMS")
    args = parser.parse_args()
    config.reg = args.reg
    if args.extra_ngrams:
        add_extra_ngrams()
    if args.checkpoint_from:
        save_checkpoints(args.out_dir, args.checkpoint_from)
    spacy_pkuseg.train(str(args.train), str(args.dev), str(args.out_dir), train_iter=args.iterations)


if __name__ == "__main__":
    main()
