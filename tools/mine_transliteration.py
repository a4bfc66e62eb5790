"""Mine the characters of transliterated foreign names from the NER training corpora.

A person entity written with a middle dot (·, •) in the MSRA and People's Daily NER
training splits and CLUENER's training split is a transliterated name; the characters
found in at least ``MIN_NAMES`` of them make ``extract/data/name_transliteration_chars.txt``.
Test splits are never read.

    /work/main/.venv/bin/python tools/mine_transliteration.py /work/shared/corpora > extract/data/name_transliteration_chars.txt
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

DOTS = re.compile(r"[·•‧・]")
MIN_NAMES = 3


def bio_people(path: Path):
    """PERSON entities of a character-per-line BIO file."""
    name: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        tag = parts[1] if len(parts) == 2 else "O"
        if tag.startswith("B-") and tag[2:] in {"PER", "PERSON", "NR"}:
            if name:
                yield "".join(name)
            name = [parts[0]]
        elif tag.startswith(("I-", "M-", "E-")) and name:
            name.append(parts[0])
        else:
            if name:
                yield "".join(name)
            name = []
    if name:
        yield "".join(name)


def cluener_people(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        yield from json.loads(line).get("label", {}).get("name", {})


def main(root: str) -> None:
    root_path = Path(root)
    names = set(bio_people(root_path / "msra_ner" / "train.bio")) | set(bio_people(root_path / "peoples_daily_ner" / "train.bio"))
    names |= set(cluener_people(root_path / "cluener" / "train.jsonl"))
    counts = Counter(c for name in names if DOTS.search(name) for c in set(DOTS.sub("", name)) if "\u4e00" <= c <= "\u9fff")
    print(f"# Characters of transliterated foreign names: those in at least {MIN_NAMES} dotted person names")
    print("# of the NER corpora's training splits (tools/mine_transliteration.py).")
    for char, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        if n >= MIN_NAMES:
            print(char)


if __name__ == "__main__":
    main(sys.argv[1])
