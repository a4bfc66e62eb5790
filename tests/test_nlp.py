"""The nlp stage: the registered tokenizer, the shipped pipeline, the rule components."""
from __future__ import annotations

import pytest
import spacy
from hypothesis import given, strategies as st

from extract.nlp import (
    DEFAULT_MODEL, WordSplitter, blank_pipeline, char_doc, load_pipeline, set_entities_on_words, to_fullwidth,
    to_halfwidth, words_and_spaces,
)
from training.mine_word_splits import choose, count_cuts, final_offsets, recovered


def word_doc(words: list[str], sentence_starts: set[int] = frozenset()):
    """A doc of the given words, with sentence starts at the given token indices."""
    from spacy.tokens import Doc

    return Doc(blank_pipeline().vocab, words=words, spaces=[False] * len(words),
               sent_starts=[i in sentence_starts for i in range(len(words))] if sentence_starts else None)


def test_width_mapping_is_one_character_for_one():
    text = "GDP增长5.5%,达到21家!"
    wide = to_fullwidth(text)
    assert len(wide) == len(text) and wide == "ＧＤＰ增长５．５％，达到２１家！"
    assert to_halfwidth("ＧＤＰ增长５．５％") == "GDP增长5．5％"  # letters and digits only


def test_character_tokens_keep_digit_and_letter_runs_whole():
    doc = blank_pipeline()("武汉2024年GDP增长5.5%")
    assert [t.text for t in doc] == ["武", "汉", "2024", "年", "GDP", "增", "长", "5.5%"]


@given(st.lists(st.tuples(st.sampled_from(["武汉", "GDP", "5.5%", "年", "。"]),
                         st.sampled_from(["", " ", "  ", "\n", " \n "])), max_size=30),
       st.sampled_from(["", " ", "\n"]))
def test_words_and_spaces_agree_with_spacy(pieces, lead):
    words = [word for word, _ in pieces]
    text = lead + "".join(word + gap for word, gap in pieces)
    assert words_and_spaces(words, text) == spacy.util.get_words_and_spaces(words, text)


def test_word_ends_mark_each_word_with_its_last_character():
    nlp = spacy.blank("zh")
    nlp.add_pipe("extract_word_ends")  # found through the package's entry point
    doc = nlp(word_doc(["钟祥市", "工业局", "局长", "5.5%"]))
    assert [t.tag_ for t in doc] == ["市", "局", "长", "%"]


def test_word_splits_cut_the_table_words_and_keep_spans_and_sentences(tmp_path):
    nlp = spacy.blank("zh")
    splitter = nlp.add_pipe("extract_word_splits")  # found through the package's entry point
    splitter.set_splits({"访华": (1,), "马列主义": (1, 2)})
    doc = word_doc(["他", "访华", "。", "学习", "马列主义"], sentence_starts={0, 3})
    doc.spans["sc"] = [doc[3:5]]
    doc = splitter(doc)
    assert [t.text for t in doc] == ["他", "访", "华", "。", "学习", "马", "列", "主义"]
    assert [t.is_sent_start for t in doc] == [True, False, False, False, True, False, False, False]
    assert doc.spans["sc"][0].text == "学习马列主义"
    assert [t.text for t in splitter(doc)] == [t.text for t in doc]  # cutting twice changes nothing
    splitter.to_disk(tmp_path)
    loaded = WordSplitter(nlp.vocab).from_disk(tmp_path)
    assert loaded.splits == {"访华": (1,), "马列主义": (1, 2)}


def test_word_splits_refuse_a_table_that_would_cut_its_own_pieces():
    with pytest.raises(ValueError, match="cut again"):
        WordSplitter(spacy.blank("zh").vocab).set_splits({"马列主义": (2,), "马列": (1,)})


