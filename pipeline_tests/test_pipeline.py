"""The pipeline on a real Dagster instance: materialize, sensor, re-runs."""

import dagster as dg
import pandas as pd

from pipeline.defs.resources import PipelineSettings
from pipeline.defs.sensors import landing_sensor
from pipeline.settings import Settings
from pipeline.storage import batches
from pipeline_tests.helpers import ingest_new, materialize_aggregates, materialize_batch, read

def _materialize_all(settings: Settings, instance: dg.DagsterInstance) -> list[str]:
    keys = ingest_new(settings, instance)
    materialize_aggregates(settings, instance)
    return keys


def test_materialize_fills_every_table(sample_landing, tmp_path, dagster_home):
    settings = Settings(landing_dir=sample_landing, warehouse_dir=tmp_path / "warehouse")
    with dg.DagsterInstance.get() as instance:
        [key] = _materialize_all(settings, instance)
        materialized = instance.get_materialized_partitions(dg.AssetKey("entity_mentions"))
        assert materialized == {key}

    warehouse = settings.warehouse_dir
    articles = read(warehouse, "articles")
    paragraphs = read(warehouse, "paragraphs")
    mentions_table = read(warehouse, "entity_mentions")
    entities = read(warehouse, "entities")
    assert len(articles) >= 20
    assert articles["doc_id"].is_unique
    assert articles["domain"].nunique() >= 4
    assert (articles["n_words"] > 50).all()
    # every article's text is exactly its kept paragraphs joined by blank lines
    first = articles.iloc[0]
    kept = paragraphs[(paragraphs["doc_id"] == first["doc_id"]) & ~paragraphs["is_boilerplate"]]
    assert first["text"] == "\n\n".join(kept.sort_values("paragraph_index")["text"])
    assert paragraphs["is_boilerplate"].any()

    assert len(mentions_table) > 100
    spans = mentions_table.merge(paragraphs, on=["doc_id", "paragraph_index"], suffixes=("", "_p"))
    assert all(row.text_p[row.start:row.end] == row.text for row in spans.itertuples())
    assert not entities["canonical_name"].str.contains("\n").any()
    assert entities["n_mentions"].iloc[0] >= entities["n_mentions"].iloc[-1]
    daily = read(warehouse, "entity_daily")
    assert daily["date"].nunique() >= 2
    assert daily["n_mentions"].sum() == len(mentions_table)
    pairs = read(warehouse, "entity_pairs")
    assert (pairs["n_documents"] >= settings.pair_min_support).all() and len(pairs) > 0
    assert (warehouse / "charts" / "top_entities.png").read_bytes()[:4] == b"\x89PNG"


def test_rematerializing_a_partition_replaces_its_rows(sample_landing, tmp_path, dagster_home):
    settings = Settings(landing_dir=sample_landing, warehouse_dir=tmp_path / "warehouse")
    with dg.DagsterInstance.get() as instance:
        [key] = _materialize_all(settings, instance)
        before = {table: read(settings.warehouse_dir, table) for table in ("documents", "articles", "entity_mentions")}
        materialize_batch(settings, instance, key)
    for table, frame in before.items():
        after = read(settings.warehouse_dir, table)
        assert len(after) == len(frame) > 0
        pd.testing.assert_frame_equal(
            after.drop(columns=["html"], errors="ignore"), frame.drop(columns=["html"], errors="ignore")
        )


def test_sensor_claims_new_files_once(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    landing.mkdir()
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    resources = {"pipeline_settings": PipelineSettings.from_settings(settings)}
    with dg.DagsterInstance.get() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        assert isinstance(landing_sensor(context), dg.SkipReason)

        (landing / "a.html").write_text("<html><body><p>one</p></body></html>")
        (landing / "sub").mkdir()
        (landing / "sub" / "b.htm").write_text("<html><body><p>two</p></body></html>")
        result = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources))
        assert isinstance(result, dg.SensorResult)
        [request] = result.run_requests
        [add] = result.dynamic_partitions_requests
        assert list(add.partition_keys) == [request.partition_key]
        claimed = batches.load_batch(settings.warehouse_dir, request.partition_key)
        assert sorted(f.path for f in claimed.files) == ["a.html", "sub/b.htm"]

        # nothing new: no second run; a copy of known bytes is recorded as a duplicate
        assert isinstance(landing_sensor(dg.build_sensor_context(instance=instance, resources=resources)), dg.SkipReason)
        (landing / "copy.html").write_bytes((landing / "a.html").read_bytes())
        again = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources))
        [copy_request] = again.run_requests
        [copy] = batches.load_batch(settings.warehouse_dir, copy_request.partition_key).files
        assert copy.duplicate_of == "a.html"


def test_batch_keys_sort_in_claim_order_within_one_second(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    keys = []
    for i in range(5):
        (landing / f"page{i}.html").write_text(f"<html><body><p>page {i}</p></body></html>")
        keys += [b.key for b in batches.claim_new_files(landing, warehouse)]
    assert len(keys) == 5 and keys == sorted(keys)
