"""The corpus API on a warehouse the real CLI built from generated pages: each target question in one or two
calls, every count checked against a recount from the raw Parquet files."""
from __future__ import annotations

import gzip
import hashlib
import math
import re

import numpy as np
import pandas as pd
import pytest

from pipeline.corpus import Corpus, RawBytesMismatch
from pipeline.storage import schemas
from pipeline_tests.helpers import read
from pipeline_tests.warehouse_fixture import PRESS_NOTE


@pytest.fixture(scope="module")
def built(corpus_warehouse):
    return corpus_warehouse


@pytest.fixture(scope="module")
def corpus(built) -> Corpus:
    landing, warehouse = built
    return Corpus(warehouse, landing=landing)


def _resolved_mentions(warehouse) -> pd.DataFrame:
    """The recount's own join: mentions -> corpus ids (entity_aliases) -> names, with article day and outlet."""
    m = read(warehouse, "entity_mentions")
    aliases = read(warehouse, "entity_aliases").drop_duplicates("alias_entity_id")
    m["corpus_id"] = m["entity_id"].map(aliases.set_index("alias_entity_id")["entity_id"])
    entities = read(warehouse, "entities").set_index("entity_id")
    m["corpus_label"] = m["corpus_id"].map(entities["label"])
    articles = read(warehouse, "articles")
    seen = articles["published_at"].fillna(articles["fetched_at"])
    articles["day"] = seen.dt.tz_convert("UTC").dt.date
    return m.merge(articles[["doc_id", "day", "outlet"]], on="doc_id")


def test_articles_have_the_day_and_outlet_the_aggregates_use(built, corpus):
    _, warehouse = built
    articles = read(warehouse, "articles")
    seen = articles["published_at"].fillna(articles["fetched_at"])
    assert len(articles) > 20
    assert (articles["date"] == seen.dt.tz_convert("UTC").dt.date).all()
    assert articles["outlet"].notna().all()
    with_domain = articles["domain"].notna()
    assert (articles.loc[with_domain, "outlet"] == articles.loc[with_domain, "domain"]).all()
    # a text page has no URL and no site name: its outlet is the folder it came from
    note = articles[articles["source_path"] == PRESS_NOTE]
    assert note["domain"].isna().all() and note["outlet"].tolist() == ["pressdesk"]

    m = _resolved_mentions(warehouse)
    recount = m.groupby(["day", "outlet", "corpus_id"]).agg(n_mentions=("doc_id", "size"),
                                                            n_documents=("doc_id", "nunique"))
    daily = read(warehouse, "entity_daily").set_index(["date", "outlet", "entity_id"])[["n_mentions", "n_documents"]]
    daily.index = daily.index.set_names(recount.index.names)
    assert daily.sort_index().equals(recount.sort_index())
    assert "pressdesk" in set(daily.index.get_level_values("outlet"))


def test_dtypes_are_documented_ones(corpus):
    articles = corpus.articles()
    assert str(articles["date"].dtype).startswith("datetime64")
    assert str(articles["published_at"].dtype) == "datetime64[us, UTC]"
    assert str(articles["published_utc_offset_minutes"].dtype) == "Int32"
    assert all(isinstance(v, list) for v in articles["authors"])
    entities = corpus.entities()
    for column in ("aliases", "top_cooccurring", "top_cooccurring_ids"):
        assert all(isinstance(v, list) for v in entities[column]), column
    assert any(entities["top_cooccurring_ids"].map(len))
    ids = set(entities["entity_id"])
    names = entities.set_index("entity_id")["canonical_name"]
    for row in entities.head(10).itertuples():
        assert set(row.top_cooccurring_ids) <= ids
        assert [names[i] for i in row.top_cooccurring_ids] == row.top_cooccurring


