import random

import pandas as pd
import pytest

from pipeline.core.canonical import (
    canonicalise_document,
    clean_mention,
    make_entity_id,
    resolve_corpus,
)
from pipeline.core.models import Mention
from pipeline.core.ner import EntityRecognizer
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings().ner_models)


def canonical(recognizer, paragraphs):
    found = recognizer.recognise(paragraphs, ["en"] * len(paragraphs))
    return canonicalise_document([m for mentions in found for m in mentions], paragraphs)


def ids_by_text(result):
    ids: dict[str, set[str]] = {}
    for c in result:
        ids.setdefault(c.text, set()).add(c.entity_id)
    return ids


# --- the seed page ------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed(recognizer):
    lines = require_shared("seeds", "000_dbc6908678fde8c2.txt").read_text(encoding="utf-8").split("\n")
    return lines, canonical(recognizer, lines)


def test_seed_putin_mentions_share_one_entity(seed):
    lines, result = seed
    putin = {c.entity_id for c in result if c.canonical_name == "Vladimir Putin"}
    assert len(putin) == 1
    short = [c for c in result if c.text == "Putin"]
    assert short and {c.entity_id for c in short} == putin
    # the "Mr Putin" and "President Putin’s" lines each have their Putin in that entity
    for marker in ("Mr Putin", "President Putin’s"):
        rows = [i for i, line in enumerate(lines) if marker in line]
        assert rows
        for i in rows:
            assert any(c.paragraph_index == i and c.entity_id in putin for c in result)


def test_seed_united_states_spellings_are_one_entity(seed):
    _, result = seed
    texts = {c.text for c in result if c.canonical_name == "United States"}
    assert {"US", "U.S.", "United States"} <= texts
    assert len({c.entity_id for c in result if c.canonical_name == "United States"}) == 1
    assert "United States" not in {c.canonical_name for c in result if c.text in {"Americans", "American"}}


def test_seed_mentions_are_clean(seed):
    lines, result = seed
    assert "Elon Musk" in {c.text for c in result}
    for c in result:
        assert lines[c.paragraph_index][c.start:c.end] == c.text
        assert "\n" not in c.text and "\n" not in c.canonical_name
        assert not c.text.endswith(("’s", "'s", "’"))
        assert not c.text.startswith(("Mr ", "President ", "the "))
        assert c.label == "WORK_OF_ART" or not c.text.startswith("The ")
    assert "The A Word" in {c.text for c in result}  # a title keeps its article, loses the quote
    assert {"Ilham Aliyev", "Vladimir Putin", "European Union", "United Kingdom"} <= {c.canonical_name for c in result}


# --- cleaning rules, on constructed mentions --------------------------------------------

def clean(paragraph: str, covered: str, label: str = "PERSON", occurrence: int = 0) -> str | None:
    start = -1
    for _ in range(occurrence + 1):
        start = paragraph.index(covered, start + 1)
    m = clean_mention(Mention(3, start, start + len(covered), covered, label), paragraph)
    if m is None:
        return None
    assert m.paragraph_index == 3 and paragraph[m.start:m.end] == m.text
    return m.text


@pytest.mark.parametrize("paragraph, covered, label, expected", [
    ("Reporting by\nJohn Smith today", "by\nJohn Smith", "PERSON", "John Smith"),
    ("Angela Merkel\nBerlin", "Angela Merkel\nBerlin", "PERSON", "Angela Merkel"),
    ("He met the Federal Reserve chair.", "the Federal Reserve", "ORG", "Federal Reserve"),
    ("They flew to The Hague.", "The Hague", "GPE", "The Hague"),
    ("She watched The Crown again.", "The Crown", "WORK_OF_ART", "The Crown"),
    ("Elon Musk’s company grew.", "Elon Musk’s", "PERSON", "Elon Musk"),
    ("Elon Musk's company grew.", "Elon Musk's", "PERSON", "Elon Musk"),
    ("The Joneses' house burned.", "Joneses'", "PERSON", "Joneses"),
    ("They ate at McDonald's.", "McDonald's", "ORG", "McDonald's"),
    ("Mr Putin said so.", "Mr Putin", "PERSON", "Putin"),
    ("Dr. Jane Goodall spoke.", "Dr. Jane Goodall", "PERSON", "Jane Goodall"),
    ("President Putin’s statement", "President Putin’s", "PERSON", "Putin"),
    ("Prime Minister Sir Keir Starmer spoke.", "Prime Minister Sir Keir Starmer", "PERSON", "Keir Starmer"),
    ("former President Barack Obama", "former President Barack Obama", "PERSON", "Barack Obama"),
    ("Secretary-General Mark Rutte says", "Secretary-General Mark Rutte", "PERSON", "Mark Rutte"),
    ("Mrs Thatcher won.", "Mrs Thatcher", "ORG", "Thatcher"),  # Mr/Mrs even when mislabelled
    ("She drank Dr Pepper.", "Dr Pepper", "PRODUCT", "Dr Pepper"),  # titles only for people
    ("King Charles visited.", "King Charles", "PERSON", "King Charles"),
    ("the show “Succession” ended", "“Succession”", "WORK_OF_ART", "Succession"),
    ("the ‘A Word’ film", "A Word’", "WORK_OF_ART", "A Word"),
    ("a “Brexit deal", "“Brexit", "EVENT", "Brexit"),
    ("visited (Paris) today", "(Paris)", "GPE", "Paris"),
    ("the Office for Budget Responsibility (OBR) said", "Office for Budget Responsibility (OBR",
     "ORG", "Office for Budget Responsibility"),
    ("the Office for Budget Responsibility (OBR) said", "Office for Budget Responsibility (OBR)",
     "ORG", "Office for Budget Responsibility"),
    ("Côte d’Ivoire won", "Côte d’Ivoire", "GPE", "Côte d’Ivoire"),
    ("said Mr President.", "Mr President", "PERSON", None),
    ("so the “ — ” thing", "“ — ”", "ORG", None),
])
def test_cleaning_rules(paragraph, covered, label, expected):
    assert clean(paragraph, covered, label) == expected


