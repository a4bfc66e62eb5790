"""The clean stage on each page form, on small pages written for these tests."""
from __future__ import annotations

import json

import pytest

from extract.clean import NoArticle, clean
from extract.clean_meta import Author
from extract.ingest import RawDocument

P1 = "5月11日，某市召开新能源汽车产业推进会，会议通报了一季度全市新能源汽车产量和出口情况。"
P2 = "会议指出，全市已形成整车、电池、电机和电控较为完整的产业链，下一步将加快建设充电设施。"
P3 = "市发展改革委有关负责人表示，今年将新建公共充电桩五千个，并在郊区县实现乡镇全覆盖。"
COMMENT = "网友甲：我家楼下一直没有充电桩，希望这次真的能建起来，不然买了车也没地方充电。"


def raw(text: str, fmt: str = "text") -> RawDocument:
    return RawDocument(id="t", source=f"t.{'html' if fmt == 'html' else 'txt'}", sha256="0" * 64,
                       encoding="utf-8", format=fmt, text=text)


PORTAL_CRAWL = f"""某市推进新能源汽车产业发展_某某新闻网
首页
新闻
财经
体育
首页 > 新闻 > 正文
某市推进新能源汽车产业发展
2023-05-12 10:31:05　来源: 某某日报
分享到：
（原标题：新能源汽车产业推进会召开）
{P1}
会议现场
{P2}
{P3}
本文来源：某某日报
责任编辑：王五_NE1234
跟贴 12
网友评论仅供其表达个人看法，并不表明本网立场。
{COMMENT}
2023-05-12 11:02:00
{COMMENT}
为您推荐
某县召开农业工作会议
某区举办招聘会
"""


def test_portal_crawl_keeps_the_article_not_the_comments():
    doc = clean(raw(PORTAL_CRAWL))
    # the caption inside the article and the closing source credit stay
    assert doc.text.split("\n") == [P1, "会议现场", P2, P3, "本文来源：某某日报"]
    assert doc.title == "某市推进新能源汽车产业发展"
    assert doc.published == "2023-05-12T10:31:05"  # the header's, not a comment's time
    assert doc.outlet == "某某日报"
    assert doc.authors == (Author("王五", "责任编辑"),)


def test_long_comment_thread_does_not_outweigh_the_article():
    page = PORTAL_CRAWL.replace(COMMENT, "\n".join([COMMENT] * 8))
    assert clean(raw(page)).text.split("\n")[0] == P1


MARKDOWN_CRAWL = f"""### 引题写在这里

# 某市新能源汽车产量增长三成

## 副题写在这里

> 本报记者  张三丰  李  四《某某日报》（2025年03月04日第 18 版）

{P1}

**产业链更完整**

{P2}
"""


def test_markdown_crawl_headline_edition_date_outlet_and_byline():
    doc = clean(raw(MARKDOWN_CRAWL))
    assert doc.title == "某市新能源汽车产量增长三成"
    assert doc.published == "2025-03-04"
    assert doc.outlet == "某某日报"
    # a two-character name padded to three with spaces is one name
    assert doc.authors == (Author("张三丰", "记者"), Author("李四", "记者"))
    assert P1 in doc.text and P2 in doc.text and "引题" not in doc.text


def test_markdown_crawl_edition_line_alone_is_metadata_not_body():
    """A print-edition line with no byline gives the date and outlet and is not article
    text; with a byline before it, the line is the article's credit (test above)."""
    page = MARKDOWN_CRAWL.replace("本报记者  张三丰  李  四《某某日报》", "《某某日报》")
    doc = clean(raw(page))
    assert doc.published == "2025-03-04"
    assert doc.outlet == "某某日报"
    assert doc.text.split("\n")[0] == P1
    assert "张三丰" in clean(raw(MARKDOWN_CRAWL)).text.split("\n")[0]


