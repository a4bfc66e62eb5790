"""Silent wrong runs end (a glob matching nothing, a --model that does not load), odd
file names are reported safely, empty articles are failures, encodings are recognised."""
from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from extract.cli import EXIT_SOME_FAILED, EXIT_USAGE, main
from extract import ingest
from extract.pipeline import run
from extract.write import validate_dir

from .helpers import PROSE, good_page, write_pages


def invoke(*args):
    return CliRunner().invoke(main, ["run", *map(str, args), "--workers", "1", "-q"])


def test_a_glob_that_matches_nothing_is_an_error(tmp_path):
    result = invoke(str(tmp_path / "nothing-*.txt"), "--out", tmp_path / "out", "--model", "none")
    assert result.exit_code == EXIT_USAGE and "no file matches" in result.output
    assert not (tmp_path / "out").exists()  # not a run of the default seeds/


def test_an_absolute_glob_works(tmp_path):
    write_pages(tmp_path / "in", 3)
    result = invoke(str(tmp_path / "in" / "p000[01].txt"), "--out", tmp_path / "out", "--model", "none")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["documents"] == 2


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.mkdir(), lambda p: (p.mkdir(), (p / "config.cfg").write_text("[nlp\nlang = ", encoding="utf-8"))])
def test_a_model_that_does_not_load_is_an_error(tmp_path, make):
    write_pages(tmp_path / "in", 1)
    make(tmp_path / "model")
    result = invoke(tmp_path / "in", "--out", tmp_path / "out", "--model", tmp_path / "model")
    assert result.exit_code == EXIT_USAGE and "--model" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_model_none_is_the_rules_alone(tmp_path):
    write_pages(tmp_path / "in", 1)
    result = invoke(tmp_path / "in", "--out", tmp_path / "out", "--model", "none")
    assert result.exit_code == 0
    assert json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["model"] == "zh_rules"


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes")
def test_file_names_not_utf8_or_with_a_newline_are_reported_safely(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = [os.fsencode(folder) + b"/bad\xffname.txt", os.fsencode(folder) + b"/two\nlines.txt"]
    for name in odd:
        with open(name, "wb") as handle:
            handle.write(good_page().encode("utf-8"))
    with open(os.fsencode(folder) + b"/empty\xfe\nfile.txt", "wb"):
        pass
    result = invoke(folder, "--out", tmp_path / "out", "--model", "none")
    assert result.exit_code == EXIT_SOME_FAILED, result.output
    assert result.output.strip().splitlines() == [f"error: {folder}/empty\\xfe\\nfile.txt: empty file"]
    assert validate_dir(tmp_path / "out") == []
    documents = json.loads((tmp_path / "out" / "documents.json").read_text(encoding="utf-8"))
    assert sorted(d["source"] for d in documents) == [f"{folder}/bad\\xffname.txt", f"{folder}/two\\nlines.txt"]


def test_display_path_escapes_what_cannot_be_printed():
    assert ingest.display_path(os.fsdecode(b"a\xffb")) == "a\\xffb"
    assert ingest.display_path("a\nb\tc") == "a\\nb\\tc"
    assert ingest.display_path("新闻稿.txt") == "新闻稿.txt"


@pytest.mark.parametrize("page", [
    "<html><head><title>未闭合的标题", 
    "<html><body>" + "<div>" * 3000 + "</div>" * 3000 + "</body></html>",
    "<html><body><script>var a = 1;</script></body></html>",
])
def test_html_whose_article_is_empty_is_a_failure_with_its_reason(tmp_path, page):
    folder = tmp_path / "in"
    write_pages(folder, 1)
    (folder / "empty.html").write_text(page, encoding="utf-8")
    result = run([folder], tmp_path / "out", None, cache_dir=None)
    assert [f["source"] for f in result.failures] == [str(folder / "empty.html")]
    assert "no article" in result.failures[0]["reason"]
    assert result.documents == 1 and validate_dir(tmp_path / "out") == []


TEXT = "某市就业形势总体稳定\n" + PROSE * 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_recognised(encoding):
    text, found, replaced = ingest.decode_counting(TEXT.encode(encoding))
    assert (text, found, replaced) == (TEXT, encoding, 0)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
def test_other_encodings_are_not_taken_for_utf16(encoding):
    text, found, _ = ingest.decode_counting(TEXT.encode(encoding))
    assert text == TEXT and not found.startswith("utf-16")


def test_a_stray_byte_in_utf8_is_replaced_and_noted_in_run_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data = good_page().encode("utf-8")
    cut = data.index("。".encode("utf-8"))
    (folder / "stray.txt").write_bytes(data[:cut] + b"\xff" + data[cut:])
    result = run([folder], tmp_path / "out", None, cache_dir=None)
    assert result.documents == 1 and not result.failures
    text = json.loads((tmp_path / "out" / "documents.json").read_text(encoding="utf-8"))[0]["text"]
    assert "\ufffd。" in text
    repairs = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["repairs"]
    assert repairs == [{"source": str(folder / "stray.txt"), "note": "1 byte(s) not valid utf-8 replaced by U+FFFD"}]


def test_many_bad_bytes_are_not_taken_for_damaged_utf8():
    _, found, replaced = ingest.decode_counting(TEXT.encode("gbk"))
    assert found == "gb18030" and replaced == 0
