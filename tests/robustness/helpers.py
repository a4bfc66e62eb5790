"""Small generated inputs for the robustness tests (our own sentences, no page text)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROSE = "今年上半年，该市新增就业岗位1.2万个，同比增长8%。市人力资源局局长李华在发布会上介绍了有关情况。"


def good_page(title: str = "某市就业形势总体稳定") -> str:
    return f"{title}\n{PROSE}\n{PROSE}\n"


def write_pages(folder: Path, count: int, prefix: str = "p") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}{i:04d}.txt"
        path.write_text(good_page(f"第{i}号简讯：某市就业形势总体稳定"), encoding="utf-8")
        paths.append(path)
    return paths


def cli(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """``python -m extract ARGS`` in a child process (this worktree's package), with a
    timeout: a hang fails the test instead of stalling it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


def start_cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    return subprocess.Popen([sys.executable, "-m", "extract", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
