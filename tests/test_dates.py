from __future__ import annotations

import pytest
from edtf import parse_edtf
from hypothesis import given, settings, strategies as st

from extract.match.dates import find_dates
from extract.normalise.dates import is_valid_edtf, reference_year, shift_years, ymd


def dates(text, published=None):
    return [(d["text"], d["value"]) for d in find_dates(text, published)]


def values(text, published=None):
    return [d["value"] for d in find_dates(text, published)]


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("9月4日,会议举行", "2024-09-06", [("9月4日", "2024-09-04")]),
        ("2024年9月4日举行", None, [("2024年9月4日", "2024-09-04")]),
        ("今年出台政策", "2024-09-06", [("今年", "2024")]),
        ("去年揭牌", "2022-11-14", [("去年", "2021")]),
        ("11月底前完成", "2022-11-14", [("11月底", "2022-11")]),
        ("今年前5月出口增长", "2025-06-10", [("今年前5月", "2025-01/2025-05")]),
        ("今年上半年", "2023-08-01", [("今年上半年", "2023-01/2023-06")]),
        ("20世纪90年代初", None, [("20世纪90年代初", "199X")]),
        ("成立于1995年", None, [("1995年", "1995")]),
        ("2022年度十大成果", None, [("2022年度", "2022")]),
        ("21世纪的城市", None, [("21世纪", "20XX")]),
        ("发布于2022-11-14 16:28:00", None, [("2022-11-14 16:28:00", "2022-11-14T16:28:00")]),
        ("在“五一”国际劳动节到来之际", "2023-04-28", [("五一", "2023-05-01")]),
    ],
)
def test_dates_and_their_edtf_values(text, published, expected):
    assert dates(text, published) == expected


# Periods, each written the ways news copy writes them (sentences made up for the tests).
@pytest.mark.parametrize(
    "text, published, expected",
    [
        # quarters
        ("一季度全市进出口回暖", "2023-04-20", [("一季度", "2023-01/2023-03")]),
        ("第二季度利润下滑", "2023-08-20", [("第二季度", "2023-04/2023-06")]),
        ("2019年四季度订单持平", None, [("2019年四季度", "2019-10/2019-12")]),
        ("二季度末贷款余额上升", "2023-07-20", [("二季度末", "2023-06")]),
        ("前三季度累计完成", "2023-10-20", [("前三季度", "2023-01/2023-09")]),
        ("去年三季度", "2023-10-20", [("去年三季度", "2022-07/2022-09")]),
        # halves
        ("上半年营收增长", "2022-07-30", [("上半年", "2022-01/2022-06")]),
        ("下半年还将开工", "2022-07-30", [("下半年", "2022-07/2022-12")]),
        ("2018年下半年", None, [("2018年下半年", "2018-07/2018-12")]),
        # month spans in every dash and word form
        ("1-4月销量", "2021-05-10", [("1-4月", "2021-01/2021-04")]),
        ("1—8月份产量", "2021-09-10", [("1—8月份", "2021-01/2021-08")]),
        ("3至5月降雨偏多", "2021-06-10", [("3至5月", "2021-03/2021-05")]),
        ("今年2~6月", "2021-07-10", [("今年2~6月", "2021-02/2021-06")]),
        ("2017年1—9月份", None, [("2017年1—9月份", "2017-01/2017-09")]),
        ("2017年3月至6月", None, [("2017年3月至6月", "2017-03/2017-06")]),
        ("前7个月出口", "2021-08-10", [("前7个月", "2021-01/2021-07")]),
        # whole years and their parts
        ("去年全年实现增长", "2024-03-01", [("去年全年", "2023")]),
        ("今年以来累计签约", "2024-03-01", [("今年以来", "2024")]),
        ("年初制定计划，年底完成", "2024-03-01", [("年初", "2024"), ("年底", "2024")]),
        ("去年底已建成", "2024-03-01", [("去年底", "2023")]),
        ("截至2020年末", None, [("2020年末", "2020")]),
        # months as a month
        ("8月末库存下降", "2024-09-10", [("8月末", "2024-08")]),
        ("7月份用电量", "2024-09-10", [("7月份", "2024-07")]),
        ("10月底交付", "2024-09-10", [("10月底", "2024-10")]),
        ("去年八月份启动", "2024-01-10", [("去年八月份", "2023-08")]),
    ],
)
def test_periods(text, published, expected):
    assert dates(text, published) == expected


