"""An entity's class from the evidence of all its mentions: junk spans, title and
context evidence within an article, person families across the corpus."""
import pandas as pd
import pytest

from pipeline.core.canonical import canonicalise_document, make_entity_id, resolve_corpus, split_mention
from pipeline.core.models import Mention
from pipeline_tests.core.test_canonical import clean, final_of, rows


@pytest.mark.parametrize("paragraph, covered, label, expected", [
    ("Neither Ashworth nor the board", "Neither Ashworth", "PERSON", "Ashworth"),
    ("Okafor and Brandt met.", "and Brandt", "PERSON", "Brandt"),
    ("It would cost 7.4bn over", "7.4bn", "PERSON", None),
    ("a bill of £5m a year", "£5m", "ORG", None),
    ("the nasal vaccine trial began", "nasal vaccine trial", "PERSON", None),
    ("Andersen worked with Arthur", "Andersen", "ORG", "Andersen"),
])
def test_junk_spans_are_trimmed_or_dropped(paragraph, covered, label, expected):
    assert clean(paragraph, covered, label) == expected


def test_joined_names_are_split_into_their_parts():
    text = "Vance and Okafor met Capital Ledger, Raman and Acme, Inc."
    parts = split_mention(Mention(0, 0, 16, text[:16], "PERSON"))
    assert [p.text for p in parts] == ["Vance", "Okafor"]
    assert [text[p.start:p.end] for p in parts] == ["Vance", "Okafor"]
    org = split_mention(Mention(0, 21, 42, text[21:42], "ORG"))
    assert [p.text for p in org] == ["Capital Ledger", "Raman"]
    assert [p.text for p in split_mention(Mention(0, 47, 57, text[47:57], "ORG"))] == ["Acme, Inc."]


def test_titles_and_places_vote_for_a_mentions_class_but_the_model_label_is_kept():
    text = "Ms Diallo spoke to officials in Rotterdam, and Diallo agreed."
    mentions = [Mention(0, 0, 9, "Ms Diallo", "ORG"), Mention(0, 32, 41, "Rotterdam", "PERSON"),
                Mention(0, 47, 53, "Diallo", "ORG")]
    result = {(c.text, c.start): c for c in canonicalise_document(mentions, [text])}
    titled, place, plain = result[("Diallo", 3)], result[("Rotterdam", 32)], result[("Diallo", 47)]
    assert (titled.model_label, titled.vote_label) == ("ORG", "PERSON")
    assert (place.model_label, place.vote_label) == ("PERSON", "GPE")
    assert (plain.model_label, plain.vote_label) == ("ORG", "ORG")


def test_a_person_the_model_splits_over_labels_is_one_person():
    mentions = pd.DataFrame(
        rows("d1", "Helena Brandt", "PERSON", count=10) + rows("d2", "Helena Brandt", "ORG", count=9)
        + rows("d3", "Brandt", "ORG", count=12) + rows("d4", "Brandt", "PERSON", count=5)
        # never tagged a person in full; the title evidence on the surname says she is one
        + rows("d5", "Amara Diallo", "ORG", count=6) + rows("d6", "Diallo", "ORG", count=8)
        + rows("d7", "Diallo", "PERSON", count=3)
    )
    entity_map, _ = resolve_corpus(mentions)
    by_id = entity_map.set_index("entity_id")
    brandt = {final_of(entity_map, label, name) for label in ("PERSON", "ORG") for name in ("Helena Brandt", "Brandt")}
    assert brandt == {make_entity_id("PERSON", "Helena Brandt")}
    assert set(by_id.loc[by_id["final_entity_id"].isin(brandt), "label"]) == {"PERSON"}
    diallo = by_id[by_id["canonical_name"] == "Amara Diallo"]
    assert len(diallo) == 3 and set(diallo["label"]) == {"PERSON"} and diallo["final_entity_id"].nunique() == 1


def test_a_place_rarely_tagged_a_person_does_not_join_a_person_of_that_surname():
    mentions = pd.DataFrame(rows("d1", "Jordan", "GPE", count=40) + rows("d2", "Jordan", "PERSON", count=2)
                            + rows("d3", "Michael Jordan", "PERSON", count=6))
    entity_map, _ = resolve_corpus(mentions)
    assert final_of(entity_map, "GPE", "Jordan") == make_entity_id("GPE", "Jordan")
    assert final_of(entity_map, "PERSON", "Michael Jordan") == make_entity_id("PERSON", "Michael Jordan")
    # a mostly-lower-case or organisation name is not a person family
    orgs = pd.DataFrame(rows("d1", "Harbor City Rovers", "ORG", count=20) + rows("d2", "Rovers", "ORG", count=9)
                        + rows("d3", "Rovers", "PERSON", count=1))
    org_map, _ = resolve_corpus(orgs)
    assert final_of(org_map, "ORG", "Harbor City Rovers") == make_entity_id("ORG", "Harbor City Rovers")
    assert set(org_map.set_index("entity_id").loc[[make_entity_id("ORG", "Harbor City Rovers")], "label"]) == {"ORG"}


def test_names_the_model_found_are_found_again_where_it_missed_them_in_the_article():
    paragraphs = ["Helena Brandt spoke first.", "Later, Mr Okafor and Brandt met.",
                  "They told Ms Brandt about the Brandt Foundation.", "Brandt agreed."]
    mentions = [Mention(0, 0, 13, "Helena Brandt", "PERSON"), Mention(1, 10, 16, "Okafor", "PERSON"),
                Mention(1, 21, 27, "Brandt", "PERSON")]
    result = canonicalise_document(mentions, paragraphs)
    again = [c for c in result if c.source == "gazetteer"]
    # after a title: found; inside a longer capitalised name, or opening a sentence: left alone
    assert [(c.paragraph_index, c.text, paragraphs[c.paragraph_index][c.start:c.end]) for c in again] == [
        (2, "Brandt", "Brandt")]
    assert again[0].start == paragraphs[2].index("Brandt")
    assert again[0].entity_id == make_entity_id("PERSON", "Helena Brandt")
    assert {c.source for c in result if c not in again} == {"model"}
    assert canonicalise_document(mentions, paragraphs, propagate=False) == [c for c in result if c not in again]


def test_a_one_word_name_no_full_name_ends_with_goes_to_its_majority_class():
    mentions = pd.DataFrame(rows("d1", "Rotterdam", "GPE", count=30) + rows("d2", "Rotterdam", "PERSON", count=20)
                            + rows("d3", "Jordan", "PERSON", count=20) + rows("d4", "Jordan", "GPE", count=30))
    entity_map, _ = resolve_corpus(mentions)
    assert final_of(entity_map, "PERSON", "Rotterdam") == make_entity_id("GPE", "Rotterdam")
    assert final_of(entity_map, "PERSON", "Jordan") == make_entity_id("GPE", "Jordan")
