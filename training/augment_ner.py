"""Mention replacement: training sentences with their names swapped for names not in the corpora.

An NER trained on a few years of one newspaper learns the names it was shown (a word's own
embedding says "entity") more than the signs of a name: the context (记者 X 报道, X 县委书记),
the surname and the head character (村, 局, 公司). Copies of training sentences whose
entities are replaced by strings the training text never labels teach the second: the
words around stay real, the name is new, and the segmenter cuts it as it cuts an unknown
name at run time (``prepare_ner.py --augment``).

A replacement is built from two other entities of the same label, so that it keeps the
shape of a real name: a person's surname with another person's given name (张 + 建华); for
other labels and for names longer than three characters, the first part of one entity
joined to the end of another (桃木 + 疙瘩村). A replacement that is itself a training
entity is drawn again, up to ``tries`` times; after that the entity is kept.
"""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterable, Sequence

Sentence = tuple[str, list[tuple[int, int, "str | None"]]]


def entity_inventory(sentences: Iterable[Sentence]) -> dict[str, list[str]]:
    """The labelled entity strings of ``sentences`` by label, sorted (for reproducible draws)."""
    by_label: dict[str, set[str]] = defaultdict(set)
    for text, ents in sentences:
        for start, end, label in ents:
            if label is not None:
                by_label[label].add(text[start:end])
    return {label: sorted(strings) for label, strings in sorted(by_label.items())}


def splice(first: str, second: str, rng: random.Random) -> str:
    """A new name from two of one label: a short name (two or three characters, as most
    Chinese personal names) keeps ``first``'s first character and takes ``second``'s rest;
    a longer one joins a leading part of ``first`` to a trailing part of ``second``."""
    if len(first) <= 3 and len(second) <= 3:
        return first[:1] + second[1:] if len(second) > 1 else first[:1] + second
    head = first[: rng.randint(1, max(1, len(first) - 1))]
    tail = second[rng.randint(1, max(1, len(second) - 1)):]
    return head + tail


def new_name(label: str, inventory: dict[str, list[str]], known: set[str], rng: random.Random,
             tries: int = 5) -> str | None:
    """A string of ``label``'s shape that is not in ``known``, or None."""
    pool = inventory.get(label)
    if not pool or len(pool) < 2:
        return None
    for _ in range(tries):
        name = splice(rng.choice(pool), rng.choice(pool), rng)
        if 1 < len(name) <= 20 and name not in known and not name.isspace():
            return name
    return None


def replace_mentions(text: str, ents: Sequence, inventory: dict[str, list[str]], known: set[str],
                     rng: random.Random) -> Sentence | None:
    """``text`` with each entity of a label in ``inventory`` replaced by a new name of its
    label (other spans, and spans of no label, which are marked missing, keep their text),
    and the spans moved to match; None if no entity could be replaced."""
    pieces, spans, at, shift, replaced = [], [], 0, 0, 0
    for start, end, label in sorted(ents, key=lambda e: (e[0], -e[1])):
        if start < at:  # overlapping spans (CLUENER): the first one only
            continue
        name = new_name(label, inventory, known, rng) if label in inventory else None
        name = name if name is not None else text[start:end]
        replaced += name != text[start:end]
        pieces += [text[at:start], name]
        spans.append((start + shift, start + shift + len(name), label))
        shift += len(name) - (end - start)
        at = end
    pieces.append(text[at:])
    return ("".join(pieces), spans) if replaced else None


def augment(sentences: Sequence[Sentence], share: float, known: set[str], seed: int = 0,
            labels: Iterable[str] | None = None) -> list[Sentence]:
    """Copies of a ``share`` of the ``sentences`` that have entities of ``labels`` (all
    labels if None), those names replaced (``replace_mentions``); ``known`` is every string
    labelled in the training text."""
    rng = random.Random(seed)
    inventory = entity_inventory(sentences)
    if labels is not None:
        inventory = {label: names for label, names in inventory.items() if label in set(labels)}
    with_entities = [s for s in sentences if any(label in inventory for _, _, label in s[1])]
    chosen = rng.sample(with_entities, round(share * len(with_entities)))
    copies = (replace_mentions(text, ents, inventory, known, rng) for text, ents in chosen)
    return [copy for copy in copies if copy is not None]
