from __future__ import annotations

import pytest
import cn2an
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


@pytest.mark.parametrize(
    "text, expected",
    [
        # percentages written out
        ("失业率降到百分之三十以下", [("百分之三十以下", 30, "%", "lt")]),
        ("利率上调百分之2.5", [("百分之2.5", 2.5, "%", "eq")]),
        # 万亿 and Arabic digits with magnitudes
        ("全国财政收入约20.3万亿元", [("约20.3万亿元", 20300000000000, "元", "approx")]),
        ("订单额达一万亿元", [("一万亿元", 10**12, "元", "eq")]),
        # approximations with 余/多/几 before or after a magnitude
        ("投资800余万元", [("800余万元", 8000000, "元", "gt")]),
        ("吸引十余万人观展", [("十余万人", 100000, "人", "gt")]),
        ("筹集三千多万元", [("三千多万元", 30000000, "元", "gt")]),
        ("带动三十几万人就业", [("三十几万人", 300000, "人", "gt")]),
        # a lone 十
        ("十个部门联合发文", [("十个", 10, "个", "eq")]),
        # full-width digits and point
        ("占比７．５％", [("７．５％", 7.5, "%", "eq")]),
        # signed values
        ("增速为-4.6%", [("-4.6%", -4.6, "%", "eq")]),
        ("利润增长负1.5%", [("负1.5%", -1.5, "%", "eq")]),
        # 近/约 with 一 before a unit
        ("每天用水近一吨", [("近一吨", 1, "吨", "approx")]),
        # longest unit from the table
        ("孩子刚满六周岁", [("六周岁", 6, "周岁", "eq")]),
        ("建厂40周年", [("40周年", 40, "周年", "eq")]),
        ("投资50亿台币", [("50亿台币", 5000000000, "台币", "eq")]),
        ("融资3000万人民币", [("3000万人民币", 30000000, "人民币", "eq")]),
        ("收盘价12.5元/股", [("12.5元/股", 12.5, "元/股", "eq")]),
        ("锁定期为20个交易日", [("20个交易日", 20, "交易日", "eq")]),
        ("全省共有9000多万人口", [("9000多万人口", 90000000, "人口", "gt")]),
        ("管径达到48英寸", [("48英寸", 48, "英寸", "eq")]),
    ],
)
def test_number_forms_and_units(text, expected):
    assert metrics(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("涨幅为3-15%", [("3", 3, "%", "eq"), ("15%", 15, "%", "eq")]),
        ("分别提高0.2和0.5个百分点", [("0.2", 0.2, "百分点", "eq"), ("0.5个百分点", 0.5, "百分点", "eq")]),
        ("每户补贴2至6万元", [("2", 20000, "元", "eq"), ("6万元", 60000, "元", "eq")]),
        ("每年增加3、4家", [("3", 3, "家", "eq"), ("4家", 4, "家", "eq")]),
    ],
)
def test_ranges_and_lists_that_write_the_unit_once(text, expected):
    assert metrics(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "两国签署协议",  # 两国: both countries
        "利润实现两位数增幅",  # double digits
        "新的一年即将到来",  # the year
        "5G网络覆盖全市",  # a technology generation
        "排名从56位升至41位",  # places in a ranking
        "跻身前五位",
        "五六个人",  # a vague pair of numerals
        "几十家企业",
        "链接中的%25不是数字",  # a URL encoding
        "产品型号为X-15型",
    ],
)
def test_more_things_that_are_not_metrics(text):
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
    assert parse_number(cn2an.an2cn(n)) == n


