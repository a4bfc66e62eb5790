#!/usr/bin/env bash
# Retrain the segmenter and the NER from the corpora and install them at models/zh_extract:
# the pkuseg segmenter, the table of words the NER corpora cut (extract_word_splits) and
# the word-level NER.
# usage: bash training/train.sh [CORPORA_DIR] [WORK_DIR]
#   CORPORA_DIR  default ../shared/corpora (formats: see its README.md)
#   WORK_DIR     default training/work (intermediate files; not committed)
# Settings: SEG_ITER (pkuseg iterations, default 16), SEG_REG (the pkuseg trainer's
# regularisation, the sigma of its Gaussian prior; default 2, the library's is 1),
# PRUNE (feature weight threshold, default 0.03), NER_LEVEL (word, the shipped NER, or
# char: see below), NER_STEPS (word-level NER steps, default 24000; it stops earlier
# when the development score has not improved for 4000 steps), FOLLOW_MSRA (1: where
# People's Daily leaves unlabelled a string MSRA labels, such as 十五大, its training
# text marks it missing rather than outside; default 0, see docs/models.md).
# For names the NER has never seen (issue 24; measured and not shipped, see docs/models.md,
# "Names never seen"): RARE_WORDS=1 gives the words seen fewer than twice in the first
# stage's training split one shared norm (extract_rare_words), AUGMENT=0.3 adds copies of
# that share of the sentences with names of AUGMENT_LABEL (default PERSON) in them, the
# names replaced by new ones (training/augment_ner.py), CHAR_MEAN=1 adds the mean of each
# word's character embeddings to the first stage's features (extract.WordCharEmbed.v1).
# PRETRAIN=1 pretrains the first stage's tok2vec with `spacy pretrain` on the training
# split's words (a masked word's first and last character from its context; 4 epochs,
# training/configs/pretraining.cfg) and starts the first stage from it.
# NER_STEPS_2 (the second stage, with CLUENER's training split joined: default 8000, it
# stops earlier when the development score has not improved for 3000 steps).
# NER_LEVEL=char trains the character-level NER instead (two stages, CHAR_STEPS and
# CHAR_STEPS_2, defaults 9000 and 10000) and installs it at CHAR_TARGET (default
# training/work/zh_extract_char; use it with `extract run --model`); it scores higher
# on MSRA but lower on People's Daily and runs at about 60% of the speed, see docs/models.md.
# Test splits are never read here; development splits are carved from training files.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${1:-../shared/corpora}
WORK=${2:-training/work}
SEG_ITER=${SEG_ITER:-16}
SEG_REG=${SEG_REG:-2}
PRUNE=${PRUNE:-0.03}
NER_LEVEL=${NER_LEVEL:-word}
NER_STEPS=${NER_STEPS:-24000}
NER_STEPS_2=${NER_STEPS_2:-8000}
FOLLOW_MSRA=${FOLLOW_MSRA:-0}
RARE_WORDS=${RARE_WORDS:-0}
AUGMENT=${AUGMENT:-0}
AUGMENT_LABEL=${AUGMENT_LABEL:-PERSON}
CHAR_MEAN=${CHAR_MEAN:-0}
PRETRAIN=${PRETRAIN:-0}
CHAR_STEPS=${CHAR_STEPS:-9000}
CHAR_STEPS_2=${CHAR_STEPS_2:-10000}
CHAR_TARGET=${CHAR_TARGET:-training/work/zh_extract_char}
export OMP_NUM_THREADS=1
mkdir -p "$WORK"

echo "== 1. word segmentation data (dev = last 5% of pku_train)"
python training/prepare_cws.py "$CORPORA/cws/pku_train.txt" "$WORK/cws"

# train_segmenter TRAIN_FILE OUTPUT: one pkuseg training run, scored on the development split
# after each iteration (a held-out score only for the run that does not train on it), with
# the character n-gram features spacy-pkuseg lacks (extract.segmenter.EXTRA_NGRAMS)
train_segmenter() {
  python training/train_segmenter.py "$1" "$WORK/cws/cws_dev.txt" "$2" --iterations "$SEG_ITER" --reg "$SEG_REG" --extra-ngrams
}

echo "== 2. pkuseg segmenter, $SEG_ITER iterations: on the training split (its development F), then on all of pku_train"
train_segmenter "$WORK/cws/cws_train.txt" "$WORK/pkuseg_split"
train_segmenter "$CORPORA/cws/pku_train.txt" "$WORK/pkuseg_full"

echo "== 3. prune features below $PRUNE, weights rounded to float16 precision"
python training/prune_segmenter.py "$WORK/pkuseg_full" "$WORK/pkuseg" --threshold "$PRUNE" --half
python training/build_tokenizer.py "$WORK/pkuseg" "$WORK/tokenizer" --user-dict none

# train_ner CONFIG OUTPUT DATA_DIR STEPS [more spaCy overrides]: one spaCy NER training run
train_ner() {
  local config=$1 output=$2 data=$3 steps=$4
  shift 4
  python -m spacy train "$config" --output "$output" \
    --paths.train "$data/train.spacy" --paths.dev "$data/dev.spacy" \
    --paths.pkuseg_model "$WORK/pkuseg" --training.max_steps "$steps" \
    --nlp.batch_size 256 "$@"
}

