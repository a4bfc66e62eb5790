"""Cache faults never cost a document; output faults are found before the work, with one
line and their own exit code."""
from __future__ import annotations

import errno
import json
import logging
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import pipeline, write
from extract.cli import main
from extract.pipeline import run

from .helpers import write_pages

EXIT_OUTPUT = 4  # extract.cli.EXIT_OUTPUT


def cached_entries(cache):
    return sorted(p for p in cache.rglob("*.json"))


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),  # truncated
    lambda path: path.write_bytes(b"\xff\xfe\x00garbage"),                             # not text
    lambda path: path.write_text(json.dumps({"document": {"sha256": "0" * 64}}), encoding="utf-8"),  # foreign
    lambda path: path.write_text("[" * 100_000, encoding="utf-8"),                     # nested too deeply
])
def test_a_damaged_cache_entry_is_rebuilt_with_a_warning(tmp_path, caplog, damage):
    write_pages(tmp_path / "in", 2)
    cache = tmp_path / "cache"
    first = run([tmp_path / "in"], tmp_path / "out", None, cache_dir=cache)
    assert first.documents == 2
    entries = cached_entries(cache)
    assert len(entries) == 2
    damage(entries[0])
    with caplog.at_level(logging.WARNING, logger="extract"):
        again = run([tmp_path / "in"], tmp_path / "out", None, cache_dir=cache)
    assert again.documents == 2 and not again.failures and again.cached == 1
    assert any(str(entries[0]) in r.getMessage() for r in caplog.records)
    assert json.loads(entries[0].read_text(encoding="utf-8"))["document"]["id"]  # rewritten


def test_a_cache_folder_that_cannot_be_made_means_no_cache_not_failed_documents(tmp_path, caplog):
    write_pages(tmp_path / "in", 2)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="extract"):
        result = run([tmp_path / "in"], tmp_path / "out", None, cache_dir=blocker / "sub")
    assert result.documents == 2 and not result.failures
    assert [r.getMessage() for r in caplog.records if "without a cache" in r.getMessage()]


def test_a_cache_that_fills_up_during_the_run_warns_once_and_costs_nothing(tmp_path, monkeypatch, caplog):
    write_pages(tmp_path / "in", 4)

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "write_json_atomic", full)
    with caplog.at_level(logging.WARNING, logger="extract"):
        result = run([tmp_path / "in"], tmp_path / "out", None, cache_dir=tmp_path / "cache")
    assert result.documents == 4 and not result.failures
    assert len([r for r in caplog.records if "without a cache" in r.getMessage()]) == 1


def invoke(*args):
    return CliRunner().invoke(main, ["run", *map(str, args), "--model", "none", "--workers", "1", "-q"])


def test_out_that_is_a_file_is_refused_before_the_work(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 1)
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(pipeline, "outcomes", lambda *a, **k: pytest.fail("the work started"))
    result = invoke(tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == EXIT_OUTPUT
    assert result.output.strip().splitlines() == [f"error: --out {tmp_path / 'out'} is a file, not a folder"]


def test_out_inside_a_file_is_refused_before_the_work(tmp_path):
    write_pages(tmp_path / "in", 1)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = invoke(tmp_path / "in", "--out", tmp_path / "file" / "out")
    assert result.exit_code == EXIT_OUTPUT and len(result.output.strip().splitlines()) == 1


def test_out_that_is_not_writable_is_refused(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 1)
    # (the tests may run as root, who may write anywhere: the check itself is what is tested)
    real = os.access
    monkeypatch.setattr(write.os, "access", lambda path, mode: False if Path(path) == tmp_path else real(path, mode))
    result = invoke(tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == EXIT_OUTPUT and "is not writable" in result.output


def test_a_full_disk_is_refused_before_the_work(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 1)
    monkeypatch.setattr(write.shutil, "disk_usage", lambda path: type("usage", (), {"free": 1000})())
    result = invoke(tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == EXIT_OUTPUT and "MiB free" in result.output


def test_a_disk_full_while_writing_is_one_line(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 1)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "documents.json")

    monkeypatch.setattr(write.TableSink, "finish", full)
    result = invoke(tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == EXIT_OUTPUT
    assert result.output.strip().splitlines() == [
        f"error: writing the dataset failed: No space left on device (documents.json); "
        f"{tmp_path / 'out'} is as it was before the run"]
    assert not (tmp_path / "out").exists()


def test_out_that_is_the_current_folder_is_refused(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 1)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    result = invoke(tmp_path / "in", "--out", ".")
    assert result.exit_code == EXIT_OUTPUT and "current folder" in result.output
    assert list((tmp_path / "work").iterdir()) == []
