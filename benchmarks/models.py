"""Benchmark the shipped models: word segmentation, NER and throughput.

Prints and writes ``benchmarks/models.json``:
- word segmentation P/R/F on ``cws/pku_test.txt`` and ``cws/msr_test.txt``;
- NER P/R/F overall and per label on ``msra_ner/test.bio`` and
  ``peoples_daily_ner/test.bio``, on character spans against the full gold (an
  entity the pipeline cannot express counts as missed), and how many gold entities
  start or end inside a word of the segmenter, and inside a token the NER reads
  (after ``extract_word_splits``);
- recall on the test entities the model has seen and on those it has not, overall and
  per label (unseen: the entity's text is never labelled in any training file, MSRA,
  People's Daily or CLUENER train, whichever the model was trained on); and the same with
  unseen meaning never labelled in the test set's own corpus's training file (the measure
  issue 24 was filed with), ``recall_seen_unseen_own_train``;
- P/R/F on CLUENER's development split with its labels mapped as training maps them
  (name -> PERSON; company, government, organization -> ORG; address -> LOC);
- throughput of the pipeline in characters per second on one core.
Test files are read for this report only. ``--dev`` prints the NER's scores on the
development splits instead (the last 5% of each training file, unseen counted against
the rest), which is what a model is chosen on. Usage:
  python benchmarks/models.py [--model models/zh_extract] [--corpora ../shared/corpora] [--dev]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from extract.nlp import STATISTICAL_NER, to_halfwidth  # noqa: E402
from training.prepare_ner import read_bio, read_cluener, split_dev  # noqa: E402


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "pred": n_pred, "gold": n_gold}


def word_spans(words: list[str]) -> set[tuple[int, int]]:
    spans, i = set(), 0
    for w in words:
        spans.add((i, i + len(w)))
        i += len(w)
    return spans


def score_segmentation(nlp, path: Path, limit: int | None = None) -> dict:
    tp = n_pred = n_gold = 0
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = lines[:limit] if limit else lines
    for gold_words in lines:
        text = "".join(gold_words)
        pred = [t.text for t in nlp.tokenizer(text) if not t.is_space]
        g, p = word_spans(gold_words), word_spans(pred)
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    return prf(tp, n_pred, n_gold)


def training_entity_texts(corpora: Path, names=("msra_ner", "peoples_daily_ner", "cluener"),
                          dev_fraction: float = 0.0) -> set[str]:
    """The texts labelled as an entity anywhere in the training files of the corpora
    ``names`` (without their last ``dev_fraction``, the development split)."""
    texts = set()
    for name in names:
        read, file = (read_cluener, "train.jsonl") if name == "cluener" else (read_bio, "train.bio")
        train, _ = split_dev(list(read(corpora / name / file)), dev_fraction)
        texts.update(text[s:e] for text, ents in train for s, e, label in ents if label is not None)
    return {to_halfwidth(t) for t in texts}


def development_split(read, dev_fraction: float):
    """A reader of a training file's development split (its last ``dev_fraction``)."""
    return lambda path: split_dev(list(read(path)), dev_fraction)[1]


