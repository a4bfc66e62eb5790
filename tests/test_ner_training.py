"""Training text and features for names the NER has never seen (issue 24): mention
replacement (training/augment_ner.py) and the rare-word norm (extract_rare_words)."""
from __future__ import annotations

import random

import spacy
from hypothesis import given, strategies as st

from extract.nlp import RARE_NORM, RareWords
from training.augment_ner import augment, entity_inventory, new_name, replace_mentions, splice
from training.prepare_ner import known_words

def annotated(text: str, names: dict[str, str]):
    """(text, spans) with each of ``names`` labelled where it occurs."""
    spans = [(text.index(name), text.index(name) + len(name), label) for name, label in names.items()]
    return text, sorted(spans)


# invented sentences
SENTENCES = [
    annotated("记者鲁岩报道，青禾县委书记邬北辰视察了麦田村。",
              {"鲁岩": "PERSON", "青禾县": "LOC", "邬北辰": "PERSON", "麦田村": "LOC"}),
    annotated("蓝湾电子有限公司总经理柏千里说，公司将在石岭镇建厂。",
              {"蓝湾电子有限公司": "ORG", "柏千里": "PERSON", "石岭镇": "LOC"}),
    annotated("苗映雪和宁知远访问了白沙港。", {"苗映雪": "PERSON", "宁知远": "PERSON", "白沙港": "LOC"}),
    ("今天天气晴朗。", []),
]

def test_a_short_name_keeps_its_surname_and_takes_another_given_name():
    assert splice("邬北辰", "柏千里", random.Random(0)) == "邬千里"
    assert splice("鲁岩", "苗映雪", random.Random(0)) == "鲁映雪"


def test_a_long_name_joins_a_head_of_one_to_a_tail_of_another():
    rng = random.Random(3)
    for _ in range(20):
        name = splice("蓝湾电子有限公司", "青禾县农业局", rng)
        assert name[0] == "蓝" and name.endswith("局") and len(name) >= 2


def test_replaced_mentions_are_new_names_of_the_same_label_in_the_same_words():
    known = {text[s:e] for text, ents in SENTENCES for s, e, _ in ents}
    inventory = entity_inventory(SENTENCES)
    assert inventory["PERSON"] == sorted(["鲁岩", "邬北辰", "柏千里", "苗映雪", "宁知远"])
    text, ents = SENTENCES[0]
    new_text, new_ents = replace_mentions(text, ents, inventory, known, random.Random(1))
    assert [label for *_, label in new_ents] == [label for *_, label in ents]
    replaced = [new_text[s:e] for s, e, _ in new_ents]
    assert any(name not in known for name in replaced)
    # the words between the names are the original's
    gaps = [text[e:s] for (_, e, _), (s, _, _) in zip(ents, ents[1:])]
    new_gaps = [new_text[e:s] for (_, e, _), (s, _, _) in zip(new_ents, new_ents[1:])]
    assert gaps == new_gaps and new_text.startswith("记者") and new_text.endswith("。")


def test_spans_of_no_label_keep_their_text_and_follow_the_shift():
    text = "邬北辰任蓝湾电子有限公司总经理"
    ents = [(0, 3, "PERSON"), (4, 12, "ORG"), (12, 15, None)]
    inventory = {"PERSON": ["鲁岩", "苗映雪"], "ORG": ["青禾县农业局", "白沙港务集团"]}
    new_text, new_ents = replace_mentions(text, ents, inventory, {"邬北辰"}, random.Random(2))
    start, end, label = new_ents[2]
    assert label is None and new_text[start:end] == "总经理" and new_text.endswith("总经理")


def test_no_copy_when_no_new_name_can_be_made():
    # one name of its label: nothing to splice it with
    assert new_name("PERSON", {"PERSON": ["鲁岩"]}, set(), random.Random(0)) is None
    assert replace_mentions("鲁岩来了", [(0, 2, "PERSON")], {"PERSON": ["鲁岩"]}, set(), random.Random(0)) is None


def test_augmentation_is_reproducible_and_copies_only_sentences_with_names():
    known = {text[s:e] for text, ents in SENTENCES for s, e, _ in ents}
    first = augment(SENTENCES, 1.0, known, seed=7)
    assert first == augment(SENTENCES, 1.0, known, seed=7)
    assert 1 <= len(first) <= 3 and all(ents for _, ents in first)
    assert "今天天气晴朗。" not in [text for text, _ in first]


@given(st.lists(st.sampled_from(["鲁岩", "邬北辰", "柏千里", "苗映雪", "宁知远", "白沙港", "麦田村"]), min_size=1, max_size=4),
       st.integers(0, 1000))