def test_trailer_date_and_source_when_the_header_has_none():
    page = f"""某市推进新能源汽车产业发展
首页
新闻
{P1}
{P2}(文/图 赵六 钱七)
点赞
阅读 120
发布日期：2019-09-23 14:34:05  所属分类：新闻
版权声明 来源：某某晚报 时间：2019-09-23 14:34:05
"""
    doc = clean(raw(page))
    assert doc.published == "2019-09-23T14:34:05"
    assert doc.outlet == "某某晚报"
    assert doc.authors == (Author("赵六", "作者"), Author("钱七", "作者"))


def test_dates_of_related_articles_and_updates_are_not_the_publication_date():
    page = f"""某市推进新能源汽车产业发展
最后更新: 2020-01-02 08:00
{P1}
{P2}
相关新闻
某县召开农业工作会议 2020-01-01
"""
    assert clean(raw(page)).published is None


def test_follow_prompts_and_disclaimers_are_not_the_article():
    page = f"""某市推进新能源汽车产业发展
{P1}
{P2}
关注我们的微信公众号，每天阅读更多本地新闻，欢迎大家转发分享给身边的朋友们。
免责声明：本文仅代表作者个人观点，与本网站无关，其原创性以及文中陈述文字和内容未经本站证实。
"""
    assert clean(raw(page)).text.split("\n") == [P1, P2]


def test_compiled_story_names_its_outlet_and_editor_byline_prefix_is_an_outlet():
    page = f"某市推进新能源汽车产业发展\n某某新闻编辑 孙八\n{P1}\n{P2}\n某某经济新闻综合新华社\n"
    doc = clean(raw(page))
    assert doc.outlet == "某某经济新闻"  # the compiling outlet before the byline's
    assert Author("孙八", "编辑") in doc.authors
    assert clean(raw(f"某市推进新能源汽车产业发展\n某某新闻编辑 孙八\n{P1}\n{P2}\n")).outlet == "某某新闻"