def test_mined_word_splits_keep_frequent_cuts_with_final_offsets():
    # (text, token offsets, entities) as the mining script reads its training split
    rows = [
        ("他访华", [(0, 1), (1, 3)], [(2, 3, "LOC")]),
        ("访华团", [(0, 2), (2, 3)], [(1, 2, "LOC")]),
        ("访华", [(0, 2)], []),
        ("马列主义", [(0, 4)], [(0, 1, "PERSON"), (1, 2, "PERSON")]),
        ("马列主义", [(0, 4)], [(0, 1, "PERSON"), (1, 2, "PERSON")]),
        ("学习", [(0, 2)], [(0, 1, "LOC")]),  # cut once only: too rare
    ]
    occurrences, cuts = count_cuts(rows)
    assert occurrences["访华"] == 3 and cuts["访华"] == {1: 2}
    table = choose(occurrences, cuts, min_share=0.5, min_count=2)
    assert table == {"访华": (1,), "马列主义": (1, 2)}
    assert recovered([("他访华", [(0, 1), (1, 3)], [(2, 3, "LOC")])], table) == (1, 1)
    # a piece that is itself in the table is cut too, so the component cuts once
    assert final_offsets("马列主义", {"马列主义": (2,), "马列": (1,)}) == (1, 2)


def test_rule_components_follow_the_statistical_ones():
    nlp = load_pipeline(None)
    assert nlp.pipe_names[0] == "extract_sentences"
    assert nlp.pipe_names[-1] == "extract_roles"


