"""Names on made-up sentences: appointment notices, titles, foreign names, credits,
organisation spans and the statistical entities the rules repair (issue 28)."""
from __future__ import annotations

import pytest

from tests.analysed import roles, run


def people(result):
    return {p["name"] for p in result["people"]}


def orgs(result):
    return {o["name"] for o in result["organisations"]}


# --- appointment and removal notices ---------------------------------------------

NOTICE = ("据上级部门消息，近日公布一批人事任免。\n"
          "张立群任东方重工集团有限公司党委书记、董事长，免去其南方电力集团有限公司党委书记、董事职务；"
          "因工作调整，免去李卫华（女）的东方重工集团有限公司党委常委职务，不再担任东方重工集团有限公司副总经理职务。\n"
          "赵明远、钱志高任北岭矿业集团有限公司党委常委。\n"
          "聘任孙伟、周晓燕（女）为西江航运集团有限公司外部董事；吴国栋、郑海不再担任西江航运集团有限公司外部董事职务。\n"
          "冯建军任北岭矿业集团有限公司党委常委，提名为北岭矿业集团有限公司副总经理人选。\n"
          "提名傅思远为东方重工集团有限公司副总经理人选。\n")


def test_appointment_notice_names_every_person(rules_nlp):
    assert {"张立群", "李卫华", "赵明远", "钱志高", "孙伟", "周晓燕", "吴国栋", "郑海", "冯建军", "傅思远"} <= people(run(rules_nlp, NOTICE))


def test_appointment_notice_gives_each_title_at_its_organisation(rules_nlp):
    found = roles(run(rules_nlp, NOTICE))
    expected = {
        ("张立群", "党委书记", "东方重工集团有限公司"), ("张立群", "董事长", "东方重工集团有限公司"),
        # removed from another company's posts: two roles with the same title, one per company
        ("张立群", "党委书记", "南方电力集团有限公司"), ("张立群", "董事", "南方电力集团有限公司"),
        ("李卫华", "党委常委", "东方重工集团有限公司"), ("李卫华", "副总经理", "东方重工集团有限公司"),
        ("赵明远", "党委常委", "北岭矿业集团有限公司"), ("钱志高", "党委常委", "北岭矿业集团有限公司"),
        ("孙伟", "外部董事", "西江航运集团有限公司"), ("周晓燕", "外部董事", "西江航运集团有限公司"),
        ("吴国栋", "外部董事", "西江航运集团有限公司"), ("郑海", "外部董事", "西江航运集团有限公司"),
        ("冯建军", "党委常委", "北岭矿业集团有限公司"), ("冯建军", "副总经理", "北岭矿业集团有限公司"),
        ("傅思远", "副总经理", "东方重工集团有限公司"),
    }
    assert expected <= found


def test_organisations_of_a_notice_do_not_take_in_its_verbs_or_names(rules_nlp):
    names = orgs(run(rules_nlp, NOTICE))
    assert {"东方重工集团有限公司", "南方电力集团有限公司", "北岭矿业集团有限公司", "西江航运集团有限公司"} <= names
    assert not any(n.startswith(("任", "不再", "为", "（女）")) or "担任" in n for n in names)


def test_a_three_character_name_wins_over_a_verb_starting_inside_it(rules_nlp):
    # 钱东升任: 钱东升 + 任, not 钱东 + 升任
    result = run(rules_nlp, "王立平、钱东升任南湖化工集团有限公司副总经理。")
    assert {"王立平", "钱东升"} <= people(result)
    assert ("钱东升", "副总经理", "南湖化工集团有限公司") in roles(result)


def test_a_name_the_model_ends_before_the_verb_keeps_the_verb_whole():
    """李明|担任, not 李明担|任, where the statistical model ends the name before 担任;
    without the model's word the three-character reading stays (钱东升|任, above)."""
    from extract.match.notices import find_notices

    text = "李明担任南湖化工集团有限公司副总经理。"
    titles = [(text.index("副总经理"), text.index("副总经理") + 4)]
    assert find_notices(text, titles, model_people=[(0, 2)])[0].people == ((0, 2),)
    assert find_notices(text, titles)[0].people == ((0, 3),)


def test_a_committee_title_takes_the_place_written_before_it(rules_nlp):
    """东川市委书记: the committee is 东川市委, not a bare 市委; with no place before the
    title (会上，市委书记…) the committee stays 市委."""
    result = run(rules_nlp, "会见了东川市委书记刘洋。会上，县委常委陈东讲话。")
    assert roles(result) == {("刘洋", "市委书记", "东川市委"), ("陈东", "县委常委", "县委")}


def test_a_title_listed_after_a_name_shares_the_organisation_before(rules_nlp):
    """东岭公司董事长甲、副总经理乙: 乙 is 东岭公司's deputy too; after a comma the next
    pair stands alone (记者乙 holds no title at 东岭大学)."""
    result = run(rules_nlp, "东岭公司董事长王立新、副总经理陈东出席。东岭大学校长刘芳，记者周敏参加。")
    assert roles(result) == {("王立新", "董事长", "东岭公司"), ("陈东", "副总经理", "东岭公司"),
                             ("刘芳", "校长", "东岭大学"), ("周敏", "记者", None)}


