"""The corpus gazetteer: names the corpus resolved, found where the model missed them."""
import pandas as pd
import pytest

from pipeline.core.canonical import make_entity_id
from pipeline.core.gazetteer import Gazetteer, build_gazetteer
from pipeline.core.ner import EntityRecognizer
from pipeline.core.tables import recognise_entities
from pipeline.settings import Settings


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings().ner_models)


def test_only_unambiguous_capitalised_names_of_frequent_entities_are_in_the_gazetteer():
    entities = pd.DataFrame([
        ("p1", "Helena Brandt", "PERSON", 12), ("o1", "Deep Blue Works", "ORG", 7),
        ("o2", "Brandt Foundation", "ORG", 2), ("g1", "Ostrava", "GPE", 9), ("o3", "Ostrava", "ORG", 5),
    ], columns=["entity_id", "canonical_name", "label", "n_mentions"])
    aliases = pd.DataFrame([("Brandt", "p1"), ("Helena Brandt", "p1"), ("the works", "o1"), ("DBW", "o1"),
                            ("Ostrava", "g1"), ("Ostrava", "o3")], columns=["alias", "entity_id"])
    gazetteer = build_gazetteer(entities, aliases, min_mentions=5)
    # too rare (Brandt Foundation), lower case (the works), two entities (Ostrava): left out
    assert gazetteer.names == {"Helena Brandt": "PERSON", "Brandt": "PERSON", "Deep Blue Works": "ORG",
                               "DBW": "ORG"}
    assert set(build_gazetteer(entities, aliases, min_mentions=10).names) == {"Helena Brandt", "Brandt"}


def test_matches_are_case_sensitive_whole_names_and_skip_doubtful_one_word_names(recognizer):
    gazetteer = Gazetteer({"Helena Brandt": "PERSON", "Brandt": "PERSON", "Deep Blue Works": "ORG",
                           "May": "PERSON", "Ostrava": "GPE"})
    texts = ["Brandt spoke first. Later, Ms Brandt met Helena Brandt in Ostrava.",
             "Signed: Deep Blue Works, deep blue works and the Brandt-led Ostravan team.",
             "It may rain, said May."]
    found = gazetteer.find(recognizer.nlp("en"), texts)
    got = [[(m.text, texts[i][m.start:m.end], m.label) for m in ms] for i, ms in enumerate(found)]
    # "Brandt" opening a sentence, "Brandt-led", "Ostravan", lower-case forms, and "May" (the
    # text also has "may") are not matched
    assert got == [[("Brandt", "Brandt", "PERSON"), ("Helena Brandt", "Helena Brandt", "PERSON"),
                    ("Ostrava", "Ostrava", "GPE")],
                   [("Deep Blue Works", "Deep Blue Works", "ORG")], []]
    assert found[0][0].start == texts[0].index("Ms Brandt") + 3
    assert Gazetteer({}).find(recognizer.nlp("en"), texts) == [[], [], []]


def _paragraphs(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame([
        {"doc_id": "doc", "paragraph_index": i, "text": text, "kind": "paragraph", "is_boilerplate": False,
         "boilerplate_rule": None, "language": "en", "ner_applied": True, "batch": "b"}
        for i, text in enumerate(texts)])


def test_gazetteer_mentions_fill_what_the_model_missed_and_never_overlap_its_spans(recognizer):
    # our own sentences; the small English model tags nothing in the first and only
    # "Alliance" in the second
    paragraphs = _paragraphs(["Signed: Deep Blue Works.", "Vote Yes Alliance campaigners said so."])
    gazetteer = Gazetteer({"Deep Blue Works": "ORG", "Vote Yes Alliance": "ORG"})
    without = recognise_entities(paragraphs, recognizer, "b", gazetteer=None)
    with_gazetteer = recognise_entities(paragraphs, recognizer, "b", gazetteer=gazetteer)
    model = with_gazetteer[with_gazetteer["source"] == "model"]
    added = with_gazetteer[with_gazetteer["source"] == "gazetteer"]
    assert len(model) > 0 and 0 not in set(model["paragraph_index"])
    assert model[["paragraph_index", "start", "end", "text"]].values.tolist() == \
        without[["paragraph_index", "start", "end", "text"]].values.tolist()
    assert added[["paragraph_index", "start", "end", "text"]].values.tolist() == [[0, 8, 23, "Deep Blue Works"]]
    assert added["entity_id"].tolist() == [make_entity_id("ORG", "Deep Blue Works")]
    assert added["label"].tolist() == ["ORG"]
    for _, row in added.iterrows():  # no gazetteer span overlaps a model span
        same = model[model["paragraph_index"] == row["paragraph_index"]]
        assert not ((same["start"] < row["end"]) & (row["start"] < same["end"])).any()
