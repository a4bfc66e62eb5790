"""Memory is bounded on long pages: they go through spaCy in pieces, fields have limits."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.clean import CleanDocument
from extract.ingest import RawDocument
from extract import pipeline
from extract.pipeline import analyse, document_record

from .helpers import PROSE, ROOT


def clean_doc(text: str, title: str | None = None) -> CleanDocument:
    raw = RawDocument(id="long", source="long.txt", sha256="0" * 64, encoding="utf-8", format="text", text=text)
    return CleanDocument(raw, title, None, None, text)


@pytest.mark.parametrize("text", [
    PROSE * 50,                              # one line of many sentences
    (PROSE + "\n") * 40,                     # many lines
    "该市新增就业岗位和企业数量" * 300,        # no line break, no sentence end
    "短句。\n" * 500 + "没有标点的一长行" * 200,
])
def test_pieces_cover_the_text_in_order_and_none_is_over_the_limit(text):
    pieces = pipeline.text_pieces(text, 500)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < end - start <= 500 for start, end in pieces)


def test_pieces_end_at_sentence_ends_or_line_breaks_where_there_are_some():
    text = (PROSE + "\n") * 40
    for _, end in pipeline.text_pieces(text, 300)[:-1]:
        assert text[end - 1] in "。\n"


def test_a_long_text_in_pieces_gives_the_records_of_the_whole(rules_nlp):
    text = "\n".join(f"{PROSE}第{i}项工作于2023年{i % 12 + 1}月完成。" for i in range(60))
    whole = analyse(rules_nlp, clean_doc(text), max_piece_chars=len(text))
    pieces = analyse(rules_nlp, clean_doc(text), max_piece_chars=400)
    assert whole["metrics"] and whole["dates"]
    for kind in ("people", "organisations", "roles", "metrics", "dates"):
        assert pieces[kind] == whole[kind], kind
    for record in pieces["metrics"] + pieces["dates"]:
        assert text[record["start"]:record["end"]] == record["text"]


def test_a_title_is_cut_to_its_limit():
    record = document_record(clean_doc(PROSE, title="没有标点的一长行" * 100_000))
    assert len(record["title"]) == pipeline.MAX_TITLE_CHARS and record["title"].endswith("…")
    assert document_record(clean_doc(PROSE, title="短标题"))["title"] == "短标题"


PEAK_SCRIPT = """
import json, resource, sys
from pathlib import Path
from extract.pipeline import Processor
outcome = Processor(sys.argv[2], None)(Path(sys.argv[1]))
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "chars": len(outcome["result"]["document"]["text"]) if "result" in outcome else 0}))
"""
LIMIT_MB = 1024


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS")) / 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the memory of a process from /proc")
def test_a_page_of_one_sentence_repeated_stays_under_a_gigabyte_with_the_model(tmp_path):
    """1 MiB of one sentence on one line through the shipped model, in a child process
    that is killed if it goes over 1 GB (benchmarks/long_pages.py measures 10 MiB):
    before pieces, a 2.7 MB page like it took 9.4 GB."""
    from extract.nlp import DEFAULT_MODEL

    if not (DEFAULT_MODEL / "config.cfg").exists():
        pytest.skip("no shipped model")
    page = tmp_path / "repeated.txt"
    page.write_bytes((PROSE * (2**20 // len(PROSE.encode("utf-8")))).encode("utf-8"))
    child = subprocess.Popen([sys.executable, "-c", PEAK_SCRIPT, str(page), str(DEFAULT_MODEL)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": "", "OMP_NUM_THREADS": "1"})
    highest = 0.0
    while child.poll() is None:
        try:
            highest = max(highest, rss_mb(child.pid))
        except (OSError, StopIteration):
            pass
        if highest > LIMIT_MB:
            child.kill()
        time.sleep(0.1)
    stdout, stderr = child.communicate()
    assert highest <= LIMIT_MB, f"killed at {highest:.0f} MB"
    assert child.returncode == 0, stderr[-2000:]
    figures = json.loads(stdout)
    assert figures["chars"] > 300_000
    assert figures["peak_mb"] < LIMIT_MB, figures


def test_cleaning_a_long_line_does_not_list_its_characters():
    """Cleaning judged a line by lists of its characters (80 bytes each): a 3-million-
    character line took 500 MB. Counting takes no memory."""
    import tracemalloc

    from extract.clean import han_ratio

    line = "该市新增就业岗位和企业数量，" * 20_000
    tracemalloc.start()
    try:
        ratio = han_ratio(line)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert ratio == pytest.approx(13 / 14)
    assert peak < 1_000_000, peak


def test_a_cache_entry_is_written_as_json_would_dump_it(tmp_path):
    from extract.write import write_json_atomic

    data = {"document": {"text": "某市\n\"引号\""}, "metrics": [{"value": 1.5}]}
    write_json_atomic(tmp_path / "entry.json", data)
    assert (tmp_path / "entry.json").read_text(encoding="utf-8") == json.dumps(data, ensure_ascii=False)