def test_a_name_ends_before_an_adverb_of_doing_together(rules_nlp):
    result = run(rules_nlp, "东岭大学副教授刘芳共同完成了研究，记者周敏一同前往。")
    assert people(result) == {"刘芳", "周敏"}


def test_a_rule_name_ends_where_the_model_ends_it():
    """村民陈东交谈: the rule would end the name before 谈 (a word that follows names);
    the model, reading the words, ends it before 交谈. A notice's name keeps its end."""
    from extract.match.people import model_ends_kept

    text = "刘芳与村民陈东交谈。"
    rule = (text.index("陈"), text.index("谈"))
    model = [(text.index("陈"), text.index("交"))]
    assert model_ends_kept(text, [rule], model) == model
    assert model_ends_kept(text, [rule], model, [rule]) == [rule]


def test_a_title_inside_an_organisation_name_names_no_one(rules_nlp):
    """作家 in 东岭市作家协会 is part of the name; the role is the association's 主席."""
    result = run(rules_nlp, "2023年，张伟当选为东岭市作家协会主席。")
    assert roles(result) == {("张伟", "主席", "东岭市作家协会")}


def test_a_place_of_origin_holds_no_title(rules_nlp):
    result = run(rules_nlp, "东岭籍运动员赵海洋获得金牌。")
    assert roles(result) == {("赵海洋", "运动员", None)}
    assert orgs(result) == set()


def test_a_dotted_name_ends_before_a_verb_of_arriving(rules_nlp):
    """Transliteration characters run on into the words after a dotted name (…索莱尔来到东);
    来到 follows names."""
    result = run(rules_nlp, "外籍专家马丁·索莱尔来到东岭。")
    assert people(result) == {"马丁·索莱尔"}


def test_negation_after_a_body_starts_no_name(rules_nlp):
    """部门不认为: 门 is a surname and 部 an organisation's head, but 不 never starts a
    given name."""
    result = run(rules_nlp, "他说，税务部门不认为这笔收入符合条件，东岭公司王立新认为符合。")
    assert people(result) == {"王立新"}


def test_officers_titles_in_latin_letters(rules_nlp):
    result = run(rules_nlp, "东岭公司CEO张伟表示，将加大投入。CEOS和CFOs不是职务。")
    assert roles(result) == {("张伟", "CEO", "东岭公司")}


def test_a_shared_post_keeps_its_qualifier(rules_nlp):
    result = run(rules_nlp, "东岭公司联合创始人王立新出席。两家公司联合主办了论坛。")
    assert roles(result) == {("王立新", "联合创始人", "东岭公司")}


def test_a_name_padded_with_two_spaces_is_one_name_without_them(rules_nlp):
    """A crawl writes the padding of 王　者 as two spaces; the record's name has none.
    One space between two characters parts two words."""
    result = run(rules_nlp, "本报记者  王  者《东岭日报》（2025年06月18日第 11 版）\n王 伟说，他很高兴。")
    assert people(result) == {"王者"}
    assert roles(result) == {("王者", "记者", None)}


def test_notice_clauses_carry_their_subject_and_need_a_title():
    from extract.match.notices import find_notices
    from extract.match.titles import find_titles

    text = "陈立任远东港务集团有限公司总经理，兼任远东港务集团有限公司董事。王明任务繁重，每天加班。"
    notices = find_notices(text, find_titles(text))
    assert [[text[s:e] for s, e in n.people] for n in notices] == [["陈立"], ["陈立"]]
    assert [[text[s:e] for s, e in n.titles] for n in notices] == [["总经理"], ["董事"]]


# --- titles --------------------------------------------------------------------------

def test_compound_titles_are_kept_whole(rules_nlp):
    text = ("会议由青禾科技股份有限公司董事会秘书林可欣主持。"
            "驻村书记韩冬梅介绍了情况。北林基金会轮值主席蒋一鸣致辞。")
    found = roles(run(rules_nlp, text))
    assert ("林可欣", "董事会秘书", "青禾科技股份有限公司") in found
    assert ("韩冬梅", "驻村书记", None) in found
    assert {r[:2] for r in found} >= {("蒋一鸣", "轮值主席")}


def test_titles_chained_across_the_next_titles_owner(rules_nlp):
    text = "“发展势头很好。”南湖港区管理局局长、东湖区副区长顾晓峰说。"
    found = {r[:2] for r in roles(run(rules_nlp, text))}
    assert {("顾晓峰", "局长"), ("顾晓峰", "副区长")} <= found


def test_titles_chained_with_jian(rules_nlp):
    text = "远景电子公司董事长兼总裁邹明远在会上发言。"
    found = roles(run(rules_nlp, text))
    assert {("邹明远", "董事长", "远景电子公司"), ("邹明远", "总裁", "远景电子公司")} <= found


def test_titles_written_after_the_name(rules_nlp):
    text = "会上，周海涛，远帆航运集团副总经理，介绍了经验。另据报道，钱立新（北岭大学教授）认为前景可期。"
    result = run(rules_nlp, text)
    assert {("周海涛", "副总经理", "远帆航运集团"), ("钱立新", "教授", "北岭大学")} <= roles(result)
    assert "钱立新（北岭大学" not in orgs(result)


