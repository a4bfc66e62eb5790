"""The page benchmark's scoring (benchmarks/pages.py) on a tiny page written for this test."""
import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "pages_benchmark", Path(__file__).resolve().parent.parent / "benchmarks" / "pages.py")
pages = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(pages)

# A made-up article: headline, a header line with time, source and byline, two paragraphs,
# an editor line and a comment box around it.
PAGE = """<html><head><title>河畔小镇新建图书馆开门迎客_示例新闻网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/local">本地</a> <a href="/tech">科技</a></div>
<h1>河畔小镇新建图书馆开门迎客</h1>
<div class="info">2021-04-02 09:15 来源：示例晚报 记者 林小禾</div>
<div class="article">
<p>本报讯 位于河畔小镇中心的新图书馆今天上午正式开放，首批上架图书约两万册，周末全天开放。</p>
<p>馆长介绍，图书馆设有儿童阅览区和自习区，居民凭身份证即可免费办理借阅卡，每人每次可借五本书。</p>
<p>责任编辑：周一鸣</p>
</div>
<div class="comments"><p>网友甲：终于有地方看书了！</p></div>
<div class="footer">版权所有 示例新闻网</div>
</body></html>"""

GOLD = {
    "title": "河畔小镇新建图书馆开门迎客",
    "published": "2021-04-02T09:15",
    "outlet": "示例晚报",
    "outlet_accept": ["示例晚报社"],
    "authors": [{"name": "林小禾", "role": "记者"}, {"name": "周一鸣", "role": "责任编辑"}],
    "body_text": "本报讯 位于河畔小镇中心的新图书馆今天上午正式开放，首批上架图书约两万册，周末全天开放。\n"
                 "馆长介绍，图书馆设有儿童阅览区和自习区，居民凭身份证即可免费办理借阅卡，每人每次可借五本书。",
}


def test_a_perfect_record_scores_right_on_every_column():
    pred = {"title": " 河畔小镇新建图书馆开门迎客 ", "published": "2021-04-02T09:15", "outlet": "示例晚报",
            "authors": [{"name": "林小禾", "role": "记者"}, {"name": "周一鸣", "role": "责任编辑"}],
            "text": GOLD["body_text"].replace("\n", "\n\n")}
    s = pages.score_page(pred, GOLD)
    assert s["body"][0] == s["body"][1] == s["body"][2] > 0
    assert s["headline"] and s["date"] and s["date_time"] and s["outlet"]
    assert s["authors"] == [2, 0, 0]


def test_missing_fields_are_scored_wrong_not_skipped():
    s = pages.score_page({}, GOLD)
    assert s["body"] == [0, 0, pages.body_counts(None, GOLD["body_text"])[2]]
    assert (s["headline"], s["date"], s["date_time"], s["outlet"]) == (False, False, False, False)
    assert s["authors"] == [0, 0, 2]
    total = pages.summarise({"x": s})
    assert total["body"]["f"] == 0.0 and total["date_time"] == {"right": 0, "of": 1}


def test_body_with_a_comment_loses_precision_not_recall():
    pred = {"text": GOLD["body_text"] + "\n网友甲：终于有地方看书了！"}
    inter, n_pred, n_gold = pages.score_page(pred, GOLD)["body"]
    assert inter == n_gold and n_pred > n_gold


@pytest.mark.parametrize("pred, date, date_time", [
    ("2021-04-02 09:15", True, True),
    ("2021-04-02T09:15:40", True, True),          # more precise than the page: accepted
    ("2021-04-02T01:15:00Z", True, True),         # UTC, read in China time
    ("2021-04-02T09:15:00+08:00", True, True),
    ("2021.04.02", True, False),                  # the date alone misses the time
    ("2021-04-02 10:15", True, False),
    ("2021-04-03", False, False),
    (None, False, False),
    ("下午", False, False),
])
def test_dates_and_times(pred, date, date_time):
    assert pages.date_right(pred, GOLD["published"]) is date
    assert pages.date_time_right(pred, GOLD["published"]) is date_time


def test_outlet_accepts_listed_variants_only():
    assert pages.outlet_right("示例晚报社", GOLD)
    assert not pages.outlet_right("示例新闻网", GOLD)
    assert not pages.outlet_right(None, GOLD)


def test_byline_strings_are_split_into_names():
    assert pages.author_names("责任编辑：周一鸣 SF012") == ["周一鸣"]
    assert pages.author_names("林小禾; 周一鸣") == ["林小禾", "周一鸣"]
    assert pages.author_names(["林小禾", {"name": "周一鸣", "role": "编辑"}]) == ["林小禾", "周一鸣"]
    assert pages.author_counts("林小禾、王某某", GOLD["authors"]) == (1, 1, 1)
    assert pages.author_counts("周一鸣、周一鸣", GOLD["authors"]) == (1, 0, 1)  # one person, named twice
    # a two-character name padded with a space, after a three-character one
    assert pages.author_names("本报记者 林小禾 周 一") == ["林小禾", "周一"]
    assert pages.author_names("Lin Xiaohe") == ["LinXiaohe"]


def test_gne_and_trafilatura_adapters_read_the_tiny_page():
    pytest.importorskip("gne")
    for run in (pages.run_gne, pages.run_trafilatura):
        rec = run(PAGE)
        assert set(rec) == {"title", "published", "outlet", "authors", "text"}
        assert "图书馆" in (rec["text"] or "")
        assert pages.date_right(rec["published"], GOLD["published"])
