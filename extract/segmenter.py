"""Word segmentation: spacy-pkuseg's ``cut``, with its features found once per sentence.

spacy-pkuseg labels each character with a linear CRF. Its feature extractor
(``get_node_features_idx``) works one character at a time: for every character it
joins twenty slices of up to six characters to look them up in the word list, and
builds fifty word-pair strings, most of them the same "no word" pair. That took about
a third of the pipeline's time. ``node_features`` gives the same feature lists in the
same order (so the same scores, bit for bit, and the same words), but looks each slice
up once per sentence, stops extending a slice as soon as no known word starts with it,
and reuses the pairs in which no word takes part. The model, the decoder and the
user-dictionary and post-processing steps are the library's own.

The segmenter trained here also has character n-gram features that spacy-pkuseg's
extractor lacks (``EXTRA_NGRAMS``: the next two characters, the two neighbours, and the
three characters around a node); ``training/train_segmenter.py`` adds them at training
time, and ``node_features`` appends them after the library's. A model without them
simply knows none of their names.
"""
from __future__ import annotations

from spacy_pkuseg import inference
from spacy_pkuseg.config import config

NO_WORD = "**noWord"  # spacy-pkuseg's filler for "no known word here"

# Character n-grams beyond spacy-pkuseg's (c-2 .. c2, c-2c-1, c-1c, cc1): the feature's
# name, as the library names its own, and the offsets of the characters it joins.
EXTRA_NGRAMS = {"c1c2": (1, 2), "c-1c1": (-1, 1), "c-1cc1": (-1, 0, 1)}


def word_prefixes(feature_extractor) -> frozenset[str]:
    """Every prefix of every word the segmenter knows, kept on the feature extractor
    (about 0.1 s to build for a word list of 50,000)."""
    cached = getattr(feature_extractor, "_extract_prefixes", None)
    if cached is None or cached[0] is not feature_extractor.unigram:
        words = feature_extractor.unigram
        cached = (words, frozenset(word[:k] for word in words for k in range(1, len(word) + 1)))
        feature_extractor._extract_prefixes = cached
    return cached[1]


def known_words(nodes: list[str], words: set[str], prefixes: frozenset[str],
                word_min: int, word_max: int) -> tuple[list[tuple], list[tuple], tuple]:
    """For each position, the known words of ``word_max`` down to ``word_min`` nodes
    that start there and that end there, as rows with ``NO_WORD`` where there is none
    (one shared row for positions with no word at all)."""
    n = len(nodes)
    none_row = (NO_WORD,) * (word_max - word_min + 1)
    starting = [none_row] * n
    ending = [none_row] * n
    for start in range(n):
        joined = ""
        for length in range(1, min(word_max, n - start) + 1):
            joined += nodes[start + length - 1]
            if joined not in prefixes:
                break
            if length >= word_min and joined in words:
                column = word_max - length
                starting[start] = _with(starting[start], column, joined)
                end = start + length - 1
                ending[end] = _with(ending[end], column, joined)
    return starting, ending, none_row


def _with(row: tuple, column: int, word: str) -> tuple:
    return row[:column] + (word,) + row[column + 1:]


def character_features(nodes: list[str], get) -> list[list[int]]:
    """The start feature (0) and the eight character unigram and bigram features of each
    node, in the library's order, leaving out those the model does not know or that
    would fall outside the sentence."""
    pairs = [a + "." + b for a, b in zip(nodes, nodes[1:])]
    two_none = [None, None]
    columns = (
        [get("c." + c) for c in nodes],
        [None] + [get("c-1." + c) for c in nodes[:-1]],
        [None] + [get("c-1c." + p) for p in pairs],
        [get("c1." + c) for c in nodes[1:]] + [None],
        [get("cc1." + p) for p in pairs] + [None],
        two_none + [get("c-2." + c) for c in nodes[:-2]],
        two_none + [get("c-2c-1." + p) for p in pairs[:-1]],
        [get("c2." + c) for c in nodes[2:]] + two_none,
    )
    return [[0, *(f for f in row if f is not None)] for row in zip(*columns)]


def extra_feature_names(nodes: list[str], i: int) -> list[str]:
    """The names of the ``EXTRA_NGRAMS`` features of node ``i`` that fall inside the
    sentence (what training adds to the library's feature strings)."""
    return [name + "." + ".".join(nodes[i + k] for k in offsets)
            for name, offsets in EXTRA_NGRAMS.items()
            if 0 <= i + min(offsets) and i + max(offsets) < len(nodes)]


