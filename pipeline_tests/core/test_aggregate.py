"""Incremental entity aggregates: summed per-batch partials equal a recount from the mentions."""
from __future__ import annotations

import math
import random
from datetime import date, datetime, timezone
from itertools import combinations

import pandas as pd
import pytest

from pipeline.core import aggregate
from pipeline.core.canonical import make_entity_id
from pipeline.storage import schemas


def mention(doc_id, name, label="PERSON", text=None):
    return {"doc_id": doc_id, "entity_id": make_entity_id(label, name), "canonical_name": name,
            "label": label, "text": text or name}


def article(doc_id, day, domain="a.example"):
    published = datetime(2024, 3, day, 12, tzinfo=timezone.utc) if day else None
    return {"doc_id": doc_id, "domain": domain, "published_at": published,
            "fetched_at": datetime(2024, 3, 20, tzinfo=timezone.utc)}


# A small corpus with the awkward cases: an article naming one company in two
# spellings the article kept apart ("Rolls-Royce", "Rolls Royce") and the
# corpus merges; articles holding "Kowalczyk" and "Marta Kowalczyk" as two ids
# (as when a second Kowalczyk in the article made the short name ambiguous)
# that the corpus merges; an article without a publication date; two outlets.
MENTIONS = (
    [mention("d1", "Rolls-Royce", "ORG")] * 3 + [mention("d1", "Rolls Royce", "ORG"), mention("d1", "Marta Kowalczyk")]
    + [mention("d2", "Rolls-Royce", "ORG"), mention("d2", "Marta Kowalczyk"), mention("d2", "Berlin", "GPE")]
    + [mention("d3", "Kowalczyk"), mention("d3", "Marta Kowalczyk"), mention("d3", "Rolls Royce", "ORG"),
       mention("d3", "Berlin", "GPE")]
    + [mention("d4", "Berlin", "GPE"), mention("d4", "Rolls-Royce", "ORG"), mention("d4", "Kowalczyk")]
    + [mention("d5", "Berlin", "GPE"), mention("d5", "Marta Kowalczyk"), mention("d5", "Paris", "GPE")]
    + [mention("d6", "Paris", "GPE"), mention("d6", "Berlin", "GPE", text="Berlin's")]
)
ARTICLES = [article("d1", 1), article("d2", 1, "b.example"), article("d3", 2), article("d4", 3),
            article("d5", 3, "b.example"), article("d6", None)]


def in_batches(mentions, articles, split):
    """Partials of the corpus cut into batches by doc_id -> batch."""
    m, a = pd.DataFrame(mentions), pd.DataFrame(articles)
    parts = {table: [] for table in aggregate.PARTIAL_TABLES}
    for batch in sorted(set(split.values())):
        docs = [d for d, b in split.items() if b == batch]
        out = aggregate.batch_partials(m[m["doc_id"].isin(docs)], a[a["doc_id"].isin(docs)], batch)
        for table, frame in out.items():
            # through Arrow, as the IO manager writes them
            parts[table].append(schemas.to_arrow(table, frame).to_pandas())
    return {table: pd.concat(frames, ignore_index=True) for table, frames in parts.items()}


def corpus_tables(partials, min_support=1, previous=None):
    entity_map, aliases = aggregate.corpus_entity_map(partials["entity_batch_evidence"], previous)
    mapping = aggregate.entity_map_from_aliases(aliases)
    per_key = aggregate.corpus_counts(partials["entity_batch_counts"], partials["entity_batch_overlaps"], mapping)
    per_entity = aggregate.entity_document_counts(per_key)
    names = dict(zip(aliases["entity_id"], aliases["canonical_name"]))
    n_docs = aggregate.n_documents_with_entities(partials["entity_batch_documents"])
    pairs = aggregate.entity_pairs(partials["entity_batch_pairs"], partials["entity_batch_overlaps"], mapping,
                                   per_entity, names, n_docs, min_support)
    entities = aggregate.entities(per_entity, aliases, pairs, set(partials["entity_batch_counts"]["entity_id"]))
    daily = aggregate.entity_daily(per_key)
    return {"map": entity_map, "aliases": aliases, "entities": entities, "pairs": pairs, "daily": daily,
            "n_docs": n_docs}


def recount(mentions, articles, mapping):
    """The oracle: every number counted straight from the mentions, document by document."""
    m = pd.DataFrame(mentions)
    m["entity_id"] = m["entity_id"].map(mapping)
    docs = {d: set(g["entity_id"]) for d, g in m.groupby("doc_id")}
    n = len(docs)
    df = {}
    for ids in docs.values():
        for e in ids:
            df[e] = df.get(e, 0) + 1
    pairs = {}
    for ids in docs.values():
        for a, b in combinations(sorted(ids), 2):
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    dates = {a["doc_id"]: a for a in articles}
    daily = {}
    for d, ids in docs.items():
        seen = dates[d]["published_at"] or dates[d]["fetched_at"]
        for e in ids:
            key = (seen.date(), dates[d]["domain"], e)
            daily[key] = daily.get(key, 0) + 1
    return {"n": n, "df": df, "pairs": pairs, "mentions": m["entity_id"].value_counts().to_dict(),
            "daily_docs": daily}


