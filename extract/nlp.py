"""Stage 4, nlp: the spaCy pipeline for Chinese.

The tokenizer segments with the project's own spacy-pkuseg model (serialised inside
the pipeline directory, see ``training/``); without a trained model it falls back to
one token per character. ASCII letters and digits are shown to the segmenter in
their full-width forms, the forms of its training corpus; the tokens keep the
original characters. Tokens are also split where Han characters meet digits or Latin
letters if ``split_scripts`` is set, so that a figure (``21.54亿元``) or a date
(``9月4日``) starts on a token (off by default: the PKU standard keeps ``1998年`` whole).

The shipped NER is spaCy's, over words. ``extract_char_ner`` is an alternative NER that
reads characters, so that it can find entities that start or end inside a word (trained
by ``NER_LEVEL=char bash training/train.sh``); see "Character-level NER" below.
"""
from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Iterable

import numpy
import spacy
from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from .data import tsv_rows
from .segmenter import cut as cut_words

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "zh_extract"
FULLWIDTH_OFFSET = 0xFEE0
# Script classes used to split tokens: Han, ASCII/full-width alphanumerics, the rest.
SCRIPT_BOUNDARY = re.compile(
    r"[\u3400-\u9fff]+|[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a.．%％]+|[^\u3400-\u9fff0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a.．%％]+"
)
ALNUM_RUN = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
STATISTICAL_NER = ("ner", "extract_char_ner")
RULE_COMPONENTS = [
    "extract_sentences",
    "extract_character_tokens",
    "extract_titles",
    "extract_people",
    "extract_organisations",
    "extract_dates",
    "extract_metrics",
    "extract_roles",
]


def to_fullwidth(text: str) -> str:
    """Printable ASCII (letters, digits, punctuation) to full-width, one character for
    one (offsets stay): the segmenter's corpus writes ，and ５ where web pages write , and 5."""
    return "".join(chr(ord(c) + FULLWIDTH_OFFSET) if "!" <= c <= "~" else c for c in text)


def to_halfwidth(text: str) -> str:
    """Full-width letters and digits to ASCII, one character for one (offsets stay)."""
    return "".join(
        chr(ord(c) - FULLWIDTH_OFFSET) if "\uff10" <= c <= "\uff5a" and c.isalnum() else c for c in text
    )


def words_and_spaces(words: Iterable[str], text: str) -> tuple[list[str], list[bool]]:
    """What ``spacy.util.get_words_and_spaces`` returns, in linear time: spaCy's copies
    the rest of the text for every word, which is quadratic on a long page."""
    out_words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, position)
        if start < 0:
            raise ValueError(f"word {word!r} not found in the text after offset {position}")
        if start > position:
            out_words.append(text[position:start])
            spaces.append(False)
        out_words.append(word)
        spaces.append(False)
        position = start + len(word)
        if position < len(text) and text[position] == " ":
            spaces[-1] = True
            position += 1
    if position < len(text):
        out_words.append(text[position:])
        spaces.append(False)
    return out_words, spaces


def split_scripts(word: str) -> list[str]:
    return [m.group() for m in SCRIPT_BOUNDARY.finditer(word)]


class ExtractTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer with width mapping and, optionally, script-boundary splitting."""

    def __init__(self, vocab, segmenter: str = "char", split_scripts: bool = False):
        super().__init__(vocab, segmenter=segmenter)
        self.split_scripts = split_scripts

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model=None, pkuseg_user_dict="default"):
        """As spaCy's, and ``pkuseg_user_dict="none"`` loads the model with no word list."""
        if self.segmenter == Segmenter.pkuseg and pkuseg_user_dict == "none":
            import spacy_pkuseg

            self.pkuseg_seg = spacy_pkuseg.pkuseg(pkuseg_model, user_dict=None)
            # spaCy serialises the (empty) word lists of the postprocessor too.
            self.pkuseg_seg.postprocesser.common_words = set()
            self.pkuseg_seg.postprocesser.other_words = set()
            return
        super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)

    def __call__(self, text: str) -> Doc:
        if self.segmenter == Segmenter.pkuseg and self.pkuseg_seg is not None:
            words = list(self.segment_lines(text))
            if self.split_scripts:
                words = [piece for word in words for piece in split_scripts(word)]
        else:  # one token per character, but runs of digits and letters stay whole
            words = [c for run in split_scripts(text) for c in ([run] if ALNUM_RUN.match(run) else run)]
        words, spaces = words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path, **kwargs) -> None:
        """As spaCy's, with the segmenter's weights compressed (spacy-pkuseg saves them
        uncompressed; ``numpy.load`` reads either)."""
        super().to_disk(path, **kwargs)
        weights = Path(path) / "pkuseg_model" / "weights.npz"
        if weights.exists():
            with numpy.load(weights) as npz:
                arrays = dict(npz)
            numpy.savez_compressed(weights, **arrays)

    def _get_config(self) -> dict:
        return {**super()._get_config(), "split_scripts": self.split_scripts}

    def _set_config(self, config: dict = {}) -> None:  # noqa: B006  (spaCy's signature)
        super()._set_config(config)
        self.split_scripts = config.get("split_scripts", False)

    def segment_lines(self, text: str) -> Iterable[str]:
        """pkuseg words of ``text``, cut line by line, sliced from the original text."""
        for line in text.split("\n"):
            if not line.strip():
                continue
            position = 0
            shown = to_fullwidth(line)
            for word in cut_words(self.pkuseg_seg, shown):
                found = shown.find(word, position)
                if found < 0:
                    continue
                yield line[found:found + len(word)]
                position = found + len(word)