def test_replaced_spans_always_cover_their_names(names, seed):
    text, ents = "", []
    for name in names:
        ents.append((len(text) + 1, len(text) + 1 + len(name), "PERSON" if len(name) < 3 or name[-1] not in "港村" else "LOC"))
        text += "在" + name
    inventory = entity_inventory([(text, ents)] + SENTENCES)
    result = replace_mentions(text, ents, inventory, set(), random.Random(seed))
    if result is not None:
        new_text, new_ents = result
        assert all(new_text[s - 1] == "在" for s, _, _ in new_ents)
        assert len(new_ents) == len(ents) and all(e > s for s, e, _ in new_ents)


def test_rare_words_share_one_norm_and_known_words_keep_theirs(tmp_path):
    nlp = spacy.blank("zh")
    rare = nlp.add_pipe("extract_rare_words")  # found through the package's entry point
    rare.set_words(["记者", "报道", "说"])
    from spacy.tokens import Doc

    doc = rare(Doc(nlp.vocab, words=["记者", "邬北辰", "报道", "说"], spaces=[False] * 4))
    assert [t.norm_ for t in doc] == ["记者", RARE_NORM, "报道", "说"]
    assert [t.text for t in doc] == ["记者", "邬北辰", "报道", "说"]
    rare.to_disk(tmp_path)
    assert RareWords(nlp.vocab).from_disk(tmp_path).words == ["报道", "记者", "说"]


def test_without_a_list_every_word_keeps_its_norm():
    from spacy.tokens import Doc

    nlp = spacy.blank("zh")
    rare = RareWords(nlp.vocab)
    doc = rare(Doc(nlp.vocab, words=["邬北辰", "说"], spaces=[False, False]))
    assert [t.norm_ for t in doc] == ["邬北辰", "说"]


def test_known_words_are_those_seen_often_enough():
    from collections import Counter

    counts = Counter(["记者", "鲁岩", "报道", "记者", "邬北辰", "报道", "记者", "说", " "])
    assert known_words(counts, 2) == ["报道", "记者"]
    assert known_words(counts, 3) == ["记者"]


def test_character_mean_embeds_every_character_of_a_word_with_one_table():
    import numpy
    from spacy.tokens import Doc

    from extract.embed import WordCharEmbed, character_mean

    vocab = spacy.blank("zh").vocab
    docs = [Doc(vocab, words=["汨罗江", "在", "湖南"], spaces=[False] * 3), Doc(vocab, words=["罗江镇"], spaces=[False])]
    layer = character_mean(8, 100)
    layer.initialize(X=docs)
    means, backprop = layer.begin_update(docs)
    assert list(means.lengths) == [3, 1] and means.dataXd.shape == (4, 8)
    table = layer.layers[0]
    chars = lambda text: table.predict(numpy.array([[ord(c)] for c in text], dtype="uint64"))  # noqa: E731
    assert numpy.allclose(means.dataXd[0], chars("汨罗江").mean(axis=0))
    assert numpy.allclose(means.dataXd[3], chars("罗江镇").mean(axis=0))
    # the model mixes it with the word features to the width asked for, and learns through it
    model = WordCharEmbed(16, ["NORM", "PREFIX"], [50, 50], 8, 100)
    model.initialize(X=docs)
    outputs, backprop = model.begin_update(docs)
    assert [o.shape for o in outputs] == [(3, 16), (1, 16)]
    backprop([numpy.ones_like(o) for o in outputs])
    [char_layer] = [node for node in model.walk() if node.name == "character_mean"]
    [char_table] = [node for node in char_layer.walk() if node.name == "hashembed"]
    assert numpy.abs(char_table.get_grad("E")).sum() > 0


def test_pretraining_text_keeps_the_words_with_their_last_character_and_no_entities(tmp_path):
    import spacy
    from spacy.tokens import Doc, DocBin

    from training.pretrain_text import pretraining_docs

    nlp = spacy.blank("zh")
    doc = Doc(nlp.vocab, words=["东岭市", "水利局", "召开", "会议"], spaces=[False] * 4)
    doc.ents = [doc.char_span(0, 6, "ORG")]
    DocBin(docs=[doc, Doc(nlp.vocab, words=["王立新", "说"], spaces=[False, False])]).to_disk(tmp_path / "train.spacy")
    assert pretraining_docs(tmp_path / "train.spacy", tmp_path / "out" / "pretrain.spacy") == (2, 6)
    first, second = DocBin().from_disk(tmp_path / "out" / "pretrain.spacy").get_docs(nlp.vocab)
    assert [t.tag_ for t in first] == ["市", "局", "开", "议"] and not first.ents
    assert [t.text for t in second] == ["王立新", "说"]
