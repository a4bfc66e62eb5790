"""The text for pretraining the NER's tok2vec (``spacy pretrain``): the words of the NER's
training split, each with its last character as TAG, as the pipeline's
``extract_word_ends`` gives it, so the pretrained embedding of that feature is the one
the NER reads. The entities are dropped. Development and test splits are never read
(``train.spacy`` from ``prepare_ner.py`` holds the training split only).

    python -m training.pretrain_text WORK/ner_cluener/train.spacy WORK/pretrain.spacy
"""
from __future__ import annotations

import argparse
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extract.nlp import mark_word_ends


def pretraining_docs(train: Path, out: Path) -> tuple[int, int]:
    """Write ``out``; return (documents, words)."""
    nlp = spacy.blank("zh")
    docs = DocBin(attrs=["ORTH", "TAG", "SPACY"], store_user_data=False)
    n_docs = n_words = 0
    for doc in DocBin().from_disk(train).get_docs(nlp.vocab):
        doc.ents = []
        docs.add(mark_word_ends(doc))
        n_docs, n_words = n_docs + 1, n_words + len(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    docs.to_disk(out)
    return n_docs, n_words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train", type=Path, help="train.spacy of prepare_ner.py")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    n_docs, n_words = pretraining_docs(args.train, args.out)
    print(f"{n_docs} documents, {n_words} words -> {args.out}")


if __name__ == "__main__":
    main()