SPLITS = {
    "one batch": {d: "b1" for d in ["d1", "d2", "d3", "d4", "d5", "d6"]},
    "three batches": {"d1": "b1", "d2": "b2", "d3": "b1", "d4": "b3", "d5": "b2", "d6": "b3"},
    "one per article": {d: f"b{d}" for d in ["d1", "d2", "d3", "d4", "d5", "d6"]},
}


@pytest.mark.parametrize("split", SPLITS.values(), ids=SPLITS.keys())
def test_summed_partials_equal_a_recount(split):
    tables = corpus_tables(in_batches(MENTIONS, ARTICLES, split))
    mapping = aggregate.entity_map_from_aliases(tables["aliases"])
    truth = recount(MENTIONS, ARTICLES, mapping)

    rolls = make_entity_id("ORG", "Rolls-Royce")
    marta = make_entity_id("PERSON", "Marta Kowalczyk")
    # the merges happened (so the overlap corrections were needed)
    assert mapping[make_entity_id("ORG", "Rolls Royce")] == rolls
    assert mapping[make_entity_id("PERSON", "Kowalczyk")] == marta

    ents = tables["entities"].set_index("entity_id")
    assert ents["n_mentions"].to_dict() == truth["mentions"]
    assert ents["n_documents"].to_dict() == truth["df"]
    assert ents.loc[rolls, "n_documents"] == 4 and ents.loc[rolls, "n_mentions"] == 7
    assert ents.loc[marta, "n_documents"] == 5
    assert set(ents.loc[make_entity_id("GPE", "Berlin"), "aliases"]) == {"Berlin", "Berlin's"}
    assert ents.loc[rolls, "first_seen"] == datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
    assert ents.loc[make_entity_id("GPE", "Paris"), "last_seen"] == datetime(2024, 3, 20, tzinfo=timezone.utc)

    assert tables["n_docs"] == truth["n"] == 6
    pairs = tables["pairs"].set_index(["entity_id_a", "entity_id_b"])
    assert pairs["n_documents"].to_dict() == truth["pairs"]
    for (a, b), n_ab in truth["pairs"].items():
        expected = math.log(n_ab * truth["n"] / (truth["df"][a] * truth["df"][b]))
        assert pairs.loc[(a, b), "pmi"] == pytest.approx(expected)

    daily = tables["daily"]
    got = {(r.date, r.domain, r.entity_id): r.n_documents for r in daily.itertuples()}
    assert got == truth["daily_docs"]
    assert daily["n_mentions"].sum() == len(MENTIONS)
    assert set(daily["domain"]) == {"a.example", "b.example"}
    assert date(2024, 3, 20) in set(daily["date"])  # the undated article falls back to its fetch date


def test_batching_does_not_change_any_table():
    results = [corpus_tables(in_batches(MENTIONS, ARTICLES, split)) for split in SPLITS.values()]
    for other in results[1:]:
        for name in ("aliases", "entities", "pairs", "daily"):
            pd.testing.assert_frame_equal(results[0][name], other[name], check_dtype=False)


def test_only_articles_where_ids_could_merge_are_listed_as_overlaps():
    partials = in_batches(MENTIONS, ARTICLES, SPLITS["one batch"])
    overlaps = partials["entity_batch_overlaps"]
    assert set(overlaps["doc_id"]) == {"d1", "d3"}  # Rolls-Royce/Rolls Royce; Kowalczyk/Marta Kowalczyk (and Rolls Royce)
    d3 = overlaps.set_index("doc_id").loc["d3", "entity_ids"]
    assert len(d3) == 4  # every id of the article, for the pair corrections


def test_evidence_is_counts_not_mentions():
    partials = in_batches(MENTIONS * 50, ARTICLES, SPLITS["one batch"])
    evidence = partials["entity_batch_evidence"]
    assert len(evidence) == len({(m["entity_id"], m["text"]) for m in MENTIONS})
    assert evidence["n_mentions"].sum() == 50 * len(MENTIONS)


def test_min_support_and_strengths():
    partials = in_batches(MENTIONS, ARTICLES, SPLITS["three batches"])
    pairs = corpus_tables(partials, min_support=3)["pairs"]
    assert len(pairs) > 0 and (pairs["n_documents"] >= 3).all()
    everything = corpus_tables(partials, min_support=1)["pairs"]
    assert len(everything) > len(pairs)
    assert (everything["llr"] >= 0).all()


def test_llr_matches_a_hand_computed_table():
    # 100 articles; a in 20, b in 10, both in 8.
    pmi, llr = aggregate.pair_strengths([8], [20], [10], 100)
    k = [[8, 12], [2, 78]]
    rows, cols, n = [20, 80], [10, 90], 100
    g2 = 2 * sum(k[i][j] * math.log(k[i][j] * n / (rows[i] * cols[j])) for i in range(2) for j in range(2))
    assert llr[0] == pytest.approx(g2)
    assert pmi[0] == pytest.approx(math.log(8 * 100 / (20 * 10)))
    # independence: LLR 0
    assert aggregate.pair_strengths([2], [20], [10], 100)[1][0] == pytest.approx(0.0, abs=1e-9)


