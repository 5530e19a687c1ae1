"""Warehouse files: footers are read once per version of a file, and a rewrite is always seen."""
import os

import pandas as pd

from pipeline.storage import warehouse


def test_a_rewritten_file_reports_its_new_rows_even_with_its_old_modification_time(tmp_path):
    path = tmp_path / "rejected_documents" / "b1.parquet"
    path.parent.mkdir()
    row = {"source_path": "a.html", "reason": "empty", "detail": "", "stage": "decode", "batch": "b1", "doc_id": None}
    warehouse.write_table_file("rejected_documents", pd.DataFrame([row]), path)
    assert warehouse.file_metadata(path).num_rows == 1
    kept = path.stat().st_mtime_ns
    warehouse.write_table_file("rejected_documents", pd.DataFrame([row, {**row, "source_path": "b.html"}]), path,
                               mtime_ns=kept)
    assert path.stat().st_mtime_ns == kept
    assert warehouse.file_metadata(path).num_rows == 2
    os.utime(path, ns=(kept, kept))  # touching it does not make it read as another file
    assert warehouse.file_metadata(path).num_rows == 2


def test_each_recurring_paragraph_shows_the_text_of_its_first_occurrence(corpus_warehouse):
    """domain_boilerplate's example, read for the found keys only, is what a full read of the paragraphs gives."""
    _, root = corpus_warehouse
    found = warehouse.read_table(root, "domain_boilerplate")
    assert len(found) > 0 and set(found["match"]) == {"near", "exact"}
    paragraphs = pd.concat([pd.read_parquet(path, columns=["boilerplate_key", "exact_key", "text"])
                            for path in sorted((root / "extracted_paragraphs").glob("*.parquet"))])
    for row in found.itertuples():
        column = "boilerplate_key" if row.match == "near" else "exact_key"
        assert row.example == paragraphs.loc[paragraphs[column] == row.boilerplate_key, "text"].iloc[0]


def test_examples_are_found_when_only_one_kind_of_key_recurs(corpus_warehouse):
    from dataclasses import replace

    from pipeline.defs.assets.boilerplate import _example_texts
    from pipeline.settings import Settings

    _, root = corpus_warehouse
    found = warehouse.read_table(root, "domain_boilerplate")
    settings = replace(Settings(), warehouse_dir=root)
    for kind in ("near", "exact"):
        some = found[found["match"] == kind].reset_index(drop=True)
        assert len(some) > 0
        assert _example_texts(settings, some.drop(columns=["example"])).tolist() == some["example"].tolist()