def test_foreign_and_diplomatic_titles_with_transliterated_names(rules_nlp):
    text = "当天，驻华大使马克西姆·奥列戈维奇会见了代表团。外长阿卜杜拉·萨利赫表示欢迎。"
    result = run(rules_nlp, text)
    assert {"马克西姆·奥列戈维奇", "阿卜杜拉·萨利赫"} <= people(result)
    assert {("马克西姆·奥列戈维奇", "大使"), ("阿卜杜拉·萨利赫", "外长")} <= {r[:2] for r in roles(result)}


def test_a_verb_of_saying_after_a_title_is_not_a_name(rules_nlp):
    result = run(rules_nlp, "北岭大学的卢明远教授强调，人才是关键。")
    assert "强调" not in people(result)


def test_verbs_are_not_titles_and_names_before_them_get_no_role(rules_nlp):
    result = run(rules_nlp, "东川商会会长严晓东主持今天的论坛。")
    assert all(r[1] != "主持" for r in roles(result))


# --- people ---------------------------------------------------------------------------

def test_transliterated_names_with_a_dot_of_either_kind(rules_nlp):
    text = "专家安娜•彼得罗娃和工程师米哈伊尔·索科洛夫参加了研讨。"
    assert {"安娜•彼得罗娃", "米哈伊尔·索科洛夫"} <= people(run(rules_nlp, text))


def test_byline_and_credit_names_with_bars_colons_and_slashes(rules_nlp):
    text = ("本报记者  韩雪  罗文斌《东方时报》\n正文内容在此。\n"
            "编辑｜ 尹志平 邵佳\n校对：龚丽\n版式设计：彭晓光\n（文/图 孔令伟 严冬）")
    result = run(rules_nlp, text)
    assert {"韩雪", "罗文斌", "尹志平", "邵佳", "龚丽", "彭晓光", "孔令伟", "严冬"} <= people(result)
    assert {("韩雪", "记者"), ("罗文斌", "记者"), ("尹志平", "编辑"), ("邵佳", "编辑"), ("龚丽", "校对"),
            ("彭晓光", "版式设计")} <= {r[:2] for r in roles(result)}


def test_one_character_credit_words_need_a_separator(rules_nlp):
    # 文 starts 文化: no name after it
    assert people(run(rules_nlp, "文化节开幕。")) == set()


def test_signature_lines_of_contributed_articles(rules_nlp):
    text = "标题在此\n北岭大学国际关系研究所高级顾问  马蒂亚斯（智利）\n正文从这里开始。"
    result = run(rules_nlp, text)
    assert "马蒂亚斯" in people(result)
    assert ("马蒂亚斯", "高级顾问") in {r[:2] for r in roles(result)}


def test_names_listed_before_attending(rules_nlp):
    result = run(rules_nlp, "孟庆元、简宁、巩志远出席会议。")
    assert {"孟庆元", "简宁", "巩志远"} <= people(result)


def test_a_list_member_with_a_rare_surname_needs_the_model():
    """A 、-list of names with one rare surname (钭) the surname list lacks: the list
    counts when the model calls that member a person, and not otherwise."""
    from extract.match.people import names_in_lists

    text = "王立新、钭晓宁、陈东出席会议。"
    members = {(0, 3), (4, 7), (8, 10)}
    assert set(names_in_lists(text, {"王立新"}, [(4, 7)])) == members
    assert names_in_lists(text, {"王立新"}) == []


def test_a_dotted_name_the_model_began_late_takes_the_characters_before():
    """The segmenter may cut the first character off a dotted name (伊|万·…): the
    transliteration characters right before the model's span belong to it, unless they
    continue a longer run (a transliterated word before the name)."""
    from extract.match.people import foreign_ner_people

    text = "据悉伊万·彼得连科已抵达。"
    model = [(text.index("万"), text.index("已"))]
    assert [text[s:e] for s, e in foreign_ner_people(text, model)] == ["伊万·彼得连科"]
    text = "他会见了安娜·彼得罗娃。"
    model = [(text.index("安"), text.index("。"))]
    assert [text[s:e] for s, e in foreign_ner_people(text, model)] == ["安娜·彼得罗娃"]


def test_a_preposition_that_is_a_surname_does_not_start_a_name(rules_nlp):
    assert people(run(rules_nlp, "他向大家介绍了新产品。")) == set()


def test_a_place_named_like_a_person_is_not_a_person(rules_nlp):
    text = "石家宁水电站即将投产。“石家宁说来就来。”"
    assert "石家宁" not in people(run(rules_nlp, text))


def test_a_model_name_right_after_an_organisation_is_supported():
    """An affiliation before the name (某某研究院某某) supports a PERSON the model found
    once; one with no support (a name cut out of a phrase) is not kept."""
    from extract.match.people import ner_names_with_context

    text = "东川化工研究院柳文峰荣获金奖，柳文峰荣获之后回到家乡。"
    first = (text.index("柳"), text.index("柳") + 3)
    assert ner_names_with_context(text, [first], []) == {"柳文峰"}
    later = (text.rindex("柳"), text.rindex("柳") + 3)
    assert ner_names_with_context(text, [later], []) == set()