def test_clean_rejects_offsets_that_do_not_match_the_text():
    with pytest.raises(ValueError):
        clean_mention(Mention(0, 0, 5, "Paris", "GPE"), "London is big")


# --- merging inside an article, through the real model ------------------------------------

def test_short_person_name_resolves_to_the_full_name_before_and_after(recognizer):
    result = canonical(recognizer, ["Putin spoke on Monday.",
                                    "Later, Vladimir Putin met Ilham Aliyev in Moscow.",
                                    "Aliyev thanked Mr Putin."])
    ids = ids_by_text(result)
    assert ids["Putin"] == ids["Vladimir Putin"] and len(ids["Putin"]) == 1
    assert ids["Aliyev"] == ids["Ilham Aliyev"]
    assert ids["Putin"] != ids["Aliyev"]
    assert {c.canonical_name for c in result if c.text == "Aliyev"} == {"Ilham Aliyev"}


def test_surname_shared_by_two_people_in_an_article_stays_apart(recognizer):
    result = canonical(recognizer, ["Joe Biden and Hunter Biden arrived.", "Biden spoke first."])
    ids = ids_by_text(result)
    assert ids["Biden"] != ids["Joe Biden"] and ids["Biden"] != ids["Hunter Biden"]


def test_acronym_resolves_to_the_expansion_the_article_gives(recognizer):
    result = canonical(recognizer, ["The Office for Budget Responsibility (OBR) cut its forecast.",
                                    "The OBR said growth would slow."])
    assert {c.text for c in result} == {"Office for Budget Responsibility", "OBR"}
    assert {c.canonical_name for c in result} == {"Office for Budget Responsibility"}
    assert len({c.entity_id for c in result}) == 1
    # without the definition, OBR is its own entity
    alone = canonical(recognizer, ["The OBR said growth would slow."])
    assert [c.canonical_name for c in alone] == ["OBR"]


def test_alias_table_joins_country_and_union_names(recognizer):
    result = canonical(recognizer, ["The United States and the U.S. Congress disagree.",
                                    "America will respond, US officials said.",
                                    "Britain left the European Union, and the UK trades with the EU.",
                                    "Americans were divided."])
    names = {c.text: c.canonical_name for c in result}
    assert names["America"] == names["US"] == names["U.S."] == names["United States"] == "United States"
    assert names["Britain"] == names["UK"] == "United Kingdom"
    assert names["EU"] == names["European Union"] == "European Union"
    assert names["Americans"] == "Americans"
    ids = ids_by_text(result)
    assert ids["America"] == ids["US"] == ids["U.S."]
    assert ids["Americans"] != ids["US"]


def test_place_labels_meet_in_one_id():
    paragraph = "US troops and America's allies"
    mentions = [Mention(0, 0, 2, "US", "GPE"), Mention(0, 14, 23, "America's", "LOC")]
    result = canonicalise_document(mentions, [paragraph])
    assert result[0].entity_id == result[1].entity_id == make_entity_id("GPE", "United States")
    assert make_entity_id("LOC", "Danube") == make_entity_id("GPE", "Danube")
    assert make_entity_id("PERSON", "Jordan") != make_entity_id("GPE", "Jordan")


