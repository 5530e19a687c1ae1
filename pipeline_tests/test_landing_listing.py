"""A run lists the landing dir once for itself (the CLI's no-op check, the stamp's inputs, the claim and the staleness check
share that listing) and once in the landing_files asset, however many batches it ingests."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import runner
from pipeline.core import landing
from pipeline.sample.generator import generate_corpus
from pipeline.settings import Settings
from pipeline.storage import batches, landing_files, noop, warehouse

LISTERS = (runner, noop, batches, landing_files)


@pytest.fixture
def listings(monkeypatch) -> list[str]:
    """Every listing of a landing dir, by the module that made it."""
    made: list[str] = []
    real = landing.scan_landing
    for module in LISTERS:
        def counted(landing_dir, _name=module.__name__):
            made.append(_name)
            return real(landing_dir)
        monkeypatch.setattr(module, "scan_landing", counted)
    return made


def test_a_run_lists_the_landing_dir_once_for_itself(tmp_path, dagster_home, listings):
    landing_dir = tmp_path / "landing"
    generate_corpus(landing_dir, n_articles=12, seed=5, days=2)
    settings = Settings(landing_dir=landing_dir, warehouse_dir=tmp_path / "warehouse", files_per_batch=5)

    outcome = runner.run_pipeline(settings, progress=False)

    assert not outcome.failed and len(outcome.processed) >= 3
    assert listings == ["pipeline.runner", "pipeline.storage.landing_files"]  # the run's own, the asset's
    files = warehouse.read_frame(warehouse.table_dir(settings.warehouse_dir, "landing_files") / "data.parquet")
    listed = {landing.display_path(e.path) for e in landing.scan_landing(landing_dir).entries}
    assert set(files["path"]) == listed and files["present"].all()
    claimed = pd.Series([f.path for b in batches.load_batches(settings.warehouse_dir) for f in b.files])
    assert set(claimed.map(landing.display_path)) == listed and not claimed.duplicated().any()

    # nothing new: no batch run, and the staleness check answers from the run's listing too
    listings.clear()
    again = runner.run_pipeline(settings, progress=False)
    assert again.processed == [] and not again.aggregates_rebuilt
    assert listings == ["pipeline.runner"]


def test_the_cli_checks_for_nothing_new_on_the_listing_it_runs_on(tmp_path, dagster_home, listings, monkeypatch,
                                                                 capsys):
    from pipeline import cli

    made_by_cli: list[str] = []
    real = landing.scan_landing

    def counted(landing_dir):
        made_by_cli.append("pipeline.cli")
        return real(landing_dir)

    monkeypatch.setattr(landing, "scan_landing", counted)  # the CLI imports it when a run starts
    landing_dir = tmp_path / "landing"
    generate_corpus(landing_dir, n_articles=6, seed=7, days=1)
    argv = ["run", "--landing", str(landing_dir), "--warehouse", str(tmp_path / "warehouse"), "--no-progress"]

    assert cli.main(argv) == 0
    assert made_by_cli == ["pipeline.cli"] and listings == ["pipeline.storage.landing_files"]
    assert "Ingested 1 batch(es)" in capsys.readouterr().out

    made_by_cli.clear(), listings.clear()
    assert cli.main(argv) == 0  # answered from the stamp, on the same single listing
    assert made_by_cli == ["pipeline.cli"] and listings == []
    assert noop.NOTHING_NEW in capsys.readouterr().out
