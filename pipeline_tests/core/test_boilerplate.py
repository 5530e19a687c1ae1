import pandas as pd
import pytest

from pipeline.core.boilerplate import (
    LINE_RULES,
    domain_boilerplate_keys,
    flag_line_rules,
    flag_link_dense_runs,
    flag_link_runs,
    flag_structural_lines,
    flag_paywall_blocks,
    flag_repeats_within_document,
    NEUTRALISED_RULES,
    matching_rule,
    normalise_for_stats,
)
from pipeline.core.models import Paragraph


@pytest.mark.parametrize(
    "line, rule",
    [
        ("We use cookies to improve your experience on our site.", "cookie_notice"),
        ("Wir verwenden Cookies, um unsere Website zu verbessern. Alle akzeptieren", "cookie_notice"),
        ("Ce site utilise des cookies pour améliorer votre expérience.", "cookie_notice"),
        ("Please log in to continue reading.", "login_prompt"),
        ("Bitte melden Sie sich an, um weiterzulesen.", "login_prompt"),
        ("Déjà abonné ? Connectez-vous", "login_prompt"),
        ("Start your Premium subscription today.", "subscription_pitch"),
        ("Jetzt abonnieren und alle Artikel lesen", "subscription_pitch"),
        ("Cet article est réservé aux abonnés.", "subscription_pitch"),
        ("Your donation helps us keep our reporting free for everyone.", "donation_appeal"),
        ("Unterstützen Sie unseren Journalismus – jetzt spenden!", "donation_appeal"),
        ("Share this article", "sharing_prompt"),
        ("Sign up to our daily newsletter", "newsletter_signup"),
        ("Leave a comment", "comment_prompt"),
        ("1,234 comments", "comment_prompt"),
        ("Kommentar schreiben", "comment_prompt"),
        ("Read more: Council approves coast road lane", "read_more_teaser"),
        ("Lesen Sie auch: Neue Fähre ab Mai", "read_more_teaser"),
        ("Advertisement", "advertisement_label"),
        ("© 2024 The Coastal Ledger. All rights reserved.", "copyright_notice"),
        ("Photo: Jane Doe/Coastal Ledger", "photo_credit"),
        ("Notifications can be managed in browser preferences.", "browser_notice"),
    ],
)
def test_line_rules_flag_site_furniture(line, rule):
    assert matching_rule(line, frozenset()) == rule
    paragraphs = [Paragraph(line)]
    flag_line_rules(paragraphs)
    assert paragraphs[0].boilerplate_rule == rule
    assert paragraphs[0].is_boilerplate == (rule not in NEUTRALISED_RULES)


def test_a_neutralised_rule_names_the_paragraph_but_keeps_it():
    paragraphs = [Paragraph("© 2024 The Coastal Ledger. All rights reserved."), Paragraph("Share this article")]
    flag_line_rules(paragraphs, disabled=frozenset({"copyright_notice"}))
    assert (paragraphs[0].is_boilerplate, paragraphs[0].boilerplate_rule) == (False, "copyright_notice")
    assert (paragraphs[1].is_boilerplate, paragraphs[1].boilerplate_rule) == (True, "sharing_prompt")
    flag_line_rules(paragraphs := [Paragraph("© 2024 The Coastal Ledger. All rights reserved.")], disabled=frozenset())
    assert paragraphs[0].is_boilerplate


@pytest.mark.parametrize(
    "sentence",
    [
        "The company said more than two million households subscribe to its streaming service each month.",
        "Investigators said the attackers had used stolen login details to sign in to the council's payroll system.",
        "The bakery on Harbour Street sells cookies, bread and cakes, and has been open since 1952.",
        "He declined to comment on the size of the donation, which the foundation made last spring.",
        "Readers can share their memories of the old pier at the library until the end of May.",
        "Die Stadt will Cookies auf ihrer Website künftig nur noch mit Zustimmung setzen, sagte der Datenschutzbeauftragte.",
        "Photo agencies such as Reuters and AFP said they would review the image before distributing it again.",
        "Le ministre a refusé de commenter les dons reçus par le parti avant les élections régionales.",
    ],
)
def test_line_rules_leave_ordinary_sentences_alone(sentence):
    paragraphs = [Paragraph(sentence)]
    flag_line_rules(paragraphs)
    assert not paragraphs[0].is_boilerplate
    assert paragraphs[0].boilerplate_rule is None