@pytest.mark.skipif(not (DEFAULT_MODEL / "config.cfg").exists(), reason="no shipped model")
def test_shipped_pipeline_loads_offline_with_spacy_load():
    nlp = spacy.load(DEFAULT_MODEL)
    assert nlp.pipe_names == ["extract_word_splits", "extract_word_ends", "tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "ORG", "LOC"}
    doc = nlp("华中科技大学教授陶光明说,今年武汉新增21家重点实验室。")
    assert doc.text == "华中科技大学教授陶光明说,今年武汉新增21家重点实验室。"
    assert 5 < len(doc) < 25  # words, not characters
    assert ("华中科技大学", "ORG") in [(e.text, e.label_) for e in doc.ents]
    assert load_pipeline(DEFAULT_MODEL).pipe_names[:5] == [
        "extract_word_splits", "extract_word_ends", "tok2vec", "extract_sentences", "ner"]
    # the segmenter keeps 访华 whole (the PKU standard); the NER reads 访 华 and finds the place
    assert "访华" in [t.text for t in nlp.make_doc("美国总统访华。")]
    visit = nlp("美国总统访华。")
    assert [t.text for t in visit][-3:] == ["访", "华", "。"]
    assert ("华", "LOC") in [(e.text, e.label_) for e in visit.ents]
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size < 60 * 1024 * 1024


def test_character_doc_carries_the_word_and_the_next_character():
    doc = word_doc(["李", "总理", "访华", "NBA", "。"], {0})
    chars = char_doc(doc, doc.vocab)
    assert chars.text == doc.text
    assert [t.text for t in chars] == ["李", "总", "理", "访", "华", "NBA", "。"]
    assert [t.lemma_ for t in chars] == ["李", "总理", "总理", "访华", "访华", "NBA", "。"]
    assert [t.tag_ for t in chars] == ["李总", "总理", "理访", "访华", "华NBA", "NBA。", "。</s>"]
    assert [t.is_sent_start for t in chars] == [True, False, False, False, False, False, False]


def test_character_entities_split_the_words_they_cut_and_keep_sentences():
    doc = word_doc(["总理", "访华", "。", "中方", "欢迎", "。"], {0, 3})
    set_entities_on_words(doc, [(3, 4, "LOC"), (5, 6, "LOC")])
    assert [t.text for t in doc] == ["总理", "访", "华", "。", "中", "方", "欢迎", "。"]
    assert [(e.text, e.label_) for e in doc.ents] == [("华", "LOC"), ("中", "LOC")]
    assert [s.text for s in doc.sents] == ["总理访华。", "中方欢迎。"]


def test_character_entities_on_word_boundaries_leave_the_words_alone():
    doc = word_doc(["华中科技大学", "教授", "陶光明", "说"])
    set_entities_on_words(doc, [(0, 6, "ORG"), (8, 11, "PERSON")])
    assert len(doc) == 4
    assert [(e.text, e.label_) for e in doc.ents] == [("华中科技大学", "ORG"), ("陶光明", "PERSON")]


def test_character_ner_is_saved_inside_the_pipeline_and_loads_the_same(tmp_path):
    from spacy.training import Example

    spacy.util.fix_random_seed(0)  # 20 updates learn the example from this seed, whatever ran before
    tokenizer = {"@tokenizers": "extract.CharTokenizer.v1", "segmenter": "char"}
    char_nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    char_nlp.add_pipe("tok2vec")
    char_nlp.add_pipe("ner")
    text = "华中科技大学教授陶光明说,武汉新增21家实验室。"
    reference = char_nlp.make_doc(text)
    reference.ents = [reference.char_span(0, 6, "ORG"), reference.char_span(8, 11, "PERSON"),
                      reference.char_span(13, 15, "LOC")]
    examples = [Example(char_nlp.make_doc(text), reference)]
    optimizer = char_nlp.initialize(lambda: examples)
    for _ in range(20):
        char_nlp.update(examples, sgd=optimizer)

    nlp = blank_pipeline()
    nlp.add_pipe("extract_char_ner").char_nlp = char_nlp
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")

    assert not (tmp_path / "pipeline" / "extract_char_ner" / "vocab").exists()  # hashes, not strings
    assert set(loaded.get_pipe("extract_char_ner").labels) == {"PERSON", "ORG", "LOC"}
    before, after = nlp(text), loaded(text)
    assert after.text == text
    assert [(e.start_char, e.end_char, e.label_) for e in after.ents] == \
        [(e.start_char, e.end_char, e.label_) for e in before.ents]
    assert before.ents  # it learned something, so the comparison is not of two empty lists


def test_character_tokens_keep_text_sentences_entities_tensor_and_extensions():
    import numpy

    from extract.nlp import character_tokens_component

    doc = word_doc(["据悉", "张伟", "说", "GDP", "增长", "。", "他", "到", "了"], sentence_starts={0, 6})
    doc.set_ents([doc.char_span(2, 4, "PERSON")], default="outside")
    doc.tensor = numpy.arange(len(doc), dtype="float32").reshape(-1, 1)
    doc.user_data["marker"] = "kept"
    chars = character_tokens_component(doc)
    assert chars.text == doc.text
    assert [t.text for t in chars] == ["据", "悉", "张", "伟", "说", "GDP", "增", "长", "。", "他", "到", "了"]
    assert [s.text for s in chars.sents] == ["据悉张伟说GDP增长。", "他到了"]
    assert [(e.text, e.label_) for e in chars.ents] == [("张伟", "PERSON")]
    assert chars.tensor[:, 0].tolist() == [0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8]
    assert chars.user_data["marker"] == "kept"
    assert character_tokens_component(doc, min_tokens=100) is doc  # a short doc is left alone


@pytest.mark.skipif(not (DEFAULT_MODEL / "config.cfg").exists(), reason="no shipped model")
def test_rules_give_the_same_results_on_words_and_on_characters():
    from conftest import SEEDS
    from extract.clean import clean
    from extract.ingest import read_document
    from extract.pipeline import analyse

    on_words, on_chars = load_pipeline(), load_pipeline()
    on_chars.replace_pipe("extract_character_tokens", "extract_character_tokens", config={"min_tokens": 0})
    for path in sorted(SEEDS.glob("*.txt")):
        page = clean(read_document(path))
        assert analyse(on_words, page) == analyse(on_chars, page), path.name


def test_pruned_segmenter_keeps_strong_features_renumbered_and_rounds_to_half_precision(tmp_path):
    import numpy
    import srsly

    from training.prune_segmenter import prune

    # three features of two tags, then the 2x2 tag transitions
    srsly.write_msgpack(tmp_path / "features.msgpack", {"feature_to_idx": {"a": 0, "b": 1, "c": 2}})
    node = [[0.5, -0.1234567], [0.001, -0.002], [0.0, 2.7182818]]
    edge = [0.1, 0.2, 0.3, 0.4]
    numpy.savez(tmp_path / "weights.npz", sizes=numpy.array([2, 3]), w=numpy.array(sum(node, []) + edge))
    report = prune(tmp_path, tmp_path / "out", threshold=0.05, half=True)

    assert report["features_after"] == 2
    assert srsly.read_msgpack(tmp_path / "out" / "features.msgpack")["feature_to_idx"] == {"a": 0, "c": 1}
    with numpy.load(tmp_path / "out" / "weights.npz") as pruned:
        assert list(pruned["sizes"]) == [2, 2]
        w = pruned["w"]
    assert w.dtype == numpy.float64  # what spacy-pkuseg's inference needs
    expected = numpy.array(node[0] + node[2] + edge).astype(numpy.float16).astype(numpy.float64)
    assert numpy.array_equal(w, expected)
    assert w[1] != -0.1234567  # rounded


def toy_segmented_text(path):
    """A tiny segmented corpus for training runs of a couple of iterations."""
    sentences = ["我们 在 北京 工作", "他 在 上海 学习 中文", "北京 和 上海 都 是 城市", "我们 学习 工作"] * 5
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return path


def test_segmenter_training_saves_a_checkpoint_per_iteration(tmp_path, monkeypatch):
    import numpy
    import spacy_pkuseg
    from spacy_pkuseg import trainer

    from training.train_segmenter import save_checkpoints

    monkeypatch.setattr(trainer.Trainer, "test", trainer.Trainer.test)  # undone after the test
    train = toy_segmented_text(tmp_path / "train.txt")
    out = tmp_path / "model"
    save_checkpoints(out, first=2)
    spacy_pkuseg.train(str(train), str(train), str(out), train_iter=3)

    assert sorted(p.name for p in out.glob("iteration-*")) == ["iteration-2", "iteration-3"]
    weights = {}
    for name in ["iteration-2", "iteration-3", "."]:
        with numpy.load(out / name / "weights.npz") as saved:
            weights[name] = saved["w"]
    assert numpy.array_equal(weights["iteration-3"], weights["."])  # the last one is the final model
    assert not numpy.array_equal(weights["iteration-2"], weights["."])
    segmenter = spacy_pkuseg.pkuseg(model_name=str(out / "iteration-2"), user_dict=[])
    assert segmenter.cut("我们在北京工作") == ["我们", "在", "北京", "工作"]


def test_segmenter_training_with_extra_ngrams_gives_them_to_the_model(tmp_path, monkeypatch):
    import spacy_pkuseg
    import srsly
    from spacy_pkuseg.feature_extractor import FeatureExtractor

    from extract.segmenter import cut
    from training.train_segmenter import add_extra_ngrams

    monkeypatch.setattr(FeatureExtractor, "get_node_features", FeatureExtractor.get_node_features)  # undone after
    train = toy_segmented_text(tmp_path / "train.txt")
    add_extra_ngrams()
    spacy_pkuseg.train(str(train), str(train), str(tmp_path / "model"), train_iter=2)

    features = srsly.read_msgpack(tmp_path / "model" / "features.msgpack")["feature_to_idx"]
    # for 们 in 我们在北京: the next two characters, the two neighbours, the three around it
    assert {"c1c2.在.北", "c-1c1.我.在", "c-1cc1.我.们.在", "cc1.们.在"} <= set(features)
    segmenter = spacy_pkuseg.pkuseg(model_name=str(tmp_path / "model"), user_dict=[])
    assert cut(segmenter, "我们在北京工作") == ["我们", "在", "北京", "工作"]


def test_convention_conflicts_are_strings_one_corpus_labels_and_the_other_does_not():
    from training.prepare_ner import convention_conflicts, unlabelled_occurrences

    reference = [("十五大召开", [(0, 3, "ORG")])] * 3 + [("人大代表", [(0, 2, "ORG")]), ("人大会堂", []), ("人大路", [])]
    other = [("十五大精神", []), ("人大常委会", []), ("十五大报告", [(0, 3, "ORG")]), ("在十五大上", [])] * 2
    # 十五大: the reference labels all 3, the other 2 of its 6 (a third)
    assert convention_conflicts(reference, other) == set()
    assert convention_conflicts(reference, other, max_share=0.5) == {"十五大"}
    # 人大: labelled once, in a third of the reference's occurrences
    assert convention_conflicts(reference, other, min_labelled=1, max_share=0.5) == {"十五大"}
    assert convention_conflicts(reference, other, min_labelled=1, min_share=0.3, max_share=0.5) == {"十五大", "人大"}
    # occurrences inside an entity are not unlabelled ones
    assert list(unlabelled_occurrences("在十五大上，十五大", [(6, 9, "ORG")], {"十五大", "五"}, 3)) == [(1, 4), (2, 3)]


def test_development_split_is_the_last_share_of_the_sentences():
    from training.prepare_ner import split_dev

    assert split_dev(list(range(40)), 0.05) == (list(range(38)), [38, 39])
    assert split_dev(list(range(10)), 0.05) == (list(range(10)), [])


def test_character_experiment_data_round_trips_tags_and_words():
    from training.experiments.char_crf import char_features, sentence_words
    from training.experiments.char_data import Sentence, bio_tags, score, tag_spans, word_positions

    spans = {(0, 3, "PERSON"), (4, 6, "LOC"), (6, 8, "ORG")}
    tags = bio_tags(9, spans)
    assert tags == ["B-PERSON", "I-PERSON", "I-PERSON", "O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "O"]
    assert tag_spans(tags) == spans
    # a predicted I- that does not continue its label's entity starts one
    assert tag_spans(["I-LOC", "I-ORG", "O", "I-ORG"]) == {(0, 1, "LOC"), (1, 2, "ORG"), (3, 4, "ORG")}

    doc = word_doc(["邓小平", "在", "北京", "说"])
    assert word_positions(doc) == ["B", "M", "E", "S", "B", "E", "S"]
    sentence = Sentence(doc.text, word_positions(doc), bio_tags(7, [(0, 3, "PERSON"), (4, 6, "LOC")]))
    assert sentence_words(sentence) == ["邓小平"] * 3 + ["在"] + ["北京"] * 2 + ["说"]
    features = char_features(sentence)
    assert "w=北京B" in features[4] and "c-1=在" in features[4] and "pw=在|S" in features[4]

    predicted = [bio_tags(7, [(0, 3, "PERSON"), (4, 5, "LOC")])]
    report = score(predicted, [sentence])
    assert report["overall"] == {"p": 0.5, "r": 0.5, "f": 0.5}
    assert report["PERSON"] == 1.0 and report["LOC"] == 0.0


def test_cluener_records_map_their_labels_and_mark_the_other_types_missing(tmp_path):
    import json

    from training.prepare_ner import read_cluener, to_docs

    record = {"text": "张小明任星河科技公司总经理，去了杭州",
              "label": {"name": {"张小明": [[0, 2]]}, "company": {"星河科技公司": [[4, 9]]},
                        "position": {"总经理": [[10, 12]]}, "address": {"杭州": [[16, 17]]}}}
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n\n", encoding="utf-8")
    [(text, ents)] = list(read_cluener(path))
    assert ents == [(0, 3, "PERSON"), (4, 10, "ORG"), (10, 13, None), (16, 18, "LOC")]

    nlp = spacy.blank("zh")  # one token a character
    stats = {"entities": 0, "misaligned": 0, "masked": 0}
    [doc] = list(to_docs(nlp, [(text, ents)], stats))
    assert [(e.text, e.label_) for e in doc.ents] == [("张小明", "PERSON"), ("星河科技公司", "ORG"), ("杭州", "LOC")]
    # the unmapped type is missing (no IOB tag), the text around it outside
    assert [t.ent_iob_ for t in doc[10:13]] == ["", "", ""]
    assert doc[13].ent_iob_ == "O" and stats["entities"] == 3


def test_overlapping_entities_keep_the_longest():
    from training.prepare_ner import to_docs

    nlp = spacy.blank("zh")
    stats = {"entities": 0, "misaligned": 0, "masked": 0}
    [doc] = list(to_docs(nlp, [("北京大学医院在这里", [(0, 4, "ORG"), (0, 6, "ORG"), (0, 2, "LOC")])], stats))
    assert [(e.text, e.label_) for e in doc.ents] == [("北京大学医院", "ORG")]
