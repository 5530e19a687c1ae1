"""Entity aggregates that update incrementally (plain pandas, no Dagster).

Two levels:

* **Per batch** (``batch_partials``): a batch's mentions and its articles'
  dates and domains become five small partial tables, keyed by the
  *article-level* entity id (the id ``entity_mentions`` carries, which never
  changes once written):

  - ``entity_batch_evidence``: mentions per (entity_id, canonical_name, label,
    text) -- what ``resolve_corpus`` needs, as counts;
  - ``entity_batch_counts``: mentions, articles, first and last sighting per
    (entity_id, date, domain);
  - ``entity_batch_pairs``: articles per pair of article-level ids;
  - ``entity_batch_documents``: articles with at least one mention per
    (date, domain) -- the N of PMI and LLR;
  - ``entity_batch_overlaps``: the few articles holding two article-level
    ids that a corpus merge *could* join (same variant key, or one variant
    key ending the other: "Kowalczyk" beside "Marta Kowalczyk" kept apart in
    an article where another Kowalczyk also appears). Summing per-id article
    counts would count such an article twice for the merged entity; these
    rows let the corpus step subtract exactly that.

* **Corpus** (``corpus_entity_map``, ``entities``, ``entity_daily``,
  ``entity_pairs``): sum the partials, map article-level ids to corpus ids
  (``resolve_corpus`` over the summed evidence), subtract the overlap
  double counts, and compute the strengths. Nothing here reads a mention.

Exactness: n_mentions are sums. n_documents of a corpus entity is the sum of
its article-level ids' article counts minus, for each overlap article, the
number of its ids beyond the first that map to that entity -- exact, because
an article is counted under an article-level id at most once and the overlap
rows list every article where two of its ids can meet (a corpus merge joins
only names with the same variant key, or a one-word person name with the
multi-word person whose last word it is; that word's variant key ends the
full name's). Pairs are corrected the same way (a*b - 1 for an article
holding a ids of one entity and b of the other).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from pipeline.core.aliases import lookup
from pipeline.core.canonical import resolve_corpus, variant_key
from pipeline.core.overrides import Overrides, apply_overrides
from pipeline.storage import schemas

EVIDENCE_KEYS = ["entity_id", "canonical_name", "label", "text"]
COUNT_KEYS = ["entity_id", "date", "domain", "outlet"]
PLACE_KEYS = ["date", "domain", "outlet"]
PARTIAL_TABLES = (
    "entity_batch_evidence", "entity_batch_counts", "entity_batch_pairs",
    "entity_batch_documents", "entity_batch_overlaps",
)


# --- per batch ------------------------------------------------------------------

def article_dates(articles: pd.DataFrame) -> pd.DataFrame:
    """doc_id, domain, outlet and the article's timestamp (published, else fetched).

    The day is ``articles.date`` (the UTC day of that timestamp) when the table has it.
    """
    seen = articles["published_at"].fillna(articles["fetched_at"])
    frame = pd.DataFrame({"doc_id": articles["doc_id"], "domain": articles["domain"], "seen_at": seen})
    frame["outlet"] = articles["outlet"] if "outlet" in articles else articles["domain"]
    if "date" in articles:
        frame["date"] = articles["date"]
    return frame


def _frame(table: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None or frame.empty:
        return schemas.empty_frame(table)
    return frame[schemas.TABLES[table].names].reset_index(drop=True)


def _with_dates(mentions: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    m = mentions.merge(dates, on="doc_id", how="left")
    seen = pd.to_datetime(m["seen_at"], utc=True)
    m["seen_at"] = seen
    utc_day = seen.dt.date.astype(object).where(seen.notna(), None)
    m["date"] = m["date"].astype(object).where(m["date"].notna(), utc_day) if "date" in m else utc_day
    for column in ("domain", "outlet"):
        m[column] = m[column].astype(object).where(m[column].notna(), None)
    return m


def batch_partials(mentions: pd.DataFrame, articles: pd.DataFrame, batch: str) -> dict[str, pd.DataFrame]:
    """The five partial tables of one batch (see the module docstring).

    ``mentions``: doc_id, entity_id, canonical_name, label, text (and vote_label, counted instead of label);
    ``articles``: doc_id, domain, published_at, fetched_at.
    Cost: one pass over the batch's mentions, plus its articles' pairs.
    """
    out = {table: schemas.empty_frame(table) for table in PARTIAL_TABLES}
    if mentions.empty:
        return out
    if "vote_label" in mentions:  # the class vote counts the evidence label (model's, or a title's)
        mentions = mentions.assign(label=mentions["vote_label"].fillna(mentions["label"]))
    m = _with_dates(mentions, article_dates(articles))

    evidence = m.groupby(EVIDENCE_KEYS, sort=True).size().rename("n_mentions").reset_index()
    out["entity_batch_evidence"] = _frame("entity_batch_evidence", evidence.assign(batch=batch))

    grouped = m.groupby(COUNT_KEYS, dropna=False, sort=True)
    counts = grouped.agg(
        n_mentions=("doc_id", "size"), n_documents=("doc_id", "nunique"),
        first_seen=("seen_at", "min"), last_seen=("seen_at", "max"),
    ).reset_index()
    out["entity_batch_counts"] = _frame("entity_batch_counts", counts.assign(batch=batch))

    docs = m.groupby(PLACE_KEYS, dropna=False, sort=True).agg(
        n_documents=("doc_id", "nunique"), n_mentions=("doc_id", "size")).reset_index()
    out["entity_batch_documents"] = _frame("entity_batch_documents", docs.assign(batch=batch))

    incidence = m.drop_duplicates(["doc_id", "entity_id"])[["doc_id", "entity_id", "canonical_name", *PLACE_KEYS]]
    both = incidence[["doc_id", "entity_id", "canonical_name"]]
    pairs = both.merge(both, on="doc_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] < pairs["entity_id_b"]]
    pair_counts = pairs.groupby(["entity_id_a", "entity_id_b"], sort=True).size().rename("n_documents").reset_index()
    out["entity_batch_pairs"] = _frame("entity_batch_pairs", pair_counts.assign(batch=batch))

    if len(pairs):
        va = [variant_key(n) for n in pairs["canonical_name_a"]]
        vb = [variant_key(n) for n in pairs["canonical_name_b"]]
        may_merge = [bool(a and b) and (a.endswith(b) or b.endswith(a)) for a, b in zip(va, vb)]
        flagged = set(pairs.loc[may_merge, "doc_id"])
        if flagged:
            hit = incidence[incidence["doc_id"].isin(flagged)].sort_values(["doc_id", "entity_id"])
            overlaps = hit.groupby("doc_id", sort=True).agg(
                date=("date", "first"), domain=("domain", "first"), outlet=("outlet", "first"),
                entity_ids=("entity_id", list)).reset_index()
            out["entity_batch_overlaps"] = _frame("entity_batch_overlaps", overlaps.assign(batch=batch))
    return out


# --- corpus: summing partials ---------------------------------------------------------

def sum_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    if evidence.empty:
        return pd.DataFrame(columns=EVIDENCE_KEYS + ["n_mentions"])
    return evidence.groupby(EVIDENCE_KEYS, sort=True)["n_mentions"].sum().reset_index()


def sum_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Per (article-level entity_id, date, domain): the partials' totals."""
    columns = COUNT_KEYS + ["n_mentions", "n_documents", "first_seen", "last_seen"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    return counts.groupby(COUNT_KEYS, dropna=False, sort=True).agg(
        n_mentions=("n_mentions", "sum"), n_documents=("n_documents", "sum"),
        first_seen=("first_seen", "min"), last_seen=("last_seen", "max"),
    ).reset_index()[columns]


def sum_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per pair of article-level ids: the partials' article counts."""
    keys = ["entity_id_a", "entity_id_b"]
    if pairs.empty:
        return pd.DataFrame(columns=keys + ["n_documents"])
    return pairs.groupby(keys, sort=True)["n_documents"].sum().reset_index()


def sum_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Per (date, domain, outlet): the partials' articles with entities and their mentions."""
    columns = PLACE_KEYS + ["n_documents", "n_mentions"]
    if documents.empty:
        return pd.DataFrame(columns=columns)
    return documents.groupby(PLACE_KEYS, dropna=False, sort=True)[["n_documents", "n_mentions"]].sum().reset_index()


def gather_overlaps(overlaps: pd.DataFrame) -> pd.DataFrame:
    """The overlap articles as they are (an article belongs to one batch), in (batch, doc_id) order."""
    return overlaps.sort_values(["batch", "doc_id"], ignore_index=True)


# partial table -> how its running totals combine rows (associative: totals
# plus new partials combine to what every partial combines to; see
# pipeline/storage/totals.py)
COMBINE = {
    "entity_batch_evidence": sum_evidence,
    "entity_batch_counts": sum_counts,
    "entity_batch_pairs": sum_pairs,
    "entity_batch_documents": sum_documents,
    "entity_batch_overlaps": gather_overlaps,
}


def previous_entity_map(entity_aliases: pd.DataFrame | None) -> pd.DataFrame | None:
    """The entity map an earlier ``entity_aliases`` table implies (for ``previous=``)."""
    if entity_aliases is None or entity_aliases.empty:
        return None
    rows = entity_aliases.drop_duplicates("alias_entity_id")
    return pd.DataFrame({
        "entity_id": rows["alias_entity_id"], "final_entity_id": rows["entity_id"],
        "canonical_name": rows["canonical_name"], "label": rows["label"],
    }).reset_index(drop=True)


def corpus_entity_map(evidence: pd.DataFrame, previous_aliases: pd.DataFrame | None = None,
                      overrides: Overrides | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(entity_map, entity_aliases table) from summed evidence.

    Ids in ``previous_aliases`` (the last entity_aliases table) that the
    evidence no longer holds keep their rows, pointed through today's merges,
    so an id handed out before still resolves.
    """
    summed = sum_evidence(evidence)
    entity_map, _ = resolve_corpus(summed, previous=previous_entity_map(previous_aliases), with_rules=True)
    if overrides is not None and not overrides.empty:
        own = summed.drop_duplicates("entity_id")
        entity_map = apply_overrides(entity_map, dict(zip(own["entity_id"], zip(own["canonical_name"], own["label"]))),
                                     overrides)
    names = summed[["text", "entity_id"]].drop_duplicates().rename(columns={"text": "alias"})
    if previous_aliases is not None and len(previous_aliases):
        gone = previous_aliases[~previous_aliases["alias_entity_id"].isin(summed["entity_id"])]
        old = gone[["alias", "alias_entity_id"]].rename(columns={"alias_entity_id": "entity_id"})
        names = pd.concat([names, old], ignore_index=True).drop_duplicates()
    table = names.merge(entity_map, on="entity_id", how="inner")
    from_table = table["alias"].map(lambda a: lookup(a) is not None) & (table["alias"] != table["canonical_name"])
    aliases = pd.DataFrame({
        "alias": table["alias"], "label": table["label"], "entity_id": table["final_entity_id"],
        "alias_entity_id": table["entity_id"], "canonical_name": table["canonical_name"],
        "rule": table["rule"].where(~((table["rule"] == "model") & from_table), "alias_table"),
    })
    if aliases.empty:
        aliases = schemas.empty_frame("entity_aliases")
    return entity_map, aliases.sort_values(["entity_id", "alias", "alias_entity_id"], ignore_index=True)


def entity_map_from_aliases(entity_aliases: pd.DataFrame) -> dict[str, str]:
    """article-level id -> corpus id."""
    rows = entity_aliases.drop_duplicates("alias_entity_id")
    return dict(zip(rows["alias_entity_id"], rows["entity_id"]))


def _map_ids(ids: pd.Series, mapping: dict[str, str]) -> pd.Series:
    return ids.map(mapping).fillna(ids)


def _overlap_multiplicities(overlaps: pd.DataFrame, mapping: dict[str, str]) -> list[tuple[tuple, Counter]]:
    """Per overlap article: ((date, domain, outlet), corpus id -> how many of its article ids map there)."""
    result = []
    for *place, ids in overlaps[[*PLACE_KEYS, "entity_ids"]].itertuples(index=False):
        result.append((tuple(place), Counter(mapping.get(i, i) for i in ids)))
    return result


def document_corrections(overlaps: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Per (corpus entity_id, date, domain, outlet): articles counted more than once by the sum."""
    rows = [
        (eid, *place, k - 1)
        for place, mult in _overlap_multiplicities(overlaps, mapping)
        for eid, k in mult.items() if k > 1
    ]
    frame = pd.DataFrame(rows, columns=[*COUNT_KEYS, "excess"])
    if frame.empty:
        return frame
    return frame.groupby(COUNT_KEYS, dropna=False)["excess"].sum().reset_index()


def _subtract(frame: pd.DataFrame, corrections: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if corrections.empty:
        return frame
    merged = frame.merge(corrections, on=keys, how="left")
    merged["n_documents"] = merged["n_documents"] - merged["excess"].fillna(0).astype("int64")
    return merged.drop(columns=["excess"])


_NULL = "\u241fnull\u241f"  # a key no date or domain can equal


def _na_key(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Nulls as a sentinel so that merges on date/domain match missing values."""
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), _NULL)
    return frame


def _un_na(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].where(frame[column] != _NULL, None)
    return frame


def corpus_counts(counts: pd.DataFrame, overlaps: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Per (corpus entity_id, date, domain): mentions, articles (exact), first/last sighting."""
    totals = sum_counts(counts)
    if totals.empty:
        return totals
    totals["entity_id"] = _map_ids(totals["entity_id"], mapping)
    totals = _na_key(totals, PLACE_KEYS)
    grouped = totals.groupby(COUNT_KEYS, sort=False).agg(
        n_mentions=("n_mentions", "sum"), n_documents=("n_documents", "sum"),
        first_seen=("first_seen", "min"), last_seen=("last_seen", "max"),
    ).reset_index()
    corrections = document_corrections(overlaps, mapping)
    if not corrections.empty:
        grouped = _subtract(grouped, _na_key(corrections, PLACE_KEYS), COUNT_KEYS)
    return _un_na(grouped, PLACE_KEYS)


def n_documents_with_entities(documents: pd.DataFrame) -> int:
    return int(documents["n_documents"].sum()) if len(documents) else 0


# --- corpus tables ------------------------------------------------------------------

def entity_daily(per_key: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, domain, corpus entity); rows without a date are left out."""
    if per_key.empty:
        return schemas.empty_frame("entity_daily")
    frame = per_key[per_key["date"].notna()]
    if frame.empty:
        return schemas.empty_frame("entity_daily")
    frame = frame[schemas.TABLES["entity_daily"].names].copy()
    frame["_domain"] = frame["domain"].fillna("")
    frame = frame.sort_values(["date", "entity_id", "_domain"], ignore_index=True).drop(columns="_domain")
    return frame


def entity_document_counts(per_key: pd.DataFrame) -> pd.DataFrame:
    """Per corpus entity: n_mentions, n_documents, first_seen, last_seen."""
    if per_key.empty:
        return pd.DataFrame(columns=["entity_id", "n_mentions", "n_documents", "first_seen", "last_seen"])
    return per_key.groupby("entity_id", sort=True).agg(
        n_mentions=("n_mentions", "sum"), n_documents=("n_documents", "sum"),
        first_seen=("first_seen", "min"), last_seen=("last_seen", "max"),
    ).reset_index()


def pair_strengths(n_ab: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(PMI, log-likelihood ratio G²) of pairs over n articles.

    PMI = log(P(a,b) / (P(a) P(b))) = log(n_ab n / (n_a n_b)).
    G² = 2 Σ k log(k / E) over the 2x2 table (both, a only, b only, neither)
    (Dunning 1993): high when the pair co-occurs far more -- or less -- often
    than chance and there is enough evidence to tell.
    """
    n_ab, n_a, n_b = (np.asarray(x, dtype=float) for x in (n_ab, n_a, n_b))
    pmi = np.log(n_ab * n / (n_a * n_b))
    k = [n_ab, n_a - n_ab, n_b - n_ab, n - n_a - n_b + n_ab]
    rows = [n_a, n_a, n - n_a, n - n_a]
    cols = [n_b, n - n_b, n_b, n - n_b]
    g2 = np.zeros_like(n_ab)
    for kk, r, c in zip(k, rows, cols):
        expected = r * c / n
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(kk > 0, kk * np.log(kk / expected), 0.0)
        g2 += term
    return pmi, np.maximum(2 * g2, 0.0)


def pair_corrections(overlaps: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Per corpus pair: articles the summed article-level pairs count more than once."""
    rows = []
    for _, mult in _overlap_multiplicities(overlaps, mapping):
        if max(mult.values()) < 2:
            continue
        ids = sorted(mult)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                extra = mult[a] * mult[b] - 1
                if extra:
                    rows.append((a, b, extra))
    frame = pd.DataFrame(rows, columns=["entity_id_a", "entity_id_b", "excess"])
    if frame.empty:
        return frame
    return frame.groupby(["entity_id_a", "entity_id_b"])["excess"].sum().reset_index()


def entity_pairs(pair_counts: pd.DataFrame, overlaps: pd.DataFrame, mapping: dict[str, str],
                 per_entity: pd.DataFrame, names: dict[str, str], n_documents: int,
                 min_support: int) -> pd.DataFrame:
    """Corpus entities co-occurring in at least ``min_support`` articles, with PMI and LLR."""
    if pair_counts.empty or n_documents == 0:
        return schemas.empty_frame("entity_pairs")
    a = _map_ids(pair_counts["entity_id_a"], mapping)
    b = _map_ids(pair_counts["entity_id_b"], mapping)
    frame = pd.DataFrame({
        "entity_id_a": np.where(a < b, a, b), "entity_id_b": np.where(a < b, b, a),
        "n_documents": pair_counts["n_documents"].to_numpy(),
    })
    frame = frame[frame["entity_id_a"] != frame["entity_id_b"]]
    frame = frame.groupby(["entity_id_a", "entity_id_b"], sort=False)["n_documents"].sum().reset_index()
    corrections = pair_corrections(overlaps, mapping)
    if not corrections.empty:
        frame = _subtract(frame, corrections, ["entity_id_a", "entity_id_b"])
    frame = frame[frame["n_documents"] >= max(1, min_support)]
    if frame.empty:
        return schemas.empty_frame("entity_pairs")
    doc_freq = per_entity.set_index("entity_id")["n_documents"]
    n_a = doc_freq.reindex(frame["entity_id_a"]).to_numpy()
    n_b = doc_freq.reindex(frame["entity_id_b"]).to_numpy()
    pmi, llr = pair_strengths(frame["n_documents"], n_a, n_b, n_documents)
    frame = frame.assign(
        canonical_name_a=frame["entity_id_a"].map(names), canonical_name_b=frame["entity_id_b"].map(names),
        pmi=pmi, llr=llr, llr_sign=association_sign(frame["n_documents"], n_a, n_b, n_documents),
        n_a=n_a.astype("int64"), n_b=n_b.astype("int64"), n_articles=int(n_documents),
    )
    frame = frame.sort_values(["n_documents", "llr", "entity_id_a", "entity_id_b"],
                              ascending=[False, False, True, True], ignore_index=True)
    return frame[schemas.TABLES["entity_pairs"].names]


def association_sign(n_ab, n_a, n_b, n: int) -> np.ndarray:
    """1 where a pair co-occurs more often than chance (n_ab > n_a n_b / n), -1 where less, 0 where equal."""
    n_ab, n_a, n_b = (np.asarray(x, dtype=float) for x in (n_ab, n_a, n_b))
    return np.sign(n_ab * n - n_a * n_b).astype("int8")


def top_cooccurring_pairs(pairs: pd.DataFrame, limit: int = 5) -> dict[str, list[tuple[str, str]]]:
    """For each entity, (id, name) of the entities it shares most articles with (then by LLR)."""
    if pairs.empty:
        return {}
    strength = "llr" if "llr" in pairs else "pmi"
    both = pd.concat(
        [
            pairs.rename(columns={"entity_id_a": "entity_id", "entity_id_b": "other_id", "canonical_name_b": "other"}),
            pairs.rename(columns={"entity_id_b": "entity_id", "entity_id_a": "other_id", "canonical_name_a": "other"}),
        ]
    )[["entity_id", "other_id", "other", "n_documents", strength]]
    both = both.sort_values(["n_documents", strength, "other", "other_id"], ascending=[False, False, True, True])
    return {
        eid: list(zip(group["other_id"].head(limit), group["other"].head(limit)))
        for eid, group in both.groupby("entity_id", sort=False)
    }


def top_cooccurring(pairs: pd.DataFrame, limit: int = 5) -> dict[str, list[str]]:
    """For each entity, the names of the entities it shares most articles with (then by LLR)."""
    return {eid: [name for _, name in top] for eid, top in top_cooccurring_pairs(pairs, limit).items()}


def entities(per_entity: pd.DataFrame, entity_aliases: pd.DataFrame, pairs: pd.DataFrame,
             current_ids: set[str] | None = None) -> pd.DataFrame:
    """One row per corpus entity seen in the current partials.

    ``aliases`` are the names its article-level ids in ``current_ids`` (those
    still in the partials; default: all) are mentioned by.
    """
    if per_entity.empty:
        return schemas.empty_frame("entities")
    current = set(entity_aliases["alias_entity_id"]) if current_ids is None else set(current_ids)
    info = entity_aliases.drop_duplicates("entity_id").set_index("entity_id")
    live = entity_aliases[entity_aliases["alias_entity_id"].isin(current)]
    aliases = live.groupby("entity_id")["alias"].agg(lambda t: sorted(set(t)))
    frame = per_entity.copy()
    frame["canonical_name"] = frame["entity_id"].map(info["canonical_name"])
    frame["label"] = frame["entity_id"].map(info["label"])
    frame["aliases"] = frame["entity_id"].map(aliases).map(lambda v: v if isinstance(v, list) else [])
    partners = top_cooccurring_pairs(pairs)
    frame["top_cooccurring"] = frame["entity_id"].map(lambda eid: [name for _, name in partners.get(eid, [])])
    frame["top_cooccurring_ids"] = frame["entity_id"].map(lambda eid: [i for i, _ in partners.get(eid, [])])
    frame = frame.sort_values(["n_mentions", "entity_id"], ascending=[False, True], ignore_index=True)
    return frame[schemas.TABLES["entities"].names]


def trending(daily: pd.DataFrame, entity_names: pd.Series, window_days: int = 7, top: int = 20,
             min_mentions: int = 2) -> pd.DataFrame:
    """Entities whose share of the last day's mentions rises most over their trailing average.

    Shares are per day over all outlets: an entity's mentions that day over all
    entity mentions that day. The trailing average is over the (up to)
    ``window_days`` dates before the last one that have any mentions, an
    entity absent on one of them counting 0 there. lift = (last + 0.001) /
    (trailing + 0.001), smoothed so a first appearance does not divide by zero;
    entities with fewer than ``min_mentions`` mentions on the last day are left
    out (one mention is not a trend).
    """
    columns = schemas.TABLES["entity_trends"].names
    if daily.empty:
        return schemas.empty_frame("entity_trends")
    per_day = daily.groupby(["date", "entity_id"])["n_mentions"].sum().unstack(fill_value=0)
    shares = per_day.div(per_day.sum(axis=1), axis=0)
    last_day = shares.index.max()
    trailing = shares.loc[shares.index < last_day].tail(window_days)
    if trailing.empty:
        return schemas.empty_frame("entity_trends")
    last = shares.loc[last_day]
    average = trailing.mean()
    lift = (last + 1e-3) / (average + 1e-3)
    frame = pd.DataFrame(
        {
            "entity_id": last.index,
            "canonical_name": entity_names.reindex(last.index).values,
            "last_day": last_day,
            "last_day_share": last.values,
            "trailing_share": average.reindex(last.index).values,
            "lift": lift.values,
            "n_mentions_last_day": per_day.loc[last_day].reindex(last.index).values.astype("int64"),
        }
    )
    frame = frame[(frame["last_day_share"] > 0) & (frame["n_mentions_last_day"] >= min_mentions)]
    frame = frame.sort_values(["lift", "entity_id"], ascending=[False, True], ignore_index=True).head(top)
    return frame[columns]


# --- corpus ids on the mentions -------------------------------------------------------

CORPUS_COLUMNS = ["corpus_entity_id", "corpus_canonical_name", "entity_label"]


def corpus_links(entity_aliases: pd.DataFrame) -> pd.DataFrame:
    """Per article-level id (index): its corpus id, canonical name and label."""
    rows = entity_aliases.drop_duplicates("alias_entity_id")
    return pd.DataFrame({
        "corpus_entity_id": rows["entity_id"].to_numpy(),
        "corpus_canonical_name": rows["canonical_name"].to_numpy(),
        "entity_label": rows["label"].to_numpy(),
    }, index=pd.Index(rows["alias_entity_id"].to_numpy(), name="entity_id"))


def link_corpus_ids(mentions: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` with the corpus columns set from ``links`` (see ``corpus_links``)
    wherever its article-level id is known there; other rows keep what they have
    (a new batch's ids, until the corpus step resolves them)."""
    if mentions.empty or links.empty:
        return mentions
    found = links.reindex(mentions["entity_id"].to_numpy())
    known = found["corpus_entity_id"].notna().to_numpy()
    out = mentions.copy()
    for column in CORPUS_COLUMNS:
        out[column] = np.where(known, found[column].to_numpy(), out[column].to_numpy())
    return out


def links_differ(mentions: pd.DataFrame, links: pd.DataFrame) -> bool:
    """True when some mention's corpus columns disagree with ``links``."""
    if mentions.empty:
        return False
    found = links.reindex(mentions["entity_id"].to_numpy())
    known = found["corpus_entity_id"].notna().to_numpy()
    return any(
        (found[column].to_numpy()[known] != mentions[column].to_numpy()[known]).any() for column in CORPUS_COLUMNS
    )
