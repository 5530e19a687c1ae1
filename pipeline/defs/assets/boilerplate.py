"""Corpus-level boilerplate: per-domain recurrence evidence, then the final articles and paragraphs."""
import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from pipeline.core.corpus_boilerplate import apply_flags, boilerplate_from_counts, key_counts
from pipeline.defs import checks
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage import schemas
from pipeline.storage import totals
from pipeline.storage import warehouse
from pipeline.storage.io_manager import definition_metadata


EVIDENCE_SOURCES = ("extracted_paragraphs", "extracted_articles")
EVIDENCE = "boilerplate_key_totals"


def _key_counts(warehouse_dir, batches: list[str]) -> pa.Table:
    """The recurrence evidence of some batches, each counted on its own (a document lives in one batch)."""
    parts = [
        key_counts(
            warehouse.read_table(warehouse_dir, "extracted_paragraphs",
                                 ["doc_id", "kind", "boilerplate_key", "exact_key"], partitions=[batch]),
            warehouse.read_table(warehouse_dir, "extracted_articles", ["doc_id", "domain"], partitions=[batch]),
        )
        for batch in batches
    ]
    if not parts:
        return schemas.TABLES[EVIDENCE].empty_table()
    counts = pd.concat(parts, ignore_index=True)
    columns = {name: counts[name].tolist() for name in schemas.TABLES[EVIDENCE].names}
    columns["boilerplate_key"] = [None if key is None else int(key, 16) for key in columns["boilerplate_key"]]
    return pa.Table.from_pydict(columns, schema=schemas.TABLES[EVIDENCE])


def _evidence(settings) -> pd.DataFrame:
    """The corpus's key counts, from their running totals; keys too rare for either tier left out."""
    counts = totals.derived_totals(
        settings.warehouse_dir, EVIDENCE_SOURCES, EVIDENCE,
        lambda batches: _key_counts(settings.warehouse_dir, batches),
        totals.summed(["domain", "match", "boilerplate_key"], "n_documents"),
    )
    fewest = min(settings.boilerplate_min_documents, settings.boilerplate_exact_min_documents)
    counts = counts.filter(pc.or_(pc.is_null(counts["boilerplate_key"]),
                                  pc.greater_equal(counts["n_documents"], fewest)))
    return pd.DataFrame({
        "domain": counts["domain"].to_pylist(), "match": counts["match"].to_pylist(),
        "boilerplate_key": [None if key is None else f"{key:016x}" for key in counts["boilerplate_key"].to_pylist()],
        "n_documents": counts["n_documents"].to_numpy(),
    })


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
    found = boilerplate_from_counts(_evidence(settings), settings)
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
