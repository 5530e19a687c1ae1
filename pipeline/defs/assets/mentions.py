"""Per-batch named-entity mentions."""

import dagster as dg
import pandas as pd

from pipeline.core.aggregate import link_corpus_ids
from pipeline.core.tables import recognise_entities
from pipeline.defs import checks
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import PipelineSettings
from pipeline.storage.io_manager import definition_metadata
from pipeline.storage.mention_links import current_gazetteer, current_links


@dg.asset(
    partitions_def=batch_partitions,
    group_name="entities",
    kinds={"parquet", "spacy"},
    metadata=definition_metadata("entity_mentions"),
    check_specs=checks.MENTION_CHECK_SPECS,
)
def entity_mentions(
    context: dg.AssetExecutionContext, pipeline_settings: PipelineSettings, paragraphs: pd.DataFrame
):
    """Every named-entity mention in the batch's kept paragraphs, cleaned and resolved within its article."""
    settings = pipeline_settings.settings()
    gazetteer = (current_gazetteer(settings.warehouse_dir, settings.gazetteer_min_mentions)
                 if settings.entity_gazetteer else None)
    frame = recognise_entities(
        paragraphs, pipeline_settings.recognizer(), context.partition_key, log=context.log.info,
        propagate=settings.entity_propagation, gazetteer=gazetteer,
    )
    # corpus ids as resolved so far; the corpus step relinks (pipeline/storage/mention_links.py)
    frame = link_corpus_ids(frame, current_links(settings.warehouse_dir))
    skipped = paragraphs[~paragraphs["ner_applied"] & ~paragraphs["is_boilerplate"]]
    yield dg.Output(
        frame,
        metadata={
            "paragraphs_recognised": int(paragraphs["ner_applied"].sum()),
            "gazetteer_names": len(gazetteer) if gazetteer else 0,
            "mentions_by_source": dg.MetadataValue.json(frame["source"].value_counts().to_dict()),
            "paragraphs_skipped_by_language": dg.MetadataValue.json(
                skipped["language"].fillna("unknown").value_counts().to_dict()
            ),
        },
    )
    yield checks.mentions_are_well_formed(frame)
