from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from extract.match.dates import find_dates
from extract.normalise.dates import is_valid_edtf, reference_year, ymd


def dates(text, published=None):
    return [(d["text"], d["value"]) for d in find_dates(text, published)]


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


@pytest.mark.parametrize("text", ["今年出台", "9月4日举行", "11月底", "建党节"])
def test_no_guessing_without_a_publication_date(text):
    assert dates(text, None) == []


@pytest.mark.parametrize("text", ["近年来", "近日", "目前", "两年内", "16:30开始", "五一劳动奖章获得者"])
def test_not_dates(text):
    assert dates(text, "2024-05-01") == []


def test_a_reprint_resolves_against_the_year_its_events_happened():
    # Published in May, but the dated events without a year run to the summer before.
    month_days = [(7, 1), (5, 25), (6, 25), (2, 18)]
    assert reference_year("2024-05-23", month_days).year == 2023
    assert reference_year("2024-09-06", [(9, 4)]).year == 2024


@given(st.dates())
def test_full_dates_round_trip(day):
    text = f"{day.year}年{day.month}月{day.day}日"
    if day.year >= 1500 and day.year < 2200:
        assert dates(text) == [(text, day.isoformat())]


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
def test_ymd_gives_valid_edtf_or_nothing(y, m, d):
    value = ymd(y, m, d)
    assert value is None or is_valid_edtf(value)


@given(st.text(max_size=40), st.sampled_from([None, "2024-02-29", "2023-12-31T23:59:59"]))
def test_find_dates_never_fails_and_values_are_edtf(text, published):
    for d in find_dates(text, published):
        assert is_valid_edtf(d["value"])
        assert text[d["start"]:d["end"]] == d["text"]
