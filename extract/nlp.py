"""Stage 4, nlp: the spaCy pipeline for Chinese.

The tokenizer segments with the project's own spacy-pkuseg model (serialised inside
the pipeline directory, see ``training/``); without a trained model it falls back to
one token per character. ASCII letters and digits are shown to the segmenter in
their full-width forms, the forms of its training corpus; the tokens keep the
original characters. Tokens are also split where Han characters meet digits or Latin
letters if ``split_scripts`` is set, so that a figure (``21.54亿元``) or a date
(``9月4日``) starts on a token (off by default: the PKU standard keeps ``1998年`` whole).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import spacy
from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "zh_extract"
FULLWIDTH_OFFSET = 0xFEE0
# Script classes used to split tokens: Han, ASCII/full-width alphanumerics, the rest.
SCRIPT_BOUNDARY = re.compile(
    r"[\u3400-\u9fff]+|[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a.．%％]+|[^\u3400-\u9fff0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a.．%％]+"
)
ALNUM_RUN = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
RULE_COMPONENTS = [
    "extract_sentences",
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
        words, spaces = spacy.util.get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

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
            for word in self.pkuseg_seg.cut(shown):
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
    for name in RULE_COMPONENTS:
        if name not in nlp.pipe_names:
            # Sentences go before the statistical NER, the rules after it.
            before = "ner" if name == "extract_sentences" and "ner" in nlp.pipe_names else None
            nlp.add_pipe(name, before=before)
    return nlp


def model_name(meta: dict) -> str:
    """``zh_extract-0.1.0`` from a pipeline's meta; ``zh_rules`` for the blank pipeline."""
    if not meta:
        return "zh_rules"
    return f"{meta.get('lang', 'zh')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0.0.0')}"
