from __future__ import annotations

import hashlib

import pytest

from extract.ingest import IngestError, iter_sources, read_document

TEXT = "武汉市科技创新局今天发布消息。全市已建成21家重点实验室。"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-16"])
def test_decodes_common_chinese_encodings(tmp_path, encoding):
    path = tmp_path / f"page_{encoding}.txt"
    data = (TEXT * 5).encode(encoding)
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == TEXT * 5
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.id == f"page_{encoding}"
    assert doc.format == "text"


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_document(path).text == TEXT


def test_html_is_sniffed(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<!DOCTYPE html><html><body><p>" + TEXT + "</p></body></html>", encoding="utf-8")
    assert read_document(path).format == "html"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00" * 50, "binary"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert str(path) in str(info.value)
    assert reason in info.value.reason


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "gone.txt"
    path.symlink_to(tmp_path / "missing-target.txt")
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert "unreadable" in info.value.reason


def test_folders_are_walked_in_a_stable_order(tmp_path):
    for name in ["b.txt", "a.txt", "c.html", "skip.json"]:
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    assert [p.name for p in iter_sources([tmp_path])] == ["a.txt", "b.txt", "c.html"]