def test_article_majority_decides_a_names_label():
    paragraphs = ["Kyiv said no.", "In Kyiv, sirens.", "Kyiv is calm."]
    mentions = [Mention(0, 0, 4, "Kyiv", "PERSON"), Mention(1, 3, 7, "Kyiv", "GPE"),
                Mention(2, 0, 4, "Kyiv", "GPE")]
    result = canonicalise_document(mentions, paragraphs)
    assert {(c.label, c.entity_id) for c in result} == {("GPE", make_entity_id("GPE", "Kyiv"))}


# --- ids ----------------------------------------------------------------------------

def test_ids_are_stable_and_independent_of_document_order(recognizer):
    doc_a = ["Vladimir Putin met Emmanuel Macron in Paris.", "Putin left."]
    doc_b = ["Putin and the EU disagree.", "The European Union said so."]
    first = [canonical(recognizer, doc) for doc in (doc_a, doc_b)]
    again = [canonical(recognizer, doc) for doc in (doc_b, doc_a)][::-1]
    assert first == again
    ids_a, ids_b = ids_by_text(first[0]), ids_by_text(first[1])
    assert ids_a["Putin"] == ids_a["Vladimir Putin"]
    assert ids_b["EU"] == ids_b["European Union"] == {make_entity_id("ORG", "European Union")}
    # the same canonical form gets the same id in any document
    assert ids_a["Vladimir Putin"] == {make_entity_id("PERSON", "Vladimir Putin")}


# --- the corpus -----------------------------------------------------------------------

def rows(doc_id, name, label, texts=None, count=1):
    eid = make_entity_id(label, name)
    return [{"doc_id": doc_id, "entity_id": eid, "canonical_name": name, "label": label,
             "text": (texts or name)} for _ in range(count)]


def final_of(entity_map, label, name):
    eid = make_entity_id(label, name)
    return entity_map.set_index("entity_id").loc[eid, "final_entity_id"]


def test_corpus_surname_merges_when_unambiguous():
    mentions = pd.DataFrame(rows("d1", "Marta Kowalczyk", "PERSON", count=2)
                            + rows("d2", "Kowalczyk", "PERSON")
                            + rows("d3", "Kowalczyk", "PERSON", texts="Kowalczyk"))
    entity_map, entity_aliases = resolve_corpus(mentions)
    full = make_entity_id("PERSON", "Marta Kowalczyk")
    assert final_of(entity_map, "PERSON", "Kowalczyk") == full
    assert final_of(entity_map, "PERSON", "Marta Kowalczyk") == full
    assert set(entity_map["canonical_name"]) == {"Marta Kowalczyk"}
    # the old document-level id keeps a row; the surname is an alias of the merged entity
    assert make_entity_id("PERSON", "Kowalczyk") in set(entity_map["entity_id"])
    aliases = entity_aliases.set_index("alias")
    assert aliases.loc["Kowalczyk", "entity_id"] == full
    assert aliases.loc["Kowalczyk", "label"] == "PERSON"


def test_corpus_surname_shared_by_two_people_is_not_merged():
    mentions = pd.DataFrame(rows("d1", "Marta Kowalczyk", "PERSON") + rows("d2", "Piotr Kowalczyk", "PERSON")
                            + rows("d3", "Kowalczyk", "PERSON"))
    entity_map, _ = resolve_corpus(mentions)
    assert final_of(entity_map, "PERSON", "Kowalczyk") == make_entity_id("PERSON", "Kowalczyk")
    assert final_of(entity_map, "PERSON", "Piotr Kowalczyk") != final_of(entity_map, "PERSON", "Marta Kowalczyk")


def test_corpus_merges_spelling_variants_and_one_off_labels():
    mentions = pd.DataFrame(rows("d1", "Rolls-Royce", "ORG", count=3) + rows("d2", "Rolls Royce", "ORG")
                            + rows("d3", "Rolls-Royce", "PERSON")            # one-off wrong label
                            + rows("d4", "Jordan", "PERSON", count=2) + rows("d5", "Jordan", "GPE", count=2))
    entity_map, _ = resolve_corpus(mentions)
    rolls = {final_of(entity_map, "ORG", "Rolls-Royce"), final_of(entity_map, "ORG", "Rolls Royce"),
             final_of(entity_map, "PERSON", "Rolls-Royce")}
    assert rolls == {make_entity_id("ORG", "Rolls-Royce")}
    by_id = entity_map.set_index("entity_id")
    assert by_id.loc[make_entity_id("PERSON", "Rolls-Royce"), "label"] == "ORG"
    assert by_id.loc[make_entity_id("PERSON", "Rolls-Royce"), "canonical_name"] == "Rolls-Royce"
    assert final_of(entity_map, "PERSON", "Jordan") != final_of(entity_map, "GPE", "Jordan")


