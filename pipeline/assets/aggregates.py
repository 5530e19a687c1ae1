"""Corpus-wide entity tables, rebuilt from the partitioned mentions on Parquet."""

import base64

import dagster as dg
import pandas as pd

from pipeline import warehouse
from pipeline.core import aggregate
from pipeline.core.canonical import resolve_corpus
from pipeline.core.chart import top_entities_png
from pipeline.io_manager import definition_metadata
from pipeline.resources import PipelineSettings

MENTION_COLUMNS = ["doc_id", "paragraph_index", "text", "label", "entity_id", "canonical_name"]

# Rebuild when any batch of mentions is updated, even if some other batch is
# missing or failed: one bad batch must not freeze the corpus-wide tables.
AGGREGATE_CONDITION = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())


def _aggregate_asset(name: str, **kwargs):
    return dg.asset(
        name=name,
        group_name="entities",
        kinds={"parquet"},
        metadata=definition_metadata(name),
        automation_condition=AGGREGATE_CONDITION,
        **kwargs,
    )


def _mentions(settings) -> pd.DataFrame:
    return warehouse.read_table(settings.warehouse_dir, "entity_mentions", MENTION_COLUMNS)


def _resolved(settings, entity_aliases: pd.DataFrame) -> pd.DataFrame:
    entity_map = entity_aliases.drop_duplicates("alias_entity_id").rename(
        columns={"entity_id": "final_entity_id", "alias_entity_id": "entity_id"}
    )
    return aggregate.resolve_mentions(_mentions(settings), entity_map)


def _dates(settings) -> pd.DataFrame:
    articles = warehouse.read_table(
        settings.warehouse_dir, "articles", ["doc_id", "domain", "published_at", "fetched_at"]
    )
    return aggregate.article_dates(articles)


@_aggregate_asset("entity_aliases", deps=["entity_mentions"])
def entity_aliases(pipeline_settings: PipelineSettings) -> pd.DataFrame:
    """Every name an entity is mentioned by, and the article-level ids that resolve to it."""
    mentions = _mentions(pipeline_settings.settings())
    entity_map, _ = resolve_corpus(mentions)
    pairs = mentions[["text", "entity_id"]].drop_duplicates()
    table = pairs.merge(entity_map, on="entity_id", how="left")
    table["final_entity_id"] = table["final_entity_id"].fillna(table["entity_id"])
    return pd.DataFrame(
        {
            "alias": table["text"],
            "label": table["label"],
            "entity_id": table["final_entity_id"],
            "alias_entity_id": table["entity_id"],
            "canonical_name": table["canonical_name"],
        }
    ).sort_values(["entity_id", "alias"], ignore_index=True)


@_aggregate_asset("entity_pairs", deps=["articles"])
def entity_pairs(pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame) -> pd.DataFrame:
    """Entities co-occurring in one article, with their PMI, above the minimum support."""
    settings = pipeline_settings.settings()
    return aggregate.entity_pairs(_resolved(settings, entity_aliases), settings.pair_min_support)


@_aggregate_asset("entities", deps=["articles"])
def entities(
    pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame, entity_pairs: pd.DataFrame
) -> pd.DataFrame:
    """One row per entity of the corpus: counts, first and last sighting, aliases, company kept."""
    settings = pipeline_settings.settings()
    return aggregate.entities(_resolved(settings, entity_aliases), _dates(settings), entity_pairs)


@_aggregate_asset("entity_daily", deps=["articles"])
def entity_daily(pipeline_settings: PipelineSettings, entity_aliases: pd.DataFrame) -> pd.DataFrame:
    """Mentions and articles per entity, day and outlet."""
    settings = pipeline_settings.settings()
    return aggregate.entity_daily(_resolved(settings, entity_aliases), _dates(settings))


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(png)
    tmp.replace(path)
    encoded = base64.b64encode(png).decode()
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "chart": dg.MetadataValue.md(f"![top entities](data:image/png;base64,{encoded})"),
        }
    )
