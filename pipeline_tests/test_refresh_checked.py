"""stale_batches reads only the batches it has not found fresh against the current evidence
(pipeline/storage/refresh.py, CHECKED_FILE), and finds the same batches as a check of every batch."""
from __future__ import annotations

import dagster as dg
import pandas as pd

from pipeline.defs.jobs import REFRESH_WRITE_ORDER
from pipeline.sample.generator import generate_corpus
from pipeline.settings import Settings
from pipeline.storage import refresh, warehouse
from pipeline_tests.helpers import ingest_new, unreadable_keeping_stamps


def _full_check(wh) -> list[str]:
    (wh / refresh.CHECKED_FILE).unlink(missing_ok=True)
    return refresh.stale_batches(wh, REFRESH_WRITE_ORDER)


def test_fresh_batches_are_not_read_again_until_the_evidence_changes(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    wh = settings.warehouse_dir
    with dg.DagsterInstance.get() as instance:
        keys = []
        for seed in (21, 22):
            generate_corpus(landing / f"part{seed}", n_articles=20, seed=seed, days=3)
            keys += ingest_new(settings, instance)
    assert len(keys) == 2
    stale = _full_check(wh)  # the first batch may be stale: the second brought boilerplate evidence
    [fresh] = [key for key in keys if key not in stale][-1:]
    assert (wh / refresh.CHECKED_FILE).exists()

    # checked fresh: that batch's files are not read again (unreadable, same stamps)
    paths = [warehouse.partition_files(wh, table)[fresh] for table in refresh.CHECKED_TABLES]
    with unreadable_keeping_stamps(paths):
        assert refresh.stale_batches(wh, REFRESH_WRITE_ORDER) == stale

    # new boilerplate evidence: a paragraph of the fresh batch becomes furniture of its domain,
    # and that batch is stale, as a check of every batch finds
    paragraphs = warehouse.read_table(wh, "extracted_paragraphs", partitions=[fresh])
    articles = warehouse.read_table(wh, "extracted_articles", ["doc_id", "domain"], partitions=[fresh])
    unflagged = paragraphs[~paragraphs["is_boilerplate"]].merge(articles, on="doc_id").iloc[0]
    path = warehouse.table_dir(wh, "domain_boilerplate") / "data.parquet"
    boilerplate = pd.read_parquet(path)
    row = boilerplate.iloc[0].to_dict() if len(boilerplate) else {column: None for column in boilerplate.columns}
    row.update(domain=unflagged["domain"], boilerplate_key=unflagged["boilerplate_key"], match="near")
    boilerplate.loc[len(boilerplate)] = row
    warehouse.write_table_file("domain_boilerplate", boilerplate, path)
    assert refresh.stale_batches(wh, REFRESH_WRITE_ORDER) == sorted({*stale, fresh})
    assert _full_check(wh) == sorted({*stale, fresh})
