"""`extract report`: self-contained HTML, records highlighted, tables linked; a document
index and People and Organisations panels; one page per document beyond a few hundred."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from extract.report import render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.marks, self.external = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "mark":
            self.marks.append(attrs.get("class"))
        if tag in {"script", "link", "img"} or (tag == "a" and attrs.get("href", "#").startswith("http")):
            self.external.append(tag)


def test_report_links_every_record_to_its_evidence(seed_dataset):
    page = render_report(seed_dataset)
    parsed = Collector()
    parsed.feed(page)
    tables = {n: json.loads((seed_dataset / f"{n}.json").read_text(encoding="utf-8")) for n in ["roles", "metrics", "dates"]}
    record_ids = {row["id"] for rows in tables.values() for row in rows}
    assert all(href.startswith("#") and unquote(href[1:]) in parsed.ids for href in parsed.hrefs)
    assert {unquote(href[1:]) for href in parsed.hrefs} >= record_ids  # every record links to its evidence
    assert {"person", "organisation", "metric", "date"} <= set(parsed.marks)
    assert parsed.external == []  # self-contained: no scripts, stylesheets or images to fetch


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it)")
def test_report_renders_in_headless_chromium(seed_dataset, tmp_path):
    target = tmp_path / "report.html"
    target.write_text(render_report(seed_dataset), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", target.as_uri()], capture_output=True, text=True, timeout=120).stdout
    documents = json.loads((seed_dataset / "documents.json").read_text(encoding="utf-8"))
    assert len(re.findall(r'<section class="doc"', dom)) == len(documents)
    assert dom.count("<mark") > 100
    screenshot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1400,1000", f"--screenshot={screenshot}", target.as_uri()],
                   capture_output=True, timeout=120)
    assert screenshot.exists() and screenshot.stat().st_size > 10_000


# A dataset of invented pages, built by the pipeline's own writer (no model run): a person
# holds a title at an organisation, which is then named by its short form, with a sum and a date.
PEOPLE = ["柯思远", "郁晓岚", "闵嘉禾", "蒲秋实", "晏明川", "詹若溪", "宓云舒", "邝景行", "甘露白"]
ORGS = [("青禾农业科技有限公司", "青禾农业"), ("东岭新材料研究院", "东岭研究院"), ("北川物流集团", "北川物流")]
TITLES = ["董事长", "院长", "总经理"]


def invented_result(n: int) -> dict:
    import hashlib

    person = PEOPLE[n % len(PEOPLE)]
    org, short = ORGS[n % len(ORGS)]
    title = TITLES[n % len(TITLES)]
    text = f"{person}担任{org}{title}。{short}今年投入{n + 3}万元,计划{n % 12 + 1}月完工。"
    def at(part: str) -> int:  # the last occurrence: the short form comes after the full name
        return text.rindex(part)
    amount = f"{n + 3}万元"
    month = f"{n % 12 + 1}月"
    doc_id = f"site/{n // 50}/page{n:03d}"
    return {
        "document": {"id": doc_id, "source": f"crawl/{doc_id}.html", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                     "encoding": "utf-8", "format": "html", "title": f"{short}新闻第{n}篇", "published": "2024-05-06",
                     "outlet": "某某日报", "text": text, "sentences": [{"start": 0, "end": len(text)}]},
        "people": [{"name": person, "start": 0, "end": len(person)}],
        "organisations": [{"name": org, "surface": org, "start": at(org), "end": at(org) + len(org)},
                          {"name": org, "surface": short, "start": at(short), "end": at(short) + len(short)}],
        "roles": [{"person": person, "title": title, "organisation": org, "start": 0, "end": text.index("。")}],
        "metrics": [{"text": amount, "value": (n + 3) * 10000, "unit": "元", "qualifier": "eq",
                     "start": at(amount), "end": at(amount) + len(amount)}],
        "dates": [{"text": month, "value": f"2024-{n % 12 + 1:02d}", "start": at(month), "end": at(month) + len(month)}],
    }


def invented_dataset(folder, count: int):
    from extract.write import assemble, dumps

    folder.mkdir()
    for name, rows in assemble([invented_result(n) for n in range(count)]).items():
        (folder / f"{name}.json").write_text(dumps(rows), encoding="utf-8")
    return folder


def test_panels_list_people_and_organisations_with_aliases_and_documents(tmp_path):
    page = render_report(invented_dataset(tmp_path / "out", 12))
    parsed = Collector()
    parsed.feed(page)
    assert {"index", "people", "organisations"} <= parsed.ids
    assert "青禾农业科技有限公司</b> <span class=\"aliases\">(青禾农业)</span>" in page
    # 12 documents, 3 organisations in turn: 4 documents each, each listed with a link
    assert "4 mentions in 4 documents" not in page and "8 mentions in 4 documents" in page
    assert sum(href == "#doc-site/0/page000" for href in parsed.hrefs) >= 3  # index, person, organisation
    assert all(unquote(href[1:]) in parsed.ids for href in parsed.hrefs)


def test_values_are_escaped_in_text_and_attributes(tmp_path):
    result = invented_result(1)
    result["document"]["id"] = 'x"><script>alert(1)</script>'
    result["document"]["title"] = "<b>标题</b>"
    from extract.write import assemble, dumps

    out = tmp_path / "out"
    out.mkdir()
    for name, rows in assemble([result]).items():
        (out / f"{name}.json").write_text(dumps(rows), encoding="utf-8")
    page = render_report(out)
    assert "<script>" not in page and "<b>标题</b>" not in page
    parsed = Collector()
    parsed.feed(page)
    assert parsed.external == []


def test_a_large_dataset_becomes_one_page_per_document_and_paged_panels(tmp_path, monkeypatch):
    from pathlib import Path

    import extract.report as report

    monkeypatch.setattr(report, "SINGLE_PAGE_LIMIT", 50)
    monkeypatch.setattr(report, "PAGE_SIZE", 40)
    out = invented_dataset(tmp_path / "out", 120)
    written = report.write_report(out, tmp_path / "report.html")
    folder = tmp_path / "report_files"
    names = sorted(p.name for p in folder.iterdir())
    assert len([n for n in names if n.startswith("doc-")]) == 120
    assert [n for n in names if n.startswith("index-")] == ["index-1.html", "index-2.html", "index-3.html"]
    assert "people-1.html" in names and "organisations-1.html" in names
    assert len(written) == len(names) + 1
    # every link of every page leads to a file that exists, and to an element on it
    for path in [tmp_path / "report.html", *folder.iterdir()]:
        parsed = Collector()
        parsed.feed(path.read_text(encoding="utf-8"))
        for href in parsed.hrefs:
            file_part, _, fragment = href.partition("#")
            target = (path.parent / unquote(file_part)) if file_part else path
            assert target.exists(), (path.name, href)
            if fragment:
                ids = Collector()
                ids.feed(target.read_text(encoding="utf-8"))
                assert unquote(fragment) in ids.ids, (path.name, href)
    assert max(p.stat().st_size for p in folder.iterdir()) < 200_000


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it)")
def test_report_of_200_documents_opens_in_headless_chromium_with_its_panels(tmp_path):
    out = invented_dataset(tmp_path / "out", 200)
    target = tmp_path / "report.html"
    from extract.report import write_report

    assert write_report(out, target) == [target]  # 200 documents: one page
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", target.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert len(re.findall(r'<section class="doc"', dom)) == 200
    assert re.search(r'<details class="panel" id="people" open="?"?><summary>People \(9\)', dom)
    assert re.search(r'<details class="panel" id="organisations" open="?"?><summary>Organisations \(3\)', dom)
    assert dom.count('<div class="entity"') == 12
    screenshot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1400,1000", f"--screenshot={screenshot}", target.as_uri()],
                   capture_output=True, timeout=120)
    assert screenshot.exists() and screenshot.stat().st_size > 10_000
