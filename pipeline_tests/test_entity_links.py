"""entity_mentions carry corpus ids that join entities exactly, kept current as the corpus grows."""
from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipeline.sample.generator import generate_corpus
from pipeline.settings import Settings
from pipeline_tests.helpers import ingest_new, materialize_aggregates, read


def assert_mentions_join_entities(warehouse) -> pd.DataFrame:
    """The naive join mentions.corpus_entity_id = entities.entity_id gives entities.n_mentions exactly."""
    mentions = read(warehouse, "entity_mentions")
    entities = read(warehouse, "entities").set_index("entity_id")
    assert len(mentions) > 100 and len(entities) > 20
    joined = mentions.merge(entities, left_on="corpus_entity_id", right_index=True, how="inner",
                            suffixes=("", "_entity"))
    assert len(joined) == len(mentions)  # no mention is lost by the join
    assert joined.groupby("corpus_entity_id").size().to_dict() == entities["n_mentions"].to_dict()
    assert (joined["corpus_canonical_name"] == joined["canonical_name_entity"]).all()
    assert (joined["entity_label"] == joined["label_entity"]).all()
    return mentions


def generated_settings(tmp_path, n_articles: int, seed: int) -> Settings:
    """Settings over a landing dir holding one generated corpus in its folder "first"."""
    generate_corpus(tmp_path / "landing" / "first", n_articles=n_articles, seed=seed, days=4)
    return Settings(landing_dir=tmp_path / "landing", warehouse_dir=tmp_path / "warehouse", entity_gazetteer=True)


@contextmanager
def after_first_corpus_step(tmp_path, n_articles: int, seed: int):
    """(settings, instance) once a generated corpus went through its batch and a corpus step."""
    settings = generated_settings(tmp_path, n_articles, seed)
    with dg.DagsterInstance.get() as instance:
        ingest_new(settings, instance)
        materialize_aggregates(settings, instance)
        yield settings, instance


def test_mentions_join_entities_exactly_after_each_batch(tmp_path, dagster_home):
    settings = generated_settings(tmp_path, 30, seed=5)
    landing, warehouse = settings.landing_dir, settings.warehouse_dir
    with dg.DagsterInstance.get() as instance:
        [first] = ingest_new(settings, instance)
        written = read(warehouse, "entity_mentions")
        # before any corpus step, corpus columns hold the article-level resolution
        assert (written["corpus_entity_id"] == written["entity_id"]).all()
        assert "model" in set(written["source"]) and set(written["source"]) <= {"model", "gazetteer"}
        materialize_aggregates(settings, instance)
        mentions = assert_mentions_join_entities(warehouse)
        # the article-level ids a corpus merge joined now carry the corpus id
        assert (mentions["corpus_entity_id"] != mentions["entity_id"]).any()
        # the model's label is kept beside the entity's, disagreements visible
        assert (mentions["label"] != mentions["entity_label"]).any()

        first_file = warehouse / "entity_mentions" / f"{first}.parquet"
        mtime = first_file.stat().st_mtime_ns
        generate_corpus(landing / "second", n_articles=30, seed=6, days=4)
        [second] = ingest_new(settings, instance)
        result = materialize_aggregates(settings, instance)
        assert_mentions_join_entities(warehouse)
        # relinking keeps the per-batch file's time (staleness rules compare those)
        assert first_file.stat().st_mtime_ns == mtime
        stats = result.asset_materializations_for_node("entity_mention_links")[0].metadata
        assert stats["batches_checked"].value == 2
        assert stats["batches_read"].value == 1  # the first file is compared through its recorded link rows


def _relink_stats(result) -> dict[str, int]:
    return {k: v.value for k, v in result.asset_materializations_for_node("entity_mention_links")[0].metadata.items()}