def test_corpus_label_is_the_majority_within_a_class():
    mentions = pd.DataFrame(rows("d1", "Danube", "LOC", count=3) + rows("d2", "Danube", "GPE"))
    entity_map, _ = resolve_corpus(mentions)
    assert set(entity_map["label"]) == {"LOC"}
    assert set(entity_map["final_entity_id"]) == {make_entity_id("LOC", "Danube")}


def test_corpus_result_does_not_depend_on_row_order():
    data = (rows("d1", "Marta Kowalczyk", "PERSON") + rows("d2", "Kowalczyk", "PERSON")
            + rows("d3", "Rolls Royce", "ORG") + rows("d4", "Rolls-Royce", "ORG"))
    shuffled = data[:]
    random.Random(7).shuffle(shuffled)
    a = resolve_corpus(pd.DataFrame(data))
    b = resolve_corpus(pd.DataFrame(shuffled))
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


def test_previous_ids_keep_resolving_through_new_merges():
    first_map, _ = resolve_corpus(pd.DataFrame(rows("d1", "Kowalczyk", "PERSON")))
    later = pd.DataFrame(rows("d2", "Marta Kowalczyk", "PERSON"))
    entity_map, _ = resolve_corpus(later, previous=first_map)
    assert final_of(entity_map, "PERSON", "Kowalczyk") == make_entity_id("PERSON", "Kowalczyk")  # nothing new says otherwise
    both = pd.DataFrame(rows("d1", "Kowalczyk", "PERSON") + rows("d2", "Marta Kowalczyk", "PERSON"))
    merged_map, _ = resolve_corpus(both)
    gone = make_entity_id("PERSON", "Kowalczyk")
    next_map, _ = resolve_corpus(later, previous=merged_map)
    assert final_of(next_map, "PERSON", "Kowalczyk") == make_entity_id("PERSON", "Marta Kowalczyk")
    assert gone in set(next_map["entity_id"])


def test_corpus_of_nothing():
    entity_map, entity_aliases = resolve_corpus(
        pd.DataFrame(columns=["doc_id", "entity_id", "canonical_name", "label", "text"]))
    assert list(entity_map.columns) == ["entity_id", "final_entity_id", "canonical_name", "label"]
    assert list(entity_aliases.columns) == ["alias", "label", "entity_id"]
    assert entity_map.empty and entity_aliases.empty


def test_counted_evidence_resolves_like_the_mentions_it_counts():
    data = (rows("d1", "Marta Kowalczyk", "PERSON", count=3) + rows("d2", "Kowalczyk", "PERSON")
            + rows("d3", "Rolls Royce", "ORG", count=2) + rows("d4", "Rolls-Royce", "ORG")
            + rows("d5", "Rolls-Royce", "PERSON") + rows("d6", "Danube", "LOC", count=3)
            + rows("d7", "Danube", "GPE", count=2))
    mentions = pd.DataFrame(data)
    evidence = (mentions.groupby(["entity_id", "canonical_name", "label", "text"]).size()
                .rename("n_mentions").reset_index())
    assert len(evidence) < len(mentions)
    a, b = resolve_corpus(mentions), resolve_corpus(evidence)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    by_id = b[0].set_index("entity_id")
    assert by_id.loc[make_entity_id("ORG", "Rolls-Royce"), "final_entity_id"] == make_entity_id("ORG", "Rolls Royce")


def test_corpus_name_is_the_most_complete_form_even_when_the_surname_is_commoner():
    mentions = pd.DataFrame(rows("d1", "Ines Carvalho", "PERSON") + rows("d2", "Carvalho", "PERSON", count=10))
    entity_map, _ = resolve_corpus(mentions)
    assert set(entity_map["canonical_name"]) == {"Ines Carvalho"}
    assert set(entity_map["final_entity_id"]) == {make_entity_id("PERSON", "Ines Carvalho")}


def test_surname_evidence_decides_the_class_of_a_mislabelled_full_name():
    mentions = pd.DataFrame(rows("d1", "Ines Carvalho", "PERSON") + rows("d2", "Ines Carvalho", "LOC", count=3)
                            + rows("d3", "Carvalho", "PERSON", count=12))
    entity_map, _ = resolve_corpus(mentions)
    assert set(entity_map["final_entity_id"]) == {make_entity_id("PERSON", "Ines Carvalho")}
    assert set(entity_map["label"]) == {"PERSON"}
