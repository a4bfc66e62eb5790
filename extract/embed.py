"""The NER's word embedding with the characters inside each word (``extract.WordCharEmbed.v1``).

spaCy's ``MultiHashEmbed`` embeds attributes of the whole word (NORM, PREFIX, SUFFIX, ...);
for a Chinese word that has never been seen, PREFIX (its first character) and the last
character (TAG, see ``extract_word_ends``) say something, the middle of a longer word
nothing. This layer adds the mean of the embeddings of all the word's characters (one
hash table shared by every position), so 汨罗江 and 罗江镇 share what 罗 says. spaCy's
own ``CharacterEmbed`` embeds UTF-8 bytes, three to a Chinese character, so it is not
used.
"""
from __future__ import annotations

from typing import List

import numpy
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ragged

from spacy.ml.featureextractor import FeatureExtractor


@registry.architectures("extract.WordCharEmbed.v1")
def WordCharEmbed(width: int, attrs: List[str], rows: List[int], char_width: int = 64, char_rows: int = 5000,
                  include_static_vectors: bool = False) -> Model[List[Doc], List[Floats2d]]:
    """``MultiHashEmbed`` and the mean of the word's character embeddings, concatenated
    and mixed by one Maxout layer to ``width``. Static vectors are not supported (the
    argument is there so that a ``MultiHashEmbed`` config can name this architecture
    instead)."""
    if include_static_vectors:
        raise ValueError("extract.WordCharEmbed.v1 does not take static vectors")
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    embeddings = [HashEmbed(width, rows[i], column=i, seed=8 + i, dropout=0.0) for i in range(len(attrs))]
    words = chain(FeatureExtractor(attrs), list2ragged(), with_array(concatenate(*embeddings)))
    mix = with_array(Maxout(width, width * len(attrs) + char_width, nP=3, dropout=0.0, normalize=True))
    return chain(concatenate(words, character_mean(char_width, char_rows)), mix, ragged2list())


def character_mean(width: int, rows: int) -> Model[List[Doc], Ragged]:
    """Per token, the mean of the hash embeddings of its characters (a Ragged over docs,
    as ``list2ragged`` gives the word features)."""
    return Model("character_mean", _character_mean_forward, init=_character_mean_init,
                 layers=[HashEmbed(width, rows, column=0, seed=31)], dims={"nO": width})


def _character_mean_init(model: Model, X=None, Y=None) -> None:
    model.layers[0].initialize()


def _character_mean_forward(model: Model, docs: List[Doc], is_train: bool):
    embed = model.layers[0]
    texts = [token.text for doc in docs for token in doc]
    lengths = numpy.fromiter((len(text) for text in texts), dtype="int32", count=len(texts))
    codes = numpy.fromiter((ord(char) for char in "".join(texts)), dtype="uint64", count=int(lengths.sum()))
    ids = model.ops.asarray2i(codes.reshape(-1, 1), dtype="uint64")
    vectors, backprop_embed = embed(ids, is_train)
    lengths = model.ops.asarray1i(lengths)
    means = model.ops.reduce_mean(vectors, lengths)
    doc_lengths = model.ops.asarray1i([len(doc) for doc in docs])

    def backprop(d_output: Ragged) -> List[Doc]:
        backprop_embed(model.ops.backprop_reduce_mean(d_output.dataXd, lengths))
        return []

    return Ragged(means, doc_lengths), backprop
