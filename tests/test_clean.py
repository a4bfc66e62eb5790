from __future__ import annotations

import pytest

from extract.clean import NoArticle, clean, clean_text_page, is_prose, strip_pinyin_glosses
from extract.ingest import RawDocument

PAGE = """首页
要闻
当前位置: 首页>要闻>正文
新华日报 | 某市召开科技工作会议 部署全年重点任务
发布时间:2023-03-15 09:30
浏览次数:1024

3月14日,某市召开科技工作会议,总结去年工作,部署今年重点任务。会议指出,全市研发投入持续增长。

■聚焦重点领域

会议要求,各部门要围绕产业链部署创新链,加快建设一批高水平研发平台,推动科技成果就地转化。

(记者 王小明)
上一篇:某区举办招聘会
下一篇:某县推进乡村振兴
版权所有 © 2023 某某网
"""


def raw(text: str) -> RawDocument:
    return RawDocument(id="t", source="t.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)


def test_keeps_the_article_and_drops_the_chrome():
    doc = clean(raw(PAGE))
    assert doc.text.startswith("3月14日,某市召开科技工作会议")
    assert "■聚焦重点领域" in doc.text  # a section heading inside the article stays
    assert doc.text.endswith("(记者 王小明)")  # the closing credit is content
    for chrome in ["首页", "浏览次数", "上一篇", "版权所有", "发布时间"]:
        assert chrome not in doc.text


def test_recovers_title_date_and_outlet():
    doc = clean(raw(PAGE))
    assert doc.title == "某市召开科技工作会议 部署全年重点任务"
    assert doc.outlet == "新华日报"
    assert doc.published == "2023-03-15T09:30:00"


def test_source_line_names_the_outlet_and_a_date_only_line_the_day():
    page = "来源: 某某晚报\n2021年7月2日\n标题在这里是一条新闻\n" + "这是一段正文内容,讲述了某件事情的经过和结果。" * 3
    doc = clean(raw(page))
    assert doc.outlet == "某某晚报"
    assert doc.published == "2021-07-02"


def test_page_without_prose_gives_no_article():
    with pytest.raises(NoArticle):
        clean(raw("首页\n登录\n注册\n"))
    assert clean_text_page(raw("首页\n登录\n注册\n")).text == ""  # the page reader itself never raises


def test_pinyin_glosses_are_stripped():
    assert strip_pinyin_glosses("装备工业(gōngyè)是制造业的“脊梁”(jǐliáng)。") == "装备工业是制造业的“脊梁”。"
    # Latin words in brackets that are not pinyin stay.
    assert strip_pinyin_glosses("人工智能(AI)") == "人工智能(AI)"


def test_headline_lists_are_not_prose():
    assert not is_prose("某市低保标准再次提高 城市居民每人每月提至780元")
    assert is_prose("会议要求,各部门要围绕产业链部署创新链,加快建设一批高水平研发平台。")
