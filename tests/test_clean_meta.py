"""Metadata line rules: headline suffixes, dates, outlets and bylines (own sentences)."""
from __future__ import annotations

import pytest

from extract.clean_meta import (
    Author, byline_in_line, bylines, compiled_by, copyright_holder, markdown_heading, meta_published,
    print_edition, published_in_line, source_in_lines, strip_site_suffix, url_in_lines,
)


@pytest.mark.parametrize("title, headline", [
    ("某市推进新能源汽车产业发展_某某新闻网", "某市推进新能源汽车产业发展"),
    ("某市推进新能源汽车产业发展 - 某某财经 - 某某网", "某市推进新能源汽车产业发展"),
    ("某市推进新能源汽车产业发展｜某某客户端", "某市推进新能源汽车产业发展"),
    ("某市推进新能源汽车产业发展_新闻频道_某某网(example.com)", "某市推进新能源汽车产业发展"),
    ("1-6月某省外资到资增长三成", "1-6月某省外资到资增长三成"),  # a hyphen inside the headline stays
    ("某市两会：代表热议-民生实事", "某市两会：代表热议-民生实事"),  # the tail is no site name
])
def test_site_suffix_is_removed_by_a_general_rule(title, headline):
    assert strip_site_suffix(title) == headline


@pytest.mark.parametrize("line, value", [
    ("2023-05-12 10:31　来源：某某日报", "2023-05-12T10:31:00"),
    ("发布时间：2023年5月12日 10:31:20", "2023-05-12T10:31:20"),
    ("发布日期:2021/01/05", "2021-01-05"),
    ("时间：2022.11.14 16时28分", "2022-11-14T16:28:00"),
    ("《某某日报》（2025年03月04日第 18 版）", "2025-03-04"),
    ("某某发布 2024-03-08 18:20", "2024-03-08T18:20:00"),
    ("最后更新: 2023-05-12 11:00", None),
    ("评论时间：2023-05-13 09:00", None),
    ("会议决定，于2023年6月1日起在全市范围内推行新的垃圾分类办法，并开展为期三个月的宣传活动。", None),
])
def test_publication_date_lines(line, value):
    assert published_in_line(line) == value


def test_trailer_dates_need_a_label():
    assert published_in_line("2023-05-12", labelled_only=True) is None
    assert published_in_line("发布时间：2023-05-12", labelled_only=True) == "2023-05-12"


def test_print_edition_gives_date_and_newspaper():
    assert print_edition("> 本报记者 张三《某某日报》（2025年03月04日第 18 版）") == ("2025-03-04", "某某日报")


def test_meta_tags_and_json_ld_dates_drop_the_zone():
    assert meta_published({"article:published_time": "2020-02-29T18:34:31+08:00"}, []) == "2020-02-29T18:34:31"
    assert meta_published({}, [{"datePublished": "2021-07-02"}]) == "2021-07-02"
    assert meta_published({"keywords": "a"}, []) is None


@pytest.mark.parametrize("lines, outlet", [
    (["2023-05-12 10:31 来源: 某某日报"], "某某日报"),
    (["版权声明 来源：某某晚报 时间：2019-09-23"], "某某晚报"),
    (["转载自：某某商报"], "某某商报"),
    (["图片来源：某某图库"], None),  # a picture credit names no outlet
    (["信息来源：市发展改革委、市统计局等"], None),  # a list of departments is no outlet
    (["来源：网络"], None),
])
def test_source_lines(lines, outlet):
    assert source_in_lines(lines) == outlet


def test_compiled_by_and_copyright_holder():
    assert compiled_by(["某某经济新闻综合新华社"]) == "某某经济新闻"
    assert compiled_by(["本报综合新华社"]) is None
    assert copyright_holder(["版权所有：某某网站 备案号"]) == "某某网站"


@pytest.mark.parametrize("line, authors, outlet", [
    ("本报记者  张三丰  李  四", [("张三丰", "记者"), ("李四", "记者")], None),
    ("某某社记者 王小明摄", [("王小明", "摄影")], None),
    ("某某新闻记者 叶一 宋二", [("叶一", "记者"), ("宋二", "记者")], "某某新闻"),
    ("某经编辑 周三", [("周三", "编辑")], "某经"),
    ("责任编辑：赵四_NN1234", [("赵四", "责任编辑")], None),
    ("本文来源：某某周报 作者：钱五", [("钱五", "作者")], None),
    ("（记者 孙六 通讯员 李七）", [("孙六", "记者"), ("李七", "通讯员")], None),
    ("文/图 周八 吴九", [("周八", "作者"), ("吴九", "作者")], None),
    ("记者注意到，今年以来全市新增企业三千家", [], None),
    ("针对此事，某公司对某某新闻记者回应称", [], None),
])
def test_bylines(line, authors, outlet):
    found, named = byline_in_line(line)
    assert [(a.name, a.role) for a in found] == authors
    assert named == outlet


