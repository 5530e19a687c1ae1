"""Corpus-level boilerplate: per-domain recurrence evidence, then the final articles and paragraphs."""
import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from pipeline.core.corpus_boilerplate import apply_flags, domain_boilerplate as compute_domain_boilerplate
from pipeline.defs import checks
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import warehouse
from pipeline.storage.io_manager import definition_metadata


def _example_texts(settings, found: pd.DataFrame) -> pd.Series:
    if found.empty:
        return pd.Series(dtype=object)
    # only the rows holding a found key: reading every paragraph's text grew with the corpus, in time and memory
    near = found["match"] == "near"
    wanted = (ds.field("boilerplate_key").isin(pa.array(found.loc[near, "boilerplate_key"].tolist(), pa.string()))
              | ds.field("exact_key").isin(pa.array(found.loc[~near, "boilerplate_key"].tolist(), pa.string())))
    texts = warehouse.scan(
        settings.warehouse_dir, "extracted_paragraphs", ["boilerplate_key", "exact_key", "text"], filter=wanted
    ).to_pandas()
    near = texts.drop_duplicates("boilerplate_key").set_index("boilerplate_key")["text"]
    exact = texts.drop_duplicates("exact_key").set_index("exact_key")["text"]
    return found["boilerplate_key"].map(near).where(found["match"] == "near", found["boilerplate_key"].map(exact))


@dg.asset(
    deps=["extracted_paragraphs", "extracted_articles"],
    group_name="corpus",
    kinds={"parquet"},
    metadata=definition_metadata("domain_boilerplate"),
)
def domain_boilerplate(context: dg.AssetExecutionContext, pipeline_settings: PipelineSettings) -> pd.DataFrame:
    """Paragraphs that recur across a domain's articles: that site's furniture, with the evidence."""
    settings = pipeline_settings.settings()
    keys = warehouse.read_table(
        settings.warehouse_dir, "extracted_paragraphs", ["doc_id", "kind", "boilerplate_key", "exact_key"]
    )
    domains = warehouse.read_table(settings.warehouse_dir, "extracted_articles", ["doc_id", "domain"])
    found = compute_domain_boilerplate(keys, domains, settings)
    found["example"] = _example_texts(settings, found)
    context.log.info(f"{len(found)} recurring paragraphs over {found['domain'].nunique()} domains")
    return found.sort_values(["domain", "n_documents"], ascending=[True, False], ignore_index=True)


@dg.multi_asset(
    outs={
        "articles": dg.AssetOut(
            description="One row per usable article: clean text and metadata.",
            metadata=definition_metadata("articles"), group_name="corpus", kinds={"parquet"},
        ),
        "paragraphs": dg.AssetOut(
            description="Every extracted paragraph in reading order, boilerplate flagged (not deleted).",
            metadata=definition_metadata("paragraphs"), group_name="corpus", kinds={"parquet"},
        ),
    },
    partitions_def=batch_partitions,
    check_specs=checks.ARTICLE_CHECK_SPECS,
)
def final_articles(
    pipeline_settings: PipelineSettings,
    extracted_articles: pd.DataFrame,
    extracted_paragraphs: pd.DataFrame,
    domain_boilerplate: pd.DataFrame,
):
    """The batch's articles and paragraphs with the corpus-level flags applied."""
    settings = pipeline_settings.settings()
    # a newer capture of the same URL, in this batch or a later one, replaces the article
    superseded = warehouse.superseded_doc_ids(settings.warehouse_dir)
    extracted_articles = extracted_articles[~extracted_articles["doc_id"].isin(superseded)]
    extracted_paragraphs = extracted_paragraphs[~extracted_paragraphs["doc_id"].isin(superseded)]
    paragraphs, articles = apply_flags(
        extracted_paragraphs, extracted_articles, domain_boilerplate, settings.ner_models,
        settings.ner_max_words_per_document,
    )
    flagged = int((paragraphs["boilerplate_rule"] == "recurs_in_domain").sum())
    yield dg.Output(articles, output_name="articles")
    yield dg.Output(paragraphs, output_name="paragraphs", metadata={"flagged_as_recurring": flagged})
    yield checks.articles_are_unique_and_non_empty(articles)
