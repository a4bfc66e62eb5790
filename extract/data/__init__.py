"""Rule data (word lists, unit tables, patterns) and the helpers that read them."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


def read_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text("utf-8")


def tsv_rows(text: str) -> tuple[tuple[str, ...], ...]:
    """Rows of tab-separated text; empty lines are skipped and ``#`` lines are comments."""
    return tuple(tuple(line.split("\t")) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated data file of this package."""
    return tsv_rows(read_text(name))


@lru_cache(maxsize=None)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a word-list file."""
    return tuple(row[0] for row in read_tsv(name))


@lru_cache(maxsize=None)
def read_json(name: str):
    return json.loads(read_text(name))