def test_byline_names_on_the_next_line_and_closing_credits_in_a_paragraph():
    assert bylines(["责任编辑:", "刘一"])[0] == [Author("刘一", "责任编辑")]
    assert bylines(["会议要求各部门抓好落实。（记者 王二）"])[0] == [Author("王二", "记者")]


def test_markdown_heading_and_url_lines():
    assert markdown_heading(["### 引题", "# 主标题在这里", "## 副题"]) == "主标题在这里"
    assert url_in_lines(["原文链接：https://example.cn/a/1.html"]) == "https://example.cn/a/1.html"
    assert url_in_lines(["网址不详"]) is None
    assert url_in_lines(["[原文链接](https://example.cn/b.html)"]) == "https://example.cn/b.html"


def test_the_outlet_whose_reporter_the_story_speaks_to():
    from extract.clean_meta import reporter_outlet

    assert reporter_outlet("针对此事，某公司对某某财经记者独家回应称，目前没有减持计划。") == "某某财经"
    assert reporter_outlet("他在接受《某某周刊》记者采访时表示，市场仍有空间。") == "某某周刊"
    assert reporter_outlet("该负责人对本报记者表示，项目进展顺利。") is None
    assert reporter_outlet("他向前来采访的记者介绍了情况。") is None


def test_a_bare_name_beside_the_header_date_is_the_publisher():
    from extract.clean_meta import dated_publisher

    assert dated_publisher(["2023-05-12 10:31 某某财经"]) == "某某财经"
    assert dated_publisher(["某某发布 2024-03-08"]) == "某某发布"  # an account and its date
    assert dated_publisher(["2023-05-12 10:31 举报"]) is None
    assert dated_publisher(["2023-05-12 10:31 星期五"]) is None
    assert dated_publisher(["2023-05-12 10:31"]) is None


def test_one_character_credits_take_a_colon_or_a_bar():
    assert byline_in_line("文 | 张三")[0] == [Author("张三", "作者")]
    assert byline_in_line("图：李四")[0] == [Author("李四", "摄影")]
    assert byline_in_line("文化产业发展很快")[0] == []


def test_credits_opening_a_paragraph_and_an_account_beside_a_date_line():
    from extract.clean_meta import dated_publisher

    assert bylines(["本报讯（记者赵五）记者从某市住建局获悉，今年将改造一百个小区。"])[0] == [Author("赵五", "记者")]
    assert bylines(["某某社某地5月1日电（记者 钱六 孙七）某地今天举行了活动。"])[0] == [
        Author("钱六", "记者"), Author("孙七", "记者")]
    assert dated_publisher(["某某科技观察", "2023-07-21 15:02", "关注"]) == "某某科技观察"


def test_iso_date_times_and_the_sites_today_line():
    assert published_in_line("2023-05-12T10:31:20 来源：某某网") == "2023-05-12T10:31:20"
    assert published_in_line("今天是：2023年5月15日 星期一") is None
    assert published_in_line("作者：张三 来源：某某日报 发布时间：2023-05-12 10:31") == "2023-05-12T10:31:00"


@pytest.mark.parametrize("line, authors", [
    ("记者 王小明 报道", [("王小明", "记者")]),
    ("编辑 张三 审核 李四", [("张三", "编辑")]),
    ("记者 王小明 实习生 李小四", [("王小明", "记者"), ("李小四", "实习生")]),
])
def test_words_in_a_byline_that_are_no_names(line, authors):
    assert [(a.name, a.role) for a in byline_in_line(line)[0]] == authors


def test_a_time_on_the_line_below_its_day():
    from extract.clean_meta import first_published

    assert first_published(["2023-05-12", "10:31"]) == "2023-05-12T10:31:00"
    assert first_published(["2023-05-12", "10:31:05", "来源：某某日报"]) == "2023-05-12T10:31:05"
    assert first_published(["2023-05-12", "分享"]) == "2023-05-12"


def test_self_media_bars():
    assert byline_in_line("文丨张三")[0] == [Author("张三", "作者")]
    assert byline_in_line("编辑丨李四 王五")[0] == [Author("李四", "编辑"), Author("王五", "编辑")]
    assert source_in_lines(["来源丨某某日报"]) == "某某日报"


@pytest.mark.parametrize("line, value", [
    ("2023 05/12 10:31:20", "2023-05-12T10:31:20"),  # year and day set apart by the layout
    ("来源：某某新闻客户端 | 作者：某某某 | 编辑：某某 | 2023年05月12日 10:31", "2023-05-12T10:31:00"),
    ("原创 2023-05-12 10:31 · 某某财经", "2023-05-12T10:31:00"),
])
def test_header_layouts(line, value):
    assert published_in_line(line) == value


def test_publisher_beside_a_dot_or_bar():
    from extract.clean_meta import dated_publisher

    assert dated_publisher(["2023-05-12 10:31 · 某某财经"]) == "某某财经"
    assert dated_publisher(["某某财经 | 2023-05-12"]) == "某某财经"