def test_top_people_per_outlet_per_iso_week(built, corpus):
    _, warehouse = built
    top = corpus.daily(by=["outlet", "week"], label="PERSON", top=3)

    m = _resolved_mentions(warehouse)
    m = m[m["corpus_label"] == "PERSON"]
    iso = pd.to_datetime(m["day"]).dt.isocalendar()
    m["iso_week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    counts = m.groupby(["iso_week", "outlet", "corpus_id"]).size().rename("n").reset_index()
    assert len(top) > 0 and top["label"].eq("PERSON").all()
    assert (top["week"].dt.weekday == 0).all()
    for (week, outlet), group in top.groupby(["iso_week", "outlet"]):
        expected = counts[(counts["iso_week"] == week) & (counts["outlet"] == outlet)]
        expected = expected.sort_values(["n", "corpus_id"], ascending=[False, True]).head(3)
        assert group["entity_id"].tolist() == expected["corpus_id"].tolist()
        assert group["n_mentions"].tolist() == expected["n"].tolist()
    assert set(zip(top["iso_week"], top["outlet"])) == set(zip(counts["iso_week"], counts["outlet"]))


def test_every_mention_of_an_entity_in_context(built, corpus):
    _, warehouse = built
    person = corpus.entities(label="PERSON").iloc[0]
    kwic = corpus.kwic(person["canonical_name"], width=30)

    m = _resolved_mentions(warehouse)
    assert len(kwic) == (m["corpus_id"] == person["entity_id"]).sum() == person["n_mentions"] > 0
    assert kwic["doc_id"].nunique() == person["n_documents"]
    paragraphs = read(warehouse, "paragraphs").set_index(["doc_id", "paragraph_index"])["text"]
    for row in kwic.itertuples():
        text = paragraphs[(row.doc_id, row.paragraph_index)]
        assert row.match == text[row.start:row.end]
        assert f"[[{row.match}]]" in row.highlighted
        assert row.highlighted.replace("[[", "").replace("]]", "") == row.sentence
        assert row.sentence in text
        assert text[:row.start].endswith(row.left) and len(row.left) <= 30
    assert kwic["corpus_entity_id"].eq(person["entity_id"]).all()
    assert kwic["title"].notna().all()


def test_top_pairs_of_an_entity_equal_a_recount(built, corpus):
    _, warehouse = built
    entity = corpus.entities(label="PERSON").iloc[0]
    pairs = corpus.pairs(entity=entity["canonical_name"], top=5)
    assert len(pairs) > 0
    assert (pairs["llr_sign"] == 1).all() and pairs["llr"].is_monotonic_decreasing

    m = _resolved_mentions(warehouse)
    docs_of = m.groupby("corpus_id")["doc_id"].agg(set)
    n = m["doc_id"].nunique()
    mine = docs_of[entity["entity_id"]]
    for row in pairs.itertuples():
        assert row.other_name == read(warehouse, "entities").set_index("entity_id").loc[row.other_id, "canonical_name"]
        assert row.n_documents == len(mine & docs_of[row.other_id])
        assert {row.n_a, row.n_b} == {len(mine), len(docs_of[row.other_id])}
        assert row.n_articles == n
        assert row.pmi == pytest.approx(math.log(row.n_documents * n / (row.n_a * row.n_b)))

    every = corpus.pairs(positive_only=False, min_support=1)
    expected = np.sign(every["n_documents"] * every["n_articles"] - every["n_a"] * every["n_b"])
    assert (every["llr_sign"] == expected).all()
    assert (every["llr_sign"] < 1).any(), "the corpus should hold some pairs seen less often than chance"
    assert len(corpus.pairs(positive_only=True, min_support=1)) == (every["llr_sign"] == 1).sum()


def test_phrase_search_by_outlet_and_day(built, corpus):
    _, warehouse = built
    articles = read(warehouse, "articles")
    busiest = articles.groupby(["outlet", "date"]).size().idxmax()
    outlet, day = busiest
    phrase = corpus.entities(label="GPE").iloc[0]["canonical_name"]
    found = corpus.search(phrase, outlet=outlet, start=day, end=day)

    paragraphs = read(warehouse, "paragraphs")
    paragraphs = paragraphs[~paragraphs["is_boilerplate"]].merge(articles[["doc_id", "outlet", "date"]], on="doc_id")
    pattern = re.compile(rf"\b{re.escape(phrase)}\b", re.IGNORECASE)
    hits = paragraphs[(paragraphs["outlet"] == outlet) & (paragraphs["date"] == day)
                      & paragraphs["text"].map(lambda t: bool(pattern.search(t)))]
    assert len(hits) > 0
    assert set(zip(found.paragraphs["doc_id"], found.paragraphs["paragraph_index"])) == set(
        zip(hits["doc_id"], hits["paragraph_index"]))
    assert set(found.articles["doc_id"]) == set(hits["doc_id"])
    assert found.articles["n_matches"].sum() == sum(len(pattern.findall(t)) for t in hits["text"])
    for row in found.paragraphs.itertuples():
        assert all(row.text[s:s + len(phrase)].casefold() == phrase.casefold() for s in row.match_starts)
    assert (found.paragraphs["outlet"] == outlet).all() and (found.paragraphs["date"].dt.date == day).all()


def test_raw_bytes_of_any_mentions_document_verified(built, corpus):
    landing, warehouse = built
    documents = read(warehouse, "documents").set_index("doc_id")
    mentioned = read(warehouse, "entity_mentions")["doc_id"].unique()
    kinds = set()
    for doc_id in mentioned:
        data = corpus.raw_bytes(doc_id)
        row = documents.loc[doc_id]
        assert hashlib.sha256(data).hexdigest() == row["raw_sha256"]
        assert len(data) == row["n_bytes"]
        path, _, offset = row["source_path"].partition("#")
        if offset:
            kinds.add("warc")
        elif path.endswith(".gz"):
            kinds.add("gz")
            assert data == gzip.decompress((landing / path).read_bytes())
        else:
            kinds.add("file")
            assert data == (landing / path).read_bytes()
    assert kinds == {"warc", "gz", "file"}
    # the record sent gzip-encoded in chunks comes back as the page itself
    chunked = documents[documents["url"].fillna("").str.endswith("/chunked-page")]
    assert corpus.raw_bytes(chunked.index[0]).startswith(b"<!DOCTYPE html>")

    victim = next(d for d in mentioned if "#" not in documents.loc[d, "source_path"]
                  and not documents.loc[d, "source_path"].endswith(".gz"))
    path = landing / documents.loc[victim, "source_path"]
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"</body>", b"<p>edited later</p></body>"))
        with pytest.raises(RawBytesMismatch):
            corpus.raw_bytes(victim)
        assert corpus.raw_bytes(victim, verify=False) != original
    finally:
        path.write_bytes(original)


