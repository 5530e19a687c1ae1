"""Per-batch named-entity mentions."""

import dagster as dg
import pandas as pd

from pipeline import checks
from pipeline.core.tables import recognise_entities
from pipeline.io_manager import definition_metadata
from pipeline.partitions import batch_partitions
from pipeline.resources import PipelineSettings


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
    frame = recognise_entities(
        paragraphs, pipeline_settings.recognizer(), context.partition_key, log=context.log.info
    )
    skipped = paragraphs[~paragraphs["ner_applied"] & ~paragraphs["is_boilerplate"]]
    yield dg.Output(
        frame,
        metadata={
            "paragraphs_recognised": int(paragraphs["ner_applied"].sum()),
            "paragraphs_skipped_by_language": dg.MetadataValue.json(
                skipped["language"].fillna("unknown").value_counts().to_dict()
            ),
        },
    )
    yield checks.mentions_are_well_formed(frame)