def test_a_mentions_file_changed_since_its_check_is_read_again_and_relinked(tmp_path, dagster_home):
    import pyarrow.parquet as pq

    with after_first_corpus_step(tmp_path, 20, seed=8) as (settings, instance):
        warehouse = settings.warehouse_dir
        assert _relink_stats(materialize_aggregates(settings, instance))["batches_read"] == 0  # nothing changed
        # a file rewritten behind the record's back (a new inode, a wrong corpus id in it) is read and relinked
        [path] = (warehouse / "entity_mentions").glob("*.parquet")
        table = pq.read_table(path)
        wrong = table.column("corpus_entity_id").to_pylist()
        wrong[0] = "not-a-corpus-id"
        pq.write_table(table.set_column(table.schema.get_field_index("corpus_entity_id"), "corpus_entity_id",
                                        pa.array(wrong, pa.string())), path)
        stats = _relink_stats(materialize_aggregates(settings, instance))
        assert stats["batches_read"] == 1 and stats["batches_rewritten"] == 1 and stats["mentions_relinked"] == 1
        assert_mentions_join_entities(warehouse)


def test_an_override_reaches_entities_and_the_mentions_on_the_next_corpus_step(tmp_path, dagster_home):
    with after_first_corpus_step(tmp_path, 20, seed=7) as (settings, instance):
        warehouse = settings.warehouse_dir
        top = read(warehouse, "entities").iloc[0]
        settings.entity_overrides_path.write_text(
            f"rename:\n  {top['canonical_name']}: Renamed Entity\nset_class:\n  {top['canonical_name']}: EVENT\n",
            encoding="utf-8")
        materialize_aggregates(settings, instance)
        entities = read(warehouse, "entities").set_index("entity_id")
        assert entities.loc[top["entity_id"], ["canonical_name", "label"]].tolist() == ["Renamed Entity", "EVENT"]
        mentions = assert_mentions_join_entities(warehouse)
        renamed = mentions[mentions["corpus_entity_id"] == top["entity_id"]]
        assert len(renamed) == top["n_mentions"] and set(renamed["corpus_canonical_name"]) == {"Renamed Entity"}
        aliases = read(warehouse, "entity_aliases")
        assert set(aliases.loc[aliases["entity_id"] == top["entity_id"], "rule"]) == {"override"}


def test_a_later_batch_finds_the_names_the_corpus_resolved_and_still_joins_exactly(tmp_path, dagster_home):
    from pipeline.core.ner import EntityRecognizer
    from pipeline.core.tables import recognise_entities
    from pipeline.storage.mention_links import current_gazetteer

    with after_first_corpus_step(tmp_path, 30, seed=5) as (settings, instance):
        warehouse = settings.warehouse_dir
        gazetteer = current_gazetteer(warehouse, settings.gazetteer_min_mentions)
        entities = read(warehouse, "entities")
        frequent = entities[entities["n_mentions"] >= settings.gazetteer_min_mentions]
        assert len(gazetteer) > 10 and set(gazetteer.names) <= set(frequent["canonical_name"]) | set(
            read(warehouse, "entity_aliases")["alias"])
        generate_corpus(settings.landing_dir / "second", n_articles=30, seed=6, days=4)
        [second] = ingest_new(settings, instance)
        written = pd.read_parquet(warehouse / "entity_mentions" / f"{second}.parquet")
        paragraphs = pd.read_parquet(warehouse / "paragraphs" / f"{second}.parquet")
        without = recognise_entities(paragraphs, EntityRecognizer(settings.ner_models), second)
        # the batch was recognised with the gazetteer of the first corpus step: more mentions,
        # the model's own unchanged
        assert len(written) > len(without)
        keys = ["doc_id", "paragraph_index", "start", "end", "text"]
        model = written[written["source"] == "model"].sort_values(keys)[keys].values.tolist()
        assert model == without[without["source"] == "model"].sort_values(keys)[keys].values.tolist()
        materialize_aggregates(settings, instance)
        assert_mentions_join_entities(warehouse)
