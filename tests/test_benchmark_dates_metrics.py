from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_benchmark():
    spec = importlib.util.spec_from_file_location("dates_metrics", ROOT / "benchmarks" / "dates_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_the_development_set_it_says_so_and_exits_cleanly(tmp_path, monkeypatch, capsys):
    bench = load_benchmark()
    monkeypatch.setattr(sys, "argv", ["dates_metrics.py", "--shared", str(tmp_path / "absent")])
    assert bench.main() == 0
    assert "nothing measured" in capsys.readouterr().out


def test_scores_a_made_up_page_as_score_py_does(tmp_path):
    bench = load_benchmark()
    pages, gold_dir, out = tmp_path / "dev" / "pages", tmp_path / "gold" / "dev", tmp_path / "out"
    for folder in (pages, gold_dir, out):
        folder.mkdir(parents=True)
    text = "某县上半年引进项目12个，比去年同期多3个。春节前完工。"
    (pages / "p1.txt").write_text("标题\n" + text + "\n", encoding="utf-8")
    gold = {
        "doc_id": "p1", "published": "2023-07-20", "body_lines": [[2, 2]],
        "metrics": [{"text": "12个", "value": 12, "unit": "个"}, {"text": "3个", "value": 3, "unit": "个"}],
        "dates": [{"text": "上半年", "value": "2023-01/2023-06"}, {"text": "去年同期", "value": "2022-01/2022-06"},
                  {"text": "春节", "value": "2023-01-22", "optional": True}],
    }
    (gold_dir / "p1.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    # A run that found one date right, one wrong, the optional holiday, and one metric.
    (out / "dates.json").write_text(json.dumps([
        {"doc_id": "p1", "value": "2023-01/2023-06"}, {"doc_id": "p1", "value": "2022"},
        {"doc_id": "p1", "value": "2023-01-22"}]), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps([{"doc_id": "p1", "value": 12.0, "unit": "个"}]), encoding="utf-8")
    result = bench.measure([gold], pages, out)
    total = result["total"]
    assert (total["pipeline_dates"]["tp"], total["pipeline_dates"]["fp"], total["pipeline_dates"]["fn"]) == (1, 1, 1)
    assert (total["pipeline_metrics"]["tp"], total["pipeline_metrics"]["fp"], total["pipeline_metrics"]["fn"]) == (1, 0, 1)
    # The rules on the gold text with the gold publication date find both periods and both counts.
    assert total["rules_dates"]["f"] == 1.0
    assert total["rules_metrics"]["f"] == 1.0