def test_same_period_a_year_back_takes_the_period_stated_before():
    text = "上半年客流回升5%，高出去年同期2个百分点。"
    assert values(text, "2023-07-20") == ["2023-01/2023-06", "2022-01/2022-06"]
    text = "8月份菜价上涨，涨幅低于上年同期。"
    assert values(text, "2023-09-20") == ["2023-08", "2022-08"]


def test_previous_year_and_month_lean_on_the_date_stated_before():
    text = "2016年产值提高8%，增幅较上年加快1个百分点。"
    assert values(text, "2019-03-01") == ["2016", "2015"]
    text = "5月份油价走高，升幅超过上月。"
    assert values(text, "2022-06-15") == ["2022-05", "2022-04"]
    assert values("上个月已经签约", "2022-06-15") == ["2022-05"]
    assert values("2012年8月开业，当年营业额过亿", None) == ["2012-08", "2012"]


def test_a_comparison_base_is_not_the_period_reported_on():
    # 比2019年 is the base; 上年 is the year before the year reported on (2021).
    text = "2021年收入比2019年多出12%，增幅较上年放缓。"
    assert values(text, "2022-01-10") == ["2021", "2019", "2020"]


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("2019年6月1日-6月30日", None, ["2019-06-01/2019-06-30"]),
        ("5月8日至10日举行", "2020-06-01", ["2020-05-08/2020-05-10"]),
        ("1995-1997年间", None, ["1995/1997"]),
        ("2016至2019年", None, ["2016/2019"]),
        ("3月和5月两次检查", "2020-06-01", ["2020-03", "2020-05"]),
        ("2011、2012年连续获奖", None, ["2011", "2012"]),
        ("2014年4月和7月", None, ["2014-04", "2014-07"]),
        ("2014年4、7月", None, ["2014-04", "2014-07"]),
    ],
)
def test_ranges_and_lists_carry_the_year_and_month(text, published, expected):
    assert values(text, published) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-11-29", "2019-11-29"),
        ("2019.11.29", "2019-11-29"),
        ("2019/11/29", "2019-11-29"),
        ("2019年11月29日", "2019-11-29"),
        ("2019 年 11 月 29 日", "2019-11-29"),
        ("二〇一九年十一月二十九日", "2019-11-29"),
        ("2019 年", "2019"),
    ],
)
def test_numeric_and_spaced_forms(text, expected):
    assert values(text) == [expected]


def test_mixed_separators_are_not_a_date():
    assert values("编号2019-11.29") == []


def test_day_alone_takes_the_month_stated_before_or_the_publication_month():
    assert values("3月5日开幕，7日闭幕。", "2021-03-20") == ["2021-03-05", "2021-03-07"]
    assert values("记者12日获悉", "2021-03-20") == ["2021-03-12"]
    # A day still to come this month is last month's.
    assert values("记者28日获悉", "2021-03-20") == ["2021-02-28"]
    assert values("3日内完成", "2021-03-20") == []


def test_edition_credits_are_not_dates_of_the_article():
    assert values("（2024年03月16日第 05 版）", "2024-03-16") == []


@pytest.mark.parametrize("text", ["今年出台", "建党节", "一季度回暖", "上半年"])
def test_no_guessing_without_a_year(text):
    assert dates(text, None) == []


def test_a_month_or_day_whose_year_cannot_be_known_has_unspecified_digits():
    assert values("9月4日举行", None) == ["XXXX-09-04"]
    assert values("11月底", None) == ["XXXX-11"]


def test_without_a_publication_date_the_text_gives_the_year():
    text = "2020年全年产量下降。2021年以来产量回升，一季度提高12%。今年3月创新高。"
    assert values(text, None) == ["2020", "2021", "2021-01/2021-03", "2021-03"]
    # A deadline (至2030年) is not the year the text reports on; 截至 is.
    text = "截至2018年底，计划至2030年完成，一季度开工。"
    assert values(text, None)[-1] == "2018-01/2018-03"
    # The quarter compared 环比 with a year's fourth quarter is the next year's first.
    text = "一季度出货量比2015年四季度环比提高1%。"
    assert values(text, None)[0] == "2016-01/2016-03"


@pytest.mark.parametrize("text", ["近年来", "近日", "目前", "两年内", "16:30开始", "五一劳动奖章获得者", "3个月前", "2027年初步建成"])
def test_not_dates(text):
    assert all(v in {"2027"} for v in values(text, "2024-05-01"))


def test_a_reprint_resolves_against_the_year_its_events_happened():
    # Published in May, but the dated events without a year run to the summer before.
    month_days = [(7, 1), (5, 25), (6, 25), (2, 18)]
    assert reference_year("2024-05-23", month_days).year == 2023
    assert reference_year("2024-09-06", [(9, 4)]).year == 2024


