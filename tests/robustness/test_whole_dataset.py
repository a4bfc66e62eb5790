"""The dataset is whole or not there: written to a staging folder, moved into place,
run.json last and naming its tables; a failure in the write phase leaves the old one."""
from __future__ import annotations

import errno
import json
import stat

import pytest

from extract import write
from extract.pipeline import run
from extract.write import validate_dir

from .helpers import write_pages


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_run_json_names_the_tables_of_its_run(tmp_path):
    write_pages(tmp_path / "in", 2)
    for fmt in ("json", "jsonl"):
        out = tmp_path / fmt
        run([tmp_path / "in"], out, None, fmt=fmt, cache_dir=None)
        tables = json.loads((out / "run.json").read_text(encoding="utf-8"))["tables"]
        assert sorted(tables) == sorted(write.TABLES)
        assert all((out / name).is_file() and name.endswith("." + fmt) for name in tables.values())


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_disk_full_while_writing_leaves_the_previous_dataset_whole(tmp_path, monkeypatch, fmt):
    write_pages(tmp_path / "in", 3)
    out = tmp_path / "out"
    run([tmp_path / "in"], out, None, fmt="json", cache_dir=None)
    (out / "notes.md").write_text("the user's own file", encoding="utf-8")
    before = snapshot(out)
    write_pages(tmp_path / "in", 5, prefix="q")
    written = []
    real = write.TableSink.finish

    def full_after_two(sink, rows=None):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(sink.name)
        return real(sink, rows)

    monkeypatch.setattr(write.TableSink, "finish", full_after_two)
    with pytest.raises(OSError):
        run([tmp_path / "in"], out, None, fmt=fmt, cache_dir=None)
    assert written  # the failure came in the middle of the write phase
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []


def test_a_new_dataset_replaces_the_old_one_whole_and_keeps_other_files(tmp_path):
    write_pages(tmp_path / "in", 3)
    out = tmp_path / "out"
    run([tmp_path / "in"], out, None, fmt="jsonl", cache_dir=None)
    (out / "notes.md").write_text("the user's own file", encoding="utf-8")
    run([tmp_path / "in"], out, None, fmt="json", cache_dir=None)
    assert not list(out.glob("*.jsonl"))  # no table of the earlier run beside the new ones
    assert (out / "notes.md").read_text(encoding="utf-8") == "the user's own file"
    assert validate_dir(out) == []
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode & 0o055 == 0o055 & ~write.current_umask()  # not the 0700 of a temporary folder


def test_an_interrupted_run_leaves_no_staging_folder_and_no_dataset(tmp_path, monkeypatch):
    write_pages(tmp_path / "in", 3)

    def interrupted(result, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr("extract.pipeline.accept", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run([tmp_path / "in"], tmp_path / "out", None, cache_dir=None)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []
