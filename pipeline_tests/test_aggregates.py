"""Entity aggregates on a real Dagster instance: partials per batch, corpus tables
summed from them, checked against a recount from entity_mentions."""
from __future__ import annotations

import gzip
import math
from itertools import combinations

import dagster as dg
import pandas as pd
import pytest

from pipeline.core.aggregate import PARTIAL_TABLES
from pipeline.sample.generator import generate_corpus
from pipeline.settings import Settings
from pipeline_tests.conftest import require_shared
from pipeline_tests.helpers import ingest_new, materialize_aggregates, read

GERMAN_PAGE = "franziska-elea.de.vuitton.html.gz"  # trafilatura-eval-dev: a German blog post naming a brand


def _recount(warehouse) -> dict:
    """Every aggregate counted again straight from entity_mentions and articles."""
    m = read(warehouse, "entity_mentions")
    aliases = read(warehouse, "entity_aliases").drop_duplicates("alias_entity_id")
    mapping = dict(zip(aliases["alias_entity_id"], aliases["entity_id"]))
    assert set(m["entity_id"]) <= set(mapping)
    m["entity_id"] = m["entity_id"].map(mapping)
    articles = read(warehouse, "articles")
    seen = articles["published_at"].fillna(articles["fetched_at"])
    dates = pd.DataFrame({"doc_id": articles["doc_id"], "date": seen.dt.date, "domain": articles["domain"]})
    m = m.merge(dates, on="doc_id")
    docs = {d: sorted(set(g)) for d, g in m.groupby("doc_id")["entity_id"]}
    pairs: dict = {}
    for ids in docs.values():
        for pair in combinations(ids, 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    daily = m.groupby(["date", "domain", "entity_id"]).agg(n_mentions=("doc_id", "size"),
                                                          n_documents=("doc_id", "nunique"))
    return {
        "n_mentions": m.groupby("entity_id").size().to_dict(),
        "n_documents": m.groupby("entity_id")["doc_id"].nunique().to_dict(),
        "pairs": pairs, "n": len(docs), "daily": daily,
    }


def _assert_tables_match_recount(settings: Settings) -> None:
    warehouse = settings.warehouse_dir
    truth = _recount(warehouse)
    entities = read(warehouse, "entities").set_index("entity_id")
    assert len(entities) > 20
    assert entities["n_mentions"].to_dict() == truth["n_mentions"]
    assert entities["n_documents"].to_dict() == truth["n_documents"]
    assert (entities["aliases"].map(len) > 0).all()
    assert entities["top_cooccurring"].map(len).sum() > 0

    daily = read(warehouse, "entity_daily").set_index(["date", "domain", "entity_id"]).sort_index()
    daily = daily[["n_mentions", "n_documents"]]  # outlet: tested in test_corpus
    pd.testing.assert_frame_equal(daily, truth["daily"].sort_index(), check_dtype=False)

    pairs = read(warehouse, "entity_pairs")
    expected = {p: n for p, n in truth["pairs"].items() if n >= settings.pair_min_support}
    assert len(pairs) > 0
    assert pairs.set_index(["entity_id_a", "entity_id_b"])["n_documents"].to_dict() == expected
    for row in pairs.head(20).itertuples():
        df_a, df_b = truth["n_documents"][row.entity_id_a], truth["n_documents"][row.entity_id_b]
        assert row.pmi == pytest.approx(math.log(row.n_documents * truth["n"] / (df_a * df_b)))
        assert row.llr >= 0
    names = entities["canonical_name"]
    assert (pairs["canonical_name_a"] == pairs["entity_id_a"].map(names)).all()


def test_aggregates_equal_a_recount_and_update_with_each_batch(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    generate_corpus(landing / "first", n_articles=24, seed=11, days=4)
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    warehouse = settings.warehouse_dir
    with dg.DagsterInstance.get() as instance:
        [first] = ingest_new(settings, instance)
        for table in PARTIAL_TABLES:
            assert (warehouse / table / f"{first}.parquet").exists(), table
        evidence = read(warehouse, "entity_batch_evidence")
        assert evidence["n_mentions"].sum() == len(read(warehouse, "entity_mentions"))
        assert len(evidence) < len(read(warehouse, "entity_mentions"))  # counts, not mentions
        materialize_aggregates(settings, instance)
        _assert_tables_match_recount(settings)
        ids_before = set(read(warehouse, "entity_aliases")["alias_entity_id"])
        entities_before = read(warehouse, "entities").set_index("entity_id")

        generate_corpus(landing / "second", n_articles=24, seed=12, days=4)
        [second] = ingest_new(settings, instance)
        assert second != first
        result = materialize_aggregates(settings, instance)
        _assert_tables_match_recount(settings)

        # every id handed out before still resolves, and counts only grew
        aliases = read(warehouse, "entity_aliases")
        assert ids_before <= set(aliases["alias_entity_id"])
        after = read(warehouse, "entities").set_index("entity_id")
        mapping = aliases.drop_duplicates("alias_entity_id").set_index("alias_entity_id")["entity_id"]
        grown = entities_before["n_mentions"].groupby(mapping.reindex(entities_before.index)).sum()
        assert (after["n_mentions"].reindex(grown.index) >= grown).all()

        trends = read(warehouse, "entity_trends")
        assert len(trends) > 0 and (trends["n_mentions_last_day"] >= 2).all()
        assert trends["lift"].is_monotonic_decreasing
        assert set(trends["entity_id"]) <= set(after.index)

        chart = result.asset_materializations_for_node("entity_chart")[0].metadata
        assert chart["chart"].value.startswith("![top entities](data:image/png;base64,")
        assert (warehouse / "charts" / "top_entities.png").read_bytes()[:4] == b"\x89PNG"


def test_german_paragraphs_are_skipped_and_say_why(tmp_path, dagster_home):
    page = require_shared("corpora", "trafilatura-eval-dev", "pages", GERMAN_PAGE)
    landing = tmp_path / "landing"
    generate_corpus(landing, n_articles=8, seed=5, days=2)
    (landing / "de.html").write_bytes(gzip.decompress(page.read_bytes()))
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    with dg.DagsterInstance.get() as instance:
        [key] = ingest_new(settings, instance)
        event = instance.get_latest_materialization_event(dg.AssetKey("entity_mentions"))
        skipped = event.asset_materialization.metadata["paragraphs_skipped_by_language"].value
    warehouse = settings.warehouse_dir
    articles = read(warehouse, "articles")
    [doc_id] = articles.loc[articles["source_path"] == "de.html", "doc_id"]
    paragraphs = read(warehouse, "paragraphs")
    german = paragraphs[paragraphs["doc_id"] == doc_id]
    assert len(german) > 3
    assert (german["language"] == "de").all()
    assert not german["ner_applied"].any()
    assert skipped.get("de", 0) >= (~german["is_boilerplate"]).sum()
    mentions_table = read(warehouse, "entity_mentions")
    assert len(mentions_table) > 0
    assert doc_id not in set(mentions_table["doc_id"])
    english = paragraphs[paragraphs["doc_id"] != doc_id]
    assert english.loc[~english["is_boilerplate"], "ner_applied"].all()
