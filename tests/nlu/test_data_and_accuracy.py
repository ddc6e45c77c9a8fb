"""Training data sanity and the held-out accuracy bar."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import nlu
from nlu import rasa_yaml
from nlu.evaluate import evaluate_file
from nlu.normalize import normalize
from nlu.training import load_training_data

#: Everything that routes to a guide or a feature; out_of_scope must never land on one of these.
GUIDE_INTENTS = set(nlu.intents()) - {
    "greet", "goodbye", "thanks", "affirm", "deny", "help", "out_of_scope", "ask_detail",
    "human_handoff", "reminder_settings", "notifications_off", "notifications_on", "delete_my_data",
    "show_my_data",
}

TEST_DATA = Path(__file__).resolve().parent / "data" / "test_nlu.yml"


def _key(text: str) -> str:
    return "".join(normalize(text).text.split())


def test_every_intent_has_40_distinct_examples() -> None:
    data = load_training_data()
    distinct: dict[str, set[str]] = {}
    for ex in data.examples:
        distinct.setdefault(ex.intent, set()).add(_key(ex.text))
    assert set(distinct) == set(nlu.intents())
    thin = {k: len(v) for k, v in distinct.items() if len(v) < 40}
    assert not thin, thin


def test_test_set_is_held_out_and_covers_every_intent() -> None:
    train = {_key(e.text) for e in load_training_data().examples}
    test = rasa_yaml.load_file(TEST_DATA).examples
    assert not [e.text for e in test if _key(e.text) in train]
    counts = Counter(e.intent for e in test)
    assert set(counts) == set(nlu.intents())
    assert min(counts.values()) >= 10


def test_rasa_annotations_are_parsed() -> None:
    line = '[웤넷]{"entity": "service", "value": "워크넷"} 가입 [IAP](stage:iap_register)'
    text, ents = rasa_yaml.parse_annotated(line)
    assert text == "웤넷 가입 IAP"
    assert ents[0] == {"entity": "service", "value": "워크넷", "start": 0, "end": 2}
    assert ents[1] == {"entity": "stage", "value": "iap_register", "start": 6, "end": 9}


def test_held_out_accuracy_and_out_of_scope_safety() -> None:
    report = evaluate_file(TEST_DATA)
    assert report.accuracy >= 0.95, report.errors
    oos_to_guide = [e for e in report.errors if e["expected"] == "out_of_scope" and e["predicted"] in GUIDE_INTENTS]
    assert not oos_to_guide
