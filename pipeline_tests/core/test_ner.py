import json

import pytest

import pipeline.core.ner as ner
from pipeline.core.ner import ENTITY_LABELS, EntityRecognizer
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared

MODELS = Settings().ner_models


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(MODELS)


def spans(found):
    return [[(m.start, m.end, m.label) for m in mentions] for mentions in found]


def test_loads_only_the_ner_component(recognizer):
    assert recognizer.nlp("en").pipe_names == ["ner"]


def test_mentions_index_their_paragraph_and_keep_only_named_entities(recognizer):
    texts = ["On 3 March 2024, 12 people met Angela Merkel in Berlin for $5.",
             "Apple hired Tim Cook."]
    found = recognizer.recognise(texts, ["en", "en"])
    for index, (text, mentions) in enumerate(zip(texts, found)):
        for m in mentions:
            assert m.paragraph_index == index
            assert text[m.start:m.end] == m.text
            assert m.label in ENTITY_LABELS
    assert ("Angela Merkel", "PERSON") in [(m.text, m.label) for m in found[0]]
    assert ("Berlin", "GPE") in [(m.text, m.label) for m in found[0]]
    assert not any(ch.isdigit() for m in found[0] for ch in m.text)  # no DATE, CARDINAL, MONEY


def test_skips_languages_no_model_covers(recognizer):
    text = "Angela Merkel visited Paris."
    found = recognizer.recognise([text, text, text, text], ["de", None, "en-GB", "EN"])
    assert found[0] == [] and found[1] == []
    assert [m.text for m in found[2]] == ["Angela Merkel", "Paris"]
    assert all(m.paragraph_index == 2 for m in found[2])
    assert spans([found[3]]) == spans([found[2]])
    assert recognizer.covers("en_US") and not recognizer.covers("de") and not recognizer.covers(None)


def test_lengths_must_match(recognizer):
    with pytest.raises(ValueError):
        recognizer.recognise(["a", "b"], ["en"])


def test_over_long_texts_are_split_with_correct_offsets(recognizer, monkeypatch):
    monkeypatch.setattr(ner, "MAX_PIECE_CHARS", 200)
    text = " ".join(["Angela Merkel met Emmanuel Macron in Paris."] * 20)
    [mentions] = recognizer.recognise([text], ["en"])
    assert max(m.start for m in mentions) > 600  # entities found beyond the first pieces
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert sum(m.text == "Paris" for m in mentions) >= 15


@pytest.fixture(scope="module")
def aeb_paragraphs() -> list[str]:
    gold = json.loads(require_shared("corpora", "article-extraction-benchmark-dev", "ground-truth.json")
                      .read_text(encoding="utf-8"))
    paragraphs = []
    for page in sorted(gold):
        body = gold[page]["articleBody"]
        if " the " in body and " and " in body:  # English enough for a sample
            paragraphs += [line.strip() for line in body.splitlines() if line.strip()]
    return paragraphs[:400]


def test_same_entities_as_the_full_pipeline(recognizer, aeb_paragraphs):
    import spacy

    full = spacy.load(MODELS["en"])
    expected = [[(e.start_char, e.end_char, e.label_) for e in full(p).ents if e.label_ in ENTITY_LABELS]
                for p in aeb_paragraphs]
    got = spans(recognizer.recognise(aeb_paragraphs, ["en"] * len(aeb_paragraphs)))
    same = sum(a == b for a, b in zip(expected, got))
    assert same / len(aeb_paragraphs) >= 0.99


def test_worker_processes_give_the_same_result(recognizer, aeb_paragraphs, monkeypatch):
    monkeypatch.setattr(ner, "MIN_PARALLEL_CHARS", 1)
    parallel = EntityRecognizer(MODELS, batch_size=32, n_process=2)
    assert parallel._parallel(sum(map(len, aeb_paragraphs)))
    texts = aeb_paragraphs[:150] + ["Guten Tag Berlin"] + aeb_paragraphs[150:300]
    languages = ["en"] * 150 + ["de"] + ["en"] * 150
    got = parallel.recognise(texts, languages)
    assert got == recognizer.recognise(texts, languages)
    assert got[150] == [] and got[151] and all(m.paragraph_index == 151 for m in got[151])


def test_naive_mode_is_the_full_pipeline_one_call_per_paragraph():
    naive = EntityRecognizer(MODELS, naive=True)
    assert "parser" in naive.nlp("en").pipe_names  # every component, as in the benchmark baseline
    texts = ["Angela Merkel met Emmanuel Macron in Paris.", "Apple hired Tim Cook.", "Sie fuhr nach Berlin."]
    found = naive.recognise(texts, ["en", "en", "de"])
    assert ("Angela Merkel", "PERSON") in [(m.text, m.label) for m in found[0]]
    assert found[2] == []
    assert all(m.label in ENTITY_LABELS for f in found for m in f)


def test_paragraphs_in_uncovered_languages_give_no_mentions_and_say_why():
    import pandas as pd

    from pipeline.core.tables import recognise_entities

    settings = Settings()
    texts = {  # our own sentences: the German one names people and places an English model would tag
        0: ("Angela Merkel traf Emmanuel Macron gestern in Berlin und Paris.", "de"),
        1: ("Angela Merkel met Emmanuel Macron in Berlin yesterday.", "en"),
    }
    paragraphs = pd.DataFrame([
        {"doc_id": "doc", "paragraph_index": i, "text": text, "kind": "paragraph", "is_boilerplate": False,
         "boilerplate_rule": None, "language": language,
         "ner_applied": language in settings.ner_models, "batch": "b"}
        for i, (text, language) in texts.items()
    ])
    mentions = recognise_entities(paragraphs, EntityRecognizer(settings.ner_models), "b")
    assert len(mentions) > 0 and set(mentions["paragraph_index"]) == {1}
    skipped = paragraphs[~paragraphs["ner_applied"]]
    assert list(skipped["language"]) == ["de"]


def test_french_is_recognised_by_default_with_our_labels(recognizer):
    text = "Emmanuel Macron a rencontré les dirigeants de Renault à Marseille."
    [found] = recognizer.recognise([text], ["fr-FR"])
    assert recognizer.nlp("fr").pipe_names[-1] == "ner"
    labels = {m.text: m.label for m in found}
    assert labels.get("Emmanuel Macron") == "PERSON"  # the French model's PER, as ours
    assert all(m.label in ENTITY_LABELS for m in found) and len(found) >= 2