@given(st.integers(min_value=1, max_value=10**15), st.sampled_from(["low", "up"]))
def test_chinese_numerals_round_trip_with_cn2an(n, style):
    """Any number cn2an writes (small or capital numerals) reads back to itself,
    and its value written again by cn2an is the same text."""
    written = cn2an.an2cn(n, style)
    assert parse_number(written) == n
    assert cn2an.an2cn(parse_number(written), style) == written


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_chinese_numerals_round_trip(d):
    n = float(d)
    assert parse_number(cn2an.an2cn(str(d))) == pytest.approx(n)


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["十", "百", "千", "万", "十万", "百万", "千万", "亿", "万亿"]))
def test_arabic_numbers_with_any_magnitude(n, magnitude):
    import math

    factor = math.prod({"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}[c] for c in magnitude)
    assert parse_number(f"{n}{magnitude}") == n * factor
    assert parse_number(f"{n}余{magnitude}") == n * factor  # 800余万: the 余 is the qualifier's


@given(st.integers(min_value=0, max_value=10**7))
def test_full_width_digits_read_like_ascii(n):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    assert parse_number(full_width) == n


@given(st.text(max_size=40))
def test_find_metrics_never_fails_and_spans_fit(text):
    for m in find_metrics(text):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert m["qualifier"] in {"eq", "gt", "lt", "approx"}


def table_figures(text):
    return [(text[m["start"]:m["end"]], m["value"], m["unit"]) for m in find_metrics(text)]


def test_a_tabbed_table_takes_units_from_its_caption_and_column_headers():
    text = (
        "表2 各县工业产值（单位：亿元）\n"
        "县\t产值\t增速（%）\n"
        "甲县\t45.6\t7.1\n"
        "乙县\t30\t-0.8\n"
    )
    assert table_figures(text) == [
        ("45.6", 4560000000, "元"), ("7.1", 7.1, "%"), ("30", 3000000000, "元"), ("-0.8", -0.8, "%"),
    ]


def test_a_table_flattened_one_cell_a_line():
    text = (
        "指标\n"
        "数量（万吨）\n"
        "比上年增长（%）\n"
        "粮食产量\n"
        "652\n"
        "2.4\n"
        "蔬菜产量\n"
        "318\n"
        "-1.5\n"
    )
    assert table_figures(text) == [
        ("652", 6520000, "吨"), ("2.4", 2.4, "%"), ("318", 3180000, "吨"), ("-1.5", -1.5, "%"),
    ]


def test_a_markdown_table_with_units_in_its_header():
    text = "| 品类 | 销量（辆） | 占比（%） |\n| 轿车 | 1200 | 40.5 |\n"
    assert table_figures(text) == [("1200", 1200, "辆"), ("40.5", 40.5, "%")]


def test_prose_ends_a_table_and_bare_numbers_outside_tables_are_not_metrics():
    text = (
        "单位：万人\n城镇\n1520\n"
        "以上为初步统计数据，最终核实数据将在明年正式公布，敬请各位读者留意相关的后续发布。\n"
        "4567\n"
    )
    assert table_figures(text) == [("1520", 15200000, "人")]
    assert table_figures("阅读 12345\n评论 67") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("这一因素制约两国贸易", []),  # 制约 is not 约 (and 两国 is no count)
        ("最近3年投入", [("3年", 3, "年", "eq")]),  # 最近 is not 近
        ("打破5项纪录", [("5项", 5, "项", "eq")]),  # 打破 is not 破
        ("约3000人到场", [("约3000人", 3000, "人", "approx")]),
        ("早在一九九七年", []),  # a year in Chinese digits
        ("２０２０年以来", []),  # a year in full-width digits
        ("比率为－０．４\n部队官兵", []),  # a number does not take a unit from the next line
        ("亿万人民的心愿", []),  # 亿万 alone is no figure
    ],
)
def test_qualifier_words_inside_other_words_and_years_in_any_digits(text, expected):
    assert metrics(text) == expected


def test_two_years_average_is_a_statistic_not_a_duration():
    assert metrics("销量提高8%，两年平均提高5.1%") == [("8%", 8, "%", "eq"), ("5.1%", 5.1, "%", "eq")]


@pytest.mark.parametrize("text", ["Copyright © 2019 人民网版权所有", "© 1997-2019 某某网", "服务热线：400 台", "京ICP备1234号 5家"])
def test_copyright_and_contact_lines_are_chrome(text):
    assert metrics(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("气温5℃以上", [("5℃以上", 5, "℃", "gt")]),
        ("主频3.5GHz", [("3.5GHz", 3.5, "GHz", "eq")]),
        ("吞吐量500万标准箱", [("500万标准箱", 5000000, "标准箱", "eq")]),
        ("出生率为3‰", [("3‰", 3, "‰", "eq")]),
        ("起降1200架次", [("1200架次", 1200, "架次", "eq")]),
    ],
)
def test_more_units(text, expected):
    assert metrics(text) == expected


def test_nouns_counted_without_a_measure_word_and_a_unit_split_by_duo():
    assert metrics("逾19万员工") == [("逾19万员工", 190000, "员工", "gt")]
    assert metrics("用时3分多钟") == [("3分多钟", 3, "分钟", "gt")]
    assert metrics("P2P平台") == []


CELLS = st.one_of(
    st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["甲地", "合计", "其中：乙类", "指标", "增长（%）", "数量（万台）", "单位：亿元", ""]),
)


@given(st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=8), st.sampled_from(["\t", " | ", "\n"]))
def test_tables_of_any_shape_give_figures_that_fit(rows, separator):
    text = "单位：万元\n" + "\n".join(separator.join(row) for row in rows)
    for m in find_metrics(text):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert isinstance(m["value"], (int, float)) and m["unit"]


def test_per_mille_written_out():
    assert metrics("出生率为千分之七") == [("千分之七", 7, "‰", "eq")]


def test_chrome_markers_only_right_before_the_number():
    assert metrics("召开电话会议3次") == [("3次", 3, "次", "eq")]
    assert metrics("联系电话：010 12345678") == []


def test_a_caption_needs_a_unit_not_a_word_starting_with_one():
    assert metrics("主办单位：人民网\n12345\n678") == []
    assert metrics("（单位：人）\n城镇\n1520") == [("1520", 1520, "人", "eq")]
