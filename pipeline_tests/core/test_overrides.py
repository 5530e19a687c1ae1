"""entity_overrides.yaml: merge, split, rename and set_class applied to the corpus entities."""
import pandas as pd
import pytest

from pipeline.core.aggregate import corpus_entity_map
from pipeline.core.canonical import make_entity_id
from pipeline.core.overrides import OverrideError, load_overrides
from pipeline_tests.core.test_canonical import rows


def evidence() -> pd.DataFrame:
    frame = pd.DataFrame(rows("d1", "Marta Kowalczyk", "PERSON", count=4) + rows("d2", "Kowalczyk", "PERSON", count=3)
                         + rows("d3", "Tobias Renner", "PERSON", count=2) + rows("d4", "Renner Group", "ORG", count=2)
                         + rows("d5", "Rotterdam", "PERSON", count=3) + rows("d6", "Solvane", "ORG", count=2)
                         + rows("d7", "Solvane Power", "ORG", count=3))
    return frame.groupby(["entity_id", "canonical_name", "label", "text"]).size().rename("n_mentions").reset_index()


def test_overrides_merge_split_rename_and_set_class_with_stable_ids(tmp_path):
    path = tmp_path / "entity_overrides.yaml"
    path.write_text(
        "merge:\n  - [Solvane Power, Solvane]\n"
        "split:\n  - {alias: Kowalczyk, from: Marta Kowalczyk}\n"
        "rename:\n  Tobias Renner: Tobias J. Renner\n"
        "set_class:\n  Rotterdam: GPE\n", encoding="utf-8")
    before, plain = corpus_entity_map(evidence())
    _, table = corpus_entity_map(evidence(), overrides=load_overrides(path))
    by_alias = table.set_index("alias_entity_id")
    solvane, power = make_entity_id("ORG", "Solvane"), make_entity_id("ORG", "Solvane Power")
    assert by_alias.loc[solvane, "entity_id"] == by_alias.loc[power, "entity_id"] == power  # first one's id
    assert by_alias.loc[solvane, "rule"] == "override"
    surname, full = make_entity_id("PERSON", "Kowalczyk"), make_entity_id("PERSON", "Marta Kowalczyk")
    assert plain.set_index("alias_entity_id").loc[surname, "entity_id"] == full  # merged without the override
    assert by_alias.loc[surname, "entity_id"] == surname and by_alias.loc[surname, "canonical_name"] == "Kowalczyk"
    renner = make_entity_id("PERSON", "Tobias Renner")
    assert by_alias.loc[renner, ["entity_id", "canonical_name"]].tolist() == [renner, "Tobias J. Renner"]
    rotterdam = make_entity_id("PERSON", "Rotterdam")
    assert by_alias.loc[rotterdam, ["entity_id", "label"]].tolist() == [rotterdam, "GPE"]
    # what no override touched keeps the rule that put it there
    assert plain.set_index("alias_entity_id").loc[surname, "rule"] == "person_family"
    assert by_alias.loc[make_entity_id("ORG", "Renner Group"), "rule"] == "model"


def test_an_override_naming_nothing_is_a_clear_error(tmp_path):
    path = tmp_path / "entity_overrides.yaml"
    path.write_text("rename:\n  Nobody Known: Someone\n", encoding="utf-8")
    with pytest.raises(OverrideError, match="Nobody Known"):
        corpus_entity_map(evidence(), overrides=load_overrides(path))
    path.write_text("set_class:\n  Rotterdam: CITY\n", encoding="utf-8")
    with pytest.raises(OverrideError, match="CITY"):
        load_overrides(path)
    assert load_overrides(tmp_path / "absent.yaml").empty
