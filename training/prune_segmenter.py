"""Shrink a trained spacy-pkuseg model by dropping features that carry (almost) no weight.

A pkuseg model is ``features.msgpack`` (feature string -> index, plus word lists) and
``weights.npz`` (one weight per feature and tag, then the tag transitions). Features
whose largest absolute weight over all tags is below ``--threshold`` change no
decision worth keeping; they are removed and the rest renumbered. The inference code
needs float64 weights, so the weights keep their type; with ``--half`` their values are
rounded to float16 precision (three significant digits), which compresses to a third of
the size in the pipeline (see ``extract.nlp.ExtractTokenizer.to_disk``).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import srsly


def prune(model_dir: Path, out_dir: Path, threshold: float, half: bool = False) -> dict:
    features = srsly.read_msgpack(model_dir / "features.msgpack")
    npz = np.load(model_dir / "weights.npz")
    n_tag, n_feature = (int(x) for x in npz["sizes"])
    w = npz["w"]
    node = w[: n_feature * n_tag].reshape(n_feature, n_tag)
    edge = w[n_feature * n_tag:]
    strength = np.abs(node).max(axis=1)
    # feature_to_idx maps feature strings to rows of ``node``; keep strong rows.
    ordered = sorted(features["feature_to_idx"].items(), key=lambda kv: kv[1])
    keep_rows = [idx for _, idx in ordered if strength[idx] >= threshold]
    new_index = {old: new for new, old in enumerate(keep_rows)}
    features["feature_to_idx"] = {f: new_index[i] for f, i in ordered if i in new_index}
    new_node = node[keep_rows]
    new_w = np.concatenate([new_node.reshape(-1), edge])
    if half:
        new_w = new_w.astype(np.float16)
    new_w = new_w.astype(np.float64)
    out_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_msgpack(out_dir / "features.msgpack", features)
    np.savez_compressed(out_dir / "weights.npz", sizes=np.array([n_tag, len(keep_rows)]), w=new_w)
    return {"features_before": n_feature, "features_after": len(keep_rows), "threshold": threshold, "half": half}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--threshold", type=float, default=0.01)
    parser.add_argument("--half", action="store_true", help="round the weights to float16 precision")
    args = parser.parse_args()
    print(prune(args.model_dir, args.out_dir, args.threshold, args.half))


if __name__ == "__main__":
    main()
