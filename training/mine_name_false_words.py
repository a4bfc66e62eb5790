"""Mine common words shaped like names (管理, 成为, 支部: a surname character and one or
two more) into a word list that the name rules reject.

The PKU segmentation standard writes a person's name as surname and given name apart
(江 泽民), so a word of the PKU training text that starts with a surname is a word, not
a name. Words that the NER training sets do label as a person somewhere (高峰) are kept
out of the list. Reads only training splits. Writes one word per line.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from extract.data import read_lines


def person_surfaces(bio_files: list[Path]) -> set[str]:
    """Surfaces tagged as persons (PER/PERSON) in BIO files (char<TAB or space>tag)."""
    names: set[str] = set()
    for path in bio_files:
        current = ""
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            parts = line.split()
            tag = parts[1] if len(parts) == 2 else "O"
            if tag in {"B-PER", "B-PERSON"} or not tag.endswith(("-PER", "-PERSON")):
                if current:
                    names.add(current)
                current = parts[0] if tag in {"B-PER", "B-PERSON"} else ""
            else:
                current += parts[0]
    return names


def mine(segmented: Path, bio_files: list[Path], min_count: int) -> list[str]:
    surnames = tuple(read_lines("surnames.txt"))
    counts: Counter[str] = Counter(
        word for line in segmented.read_text(encoding="utf-8").splitlines() for word in line.split()
        if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", word) and word.startswith(surnames)
        and len(word) - max(len(s) for s in surnames if word.startswith(s)) >= 1
    )
    persons = person_surfaces(bio_files)
    return sorted((w for w, n in counts.items() if n >= min_count and w not in persons), key=lambda w: (-counts[w], w))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("segmented", type=Path, help="../shared/corpora/cws/pku_train.txt")
    parser.add_argument("bio", type=Path, nargs="+", help="NER training files (msra_ner/train.bio ...)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args()
    words = mine(args.segmented, args.bio, args.min_count)
    header = ("# common words shaped like names, mined from the PKU segmentation training text minus\n"
              "# the persons of the NER training sets (training/mine_name_false_words.py)\n")
    args.out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
