"""Parallel and incremental runs: same bytes for any number of workers, JSON Lines,
the per-document cache, and a run killed with SIGKILL and started again."""
from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time

from extract.pipeline import AFTER_RESULT_MODULES, code_fingerprint, model_fingerprint, run
from extract.write import validate_dir
from conftest import ROOT, SEEDS


def corpus(folder, copies=3):
    """Copies of the seeds with a changed first line, so each is its own document."""
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            (folder / f"{seed.stem}_{i}.txt").write_text(f"副本{i}\n" + text, encoding="utf-8")
    return folder


def read_dir(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_output_bytes_do_not_depend_on_the_number_of_workers(tmp_path):
    inputs = corpus(tmp_path / "in", copies=2)
    one = run([inputs], tmp_path / "one", None, workers=1, cache_dir=tmp_path / "c1")
    two = run([inputs], tmp_path / "two", None, workers=2, cache_dir=tmp_path / "c2")
    assert one.documents == two.documents == 10
    assert read_dir(tmp_path / "one") == read_dir(tmp_path / "two")


def test_jsonl_holds_the_same_records_and_validates(tmp_path):
    run([SEEDS], tmp_path / "json", None, cache_dir=tmp_path / "c")
    run([SEEDS], tmp_path / "jsonl", None, fmt="jsonl", cache_dir=tmp_path / "c")
    assert validate_dir(tmp_path / "jsonl") == []
    for name in ["documents", "people", "organisations", "roles", "metrics", "dates"]:
        arrays = json.loads((tmp_path / "json" / f"{name}.json").read_text(encoding="utf-8"))
        lines = [json.loads(line) for line in (tmp_path / "jsonl" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        key = lambda r: r["id"]  # noqa: E731
        assert sorted(arrays, key=key) == sorted(lines, key=key), name


def test_rerun_skips_unchanged_documents_and_redoes_changed_ones(tmp_path):
    inputs = corpus(tmp_path / "in", copies=1)
    first = run([inputs], tmp_path / "out", None, cache_dir=tmp_path / "cache")
    assert first.cached == 0
    before = read_dir(tmp_path / "out")
    second = run([inputs], tmp_path / "out", None, cache_dir=tmp_path / "cache")
    assert second.cached == 5
    assert read_dir(tmp_path / "out") == before
    changed = sorted(inputs.iterdir())[0]
    text = changed.read_text(encoding="utf-8").replace("。", "。新增的一句正文,用于检验增量处理。", 1)
    changed.write_text(text, encoding="utf-8")
    third = run([inputs], tmp_path / "out", None, cache_dir=tmp_path / "cache")
    assert third.cached == 4
    docs = {d["id"]: d for d in json.loads((tmp_path / "out" / "documents.json").read_text(encoding="utf-8"))}
    assert "新增的一句正文,用于检验增量处理。" in docs[changed.stem]["text"]
    assert docs[changed.stem]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_sigkill_at_any_moment_then_resume_gives_a_complete_dataset(tmp_path):
    inputs = corpus(tmp_path / "in", copies=8)  # 40 documents
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "extract.cli", "run", str(inputs), "--out", str(out), "--cache", str(cache),
               "--model", "none", "--workers", "1", "--quiet"]
    for delay in (0.5, 2.0):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Whatever is in the output folder is whole: no temporary file is left visible as a table.
        for path in out.glob("*.json") if out.exists() else []:
            json.loads(path.read_text(encoding="utf-8"))
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert validate_dir(out) == []
    documents = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    assert len(documents) == 40
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    # Resumed output equals an uninterrupted run.
    fresh = tmp_path / "fresh"
    run([inputs], fresh, None, cache_dir=tmp_path / "fresh-cache")
    assert read_dir(out) == read_dir(fresh)


def test_a_retrained_model_with_the_same_version_does_not_reuse_the_cache(tmp_path):
    model = tmp_path / "model"
    shutil.copytree(ROOT / "models" / "zh_extract", model)
    inputs = corpus(tmp_path / "in", copies=1)
    assert run([inputs], tmp_path / "out", model, cache_dir=tmp_path / "cache").cached == 0
    assert run([inputs], tmp_path / "out", model, cache_dir=tmp_path / "cache").cached == 5
    # same name and version in meta.json, other files: every document is analysed again
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta["description"] += " (retrained)"
    (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert model_fingerprint(model) != model_fingerprint(ROOT / "models" / "zh_extract")
    assert run([inputs], tmp_path / "out", model, cache_dir=tmp_path / "cache").cached == 0


def test_the_cache_key_covers_the_rules_but_not_the_modules_that_only_read_results(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(ROOT / "extract", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(package)
    assert before == code_fingerprint()  # the copy hashes as the package does
    for name in AFTER_RESULT_MODULES:  # the engines, the records, the command line
        (package / name).write_text((package / name).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert code_fingerprint(package) == before
    for rules in [next(package.glob("match/*.py")), next(package.glob("data/*.tsv"))]:
        rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        assert code_fingerprint(package) != before
        before = code_fingerprint(package)
