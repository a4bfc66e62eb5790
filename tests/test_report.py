"""`extract report`: one self-contained HTML page, records highlighted, tables linked."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

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
    expected_links = sum(len(rows) for rows in tables.values())
    assert len(parsed.hrefs) == expected_links
    assert all(href.startswith("#") and href[1:] in parsed.ids for href in parsed.hrefs)
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