def score_ner(nlp, path: Path, limit: int | None = None, seen: dict[str, set[str]] | None = None,
              read=read_bio) -> dict:
    """P/R/F overall and per label; with ``seen`` ({report field: entity texts of a training
    text}), recall on the gold entities in and not in each set."""
    seen = seen or {}
    sentences = [(text, [e for e in ents if e[2] is not None]) for text, ents in read(path)]
    sentences = sentences[:limit] if limit else sentences
    counts = {label: Counter() for label in ["PERSON", "ORG", "LOC"]}
    novelty = {field: {label: Counter() for label in counts} for field in seen}  # gold and found, seen and unseen
    texts = [to_halfwidth(t) for t, _ in sentences]
    inside_words = inside_tokens = 0
    splitter = nlp.get_pipe("extract_word_splits") if "extract_word_splits" in nlp.pipe_names else None
    for (text, gold), doc in zip(sentences, nlp.pipe(texts, batch_size=64)):
        gold_set = set(gold)
        # counted on the segmenter's words (the character NER splits a word an entity
        # cuts), and on the tokens the word-level NER reads (extract_word_splits cuts some)
        words = nlp.make_doc(doc.text)
        inside_words += sum(1 for s, e, _ in gold if words.char_span(s, e) is None)
        if splitter is not None:
            words = splitter(words)
        inside_tokens += sum(1 for s, e, _ in gold if words.char_span(s, e) is None)
        pred_set = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in counts}
        for label, c in counts.items():
            g = {x for x in gold_set if x[2] == label}
            p = {x for x in pred_set if x[2] == label}
            c["tp"] += len(g & p)
            c["pred"] += len(p)
            c["gold"] += len(g)
            for field, texts in seen.items():
                for entity in g:
                    kind = "seen" if to_halfwidth(text[entity[0]:entity[1]]) in texts else "unseen"
                    novelty[field][label][kind] += 1
                    novelty[field][label][kind + "_found"] += entity in p
    total = sum(counts.values(), Counter())
    extra = {field: {label: recall_by_novelty(c) for label, c in
                     [("overall", sum(by_label.values(), Counter())), *by_label.items()]}
             for field, by_label in novelty.items()}
    return {"overall": prf(total["tp"], total["pred"], total["gold"]), **extra,
            "gold_entities_not_on_word_boundaries": inside_words,
            "gold_entities_not_on_ner_token_boundaries": inside_tokens,
            **{label: prf(c["tp"], c["pred"], c["gold"]) for label, c in counts.items()}}


def recall_by_novelty(c: Counter) -> dict:
    return {kind: {"recall": round(c[kind + "_found"] / c[kind], 4) if c[kind] else 0.0, "gold": c[kind]}
            for kind in ["seen", "unseen"]}


def throughput(nlp, path: Path, max_chars: int = 200_000) -> dict:
    texts, total = [], 0
    for text, _ in read_bio(path):
        texts.append(to_halfwidth(text))
        total += len(text)
        if total >= max_chars:
            break
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    seconds = time.perf_counter() - start
    return {"chars": total, "seconds": round(seconds, 2), "chars_per_second": round(total / seconds)}


def score_corpora(nlp, corpora: Path, limit: int | None, dev_fraction: float = 0.0) -> dict:
    """NER scores on MSRA and People's Daily test and CLUENER dev; with ``dev_fraction``,
    on the development splits carved from the training files instead (for choosing a
    model), with seen and unseen counted against the rest of the training files."""
    seen = training_entity_texts(corpora, dev_fraction=dev_fraction)
    scores = {}
    for name, read, test in [("msra_ner", read_bio, "test.bio"), ("peoples_daily_ner", read_bio, "test.bio"),
                             ("cluener", read_cluener, "dev.jsonl")]:
        own = training_entity_texts(corpora, [name], dev_fraction)
        if dev_fraction:
            path, read = corpora / name / ("train.jsonl" if name == "cluener" else "train.bio"), development_split(read, dev_fraction)
        else:
            path = corpora / name / test
        key = "cluener_dev" if name == "cluener" and not dev_fraction else name
        scores[key] = score_ner(nlp, path, limit, {"recall_seen_unseen": seen, "recall_seen_unseen_own_train": own},
                                read=read)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "zh_extract")
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "models.json")
    parser.add_argument("--limit", type=int, default=None, help="first N lines/sentences only (quick look)")
    parser.add_argument("--dev", action="store_true",
                        help="NER on the development splits of the training files (to choose a model), not the test splits")
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    report = {
        "model": str(args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "cores_used": 1},
    }
    if args.dev:  # choosing a model: the NER on the development splits, printed only
        report["ner_development_splits"] = score_corpora(nlp, args.corpora, args.limit, args.dev_fraction)
        print(json.dumps(report, indent=1))
        return
    report["segmentation"] = {name: score_segmentation(nlp, args.corpora / "cws" / f"{name}.txt", args.limit)
                              for name in ["pku_test", "msr_test"]}
    print(json.dumps(report["segmentation"], indent=1), flush=True)
    if set(STATISTICAL_NER) & set(nlp.pipe_names):
        report["ner"] = score_corpora(nlp, args.corpora, args.limit)
        print(json.dumps(report["ner"], indent=1), flush=True)
    report["throughput"] = throughput(nlp, args.corpora / "msra_ner" / "test.bio")
    print(json.dumps(report["throughput"]), flush=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
