"""Entity aggregates: small per-batch partials, and corpus-wide tables summed from them.

A batch's ``entity_batch_*`` partials are written with the batch (cost in
proportion to the batch). The corpus-wide tables read only their running
totals plus the partials of the batches added since (pipeline/storage/totals.py)
-- never a mention, nor every batch's partial file -- so rebuilding them after
a new batch costs in proportion to that batch and to the number of distinct
entities, pairs and (entity, day, outlet) keys, not to the number of mentions
or of batches. See pipeline/core/aggregate.py for the exactness
argument.
"""

import base64

import dagster as dg
import pandas as pd

from pipeline.core import aggregate
from pipeline.core.chart import top_entities_png
from pipeline.core.overrides import load_overrides
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import mention_links
from pipeline.storage import objects
from pipeline.storage import schemas
from pipeline.storage import totals
from pipeline.storage import warehouse
from pipeline.storage.io_manager import asset_group, definition_metadata

MENTION_COLUMNS = ["doc_id", "text", "label", "vote_label", "entity_id", "canonical_name"]
ARTICLE_COLUMNS = ["doc_id", "domain", "published_at", "fetched_at", "date", "outlet"]

# Rebuild when any batch's partials are updated, even if some other batch is
# missing or failed: one bad batch must not freeze the corpus-wide tables.
AGGREGATE_CONDITION = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())

PARTIAL_DESCRIPTIONS = {
    "entity_batch_evidence": "Per batch: mentions per article-level entity id, name, label and spelling.",
    "entity_batch_counts": "Per batch: mentions and articles per article-level entity id, day and outlet.",
    "entity_batch_pairs": "Per batch: articles per pair of article-level entity ids.",
    "entity_batch_documents": "Per batch: articles with entities per day and outlet.",
    "entity_batch_overlaps": "Per batch: articles where two article-level ids could merge corpus-wide.",
}


@dg.multi_asset(
    partitions_def=batch_partitions,
    deps=["entity_mentions", "articles"],
    outs={
        table: dg.AssetOut(
            group_name=asset_group(table, "entities"), kinds={"parquet"}, metadata=definition_metadata(table),
            description=description,
        )
        for table, description in PARTIAL_DESCRIPTIONS.items()
    },
)
def entity_batch_partials(context: dg.AssetExecutionContext, pipeline_settings: PipelineSettings):
    """The batch's partial aggregates, read from its own entity_mentions and articles files."""
    settings = pipeline_settings.settings()
    key = context.partition_key
    mentions = warehouse.read_table(settings.warehouse_dir, "entity_mentions", MENTION_COLUMNS, partitions=[key])
    articles = warehouse.read_table(settings.warehouse_dir, "articles", ARTICLE_COLUMNS, partitions=[key])
    partials = aggregate.batch_partials(mentions, articles, key)
    context.log.info(
        f"{len(mentions)} mentions -> " + ", ".join(f"{t}: {len(f)} rows" for t, f in partials.items())
    )
    for table in PARTIAL_DESCRIPTIONS:
        yield dg.Output(partials[table], output_name=table)


def _aggregate_asset(name: str, **kwargs):
    return dg.asset(
        name=name,
        group_name="entities",
        kinds={"parquet"},
        metadata=definition_metadata(name),
        automation_condition=AGGREGATE_CONDITION,
        **kwargs,
    )


def _read(settings, partial: str) -> pd.DataFrame:
    """Every batch's ``partial`` combined: its running totals plus the partials of batches added since."""
    return totals.running_totals(settings.warehouse_dir, partial, schemas.TOTALS[partial], aggregate.COMBINE[partial])


def _previous(settings, table: str) -> pd.DataFrame | None:
    path = warehouse.table_dir(settings.warehouse_dir, table) / "data.parquet"
    if not path.exists():
        return None
    return warehouse.read_frame(path)


# entity_pairs, entities and entity_daily all start from the same corpus counts: within one process
# (a corpus step run in-process) they are computed once per state of the totals and of entity_aliases
_COUNTED: dict[tuple, pd.DataFrame] = {}


