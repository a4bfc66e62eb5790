from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from extract.match.metrics import find_metrics
from extract.normalise.numbers import parse_number


def metrics(text):
    return [(text[m["start"]:m["end"]], m["value"], m["unit"], m["qualifier"]) for m in find_metrics(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年营收21.54亿元。", [("21.54亿元", 2154000000, "元", "eq")]),
        ("服务超过16万家企业", [("超过16万家", 160000, "家", "gt")]),
        ("经过三十多年发展", [("三十多年", 30, "年", "gt")]),
        ("占比超80%", [("超80%", 80, "%", "gt")]),
        ("同比增长20.3%。", [("20.3%", 20.3, "%", "eq")]),
        ("增长8%以上", [("8%以上", 8, "%", "gt")]),
        ("约200人参加", [("约200人", 200, "人", "approx")]),
        ("不到5名", [("不到5名", 5, "名", "lt")]),
        ("两年内建成", [("两年内", 2, "年", "lt")]),
        ("百余名党员", [("百余名", 100, "名", "gt")]),
        ("超万名员工", [("超万名", 10000, "名", "gt")]),
        ("管道长四千米", [("四千米", 4000, "米", "eq")]),
        ("强度达750MPa级", [("750MPa", 750, "MPa", "eq")]),
        ("总额10970万元", [("10970万元", 109700000, "元", "eq")]),
    ],
)
def test_figures_units_and_qualifiers(text, expected):
    assert metrics(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024年召开",  # a year
        "第一次会议",  # an ordinal
        "S3平台下线",  # a code
        "推出“黄金二十条”政策",  # a campaign name
        "守护万家灯火",  # a bare magnitude inside an idiom
        "作为一名科技工作者",  # the indefinite 一
        "90年代初",  # a decade
        "党的二十大",  # no unit
        "规范DL/T2096要求",
    ],
)
def test_not_metrics(text):
    assert metrics(text) == []


def test_units_are_not_confused_with_words_they_start():
    assert metrics("进入9市场") == []
    assert metrics("四地九市之外") == [("四地", 4, "地", "eq"), ("九市", 9, "市", "eq")]


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_numbers_round_trip(n):
    assert parse_number(str(n)) == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_magnitudes_expand(n, magnitude):
    word, factor = magnitude
    assert parse_number(f"{n}{word}") == n * factor


@given(st.integers(min_value=0, max_value=99999999))
def test_chinese_numerals_agree_with_arabic(n):
    import cn2an

    assert parse_number(cn2an.an2cn(n)) == n


@given(st.text(max_size=40))
def test_find_metrics_never_fails_and_spans_fit(text):
    for m in find_metrics(text):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert m["qualifier"] in {"eq", "gt", "lt", "approx"}
