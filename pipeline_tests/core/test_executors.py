"""The per-document map on each executor: outcomes, the time budget, the rows it gives."""
import os
import time

import pandas as pd
import pytest

from pipeline.core import tables
from pipeline.core.batch import map_batch
from pipeline.core.executors import make_executor
from pipeline.core.tables import parse_batch
from pipeline.settings import Settings
from pipeline.storage.batches import claim_new_files
from pipeline_tests.services import dask_cluster

SLOW_MARKER = "slow-page-marker"
LOCAL = ["inprocess", "pool"]
_original_extract = tables._extract


def _busy(seconds: float) -> None:
    """Python-level work (a budget stops Python code, not one long call into C)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)


# Module-level (not lambdas or closures): pool workers unpickle them by name.
def stage(item: int) -> int:
    if item == 3:
        _busy(120)  # far over the budget given below; the document is stopped long before
    if item == 4:
        raise ValueError("a bug on this document only")
    return item * 10


def slow_extract(doc, settings):
    if SLOW_MARKER in doc.text:
        _busy(120)
    return _original_extract(doc, settings)


def where(item: int) -> int:
    time.sleep(0.05)  # long enough that one worker cannot take every task
    return os.getpid()


@pytest.fixture(scope="module")
def cluster():
    with dask_cluster(workers=2) as address:
        yield address


@pytest.mark.parametrize("kind", [*LOCAL, "dask"])
def test_a_document_over_budget_is_too_slow_and_the_rest_go_on(kind, request):
    address = request.getfixturevalue("cluster") if kind == "dask" else ""
    executor = make_executor(kind, workers=2, budget_s=1.0, dask_scheduler=address)
    try:
        outcomes = list(map_batch(stage, range(8), executor=executor))
    finally:
        executor.close()
    assert [o.item for o in outcomes] == list(range(8))  # one outcome per item, in order
    assert outcomes[3].reason == "too_slow" and "budget of 1 s" in outcomes[3].detail
    assert outcomes[4].reason == "internal_error" and "ValueError" in outcomes[4].detail
    # the documents after the slow one (in the pool: on a replacement worker) all came through
    assert [o.value for o in outcomes if o.ok] == [0, 10, 20, 50, 60, 70]


def test_an_unknown_executor_is_a_clear_error():
    with pytest.raises(ValueError, match="executor must be one of inprocess, pool, dask, not 'threads'"):
        Settings(executor="threads")


def _landing(tmp_path, pages: int) -> tuple:
    from pipeline.sample.generator import generate_corpus

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    generate_corpus(landing, n_articles=pages, seed=5, days=2)
    return landing, warehouse


@pytest.mark.parametrize("kind", LOCAL)
def test_a_page_over_budget_becomes_a_too_slow_row(kind, tmp_path, monkeypatch):
    landing, warehouse = _landing(tmp_path, 6)
    victim = sorted(p for p in landing.rglob("*.html"))[0]
    victim.write_text(victim.read_text().replace("</body>", f"<!-- {SLOW_MARKER} --></body>"))
    monkeypatch.setattr(tables, "_extract", slow_extract)
    settings = Settings(landing_dir=landing, warehouse_dir=warehouse, executor=kind, document_time_budget_s=1.0)
    [batch] = claim_new_files(landing, warehouse)

    result = parse_batch(landing, batch, settings)

    slow = result.rejected_documents[result.rejected_documents["reason"] == "too_slow"]
    assert slow["source_path"].tolist() == [victim.relative_to(landing).as_posix()]
    assert slow["stage"].tolist() == ["extract"]
    # the slow page is still a document; every other page became an article
    assert victim.relative_to(landing).as_posix() in set(result.documents["source_path"])
    assert len(result.extracted_articles) >= 5
    assert victim.relative_to(landing).as_posix() not in set(result.extracted_articles["source_path"])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("doc_id", "paragraph_index", "source_path", "reason") if c in frame.columns]
    return frame.sort_values(keys).reset_index(drop=True)


def test_a_document_over_budget_is_too_slow_off_the_main_thread():
    from concurrent.futures import ThreadPoolExecutor

    def run():
        return list(map_batch(stage, range(5), executor=make_executor("inprocess", budget_s=1.0)))

    with ThreadPoolExecutor(1) as threads:
        outcomes = threads.submit(run).result()
    assert [o.reason for o in outcomes] == [None, None, None, "too_slow", "internal_error"]


def test_every_executor_gives_the_same_rows(tmp_path, cluster):
    landing, _ = _landing(tmp_path, 16)
    results = {}
    for kind in ("inprocess", "pool", "dask"):
        warehouse = tmp_path / f"warehouse-{kind}"
        settings = Settings(landing_dir=landing, warehouse_dir=warehouse, executor=kind, dask_scheduler=cluster)
        [batch] = claim_new_files(landing, warehouse)
        results[kind] = parse_batch(landing, batch, settings)

    # and the work ran on the cluster's two workers, not here
    executor = make_executor("dask", dask_scheduler=cluster)
    try:
        pids = [o.value for o in map_batch(where, range(40), executor=executor)]
        workers = set(executor.workers)
    finally:
        executor.close()
    assert os.getpid() not in pids and len(set(pids)) == 2
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)

    baseline = results["inprocess"]
    assert len(baseline.extracted_articles) >= 14 and len(baseline.extracted_paragraphs) > 100
    for kind in ("pool", "dask"):
        for table in tables.PARSED_TABLES:
            expected, got = getattr(baseline, table), getattr(results[kind], table)
            # batch keys differ per warehouse (claim time); everything else must match
            pd.testing.assert_frame_equal(_sorted(got.drop(columns="batch")), _sorted(expected.drop(columns="batch")))
