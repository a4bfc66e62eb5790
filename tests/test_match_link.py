"""People, organisations, titles and roles on made-up sentences (rules only)."""
from __future__ import annotations

from hypothesis import given, strategies as st

from tests.analysed import roles, run


def test_org_title_name(rules_nlp):
    result = run(rules_nlp, "会上,北京理工大学教授刘建国介绍了研究进展。")
    assert {"刘建国"} == {p["name"] for p in result["people"]}
    assert "北京理工大学" in {o["name"] for o in result["organisations"]}
    assert roles(result) == {("刘建国", "教授", "北京理工大学")}


def test_chained_titles_share_the_name(rules_nlp):
    result = run(rules_nlp, "据介绍,远航科技党委副书记、副董事长孙立伟说,项目进展顺利。")
    assert roles(result) == {("孙立伟", "党委副书记", "远航科技"), ("孙立伟", "副董事长", "远航科技")}


def test_byline_lists_give_one_role_each(rules_nlp):
    result = run(rules_nlp, "本文由团队采写。\n记者 周明 吴芳芳\n通讯员 冯磊")
    assert {("周明", "记者", None), ("吴芳芳", "记者", None), ("冯磊", "通讯员", None)} <= roles(result)


def test_names_separated_by_no_break_spaces(rules_nlp):
    # scraped pages separate byline and credit names with NBSP (U+00A0)
    result = run(rules_nlp, "本报讯记者周明\u00a0吴芳芳报道:会议召开。\n(冯磊\u00a0郑佳怡)")
    assert {"周明", "吴芳芳", "冯磊", "郑佳怡"} <= {p["name"] for p in result["people"]}
    assert {("周明", "记者", None), ("吴芳芳", "记者", None)} <= roles(result)


def test_common_words_shaped_like_names_are_not_names(rules_nlp):
    result = run(rules_nlp, "项目负责人常态化走访企业,实现高质量发展。")
    assert result["people"] == []


def test_a_name_ends_before_a_verb_that_follows_names(rules_nlp):
    result = run(rules_nlp, "研究院首席专家林晓东领衔攻关。")
    assert {"林晓东"} == {p["name"] for p in result["people"]}


def test_well_known_bodies_without_a_head_are_organisations(rules_nlp):
    result = run(rules_nlp, "论坛由工信部指导,新华社、央视等媒体到场报道。")
    assert {"工信部", "新华社", "央视"} <= {o["surface"] for o in result["organisations"]}
    # a well-known short form is a mention of the full form's body (org_equivalents.tsv)
    assert ("中央电视台", "央视") in {(o["name"], o["surface"]) for o in result["organisations"]}


def test_a_ministry_department_ends_in_si(rules_nlp):
    result = run(rules_nlp, "会上,教育部高等教育司有关负责人介绍了情况。")
    assert "教育部高等教育司" in {o["name"] for o in result["organisations"]}


def test_honorifics_are_not_names(rules_nlp):
    result = run(rules_nlp, "王总表示,公司将继续加大投入。")
    assert result["people"] == []


def test_alias_makes_later_short_forms_mentions_of_the_full_name(rules_nlp):
    text = "南方星辰电子股份有限公司(以下简称“星辰电子”)成立于2001年。星辰电子现有员工300人。"
    result = run(rules_nlp, text)
    names = {(o["name"], o["surface"]) for o in result["organisations"]}
    assert ("南方星辰电子股份有限公司", "南方星辰电子股份有限公司") in names
    assert ("南方星辰电子股份有限公司", "星辰电子") in names


def test_generic_mentions_are_not_organisations(rules_nlp):
    result = run(rules_nlp, "该公司表示,党支部将发挥作用。")
    assert result["organisations"] == []


def test_names_listed_before_a_kind_of_organisation(rules_nlp):
    result = run(rules_nlp, "区里将培育更多像星河智联、远峰控股等优质民营企业。")
    assert {"星河智联", "远峰控股"} <= {o["name"] for o in result["organisations"]}


def test_listed_fields_and_lists_ended_by_a_verb_are_not_organisations(rules_nlp):
    result = run(rules_nlp, "园区吸引了新能源、新材料等领域企业,推动人工智能、生物医药等行业集聚。"
                            "老代表、新嘉宾等来到现场参观企业。")
    assert result["organisations"] == []


def test_kinds_counted_or_pointed_at_are_not_organisations(rules_nlp):
    text = "全市已建成8家江南实验室。该公司科研团队攻坚一年,各条战线党支部参与。具有影响力的科技创新中心正在建设。"
    assert run(rules_nlp, text)["organisations"] == []