def test_old_ids_keep_resolving_when_their_batch_is_gone():
    first = corpus_tables(in_batches(MENTIONS, ARTICLES, SPLITS["three batches"]))
    kowalczyk = make_entity_id("PERSON", "Kowalczyk")
    assert kowalczyk in set(first["aliases"]["alias_entity_id"])
    # the batch holding the short name's articles is re-made without them
    later = [m for m in MENTIONS if m["canonical_name"] != "Kowalczyk"]
    second = corpus_tables(in_batches(later, ARTICLES, SPLITS["three batches"]), previous=first["aliases"])
    aliases = second["aliases"]
    row = aliases[aliases["alias_entity_id"] == kowalczyk]
    assert list(row["entity_id"]) == [make_entity_id("PERSON", "Marta Kowalczyk")]
    # ...but counts and aliases only hold what the batches hold now
    ents = second["entities"].set_index("entity_id")
    assert "Kowalczyk" not in ents.loc[make_entity_id("PERSON", "Marta Kowalczyk"), "aliases"]


def test_empty_corpus_gives_empty_tables():
    partials = {t: schemas.empty_frame(t) for t in aggregate.PARTIAL_TABLES}
    tables = corpus_tables(partials)
    for name in ("aliases", "entities", "pairs", "daily"):
        assert tables[name].empty
    assert aggregate.batch_partials(pd.DataFrame(columns=["doc_id", "entity_id", "canonical_name", "label", "text"]),
                                    pd.DataFrame(columns=["doc_id", "domain", "published_at", "fetched_at"]),
                                    "b")["entity_batch_counts"].empty


def test_random_corpora_match_a_recount():
    rng = random.Random(3)
    people = ["Ann Lee", "Lee", "Bo Chen", "Chen", "Ann-Lee", "Dana Cruz"]
    orgs = ["Acme Corp", "Acme-Corp", "ACME Corp", "Globex"]
    mentions, articles = [], []
    for d in range(60):
        doc = f"d{d:02d}"
        articles.append(article(doc, 1 + d % 5, rng.choice(["a.example", "b.example", None])))
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.6:
                mentions.append(mention(doc, rng.choice(people)))
            else:
                mentions.append(mention(doc, rng.choice(orgs), "ORG"))
    used = {m["doc_id"] for m in mentions}
    articles = [a for a in articles if a["doc_id"] in used]
    split = {a["doc_id"]: f"b{rng.randint(0, 4)}" for a in articles}
    tables = corpus_tables(in_batches(mentions, articles, split))
    mapping = aggregate.entity_map_from_aliases(tables["aliases"])
    truth = recount(mentions, articles, mapping)
    ents = tables["entities"].set_index("entity_id")
    assert ents["n_documents"].to_dict() == truth["df"]
    assert tables["pairs"].set_index(["entity_id_a", "entity_id_b"])["n_documents"].to_dict() == truth["pairs"]
    daily = tables["daily"]
    got = {(r.date, r.domain, r.entity_id): r.n_documents for r in daily.itertuples()}
    assert got == truth["daily_docs"]


def test_trending_prefers_a_rising_entity():
    rows = []
    for day in range(1, 8):
        rows.append({"date": date(2024, 3, day), "entity_id": "steady", "n_mentions": 10})
        rows.append({"date": date(2024, 3, day), "entity_id": "riser", "n_mentions": 1 if day < 7 else 10})
        rows.append({"date": date(2024, 3, day), "entity_id": "faller", "n_mentions": 10 if day < 7 else 2})
    rows.append({"date": date(2024, 3, 7), "entity_id": "once", "n_mentions": 1})
    daily = pd.DataFrame(rows).assign(n_documents=1, domain="a.example")
    names = pd.Series({"steady": "Steady", "riser": "Riser", "faller": "Faller", "once": "Once"})
    trends = aggregate.trending(daily, names)
    assert list(trends.columns) == schemas.TABLES["entity_trends"].names
    assert trends.iloc[0]["entity_id"] == "riser"
    assert trends.iloc[0]["last_day"] == date(2024, 3, 7)
    riser = trends.iloc[0]
    assert riser["last_day_share"] == pytest.approx(10 / 23)
    assert riser["trailing_share"] == pytest.approx(1 / 21)
    assert riser["n_mentions_last_day"] == 10
    assert "once" not in set(trends["entity_id"])  # one mention is not a trend
    assert list(trends["entity_id"]).index("steady") < list(trends["entity_id"]).index("faller")


def test_trending_needs_an_earlier_day():
    daily = pd.DataFrame([{"date": date(2024, 3, 1), "entity_id": "x", "n_mentions": 3, "n_documents": 1,
                           "domain": None}])
    assert aggregate.trending(daily, pd.Series({"x": "X"})).empty
