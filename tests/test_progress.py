"""Progress of `extract run`: done/total, documents/s, ETA and failures, as a bar on a
terminal and as a line every N seconds without one."""
from __future__ import annotations

from click.testing import CliRunner

from extract.cli import ProgressStatus, format_duration, main, progress_lines
from extract.pipeline import RunResult


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_status_line_has_done_total_rate_eta_and_failures():
    clock = FakeClock()
    status = ProgressStatus(clock)
    clock.now += 20
    result = RunResult(inputs=40, total=100, failures=[{"source": "a", "reason": "empty file"}])
    # 40 documents in 20 s: 2 per second, 60 left: 30 s
    assert status.line(result) == "extract: 40/100 documents (40%), 2.0 docs/s, ETA 0m30s, 1 failed"


def test_eta_is_unknown_before_the_first_document():
    clock = FakeClock()
    assert ProgressStatus(clock).fields(RunResult(total=5))["eta"] == "?"


def test_durations_read_as_hours_and_minutes():
    assert format_duration(59.6) == "1m00s"
    assert format_duration(3 * 3600 + 125) == "3h02m"


def test_lines_come_every_n_seconds_and_at_the_end():
    clock, lines = FakeClock(), []
    tick = progress_lines(10, echo=lines.append, clock=clock)
    result = RunResult(total=4)
    for step in [3, 3, 5, 3]:  # seconds per document
        clock.now += step
        result.inputs += 1
        tick(result)
    # a line at 11 s (the third document), none at 14 s (3 s later) but the last document's
    assert lines == ["extract: 3/4 documents (75%), 0.3 docs/s, ETA 0m04s, 0 failed",
                     "extract: 4/4 documents (100%), 0.3 docs/s, ETA 0m00s, 0 failed"]


def test_a_run_without_a_terminal_prints_progress_lines(tmp_path, monkeypatch):
    import extract.cli

    ticking = FakeClock()

    def one_second_a_look():  # each look at the clock finds a second gone: a slow run, deterministic
        ticking.now += 1
        return ticking.now

    monkeypatch.setattr(extract.cli, "progress_clock", one_second_a_look)
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(3):
        (pages / f"p{i}.txt").write_text(f"标题{i}\n今天上午,某区举行第{i + 1}场招聘会,三十家企业参加。\n", encoding="utf-8")
    (pages / "bad.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["run", str(pages), "--out", str(tmp_path / "out"), "--model", "none",
                                       "--workers", "1", "--progress-every", "2"])
    assert result.exit_code == 1
    assert "extract: 4/4 documents (100%)" in result.output and "1 failed" in result.output


def test_every_call_lines_print_each_call():
    from extract.cli import every_call_lines

    lines = []
    tick = every_call_lines(echo=lines.append)
    tick(RunResult(total=3))
    tick(RunResult(inputs=3, total=3))
    assert [line.split(",")[0] for line in lines] == ["extract: 0/3 documents (0%)", "extract: 3/3 documents (100%)"]
