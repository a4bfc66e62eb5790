"""No hangs: a killed worker, a FIFO, SIGTERM and a second run into one --out all end
within seconds, with a clear message."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from extract import pipeline
from extract.pipeline import run
from filelock import FileLock

from extract.write import validate_dir

from .helpers import cli, start_cli, write_pages


@pytest.fixture()
def deadline():
    """A run in this process that hangs fails the test after two minutes (SIGALRM)."""
    def hung(signum, frame):
        raise TimeoutError("the run hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_killed_worker_costs_its_document_only_and_the_run_goes_on(tmp_path, monkeypatch, deadline):
    paths = write_pages(tmp_path / "in", 12)
    doomed = paths[5]
    process = pipeline.Processor.__call__

    def dies_on_doomed(self, item):
        if getattr(item, "path", item) == doomed:  # the pipeline hands workers SourceFile items
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return process(self, item)

    # the workers are forked, so they inherit the patched method
    monkeypatch.setattr(pipeline.Processor, "__call__", dies_on_doomed)
    started = time.monotonic()
    result = run([tmp_path / "in"], tmp_path / "out", None, workers=2, cache_dir=None)
    assert time.monotonic() - started < 60
    assert [f["source"] for f in result.failures] == [str(doomed)]
    assert "worker process died" in result.failures[0]["reason"]
    assert result.documents == 11
    assert validate_dir(tmp_path / "out") == []


def test_a_worker_that_dies_twice_is_still_one_failure_per_document(tmp_path, monkeypatch, deadline):
    paths = write_pages(tmp_path / "in", 9)
    doomed = {paths[1], paths[7]}
    process = pipeline.Processor.__call__

    def dies(self, item):
        if getattr(item, "path", item) in doomed:
            os.kill(os.getpid(), signal.SIGKILL)
        return process(self, item)

    monkeypatch.setattr(pipeline.Processor, "__call__", dies)
    result = run([tmp_path / "in"], tmp_path / "out", None, workers=2, cache_dir=None)
    assert sorted(f["source"] for f in result.failures) == sorted(map(str, doomed))
    documents = json.loads((tmp_path / "out" / "documents.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in documents] == [p.stem for p in paths if p not in doomed]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_as_input_is_refused_at_once(tmp_path):
    write_pages(tmp_path / "in", 1)
    fifo = tmp_path / "in" / "pipe.txt"
    os.mkfifo(fifo)
    done = cli("run", str(fifo), str(tmp_path / "in" / "p0000.txt"), "--out", str(tmp_path / "out"),
               "--model", "none", "--workers", "1", "-q", timeout=60)
    assert done.returncode == 1, done.stderr
    assert "pipe.txt: unreadable: a FIFO" in done.stderr
    run_record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run_record["documents"] == 1


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("signum, message", [(signal.SIGTERM, "terminated (SIGTERM)"), (signal.SIGINT, "interrupted")])
def test_sigterm_and_sigint_end_the_run_cleanly_and_leave_the_old_dataset(tmp_path, signum, message):
    write_pages(tmp_path / "in", 3000)
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("{}", encoding="utf-8")  # stands for the previous dataset
    child = start_cli("run", str(tmp_path / "in"), "--out", str(out), "--model", "none", "--workers", "2", "-q",
                      "--cache", str(tmp_path / "cache"))
    # the run is under way once its cache holds results
    wait_for(lambda: any((tmp_path / "cache").rglob("*.json")) or child.poll() is not None)
    assert child.poll() is None, child.communicate()
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=30)
    assert child.returncode == 130, stderr
    assert message in stderr and "Traceback" not in stderr, stderr
    assert (out / "run.json").read_text(encoding="utf-8") == "{}"
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []


def test_a_second_run_into_the_same_out_is_refused_while_the_first_writes(tmp_path):
    write_pages(tmp_path / "in", 2)
    from extract.write import lock_path

    out = tmp_path / "out"
    with FileLock(str(lock_path(out))):  # as the first run holds it
        started = time.monotonic()
        done = cli("run", str(tmp_path / "in"), "--out", str(out), "--model", "none", "--workers", "1", "-q")
        assert time.monotonic() - started < 60
    assert done.returncode == 5, done.stderr
    assert "being written by another run" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    # and once the first run is over, the lock is free
    done = cli("run", str(tmp_path / "in"), "--out", str(out), "--model", "none", "--workers", "1", "-q")
    assert done.returncode == 0, done.stderr
