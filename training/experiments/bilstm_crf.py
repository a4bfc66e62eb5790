"""A character BiLSTM-CRF NER (PyTorch), trained on the NER corpora's training splits
and scored on their development splits after each epoch.

Each character is embedded from itself (100), the bigrams it ends and starts (64 each,
one table of the bigrams seen at least twice in training) and its place in the shipped
segmenter's word (20); one bidirectional LSTM layer of 200 a direction, dropout 0.5,
a linear-chain CRF; Adam (sparse for the embedding tables), batches of 64 sentences
cut into windows of at most 200 characters, learning rate 0.002. Embeddings start
random: the corpora are all the text there is.

    pip install torch==2.13.0
    python -m training.experiments.bilstm_crf --train msra --epochs 12 --out training/work/bilstm_msra.pt
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter

import torch
from torch import nn

from training.experiments.char_data import experiment_arguments, TAGS, Sentence, load_splits, score

TAG_IDS = {tag: i for i, tag in enumerate(TAGS)}
POSITION_IDS = {p: i for i, p in enumerate("BMES")}
WINDOW = 200
UNKNOWN, PADDING = 1, 0


class Vocabulary:
    """Characters, and bigrams seen at least twice, of the training text."""

    def __init__(self, sentences: list[Sentence]):
        chars = Counter(c for s in sentences for c in s.text)
        bigrams = Counter(s.text[i:i + 2] for s in sentences for i in range(len(s.text) - 1))
        self.chars = {c: i + 2 for i, c in enumerate(sorted(chars))}
        self.bigrams = {b: i + 2 for i, b in enumerate(sorted(b for b, n in bigrams.items() if n >= 2))}

    def encode(self, s: Sentence) -> tuple[list[int], ...]:
        padded = "\0" + s.text + "\0"
        return ([self.chars.get(c, UNKNOWN) for c in s.text],
                [self.bigrams.get(padded[i:i + 2], UNKNOWN) for i in range(len(s.text))],
                [self.bigrams.get(padded[i + 1:i + 3], UNKNOWN) for i in range(len(s.text))],
                [POSITION_IDS[p] for p in s.word_positions],
                [TAG_IDS[t] for t in s.tags])


class CRF(nn.Module):
    def __init__(self, n_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))
        self.start = nn.Parameter(torch.zeros(n_tags))
        self.end = nn.Parameter(torch.zeros(n_tags))

    def negative_log_likelihood(self, emissions, tags, mask):
        """emissions [B, L, T], tags [B, L], mask [B, L]; summed over the batch."""
        score = self.start[tags[:, 0]] + emissions[:, 0].gather(1, tags[:, :1]).squeeze(1)
        alpha = self.start + emissions[:, 0]
        for i in range(1, emissions.shape[1]):
            step = mask[:, i]
            emitted = emissions[:, i].gather(1, tags[:, i:i + 1]).squeeze(1)
            score = score + step * (self.transitions[tags[:, i - 1], tags[:, i]] + emitted)
            following = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, i].unsqueeze(1), dim=1)
            alpha = torch.where(step.unsqueeze(1), following, alpha)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        return (torch.logsumexp(alpha + self.end, 1) - score - self.end[last]).sum()

    def decode(self, emissions, mask):
        batch, length, n_tags = emissions.shape
        alpha, pointers = self.start + emissions[:, 0], []
        stay = torch.arange(n_tags).expand(batch, n_tags)
        for i in range(1, length):
            best, previous = (alpha.unsqueeze(2) + self.transitions).max(1)
            step = mask[:, i].unsqueeze(1)
            alpha = torch.where(step, best + emissions[:, i], alpha)
            pointers.append(torch.where(step, previous, stay))
        current = (alpha + self.end).argmax(1)
        path = [current]
        for previous in reversed(pointers):
            current = previous.gather(1, current.unsqueeze(1)).squeeze(1)
            path.append(current)
        return torch.stack(path[::-1], 1)


class Tagger(nn.Module):
    def __init__(self, vocabulary: Vocabulary):
        super().__init__()
        self.chars = nn.Embedding(len(vocabulary.chars) + 2, 100, sparse=True)
        self.bigrams = nn.Embedding(len(vocabulary.bigrams) + 2, 64, sparse=True)
        self.positions = nn.Embedding(len(POSITION_IDS), 20)
        self.dropout = nn.Dropout(0.5)
        self.lstm = nn.LSTM(100 + 2 * 64 + 20, 200, batch_first=True, bidirectional=True)
        self.output = nn.Linear(400, len(TAGS))
        self.crf = CRF(len(TAGS))

    def emissions(self, chars, left, right, positions, lengths):
        x = torch.cat([self.chars(chars), self.bigrams(left), self.bigrams(right), self.positions(positions)], -1)
        packed = nn.utils.rnn.pack_padded_sequence(self.dropout(x), lengths, batch_first=True, enforce_sorted=False)
        hidden, _ = self.lstm(packed)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=chars.shape[1])
        return self.output(self.dropout(hidden))


def batch_tensors(items):
    length = max(len(item[0]) for item in items)
    columns = [torch.tensor([item[k] + [PADDING] * (length - len(item[k])) for item in items]) for k in range(5)]
    lengths = torch.tensor([len(item[0]) for item in items])
    mask = torch.arange(length).unsqueeze(0) < lengths.unsqueeze(1)
    return columns, lengths, mask


def windows(encoded):
    for item in encoded:
        for start in range(0, len(item[0]), WINDOW):
            yield tuple(column[start:start + WINDOW] for column in item)


def predict(tagger: Tagger, vocabulary: Vocabulary, sentences: list[Sentence], batch_size: int = 128):
    tagger.eval()
    encoded = [vocabulary.encode(s) for s in sentences]
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    predicted = [None] * len(encoded)
    with torch.no_grad():
        for k in range(0, len(order), batch_size):
            ids = order[k:k + batch_size]
            (chars, left, right, positions, _), lengths, mask = batch_tensors([encoded[i] for i in ids])
            paths = tagger.crf.decode(tagger.emissions(chars, left, right, positions, lengths), mask)
            for row, i in enumerate(ids):
                predicted[i] = [TAGS[t] for t in paths[row, :len(encoded[i][0])].tolist()]
    tagger.train()
    return predicted


def main() -> None:
    parser = experiment_arguments(__doc__, "the best epoch's weights (by the first --train's F)")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.002)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(args.threads)
    splits = load_splits(args.corpora, args.model)
    train = [s for name in args.train for s in splits[name][0] if s.text]
    vocabulary = Vocabulary(train)
    tagger = Tagger(vocabulary)
    sparse = [tagger.chars.weight, tagger.bigrams.weight]
    dense = [p for p in tagger.parameters() if all(p is not q for q in sparse)]
    optimisers = [torch.optim.SparseAdam(sparse, lr=args.learning_rate), torch.optim.Adam(dense, lr=args.learning_rate)]
    examples = list(windows(vocabulary.encode(s) for s in train))
    best, started = 0.0, time.time()
    for epoch in range(args.epochs):
        # batches of similar lengths, in random order
        order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]) + random.random() * 8)
        batches = [order[k:k + args.batch_size] for k in range(0, len(order), args.batch_size)]
        random.shuffle(batches)
        for ids in batches:
            (chars, left, right, positions, tags), lengths, mask = batch_tensors([examples[i] for i in ids])
            emissions = tagger.emissions(chars, left, right, positions, lengths)
            loss = tagger.crf.negative_log_likelihood(emissions, tags, mask) / len(ids)
            for optimiser in optimisers:
                optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(dense, 5.0)
            for optimiser in optimisers:
                optimiser.step()
        report = {name: score(predict(tagger, vocabulary, dev), dev) for name, (_, dev) in splits.items()}
        print(json.dumps({"epoch": epoch + 1, "seconds": round(time.time() - started), **report}), flush=True)
        if report[args.train[0]]["overall"]["f"] > best:
            best = report[args.train[0]]["overall"]["f"]
            torch.save(tagger.state_dict(), args.out)


if __name__ == "__main__":
    main()