def extra_features(nodes: list[str], get) -> list[list[int]]:
    """``extra_feature_names`` of every node, as the feature numbers the model knows
    (built a column per n-gram, as ``character_features`` does, for speed)."""
    n = len(nodes)
    columns = []
    for name, offsets in EXTRA_NGRAMS.items():
        first = min(n, max(0, -min(offsets)))  # the nodes first..last-1 have this n-gram
        last = max(first, n - max(0, max(offsets)))
        grams = zip(*(nodes[first + k:last + k] for k in offsets))
        columns.append([None] * first + [get(name + "." + ".".join(gram)) for gram in grams] + [None] * (n - last))
    return [[f for f in row if f is not None] for row in zip(*columns)]


def node_features(nodes: list[str], feature_extractor) -> list[list[int]]:
    """``[feature_extractor.get_node_features_idx(i, nodes) for i in range(len(nodes))]``,
    each followed by the node's ``EXTRA_NGRAMS`` features that the model knows."""
    get = feature_extractor.feature_to_idx.get
    features = library_node_features(nodes, feature_extractor, get)
    for flist, extra in zip(features, extra_features(nodes, get)):
        flist.extend(extra)
    return features


def library_node_features(nodes: list[str], feature_extractor, get) -> list[list[int]]:
    """``[feature_extractor.get_node_features_idx(i, nodes) for i in range(len(nodes))]``."""
    features = character_features(nodes, get)
    if not config.wordFeature:
        return features
    word_min, word_max = config.wordMin, config.wordMax
    width = word_max - word_min + 1
    starting, ending, none_row = known_words(
        nodes, feature_extractor.unigram, word_prefixes(feature_extractor), word_min, word_max)
    no_pair = {side: get(f"ww.{side}.{NO_WORD}*{NO_WORD}") for side in "lr"}
    no_pairs = {side: [] if f is None else [f] * width for side, f in no_pair.items()}

    def after_no_word(side: str, row: tuple) -> list[int]:
        """Features of the pairs (no word, each word of ``row``), in order."""
        if row is none_row:
            return no_pairs[side]
        found = (no_pair[side] if b is NO_WORD else get(f"ww.{side}.{NO_WORD}*{b}") for b in row)
        return [f for f in found if f is not None]

    n = len(nodes)
    for i, flist in enumerate(features):
        ends_here, starts_here = ending[i], starting[i]
        ends_before = ending[i - 1] if i > 0 else none_row
        starts_after = starting[i + 1] if i + 1 < n else none_row
        for prefix, row in (("w-1.", ends_here), ("w1.", starts_here)):
            if row is not none_row:
                flist.extend(f for w in row if w is not NO_WORD and (f := get(prefix + w)) is not None)
        # The word pairs around the node: (word ending before it, word starting at it) and
        # (word ending at it, word starting after it), each side from longest to shortest.
        for side, firsts, seconds in (("l", ends_before, starts_here), ("r", ends_here, starts_after)):
            tail = after_no_word(side, seconds)
            if firsts is none_row:
                flist.extend(tail * width)
                continue
            for a in firsts:
                if a is NO_WORD:
                    flist.extend(tail)
                else:
                    flist.extend(f for b in seconds if (f := get(f"ww.{side}.{a}*{b}")) is not None)
    return features


def cut_piece(segmenter, text: str) -> list[str]:
    """``segmenter._cut(text)``: the words of a text with no spaces."""
    nodes = list(segmenter.feature_extractor.normalize_text(text))
    _, tags = inference.decodeViterbi_fast(node_features(nodes, segmenter.feature_extractor), segmenter.model)
    # a word starts at the first character and at every character tagged B...
    bounds = [i for i, tag in enumerate(tags) if i == 0 or "B" in segmenter.idx_to_tag[tag]] + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def cut(segmenter, text: str) -> list[str]:
    """``segmenter.cut(text)`` for a ``spacy_pkuseg.pkuseg`` without a tagger."""
    words: list[str] = []
    for piece in text.split():
        for part, is_user_word, _ in zip(*segmenter.preprocesser.solve(piece)):
            words.extend([part] if is_user_word else segmenter.postprocesser(cut_piece(segmenter, part)))
    return words