def test_people_that_name_an_organisation_are_dropped(rules_nlp):
    from extract.link import not_organisations

    doc = rules_nlp("金山说好。金山软件有限公司发布新品。李明说好。")
    doc.spans["people"] = [doc.char_span(0, 2), doc.char_span(18, 20)]
    doc.spans["organisations"] = [doc.char_span(5, 13)]
    assert [p.text for p in doc.spans["people"]] == ["金山", "李明"]
    assert doc.spans["organisations"][0].text == "金山软件有限公司"
    # the start of an organisation's name is no person; 李明 stays
    assert [p.text for p in not_organisations(doc, doc.text)] == ["李明"]


# --- organisations --------------------------------------------------------------------

def test_organisation_spans_never_take_in_the_verb_before_them(rules_nlp):
    text = ("根据东川市气象局数据，全年降水偏多。王宁担任北辰电气股份有限公司董事。"
            "镇里着手推广市农科院培育的种子。投资人远洋财产保险集团也来了。")
    names = orgs(run(rules_nlp, text))
    assert {"东川市气象局", "北辰电气股份有限公司", "市农科院", "远洋财产保险集团"} <= names
    assert not any(n.startswith(("根据", "担任", "推广", "着手", "投资人")) for n in names)


def test_generic_heads_and_nouns_of_place_are_not_organisations(rules_nlp):
    text = "有关部门将依法查处。不足之处在于成本。仍处于起步阶段。"
    assert orgs(run(rules_nlp, text)) == set()


def test_a_verb_before_an_inner_head_is_part_of_the_name(rules_nlp):
    """服务 breaks a name (服务企业) except where a head follows it inside the name
    (某某服务集团某某公司); before the final head it still breaks it (参与学校)."""
    result = run(rules_nlp, "东岭服务集团南山物业公司为园区提供保洁。参与学校有三所。")
    assert orgs(result) == {"东岭服务集团南山物业公司"}


def test_a_name_cut_short_takes_the_start_the_page_gives_it(rules_nlp):
    """The walk left stops at 有 (全市有三家公司), so 为有成电子集团有限公司 yields
    成电子集团有限公司, which would be a short form of another company on the page
    (华成电子…); the page's heading names the company whole and that wins."""
    text = ("中国华成电子集团有限公司\n聘任张伟为中国华成电子集团有限公司外部董事。\n"
            "有成电子集团有限公司\n聘任王立新为有成电子集团有限公司外部董事。")
    result = run(rules_nlp, text)
    assert orgs(result) == {"中国华成电子集团有限公司", "有成电子集团有限公司"}
    assert ("王立新", "外部董事", "有成电子集团有限公司") in roles(result)


def test_brigades_of_police_and_fire_services_and_their_heads(rules_nlp):
    """支队/大队 end the names of police and fire units (with a name of three characters
    or more before them: 生产大队 is a kind); 支队长 is one title."""
    result = run(rules_nlp, "东岭市消防救援支队支队长陈东介绍，生产大队的社员也来了，一支队伍赶到。")
    assert orgs(result) == {"东岭市消防救援支队"}
    assert roles(result) == {("陈东", "支队长", "东岭市消防救援支队")}


def test_a_name_before_a_stock_code_is_a_listed_company(rules_nlp):
    result = run(rules_nlp, "据公告，远航精密(002123.SZ)和东岭控股（股票代码：600321）均上涨，该公司（600123）股价下跌。")
    assert orgs(result) == {"远航精密", "东岭控股"}


def test_the_subject_of_a_notice_verb_is_an_organisation(rules_nlp):
    text = "10月15日，京岭铁建发布公告称，将减持股份。该公司发布公告称，将回购。他说，东岭精密公告显示，业绩下滑。"
    assert orgs(run(rules_nlp, text)) == {"京岭铁建", "东岭精密"}


def test_the_walk_left_crosses_a_name_note_but_not_an_alias_bracket(rules_nlp):
    """刚果（金）, （集团）: notes inside a name; （以下简称“…”）: the name before it ended."""
    text = "东岭银行股份有限公司（以下简称“东岭银行”）董事会通过议案。南山科技（集团）有限公司成立。"
    assert orgs(run(rules_nlp, text)) >= {"东岭银行股份有限公司", "南山科技（集团）有限公司"}
    assert not any("简称" in name or "”" in name for name in orgs(run(rules_nlp, text)))


def test_a_unit_named_by_a_locative_is_no_organisation(rules_nlp):
    result = run(rules_nlp, "乡里合作社和镇上幼儿园都在扩建，东岭合作社也在扩建。")
    assert orgs(result) == {"东岭合作社"}


def test_a_city_or_province_owns_its_local_bodies(rules_nlp):
    result = run(rules_nlp, "果园与市水利局的专家签了协议。全国妇联的代表也来了。")
    assert {"市水利局", "全国妇联"} <= orgs(result)