@registry.tokenizers("extract.ChineseTokenizer.v1")
def create_tokenizer(segmenter: str = "char", split_scripts: bool = False):
    def tokenizer_factory(nlp: Language) -> ExtractTokenizer:
        return ExtractTokenizer(nlp.vocab, segmenter=segmenter, split_scripts=split_scripts)

    return tokenizer_factory


@Language.factory("extract_word_ends", assigns=["token.tag"])
def make_word_ends(nlp: Language, name: str):
    return mark_word_ends


def mark_word_ends(doc: Doc) -> Doc:
    """Each word's last character as its TAG, a feature for the NER's embedding.

    spaCy's SUFFIX is a word's last three characters, which for most Chinese words is the
    whole word; the last character alone (市, 局, 村, 队) says what kind of name a word
    the model has never seen is likely to end."""
    for token in doc:
        token.tag_ = token.text[-1:]
    return doc


# --- Words the NER reads by their characters -----------------------------------------
# An embedding of the word itself lets the NER remember the names of its training text,
# and a name it has never seen gets the embedding of whatever word shares its hash row.
# This component gives every word outside a list of words the training text holds
# often enough one shared norm, so the NER reads a rare word, as it must read a new
# name, by its characters (PREFIX, SUFFIX, the last character as TAG), its length
# (SHAPE) and its context. The list is mined from the training split by
# ``training/mine_known_words.py`` and saved with the pipeline; with no list (a pipeline
# trained without it) every word keeps its norm.
KNOWN_WORDS_FILE = "known_words.txt"
RARE_NORM = "<rare>"


class RareWords:
    """Sets the norm of each word not in its list of known words to ``RARE_NORM``."""

    def __init__(self, vocab, name: str = "extract_rare_words"):
        self.vocab = vocab
        self.name = name
        self.set_words([])

    def set_words(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))
        self.hashes = frozenset(self.vocab.strings.add(word) for word in self.words)

    def __call__(self, doc: Doc) -> Doc:
        if not self.words:
            return doc
        for i, orth in enumerate(doc.to_array("ORTH").tolist()):
            if orth not in self.hashes:
                doc[i].norm_ = RARE_NORM
        return doc

    def initialize(self, get_examples=None, *, nlp=None, path: str | None = None) -> None:
        words = Path(path).read_text(encoding="utf-8").splitlines() if path else []
        self.set_words(word for word in words if word and not word.startswith("#"))

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / KNOWN_WORDS_FILE).write_text("".join(word + "\n" for word in self.words), encoding="utf-8")

    def from_disk(self, path, *, exclude=()) -> "RareWords":
        self.set_words(Path(path, KNOWN_WORDS_FILE).read_text(encoding="utf-8").splitlines())
        return self


@Language.factory("extract_rare_words", assigns=["token.norm"])
def make_rare_words(nlp: Language, name: str) -> RareWords:
    return RareWords(nlp.vocab, name)


# --- Words the NER corpora cut -------------------------------------------------------
# About 8% of MSRA's entities start or end inside a word of the PKU-standard segmenter:
# 访华 holds the place 华, 中方 the place 中, 邓小平理论 the person 邓小平. The
# segmenter is right by its own standard, so the tokenizer keeps these words (its
# segmentation is scored as it is) and this component, between the tokenizer and the
# NER, cuts the words that the NER training data cut often enough. The table is mined
# from the training splits by ``training/mine_word_splits.py`` and saved with the
# pipeline.
WORD_SPLITS_FILE = "word_splits.tsv"


