"""Convert BIO NER corpora to spaCy DocBin files, tokenised by the project's segmenter.

Full-width letters and digits are mapped to ASCII (one character for one, so the
tags stay aligned), as web text is written. Labels: PER -> PERSON, ORG, LOC.
CLUENER's JSON Lines (``--cluener``; 2010s news with companies, brokerages and foreign
names) join them with their labels mapped: name -> PERSON; company, government,
organization -> ORG; address -> LOC. Its other types (position, book, game, movie,
scene) are marked missing, since the other corpora's conventions for them differ.
An entity whose boundaries fall inside a token cannot be expressed; it is counted,
and its tokens are marked missing (not "outside") so training is not taught a wrong
O. The development split is the last ``--dev-fraction`` of the *training* file.
With ``--word-splits`` (a table from ``mine_word_splits.py``) the words in the table
are cut first, as the pipeline's ``extract_word_splits`` component cuts them.

With ``--follow-first``, the first training file's conventions win where the corpora
disagree: a string the first file labels as an entity but a later file leaves
unlabelled (MSRA labels 十五大 and 人大 as organisations, People's Daily never does) is
marked missing where that later file leaves it unlabelled, so that training is not
taught both answers (see ``convention_conflicts``).
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from functools import partial
from pathlib import Path
from typing import AbstractSet, Iterable, Iterator

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans

from extract.nlp import KNOWN_WORDS_FILE, WordSplitter, to_halfwidth
from training.augment_ner import augment

LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
# CLUENER's types mapped to the NER's labels; a type not here is marked missing (None)
CLUENER_LABELS = {"name": "PERSON", "company": "ORG", "government": "ORG", "organization": "ORG",
                  "address": "LOC"}


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


def read_cluener(path: Path, missing: AbstractSet[str] = frozenset()) -> Iterator[tuple[str, list[tuple[int, int, str | None]]]]:
    """(text, [(start, end, label)]) per record of a CLUENER JSON Lines file; ``end`` is
    exclusive (CLUENER's is inclusive) and ``label`` is None for a type that is not
    mapped (see ``CLUENER_LABELS``) or is one of ``missing``. Overlapping spans are all kept; ``to_docs`` sorts
    them out."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        spans = [(start, end + 1, None if kind in missing else CLUENER_LABELS.get(kind))
                 for kind, strings in (record.get("label") or {}).items()
                 for positions in strings.values() for start, end in positions]
        yield record["text"], sorted(spans, key=lambda s: (s[0], s[1], s[2] or ""))


def split_dev(sentences: list, dev_fraction: float) -> tuple[list, list]:
    """(training, development): the development split is the last ``dev_fraction``."""
    n_dev = int(len(sentences) * dev_fraction)
    return sentences[: len(sentences) - n_dev], sentences[len(sentences) - n_dev:]


def spans_of(tags: list[str]) -> list[tuple[int, int, str]]:
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and not tag.startswith("I-"):
            spans.append((start, i, LABELS[label]))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return spans


