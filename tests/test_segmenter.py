"""The segmenter's per-sentence features equal spacy-pkuseg's per-character ones, followed
by the character n-grams that training adds to them."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings, strategies as st

from extract.nlp import DEFAULT_MODEL
from extract.segmenter import cut, extra_feature_names, node_features

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL / "config.cfg").exists(), reason="no shipped model")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def pkuseg():
    return spacy.load(DEFAULT_MODEL).tokenizer.pkuseg_seg


def as_trained(feature_extractor):
    """spacy-pkuseg's per-character feature lookup, with the extra n-grams that
    ``training/train_segmenter.py --extra-ngrams`` gave the model after the library's."""
    library = feature_extractor.get_node_features_idx
    ids = feature_extractor.feature_to_idx

    def get_node_features_idx(idx, nodes):
        return library(idx, nodes) + [ids[name] for name in extra_feature_names(nodes, idx) if name in ids]

    return get_node_features_idx


@pytest.fixture(scope="module")
def library_segmenter():
    """spacy-pkuseg's own segmenter, looking up features as the model was trained with them."""
    segmenter = spacy.load(DEFAULT_MODEL).tokenizer.pkuseg_seg
    segmenter.feature_extractor.get_node_features_idx = as_trained(segmenter.feature_extractor)
    return segmenter


def test_the_shipped_segmenter_has_the_extra_ngram_features(pkuseg):
    names = {name.split(".")[0] for name in pkuseg.feature_extractor.feature_to_idx}
    assert {"c1c2", "c-1c1", "c-1cc1"} <= names


def sample_words(pkuseg) -> list[str]:
    """A few hundred of the segmenter's words, so that texts built from them contain words
    of every length it looks up."""
    return sorted(pkuseg.feature_extractor.unigram)[::150]


# Pieces of text: known words (filled in per test), single characters of several kinds,
# the library's keyword characters, which it renames, and digits and letters it normalises.
OTHER_PIECES = ["的", "国", "人", "-", ".", "*", "|", ":", "/", "1", "９", "a", "Ｚ", "％", "，", "。", "“"]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_node_features_are_the_librarys_in_the_same_order(pkuseg, data):
    pieces = data.draw(st.lists(st.sampled_from(sample_words(pkuseg) + OTHER_PIECES), min_size=1, max_size=25))
    nodes = list(pkuseg.feature_extractor.normalize_text("".join(pieces)))
    get_node_features_idx = as_trained(pkuseg.feature_extractor)
    expected = [get_node_features_idx(i, nodes) for i in range(len(nodes))]
    assert node_features(nodes, pkuseg.feature_extractor) == expected


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_cut_gives_the_librarys_words(pkuseg, library_segmenter, data):
    pieces = data.draw(st.lists(st.sampled_from(sample_words(pkuseg) + OTHER_PIECES + [" ", "\n", "  "]), max_size=25))
    text = "".join(pieces)
    assert cut(pkuseg, text) == library_segmenter.cut(text)


def test_cut_gives_the_librarys_words_on_the_seed_pages(pkuseg, library_segmenter):
    for path in sorted(SEEDS.glob("*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            assert cut(pkuseg, line) == library_segmenter.cut(line), (path.name, line)


def test_saved_segmenter_weights_are_compressed_and_give_the_same_words(tmp_path):
    import zipfile

    nlp = spacy.load(DEFAULT_MODEL)
    nlp.tokenizer.to_disk(tmp_path / "tokenizer")
    with zipfile.ZipFile(tmp_path / "tokenizer" / "pkuseg_model" / "weights.npz") as weights:
        assert {member.compress_type for member in weights.infolist()} == {zipfile.ZIP_DEFLATED}
    reloaded = spacy.load(DEFAULT_MODEL)
    reloaded.tokenizer.from_disk(tmp_path / "tokenizer")
    for path in sorted(SEEDS.glob("*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert [t.text for t in reloaded.make_doc(text)] == [t.text for t in nlp.make_doc(text)], path.name
