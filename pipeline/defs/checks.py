"""Asset checks: invariants of the tables, visible in the UI after each run.

Checks of per-batch tables run inside the asset that writes the batch (a
standalone check would load every partition); the corpus-wide tables get
ordinary asset checks.
"""
import dagster as dg
import pandas as pd

from pipeline.core.ingest import REJECTION_REASONS
from pipeline.core.landing import LANDING_REASONS
from pipeline.core.tables import EXTRACTION_REASONS

KNOWN_REASONS = {**REJECTION_REASONS, **EXTRACTION_REASONS, **LANDING_REASONS}


def articles_are_unique_and_non_empty(articles: pd.DataFrame) -> dg.AssetCheckResult:
    duplicated = int(articles["doc_id"].duplicated().sum())
    empty = int((articles["text"].str.strip() == "").sum())
    # An article whose every paragraph turned out to be site furniture keeps its
    # row (nothing is dropped silently) but is worth a look: a warning.
    return dg.AssetCheckResult(
        asset_key="articles",
        check_name="articles_are_unique_and_non_empty",
        passed=duplicated == 0 and empty == 0,
        severity=dg.AssetCheckSeverity.ERROR if duplicated else dg.AssetCheckSeverity.WARN,
        metadata={"duplicated_doc_ids": duplicated, "empty_texts": empty, "rows": len(articles)},
    )


def rejections_have_known_reasons(rejected: pd.DataFrame) -> dg.AssetCheckResult:
    known = set(KNOWN_REASONS)
    unknown = sorted(set(rejected["reason"]) - known)
    return dg.AssetCheckResult(
        asset_key="rejected_documents",
        check_name="rejections_have_known_reasons",
        passed=not unknown,
        metadata={"unknown_reasons": unknown},
    )


def mentions_are_well_formed(mentions: pd.DataFrame) -> dg.AssetCheckResult:
    bad_offsets = int(((mentions["end"] - mentions["start"]) != mentions["text"].str.len()).sum())
    line_breaks = int(mentions["text"].str.contains("\n").sum())
    return dg.AssetCheckResult(
        asset_key="entity_mentions",
        check_name="mentions_are_well_formed",
        passed=bad_offsets == 0 and line_breaks == 0,
        metadata={"bad_offsets": bad_offsets, "with_line_breaks": line_breaks, "rows": len(mentions)},
    )


ARTICLE_CHECK_SPECS = [
    dg.AssetCheckSpec("articles_are_unique_and_non_empty", asset="articles",
                      description="doc_id is unique; articles left without text are counted (a warning)."),
]
PARSE_CHECK_SPECS = [
    dg.AssetCheckSpec("rejections_have_known_reasons", asset="rejected_documents",
                      description="Every rejection carries a documented reason."),
]
MENTION_CHECK_SPECS = [
    dg.AssetCheckSpec("mentions_are_well_formed", asset="entity_mentions",
                      description="Offsets point at the mention; no line break inside."),
]


@dg.asset_check(asset="entities", description="Canonical names are non-empty and have no line break.")
def entity_names_are_clean(entities: pd.DataFrame) -> dg.AssetCheckResult:
    bad = entities[(entities["canonical_name"].str.strip() == "") | entities["canonical_name"].str.contains("\n")]
    return dg.AssetCheckResult(passed=bad.empty, metadata={"bad_names": bad["canonical_name"].head(20).tolist()})


ALL_CHECKS = [entity_names_are_clean]
