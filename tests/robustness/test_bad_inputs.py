"""Bad input never crashes a run: each file gives a clear error or a correct result,
and the other files are processed. Plus fuzzing of the rule functions."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from extract.clean import clean_text_page
from extract.ingest import RawDocument
from extract.link import is_short_form
from extract.match.organisations import find_organisations, keep_longest, listed_organisations
from extract.match.people import find_people
from extract.match.titles import find_titles
from extract.pipeline import run
from extract.write import validate_dir

PROSE = "某市召开科技工作会议,总结去年工作,部署今年重点任务。会议由市科技局主办,局长王明出席。"


def write_bad_inputs(folder):
    folder.mkdir()
    files = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "nul_bytes.txt": ("标题\n" + PROSE).encode("utf-8").replace("。".encode(), b"\x00"),
        "truncated_utf8.txt": ("标题\n" + PROSE * 3).encode("utf-8")[:-1],
        "gbk.txt": ("标题\n" + PROSE * 3).encode("gbk"),
        "gb18030.txt": ("标题\n" + PROSE * 3 + "𠀀").encode("gb18030"),
        "utf16_bom.txt": ("标题\n" + PROSE * 3).encode("utf-16"),
        "huge.txt": ("标题\n" + PROSE * 200_000).encode("utf-8"),  # ~21 MB
        "one_long_line.txt": (PROSE * 11_000).encode("utf-8")[: 1024 * 1024 + 3] ,
        "scripts_only.html": b"<html><head><script>var a = 1;</script></head><body><script>b()</script></body></html>",
        "good.txt": ("某市召开科技工作会议\n" + PROSE).encode("utf-8"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "unreadable.txt").symlink_to(folder / "no-such-target")
    return files


def test_bad_inputs_give_errors_or_results_and_the_rest_is_processed(tmp_path):
    write_bad_inputs(tmp_path / "in")
    out = tmp_path / "out"
    result = run([tmp_path / "in"], out, None, workers=2, cache_dir=tmp_path / "cache")
    failures = {f["source"].rsplit("/", 1)[-1]: f["reason"] for f in result.failures}
    assert failures.keys() == {"empty.txt", "binary.txt", "nul_bytes.txt", "huge.txt", "unreadable.txt",
                               "scripts_only.html"}, failures
    assert "NUL" in failures["nul_bytes.txt"]
    assert "empty" in failures["empty.txt"]
    assert "binary" in failures["binary.txt"]
    assert "too large" in failures["huge.txt"]
    assert "unreadable" in failures["unreadable.txt"]
    assert "no article" in failures["scripts_only.html"]
    assert validate_dir(out) == []
    documents = {d["id"]: d for d in json.loads((out / "documents.json").read_text(encoding="utf-8"))}
    for name in ["gbk", "gb18030", "utf16_bom", "truncated_utf8", "good"]:
        assert documents[name]["text"].startswith("某市召开科技工作会议"), name
    assert documents["gbk"]["encoding"] == "gb18030"
    assert documents["utf16_bom"]["encoding"] == "utf-16"
    assert documents["gb18030"]["text"].endswith("𠀀")
    assert "no article" in failures["scripts_only.html"]  # issue 25: no silent empty documents
    assert len(documents["one_long_line"]["text"]) > 300_000
    run_record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run_record["inputs"] == 12 and run_record["documents"] == 6


def test_a_folder_of_ten_thousand_small_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"n{i:05d}.txt").write_text(f"第{i}号简讯\n今天上午,共有{i % 97 + 2}家企业参加了在市民中心举行的招聘活动。", encoding="utf-8")
    result = run([folder], tmp_path / "out", None, workers=2, fmt="jsonl", cache_dir=tmp_path / "cache")
    assert result.documents == 10_000 and not result.failures
    with (tmp_path / "out" / "metrics.jsonl").open(encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 10_000


def raw(text):
    return RawDocument(id="f", source="f.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)


chinese_text = st.lists(st.sampled_from(list("的是在有限公司局处长书记王李张说。，、“”()年月日0123456789万亿%名家\n 　")
                                        + ["党委", "副", "教授", "以下简称", "等", "企业", "像", "市", "人民政府"]),
                        max_size=60).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(chinese_text)
def test_cleaning_never_fails(text):
    doc = clean_text_page(raw(text))
    assert isinstance(doc.text, str)


@settings(max_examples=200)
@given(chinese_text)
def test_name_title_and_organisation_rules_never_fail_and_spans_fit(text):
    titles = find_titles(text)
    people = find_people(text, titles, [])
    orgs = find_organisations(text, titles + people, {s for s, _ in titles}) + listed_organisations(text, titles + people)
    for start, end in titles + people + orgs:
        assert 0 <= start < end <= len(text)


@settings(max_examples=200)
@given(chinese_text, chinese_text)
def test_short_form_rules_never_fail_and_a_short_form_is_shorter(short, full):
    if is_short_form(short, full):
        assert 3 <= len(short) < len(full)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda p: (p[0], p[0] + p[1])), max_size=20))
def test_keep_longest_keeps_exactly_the_spans_no_other_contains(spans):
    kept = keep_longest(spans)
    inside = lambda a, b: b[0] <= a[0] and a[1] <= b[1] and a != b  # noqa: E731
    assert set(kept) == {s for s in spans if not any(inside(s, o) for o in spans)}
    assert kept == sorted(kept)