if [ "$NER_LEVEL" = word ]; then
NER_TRAIN=(--train "$CORPORA/msra_ner/train.bio" --train "$CORPORA/peoples_daily_ner/train.bio")
echo "== 4. words the NER corpora cut (访华: 华), mined from their training splits"
python -m training.mine_word_splits "$WORK/tokenizer" "$WORK/word_splits.tsv" "${NER_TRAIN[@]}"

FOLLOW=()
[ "$FOLLOW_MSRA" = 1 ] && FOLLOW=(--follow-first)
AUGMENTED=(--augment "$AUGMENT" --augment-label "$AUGMENT_LABEL")
EMBED=()
[ "$CHAR_MEAN" = 1 ] && EMBED=(--components.tok2vec.model.embed.@architectures extract.WordCharEmbed.v1)
KNOWN=()  # with no list of known words, extract_rare_words leaves every norm as it is
[ "$RARE_WORDS" = 1 ] && KNOWN=(--paths.known_words "$WORK/ner/known_words.txt")
echo "== 4b. NER data (MSRA and People's Daily train; dev = last 5% of each), tokenised by the new segmenter, those words cut"
python -m training.prepare_ner "$WORK/tokenizer" "$WORK/ner" --word-splits "$WORK/word_splits.tsv" "${NER_TRAIN[@]}" \
  "${FOLLOW[@]}" "${AUGMENTED[@]}"

# CLUENER's address spans are whole postal addresses (province, city, district, street and
# number as one span) where MSRA and People's Daily label each place name: they are marked
# missing rather than taught as LOC (docs/models.md, "CLUENER joins the training text")
echo "== 4c. NER data with CLUENER's training split joined (labels mapped, addresses missing; dev = last 5% of each)"
python -m training.prepare_ner "$WORK/tokenizer" "$WORK/ner_cluener" --word-splits "$WORK/word_splits.tsv" "${NER_TRAIN[@]}" \
  --cluener "$CORPORA/cluener/train.jsonl" --cluener-missing address "${FOLLOW[@]}" "${AUGMENTED[@]}"

INIT=()
if [ "$PRETRAIN" = 1 ]; then
  echo "== 4d. pretraining the tok2vec on the three corpora's training split (spacy pretrain)"
  python -m training.pretrain_text "$WORK/ner_cluener/train.spacy" "$WORK/pretrain.spacy"
  grep -v '^\[pretraining\]$' training/configs/ner.cfg | cat - training/configs/pretraining.cfg > "$WORK/ner_pretrain.cfg"
  python -m spacy pretrain "$WORK/ner_pretrain.cfg" "$WORK/pretrain" --paths.train "$WORK/pretrain.spacy" \
    --paths.pkuseg_model "$WORK/pkuseg" --paths.word_splits "$WORK/word_splits.tsv"
  INIT=(--paths.init_tok2vec "$WORK/pretrain/model-last.bin")
fi

echo "== 5. word-level NER training ($NER_STEPS steps)"
train_ner training/configs/ner.cfg "$WORK/ner_model" "$WORK/ner" "$NER_STEPS" --paths.word_splits "$WORK/word_splits.tsv" \
  "${KNOWN[@]}" "${EMBED[@]}" "${INIT[@]}"

echo "== 5c. second stage: the first stage's best model trained on with CLUENER ($NER_STEPS_2 steps)"
train_ner training/configs/ner_finetune.cfg "$WORK/ner_model2" "$WORK/ner_cluener" "$NER_STEPS_2" \
  --paths.word_splits "$WORK/word_splits.tsv" --paths.first_stage "$WORK/ner_model/model-best"

echo "== 6. install at models/zh_extract and benchmark"
python training/package_model.py "$WORK/ner_model2/model-best" models/zh_extract
python benchmarks/models.py --model models/zh_extract --corpora "$CORPORA"
exit 0
fi

echo "== 4. NER data (MSRA train; dev = last 5%): character tokens with the new segmenter's words as features"
python training/build_tokenizer.py "$WORK/pkuseg" "$WORK/chartok" --user-dict none --chars
python -m training.prepare_ner "$WORK/chartok" "$WORK/charner" --train "$CORPORA/msra_ner/train.bio"

echo "== 5. character-level NER training ($CHAR_STEPS steps)"
train_ner training/configs/char_ner.cfg "$WORK/char_ner_model" "$WORK/charner" "$CHAR_STEPS"

echo "== 5b. second stage: on from the best model with more dropout, lower rate, averaging ($CHAR_STEPS_2 steps)"
train_ner training/configs/char_ner_finetune.cfg "$WORK/char_ner_model2" "$WORK/charner" "$CHAR_STEPS_2" \
  --paths.first_stage "$WORK/char_ner_model/model-best"

echo "== 6. install at $CHAR_TARGET (word tokenizer + extract_char_ner) and benchmark"
python training/package_model.py "$WORK/tokenizer" "$CHAR_TARGET" --char-ner "$WORK/char_ner_model2/model-best"
python benchmarks/models.py --model "$CHAR_TARGET" --corpora "$CORPORA" --out benchmarks/models_char.json