def test_date_and_outlet_filters_push_down(built, corpus):
    _, warehouse = built
    articles = read(warehouse, "articles")
    outlet, day = articles.groupby(["outlet", "date"]).size().idxmax()
    got = corpus.articles(start=day, end=day, outlet=outlet)
    expected = articles[(articles["date"] == day) & (articles["outlet"] == outlet)]
    assert len(expected) > 0 and set(got["doc_id"]) == set(expected["doc_id"])
    mentions = corpus.mentions(start=day, end=day, outlet=[outlet])
    assert set(mentions["doc_id"]) <= set(expected["doc_id"]) and len(mentions) > 0
    assert len(corpus.articles(start="1990-01-01", end="1990-01-02")) == 0
    # reading goes through warehouse.scan: the filter reaches the dataset scanner, not pandas
    from pipeline.storage import warehouse as wh
    import pyarrow.dataset as ds

    scanned = wh.scan(warehouse, "articles", ["doc_id"], ds.field("outlet") == outlet)
    assert scanned.column_names == ["doc_id"] and scanned.num_rows == (articles["outlet"] == outlet).sum()


def test_mentions_resolved_carry_corpus_ids_names_and_labels(built, corpus):
    _, warehouse = built
    mentions = corpus.mentions()
    recount = _resolved_mentions(warehouse)
    assert len(mentions) == len(recount) > 0
    assert mentions["corpus_entity_id"].notna().all()
    entities = read(warehouse, "entities").set_index("entity_id")
    assert (mentions["corpus_canonical_name"] == mentions["corpus_entity_id"].map(entities["canonical_name"])).all()
    assert (mentions["entity_label"] == mentions["corpus_entity_id"].map(entities["label"])).all()
    unresolved = corpus.mentions(resolved=False)
    assert "corpus_entity_id" not in unresolved or set(schemas.TABLES["entity_mentions"].names) >= {"corpus_entity_id"}