def test_every_rule_is_named_and_explained():
    names = [rule.name for rule in LINE_RULES]
    assert len(names) == len(set(names))
    assert all(rule.why and rule.max_words > 0 for rule in LINE_RULES)


def test_repeats_keep_only_their_first_occurrence():
    repeated = "The harbour board will publish its traffic plan next month"
    paragraphs = [Paragraph(repeated), Paragraph("Residents were consulted on the plan in March."),
                  Paragraph("Work on the new lane starts in the autumn."), Paragraph(repeated + ".")]
    flag_repeats_within_document(paragraphs)
    assert [p.is_boilerplate for p in paragraphs] == [False, False, False, True]
    assert paragraphs[3].boilerplate_rule == "repeat_in_document"


def test_repeated_labels_and_repeated_blocks_are_content():
    day = ["Breakfast", "Eat a bowl of porridge with berries and a spoon of honey", "Lunch"]
    paragraphs = [Paragraph(text) for text in day + ["Day two"] + day]
    flag_repeats_within_document(paragraphs)
    assert not any(p.is_boilerplate for p in paragraphs)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Updated 3 hours ago", "Updated 5 hours ago"),
        ("Updated 1 hour ago", "Updated 12 hours ago"),
        ("1,234 comments", "12 comments"),
        ("Published 27 December 2024, 10:31", "Published 3 January 2025, 09:02"),
        ("Veröffentlicht am 05.03.2024", "Veröffentlicht am 17.11.2023"),
        ("SHARE  this  article!", "Share this article"),
    ],
)
def test_normalise_for_stats_makes_variants_collide(a, b):
    assert normalise_for_stats(a) == normalise_for_stats(b)


def test_normalise_for_stats_keeps_different_words_apart():
    assert normalise_for_stats("Updated 3 hours ago") != normalise_for_stats("Posted 3 hours ago")


def _rows(domain: str, docs: int, key_in: int, key: str = "sign up for our newsletter") -> list[dict]:
    rows = [{"domain": domain, "doc_id": f"{domain}-{i}", "key": f"body {domain} {i}"} for i in range(docs)]
    rows += [{"domain": domain, "doc_id": f"{domain}-{i}", "key": key} for i in range(key_in)]
    return rows


def test_domain_keys_found_on_enough_evidence():
    rows = pd.DataFrame(_rows("a.example", docs=10, key_in=6))
    found = domain_boilerplate_keys(rows, min_documents=3, min_share=0.3)
    assert found.to_dict("records") == [
        {"domain": "a.example", "key": "sign up for our newsletter", "n_documents": 6, "share": 0.6}
    ]


def test_domain_keys_never_fire_on_thin_evidence():
    rows = pd.DataFrame(
        _rows("small.example", docs=2, key_in=2)  # every document, but only two of them
        + _rows("rare.example", docs=100, key_in=10)  # ten documents, but 10 %
        + _rows("few.example", docs=5, key_in=2)  # 40 %, but two documents
    )
    assert domain_boilerplate_keys(rows, min_documents=3, min_share=0.3).empty


def test_domain_keys_count_documents_not_occurrences():
    rows = pd.DataFrame(_rows("a.example", docs=10, key_in=0) + [
        {"domain": "a.example", "doc_id": "a.example-0", "key": "see also"} for _ in range(5)
    ])
    assert domain_boilerplate_keys(rows, min_documents=3, min_share=0.3).empty


def test_look_alike_letters_flag_ad_copy_but_not_mixed_language_text():
    # Cyrillic а, е, о, і, ѕ inside Latin words, as ad copy uses to dodge filters
    assert matching_rule("Аdvеrtіѕе wіth thе most visited news site in the country") == "obfuscated_text"
    assert matching_rule("Ein Brief an Владимир Путин und an Olaf Scholz") is None
    assert matching_rule("Москва и Berlin") is None


def test_paywall_box_between_pitch_and_login_is_flagged():
    texts = [
        "The council met on Tuesday and approved the plan for the harbour after a long debate.",
        "To view the full story, please subscribe to The Coastal Ledger.",
        "When you join us you get unlimited access to local journalism and our archive.",
        "Join now or renew: instant access, local news and special reports.",
        "Already a subscriber? Log in for immediate access to this story.",
    ]
    paragraphs = [Paragraph(text) for text in texts]
    flag_line_rules(paragraphs)
    flag_paywall_blocks(paragraphs)
    assert [p.boilerplate_rule for p in paragraphs] == [
        None, "subscription_pitch", "paywall_block", "paywall_block", "login_prompt"
    ]


