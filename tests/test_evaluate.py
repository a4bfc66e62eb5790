"""`extract eval` implements the guidelines' scoring: it agrees with the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extract.evaluate import evaluate
from conftest import SEEDS, SHARED


def test_figures_agree_with_the_shared_scorer(seed_dataset):
    scorer = SHARED / "tools" / "score.py"
    if not scorer.exists():
        pytest.skip("../shared is not beside the project")
    gold = SHARED / "gold" / "seeds"
    ours = evaluate(seed_dataset, gold, [SEEDS]).summary()
    theirs = json.loads(subprocess.run(
        [sys.executable, str(scorer), str(seed_dataset), str(gold), "--sources", str(SEEDS), "--json"],
        capture_output=True, text=True, check=True,
    ).stdout)
    assert ours == theirs


def test_scores_a_handmade_dataset(tmp_path):
    out, gold = tmp_path / "out", tmp_path / "gold"
    out.mkdir()
    gold.mkdir()
    tables = {
        "documents": [{"id": "d", "source": "d.txt", "text": "甲", "published": "2024-01-02"}],
        "people": [{"id": "p1", "name": "王明", "aliases": [], "mentions": [{"doc_id": "d", "start": 0, "end": 2}]},
                   {"id": "p2", "name": "王总", "aliases": [], "mentions": [{"doc_id": "d", "start": 3, "end": 5}]}],
        "organisations": [{"id": "o1", "name": "某某大学", "aliases": ["某大"], "mentions": [{"doc_id": "d", "start": 0, "end": 4}]}],
        "roles": [{"id": "r", "doc_id": "d", "person": "p1", "title": "教授", "organisation": "o1", "start": 0, "end": 1}],
        "metrics": [{"id": "m", "doc_id": "d", "text": "3名", "value": 3, "unit": "名", "qualifier": "eq", "start": 0, "end": 2}],
        "dates": [{"id": "t", "doc_id": "d", "text": "今年", "value": "2024", "start": 0, "end": 2}],
    }
    for name, rows in tables.items():
        (out / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (gold / "d.json").write_text(json.dumps({
        "doc_id": "d", "published": "2024-01-02",
        "people": [{"name": "王明"}, {"name": "李红"}],
        "organisations": [{"name": "某某大学", "accept": []}],
        "roles": [{"person": "王明", "title": "教授", "title_accept": [], "organisation": "某某大学", "organisation_accept": []}],
        "metrics": [{"text": "3名", "value": 3, "unit": "名", "qualifier": "eq"}],
        "dates": [{"text": "今年", "value": "2024"}, {"text": "去年", "value": "2023"}],
    }, ensure_ascii=False), encoding="utf-8")
    summary = evaluate(out, gold).summary()
    assert summary["people"] == {"p": 0.5, "r": 0.5, "f": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert summary["organisations"]["f"] == 1.0
    assert summary["roles"]["f"] == 1.0 and summary["role_org"] == {"accuracy": 1.0, "n": 1}
    assert summary["dates"] == {"p": 1.0, "r": 0.5, "f": 0.6667, "tp": 1, "fp": 0, "fn": 1}
    assert summary["published"]["f"] == 1.0


def write_tables(folder, documents):
    folder.mkdir()
    (folder / "documents.json").write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")


def test_eval_with_an_empty_gold_folder_says_so_and_fails(tmp_path):
    from click.testing import CliRunner
    from extract.cli import main

    write_tables(tmp_path / "out", [{"id": "a", "source": "a.txt", "text": "甲乙"}])
    (tmp_path / "gold").mkdir()
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "out"), str(tmp_path / "gold")])
    assert result.exit_code == 2
    assert "no gold files" in result.output


def test_eval_with_the_folders_swapped_says_so_and_fails(tmp_path):
    from click.testing import CliRunner
    from extract.cli import main

    write_tables(tmp_path / "out", [{"id": "a", "source": "a.txt", "text": "甲乙"}])
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "out"), str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not a gold file" in result.output and "comes second" in result.output


def test_eval_against_the_gold_of_other_pages_says_so_and_fails(tmp_path):
    from click.testing import CliRunner
    from extract.cli import main

    write_tables(tmp_path / "out", [{"id": "a", "source": "a.txt", "text": "甲乙"}])
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "z.json").write_text(json.dumps({"doc_id": "z", "people": []}), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(tmp_path / "out"), str(gold)])
    assert result.exit_code == 2
    assert "none of the 1 gold documents" in result.output