def test_shift_years_keeps_real_days():
    assert shift_years("2024-01/2024-06", -1) == "2023-01/2023-06"
    assert shift_years("2024-02-29", -1) == "2023-02"


@given(st.dates())
def test_full_dates_round_trip(day):
    text = f"{day.year}年{day.month}月{day.day}日"
    if day.year >= 1500 and day.year < 2200:
        assert dates(text) == [(text, day.isoformat())]


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
def test_ymd_gives_valid_edtf_or_nothing(y, m, d):
    value = ymd(y, m, d)
    assert value is None or is_valid_edtf(value)


# Every form a date expression may take, with random parts, for the property tests.
YEARS = st.integers(1950, 2099)
MONTHS = st.integers(1, 12)
DAYS = st.integers(1, 31)
EXPRESSIONS = st.one_of(
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", YEARS, MONTHS, DAYS),
    st.builds(lambda m, d: f"{m}月{d}日", MONTHS, DAYS),
    st.builds(lambda d: f"，{d}日", DAYS),
    st.builds(lambda m, m2: f"{m}-{m2}月", MONTHS, MONTHS),
    st.builds(lambda y, m, m2: f"{y}年{m}—{m2}月份", YEARS, MONTHS, MONTHS),
    st.builds(lambda m, d, d2: f"{m}月{d}日至{d2}日", MONTHS, DAYS, DAYS),
    st.builds(lambda y, y2: f"{y}-{y2}年", YEARS, YEARS),
    st.builds(lambda q: f"{q}季度", st.sampled_from("一二三四")),
    st.builds(lambda rel, part: rel + part, st.sampled_from(["今年", "去年", "", "2019年"]),
              st.sampled_from(["上半年", "下半年", "全年", "以来", "底", "初", "同期"])),
    st.sampled_from(["上月", "上年", "当年", "去年同期", "年初", "年底"]),
    st.builds(lambda y, m, d, y2, m2, d2: f"{y}年{m}月{d}日至{y2}年{m2}月{d2}日", YEARS, MONTHS, DAYS, YEARS, MONTHS, DAYS),
    st.builds(lambda y, y2: f"{y}年到{y2}年", YEARS, YEARS),
)


@settings(deadline=None)  # a loaded machine; parsing EDTF is not what is measured
@given(st.lists(EXPRESSIONS, min_size=1, max_size=4), st.sampled_from([None, "2024-02-29", "2023-12-31T23:59:59", "2021-07-01"]))
def test_every_value_parses_as_edtf_and_intervals_run_forward(parts, published):
    text = "，".join(parts)
    for d in find_dates(text, published):
        assert is_valid_edtf(d["value"])
        parsed = parse_edtf(d["value"])  # raises on anything that is not EDTF
        assert parsed is not None
        if "/" in d["value"] and "X" not in d["value"]:
            start, end = d["value"].split("/")
            assert parse_edtf(start).lower_strict() <= parse_edtf(end).upper_strict()


@given(st.text(max_size=40), st.sampled_from([None, "2024-02-29", "2023-12-31T23:59:59"]))
def test_find_dates_never_fails_and_values_are_edtf(text, published):
    for d in find_dates(text, published):
        assert is_valid_edtf(d["value"])
        assert text[d["start"]:d["end"]] == d["text"]


def test_a_year_before_an_event_name_or_title_is_a_date_but_a_count_is_not():
    assert values("参加2019中国国际智能产业博览会", None) == ["2019"]
    assert values("发布2023《城市发展报告》", None) == ["2023"]
    assert values("共有2019人报名", None) == []
    assert values("超过2000余家企业", None) == []


def test_full_width_digits_are_read_and_the_text_kept():
    assert dates("１９９８年１月１２日电", None) == [("１９９８年１月１２日", "1998-01-12")]
    assert dates("今年２月交付", "1998-05-01") == [("今年２月", "1998-02")]


@pytest.mark.parametrize("text", ["纪念十月革命", "农历年初二的烟花", "提前一个月完成", "每年五六月份"])
def test_words_that_only_look_like_dates(text):
    assert values(text, "1998-05-01") == []


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("2019年6月1日至2019年6月30日", None, ["2019-06-01/2019-06-30"]),
        ("2012年—2015年", None, ["2012/2015"]),
        ("2019年3月到2020年5月", None, ["2019-03/2020-05"]),
        ("2017年至今", None, ["2017"]),  # 今 is no date
        ("2015年至2012年", None, ["2015", "2012"]),  # backwards: not an interval
    ],
)
def test_two_dates_joined_by_a_dash_are_one_interval(text, published, expected):
    assert values(text, published) == expected