PORTAL_HTML = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>某市推进新能源汽车产业发展_某某财经网</title>
<meta property="og:title" content="某市推进新能源汽车产业发展">
<meta property="article:published_time" content="2023-05-12T10:31:05+08:00">
<meta name="Copyright" content="某某网版权所有">
<link rel="canonical" href="https://news.example.cn/2023/05/12/a1.html">
</head><body>
<div class="nav"><a href="/">首页</a><a href="/n">新闻</a><a href="/f">财经</a></div>
<div class="side"><h3>热门新闻</h3><ul><li><a href="/1">某县召开农业工作会议部署春耕</a></li>
<li><a href="/2">某区举办大型招聘会</a></li></ul></div>
<div class="main"><h1>某市推进新能源汽车产业发展</h1>
<div class="info">2023-05-12 10:31:05　来源: <a href="/src">某某晚报</a></div>
<div class="article"><p>（原标题：新能源汽车产业推进会召开）</p>
<p>{P1}</p><p>{P2}</p><p>{P3}</p>
<p>某某晚报记者 周九</p></div>
<div class="comments"><h3>网友评论</h3><p>{COMMENT}</p><p>{COMMENT}</p></div>
<div class="rec"><h3>为您推荐</h3><ul><li><a href="/3">某县召开农业工作会议部署春耕</a></li></ul></div>
</div><div class="footer">某某网版权所有 Copyright 2023</div></body></html>"""


def test_portal_html_article_headline_time_outlet_byline_and_address():
    doc = clean(raw(PORTAL_HTML, "html"))
    assert doc.text.split("\n") == [P1, P2, P3, "某某晚报记者 周九"]
    assert doc.title == "某市推进新能源汽车产业发展"
    assert doc.published == "2023-05-12T10:31:05"
    assert doc.outlet == "某某晚报"  # the 来源 line, not the copyright footer
    assert doc.authors == (Author("周九", "记者"),)
    assert doc.url == "https://news.example.cn/2023/05/12/a1.html"


def test_html_date_from_json_ld_and_title_without_site_suffix():
    page = PORTAL_HTML.replace('<div class="info">2023-05-12 10:31:05　来源: <a href="/src">某某晚报</a></div>', "")
    page = page.replace('<meta property="article:published_time" content="2023-05-12T10:31:05+08:00">', "")
    page = page.replace('<meta property="og:title" content="某市推进新能源汽车产业发展">', "")
    page = page.replace("<h1>某市推进新能源汽车产业发展</h1>", "")
    page = page.replace("</head>", '<script type="application/ld+json">'
                        + json.dumps({"@type": "NewsArticle", "datePublished": "2023-05-12T10:31:05+08:00"})
                        + "</script></head>")
    doc = clean(raw(page, "html"))
    assert doc.published == "2023-05-12T10:31:05"
    assert doc.title == "某市推进新能源汽车产业发展"


GOVERNMENT_HTML = f"""<html><head><meta charset="utf-8"><title>某市推进新能源汽车产业发展-某市人民政府网站</title></head>
<body><div class="top">某市人民政府网站</div>
<div class="content"><h2>某市推进新能源汽车产业发展</h2>
<div>发布日期：2021年01月05日　信息来源：市发展改革委、市工业和信息化局等　字号：[大][中][小]</div>
<div class="text"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></div>
<div class="foot">版权所有：某市人民政府网站　主办：某市人民政府办公厅</div></body></html>"""


def test_government_page_names_itself_when_it_names_no_other_source():
    doc = clean(raw(GOVERNMENT_HTML, "html"))
    assert doc.published == "2021-01-05"
    assert doc.title == "某市推进新能源汽车产业发展"
    assert doc.outlet == "某市人民政府网站"  # a list of departments is no outlet
    assert doc.text.split("\n") == [P1, P2, P3]


WECHAT_HTML = f"""<html><head><meta charset="utf-8"><meta property="og:title" content="某市新能源汽车产量增长三成">
<title>某市新能源汽车产量增长三成</title></head><body>
<div id="js_article"><h1 id="activity-name">某市新能源汽车产量增长三成</h1>
<div id="meta_content"><span>某某发布</span><em id="publish_time">2024-03-08 18:20</em></div>
<div id="js_content"><p>{P1}</p><p>{P2}</p><p>{P3}</p>
<p>来源：某某日报</p><p>编辑：吴十</p></div>
<div class="qr"><p>长按识别二维码关注我们</p><p>关注该公众号，获取更多本地资讯。</p></div>
<div id="js_pc_qr_code">微信扫一扫关注该公众号</div></div></body></html>"""


def test_wechat_article_keeps_text_and_drops_the_follow_prompt():
    doc = clean(raw(WECHAT_HTML, "html"))
    assert doc.text.split("\n")[:3] == [P1, P2, P3]
    assert "关注" not in doc.text
    assert doc.title == "某市新能源汽车产量增长三成"
    assert doc.published == "2024-03-08T18:20:00"
    assert doc.outlet == "某某日报"
    assert Author("吴十", "编辑") in doc.authors


@pytest.mark.parametrize("page, fmt", [
    ("首页\n登录\n注册\n", "text"),
    ("<html><body><div><a href='/'>首页</a></div><script>var a = 1;</script></body></html>", "html"),
])
def test_a_page_without_an_article_raises_with_its_reason(page, fmt):
    with pytest.raises(NoArticle, match="minimum"):
        clean(raw(page, fmt))


def test_the_pipeline_reports_a_page_without_article_as_a_failure(tmp_path):
    from extract.pipeline import run

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "menu.txt").write_text("首页\n新闻\n登录\n", encoding="utf-8")
    (folder / "article.txt").write_text(f"某市推进新能源汽车产业发展\n{P1}\n", encoding="utf-8")
    result = run([folder], tmp_path / "out", None, cache_dir=tmp_path / "cache")
    assert result.documents == 1
    assert [f["source"].rsplit("/", 1)[-1] for f in result.failures] == ["menu.txt"]
    assert "no article" in result.failures[0]["reason"]
    documents = json.loads((tmp_path / "out" / "documents.json").read_text(encoding="utf-8"))
    assert documents[0]["authors"] == [] and documents[0]["url"] is None


def test_html_sidebar_dates_and_headlines_are_not_the_articles():
    page = PORTAL_HTML.replace("<li><a href=\"/2\">某区举办大型招聘会</a></li>",
                               "<li><a href=\"/2\">某区举办大型招聘会</a> 2023-04-01 08:00</li>")
    page = page.replace('<div class="info">2023-05-12 10:31:05', '<div class="info">发布时间：2023-05-12 10:31:05')
    page = page.replace('<meta property="article:published_time" content="2023-05-12T10:31:05+08:00">', "")
    doc = clean(raw(page, "html"))
    assert doc.published == "2023-05-12T10:31:05"
    assert doc.title == "某市推进新能源汽车产业发展"


def test_html_without_paragraph_markup_is_read_like_a_text_crawl(monkeypatch):
    from extract import clean_html

    monkeypatch.setattr(clean_html, "EXTRACTORS", {"none": lambda html: []})
    page = f"<html><body><div>首页</div><div>某市推进新能源汽车产业发展</div><div>{P1}<br>{P2}</div></body></html>"
    assert clean(raw(page, "html")).text.split("\n") == [P1, P2]


def test_html_headline_is_the_one_printed_above_the_article_not_a_logo_or_site_title():
    page = PORTAL_HTML.replace('<div class="nav">', '<div class="logo"><h1>某某网</h1></div><div class="nav">')
    page = page.replace('<meta property="og:title" content="某市推进新能源汽车产业发展">',
                        '<meta property="og:title" content="某某网">')
    page = page.replace("<h1>某市推进新能源汽车产业发展</h1>", "<h2>某市推进新能源汽车产业发展</h2>")
    assert clean(raw(page, "html")).title == "某市推进新能源汽车产业发展"


def test_a_long_disclaimer_is_no_paragraph_but_an_article_sentence_about_positions_is():
    quote = "他在会上表示，这一说法只是个人看法，并不代表公司立场，公司将在下周一发布正式的书面回应。"
    disclaimer = ("本文仅代表作者个人观点，不代表本站立场，文章内容及图片如涉及版权问题，请作者持权属证明与本网联系，"
                  "我们将在收到通知后的第一时间删除相关内容，感谢您的理解与支持。")
    page = f"某市推进新能源汽车产业发展\n{P1}\n{quote}\n{P2}\n{disclaimer}\n"
    assert clean(raw(page)).text.split("\n") == [P1, quote, P2]


def test_an_article_sentence_about_an_account_is_no_follow_prompt():
    line = "记者关注到该公众号近日发布了一篇文章。"
    page = f"某市推进新能源汽车产业发展\n{P1}\n{line}\n{P2}\n欢迎关注我们的公众号\n"
    assert clean(raw(page)).text.split("\n") == [P1, line, P2]


TABLE_ROWS = [("城市", "产量（万辆）", "增速"), ("甲市", "21", "6.1%"), ("乙市", "15", "5.5%"),
              ("丙市", "9", "4.8%"), ("丁市", "7", "3.9%"), ("戊市", "6", "3.5%")]


def test_a_table_inside_an_html_article_stays_one_row_a_line_its_cells_tab_separated():
    table = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE_ROWS) + "</table>"
    page = GOVERNMENT_HTML.replace(f"<p>{P2}</p>", f"<p>{P2}</p>{table}")
    assert clean(raw(page, "html")).text.split("\n") == [P1, P2, *("\t".join(row) for row in TABLE_ROWS), P3]


def test_an_html_statistics_table_gives_figures_with_the_unit_of_its_caption():
    from extract.match.metrics import find_metrics

    table = ("<table><caption>各区工业产值（单位：亿元）</caption><tr><th>区</th><th>产值</th><th>增速（%）</th></tr>"
             "<tr><td>东区</td><td>88.2</td><td>4.5</td></tr><tr><td>西区</td><td>61</td><td>-1.2</td></tr></table>")
    page = GOVERNMENT_HTML.replace(f"<p>{P2}</p>", f"<p>{P2}</p>{table}")
    text = clean(raw(page, "html")).text
    figures = [(text[m["start"]:m["end"]], m["value"], m["unit"]) for m in find_metrics(text)]
    assert [f for f in figures if f[0] in {"88.2", "4.5", "61", "-1.2"}] == [
        ("88.2", 8820000000, "元"), ("4.5", 4.5, "%"), ("61", 6100000000, "元"), ("-1.2", -1.2, "%")]


def test_a_table_inside_a_text_crawl_does_not_end_the_article():
    cells = "\n".join(cell for row in TABLE_ROWS for cell in row)
    page = f"某市新能源汽车产量公布\n首页\n{P1}\n{cells}\n{P2}\n{P3}\n"
    doc = clean(raw(page))
    assert doc.text.startswith(P1) and doc.text.endswith(P3) and "6.1%" in doc.text


def test_a_layout_table_cell_holding_the_article_is_a_block():
    page = (f"<html><head><meta charset='utf-8'><title>某市推进新能源汽车产业发展_某某网</title></head><body><table><tr>"
            f"<td><a>首页</a> <a>新闻</a></td><td>{P1}<br>{P2}<br>{P3}</td></tr></table></body></html>")
    assert clean(raw(page, "html")).text.split("\n") == [P1, P2, P3]


def test_wechat_date_and_account_filled_in_by_script():
    page = WECHAT_HTML.replace('<em id="publish_time">2024-03-08 18:20</em>', '<em id="publish_time"></em>')
    page = page.replace("<span>某某发布</span>", "<span></span>").replace("<p>来源：某某日报</p>", "")
    page = page.replace("</body>", '<script>var nickname = "某某发布"; var ct = "1709893200";'
                        ' var list = {"pubDate": "2020-01-01"};</script></body>')
    page = page.replace("<title>", '<meta property="og:site_name" content="微信公众平台"><title>')
    doc = clean(raw(page, "html"))
    assert doc.published == "2024-03-08T18:20:00"  # Unix time read in China time
    assert doc.outlet == "某某发布"  # the account, not the platform


SELF_MEDIA_CRAWL = f"""某科技公司发布新一代芯片 性能提升一倍
登录
首页
科技
某科技公司发布新一代芯片 性能提升一倍
某某科技观察
2023-07-21 15:02
关注
{P1}
{P2}
本文为作者原创，未经授权不得转载。
举报
全部评论 3
{COMMENT}
2023-07-21 16:00
相关推荐
某公司发布新款平板电脑
"""


def test_self_media_crawl_account_date_and_no_comment():
    doc = clean(raw(SELF_MEDIA_CRAWL))
    assert doc.title == "某科技公司发布新一代芯片 性能提升一倍"
    assert doc.published == "2023-07-21T15:02:00"
    assert doc.outlet == "某某科技观察"  # the account on the line above the date
    assert doc.text.split("\n") == [P1, P2]


NEWSPAPER_SITE_HTML = f"""<html><head><meta charset="utf-8"><title>某市启动老旧小区改造--社会--某某网</title></head><body>
<div class="nav">首页 | 时政 | 社会</div>
<div class="title"><h3>惠及居民三万户</h3><h1>某市启动老旧小区改造</h1>
<div class="box"><div class="fl">2023年06月02日08:25 | 来源：<a>某某日报</a></div><div class="fr">分享到：</div></div></div>
<div class="text"><p>　　本报讯（记者赵五）{P1}</p><p>　　{P2}</p><p>　　{P3}</p>
<div class="edit">(责编：钱六、孙七)</div></div>
<div class="rel"><h2>相关新闻</h2><ul><li>某区完成二十个小区改造 2023-05-01</li></ul></div>
<div class="footer">某某网版权所有，未经书面授权禁止使用</div></body></html>"""


def test_newspaper_site_html_credits_in_the_first_paragraph_and_the_closing_editors():
    doc = clean(raw(NEWSPAPER_SITE_HTML, "html"))
    assert doc.title == "某市启动老旧小区改造"
    assert doc.published == "2023-06-02T08:25:00"
    assert doc.outlet == "某某日报"
    assert doc.authors == (Author("赵五", "记者"), Author("钱六", "责任编辑"), Author("孙七", "责任编辑"))
    assert doc.text.split("\n")[0] == f"本报讯（记者赵五）{P1}"


def test_a_text_crawl_states_its_address_in_a_labelled_line():
    page = MARKDOWN_CRAWL + "\n原文链接：https://paper.example.cn/2025/03/04/a18.html\n"
    assert clean(raw(page)).url == "https://paper.example.cn/2025/03/04/a18.html"
    assert clean(raw(MARKDOWN_CRAWL)).url is None


def test_comments_under_a_count_line_are_not_the_article():
    page = f"某市推进新能源汽车产业发展\n2023-05-12 10:31\n{P1}\n{P2}\n评论 (3)\n{COMMENT}\n{COMMENT}\n{COMMENT}\n"
    assert clean(raw(page)).text.split("\n") == [P1, P2]


def test_a_comment_count_beside_the_headline_does_not_hide_the_article():
    notice = "欢迎访问本站，本站每天提供最新的本地新闻资讯和便民服务信息。"
    page = f"{notice}\n首页\n某市推进新能源汽车产业发展\n评论 (3)\n{P1}\n{P2}\n"
    assert clean(raw(page)).text.split("\n") == [P1, P2]


def test_a_logo_h1_is_no_headline_when_the_title_is_not_printed():
    page = PORTAL_HTML.replace('<div class="nav">', '<h1>某某财经网</h1><div class="nav">')
    page = page.replace('<meta property="og:title" content="某市推进新能源汽车产业发展">', "")
    page = page.replace("<title>某市推进新能源汽车产业发展_某某财经网</title>", "<title>某市新能源汽车产业发展推进会召开_某某财经网</title>")
    assert clean(raw(page, "html")).title == "某市推进新能源汽车产业发展"


def test_an_article_of_short_sentences_stays_whole():
    items = ["一是加快建设充电设施。", "二是完善购车补贴政策。", "三是支持企业开拓市场。", "四是加强安全监管工作。",
             "五是做好售后服务保障。", "六是培育专业技术人才。"]
    page = "某市推进新能源汽车产业发展\n首页\n" + "\n".join([P1, *items, P2]) + "\n"
    assert clean(raw(page)).text.split("\n") == [P1, *items, P2]


def test_line_breaks_inside_html_paragraphs_are_spaces():
    from extract.clean_html import parse, render_lines

    tree = parse("<div><p>第一句写在这里，\n第二句接着写。</p><pre>甲\n乙</pre>2023-05-12\n10:31<br>下一行</div>")
    assert render_lines(tree) == ["第一句写在这里， 第二句接着写。", "甲", "乙", "2023-05-12 10:31", "下一行"]


def test_a_source_line_right_above_the_article_is_metadata_but_a_reporter_line_is_content():
    page = f"某市推进新能源汽车产业发展\n来源：某某日报\n记者 王小明\n{P1}\n{P2}\n"
    doc = clean(raw(page))
    assert doc.text.split("\n") == ["记者 王小明", P1, P2]
    assert doc.outlet == "某某日报"


# --- page forms of the page benchmark's misses (own pages) ----------------------------------

def small_html(title_tag: str, header: str, article: str, after: str = "", h1: str = "") -> str:
    return f"""<html><head><meta charset="utf-8"><title>{title_tag}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/n">新闻</a> <a href="/s">体育</a></div>
