"""Asset checks: invariants of the tables, visible in the UI after each run."""
from __future__ import annotations

import dagster as dg
import pandas as pd

from pipeline.core.ingest import REJECTION_REASONS
from pipeline.core.tables import EXTRACTION_REASONS


@dg.asset_check(asset="articles", description="doc_id is unique and every article has text.")
def articles_are_unique_and_non_empty(articles: pd.DataFrame) -> dg.AssetCheckResult:
    duplicated = int(articles["doc_id"].duplicated().sum())
    empty = int((articles["text"].str.strip() == "").sum())
    return dg.AssetCheckResult(
        passed=duplicated == 0 and empty == 0,
        metadata={"duplicated_doc_ids": duplicated, "empty_texts": empty, "rows": len(articles)},
    )


@dg.asset_check(asset="entity_mentions", description="Offsets point at the mention; no line break inside.")
def mentions_are_well_formed(entity_mentions: pd.DataFrame) -> dg.AssetCheckResult:
    bad_offsets = int(((entity_mentions["end"] - entity_mentions["start"]) != entity_mentions["text"].str.len()).sum())
    line_breaks = int(entity_mentions["text"].str.contains("\n").sum())
    return dg.AssetCheckResult(
        passed=bad_offsets == 0 and line_breaks == 0,
        metadata={"bad_offsets": bad_offsets, "with_line_breaks": line_breaks, "rows": len(entity_mentions)},
    )


@dg.asset_check(asset="rejected_documents", description="Every rejection carries a documented reason.")
def rejections_have_known_reasons(rejected_documents: pd.DataFrame) -> dg.AssetCheckResult:
    known = set(REJECTION_REASONS) | set(EXTRACTION_REASONS)
    unknown = sorted(set(rejected_documents["reason"]) - known)
    return dg.AssetCheckResult(passed=not unknown, metadata={"unknown_reasons": unknown})


@dg.asset_check(asset="entities", description="Canonical names are non-empty and have no line break.")
def entity_names_are_clean(entities: pd.DataFrame) -> dg.AssetCheckResult:
    bad = entities[(entities["canonical_name"].str.strip() == "") | entities["canonical_name"].str.contains("\n")]
    return dg.AssetCheckResult(passed=bad.empty, metadata={"bad_names": bad["canonical_name"].head(20).tolist()})


ALL_CHECKS = [
    articles_are_unique_and_non_empty,
    mentions_are_well_formed,
    rejections_have_known_reasons,
    entity_names_are_clean,
]
