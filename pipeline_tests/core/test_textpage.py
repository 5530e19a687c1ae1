import pytest

from pipeline.core.models import Unusable
from pipeline.core.textpage import article_from_text, text_paragraphs
from pipeline.settings import Settings


@pytest.fixture(scope="module")
def seed_article():
    from pipeline_tests.conftest import require_shared

    return article_from_text(require_shared("seeds", "000_dbc6908678fde8c2.txt").read_text(), Settings())


def _find(article, start: str):
    return [p for p in article.paragraphs if p.text.startswith(start)]


def test_login_notice_flagged_top_and_bottom(seed_article):
    notices = _find(seed_article, "Please refresh the page or navigate")
    assert len(notices) == 2
    assert all(p.is_boilerplate for p in notices)
    assert notices[0].boilerplate_rule == "login_prompt"
    assert seed_article.paragraphs[-1] is notices[1]


@pytest.mark.parametrize(
    "start, rule",
    [
        ("Want to bookmark your favourite articles", "subscription_pitch"),
        ("At such a critical moment in US history", "donation_appeal"),
        ("Join thought-provoking conversations", "comment_prompt"),
    ],
)
def test_chrome_flagged(seed_article, start, rule):
    [paragraph] = _find(seed_article, start)
    assert paragraph.is_boilerplate and paragraph.boilerplate_rule == rule


def test_repeated_paragraph_keeps_its_first_occurrence(seed_article):
    copies = _find(seed_article, "The UK has called for an independent investigation")
    assert len(copies) == 2
    assert not copies[0].is_boilerplate
    # the in-document repeat rule is neutralised (a held-out recall cost): the copy is named, not dropped
    assert copies[1].boilerplate_rule == "repeat_in_document" and not copies[1].is_boilerplate


def test_article_paragraphs_kept(seed_article):
    kept = [p.text for p in seed_article.paragraphs if not p.is_boilerplate]
    assert any(text.startswith("Mr Putin said he was sorry") and "Aliyev" in text for text in kept)
    assert any(text.startswith("But Mr Putin stopped short") for text in kept)
    assert any(text.startswith("The UK foreign office has criticised Russia") for text in kept)
    assert "Vladimir Putin apologised" in seed_article.text
    assert "Please refresh" not in seed_article.text


def test_title_and_language(seed_article):
    assert seed_article.title.startswith("The UK has called for an independent investigation")
    assert seed_article.language == "en"


def test_hard_wrapped_blocks_become_one_paragraph_and_lines_stay_lines():
    wrapped = (
        "The harbour board met on Tuesday evening to discuss the new\n"
        "traffic plan for the coast road and the quay.\n"
        "\n"
        "Short line one\n"
        "Short line two\n"
    )
    assert text_paragraphs(wrapped) == [
        "The harbour board met on Tuesday evening to discuss the new traffic plan for the coast road and the quay.",
        "Short line one",
        "Short line two",
    ]


def test_a_page_of_chrome_only_is_unusable():
    with pytest.raises(Unusable):
        article_from_text("Sign in\nSubscribe now\nShare this article\n", Settings())
