"""Fixed settings of the NLU pipeline, in one place so that changing one retrains the cached model.

FALLBACK_THRESHOLD: below this calibrated top-intent probability ``parse`` answers ``nlu_fallback``.
Tuned with ``python -m nlu.tune`` (5-fold out-of-fold predictions on the training data plus the
nonsense list in ``nlu/resources/nonsense.yml``). At 0.35: 90.4 % of out-of-fold predictions are
answered and 87.4 % of those are right (86.6 % at 0.30, 88.3 % at 0.40), and 1 of 29 nonsense inputs
gets an intent (2 at 0.30, 5 at 0.25). On the held-out set 1 of 336 messages falls back wrongly.
Lower it to answer more often, raise it to ask back more often.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
RESOURCE_DIR = PACKAGE_DIR / "resources"

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_THRESHOLD = 0.35
RANKING_SIZE = 10

# Only the first characters of a message are analysed: chat turns are short, and a pasted essay must
# not make one parse slow. Entities beyond this point are not reported.
MAX_ANALYSED_CHARS = 1000
# Fuzzy lexicon matching is quadratic-ish in text length; it looks at this many characters.
MAX_FUZZY_CHARS = 300

# Feature groups and their weights in the concatenated, per-group L2-normalised TF-IDF vector.
FEATURE_WEIGHTS: dict[str, float] = {
    "w": 1.0,  # morphemes (mecab-ko), unigrams and bigrams
    "t": 0.4,  # part-of-speech tags of the morphemes, and the tag of the last one
    "c": 1.0,  # character 1-3 grams, spaces removed
    "j": 0.7,  # keystroke-jamo 3-5 grams, spaces removed (typo tolerance)
    "k": 0.5,  # initial-consonant skeleton 1-3 grams (chosung shorthand)
    "l": 0.8,  # lexicon and pattern hits (service, stage, assessment, age, date ...)
}

# The classifier.
CLASSIFIER_C = 1.0  # LinearSVC regularisation
CALIBRATION_FOLDS = 5
RANDOM_SEED = 13

# Messages with little known evidence are pulled towards a uniform distribution, so that a string
# that merely shares a jamo or two with the training data cannot look confident.
EVIDENCE_FULL = 2.0
