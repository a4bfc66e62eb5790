"""A character CRF NER (python-crfsuite, L-BFGS with L2 regularisation), trained on the
NER corpora's training splits and scored on their development splits.

Features of each character: the characters from two before to two after, the four
bigrams among them and the pair of its neighbours, character types, and from the
shipped segmenter its place in its word, the word, the word's length, first and last
character, and the word before.

    pip install python-crfsuite
    python -m training.experiments.char_crf --train msra --out training/work/crf_msra.crfsuite
"""
from __future__ import annotations

import json
import time

from training.experiments.char_data import experiment_arguments, Sentence, load_splits, score



def char_type(char: str) -> str:
    if char.isdigit():
        return "D"
    if char.isascii() and char.isalpha():
        return "L"
    return "H" if "\u4e00" <= char <= "\u9fff" else "P"


def sentence_words(sentence: Sentence) -> list[str]:
    """The word each character belongs to."""
    words, start = [""] * len(sentence.text), 0
    for i, position in enumerate(sentence.word_positions):
        if position in "BS":
            start = i
        if position in "ES":
            words[start:i + 1] = [sentence.text[start:i + 1]] * (i + 1 - start)
    return words


def char_features(sentence: Sentence) -> list[list[str]]:
    text, positions = sentence.text, sentence.word_positions
    words = sentence_words(sentence)
    padded = "##" + text + "##"
    features = []
    for i in range(len(text)):
        c = padded[i:i + 5]  # c-2 .. c+2
        word, position = words[i], positions[i]
        f = ["bias", "c-2=" + c[0], "c-1=" + c[1], "c0=" + c[2], "c1=" + c[3], "c2=" + c[4],
             "b-2=" + c[0:2], "b-1=" + c[1:3], "b0=" + c[2:4], "b1=" + c[3:5], "s=" + c[1] + c[3],
             "t0=" + char_type(c[2]), "t=" + "".join(map(char_type, c[1:4])),
             "p=" + position, "w=" + word + position, "wl=" + str(min(len(word), 5)) + position,
             "we=" + word[-1:], "wb=" + word[:1]]
        if i > 0:
            f.append("pw=" + words[i - 1] + "|" + positions[i - 1])
        features.append(f)
    return features


def main() -> None:
    parser = experiment_arguments(__doc__, "the .crfsuite model file")
    parser.add_argument("--c2", type=float, default=1.0)
    parser.add_argument("--iterations", type=int, default=150)
    args = parser.parse_args()
    import pycrfsuite  # not a project dependency (the features above need no library)

    splits = load_splits(args.corpora, args.model)
    started = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    for name in args.train:
        for sentence in splits[name][0]:
            trainer.append(char_features(sentence), sentence.tags)
    trainer.set_params({"c1": 0.0, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(args.out))
    print(f"trained in {time.time() - started:.0f} s", flush=True)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(args.out))
    report = {name: score([tagger.tag(char_features(s)) for s in dev], dev) for name, (_, dev) in splits.items()}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
