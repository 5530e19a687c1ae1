"""CODEBOOK.md, generated from ``pipeline.storage.schemas`` (``news-pipeline codebook``).

A test regenerates it and compares it with the checked-in file, so the
codebook cannot drift from the schemas.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pipeline.settings import PROJECT_ROOT
from pipeline.storage import schemas

CODEBOOK_PATH = PROJECT_ROOT / "CODEBOOK.md"

PREAMBLE = """\
# Codebook

Generated from `pipeline/storage/schemas.py` by `news-pipeline codebook`; do not edit
by hand (a test fails when this file and the schemas disagree).

Conventions:

- Every table is Parquet under the warehouse directory, one directory per
  table. Read them through `pipeline.corpus.Corpus` (pandas), `Corpus.duckdb()`
  or `news-pipeline export-duckdb` (DuckDB), or any Parquet reader.
- Times are UTC (`timestamp[us, tz=UTC]`). `articles.date` is the UTC day of
  the publication time, else the fetch time: the day every aggregate counts
  an article under. In DuckDB, casting a timestamp to a date follows the
  session time zone: group by `date` instead.
- Ids: `doc_id` is the first 16 hex digits of `content_sha256`; `entity_id`
  in `entity_mentions` is the article-level id, mapped to the corpus-level id
  of `entities` through `entity_aliases` (`alias_entity_id` -> `entity_id`).
- Lists (`authors`, `aliases`, ...) are Parquet lists; `Corpus` returns them
  as Python lists.
- Column names are a contract: columns are added, never renamed.
- **Public** tables are for analysis. **Internal** tables (staging and
  per-batch partial aggregates) are what the pipeline reads back; they may
  change shape between releases.
"""


def _type(dtype: pa.DataType) -> str:
    if pa.types.is_list(dtype):
        return f"list<{_type(dtype.value_type)}>"
    if pa.types.is_timestamp(dtype):
        return f"timestamp[{dtype.unit}, {dtype.tz}]" if dtype.tz else f"timestamp[{dtype.unit}]"
    return {"large_string": "string"}.get(str(dtype), str(dtype))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_section(table: str) -> list[str]:
    from pipeline.defs.jobs import BATCH_TABLES, DEDUPE_TABLES, LANDING_BATCH_TABLES

    per_batch = BATCH_TABLES + LANDING_BATCH_TABLES + DEDUPE_TABLES
    layout = "one file per batch" if table in per_batch else "one corpus-wide file"
    lines = [f"### `{table}`", "", schemas.TABLE_DESCRIPTIONS.get(table, ""), "",
             f"Files: `{table}/` ({layout}).", ""]
    lineage = schemas.LINEAGE.get(table, {})
    examples = schemas.EXAMPLES.get(table, {})
    lines += ["| column | type | meaning | computed from | example |", "|---|---|---|---|---|"]
    for field in schemas.TABLES[table]:
        sources = ", ".join(f"`{up}.{col}`" for up, col in lineage.get(field.name, []))
        example = f"`{examples[field.name]}`" if field.name in examples else ""
        lines.append(f"| `{field.name}` | {_type(field.type)} | {_cell(schemas.description(field))} | "
                     f"{sources} | {_cell(example)} |")
    return lines + [""]


def render() -> str:
    public = [t for t in schemas.TABLES if schemas.is_public(t)]
    internal = [t for t in schemas.TABLES if not schemas.is_public(t)]
    lines = [PREAMBLE, "## Tables", "", "| table | public | rows are |", "|---|---|---|"]
    lines += [f"| [`{t}`](#{t}) | {'yes' if schemas.is_public(t) else 'internal'} | "
              f"{_cell(schemas.TABLE_DESCRIPTIONS.get(t, ''))} |" for t in public + internal]
    lines += ["", "## Public tables", ""]
    for table in public:
        lines += _table_section(table)
    lines += ["## Internal tables", ""]
    for table in internal:
        lines += _table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path = CODEBOOK_PATH) -> Path:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render(), encoding="utf-8")
    tmp.replace(path)
    return path


def is_current(path: Path = CODEBOOK_PATH) -> bool:
    path = Path(path)
    return path.exists() and path.read_text(encoding="utf-8") == render()