def test_a_website_after_an_organisation_is_not_part_of_it(rules_nlp):
    result = run(rules_nlp, "据东川市气象局官网消息，全年降水偏多。")
    assert "东川市气象局" in orgs(result)
    assert not any("官网" in n for n in orgs(result))


def test_coordinated_items_of_a_list_with_an_organisation(rules_nlp):
    result = run(rules_nlp, "今年，推动北辰精工、南岭控股、东湖航运集团等企业扩产。")
    assert {"北辰精工", "南岭控股", "东湖航运集团"} <= orgs(result)


def test_an_item_the_model_calls_a_person_joins_the_list_unless_it_is_one():
    """The people stage, not the NER's label, says who is a person: a transliterated
    company name the NER labels PERSON is an organisation in a list of companies."""
    import spacy

    from extract.match.organisations import coordinated_organisations

    text = "上榜的企业：卡西尼亚、北辰控股、王立新。"
    doc = spacy.blank("zh")(text)
    person = doc.char_span(text.index("卡"), text.index("、"), "PERSON")
    real_person = doc.char_span(text.index("王"), text.index("。"), "PERSON")
    doc.ents = [person, real_person]
    company = (text.index("北"), text.index("北") + 4)
    people = [(real_person.start_char, real_person.end_char)]
    added = {text[s:e] for s, e in coordinated_organisations(doc, [company], people)}
    assert added == {"卡西尼亚"}


def test_alias_and_short_form_join_the_full_name_within_a_page(rules_nlp):
    text = "星河数码科技股份有限公司（以下简称“星河数码”）发布公告。星河数码表示，星河数码科技将扩产。"
    found = {(o["surface"], o["name"]) for o in run(rules_nlp, text)["organisations"]}
    assert ("星河数码", "星河数码科技股份有限公司") in found


# --- the statistical entities and the rules that repair them --------------------------

def test_rule_spans_take_the_entity_start_only_with_evidence():
    from extract.match.organisations import repaired

    # the rule stopped early (a stop character inside the name): the entity starts earlier
    assert repaired([(4, 10)], [(2, 10)]) == [(2, 10)]
    # the rule ran into two words before the name: the entity starts later
    assert repaired([(0, 10)], [(3, 10)]) == [(3, 10)]
    # one character cut off is as often the name's own: only a place start proves it
    assert repaired([(0, 10)], [(1, 10)]) == [(0, 10)]
    assert repaired([(0, 10)], [(1, 10)], {1}) == [(1, 10)]


def test_headless_entities_need_a_clear_end_once():
    from extract.match.organisations import headless_kept

    text = "远图精密、北辰控股发布公告。远图精密光学器件需求旺。南岭光学器件订单多。"
    spans = [(0, 4), (5, 9), (14, 18), (text.index("南岭"), text.index("南岭") + 4)]
    assert [text[s:e] for s, e in spans] == ["远图精密", "北辰控股", "远图精密", "南岭光学"]
    kept = {text[s:e] for s, e in headless_kept(text, spans, set())}
    assert kept == {"远图精密", "北辰控股"}  # 南岭光学 runs on into 器件: cut inside a phrase


def test_headless_entity_starting_with_a_person_is_that_person():
    """The model joins a name and the verb after it (柳文峰组织 in 柳文峰组织部分村民): with
    the people stage's person there and no head, it is no organisation; a name with a
    head (柳文峰基金会) or one the person span covers whole stays for the later stages."""
    from extract.match.organisations import headless_kept

    text = "柳文峰组织部分村民修路。柳文峰基金会捐了款，柳文峰组织部分村民。"
    joined = (0, 5)
    foundation = (text.index("柳文峰基金会"), text.index("柳文峰基金会") + 6)
    people = [(0, 3), (foundation[0], foundation[0] + 3)]
    kept = {text[s:e] for s, e in headless_kept(text, [joined, foundation], set(), people)}
    assert kept == {"柳文峰基金会"}
    whole = [(0, 5)]
    assert headless_kept(text, whole, set(), whole) == whole  # not cut by the rule


def test_headless_entity_ended_clearly_elsewhere_on_the_page_is_kept():
    """A name the model found once where it runs on (青岚智造|仍) is kept when the page
    ends it clearly elsewhere (青岚智造，), where the model missed it; a fragment that
    recurs only inside a longer word (东山党 of 东山党员) is not."""
    from extract.match.organisations import headless_kept

    text = "青岚智造仍以三亿元居首。业内人士说，青岚智造，订单已排到明年。东山党员多，东山党员强。"
    spans = [(0, 4), (text.index("东山党"), text.index("东山党") + 3)]
    kept = {text[s:e] for s, e in headless_kept(text, spans, set())}
    assert kept == {"青岚智造"}


def test_entities_lose_ordinal_terms_and_websites():
    from extract.match.organisations import trimmed

    text = "第十五届东川市青联委员会与东川市气象局官网"
    s, e = trimmed(text, 0, text.index("与"))
    assert text[s:e] == "东川市青联委员会"
    s, e = trimmed(text, text.index("与") + 1, len(text))
    assert text[s:e] == "东川市气象局"


