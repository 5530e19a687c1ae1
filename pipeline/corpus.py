"""The corpus API: the warehouse's tables as pandas DataFrames, ready for analysis.

    from pipeline.corpus import Corpus
    corpus = Corpus("data/warehouse")
    corpus.daily(by=["outlet", "week"], label="PERSON", top=5)   # who is in the news, per outlet and week
    corpus.kwic("Ines Carvalho", width=60)                        # every mention, in context
    corpus.pairs(entity="Ines Carvalho")                          # its strongest associations

Every method returns a pandas DataFrame (``search`` two of them) typed the
same way: timestamps as ``datetime64[us, UTC]``, days (``date``, ``week``) as
``datetime64`` at midnight without a time zone, list columns (``authors``,
``aliases``, ...) as Python lists (never numpy arrays; an empty list, not
null), counts as ``int64`` (``published_utc_offset_minutes``, which can be
null, as pandas' nullable ``Int32``), text as ``object`` strings. ``start`` and ``end``
are inclusive UTC days (``articles.date``); they and ``outlet`` are pushed
down to the Parquet files, and only the columns needed are read. Everything
is read through ``pipeline.storage.warehouse.scan``, so the API does not depend on
how the tables are stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from pipeline.storage import schemas
from pipeline.storage import warehouse

DayLike = str | dt.date | pd.Timestamp | None
GROUPINGS = ("day", "week", "outlet")
RESOLVED_COLUMNS = ("corpus_entity_id", "corpus_canonical_name", "entity_label")
# integer columns that can be null: pandas' nullable integers rather than floats
NULLABLE_INTEGERS = {"published_utc_offset_minutes": "Int32"}


class Matches(NamedTuple):
    """What ``Corpus.search`` found: the matching articles, and their matching paragraphs."""

    articles: pd.DataFrame
    paragraphs: pd.DataFrame


class RawBytesMismatch(ValueError):
    """The bytes read again from the landing dir do not hash to documents.raw_sha256."""


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with the API's dtypes (see the module docstring)."""
    frame = table.to_pandas(date_as_object=False)
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            frame[field.name] = pd.Series(
                [value if value is not None else [] for value in table.column(field.name).to_pylist()],
                index=frame.index, dtype=object,
            )
        elif pa.types.is_date(field.type):
            frame[field.name] = pd.to_datetime(frame[field.name])
        elif field.name in NULLABLE_INTEGERS:
            frame[field.name] = frame[field.name].astype(NULLABLE_INTEGERS[field.name])
    return frame


def _day(value: DayLike) -> dt.date | None:
    return None if value is None else pd.Timestamp(value).date()


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def _and(*expressions: ds.Expression | None) -> ds.Expression | None:
    result = None
    for expression in expressions:
        if expression is not None:
            result = expression if result is None else result & expression
    return result


def _day_range(start: DayLike, end: DayLike) -> ds.Expression | None:
    """date within [start, end] (inclusive days; either may be open)."""
    start, end = _day(start), _day(end)
    return _and(ds.field("date") >= pa.scalar(start, pa.date32()) if start else None,
                ds.field("date") <= pa.scalar(end, pa.date32()) if end else None)


def _isin(column: str, values: Iterable | None) -> ds.Expression | None:
    """column in values (string columns); an empty list selects nothing."""
    if values is None:
        return None
    return ds.field(column).isin(pa.array(sorted({str(v) for v in values}), pa.string()))


