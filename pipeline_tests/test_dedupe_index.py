"""The de-duplication index: later batches de-duplicate against it exactly as against the full tables,
and a run with nothing new answers from the last run's stamp without Dagster."""
import os
import shutil
import subprocess
import sys

import pandas as pd

from pipeline.core import dedupe
from pipeline.settings import Settings
from pipeline_tests.helpers import PROJECT_ROOT, read, run_cli

PAGE = (
    "<html><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1>"
    + "<p>Councillor Maria Fernandes told the Harbour Board in Lisbon on Tuesday that {what}, "
    "and the Ministry of Transport said it would study the plan with the port authority.</p>" * 5
    + "</article></body></html>"
)


def _page(path, title, what, canonical=None, mtime=None):
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    path.write_text(PAGE.format(title=title, what=what, link=link))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def test_index_rows_and_earlier_state_round_trip():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "source_path": ["x.html", "y.html", "z.warc#5"]})
    articles = pd.DataFrame({"doc_id": ["a", "c"], "url": ["https://e.com/1", "https://e.com/2"],
                             "fetched_at": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)})
    rejected = pd.DataFrame({"doc_id": ["old", None, "b"], "reason": ["superseded_file", "empty_file",
                                                                      "duplicate_content"]})
    rows = dedupe.index_rows(documents, articles, rejected, "k1")
    assert list(rows["doc_id"]) == ["a", "b", "c", "old"]
    assert list(rows["superseded"]) == [False, False, False, True]
    later = dedupe.index_rows(pd.DataFrame({"doc_id": ["d"], "source_path": ["w.html"]}),
                              pd.DataFrame({"doc_id": [], "url": [], "fetched_at": []}),
                              pd.DataFrame({"doc_id": ["a"], "reason": ["duplicate_url"]}), "k2")
    doc_ids, live_articles, live_documents = dedupe.earlier_state(pd.concat([rows, later], ignore_index=True))
    assert doc_ids == {"a": "x.html", "b": "y.html", "c": "z.warc#5", "d": "w.html"}
    assert list(live_articles["doc_id"]) == ["c"]  # a was superseded by k2's duplicate_url
    assert list(live_articles["canonical_url"]) == ["https://e.com/2"]
    assert list(live_documents["doc_id"]) == ["b", "c", "d"]


def test_index_gives_the_same_earlier_state_as_the_tables_and_noop_skips_dagster(tmp_path):
    from pipeline.defs.assets.documents import _earlier

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    env = {"DAGSTER_HOME": str(tmp_path / "dagster_home")}
    args = ("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress", "--ner-processes", "1")
    _page(landing / "story.html", "Harbour plan", "the harbour plan would cost more")
    _page(landing / "first.html", "Tram plan", "the tram line would open in May", "https://example.com/tram",
          1_700_000_000)
    run_cli(*args, env=env)
    # batch 2: a newer capture of the same URL and a new version of a path
    _page(landing / "second.html", "Tram plan update", "the tram line would open in June",
          "https://example.com/tram", 1_700_100_000)
    _page(landing / "story.html", "Harbour plan revised", "the revised harbour plan would cost less")
    run_cli(*args, env=env)
    rejected = read(warehouse, "rejected_documents")
    assert {"duplicate_url", "superseded_file"} <= set(rejected["reason"])

    settings = Settings(landing_dir=landing, warehouse_dir=warehouse)
    from_index = _earlier(settings, "~")  # sorts after every batch key: all batches are earlier
    index = read(warehouse, "dedupe_index")
    assert index["superseded"].sum() == 2 and len(index) == len(read(warehouse, "documents")) + 2
    shutil.move(warehouse / "dedupe_index", tmp_path / "index")  # as a warehouse made before the index
    from_tables = _earlier(settings, "~")
    assert from_index[0] == from_tables[0] and len(from_index[0]) == 4
    for ours, theirs in zip(from_index[1:], from_tables[1:]):
        pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True),
                                      check_dtype=False)
    assert list(from_index[1]["source_path"]) == ["second.html"]  # the live capture of the tram URL
    shutil.move(tmp_path / "index", warehouse / "dedupe_index")

    from pipeline.storage import noop as stamp

    stamp.forget(warehouse)
    full = run_cli(*args, env=env)  # nothing new, without a stamp: the full run (Dagster) decides so
    probe = ("import sys; from pipeline import cli; sys.argv = ['news-pipeline', *sys.argv[1:]]; code = cli.main();"
             " assert 'dagster' not in sys.modules, 'the no-op run imported Dagster'; sys.exit(code)")
    noop = subprocess.run([sys.executable, "-c", probe, *args], cwd=PROJECT_ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert noop.returncode == 0, noop.stderr
    assert noop.stdout == full.stdout and "Nothing new to ingest" in noop.stdout
    _page(landing / "third.html", "Bridge plan", "the bridge would close for repairs")
    after = run_cli(*args, env=env)
    assert "Ingested 1 batch(es)" in after.stdout
    assert "third.html" in set(read(warehouse, "documents")["source_path"])