def test_a_date_with_its_time_of_day():
    assert values("2019年11月29日 10:30在京开幕", None) == ["2019-11-29T10:30:00"]
    assert values("11月29日10时30分", "2019-12-01") == ["2019-11-29T10:30:00"]
    assert values("9月4日 8:05", None) == ["XXXX-09-04"]  # no year, so no date-time


def test_two_digit_years_only_before_a_month():
    assert values("19年11月29日发布", None) == ["2019-11-29"]
    assert values("98年5月入伍", None) == ["1998-05"]
    assert values("工作了19年3个月", None) == []


def test_this_next_and_that_month():
    assert values("本月15日起实施", "2020-06-03") == ["2020-06-15"]
    assert values("下月开通", "2020-12-03") == ["2021-01"]
    assert values("2019年3月开工，当月完成", None) == ["2019-03", "2019-03"]
    assert values("元月1日起", "2020-06-03") == ["2020-01-01"]
    assert values("人均10美元月收入", "2020-06-03") == []


@pytest.mark.parametrize("text", ["宇航员登上月球", "日本月薪水平", "今晚当月亮升起", "每月100日元月费"])
def test_moons_and_countries_are_not_months(text):
    assert values(text, "2020-06-03") == []


def test_a_bare_period_takes_the_year_that_opens_its_sentence():
    text = "去年，公司受原料涨价拖累，一季度利润下滑，下半年回升。今年一季度盈利。"
    assert values(text, "2022-08-01") == ["2021", "2021-01/2021-03", "2021-07/2021-12", "2022-01/2022-03"]
    # Not when the year is inside the sentence (a comparison), nor in the next sentence.
    text = "与2019年相比，一季度票房多出10%。一季度观众稳定。"
    assert values(text, "2021-04-20") == ["2019", "2021-01/2021-03", "2021-01/2021-03"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“十一”黄金周期间", ["2023-10-01"]),
        ("在“八一”建军节前夕", ["2023-08-01"]),
        ("三八妇女节到来", ["2023-03-08"]),
        ("植树节当天", ["2023-03-12"]),
        ("第十一届会议期间", []),
        ("二十一期间", []),
    ],
)
def test_fixed_date_holidays(text, expected):
    assert values(text, "2023-09-20") == expected


def test_a_seven_day_yield_is_not_a_date():
    assert values("7日年化收益率为2%", "2023-09-20") == []


def test_days_announced_for_the_coming_weeks_are_not_a_reprint():
    text = "门票5月17日至19日发售，5月20日开园，5月21日起预约。"
    assert values(text, "2024-05-13")[0] == "2024-05-17/2024-05-19"
    assert reference_year("2024-05-13", [(5, 17), (5, 20), (5, 21)]).year == 2024


def test_a_whole_year_reported_on_is_before_the_year_the_text_calls_this_year():
    # No publication date: 2019年，… reports a finished year, so 今年 is a later one.
    text = "2019年，全市接待游客300万人次。今年前4个月，游客增长两成。"
    assert values(text, None) == ["2019", "2020-01/2020-04"]
    # Without 今年 in the text, the latest year stated stands.
    assert values("2019年，全市接待游客300万人次。3月5日开园。", None) == ["2019", "2019-03-05"]


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("昨天，东川市召开了全市大会。", "2024-03-01", ["2024-02-29"]),
        ("前天到达，明天离开。", "2024-12-31T09:00:00", ["2024-12-29", "2025-01-01"]),
        ("今天上午，会议开幕。", "2024-03-01", ["2024-03-01"]),
        # the page's own today, written in brackets, wins over a publication after midnight
        ("今天（3月1日）下午颁奖。他今天表示，昨天已到。", "2024-03-02T00:10:00", ["2024-03-01", "2024-03-01", "2024-03-01", "2024-02-29"]),
        # without a publication day a relative day is not placed
        ("昨天，东川市召开了全市大会。", None, []),
        # the future, nowadays, a speaker's today, an idiom and a news app are not days
        ("祝愿东川的明天更加美好，今天的年轻人更忙。", "2024-03-01", []),
        ("他问：“今天收麦子还顺利不？”", "2024-03-01", []),
        ("时至今日，他仍然自豪。据今日头条消息。", "2024-03-01", []),
    ],
)
def test_relative_days_resolve_against_the_publication_day(text, published, expected):
    assert values(text, published) == expected