class Corpus:
    """A warehouse directory, read as an analyst reads it.

    ``landing`` is where ``raw_bytes`` finds the original files; by default
    the landing dir the warehouse's ``_manifest.json`` records, else the
    pipeline's default.
    """

    def __init__(self, warehouse_dir: str | Path | None = None, landing: str | Path | None = None):
        from pipeline.settings import Settings

        settings = Settings.from_env(warehouse_dir=warehouse_dir, landing_dir=landing)
        self.warehouse_dir = settings.warehouse_dir
        self._landing = Path(landing).resolve() if landing is not None else None
        self._default_landing = settings.landing_dir
        self._cache: dict[str, pd.DataFrame] = {}

    # ---------------------------------------------------------------- reading

    def table(self, name: str, columns: list[str] | None = None,
              filter: ds.Expression | None = None) -> pd.DataFrame:
        """Any table by name (public or internal), typed as the API types it."""
        return to_frame(warehouse.scan(self.warehouse_dir, name, columns, filter))

    def _columns(self, table: str) -> list[str]:
        return schemas.TABLES[table].names

    def _article_filter(self, start: DayLike, end: DayLike, outlet) -> ds.Expression | None:
        return _and(_day_range(start, end), _isin("outlet", _as_list(outlet)))

    def _doc_ids(self, start: DayLike, end: DayLike, outlet) -> list[str] | None:
        """doc_ids of the articles in range (None: no restriction)."""
        where = self._article_filter(start, end, outlet)
        if where is None:
            return None
        return warehouse.scan(self.warehouse_dir, "articles", ["doc_id"], where).column("doc_id").to_pylist()

    def articles(self, start: DayLike = None, end: DayLike = None, outlet: str | Iterable[str] | None = None,
                 columns: list[str] | None = None) -> pd.DataFrame:
        """Articles whose UTC day (``date``) is within [start, end] and whose ``outlet`` is given, by date."""
        frame = self.table("articles", columns, self._article_filter(start, end, outlet))
        keys = [k for k in ("date", "doc_id") if k in frame]
        return frame.sort_values(keys, ignore_index=True) if keys else frame

    def paragraphs(self, start: DayLike = None, end: DayLike = None, outlet=None, kind: str | Iterable[str] | None = None,
                   include_boilerplate: bool = False, columns: list[str] | None = None) -> pd.DataFrame:
        """Paragraphs of the articles in range, in reading order; boilerplate left out unless asked for."""
        where = _and(
            _isin("doc_id", self._doc_ids(start, end, outlet)),
            _isin("kind", _as_list(kind)),
            None if include_boilerplate else ds.field("is_boilerplate") == False,  # noqa: E712 (an expression)
        )
        frame = self.table("paragraphs", columns, where)
        keys = [k for k in ("doc_id", "paragraph_index") if k in frame]
        return frame.sort_values(keys, ignore_index=True) if keys else frame

    # ---------------------------------------------------------------- entities

    def entities(self, label: str | Iterable[str] | None = None, min_mentions: int = 1) -> pd.DataFrame:
        """Corpus-level entities, most mentioned first; ``label`` e.g. "PERSON" or ["ORG", "GPE"]."""
        where = _and(_isin("label", _as_list(label)),
                     ds.field("n_mentions") >= min_mentions if min_mentions > 1 else None)
        frame = self.table("entities", filter=where)
        return frame.sort_values(["n_mentions", "entity_id"], ascending=[False, True], ignore_index=True)

    def _entity_table(self) -> pd.DataFrame:
        if "entities" not in self._cache:
            self._cache["entities"] = self.table("entities", ["entity_id", "canonical_name", "label", "n_mentions"])
        return self._cache["entities"]

    def entity_id(self, entity: str) -> str:
        """The corpus id of ``entity``: an entity_id, or a name (canonical name or alias, any case)."""
        table = self._entity_table()
        if entity in set(table["entity_id"]):
            return entity
        wanted = entity.casefold()
        named = table[table["canonical_name"].str.casefold() == wanted]
        if named.empty:
            aliases = self.table("entity_aliases", ["alias", "entity_id"])
            ids = set(aliases.loc[aliases["alias"].str.casefold() == wanted, "entity_id"])
            named = table[table["entity_id"].isin(ids)]
        if named.empty:
            raise KeyError(f"no entity named or with id {entity!r}")
        return named.sort_values(["n_mentions", "entity_id"], ascending=[False, True])["entity_id"].iloc[0]

    def _alias_map(self) -> pd.DataFrame:
        """article-level id -> corpus id (entity_aliases)."""
        if "aliases" not in self._cache:
            aliases = self.table("entity_aliases", ["alias_entity_id", "entity_id"])
            self._cache["aliases"] = aliases.drop_duplicates("alias_entity_id").rename(
                columns={"alias_entity_id": "entity_id", "entity_id": "corpus_entity_id"})
        return self._cache["aliases"]

    def mentions(self, resolved: bool = True, entity: str | Iterable[str] | None = None,
                 start: DayLike = None, end: DayLike = None, outlet=None,
                 label: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Entity mentions, with the article's ``date`` and ``outlet``.

        ``resolved`` joins in the corpus entity (``corpus_entity_id``,
        ``corpus_canonical_name``, ``entity_label``); ``entity`` (ids or names)
        and ``label`` (the corpus label) select corpus entities. Only the
        mention rows of those entities are read from Parquet.
        """
        columns = self._columns("entity_mentions")
        stored = set(columns) >= set(RESOLVED_COLUMNS)  # corpus ids written with the mentions
        corpus_ids = None
        if entity is not None:
            corpus_ids = [self.entity_id(e) for e in _as_list(entity)]
        if label is not None:
            table = self._entity_table()
            labelled = table.loc[table["label"].isin(_as_list(label)), "entity_id"].tolist()
            corpus_ids = labelled if corpus_ids is None else sorted(set(corpus_ids) & set(labelled))
        by_entity = None
        if corpus_ids is not None:
            aliases = self._alias_map()
            by_entity = _isin("entity_id", aliases.loc[aliases["corpus_entity_id"].isin(corpus_ids), "entity_id"])
            if stored:  # files written before the corpus columns existed still match through entity_aliases
                by_entity = _isin("corpus_entity_id", corpus_ids) | by_entity
        where = _and(by_entity, _isin("doc_id", self._doc_ids(start, end, outlet)))
        frame = self.table("entity_mentions", filter=where)
        if resolved:
            frame = self._resolve(frame)
        elif not stored:
            frame = frame.drop(columns=[c for c in RESOLVED_COLUMNS if c in frame])
        articles = self.table("articles", ["doc_id", "date", "outlet"], _isin("doc_id", frame["doc_id"]))
        frame = frame.merge(articles, on="doc_id", how="left")
        return frame.sort_values(["date", "doc_id", "paragraph_index", "start"], ignore_index=True)

    def _resolve(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Corpus id, name and label of each mention: as stored with it, else through entity_aliases."""
        info = self._entity_table().rename(columns={
            "entity_id": "corpus_entity_id", "canonical_name": "corpus_canonical_name", "label": "entity_label"})
        mapped = frame[["entity_id"]].merge(self._alias_map(), on="entity_id", how="left")
        mapped = mapped.merge(info.drop(columns="n_mentions"), on="corpus_entity_id", how="left")
        for column in RESOLVED_COLUMNS:
            looked_up = pd.Series(mapped[column].to_numpy(), index=frame.index)
            frame[column] = frame[column].where(frame[column].notna(), looked_up) if column in frame else looked_up
        return frame

    def daily(self, entity: str | Iterable[str] | None = None, by: str | Iterable[str] = "day",
              start: DayLike = None, end: DayLike = None, outlet=None, label: str | Iterable[str] | None = None,
              top: int | None = None) -> pd.DataFrame:
        """Mentions and articles per entity, summed from ``entity_daily`` over what ``by`` leaves out.

        ``by``: "day" (``date``), "week" (``week``: the Monday of the ISO
        week, and ``iso_week`` such as "2026-W05"), "outlet", or a list of
        them, e.g. ``["outlet", "week"]``. ``top`` keeps the N most mentioned
        entities of each group. An article has one day and one outlet, so
        ``n_documents`` stays exact when summed.
        """
        groups = _as_list(by)
        unknown = set(groups) - set(GROUPINGS)
        if unknown or ("day" in groups and "week" in groups):
            raise ValueError(f"by: one or more of {GROUPINGS} (not both day and week), got {by!r}")
        ids = None if entity is None else [self.entity_id(e) for e in _as_list(entity)]
        info = self._entity_table()
        if label is not None:
            labelled = info.loc[info["label"].isin(_as_list(label)), "entity_id"]
            ids = labelled.tolist() if ids is None else sorted(set(ids) & set(labelled))
        where = _and(_isin("entity_id", ids), _isin("outlet", _as_list(outlet)), _day_range(start, end))
        frame = self.table("entity_daily", filter=where)
        keys = []
        if "week" in groups:
            frame["week"] = frame["date"] - pd.to_timedelta(frame["date"].dt.weekday, unit="D")
            iso = frame["date"].dt.isocalendar()
            frame["iso_week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
            keys += ["week", "iso_week"]
        if "day" in groups:
            keys.append("date")
        if "outlet" in groups:
            keys.append("outlet")
        summed = frame.groupby([*keys, "entity_id"], dropna=False, sort=False)[["n_mentions", "n_documents"]].sum()
        summed = summed.reset_index().astype({"n_mentions": "int64", "n_documents": "int64"})
        summed = summed.merge(info[["entity_id", "canonical_name", "label"]], on="entity_id", how="left")
        summed = summed.sort_values([*keys, "n_mentions", "entity_id"], ascending=[True] * len(keys) + [False, True],
                                    ignore_index=True)
        if top is not None:
            summed = summed.groupby(keys, dropna=False, sort=False).head(top).reset_index(drop=True) if keys \
                else summed.head(top)
        return summed[[*keys, "entity_id", "canonical_name", "label", "n_mentions", "n_documents"]]

    def pairs(self, entity: str | None = None, min_support: int = 2, positive_only: bool = True,
              top: int | None = None) -> pd.DataFrame:
        """Co-occurring entity pairs, strongest log-likelihood ratio first.

        ``positive_only`` keeps pairs that co-occur more often than chance
        (``llr_sign`` 1). With ``entity``, the pairs it is in, with the
        partner as ``other_id`` and ``other_name``.
        """
        where = _and(ds.field("n_documents") >= min_support, ds.field("llr_sign") > 0 if positive_only else None)
        if entity is not None:
            eid = self.entity_id(entity)
            where = _and(where, (ds.field("entity_id_a") == eid) | (ds.field("entity_id_b") == eid))
        frame = self.table("entity_pairs", filter=where)
        if entity is not None:
            a_side = frame["entity_id_a"] == eid
            frame["other_id"] = frame["entity_id_b"].where(a_side, frame["entity_id_a"])
            frame["other_name"] = frame["canonical_name_b"].where(a_side, frame["canonical_name_a"])
        frame = frame.sort_values(["llr", "n_documents", "entity_id_a", "entity_id_b"],
                                  ascending=[False, False, True, True], ignore_index=True)
        return frame.head(top) if top is not None else frame

    # ---------------------------------------------------------------- text

    def search(self, phrase: str, start: DayLike = None, end: DayLike = None, outlet=None,
               case_sensitive: bool = False, include_boilerplate: bool = False) -> Matches:
        """Articles and paragraphs containing ``phrase`` (as whole words; a plain string, not a pattern).

        ``Matches.paragraphs``: doc_id, paragraph_index, kind, text,
        match_starts (offsets of each match in text), with the article's
        date, outlet and title; ``Matches.articles``: the articles, with
        ``n_matches`` and ``n_matching_paragraphs``.
        """
        if not phrase.strip():
            raise ValueError("search: an empty phrase matches everything")
        pattern = re.escape(phrase.strip())
        pattern = (r"\b" if re.match(r"\w", phrase.strip()) else "") + pattern
        pattern += r"\b" if re.search(r"\w$", phrase.strip()) else ""
        flags = 0 if case_sensitive else re.IGNORECASE
        where = _and(_isin("doc_id", self._doc_ids(start, end, outlet)),
                     None if include_boilerplate else ds.field("is_boilerplate") == False)  # noqa: E712
        columns = ["doc_id", "paragraph_index", "kind", "text"]
        table = warehouse.scan(self.warehouse_dir, "paragraphs", columns, where)
        # a plain substring test in Arrow first; the whole-word test (Unicode-aware) on what it keeps
        hit = pc.match_substring(table.column("text"), phrase.strip(), ignore_case=not case_sensitive)
        paragraphs = to_frame(table.filter(hit))
        compiled = re.compile(pattern, flags)
        paragraphs["match_starts"] = pd.Series(
            [[m.start() for m in compiled.finditer(text)] for text in paragraphs["text"]],
            index=paragraphs.index, dtype=object)
        paragraphs = paragraphs[paragraphs["match_starts"].map(len) > 0]
        articles = self.table("articles", filter=_isin("doc_id", paragraphs["doc_id"]))
        meta = articles[["doc_id", "date", "outlet", "title"]]
        paragraphs = paragraphs.merge(meta, on="doc_id", how="left").sort_values(
            ["date", "doc_id", "paragraph_index"], ignore_index=True)
        counts = paragraphs.groupby("doc_id").agg(
            n_matches=("match_starts", lambda s: sum(map(len, s))), n_matching_paragraphs=("doc_id", "size"))
        articles = articles.merge(counts.reset_index(), on="doc_id").sort_values(["date", "doc_id"], ignore_index=True)
        return Matches(articles=articles, paragraphs=paragraphs)

    def kwic(self, entity: str | Iterable[str], width: int = 40, start: DayLike = None, end: DayLike = None,
             outlet=None, mark: tuple[str, str] = ("[[", "]]")) -> pd.DataFrame:
        """Keyword in context: every mention of the entity, from its offsets into the paragraph text.

        Columns: the mention's doc_id, paragraph_index, start, end, text,
        date, outlet, title and the paragraph's kind; ``left``, ``match``, ``right`` (up to
        ``width`` characters each side); ``sentence`` (the sentence holding
        the mention) and ``highlighted`` (that sentence with the mention
        between the two ``mark`` strings).
        """
        mentions = self.mentions(entity=entity, start=start, end=end, outlet=outlet)
        keys = mentions[["doc_id", "paragraph_index"]].drop_duplicates()
        texts = self.table("paragraphs", ["doc_id", "paragraph_index", "kind", "text"],
                           _isin("doc_id", keys["doc_id"]))
        texts = texts.rename(columns={"text": "paragraph_text"})
        frame = mentions.merge(texts, on=["doc_id", "paragraph_index"], how="left")
        titles = self.table("articles", ["doc_id", "title"], _isin("doc_id", keys["doc_id"]))
        frame = frame.merge(titles, on="doc_id", how="left")
        rows = [_context(text, s, e, width, mark) for text, s, e in
                zip(frame["paragraph_text"], frame["start"], frame["end"])]
        context = pd.DataFrame(rows, columns=["left", "match", "right", "sentence", "highlighted"], index=frame.index)
        frame = pd.concat([frame.drop(columns="paragraph_text"), context], axis=1)
        return frame.sort_values(["date", "doc_id", "paragraph_index", "start"], ignore_index=True)

    # ---------------------------------------------------------------- bytes and SQL

    def landing_dir(self) -> Path:
        if self._landing is not None:
            return self._landing
        manifest = self.warehouse_dir / "_manifest.json"
        if manifest.exists():
            recorded = json.loads(manifest.read_text()).get("landing_dir")
            if recorded:
                return Path(recorded)
        return self._default_landing

    def raw_bytes(self, doc_id: str, verify: bool = True) -> bytes:
        """The document's bytes as they arrived (decompressed), read again from the landing file or WARC offset.

        Checked against ``documents.raw_sha256``: ``RawBytesMismatch`` when
        the file changed since, ``LookupError`` when it is gone.
        """
        from pipeline.core.ingest import read_document_at
        from pipeline.settings import Settings

        rows = warehouse.scan(self.warehouse_dir, "documents", ["doc_id", "source_path", "raw_sha256"],
                              ds.field("doc_id") == doc_id).to_pylist()
        if not rows:
            raise KeyError(f"no document {doc_id!r}")
        row = rows[0]
        settings = Settings.from_env(warehouse_dir=self.warehouse_dir, landing_dir=self.landing_dir())
        content = read_document_at(settings.landing_dir, row["source_path"], settings).content
        if verify:
            if row["raw_sha256"] is None:
                raise RawBytesMismatch(f"{doc_id}: no raw_sha256 recorded (ingested before the column existed);"
                                       " pass verify=False to read unchecked")
            digest = hashlib.sha256(content).hexdigest()
            if digest != row["raw_sha256"]:
                raise RawBytesMismatch(f"{doc_id}: {row['source_path']} now hashes to {digest},"
                                       f" not {row['raw_sha256']}: the file changed after ingestion")
        return content

    def duckdb(self, database: str = ":memory:"):
        """A DuckDB connection with every public table (and ``mentions_resolved``, ``outlet_daily``) as a view."""
        from pipeline.storage.duck import connect

        return connect(self.warehouse_dir, database)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def _context(text: str | None, start: int, end: int, width: int, mark: tuple[str, str]) -> tuple:
    if not isinstance(text, str):
        return (None, None, None, None, None)
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    begin = 0
    for found in _SENTENCE_END.finditer(text, 0, start):
        begin = found.end()
    after = _SENTENCE_END.search(text, end)
    finish = after.start() + 1 if after else len(text)
    sentence = text[begin:finish].strip()
    highlighted = (text[begin:start] + mark[0] + text[start:end] + mark[1] + text[end:finish]).strip()
    return (left, text[start:end], right, sentence, highlighted)
