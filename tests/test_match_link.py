"""People, organisations, titles and roles on made-up sentences (rules only)."""
from __future__ import annotations

from extract.pipeline import analyse
from extract.clean import CleanDocument
from extract.ingest import RawDocument


def run(nlp, text, published="2024-03-01"):
    raw = RawDocument(id="t", source="t.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)
    return analyse(nlp, CleanDocument(raw, "标题", published, None, text))


def roles(result):
    return {(r["person"], r["title"], r["organisation"]) for r in result["roles"]}


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
