"""Convert BIO NER corpora to spaCy DocBin files, tokenised by the project's segmenter.

Full-width letters and digits are mapped to ASCII (one character for one, so the
tags stay aligned), as web text is written. Labels: PER -> PERSON, ORG, LOC.
An entity whose boundaries fall inside a token cannot be expressed; it is counted,
and its tokens are marked missing (not "outside") so training is not taught a wrong
O. The development split is the last ``--dev-fraction`` of the *training* file.
With ``--word-splits`` (a table from ``mine_word_splits.py``) the words in the table
are cut first, as the pipeline's ``extract_word_splits`` component cuts them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans

from extract.nlp import WordSplitter, to_halfwidth

LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}


def read_bio(path: Path) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, label)]) per sentence of a char<TAB>tag file."""
    chars: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if chars:
                yield "".join(chars), spans_of(tags)
            chars, tags = [], []
            continue
        char, _, tag = line.partition("\t")
        chars.append(char or " ")
        tags.append(tag.strip() or "O")
    if chars:
        yield "".join(chars), spans_of(tags)


def spans_of(tags: list[str]) -> list[tuple[int, int, str]]:
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not tag.startswith("I-"):
            spans.append((start, i, LABELS[label]))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return spans


def ner_tokens(nlp, texts: Iterable[str], splitter: WordSplitter | None = None) -> Iterator:
    """Docs of ``texts`` in the tokens the NER reads: full-width letters and digits mapped,
    segmented by the pipeline's tokenizer, and the words of ``splitter``'s table cut."""
    for doc in nlp.tokenizer.pipe(to_halfwidth(text) for text in texts):
        yield splitter(doc) if splitter is not None else doc


def to_docs(nlp, sentences, stats: dict, splitter: WordSplitter | None = None):
    for (_, ents), doc in zip(sentences, ner_tokens(nlp, (text for text, _ in sentences), splitter)):
        spans, missing = [], []
        for start, end, label in ents:
            stats["entities"] += 1
            span = doc.char_span(start, end, label=label)
            if span is None:
                stats["misaligned"] += 1
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    missing.append(span)
                continue
            spans.append(span)
        taken = {i for span in spans for i in range(span.start, span.end)}
        missing = [m for m in filter_spans(missing) if not taken & set(range(m.start, m.end))]
        doc.set_ents(spans, missing=missing, default="outside")
        yield doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pipeline", type=Path, help="a pipeline folder whose tokenizer to use")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--train", type=Path, action="append", required=True, help="BIO training file(s)")
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    parser.add_argument("--word-splits", type=Path, help="a table of words to cut (mine_word_splits.py)")
    args = parser.parse_args()
    nlp = spacy.load(args.pipeline)
    splitter = None
    if args.word_splits:
        splitter = WordSplitter(nlp.vocab)
        splitter.initialize(path=args.word_splits)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    report = {}
    train_bin, dev_bin = DocBin(), DocBin()
    for path in args.train:
        sentences = list(read_bio(path))
        n_dev = int(len(sentences) * args.dev_fraction)
        stats = {"entities": 0, "misaligned": 0}
        for i, doc in enumerate(to_docs(nlp, sentences, stats, splitter)):
            (dev_bin if i >= len(sentences) - n_dev else train_bin).add(doc)
        stats["misaligned_rate"] = round(stats["misaligned"] / max(1, stats["entities"]), 4)
        report[str(path)] = stats
        print(path, stats, flush=True)
    train_bin.to_disk(args.out_dir / "train.spacy")
    dev_bin.to_disk(args.out_dir / "dev.spacy")
    (args.out_dir / "alignment.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