def read_word_splits(path: Path | str) -> dict[str, tuple[int, ...]]:
    """{word: offsets to cut it at} from a TSV file: word, comma-separated offsets
    (characters from the word's start), then any columns for the reader; ``#`` starts
    a comment line."""
    rows = tsv_rows(Path(path).read_text(encoding="utf-8"))
    return {row[0]: tuple(int(k) for k in row[1].split(",")) for row in rows}


class WordSplitter:
    """Cuts the words of a table at fixed offsets (``访华`` into ``访`` ``华``), so that
    the NER can label a name inside them. Cutting only adds token boundaries, so no
    entity the words could express is lost."""

    def __init__(self, vocab, name: str = "extract_word_splits"):
        self.vocab = vocab
        self.name = name
        self.set_splits({})

    def set_splits(self, splits: dict[str, tuple[int, ...]]) -> None:
        if any(piece in splits for word, offsets in splits.items() for piece in cut_at(word, offsets)):
            raise ValueError(f"{self.name}: a piece of a cut word is cut again; give final offsets")
        self.splits = dict(sorted(splits.items()))
        # Words are found by their hash (ORTH), without making a Token of every word.
        self.hashes = frozenset(self.vocab.strings.add(word) for word in self.splits)

    def __call__(self, doc: Doc) -> Doc:
        if not self.splits or not len(doc):
            return doc
        found = [i for i, orth in enumerate(doc.to_array("ORTH").tolist()) if orth in self.hashes]
        split_tokens(doc, {i: set(self.splits[doc[i].text]) for i in found})
        return doc

    def initialize(self, get_examples=None, *, nlp=None, path: str | None = None) -> None:
        self.set_splits(read_word_splits(path) if path else {})

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = [f"{word}\t{','.join(map(str, offsets))}" for word, offsets in self.splits.items()]
        (path / WORD_SPLITS_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    def from_disk(self, path, *, exclude=()) -> "WordSplitter":
        self.set_splits(read_word_splits(Path(path) / WORD_SPLITS_FILE))
        return self


def cut_at(word: str, offsets: Iterable[int]) -> list[str]:
    bounds = [0, *sorted(offsets), len(word)]
    return [word[a:b] for a, b in zip(bounds, bounds[1:])]


@Language.factory("extract_word_splits")
def make_word_splits(nlp: Language, name: str) -> WordSplitter:
    return WordSplitter(nlp.vocab, name)


def blank_pipeline() -> Language:
    """A Chinese pipeline with character tokens and no statistical components."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "extract.ChineseTokenizer.v1"}}})


def load_pipeline(model: Path | str | None = DEFAULT_MODEL) -> Language:
    """The trained pipeline at ``model`` (or a blank one), with the rule components added."""
    # The rule components register themselves with spaCy on import.
    from . import link, match, split  # noqa: F401

    model_path = Path(model) if model else None
    if model_path is not None and (model_path / "config.cfg").exists():
        nlp = spacy.load(model_path)
    else:
        nlp = blank_pipeline()
    # Ingest refuses files over 10 MiB; any text it lets through may be processed.
    nlp.max_length = 20_000_000
    statistical = [name for name in nlp.pipe_names if name in STATISTICAL_NER]
    for name in RULE_COMPONENTS:
        if name not in nlp.pipe_names:
            # Sentences go before the statistical NER, the rules after it.
            before = statistical[0] if name == "extract_sentences" and statistical else None
            nlp.add_pipe(name, before=before)
    return nlp


def model_name(meta: dict) -> str:
    """``zh_extract-0.1.0`` from a pipeline's meta; ``zh_rules`` for the blank pipeline."""
    if not meta:
        return "zh_rules"
    return f"{meta.get('lang', 'zh')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0.0.0')}"


# --- Character-level NER -------------------------------------------------------------
# About 8% of MSRA's entities start or end inside a pkuseg word (访华, 中方, 奥运会), so a
# word-level NER can never find them. The NER therefore reads characters: each character
# token carries the word it belongs to (LEMMA) and the bigram it starts (TAG) as features,
# and its entities are written back onto the word tokens, splitting a word where an
# entity boundary falls inside it.
CHAR_PIECE = re.compile(r"[0-9A-Za-z]+|.", re.S)
END_OF_TEXT = "</s>"
CHAR_PIPELINE_UNUSED = ["tokenizer", "vocab"]


def char_pieces(word: str) -> list[str]:
    """One token per character, except that a run of ASCII letters or digits stays whole."""
    return [m.group() for m in CHAR_PIECE.finditer(word)]


def char_doc(doc: Doc, vocab) -> Doc:
    """``doc`` cut into characters, with the word and the next character as features."""
    words, spaces, sent_starts, pieces_per_token = character_tokens(doc)
    lemmas = [token.text for token, n in zip(doc, pieces_per_token) for _ in range(n)]
    tags = [a + b for a, b in zip(words, words[1:] + [END_OF_TEXT])]
    return Doc(vocab, words=words, spaces=spaces, lemmas=lemmas, tags=tags, sent_starts=sent_starts)


def character_tokens(doc: Doc) -> tuple[list[str], list[bool], list[bool | None] | None, list[int]]:
    """Words, spaces and sentence starts (None if the doc has none) of ``doc`` cut into
    ``char_pieces``, and the number of pieces of each token."""
    words: list[str] = []
    spaces: list[bool] = []
    sent_starts: list[bool | None] = []
    pieces_per_token: list[int] = []
    has_sents = doc.has_annotation("SENT_START")
    for token in doc:
        text = token.text
        pieces = [text] if len(text) == 1 or token.is_space else char_pieces(text)
        words.extend(pieces)
        spaces.extend([False] * (len(pieces) - 1))
        spaces.append(bool(token.whitespace_))
        pieces_per_token.append(len(pieces))
        if has_sents:
            sent_starts.append(token.is_sent_start)
            sent_starts.extend([False] * (len(pieces) - 1))
    return words, spaces, sent_starts if has_sents else None, pieces_per_token


@Language.factory("extract_character_tokens", default_config={"min_tokens": 20_000},
                  assigns=["token.is_sent_start", "doc.ents", "doc.tensor"])
def make_character_tokens(nlp: Language, name: str, min_tokens: int):
    return partial(character_tokens_component, min_tokens=min_tokens)


def character_tokens_component(doc: Doc, min_tokens: int = 0) -> Doc:
    """A doc of ``min_tokens`` tokens or more, with one token per character
    (``char_pieces``), keeping its text, sentences, entities, tensor, span groups and
    extension values. The rules find spans anywhere in the text, and where a span cuts a
    word that word is split; spaCy's split costs a pass over the doc for every word it
    splits, which on a long page is quadratic. On characters the rules need no split.
    Shorter docs are left alone: there the splits cost less than the conversion (the
    two broke even at about 17,000 tokens, a 30,000-character page). The rules' results
    are the same either way."""
    if len(doc) < min_tokens:
        return doc
    words, spaces, sent_starts, pieces_per_token = character_tokens(doc)
    if len(words) == len(doc):
        return doc
    chars = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    chars.user_data = dict(doc.user_data)
    if doc.tensor is not None and doc.tensor.size:
        chars.tensor = numpy.repeat(doc.tensor, pieces_per_token, axis=0)
    chars.set_ents([chars.char_span(e.start_char, e.end_char, label=e.label_) for e in doc.ents], default="outside")
    set_span_groups(chars, span_group_offsets(doc))
    return chars


class CharFeatureTokenizer(ExtractTokenizer):
    """Character tokens with word features (see ``char_doc``); the tokenizer the
    character NER is trained with. At run time ``extract_char_ner`` builds the same
    tokens from the pipeline's own words."""

    def __call__(self, text: str) -> Doc:
        return char_doc(super().__call__(text), self.vocab)


@registry.tokenizers("extract.CharTokenizer.v1")
def create_char_tokenizer(segmenter: str = "pkuseg", split_scripts: bool = False):
    def tokenizer_factory(nlp: Language) -> CharFeatureTokenizer:
        return CharFeatureTokenizer(nlp.vocab, segmenter=segmenter, split_scripts=split_scripts)

    return tokenizer_factory


def set_entities_on_words(doc: Doc, entities: list[tuple[int, int, str]]) -> None:
    """Set ``(start_char, end_char, label)`` entities on ``doc``, first splitting any
    token that an entity boundary cuts through."""
    split_words(doc, {offset for start, end, _ in entities for offset in (start, end)})
    spans = [doc.char_span(start, end, label=label) for start, end, label in entities]
    doc.set_ents([span for span in spans if span is not None], default="outside")


def split_words(doc: Doc, offsets) -> None:
    """Split the tokens that any of the character ``offsets`` falls strictly inside."""
    split_tokens(doc, words_cut_by(doc, offsets))


def split_tokens(doc: Doc, cut: dict[int, set[int]]) -> None:
    """Split token ``i`` at the offsets ``cut[i]`` (relative to the token's start).
    Sentence starts are set on the pieces (spaCy's split gets them wrong), span groups
    are rebuilt from their character offsets (span extension values are keyed by
    offsets and stay), and each piece gets its token's row of the tensor."""
    if not cut:
        return
    # spaCy's split leaves the pieces' sentence starts wrong: the first piece keeps the
    # token's, the others are not starts.
    starts = {doc[i].idx: (doc[i].is_sent_start, len(inside)) for i, inside in cut.items()}
    has_sents = doc.has_annotation("SENT_START")
    saved = span_group_offsets(doc)
    # spaCy copies the tensor row by row in Python for every split token: set it aside.
    tensor, doc.tensor = doc.tensor, numpy.zeros((0,), dtype="float32")
    with doc.retokenize() as retokenizer:
        for i, inside in cut.items():
            token = doc[i]
            pieces = cut_at(token.text, inside)
            retokenizer.split(token, pieces, heads=[(token, k) for k in range(len(pieces))])
    if tensor is not None and tensor.size:
        pieces_per_token = numpy.ones(len(tensor), dtype=int)
        for i, inside in cut.items():
            pieces_per_token[i] += len(inside)
        doc.tensor = numpy.repeat(tensor, pieces_per_token, axis=0)
    if has_sents:
        for idx, (is_start, n_cuts) in starts.items():
            first = doc.char_span(idx, idx + 1, alignment_mode="expand")[0]
            first.is_sent_start = is_start
            for piece in doc[first.i + 1:first.i + 1 + n_cuts]:
                piece.is_sent_start = False
    set_span_groups(doc, saved)


def span_group_offsets(doc: Doc) -> dict[str, list[tuple[int, int, str]]]:
    return {key: [(s.start_char, s.end_char, s.label_) for s in group] for key, group in doc.spans.items()}


def set_span_groups(doc: Doc, groups: dict[str, list[tuple[int, int, str]]]) -> None:
    """Span groups from character offsets (those that fall on tokens of ``doc``)."""
    for key, spans in groups.items():
        doc.spans[key] = [x for x in (doc.char_span(a, b, label=lab) for a, b, lab in spans) if x is not None]


def words_cut_by(doc: Doc, offsets) -> dict[int, set[int]]:
    """{token index: offsets inside that token, relative to its start} for the tokens
    that any of the character ``offsets`` falls strictly inside. Each token is found by
    spaCy's binary search: a pass over the tokens per call would be quadratic."""
    cut: dict[int, set[int]] = {}
    for offset in offsets:
        holder = doc.char_span(offset, offset + 1, alignment_mode="expand")
        token = holder[0] if holder is not None and len(holder) else None
        if token is not None and token.idx < offset < token.idx + len(token.text):
            cut.setdefault(token.i, set()).add(offset - token.idx)
    return cut


class CharNER:
    """Runs a character-level spaCy pipeline (``tok2vec`` + ``ner``, trained by
    ``training/train.sh``) on a word-tokenised doc and sets ``doc.ents`` from it."""

    def __init__(self, vocab, name: str = "extract_char_ner", *, batch_size: int = 64):
        self.vocab = vocab
        self.name = name
        self.batch_size = batch_size
        self.char_nlp: Language | None = None

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterable[Doc]:
        for batch in spacy.util.minibatch(docs, size=batch_size or self.batch_size):
            if self.char_nlp is None:
                yield from batch
                continue
            char_docs = [char_doc(doc, self.char_nlp.vocab) for doc in batch]
            for _, component in self.char_nlp.pipeline:
                char_docs = list(component.pipe(char_docs))
            for doc, chars in zip(batch, char_docs):
                set_entities_on_words(doc, [(e.start_char, e.end_char, e.label_) for e in chars.ents])
                yield doc

    @property
    def labels(self) -> tuple[str, ...]:
        return self.char_nlp.get_pipe("ner").labels if self.char_nlp else ()

    def to_disk(self, path, *, exclude=()) -> None:
        if self.char_nlp is None:
            raise ValueError(f"{self.name}: no character pipeline to save")
        # The character pipeline's tokenizer is never called here, so its pkuseg
        # weights are not stored a second time; nor are its strings (every word and
        # bigram seen in training), as features are hashes and the labels are kept
        # by the NER itself.
        self.char_nlp.to_disk(path, exclude=CHAR_PIPELINE_UNUSED)

    def from_disk(self, path, *, exclude=()) -> "CharNER":
        self.char_nlp = spacy.load(path, exclude=CHAR_PIPELINE_UNUSED)
        return self


@Language.factory("extract_char_ner", default_config={"batch_size": 64})
def make_char_ner(nlp: Language, name: str, batch_size: int) -> CharNER:
    return CharNER(nlp.vocab, name, batch_size=batch_size)
