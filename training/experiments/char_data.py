"""Character-level NER data for the experiments: the MSRA and People's Daily training
files split as ``prepare_ner.py`` splits them (the last 5% for development), each
character with its place in the shipped segmenter's word (B, M, E or S) and its BIO
tag; and scoring on character spans against the full gold, as ``benchmarks/models.py``."""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import spacy

from extract.nlp import to_halfwidth
from training.prepare_ner import read_bio, split_dev

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIRS = {"msra": "msra_ner", "pd": "peoples_daily_ner"}
LABELS = ["PERSON", "ORG", "LOC"]
TAGS = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in "BI"]


class Sentence(NamedTuple):
    text: str  # full-width letters and digits made ASCII, as the pipeline reads them
    word_positions: list[str]  # B, M, E or S: the character's place in its word
    tags: list[str]  # BIO tags of the gold entities


def bio_tags(length: int, spans) -> list[str]:
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags


def tag_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entities of a predicted tag sequence; an I- tag that does not continue an entity
    of its label starts one."""
    spans, start, label = set(), None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and tag != f"I-{label}":
            spans.add((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans


def word_positions(doc) -> list[str]:
    positions = []
    for token in doc:
        n = len(token.text_with_ws)
        positions += ["S"] if n == 1 else ["B"] + ["M"] * (n - 2) + ["E"]
    return positions


def sentences_of(nlp, bio: list[tuple[str, list]]) -> list[Sentence]:
    texts = [to_halfwidth(text) for text, _ in bio]
    return [Sentence(doc.text, word_positions(doc), bio_tags(len(text), spans))
            for (text, spans), doc in zip(bio, nlp.tokenizer.pipe(texts, batch_size=256))]


def load_splits(corpora: Path, model: Path) -> dict[str, tuple[list[Sentence], list[Sentence]]]:
    """(training, development) sentences of each NER corpus; test files are not read."""
    nlp = spacy.load(model)
    splits = {}
    for name, folder in CORPUS_DIRS.items():
        train, dev = split_dev(list(read_bio(corpora / folder / "train.bio")), 0.05)
        splits[name] = (sentences_of(nlp, train), sentences_of(nlp, dev))
    return splits


def score(predicted: list[list[str]], gold: list[Sentence]) -> dict:
    counts = Counter()
    for tags, sentence in zip(predicted, gold):
        p, g = tag_spans(tags), tag_spans(sentence.tags)
        for label in ["", *LABELS]:
            counts[label, "tp"] += sum(1 for s in p & g if label in ("", s[2]))
            counts[label, "pred"] += sum(1 for s in p if label in ("", s[2]))
            counts[label, "gold"] += sum(1 for s in g if label in ("", s[2]))

    def prf(label: str) -> dict:
        tp, n_pred, n_gold = (counts[label, k] for k in ("tp", "pred", "gold"))
        p, r = tp / max(1, n_pred), tp / max(1, n_gold)
        return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / max(1e-9, p + r), 4)}

    return {"overall": prf(""), **{label: prf(label)["f"] for label in LABELS}}


def experiment_arguments(description: str, out_help: str) -> argparse.ArgumentParser:
    """The arguments every experiment takes: corpora, segmenter, training corpora, output."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "zh_extract", help="whose segmenter to use")
    parser.add_argument("--train", action="append", choices=sorted(CORPUS_DIRS), required=True)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    return parser
