"""Input folders as a crawl leaves them: every page found and given its own id, the
other files skipped with their reason in run.json."""
from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.ingest import collect_inputs, crawl_ids, sniff_skip_reason

PAGE = ("<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        "<p>{body}</p></article></body></html>")
BODY = "3月2日,某县农业农村局召开春耕工作推进会,部署今年粮食生产任务。会议要求各乡镇抓好种子和农资供应。"


def html_page(title: str) -> str:
    return PAGE.format(title=title, body=BODY)


def crawl_tree(root):
    """A small crawl: index.html in several folders, .shtml, .htm, extensionless and
    query-named pages, beside images, a style sheet, a feed and a hidden folder."""
    pages = {
        "index.html": "首页新闻",
        "news/index.html": "新闻频道",
        "news/2024/index.html": "二〇二四年新闻",
        "news/2024/0301.shtml": "春耕准备",
        "news/2024/0302.htm": "农资供应",
        "news/2024/0303": "无扩展名页面",
        "show.php?id=7": "动态页面",
        "about/index.htm": "关于我们",
        "about/index.html": "关于本站",
    }
    for relative, title in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html_page(title), encoding="utf-8")
    (root / "news" / "notes").write_text(BODY + "\n" + BODY + "\n", encoding="gb18030")  # plain text, no suffix
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 40)
    (root / "news" / "photo").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 60)
    (root / "style.css").write_text("body { font-family: serif; }", encoding="utf-8")
    (root / "feed").write_text('<?xml version="1.0"?><rss><channel></channel></rss>', encoding="utf-8")
    (root / "mirror").symlink_to(root / "news", target_is_directory=True)  # a loop, were it followed
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return pages


def test_every_page_of_a_crawl_tree_is_found_with_its_own_id(tmp_path):
    root = tmp_path / "crawl"
    crawl_tree(root)
    found = collect_inputs([root])
    ids = {s.path.relative_to(root).as_posix(): s.doc_id for s in found.sources}
    assert ids == {
        "index.html": "index",
        "news/index.html": "news/index",
        "news/2024/index.html": "news/2024/index",
        "news/2024/0301.shtml": "news/2024/0301",
        "news/2024/0302.htm": "news/2024/0302",
        "news/2024/0303": "news/2024/0303",
        "news/notes": "news/notes",
        "show.php?id=7": "show",
        # same folder, same name, another extension: the extension stays in both ids
        "about/index.htm": "about/index.htm",
        "about/index.html": "about/index.html",
    }
    skipped = {s["source"].removeprefix(str(root) + "/"): s["reason"] for s in found.skipped}
    assert skipped == {
        ".git": "hidden folder (not walked)",
        "feed": "not a page: XML or markup that is not HTML",
        "logo.png": "binary: PNG image",
        "mirror": "link to a folder (not followed)",
        "news/photo": "binary: JPEG image",
        "style.css": "not a page: style sheet (.css)",
    }


def test_a_crawl_tree_runs_with_every_page_a_document_and_skips_in_run_json(tmp_path):
    root = tmp_path / "crawl"
    crawl_tree(root)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(root), "--out", str(out), "--model", "none", "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    documents = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    assert len(documents) == 10 == len({d["id"] for d in documents})
    assert {d["source"] for d in documents if d["id"] == "news/2024/index"} == {str(root / "news/2024/index.html")}
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["failures"] == [] and run["inputs"] == 10
    assert [s["reason"] for s in run["skipped"]][:2] == ["hidden folder (not walked)", "not a page: XML or markup that is not HTML"]
    assert len(run["skipped"]) == 6


def test_ids_are_relative_to_the_folder_named(tmp_path):
    root = tmp_path / "crawl"
    crawl_tree(root)
    inner = collect_inputs([root / "news"])
    assert sorted(s.doc_id for s in inner.sources) == ["2024/0301", "2024/0302", "2024/0303", "2024/index", "index", "notes"]


def test_files_named_directly_keep_their_name_as_id(tmp_path):
    path = tmp_path / "a" / "page.shtml"
    path.parent.mkdir()
    path.write_text(html_page("直接指定"), encoding="utf-8")
    assert [s.doc_id for s in collect_inputs([path]).sources] == ["page"]


def test_ids_of_a_flat_folder_are_file_names_without_extension(tmp_path):
    files = [tmp_path / "d1.txt", tmp_path / "d2.html"]
    assert crawl_ids(tmp_path, files) == {files[0]: "d1", files[1]: "d2"}


@pytest.mark.parametrize("head, reason", [
    (b"", "empty file"),
    (b"%PDF-1.7\n", "binary: PDF document"),
    (b'{"title": "x"}', "not a page: JSON data"),
    (b"<html><body>\xe6\x96\xb0\xe9\x97\xbb</body></html>", None),
    ("今天天气晴朗,适合出行。".encode("gb18030"), None),
    ("今天天气晴朗,适合出行。".encode("utf-8")[:-1], None),  # cut inside its last character
])
def test_sniffing_by_content(head, reason):
    assert sniff_skip_reason(head) == reason


def test_links_and_unreadable_folders_in_a_tree(tmp_path, monkeypatch):
    root = tmp_path / "crawl"
    root.mkdir()
    (root / "gone.html").symlink_to(root / "missing.html")  # a page that cannot be read: a failure later
    (root / "gone.css").symlink_to(root / "missing.css")  # not a page either way
    locked = root / "locked"
    locked.mkdir()
    (locked / "a.html").write_text(html_page("锁定"), encoding="utf-8")
    listing = Path.iterdir

    def iterdir(self):  # as without the permission to list it (tests may run as root)
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    found = collect_inputs([root])
    assert [s.doc_id for s in found.sources] == ["gone"]
    reasons = {s["source"].rsplit("/", 1)[-1]: s["reason"] for s in found.skipped}
    assert reasons == {"gone.css": "not a page: style sheet (.css)", "locked": "unreadable folder: Permission denied"}
