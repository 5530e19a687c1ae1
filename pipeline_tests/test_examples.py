"""The scripts in examples/ run on a generated warehouse and print what the API says."""
from __future__ import annotations

import subprocess
import sys

from pipeline.corpus import Corpus
from pipeline_tests.helpers import PROJECT_ROOT


def _run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "examples" / script), *args],
                            capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_who_is_in_the_news_prints_the_weekly_top_and_draws_it(corpus_warehouse, tmp_path):
    _, warehouse = corpus_warehouse
    chart = tmp_path / "people.png"
    out = _run("who_is_in_the_news.py", "--warehouse", str(warehouse), "--chart", str(chart))
    top = Corpus(warehouse).daily(by=["outlet", "week"], label="PERSON", top=3)
    assert len(top) > 0
    for row in top.head(5).itertuples():
        assert row.canonical_name in out and row.iso_week in out
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_strongest_associations_lists_the_positive_pairs(corpus_warehouse):
    _, warehouse = corpus_warehouse
    corpus = Corpus(warehouse)
    person = corpus.entities(label="PERSON").iloc[0]["canonical_name"]
    out = _run("strongest_associations.py", "--warehouse", str(warehouse), "--entity", person, "--top", "5")
    pairs = corpus.pairs(entity=person, top=5)
    assert len(pairs) > 0 and f"Strongest associations of {person}" in out
    assert all(name in out for name in pairs["other_name"])


def test_quotes_mentioning_an_entity(corpus_warehouse):
    _, warehouse = corpus_warehouse
    out = _run("quotes_mentioning.py", "--warehouse", str(warehouse))
    count, _, _ = out.partition(" quote paragraphs mention ")
    assert int(count) == out.count("\n- ") > 0
    assert out.count("**") >= 2 * int(count)