def _file_state(path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_size, st.st_mtime_ns, getattr(st, "st_ino", 0)


def _corpus_counts(settings, entity_aliases: pd.DataFrame):
    """(per (corpus entity, date, domain) counts, article->corpus id map, overlaps, per-batch counts)."""
    mapping = aggregate.entity_map_from_aliases(entity_aliases)
    overlaps = _read(settings, "entity_batch_overlaps")
    counts = _read(settings, "entity_batch_counts")
    state = (
        *(_file_state(totals.totals_path(settings.warehouse_dir, schemas.TOTALS[partial]))
          for partial in ("entity_batch_overlaps", "entity_batch_counts")),
        int(pd.util.hash_pandas_object(entity_aliases[["alias_entity_id", "entity_id"]], index=False).sum()),
        len(entity_aliases),
    )
    if None in state:
        return aggregate.corpus_counts(counts, overlaps, mapping), mapping, overlaps, counts
    if state not in _COUNTED:
        _COUNTED.clear()
        _COUNTED[state] = aggregate.corpus_counts(counts, overlaps, mapping)
    return _COUNTED[state].copy(), mapping, overlaps, counts


@_aggregate_asset("entity_aliases", deps=["entity_batch_evidence"])
def entity_aliases(pipeline_settings: PipelineSettings) -> pd.DataFrame:
    """Every name an entity is mentioned by, and the article-level ids that resolve to it.

    Resolved over the summed per-batch evidence; ids in the previous version
    of this table that no batch holds any more keep resolving."""
    settings = pipeline_settings.settings()
    evidence = _read(settings, "entity_batch_evidence")
    overrides = load_overrides(settings.entity_overrides_path)
    _, table = aggregate.corpus_entity_map(evidence, _previous(settings, "entity_aliases"), overrides)
    return table


@_aggregate_asset("entity_pairs", deps=["entity_batch_pairs", "entity_batch_counts", "entity_batch_overlaps",
                                        "entity_batch_documents"])
def entity_pairs(pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame) -> pd.DataFrame:
    """Entities co-occurring in at least pair_min_support articles, with PMI and log-likelihood ratio."""
    settings = pipeline_settings.settings()
    per_key, mapping, overlaps, _ = _corpus_counts(settings, entity_aliases)
    names = dict(zip(entity_aliases["entity_id"], entity_aliases["canonical_name"]))
    n_docs = aggregate.n_documents_with_entities(_read(settings, "entity_batch_documents"))
    return aggregate.entity_pairs(
        _read(settings, "entity_batch_pairs"), overlaps, mapping, aggregate.entity_document_counts(per_key),
        names, n_docs, settings.pair_min_support,
    )


@_aggregate_asset("entities", deps=["entity_batch_counts", "entity_batch_overlaps"])
def entities(
    pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame, entity_pairs: pd.DataFrame
) -> pd.DataFrame:
    """One row per entity of the corpus: counts, first and last sighting, aliases, company kept."""
    settings = pipeline_settings.settings()
    per_key, _, _, counts = _corpus_counts(settings, entity_aliases)
    return aggregate.entities(
        aggregate.entity_document_counts(per_key), entity_aliases, entity_pairs, set(counts["entity_id"])
    )


@dg.asset(group_name="entities", kinds={"parquet"}, automation_condition=AGGREGATE_CONDITION,
          deps=["entities"])
def entity_mention_links(pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame) -> dg.MaterializeResult:
    """Rewrites entity_mentions' corpus_entity_id, corpus_canonical_name and entity_label in every
    batch whose values disagree with entity_aliases, so mentions join entities on corpus_entity_id."""
    stats = mention_links.relink_mentions(pipeline_settings.settings().warehouse_dir, entity_aliases)
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in stats.items()})


@_aggregate_asset("entity_daily", deps=["entity_batch_counts", "entity_batch_overlaps"])
def entity_daily(pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame) -> pd.DataFrame:
    """Mentions and articles per entity, day and outlet."""
    settings = pipeline_settings.settings()
    per_key, _, _, _ = _corpus_counts(settings, entity_aliases)
    return aggregate.entity_daily(per_key)


@_aggregate_asset("entity_trends")
def entity_trends(entity_daily: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Entities whose share of the last day's mentions rises most against their trailing average."""
    names = entities.set_index("entity_id")["canonical_name"]
    return aggregate.trending(entity_daily, names)


@dg.asset(group_name="entities", kinds={"matplotlib"}, automation_condition=AGGREGATE_CONDITION)
def entity_chart(
    context: dg.AssetExecutionContext,
    pipeline_settings: PipelineSettings,
    entity_daily: pd.DataFrame,
    entities: pd.DataFrame,
) -> dg.MaterializeResult:
    """PNG chart of the top entities' daily mentions, shown in the UI and saved beside the tables."""
    settings = pipeline_settings.settings()
    png = top_entities_png(entity_daily, entities, settings.top_entities_in_chart)
    path = settings.warehouse_dir / "charts" / "top_entities.png"
    objects.write_bytes(path, png)  # atomic: renamed into place, or one PUT
    encoded = base64.b64encode(png).decode()
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "chart": dg.MetadataValue.md(f"![top entities](data:image/png;base64,{encoded})"),
            "entities_shown": dg.MetadataValue.int(min(settings.top_entities_in_chart, len(entities))),
        }
    )
