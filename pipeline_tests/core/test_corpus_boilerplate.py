from types import SimpleNamespace

import pandas as pd

from pipeline.core.corpus_boilerplate import (
    RULE,
    apply_flags,
    boilerplate_key,
    domain_boilerplate,
    exact_key,
)

SETTINGS = SimpleNamespace(
    boilerplate_min_documents=3, boilerplate_min_share=0.3,
    boilerplate_exact_min_documents=5, boilerplate_exact_min_share=0.05, boilerplate_min_domain_documents=4,
)


def _corpus(pages: dict[str, list[tuple[str, str]]], domain="site.example"):
    """pages: doc_id -> [(kind, text)]"""
    rows = [
        {"doc_id": doc, "paragraph_index": i, "kind": kind, "text": text, "is_boilerplate": False,
         "boilerplate_rule": None, "language": "en", "ner_applied": True, "batch": "b",
         "boilerplate_key": boilerplate_key(text), "exact_key": exact_key(text)}
        for doc, paragraphs in pages.items()
        for i, (kind, text) in enumerate(paragraphs)
    ]
    articles = pd.DataFrame({"doc_id": list(pages), "domain": domain, "text": "", "n_words": 0,
                             "n_boilerplate_paragraphs": 0})
    return pd.DataFrame(rows), articles


def test_near_identical_furniture_is_flagged_and_article_text_kept():
    topics = ["harbour", "schools", "rail", "budget"]
    pages = {
        f"d{i}": [("paragraph", f"The council voted on the {topic} plan today."),
                  ("paragraph", f"Updated {i + 1} hours ago"),
                  ("paragraph", f"Residents questioned the {topic} costs.")]
        for i, topic in enumerate(topics)
    }
    paragraphs, articles = _corpus(pages)
    found = domain_boilerplate(paragraphs[["doc_id", "kind", "boilerplate_key", "exact_key"]],
                               articles[["doc_id", "domain"]], SETTINGS)
    final_paragraphs, final_articles = apply_flags(paragraphs, articles, found, ["en"])
    flagged = final_paragraphs[final_paragraphs["is_boilerplate"]]
    assert set(flagged["text"].str.slice(0, 7)) == {"Updated"}
    assert (flagged["boilerplate_rule"] == RULE).all()
    first = final_articles.set_index("doc_id").loc["d0", "text"]
    assert "Updated" not in first and "council voted" in first and "\n\n" in first
    assert not final_paragraphs.loc[final_paragraphs["is_boilerplate"], "ner_applied"].any()


def test_thin_evidence_does_not_fire():
    pages = {f"d{i}": [("paragraph", "Subscribe to our daily digest for more."), ("paragraph", f"Body {i}.")]
             for i in range(2)}
    paragraphs, articles = _corpus(pages)
    found = domain_boilerplate(paragraphs, articles[["doc_id", "domain"]], SETTINGS)
    assert found.empty


def test_exact_repeats_need_a_small_share_but_not_for_headings():
    blurb = "Jo Bloggs is our science editor and has covered research since 2001."
    pages = {}
    for i in range(40):
        paragraphs = [("paragraph", "Original paragraph " + "word " * i)]
        if i < 6:
            paragraphs += [("paragraph", blurb), ("heading", "What happens next")]
        pages[f"d{i}"] = paragraphs
    paragraphs, articles = _corpus(pages)
    found = domain_boilerplate(paragraphs, articles[["doc_id", "domain"]], SETTINGS)
    final, _ = apply_flags(paragraphs, articles, found, ["en"])
    assert final.loc[final["text"] == blurb, "is_boilerplate"].all()  # 6 of 40 articles, exact
    assert not final.loc[final["text"] == "What happens next", "is_boilerplate"].any()
    assert not final.loc[final["text"].str.startswith("Original"), "is_boilerplate"].any()


def test_keys_mask_numbers_only_in_the_near_key():
    assert boilerplate_key("1,234 comments") == boilerplate_key("87 comments")
    assert exact_key("1,234 comments") != exact_key("87 comments")
    assert exact_key("Sign  up NOW") == exact_key("sign up now")
    assert boilerplate_key("...") is None


def test_a_domain_with_few_articles_gets_no_corpus_flags():
    pages = {f"d{i}": [("paragraph", "Updated 2 hours ago"), ("paragraph", f"Story about topic {'abcdefgh'[i]}.")]
             for i in range(4)}
    paragraphs, articles = _corpus(pages)
    assert not domain_boilerplate(paragraphs, articles[["doc_id", "domain"]], SETTINGS).empty
    strict = SimpleNamespace(**{**vars(SETTINGS), "boilerplate_min_domain_documents": 10})
    assert domain_boilerplate(paragraphs, articles[["doc_id", "domain"]], strict).empty


def test_ner_stops_in_an_article_past_its_word_cap():
    words = " ".join(["word"] * 40)
    pages = {"long": [("paragraph", f"{words} {i}.") for i in range(10)], "short": [("paragraph", words + ".")]}
    paragraphs, articles = _corpus(pages)
    found = domain_boilerplate(paragraphs, articles[["doc_id", "domain"]], SETTINGS)
    final, _ = apply_flags(paragraphs, articles, found, ["en"], max_ner_words=100)
    recognised = final[final["ner_applied"]].groupby("doc_id")["paragraph_index"].apply(list).to_dict()
    assert recognised == {"long": [0, 1], "short": [0]}  # 41 + 41 words; a third would pass 100
    uncapped, _ = apply_flags(paragraphs, articles, found, ["en"])
    assert uncapped["ner_applied"].sum() == 11