# --- forms of the page benchmark's misses (own sentences) -----------------------------------

@pytest.mark.parametrize("lines, outlet", [
    (["来源：某某晚报2023-08-01 07:30"], "某某晚报"),  # a date glued to the outlet
    (["来源：某某网-《某某日报》2022-03-04 05:06"], "某某网-《某某日报》"),
    (["本文来源于某某统计局　2023-08-01 09:00:00"], "某某统计局"),  # 来源于 without a colon
    (["原创：某某养生网2023-08-01 12:00:00"], "某某养生网"),
    (["Copyright © 2001-2023　未经授权请勿转载"], None),
])
def test_outlet_forms_with_dates_and_labels(lines, outlet):
    assert (source_in_lines(lines) or copyright_holder(lines)) == outlet


@pytest.mark.parametrize("line, authors", [
    ("责任编辑：赵六 XY123", [("赵六", "责任编辑")]),  # a desk code after the name
    ("文/钱七", [("钱七", "作者")]),
    ("作者︱孙八", [("孙八", "作者")]),
    ("编辑 周一 ｜ 排版 吴二", [("周一", "编辑")]),  # layout is no authorship
    ("文丨某某研究所研究员 郑三", [("郑三", "作者")]),
    ("作者：某某大学经济学院院长、教授王小明", [("王小明", "作者")]),
    ("[责任编辑：lindaw]", [("lindaw", "责任编辑")]),  # a Latin-script editor id
    ("编辑 Anna Berg", [("Anna Berg", "编辑")]),
    ("（编译/冯四）", [("冯四", "编译")]),
])
def test_byline_forms(line, authors):
    assert [(a.name, a.role) for a in bylines([line])[0]] == authors


def test_an_outlet_with_a_middle_dot_before_the_reporter():
    assert byline_in_line("某报·某某网记者 陈五 来源：某报") == ([Author("陈五", "记者")], "某报·某某网")


@pytest.mark.parametrize("line, authors", [
    ("某地6月2日电（吴十、郑一）某市今天召开会议，部署夏粮收购工作。", [("吴十", "记者"), ("郑一", "记者")]),
    ("各方应当携手应对这些挑战。（冯二）", [("冯二", "作者")]),
    ("各方应当携手应对这些挑战。（未完待续）", []),
    ("他提到了（李四）这个名字以及其他的事情", []),  # a bracket inside a sentence is no credit
    ("2021-09-03 14:25 来源：某某新闻网 钱六", [("钱六", "作者")]),  # the writer after the outlet
    ("2021-09-03 14:25 来源：某某新闻网 举报", []),  # a button, no name
])
def test_credits_without_a_role_word(line, authors):
    assert [(a.name, a.role) for a in bylines([line])[0]] == authors


def test_platform_account_lines_name_the_publisher():
    from extract.clean_meta import dated_publisher

    # the account above a date line with the platform's posting place
    assert dated_publisher(["某某晨报", "2021-10-08 19:42发布于浙江某某晨报官方账号"]) == "某某晨报"
    assert dated_publisher(["2021年10月08日 20:05 某某晚报作者：某某晚报"]) == "某某晚报"
    assert dated_publisher(["2021-11-21 07:08:44某某说 来自湖南省"]) == "某某说"  # name glued to the time
    assert dated_publisher(["某某科技站2019年02月11日21:40"]) == "某某科技站"  # name glued to the date
    assert dated_publisher(["下载应用看更多", "2021年12月30日 11:11:11 来自海南省"]) is None  # a region is no name


@pytest.mark.parametrize("title, site", [
    ("某市推进新能源汽车产业发展_某某生活网_美食", "某某生活网"),
    ("某市推进新能源汽车产业发展 - 某某日报网", "某某日报网"),
    ("某市推进新能源汽车产业发展_图表_产经频道首页_某某经济网 - EXAMPLE.COM.CN", "某某经济网"),
    ("某市推进新能源汽车产业发展", None),
])
def test_the_site_a_title_tag_names(title, site):
    from extract.clean_meta import title_site

    assert title_site(title) == site


def test_site_suffix_in_capitals_and_section_front_page():
    assert strip_site_suffix("某市推进新能源汽车产业发展_产经频道首页_某某网 - EXAMPLE.COM.CN") == "某市推进新能源汽车产业发展"


def test_a_bracketed_credit_ends_at_its_bracket():
    line = "（来源：某某周刊 作者：某省社科院副院长、研究员卫小红）点击进入专题"
    assert bylines([line])[0] == [Author("卫小红", "作者")]


@pytest.mark.parametrize("line, authors", [
    ("记者张三", [("张三", "记者")]),  # a role glued to a name that opens with a surname
    ("编辑观点", []),  # a role glued to a word: a section's name
    ("记者节", []),
])
def test_a_role_glued_to_a_word_is_no_credit(line, authors):
    assert [(a.name, a.role) for a in byline_in_line(line)[0]] == authors