def test_model_organisations_are_used_when_the_model_runs(nlp):
    # the model's ORG entities are a source, not vetoed: at least the rules' names survive
    result = run(nlp, "北岭大学教授方明远说，南湖电气股份有限公司与北岭大学签约。")
    assert {"北岭大学", "南湖电气股份有限公司"} <= orgs(result)


# --- people across documents -----------------------------------------------------------

def result(doc_id, names, role_rows=()):
    return {"document": {"id": doc_id}, "people": [{"name": n} for n in names],
            "roles": [{"person": p, "title": t, "organisation": o} for p, t, o in role_rows]}


def test_the_same_name_in_two_documents_is_two_people_without_evidence():
    from extract.identity import person_identities

    labels = person_identities([result("a", ["王伟"]), result("b", ["王伟"])])
    assert labels[("a", "王伟")] != labels[("b", "王伟")]


@pytest.mark.parametrize("role_a, role_b", [
    (("王伟", "总经理", "东岭集团"), ("王伟", "董事", "东岭集团")),  # the same organisation
    (("王伟", "记者", None), ("王伟", "记者", None)),  # the same title
])
def test_the_same_name_with_shared_evidence_is_one_person(role_a, role_b):
    from extract.identity import person_identities

    labels = person_identities([result("a", ["王伟"], [role_a]), result("b", ["王伟"], [role_b]),
                                result("c", ["王伟"])])
    assert labels[("a", "王伟")] == labels[("b", "王伟")] == "王伟"
    assert labels[("c", "王伟")] == "王伟#2"


def test_evidence_chains_across_documents():
    from extract.identity import person_identities

    labels = person_identities([
        result("a", ["李娜"], [("李娜", "教授", "北岭大学")]),
        result("b", ["李娜"], [("李娜", "教授", "南湖研究院")]),
        result("c", ["李娜"], [("李娜", "所长", "南湖研究院")]),
    ])
    assert len({labels[(d, "李娜")] for d in "abc"}) == 1


# Three made-up pages naming 韩立新: a and b at the same company (two titles), c the
# head of a school. a and b are one person; c is another, with its own id and mentions.
IDENTITY_PAGES = {
    "a.txt": "东岭重工发布新产品\n5月8日，东岭重工股份有限公司总经理韩立新在发布会上介绍了新产品。"
             "韩立新表示，公司今年将加大研发投入。\n",
    "b.txt": "东岭重工召开股东大会\n6月2日，东岭重工股份有限公司召开股东大会，公司董事长韩立新主持会议。\n",
    "c.txt": "南湖小学举行运动会\n9月20日，南湖小学举行秋季运动会，南湖小学校长韩立新致辞。\n",
}