def unlabelled_occurrences(text: str, ents, strings: AbstractSet[str], max_len: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of one of ``strings`` in ``text`` that overlaps none
    of the entities ``ents``."""
    if not strings:  # nothing to mask: to_docs calls this for every sentence
        return
    covered = [False] * len(text)
    for start, end, _ in ents:
        covered[start:end] = [True] * (end - start)
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + max_len) + 1):
            if covered[end - 1]:
                break
            if text[start:end] in strings:
                yield start, end


def label_counts(sentences, strings: set[str]) -> tuple[Counter, Counter]:
    """How often each of ``strings`` is labelled exactly as an entity, and how often it
    occurs outside any entity."""
    labelled, unlabelled = Counter(), Counter()
    max_len = max(map(len, strings), default=0)
    for text, ents in sentences:
        labelled.update(text[start:end] for start, end, _ in ents if text[start:end] in strings)
        unlabelled.update(text[start:end] for start, end in unlabelled_occurrences(text, ents, strings, max_len))
    return labelled, unlabelled


def convention_conflicts(reference, other, *, min_labelled: int = 3, min_share: float = 0.5,
                         max_share: float = 0.1) -> set[str]:
    """Strings that the ``reference`` sentences label as entities (at least
    ``min_labelled`` times, and in at least ``min_share`` of the occurrences outside other
    entities) while the ``other`` sentences leave them unlabelled (at least once, and
    labelled in at most ``max_share`` of such occurrences)."""
    counts = Counter(text[start:end] for text, ents in reference for start, end, _ in ents)
    candidates = {string for string, n in counts.items() if n >= min_labelled}
    ref_labelled, ref_unlabelled = label_counts(reference, candidates)
    candidates = {s for s in candidates if ref_labelled[s] >= min_share * (ref_labelled[s] + ref_unlabelled[s])}
    labelled, unlabelled = label_counts(other, candidates)
    return {s for s in candidates if unlabelled[s] and labelled[s] <= max_share * (labelled[s] + unlabelled[s])}


def ner_tokens(nlp, texts: Iterable[str], splitter: WordSplitter | None = None) -> Iterator:
    """Docs of ``texts`` in the tokens the NER reads: full-width letters and digits mapped,
    segmented by the pipeline's tokenizer, and the words of ``splitter``'s table cut."""
    for doc in nlp.tokenizer.pipe(to_halfwidth(text) for text in texts):
        yield splitter(doc) if splitter is not None else doc


def to_docs(nlp, sentences, stats: dict, splitter: WordSplitter | None = None, masked: AbstractSet[str] = frozenset()):
    """Docs with their entities; the tokens of an entity the tokens cannot express, and
    the unlabelled occurrences of the ``masked`` strings, and the spans whose label is
    None (a type the NER does not learn), are marked missing; of overlapping entities,
    the longest is kept and the others' tokens are marked missing."""
    max_len = max(map(len, masked), default=0)
    for (text, ents), doc in zip(sentences, ner_tokens(nlp, (text for text, _ in sentences), splitter)):
        spans, missing = [], []
        for start, end in unlabelled_occurrences(text, ents, masked, max_len):
            stats["masked"] += 1
            missing.append(doc.char_span(start, end, alignment_mode="expand"))
        for start, end, label in ents:
            if label is None:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    missing.append(span)
                continue
            stats["entities"] += 1
            span = doc.char_span(start, end, label=label)
            if span is None:
                stats["misaligned"] += 1
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    missing.append(span)
                continue
            spans.append(span)
        kept = filter_spans(spans)
        missing += [span for span in spans if span not in kept]
        spans = kept
        taken = {i for span in spans for i in range(span.start, span.end)}
        missing = [m for m in filter_spans(missing) if not taken & set(range(m.start, m.end))]
        doc.set_ents(spans, missing=missing, default="outside")
        yield doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pipeline", type=Path, help="a pipeline folder whose tokenizer to use")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--train", type=Path, action="append", required=True, help="BIO training file(s)")
    parser.add_argument("--cluener", type=Path, action="append", default=[],
                        help="CLUENER JSON Lines training file(s), labels mapped (see CLUENER_LABELS)")
    parser.add_argument("--cluener-missing", action="append", default=[], metavar="TYPE",
                        help="a CLUENER type to mark missing rather than map (e.g. address)")
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    parser.add_argument("--word-splits", type=Path, help="a table of words to cut (mine_word_splits.py)")
    parser.add_argument("--follow-first", action="store_true",
                        help="where a later file leaves unlabelled a string the first labels, mark it missing")
    parser.add_argument("--augment", type=float, default=0.0, metavar="SHARE",
                        help="add copies of this share of each training split's sentences with entities, "
                             "their names replaced by new ones (training/augment_ner.py)")
    parser.add_argument("--known-min-count", type=int, default=2,
                        help="a word seen fewer times in the training splits is read by its characters (known_words.txt)")
    parser.add_argument("--augment-label", action="append", dest="augment_labels", metavar="LABEL",
                        help="replace the names of this label only (repeatable; default: all)")
    args = parser.parse_args()
    nlp = spacy.load(args.pipeline)
    splitter = None
    if args.word_splits:
        splitter = WordSplitter(nlp.vocab)
        splitter.initialize(path=args.word_splits)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    report = {}
    train_bin, dev_bin = DocBin(), DocBin()
    word_counts = Counter()  # of the training splits, copies left out: the words the NER knows
    first_train = None
    corpora = [(path, read_bio) for path in args.train] + [(path, partial(read_cluener, missing=set(args.cluener_missing))) for path in args.cluener]
    splits = [(path, read, *split_dev(list(read(path)), args.dev_fraction)) for path, read in corpora]
    known = {text[start:end] for _, _, train, _ in splits for text, ents in train for start, end, _ in ents}
    for path, read, train, dev in splits:
        masked = set()
        if first_train is None:
            first_train = train
        elif args.follow_first and read is read_bio:  # the training parts only: the development splits keep their corpus's labels
            masked = convention_conflicts(first_train, train)
            masked_list = "".join(f"{string}\n" for string in sorted(masked))
            (args.out_dir / f"masked_{path.parent.name}.txt").write_text(masked_list, encoding="utf-8")
        stats = {"entities": 0, "misaligned": 0, "masked": 0}
        for doc in to_docs(nlp, train, stats, splitter, masked):
            train_bin.add(doc)
            word_counts.update(token.text for token in doc)
        if args.augment:
            copies = augment(train, args.augment, known, seed=len(report), labels=args.augment_labels)
            stats["augmented"] = len(copies)
            for doc in to_docs(nlp, copies, Counter(), splitter):
                train_bin.add(doc)
        for doc in to_docs(nlp, dev, stats, splitter):
            dev_bin.add(doc)
        stats["misaligned_rate"] = round(stats["misaligned"] / max(1, stats["entities"]), 4)
        stats["masked_strings"] = len(masked)
        report[str(path)] = stats
        print(path, stats, flush=True)
    train_bin.to_disk(args.out_dir / "train.spacy")
    dev_bin.to_disk(args.out_dir / "dev.spacy")
    (args.out_dir / "alignment.json").write_text(json.dumps(report, indent=1) + "\n")
    words = known_words(word_counts, args.known_min_count)
    (args.out_dir / KNOWN_WORDS_FILE).write_text("".join(word + "\n" for word in words), encoding="utf-8")
    print(f"{len(words)} words occur at least {args.known_min_count} times in the training splits", flush=True)


def known_words(counts: Counter, min_count: int) -> list[str]:
    """The words of ``counts`` seen at least ``min_count`` times, sorted: those the NER keeps
    by their own embedding (``extract_rare_words``). The training text's singletons are to it
    what the names it has never seen are at run time."""
    return sorted(word for word, n in counts.items() if n >= min_count and not word.isspace())


if __name__ == "__main__":
    main()
