"""Rule data (word lists, unit tables, patterns) and the helpers that read them."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


def read_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text("utf-8")


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated data file; ``#`` lines are comments."""
    rows = []
    for line in read_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return tuple(rows)


@lru_cache(maxsize=None)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a word-list file."""
    return tuple(row[0] for row in read_tsv(name))


@lru_cache(maxsize=None)
def read_json(name: str):
    return json.loads(read_text(name))