def test_internal_tables_are_marked_and_grouped_apart():
    from pipeline.defs.definitions import defs

    groups = {}
    for assets_def in defs.get_repository_def().asset_graph.assets_defs:
        for key, group in assets_def.group_names_by_key.items():
            groups[key.path[-1]] = group
    internal = [t for t in schemas.TABLES if not schemas.is_public(t) and t not in schemas.TOTALS_TABLES]
    assert internal and all(groups[t] == "internal" for t in internal)
    # running totals are files the corpus step keeps beside its partials, not assets of their own
    assert set(schemas.TABLES) - set(groups) == set(schemas.TOTALS_TABLES)
    assert all(groups[t] != "internal" for t in schemas.PUBLIC_TABLES)
    assert {"extracted_articles", "entity_batch_counts"} <= set(internal)


def test_mentions_use_stored_corpus_ids_when_the_table_has_them(built, tmp_path, monkeypatch):
    """Once entity_mentions carries corpus ids, they are used; files written before still resolve."""
    import shutil

    import pyarrow as pa

    from pipeline.storage import warehouse as wh

    _, warehouse = built
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    schema = schemas.TABLES["entity_mentions"]
    for name in ("corpus_entity_id", "corpus_canonical_name", "entity_label"):
        if name not in schema.names:
            schema = schema.append(pa.field(name, pa.string(), metadata={"description": name}))
    monkeypatch.setitem(schemas.TABLES, "entity_mentions", schema)
    before = Corpus(warehouse).mentions()

    # split the batch file in two: an old one without the columns, a new one with them
    [old_file] = wh.table_files(copy, "entity_mentions")
    mentions = pd.read_parquet(old_file)
    halves = sorted(mentions["doc_id"].unique())
    newer = mentions["doc_id"].isin(halves[len(halves) // 2:])
    mentions[~newer].to_parquet(old_file, index=False)
    rewritten = mentions[newer].reset_index(drop=True)
    resolved = before.set_index(["doc_id", "paragraph_index", "start"])
    keys = list(zip(rewritten["doc_id"], rewritten["paragraph_index"], rewritten["start"]))
    rewritten["corpus_entity_id"] = resolved.loc[keys, "corpus_entity_id"].to_numpy()
    rewritten["corpus_canonical_name"] = "stored " + resolved.loc[keys, "corpus_canonical_name"].to_numpy()
    rewritten["entity_label"] = resolved.loc[keys, "entity_label"].to_numpy()
    wh.write_table_file("entity_mentions", rewritten, old_file.with_name("zz-later-batch.parquet"))

    corpus = Corpus(copy)
    after = corpus.mentions()
    assert len(after) == len(before) and after["corpus_entity_id"].notna().all()
    stored = after["doc_id"].isin(rewritten["doc_id"])
    assert after.loc[stored, "corpus_canonical_name"].str.startswith("stored ").all()
    assert not after.loc[~stored, "corpus_canonical_name"].str.startswith("stored ").any()
    person = corpus.entities(label="PERSON").iloc[0]["entity_id"]
    assert len(corpus.mentions(entity=person)) == (before["corpus_entity_id"] == person).sum()
    connection = corpus.duckdb()
    assert connection.execute(
        "SELECT count(*), count(corpus_entity_id), count(*) FILTER (WHERE corpus_canonical_name LIKE 'stored %')"
        " FROM mentions_resolved").fetchall()[0] == (len(before), len(before), int(stored.sum()))


def test_daily_sums_agree_with_entities_whatever_the_grouping(corpus):
    entities = corpus.entities().set_index("entity_id")
    for by in ("day", "week", "outlet", ["outlet", "day"]):
        daily = corpus.daily(by=by)
        totals = daily.groupby("entity_id")[["n_mentions", "n_documents"]].sum()
        assert (totals["n_mentions"] == entities["n_mentions"].reindex(totals.index)).all(), by
        assert set(totals.index) == set(entities.index), by
    one = entities.index[0]
    assert corpus.daily(entity=one, by="outlet")["n_documents"].sum() == entities.loc[one, "n_documents"]
    with pytest.raises(ValueError):
        corpus.daily(by=["day", "week"])