def write_identity_pages(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in IDENTITY_PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_tables(out, suffix=".json"):
    import json

    def load(name):
        text = (out / f"{name}{suffix}").read_text(encoding="utf-8")
        return json.loads(text) if suffix == ".json" else [json.loads(line) for line in text.splitlines()]
    return {name: load(name) for name in ("people", "roles", "organisations")}


def check_identity_dataset(tables):
    """The dataset of :data:`IDENTITY_PAGES`: two people named 韩立新, a+b and c."""
    from extract.write import person_id

    people = [p for p in tables["people"] if p["name"] == "韩立新"]
    assert [p["id"] for p in people] == [person_id("韩立新"), person_id("韩立新", 2)]
    assert people[0]["id"] == "person-478e9f790aaa"  # the name's first identity keeps the id by name
    assert len({p["id"] for p in tables["people"]}) == len(tables["people"])
    docs = [sorted({m["doc_id"] for m in p["mentions"]}) for p in people]
    assert docs == [["a", "b"], ["c"]]
    orgs = {o["id"]: o["name"] for o in tables["organisations"]}
    by_doc = {r["doc_id"]: r for r in tables["roles"] if r["title"] in ("总经理", "董事长", "校长")}
    assert (by_doc["a"]["person"], by_doc["a"]["title"]) == (people[0]["id"], "总经理")
    assert (by_doc["b"]["person"], by_doc["b"]["title"]) == (people[0]["id"], "董事长")
    assert orgs[by_doc["a"]["organisation"]] == orgs[by_doc["b"]["organisation"]] == "东岭重工股份有限公司"
    assert (by_doc["c"]["person"], by_doc["c"]["title"]) == (people[1]["id"], "校长")
    assert orgs[by_doc["c"]["organisation"]] == "南湖小学"


@pytest.mark.parametrize("fmt, suffix", [("json", ".json"), ("jsonl", ".jsonl")])
def test_dataset_merges_people_across_documents_only_with_evidence(tmp_path, fmt, suffix):
    from extract.pipeline import run as run_local
    from extract.write import validate_dir

    pages = write_identity_pages(tmp_path / "pages")
    run_local([pages], tmp_path / "out", workers=1, fmt=fmt, cache_dir=tmp_path / "cache")
    assert validate_dir(tmp_path / "out") == []
    check_identity_dataset(load_tables(tmp_path / "out", suffix))


def test_identity_numbers_follow_document_ids_not_the_order_results_arrive_in(tmp_path):
    from extract.write import DatasetBuilder

    def make(doc_id, title, org):
        return {"document": {"id": doc_id}, "metrics": [], "dates": [], "organisations": [],
                "people": [{"name": "韩立新", "start": 0, "end": 3}],
                "roles": [{"person": "韩立新", "title": title, "organisation": org, "start": 0, "end": 3}]}

    outputs = []
    for order in (["a", "b", "c"], ["c", "b", "a"]):
        builder = DatasetBuilder(tmp_path / "unused")
        roles = {"a": ("经理", "甲公司"), "b": ("主任", "乙公司"), "c": ("董事", "甲公司")}
        for doc_id in order:
            builder.add(make(doc_id, *roles[doc_id]))
        identities = builder.identities()
        outputs.append((identities, builder.people(identities)))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == {("a", "韩立新"): 1, ("b", "韩立新"): 2, ("c", "韩立新"): 1}


# --- later patterns ------------------------------------------------------------------

def test_a_title_held_by_the_person_after_de(rules_nlp):
    result = run(rules_nlp, "在东川市水利局担任处长的韩冬梅，主动报了名。")
    assert ("韩冬梅", "处长", "东川市水利局") in roles(result)


def test_clauses_without_a_name_take_the_paragraphs_subject(rules_nlp):
    text = ("林晓岚说，基础研究要坚持。她毕业于北岭大学，"
            "现任北岭大学光电研究所讲座教授。兼任南湖数学学会理事，东川物理学会秘书长。")
    found = roles(run(rules_nlp, text))
    assert {("林晓岚", "讲座教授", "北岭大学光电研究所"), ("林晓岚", "理事", "南湖数学学会"),
            ("林晓岚", "秘书长", "东川物理学会")} <= found
    assert "现任北岭大学光电研究所" not in orgs(run(rules_nlp, text))


def test_a_chair_named_after_a_person_does_not_become_the_subject():
    from extract.match.notices import find_notices
    from extract.match.titles import find_titles

    text = "林晓岚生于江南，现任北岭大学周立人讲座教授。兼任南湖数学学会理事。"
    people = [(0, 3), (text.index("周立人"), text.index("周立人") + 3)]
    notices = find_notices(text, find_titles(text), people)
    assert notices and all([text[s:e] for s, e in n.people] == ["林晓岚"] for n in notices)


def test_governing_bodies_are_organisations_and_not_titles(rules_nlp):
    result = run(rules_nlp, "南湖文化基金理事会轮值主席蒋一鸣今天在会上发言。")
    assert "南湖文化基金理事会" in orgs(result)
    assert ("蒋一鸣", "轮值主席", "南湖文化基金理事会") in roles(result)


def test_counts_and_references_before_a_head_are_not_names(rules_nlp):
    text = "两国政府签署协议。三大银行表示支持。全国首个数据标注基地落成。有关部门介绍了情况。"
    assert orgs(run(rules_nlp, text)) == set()


def test_a_contracted_head_joins_the_full_name():
    from extract.link import is_contraction, is_short_form

    assert is_contraction("东川学联", "东川市学生联合会")
    assert not is_contraction("东川学联", "东川市妇女联合会")
    assert is_contraction("东川科协", "东川市科学技术协会")
    # an abbreviation keeps the first character and the second among the next two
    assert is_short_form("南远集团", "南方远洋运输集团")
    assert not is_short_form("北湖集团", "南方远洋运输集团")


def test_ner_people_need_a_supporting_context_once():
    from extract.match.people import find_people

    # 党员 before the name supports the model's name although nothing marks its end
    text = "党员魏立涛自发巡田。"
    assert find_people(text, [], [(2, 5)]) == [(2, 5)]
    # no context at all: the model may have cut a name out of a longer word
    text = "华立正源科技推出新品。"
    assert find_people(text, [], [(0, 2)]) == []


def test_an_entity_ends_at_a_head_one_word_before_its_end():
    from extract.match.organisations import end_at_inner_head

    text = "他获北岭大学化学硕士学位。"
    assert text[2:end_at_inner_head(text, 2, 8)] == "北岭大学"
    assert end_at_inner_head(text, 2, 6) == 6  # a head at the end stays


def test_names_printed_with_a_full_width_space_inside(rules_nlp):
    result = run(rules_nlp, "本报记者　王　伟　李明远\n正文。")
    # the record's name leaves out the padding
    assert {"王伟", "李明远"} <= people(result)
    assert {("王伟", "记者"), ("李明远", "记者")} <= {r[:2] for r in roles(result)}


def test_photo_credits(rules_nlp):
    result = run(rules_nlp, "麦田里一片金黄。\n韩立新摄\n收割机在作业（孟晓光摄）。摄影展开幕。")
    assert {"韩立新", "孟晓光"} <= people(result)


def test_counted_and_generic_heads_are_never_organisations(rules_nlp):
    text = "三家协会联合发布倡议。头部公司纷纷响应。该公司表示支持。"
    assert orgs(run(rules_nlp, text)) == set()


def test_lists_of_names_with_notes_in_brackets(rules_nlp):
    text = "获奖者有：卢立新(2016年)、孔德明(2017年)，严志华、吕国强、骆文静(2018年)；其余待定。\n卢立新说，很荣幸。"
    assert {"卢立新", "孔德明"} <= people(run(rules_nlp, text))


def test_transliterated_model_names_need_a_persons_context():
    from extract.match.people import foreign_ner_people

    text = "主场战胜了切尔西，教练莫里森说很满意。"
    club, coach = (text.index("切尔西"), text.index("切尔西") + 3), (text.index("莫里森"), text.index("莫里森") + 3)
    titles = [(text.index("教练"), text.index("教练") + 2)]
    assert foreign_ner_people(text, [club, coach], titles) == [coach]


def test_titles_are_no_given_names_and_credits_end_names(rules_nlp):
    result = run(rules_nlp, "办公室主任向记者透露，张经理表示同意。\n（记者韩冬实习生孟磊）")
    names = people(result)
    assert not {"向记者", "张经理"} & names
    assert {"韩冬", "孟磊"} <= names


def test_quantified_and_excepted_bodies(rules_nlp):
    text = "大部分银行已上调利率，个别银行仍在观望。除东川农商银行外，广州一家银行也已跟进。"
    names = orgs(run(rules_nlp, text))
    assert names == {"东川农商银行"}


def test_full_names_before_honorifics_and_after_an_organisation(rules_nlp):
    text = "有着多年经验的韩立成先生认为，前景可期。王先生也同意。东川市统计局严冬梅表示，数据平稳。东川大学官网显示，招生顺利。"
    names = people(run(rules_nlp, text))
    assert {"韩立成", "严冬梅"} <= names
    assert not {"王先", "官网"} & names


def test_exchanges_and_regulators_by_their_short_forms(rules_nlp):
    result = run(rules_nlp, "该股于上交所挂牌，深交所、北交所同日发布新规。")
    by_surface = {o["surface"]: o["name"] for o in result["organisations"]}
    assert by_surface["上交所"] == "上海证券交易所"
    assert {"深交所", "北交所"} <= set(by_surface)


def test_titles_naming_their_own_owner_do_not_inherit(rules_nlp):
    result = run(rules_nlp, "南岭党委书记、国家主席林海峰出席。")
    found = roles(result)
    assert ("林海峰", "国家主席", None) in found


def test_a_national_body_is_no_short_form_of_a_name_ending_like_it():
    from extract.link import is_short_form

    assert not is_short_form("中央编辑部", "东川日报中央编辑部")
    assert is_short_form("市科技局", "东川市科技局")


def test_a_short_form_may_drop_the_province_the_model_recognised(nlp):
    from extract.link import is_short_form

    # the rule itself: once the place is cut off, the short form abbreviates the rest
    assert is_short_form("远山公司", "远山农业股份有限公司")


def test_a_caption_note_is_no_owner_of_a_title(rules_nlp):
    result = run(rules_nlp, "韩冬梅（右）与村支书孟立新查看麦田。")
    assert not any(n.startswith(("（", "(")) for n in orgs(result))


def test_a_short_form_drops_a_province_written_without_its_level():
    from extract.link import is_short_form

    assert is_short_form("北岭公司", "江西北岭农业股份有限公司")
    assert not is_short_form("南岭公司", "江西北岭农业股份有限公司")


def test_a_place_before_an_event_verb_is_not_part_of_the_name_after_it(rules_nlp):
    # 在某地举行…: the organisation head after the verb does not reach back over it
    result = run(rules_nlp, "上周，远山机械股份有限公司在北岸县举行新基地开工仪式。")
    assert not any("举行" in name for name in orgs(result)), orgs(result)
    assert "远山机械股份有限公司" in orgs(result)


def test_a_company_is_also_named_by_its_trade_name():
    from extract.link import is_short_form

    assert is_short_form("华信", "华信控股有限公司")
    assert is_short_form("远帆", "远帆科技股份有限公司")
    assert is_short_form("远帆科技", "远帆科技股份有限公司")
    # a line of business after the trade name names a sister company, not the group
    assert not is_short_form("华信航空", "华信控股有限公司")
    assert not is_short_form("华信", "华信航空有限公司")


def test_a_long_short_form_may_keep_only_the_last_character_of_the_head():
    from extract.link import is_short_form

    assert is_short_form("县农技站", "县农业技术推广站")
    assert is_short_form("市文旅局", "东川市文化和旅游局")
    assert not is_short_form("市文旅局", "东川市文化和旅游委员会")
    assert not is_short_form("农技站", "县农业技术推广站")  # three characters: too short to tell


def test_a_trade_name_and_the_registered_name_are_one_organisation():
    from extract.link import resolve_short_forms
    from extract.nlp import blank_pipeline

    doc = blank_pipeline()("远帆科技股份有限公司今天发布年报。远帆表示，远帆航空将扩大产能。")
    full, short, sister = doc.char_span(0, 10), doc.char_span(17, 19), doc.char_span(22, 26)
    resolve_short_forms([full, short, sister])
    assert short._.canonical == "远帆科技股份有限公司"
    assert full._.canonical is None and sister._.canonical is None
