"""Mine the words that NER training data cuts, for the ``extract_word_splits`` component.

A PKU-standard segmenter keeps words such as 访华, 中方 or 邓小平理论 whole, while the
NER corpora label a name inside them (华, 中, 邓小平); a word-level NER cannot find
those. For every word of the segmenter (two characters or more) this counts how often
an entity boundary falls at each offset inside it in the training sentences, and
keeps the offsets that are cut in at least ``--min-share`` of the word's occurrences
and at least ``--min-count`` times. A piece of a cut word that is itself in the table
is cut too, so the table holds final offsets and cutting twice changes nothing.

The development split (the last ``--dev-fraction`` of each file, as in
``prepare_ner.py``) is left out of the counts and used to report how many of its
entities that fall inside words the table recovers. Usage:
  python -m training.mine_word_splits TOKENIZER_PIPELINE OUT.tsv --train FILE.bio [--train ...]
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import spacy

from extract.nlp import cut_at
from training.prepare_ner import ner_tokens, read_bio, split_dev


def tokenised(nlp, path: Path, dev_fraction: float):
    """(train, dev) lists of (text, token offsets, entities) of one BIO file."""
    sentences = list(read_bio(path))
    rows = [
        (doc.text, [(t.idx, t.idx + len(t.text)) for t in doc], ents)
        for (_, ents), doc in zip(sentences, ner_tokens(nlp, (text for text, _ in sentences)))
    ]
    return split_dev(rows, dev_fraction)


def count_cuts(rows) -> tuple[Counter, dict[str, Counter]]:
    """Occurrences of each word, and how often an entity boundary falls at each offset in it."""
    occurrences: Counter = Counter()
    cuts: dict[str, Counter] = defaultdict(Counter)
    for text, tokens, ents in rows:
        bounds = {b for start, end, _ in ents for b in (start, end)}
        for start, end in tokens:
            if end - start < 2:
                continue
            word = text[start:end]
            occurrences[word] += 1
            for k in range(start + 1, end):
                if k in bounds:
                    cuts[word][k - start] += 1
    return occurrences, cuts


def choose(occurrences, cuts, min_share: float, min_count: int) -> dict[str, tuple[int, ...]]:
    table = {}
    for word, at in cuts.items():
        offsets = tuple(sorted(k for k, n in at.items() if n >= min_count and n / occurrences[word] >= min_share))
        if offsets:
            table[word] = offsets
    return {word: final_offsets(word, table) for word in sorted(table)}


def final_offsets(word: str, table: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """``word``'s offsets with those of its pieces that are in the table added."""
    offsets, start = set(), 0
    for piece in cut_at(word, table[word]):
        if start:
            offsets.add(start)
        if piece in table and piece != word:
            offsets.update(start + k for k in final_offsets(piece, table))
        start += len(piece)
    return tuple(sorted(offsets))


def recovered(rows, table) -> tuple[int, int]:
    """(entities that fall inside a word, of those the ones the table's cuts express)."""
    inside = fixed = 0
    for text, tokens, ents in rows:
        bounds = {b for span in tokens for b in span}
        after = bounds | {start + k for start, end in tokens for k in table.get(text[start:end], ())}
        for start, end, _ in ents:
            if start in bounds and end in bounds:
                continue
            inside += 1
            fixed += start in after and end in after
    return inside, fixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pipeline", type=Path, help="a pipeline folder whose tokenizer to use")
    parser.add_argument("out", type=Path)
    parser.add_argument("--train", type=Path, action="append", required=True, help="BIO training file(s)")
    parser.add_argument("--dev-fraction", type=float, default=0.05)
    parser.add_argument("--min-share", type=float, default=0.3)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    nlp = spacy.load(args.pipeline)
    train, dev = [], {}
    for path in args.train:
        train_rows, dev[path] = tokenised(nlp, path, args.dev_fraction)
        train += train_rows
    occurrences, cuts = count_cuts(train)
    table = choose(occurrences, cuts, args.min_share, args.min_count)
    lines = ["# word\tcut at (characters from the word's start)\tentity boundaries inside\toccurrences"]
    for word, offsets in table.items():
        lines.append(f"{word}\t{','.join(map(str, offsets))}\t{sum(cuts[word].values())}\t{occurrences[word]}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} words")
    for path, rows in dev.items():
        inside, fixed = recovered(rows, table)
        print(f"{path} development split: {inside} entities fall inside words, {fixed} of them on the cut words")


if __name__ == "__main__":
    main()
