"""Install a trained pipeline at models/zh_extract with the project's name and version.

With ``--char-ner``, the installed pipeline is the word tokenizer of ``trained`` followed
by the ``extract_char_ner`` component holding the character-level NER trained from
``training/configs/char_ner.cfg``; ``trained`` then needs no statistical components.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy

from extract import __version__
from extract.nlp import CharNER


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trained", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--char-ner", type=Path, help="a trained character-level NER pipeline")
    args = parser.parse_args()
    nlp = spacy.load(args.trained)
    if args.char_ner:
        for name in list(nlp.pipe_names):
            nlp.remove_pipe(name)
        char_ner: CharNER = nlp.add_pipe("extract_char_ner")
        char_ner.char_nlp = spacy.load(args.char_ner, exclude=["tokenizer"])
    nlp.meta.update({
        "name": "extract",
        "version": __version__,
        "description": "Chinese segmentation (spacy-pkuseg) and NER (PERSON, ORG, LOC) trained by the extract project",
        "license": "research / non-commercial (trained on research corpora, see README)",
        "sources": [
            {"name": "PKU People's Daily 1998 (SIGHAN 2005 PKU standard)"},
            {"name": "MSRA NER (SIGHAN 2006)"},
            {"name": "People's Daily NER (January 1998)"},
            {"name": "CLUENER2020 (training split)"},
        ],
    })
    if args.target.exists():
        shutil.rmtree(args.target)
    nlp.to_disk(args.target)
    size = sum(p.stat().st_size for p in args.target.rglob("*") if p.is_file())
    print(f"{args.target}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
