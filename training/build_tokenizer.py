"""Package a pkuseg model as a tokenizer-only spaCy pipeline (its weights inside)."""
from __future__ import annotations

import argparse
from pathlib import Path

import spacy

import extract.nlp  # noqa: F401  (registers the project's tokenizers)


def build(pkuseg_dir: Path, out_dir: Path, user_dict: str, split_scripts: bool = False, chars: bool = False) -> None:
    name = "extract.CharTokenizer.v1" if chars else "extract.ChineseTokenizer.v1"
    tokenizer = {"@tokenizers": name, "segmenter": "pkuseg", "split_scripts": split_scripts}
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_dir), pkuseg_user_dict=user_dict)
    nlp.to_disk(out_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pkuseg_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--user-dict", default="default", help="'default' (spacy-pkuseg's word list), 'none' or a file")
    parser.add_argument("--split-scripts", action="store_true", help="split tokens where Han meets digits/letters")
    parser.add_argument("--chars", action="store_true",
                        help="character tokens with word features (the character NER's tokenizer)")
    args = parser.parse_args()
    build(args.pkuseg_dir, args.out_dir, args.user_dict, args.split_scripts, args.chars)
    print(f"tokenizer pipeline -> {args.out_dir}")


if __name__ == "__main__":
    main()