<div class="main">{h1}{header}<div class="article">{article}</div>{after}</div>
<div class="footer">关于我们 | 联系我们</div></body></html>"""


def test_a_section_name_in_the_title_tag_gives_way_to_the_printed_headline():
    page = small_html("某某网-科学解读", "<div>某市推进新能源汽车产业发展</div><div>来源： 某某日报</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>")
    doc = clean(raw(page, "html"))
    assert doc.title == "某市推进新能源汽车产业发展"
    page = small_html("某市推进新能源汽车产业发展--文旅·体育--某某网",
                      "<div>某市推进新能源汽车产业发展</div><div>2022年07月19日07:45 来源：某某日报</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>")
    assert clean(raw(page, "html")).title == "某市推进新能源汽车产业发展"  # 文旅·体育 is a channel


def test_teasers_ending_in_a_read_more_link_are_not_the_article():
    teaser = "5月20日，某县举办第三届农民丰收节，现场展示了当地特色农产品和非遗手工艺品。【详细】"
    related = "".join(f"<p>某县举办农民丰收节{i}</p><p>{teaser}</p><p>图片 2022-08-1{i} 10:00:00</p>" for i in range(6))
    page = small_html("某市推进新能源汽车产业发展_某某网", "<h1>某市推进新能源汽车产业发展</h1><div>发稿时间：2022-08-09 16:40:00 来源：某某日报</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>责任编辑：王五</p>", f"<div><h3>相关新闻</h3>{related}</div>")
    doc = clean(raw(page, "html"))
    assert doc.text.split("\n") == [P1, P2, P3]
    assert doc.authors == (Author("王五", "责任编辑"),)


def test_credits_below_a_related_list_count_but_its_articles_datelines_do_not():
    lead = "某社杭州8月3日电（记者赵六）某省今年上半年新增高新技术企业一千余家，研发投入同比增长一成以上。"
    page = small_html("某市推进新能源汽车产业发展_某某网", "<h1>某市推进新能源汽车产业发展</h1><div>2022-08-04 11:20 来源：某某日报</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>",
                      f"<div><h3>推荐阅读</h3><p>{lead}</p></div><div>责任编辑：钱七_AB123</div>")
    doc = clean(raw(page, "html"))
    assert doc.authors == (Author("钱七", "责任编辑"),)


def test_a_platform_statement_is_not_the_article_and_the_editor_above_it_counts():
    statement = "特别声明：本文由入驻账号撰写，观点属作者个人，平台仅提供信息存储服务。"
    page = small_html("某市推进新能源汽车产业发展_某某网", "<h1>某市推进新能源汽车产业发展</h1><div>2022-09-14 08:02:51　来源: 某某晚报</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>文/孙八</p><p>编辑/周九</p><p>责任编辑：吴十_CD45</p><p>{statement}</p>")
    doc = clean(raw(page, "html"))
    assert statement not in doc.text
    assert doc.authors == (Author("孙八", "作者"), Author("周九", "编辑"), Author("吴十", "责任编辑"))


def test_a_summary_repeating_the_opening_does_not_hide_the_header():
    page = f"""<html><head><meta charset="utf-8"><title>某市推进新能源汽车产业发展 - 某某日报网</title></head><body>
<div class="summary"><div>某市推进新能源汽车产业发展</div><div>{P1}</div></div>
<div class="nav"><a href="/">首页</a> <a href="/n">新闻</a></div>
<h1>某市推进新能源汽车产业发展</h1><div>2022-10-26 17:35　</div>
<div class="article"><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>（编辑：郑一）</p></div></body></html>"""
    doc = clean(raw(page, "html"))
    assert doc.published == "2022-10-26T17:35:00"
    assert doc.outlet == "某某日报网"  # no 来源 line: the site the title tag names


def test_a_self_media_account_above_its_posting_line_is_the_outlet():
    page = small_html("某市推进新能源汽车产业发展_某某新闻", "<h1>某市推进新能源汽车产业发展</h1><div>某某晨报</div>"
                      "<div>2022-11-02 21:09发布于江苏某某晨报官方账号</div><div>+关注</div>",
                      f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>")
    doc = clean(raw(page, "html"))
    assert doc.outlet == "某某晨报"
    assert doc.published == "2022-11-02T21:09:00"
