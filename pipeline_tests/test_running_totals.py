"""Running totals of the per-batch partials (pipeline/storage/totals.py) on a real Dagster instance:
a corpus built batch by batch, folding each new batch into the totals, gives the same corpus
tables as the same partials combined from scratch, a new batch reads no earlier batch's partial,
and re-materialising a batch leaves every table as it was."""
from __future__ import annotations

import json
import shutil

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq

from pipeline.core import aggregate
from pipeline.defs.jobs import AGGREGATE_TABLES, LANDING_TABLES
from pipeline.sample.generator import generate_corpus
from pipeline.settings import Settings
from pipeline.storage import landing_files, schemas, totals, warehouse
from pipeline_tests.helpers import (ingest_new, materialize_batch, pipeline_assets, read, resources,
                                    unreadable_keeping_stamps)

CORPUS_TABLES = ["entity_aliases", "entities", "entity_pairs", "entity_daily", "entity_trends", "landing_files"]
COMBINE = {**aggregate.COMBINE, "landing_file_batches": landing_files.gather}


def _corpus_step(settings, instance) -> dict[str, pd.DataFrame]:
    result = dg.materialize(pipeline_assets(), selection=AGGREGATE_TABLES + LANDING_TABLES, instance=instance,
                            resources=resources(settings))
    assert result.success
    return {table: read(settings.warehouse_dir, table) for table in CORPUS_TABLES}


def _folded(warehouse_dir, partial: str) -> dict:
    path = totals.totals_path(warehouse_dir, schemas.TOTALS[partial])
    return json.loads(pq.read_schema(str(path)).metadata[totals.FOLDED_KEY])


def _assert_equal(left: dict, right: dict) -> None:
    for table in CORPUS_TABLES:
        assert len(left[table]) > 0, table
        pd.testing.assert_frame_equal(left[table], right[table], obj=table)


def _assert_totals_are_every_partial_combined(warehouse_dir) -> None:
    for partial, totals_table in schemas.TOTALS.items():
        stored = pd.read_parquet(totals.totals_path(warehouse_dir, totals_table))
        expected = schemas.to_arrow(totals_table, COMBINE[partial](warehouse.read_table(warehouse_dir, partial)))
        pd.testing.assert_frame_equal(stored, expected.to_pandas(), obj=totals_table)


def test_totals_fold_new_batches_and_equal_a_rebuild_and_reruns_are_idempotent(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    wh = settings.warehouse_dir
    with dg.DagsterInstance.get() as instance:
        keys = []
        for seed in (11, 12):
            generate_corpus(landing / f"part{seed}", n_articles=24, seed=seed, days=4)
            keys += ingest_new(settings, instance)
            _corpus_step(settings, instance)
            for partial in schemas.TOTALS:
                assert sorted(_folded(wh, partial)) == keys, partial

        # a third batch: the earlier batches' partial files are unreadable but keep their stamps,
        # so the corpus step can only succeed by reading the totals and the new batch's partials
        generate_corpus(landing / "part13", n_articles=24, seed=13, days=4)
        keys += ingest_new(settings, instance)
        earlier = [path for partial in schemas.TOTALS
                   for key, path in warehouse.partition_files(wh, partial).items() if key != keys[-1]]
        with unreadable_keeping_stamps(earlier):
            built = _corpus_step(settings, instance)
        assert len(keys) == 3 and sorted(_folded(wh, "entity_batch_counts")) == keys
        _assert_totals_are_every_partial_combined(wh)
        assert built["entities"]["n_mentions"].sum() == len(read(wh, "entity_mentions"))
        assert set(built["landing_files"]["batch"]) == set(keys)

        # from scratch: the same partials combined without totals give the same tables
        for totals_table in schemas.TOTALS.values():
            shutil.rmtree(warehouse.table_dir(wh, totals_table))
        _assert_equal(_corpus_step(settings, instance), built)

        # re-materialising the newest batch (a re-run): its partials are rewritten, the totals
        # rebuilt, and every table is as it was
        before = _folded(wh, "entity_batch_counts")[keys[-1]]
        materialize_batch(settings, instance, keys[-1])
        assert _folded(wh, "entity_batch_counts")[keys[-1]] == before  # not folded yet
        rerun = _corpus_step(settings, instance)
        assert _folded(wh, "entity_batch_counts")[keys[-1]] != before
        _assert_totals_are_every_partial_combined(wh)
        _assert_equal(rerun, built)

        # an earlier batch re-run (it now sees the later batches' boilerplate evidence): nothing
        # counts twice, and the tables equal those combined from scratch
        materialize_batch(settings, instance, keys[0])
        rerun = _corpus_step(settings, instance)
        _assert_totals_are_every_partial_combined(wh)
        assert rerun["entities"]["n_mentions"].sum() == len(read(wh, "entity_mentions"))
        for totals_table in schemas.TOTALS.values():
            shutil.rmtree(warehouse.table_dir(wh, totals_table))
        _assert_equal(_corpus_step(settings, instance), rerun)


def test_boilerplate_evidence_folds_only_new_batches_and_equals_the_corpus_count(tmp_path, dagster_home,
                                                                                monkeypatch):
    from pipeline.core.corpus_boilerplate import domain_boilerplate
    from pipeline.defs.assets import boilerplate

    derived: list[list[str]] = []
    real = boilerplate._key_counts

    def spied(warehouse_dir, batches):
        derived.append(list(batches))
        return real(warehouse_dir, batches)

    monkeypatch.setattr(boilerplate, "_key_counts", spied)
    landing = tmp_path / "landing"
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse",
                        boilerplate_min_domain_documents=4)
    wh = settings.warehouse_dir

    def expected() -> pd.DataFrame:  # the whole corpus counted at once, without any totals
        keys = warehouse.read_table(wh, "extracted_paragraphs", ["doc_id", "kind", "boilerplate_key", "exact_key"])
        found = domain_boilerplate(keys, warehouse.read_table(wh, "extracted_articles", ["doc_id", "domain"]),
                                   settings)
        return found.sort_values(["domain", "match", "boilerplate_key"], ignore_index=True)

    def stored() -> pd.DataFrame:
        found = read(wh, "domain_boilerplate").drop(columns="example")[expected().columns]
        return found.sort_values(["domain", "match", "boilerplate_key"], ignore_index=True)

    with dg.DagsterInstance.get() as instance:
        keys = []
        for seed in (21, 22, 23):
            generate_corpus(landing / f"part{seed}", n_articles=30, seed=seed, days=3)
            derived.clear()
            keys += ingest_new(settings, instance)
            assert derived == [keys[-1:]]  # only the new batch is read
        assert len(keys) == 3 and len(stored()) > 0 and stored()["match"].nunique() == 2
        pd.testing.assert_frame_equal(stored(), expected(), check_dtype=False)
        assert read(wh, "domain_boilerplate")["example"].notna().all()

        # a re-run of the first batch rewrites its staging files: the evidence is counted again from every batch
        derived.clear()
        materialize_batch(settings, instance, keys[0])
        assert derived == [keys]
        pd.testing.assert_frame_equal(stored(), expected(), check_dtype=False)
