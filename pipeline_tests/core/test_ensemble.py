"""The extractor ensemble (pipeline/core/ensemble.py) with the real extractors on real benchmark pages."""
import gzip
import json
import re
from dataclasses import replace

import pytest

from pipeline.core import ensemble
from pipeline.core.ensemble import Alternatives, EnsembleChoice, combine
from pipeline.core.extract import DEFAULT_CHOICES, article_from_draft, draft_article, extract_article
from pipeline.core.models import Paragraph
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared

VOTE = replace(DEFAULT_CHOICES, ensemble=EnsembleChoice(votes=3, min_words=8))  # adds the most


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _shingle_recall(predicted: str, gold: str) -> float:
    """The benchmark's 4-word-shingle recall (as bench/quality.py scores it)."""
    def shingles(text):
        tokens = _words(text)
        return {tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)}
    gold_set = shingles(gold)
    return len(shingles(predicted) & gold_set) / len(gold_set)


@pytest.fixture(scope="module")
def benchmark():
    root = require_shared("corpora", "article-extraction-benchmark-dev")
    gold = json.loads((root / "ground-truth.json").read_text())
    pages = []
    for key in sorted(gold):
        html = gzip.open(root / "html" / f"{key}.html.gz").read().decode("utf-8", errors="replace")
        pages.append((key, html, gold[key]))
    return pages


@pytest.fixture(scope="module")
def drafts(benchmark):
    return [(key, draft_article(html, entry["url"], Settings()), entry) for key, html, entry in benchmark]


def test_every_voter_finds_most_of_the_article_on_real_pages(benchmark):
    for name in ensemble.VOTERS:
        recalls = []
        for _, html, entry in benchmark:
            alternatives = Alternatives(html, language="en")
            paragraphs = alternatives.get(name)
            assert name not in alternatives.failed, alternatives.failed
            recalls.append(_shingle_recall("\n".join(paragraphs), entry["articleBody"]))
        assert sum(recalls) / len(recalls) > 0.6, (name, recalls)


def test_the_vote_keeps_every_paragraph_of_ours_in_order(drafts):
    changed = 0
    for key, draft, _ in drafts:
        plain = [p.text for p in article_from_draft(draft, Settings()).paragraphs]
        voted = [p.text for p in article_from_draft(draft, Settings(), VOTE).paragraphs]
        iterator = iter(voted)
        assert all(text in iterator for text in plain), key  # ours are a subsequence of the voted list
        changed += len(voted) > len(plain)
    assert changed >= 1  # the vote adds something on some of these pages, or this test shows nothing


def test_text_trafilatura_misses_comes_back_in_document_order():
    """A long article whose second half trafilatura drops: the voters agree on it and it is added in order."""
    root = require_shared("corpora", "article-extraction-benchmark-dev")
    gold = json.loads((root / "ground-truth.json").read_text())
    settings = Settings()
    best = None
    for key, entry in gold.items():
        html = gzip.open(root / "html" / f"{key}.html.gz").read().decode("utf-8", errors="replace")
        draft = draft_article(html, entry["url"], settings)
        ours = article_from_draft(draft, settings)
        recall = _shingle_recall(ours.text, entry["articleBody"])
        if best is None or recall < best[0]:
            best = (recall, key, draft, entry, ours)
    recall, key, draft, entry, ours = best
    assert recall < 0.8, "no benchmark page where trafilatura misses much: pick another case"
    voted = article_from_draft(draft, settings, VOTE)
    assert _shingle_recall(voted.text, entry["articleBody"]) > recall + 0.2, key
    # every added paragraph sits where the gold has it: gold positions of the kept paragraphs increase
    body = " ".join(_words(entry["articleBody"]))
    positions = [body.find(" ".join(_words(p.text))) for p in voted.paragraphs if not p.is_boilerplate]
    found = [pos for pos in positions if pos >= 0]
    assert len(found) >= len(ours.paragraphs) and found == sorted(found), key


def test_an_extractor_that_fails_abstains_and_the_page_survives():
    alternatives = Alternatives("")  # readability-lxml and jusText refuse an empty document
    paragraphs = [Paragraph("One paragraph of ours with enough words to be covered by nobody at all.")]
    result = combine(paragraphs, alternatives, EnsembleChoice(flag_unsupported=True))
    assert {"readability", "justext"} <= set(alternatives.failed)
    assert [p.text for p in result] == [p.text for p in paragraphs]
    assert not result[0].is_boilerplate  # no voter said anything: no evidence against it


def test_unsupported_paragraphs_are_flagged_never_dropped(drafts):
    choice = replace(DEFAULT_CHOICES, ensemble=EnsembleChoice(add=False, flag_unsupported=True))
    flagged = 0
    for key, draft, _ in drafts:
        plain = article_from_draft(draft, Settings())
        checked = article_from_draft(draft, Settings(), choice)
        assert [p.text for p in checked.paragraphs] == [p.text for p in plain.paragraphs], key
        flagged += sum(p.boilerplate_rule == ensemble.UNSUPPORTED_RULE for p in checked.paragraphs)
    assert flagged >= 1


def test_the_setting_turns_the_vote_on_and_off(benchmark, monkeypatch):
    settings = Settings()
    default_vote = replace(DEFAULT_CHOICES, ensemble=EnsembleChoice())  # what the setting "vote" runs
    key, html, url, plain, voted = next(
        (key, html, entry["url"], plain.text, voted.text) for key, html, entry in benchmark
        for plain, voted in [(extract_article(html, entry["url"], settings),
                              extract_article(html, entry["url"], settings, default_vote))]
        if voted.text != plain.text)
    monkeypatch.setenv("NEWS_EXTRACTION_ENSEMBLE", "off")
    assert extract_article(html, url, Settings.from_env(), default_vote).text == plain, key
    monkeypatch.setenv("NEWS_EXTRACTION_ENSEMBLE", "vote")
    assert extract_article(html, url, Settings.from_env()).text == voted, key
    with pytest.raises(ValueError, match="extraction_ensemble"):
        Settings(extraction_ensemble="sometimes")


def test_gated_mode_asks_the_voters_only_when_resiliparse_shows_text_we_lack(drafts):
    for key, draft, _ in drafts:
        alternatives = Alternatives(draft.alternatives.html)
        paragraphs = article_from_draft(draft, Settings()).paragraphs
        combine(paragraphs, alternatives, EnsembleChoice(mode="gated", gate_words=10**9))
        assert set(alternatives.found) == {"resiliparse"}, key


def test_runs_launched_through_dagster_honour_the_setting(tmp_path):
    from pipeline.defs.resources import PipelineSettings

    settings = Settings(landing_dir=tmp_path / "landing", warehouse_dir=tmp_path / "warehouse", extraction_ensemble="gated")
    assert PipelineSettings.from_settings(settings).settings().extraction_ensemble == "gated"
    assert PipelineSettings.from_settings(Settings()).settings().extraction_ensemble == ""