def test_short_forms_of_a_full_name_in_the_same_page(rules_nlp):
    text = ("青川市人民政府与蓝湾科技股份有限公司签约。市政府表示支持,蓝湾科技董事长李明说将尽快投产。"
            "安平省工业和信息化厅装备工业处党支部获表彰。省工信厅装备工业处党支部积极作为,省工信厅装备工业处处长王建国表示要抓落实。")
    by_surface = {o["surface"]: o["name"] for o in run(rules_nlp, text)["organisations"]}
    assert by_surface["市政府"] == "青川市人民政府"
    assert by_surface["蓝湾科技"] == "蓝湾科技股份有限公司"
    assert by_surface["省工信厅装备工业处党支部"] == "安平省工业和信息化厅装备工业处党支部"
    assert by_surface["省工信厅装备工业处"] != "安平省工业和信息化厅装备工业处党支部"  # the unit, not its party branch


def test_a_leading_part_that_is_not_a_legal_form_stays_the_parent(rules_nlp):
    text = "东岭公司技术中心在东岭公司园区内。"
    names = {o["name"] for o in run(rules_nlp, text)["organisations"]}
    assert {"东岭公司技术中心", "东岭公司"} <= names


def test_a_bare_head_before_a_title_refers_to_the_unit_named_before(rules_nlp):
    text = "近日,湘江街绿荫路社区开展活动。“我们会继续努力。”社区书记张晓燕说。"
    result = run(rules_nlp, text)
    assert roles(result) == {("张晓燕", "书记", "湘江街绿荫路社区")}
    assert "社区" not in {o["name"] for o in result["organisations"]}


def test_names_after_words_describing_a_person(rules_nlp):
    result = run(rules_nlp, "出席的有全国五一劳动奖章获得者林小满、2020年省劳模钱立。党员干部纷纷表态。"
                            "加强流动党员管理,党员和群众都来了,每个党员都要带头。")
    assert {p["name"] for p in result["people"]} == {"林小满", "钱立"}
    assert result["roles"] == []  # 劳模 describes a person; it is not a job title


def test_a_measure_word_after_a_count_does_not_start_a_name():
    from extract.match.people import find_people

    # the same two characters, proposed by the NER: a name after a verb, not after 两
    assert find_people("党建与业务两张皮，", [], [(6, 8)]) == []
    assert find_people("今天会见了张皮，", [], [(5, 7)]) == [(5, 7)]


def test_char_spans_split_every_token_they_cut_in_one_pass():
    from spacy.tokens import Doc

    from extract.match import char_spans
    from extract.nlp import blank_pipeline

    doc = Doc(blank_pipeline().vocab, words=["据悉吴凯", "说", "，", "张伟说", "好"], spaces=[False] * 5)
    doc.spans["kept"] = [doc[1:3]]
    spans = char_spans(doc, [(2, 4), (6, 8), (0, 0), (3, 99)], "PERSON")
    assert [s.text if s is not None else None for s in spans] == ["吴凯", "张伟", None, None]
    assert [t.text for t in doc] == ["据悉", "吴凯", "说", "，", "张伟", "说", "好"]
    assert [s.text for s in doc.spans["kept"]] == ["说，"]  # groups survive the split


def test_split_gives_each_piece_its_tokens_tensor_row():
    import numpy
    from spacy.tokens import Doc

    from extract.match import char_spans
    from extract.nlp import blank_pipeline

    doc = Doc(blank_pipeline().vocab, words=["据悉", "张伟说", "好"], spaces=[False] * 3)
    doc.tensor = numpy.array([[0.0], [1.0], [2.0]], dtype="float32")
    char_spans(doc, [(2, 4)])
    assert [t.text for t in doc] == ["据悉", "张伟", "说", "好"]
    assert doc.tensor.tolist() == [[0.0], [1.0], [1.0], [2.0]]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=12),
       st.integers(0, 50), st.integers(1, 12))
def test_range_index_finds_the_ranges_holding_or_overlapping_a_range(pairs, start, length):
    from extract.match import RangeIndex

    ranges = [(s, s + n, i) for i, (s, n) in enumerate(pairs)]
    end = start + length
    index = RangeIndex(ranges)
    holding = {r[2] for r in ranges if r[0] <= start and end <= r[1]}
    assert {r[2] for r in index.holding(start, end)} == holding
    assert index.overlaps(start, end) == any(r[0] < end and start < r[1] for r in ranges)
