"""The real CLI in a subprocess, on generated pages and on real benchmark pages."""
import json
import shutil

import pandas as pd

from pipeline_tests.helpers import TABLES, read, run_cli


def test_run_twice_is_idempotent_and_second_run_finds_nothing(sample_landing, tmp_path):
    warehouse = tmp_path / "warehouse"
    env = {"DAGSTER_HOME": str(tmp_path / "home")}
    first = run_cli("run", "--landing", str(sample_landing), "--warehouse", str(warehouse), "--no-progress", env=env)
    assert "Rows per table" in first.stdout
    counts = {table: len(read(warehouse, table)) for table in TABLES}
    assert all(counts[t] > 0 for t in TABLES if t != "rejected_documents"), counts

    second = run_cli("run", "--landing", str(sample_landing), "--warehouse", str(warehouse), "--no-progress", env=env)
    assert "Nothing new to ingest" in second.stdout
    assert {table: len(read(warehouse, table)) for table in TABLES} == counts


def test_missing_landing_dir_is_a_clear_error(tmp_path):
    result = run_cli("run", "--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w"),
                     env={"DAGSTER_HOME": str(tmp_path / "home")}, check=False)
    assert result.returncode != 0
    assert "does not exist" in result.stderr


def test_benchmark_pages_fill_all_eight_tables(aeb_dir, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(aeb_dir / "html", landing / "aeb")
    warehouse = tmp_path / "warehouse"
    run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress",
            env={"DAGSTER_HOME": str(tmp_path / "home")})

    pages = sorted((aeb_dir / "html").glob("*.html.gz"))
    articles = read(warehouse, "articles")
    assert len(articles) == len(pages) == 60
    assert set(articles["source_path"]) == {f"aeb/{p.name}" for p in pages}
    for table in TABLES:
        if table != "rejected_documents":
            assert len(read(warehouse, table)) > 0, table
    # the text we extract overlaps the gold article body for nearly every page
    gold = json.loads((aeb_dir / "ground-truth.json").read_text())
    by_key = articles.set_index(articles["source_path"].str.slice(4, -8))
    overlaps = []
    for key, expected in gold.items():
        gold_words = set(expected["articleBody"].split())
        got_words = set(by_key.loc[key, "text"].split())
        overlaps.append(len(gold_words & got_words) / max(1, len(gold_words)))
    assert pd.Series(overlaps).median() > 0.9


def test_later_batches_refresh_the_flags_of_earlier_ones(tmp_path):
    from pipeline.sample.generator import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(corpus, n_articles=60, seed=5, days=3)
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    env = {"DAGSTER_HOME": str(tmp_path / "home")}

    def land(paths):
        for path in paths:
            target = landing / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)

    # Two pages per outlet: too thin for the corpus-level rule to fire.
    first = [p for domain in sorted({f.relative_to(corpus).parts[0] for f in files})
             for p in [f for f in files if f.relative_to(corpus).parts[0] == domain][:2]]
    land(first)
    run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress", env=env)
    before = read(warehouse, "paragraphs")
    assert not (before["boilerplate_rule"] == "recurs_in_domain").any()
    first_batch = set(before["batch"])

    land([f for f in files if f not in first])
    second = run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress", env=env)
    assert "refreshed in 1 earlier batch" in second.stdout
    after = read(warehouse, "paragraphs")
    refreshed = after[after["batch"].isin(first_batch)]
    recurring = refreshed[refreshed["boilerplate_rule"] == "recurs_in_domain"]
    assert len(recurring) > 0
    articles = read(warehouse, "articles").set_index("doc_id")
    for row in recurring.itertuples():
        assert row.text not in articles.loc[row.doc_id, "text"]


def test_real_crawls_and_the_saved_text_page(warc_dir, seed_page, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(warc_dir, landing / "crawls", ignore=shutil.ignore_patterns("LICENSE*"))
    shutil.copy(seed_page, landing / "seed.txt")
    warehouse = tmp_path / "warehouse"
    run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress",
            env={"DAGSTER_HOME": str(tmp_path / "home")})

    documents = read(warehouse, "documents")
    records = documents[documents["source_path"].str.startswith("crawls/")]
    assert records["source_path"].str.contains(r"\.warc\.gz#\d+$").all() and len(records) > 20
    assert records["url"].str.startswith("http").all() and records["fetched_at"].notna().all()

    articles = read(warehouse, "articles")
    seed = articles[articles["source_path"] == "seed.txt"]
    assert len(seed) == 1
    text = seed["text"].iloc[0]
    assert "Mr Putin said he was sorry" in text
    assert "Independent Premium" not in text and "Notifications can be managed" not in text
    paragraphs = read(warehouse, "paragraphs")
    seed_paragraphs = paragraphs[paragraphs["doc_id"] == seed["doc_id"].iloc[0]]
    assert seed_paragraphs["is_boilerplate"].sum() >= 5  # flagged, not deleted

    mentions = read(warehouse, "entity_mentions")
    seed_mentions = mentions[mentions["doc_id"] == seed["doc_id"].iloc[0]]
    putin = seed_mentions[seed_mentions["text"].str.contains("Putin")]
    assert set(putin["canonical_name"]) == {"Vladimir Putin"} and putin["entity_id"].nunique() == 1
    assert not seed_mentions["text"].str.contains("\n").any()
