"""Train floret word vectors on the NER's own tokens, for the NER's static-vector feature.

The text is the NER training split (``train.spacy`` from ``prepare_ner.py``: already
tokenised by the project's segmenter, full-width mapped and the word-split table applied)
and, with ``--jsonl``, the ``text`` field of more training files (CLUENER's train split),
tokenised the same way. Development and test splits are never read. floret hashes each
word and its character n-grams into a fixed table, so a word never seen in training
still gets a vector from its characters, and the table's size does not grow with the
vocabulary. Writes ``OUT/vectors.floret`` and ``OUT/vectors_text.txt``.

Tried and not taken (README): the NER with these vectors scored as without them. To
repeat it (``pip install -e ".[train]"``; W is training/work after training/train.sh):
  python -m training.train_vectors models/zh_extract W/ner/train.spacy W/vectors \
      --jsonl ../shared/corpora/cluener/train.jsonl
  python -m spacy init vectors zh W/vectors/vectors.floret W/vectors/model --mode floret
  then train_ner in train.sh with --paths.vectors W/vectors/model
      --components.tok2vec.model.embed.include_static_vectors true
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extract.nlp import WORD_SPLITS_FILE, WordSplitter
from training.prepare_ner import ner_tokens


def docbin_lines(nlp, path: Path):
    for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
        yield " ".join(token.text for token in doc if not token.is_space)


def jsonl_lines(nlp, splitter: WordSplitter, path: Path):
    texts = (json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip())
    for doc in ner_tokens(nlp, texts, splitter):
        yield " ".join(token.text for token in doc if not token.is_space)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pipeline", type=Path, help="a pipeline folder whose tokenizer and word splits to use")
    parser.add_argument("train_docs", type=Path, help="train.spacy from prepare_ner.py")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--jsonl", type=Path, action="append", default=[], help="more training text (a text field)")
    parser.add_argument("--word-splits", type=Path, help=f"default: PIPELINE/extract_word_splits/{WORD_SPLITS_FILE}")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--bucket", type=int, default=40000, help="rows of the hashed vector table")
    parser.add_argument("--minn", type=int, default=1)
    parser.add_argument("--maxn", type=int, default=2)
    parser.add_argument("--epoch", type=int, default=10)
    args = parser.parse_args()
    import floret

    nlp = spacy.load(args.pipeline)
    splitter = WordSplitter(nlp.vocab)
    splitter.initialize(path=args.word_splits or args.pipeline / "extract_word_splits" / WORD_SPLITS_FILE)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    text_path = args.out_dir / "vectors_text.txt"
    with text_path.open("w", encoding="utf-8") as out:
        lines = 0
        for line in docbin_lines(nlp, args.train_docs):
            out.write(line + "\n")
            lines += 1
        for path in args.jsonl:
            for line in jsonl_lines(nlp, splitter, path):
                out.write(line + "\n")
                lines += 1
    print(f"{lines} lines of tokens -> {text_path}", flush=True)
    # one thread: floret's result then depends only on its seed and the text
    model = floret.train_unsupervised(
        str(text_path), model="skipgram", mode="floret", hashCount=2, bucket=args.bucket, dim=args.dim,
        minn=args.minn, maxn=args.maxn, epoch=args.epoch, minCount=1, thread=1, verbose=1,
    )
    model.save_floret_vectors(str(args.out_dir / "vectors.floret"))
    print(f"vectors ({args.bucket} x {args.dim}) -> {args.out_dir / 'vectors.floret'}")


if __name__ == "__main__":
    main()
