"""The nlp stage: the registered tokenizer, the shipped pipeline, the rule components."""
from __future__ import annotations

import pytest
import spacy

from extract.nlp import DEFAULT_MODEL, blank_pipeline, load_pipeline, to_fullwidth, to_halfwidth


def test_width_mapping_is_one_character_for_one():
    text = "GDP增长5.5%,达到21家!"
    wide = to_fullwidth(text)
    assert len(wide) == len(text) and wide == "ＧＤＰ增长５．５％，达到２１家！"
    assert to_halfwidth("ＧＤＰ增长５．５％") == "GDP增长5．5％"  # letters and digits only


def test_character_tokens_keep_digit_and_letter_runs_whole():
    doc = blank_pipeline()("武汉2024年GDP增长5.5%")
    assert [t.text for t in doc] == ["武", "汉", "2024", "年", "GDP", "增", "长", "5.5%"]


def test_rule_components_follow_the_statistical_ones():
    nlp = load_pipeline(None)
    assert nlp.pipe_names[0] == "extract_sentences"
    assert nlp.pipe_names[-1] == "extract_roles"


@pytest.mark.skipif(not (DEFAULT_MODEL / "config.cfg").exists(), reason="no shipped model")
def test_shipped_pipeline_loads_offline_with_spacy_load():
    nlp = spacy.load(DEFAULT_MODEL)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "LOC"}
    doc = nlp("华中科技大学教授陶光明说,今年武汉新增21家重点实验室。")
    assert doc.text == "华中科技大学教授陶光明说,今年武汉新增21家重点实验室。"
    assert 5 < len(doc) < 25  # words, not characters
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size < 60 * 1024 * 1024