def test_paywall_block_spares_headings_and_long_text():
    headline = Paragraph("Council approves the harbour plan", kind="heading")
    long_text = Paragraph(" ".join(["The council debated the plan for many hours."] * 10))
    for middle in (headline, long_text):
        paragraphs = [Paragraph("Subscribe now for unlimited access."), middle, Paragraph("Already a subscriber? Sign in.")]
        flag_line_rules(paragraphs)
        flag_paywall_blocks(paragraphs)
        assert not paragraphs[1].is_boilerplate


def test_link_runs_flag_menus_but_not_single_links_or_short_runs():
    labels = frozenset({"home", "news", "sport", "weather", "the council report"})
    texts = [
        "The council report", "The council report was published on Monday.",  # a lone link label is content
        "Home", "News", "Sport", "Weather",  # a menu: four link labels in a row
        "Residents have until May to respond.",
        "News", "Sport", "Weather",  # three in a row: too few to call it a menu
    ]
    paragraphs = [Paragraph(text) for text in texts]
    flag_link_runs(paragraphs, labels, min_run=4)
    assert [p.boilerplate_rule for p in paragraphs] == [None, None] + ["link_run"] * 4 + [None] * 4


@pytest.mark.parametrize("line", ["2024-03-05T10:00:00+02:00", "12.03.2024 14:05", "March 3, 2024, 10:15 am",
                                  "https://www.example.org/news/harbour-cranes"])
def test_a_line_that_is_only_a_url_or_a_timestamp_is_metadata(line):
    paragraphs = [Paragraph(line), Paragraph("The cranes returned on 12.03.2024 after two years away.")]
    flag_structural_lines(paragraphs)
    assert paragraphs[0].boilerplate_rule == "url_or_timestamp" and paragraphs[0].is_boilerplate
    assert not paragraphs[1].is_boilerplate and paragraphs[1].boilerplate_rule is None


def test_a_paragraph_that_is_a_microdata_property_is_metadata():
    paragraphs = [Paragraph("Harbour, Cranes, Port authority"), Paragraph("The cranes returned on Tuesday.")]
    flag_structural_lines(paragraphs, frozenset({"harbour cranes port authority"}))
    assert [p.boilerplate_rule for p in paragraphs] == ["microdata", None]


def test_runs_of_teasers_are_flagged_but_a_paragraph_with_a_link_is_not():
    labels = frozenset({"council approves the coast road lane", "ferry timetable changes from may",
                        "new harbour master appointed", "the mayor"})
    paragraphs = [Paragraph("The mayor said the cranes would return on Tuesday, after two years of repairs.")]
    paragraphs += [Paragraph(f"{label.capitalize()} (3)") for label in sorted(labels)[:3]]
    flag_link_dense_runs(paragraphs, labels)
    assert [p.boilerplate_rule for p in paragraphs] == [None, "link_dense_run", "link_dense_run", "link_dense_run"]
    two = [Paragraph("Council approves the coast road lane 12 March"), Paragraph("Body text here, quite long.")]
    flag_link_dense_runs(two, labels)
    assert not any(p.is_boilerplate for p in two)


def test_byline_rendered_as_text_is_flagged():
    from pipeline.core.boilerplate import flag_page_rules

    paragraphs = [Paragraph("Von Jane Doe, Frankfurt"), Paragraph("By Jane Doe and John Roe"),
                  Paragraph("Jane Doe said the harbour board met on Tuesday."), Paragraph("Jane Doe", kind="heading"),
                  Paragraph("Pamela Wilsonbigbrand system")]
    flag_page_rules(paragraphs, authors=("Jane Doe", "John Roe", "Pamela Wilson"))
    assert [p.boilerplate_rule for p in paragraphs] == ["byline", "byline", None, None, None]
    assert [p.is_boilerplate for p in paragraphs[:2]] == [True, True]
    untouched = [Paragraph("Von Jane Doe, Frankfurt")]
    flag_page_rules(untouched, authors=("Doe",))  # a one-word name is too weak a signal
    assert untouched[0].boilerplate_rule is None
