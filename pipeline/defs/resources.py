"""Dagster resources: the pipeline settings, and the NER model they name."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dagster as dg

from pipeline.core.ner import EntityRecognizer
from pipeline.settings import Settings


@lru_cache(maxsize=4)
def _recognizer(models: tuple[tuple[str, str], ...], batch_size: int, n_process: int,
                naive: bool = False) -> EntityRecognizer:
    # Loading a spaCy model takes seconds: once per process and configuration.
    return EntityRecognizer(dict(models), batch_size=batch_size, n_process=n_process, naive=naive)


# Settings shown and editable in the launchpad beside the paths and models.
OPTION_FIELDS = ("executor", "executor_workers", "dask_scheduler", "document_time_budget_s", "entity_gazetteer",
                 "extraction_ensemble", "s3_endpoint_url")


class PipelineSettings(dg.ConfigurableResource):
    """Paths and options, shown and editable in the Dagster UI's launchpad."""

    landing_dir: str
    warehouse_dir: str
    ner_models: dict[str, str] = Settings().ner_models
    ner_processes: int = Settings().ner_processes
    executor: str = Settings().executor
    executor_workers: int = Settings().executor_workers
    dask_scheduler: str = Settings().dask_scheduler
    document_time_budget_s: float = Settings().document_time_budget_s
    entity_gazetteer: bool = Settings().entity_gazetteer
    extraction_ensemble: str = Settings().extraction_ensemble  # "", off, vote, gated (README "Several extractors")
    s3_endpoint_url: str = Settings().s3_endpoint_url

    def settings(self) -> Settings:
        """These fields over the defaults and NEWS_* environment variables."""
        return Settings.from_env(
            landing_dir=Path(self.landing_dir),
            warehouse_dir=self.warehouse_dir,  # a path or an s3:// URL
            ner_models=dict(self.ner_models),
            ner_processes=self.ner_processes,
            **{name: getattr(self, name) for name in OPTION_FIELDS},
        )

    def recognizer(self) -> EntityRecognizer:
        settings = self.settings()
        return _recognizer(
            tuple(sorted(settings.ner_models.items())), settings.ner_batch_size, settings.ner_processes,
            settings.ner_naive,  # NEWS_NER_NAIVE=1: the benchmark baseline (bench/pipeline_ner.py)
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> "PipelineSettings":
        return cls(
            landing_dir=str(settings.landing_dir),
            warehouse_dir=str(settings.warehouse_dir),
            ner_models=dict(settings.ner_models),
            ner_processes=settings.ner_processes,
            **{name: getattr(settings, name) for name in OPTION_FIELDS},
        )
