from __future__ import annotations

from hypothesis import given, strategies as st

from extract.split import sentence_spans


def texts(spans, text):
    return [text[s:e] for s, e in spans]


def test_splits_on_chinese_terminators_with_closing_quotes():
    text = "他说:“我们会做到。”随后离开了!真的吗?是的……好\n第二行;没有结尾"
    assert texts(sentence_spans(text), text) == [
        "他说:“我们会做到。”", "随后离开了!", "真的吗?", "是的……", "好", "第二行;", "没有结尾",
    ]


def test_offsets_exclude_white_space():
    text = "  第一句。  第二句。 "
    assert texts(sentence_spans(text), text) == ["第一句。", "第二句。"]


@given(st.text(alphabet="我们。！？”\n ab,", max_size=60))
def test_sentences_are_ordered_non_empty_and_inside_the_text(text):
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        previous_end = end
