"""Corrections a user makes to the corpus entities (``entity_overrides.yaml``).

The file (in the warehouse, or at ``Settings.entity_overrides``) lists, all
sections optional::

    merge:                      # the later entities join the first (its id stays)
      - [Helena Brandt, Brandt Holdings]
    split:                      # this name's article-level ids leave the entity and stand alone
      - {alias: Jordan, from: Michael Jordan}
    rename:                     # a new canonical name; the id stays
      Marta Kowalczyk: Marta K. Kowalczyk
    set_class:                  # a label for the entity; the id stays
      Rotterdam: GPE

An entity is named by its current canonical name (case, accents and
punctuation ignored) or its id (``E`` + 16 hex digits). The next corpus step
applies the file after its own resolution, in the order merge, split,
rename, set_class (rename and set_class name entities as they were before
any rename); every article-level id an override moved or changed gets
``rule = override`` in ``entity_aliases``. Ids stay stable: a merge keeps the
first entity's id, a split gives the split-off ids the id of their own name,
rename and set_class keep the id. A name that matches no entity, or a class
that is not a known label, is an error naming the line, not a silent no-op.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core.canonical import make_entity_id, variant_key
from pipeline.core.ner import ENTITY_LABELS

_ID = re.compile(r"^E[0-9a-f]{16}$")


class OverrideError(ValueError):
    pass


@dataclass
class Overrides:
    merge: list[list[str]] = field(default_factory=list)
    split: list[dict] = field(default_factory=list)
    rename: dict[str, str] = field(default_factory=dict)
    set_class: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.merge or self.split or self.rename or self.set_class)


def load_overrides(path: Path | None) -> Overrides:
    """The overrides file, or no overrides when it does not exist."""
    import yaml

    if path is None:
        return Overrides()
    path = Path(path) if isinstance(path, str) else path  # or any path object with exists/read_text (S3)
    if not path.exists():
        return Overrides()
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or set(raw) - {"merge", "split", "rename", "set_class"}:
        raise OverrideError(f"{path}: expected the sections merge, split, rename, set_class")
    overrides = Overrides(
        merge=[[str(n) for n in group] for group in raw.get("merge") or []],
        split=[{"alias": str(s["alias"]), "from": str(s["from"])} for s in raw.get("split") or []],
        rename={str(k): str(v) for k, v in (raw.get("rename") or {}).items()},
        set_class={str(k): str(v) for k, v in (raw.get("set_class") or {}).items()},
    )
    for group in overrides.merge:
        if len(group) < 2:
            raise OverrideError(f"{path}: a merge needs two or more entities: {group}")
    for name, label in overrides.set_class.items():
        if label not in ENTITY_LABELS:
            raise OverrideError(f"{path}: set_class {name}: {label!r} is not one of {sorted(ENTITY_LABELS)}")
    return overrides


def apply_overrides(entity_map: pd.DataFrame, names: dict[str, tuple[str, str]], overrides: Overrides
                    ) -> pd.DataFrame:
    """entity_map (entity_id, final_entity_id, canonical_name, label, rule) with the overrides applied.

    ``names``: article-level id -> (its own canonical name, label), for splits."""
    if overrides.empty:
        return entity_map
    m = entity_map.copy()
    touched = pd.Series(False, index=m.index)

    def final_of(ref: str, what: str) -> str:
        if _ID.match(ref):
            hit = m.loc[(m["final_entity_id"] == ref) | (m["entity_id"] == ref), "final_entity_id"]
        else:
            hit = m.loc[m["canonical_name"].map(variant_key) == variant_key(ref), "final_entity_id"]
        if hit.empty:
            raise OverrideError(f"{what}: no entity named {ref!r}")
        return Counter(hit).most_common(1)[0][0]

    def entity_rows(final: str) -> pd.Series:
        return m["final_entity_id"] == final

    for group in overrides.merge:
        target = final_of(group[0], f"merge {group}")
        name, label = m.loc[entity_rows(target), ["canonical_name", "label"]].iloc[0]
        for ref in group[1:]:
            rows = entity_rows(final_of(ref, f"merge {group}"))
            m.loc[rows, ["final_entity_id", "canonical_name", "label"]] = [target, name, label]
            touched |= rows
    for item in overrides.split:
        final = final_of(item["from"], f"split {item}")
        key = variant_key(item["alias"])
        rows = entity_rows(final) & m["entity_id"].map(lambda e: e in names and variant_key(names[e][0]) == key)
        if not rows.any():
            raise OverrideError(f"split {item}: {item['from']!r} has no ids named {item['alias']!r}")
        ids = m.loc[rows, "entity_id"].tolist()
        label = Counter(names[e][1] for e in ids).most_common(1)[0][0]
        own = make_entity_id(label, item["alias"])
        m.loc[rows, ["final_entity_id", "canonical_name", "label"]] = [own if own in ids else min(ids),
                                                                       item["alias"], label]
        touched |= rows
    # both name entities as they were before any rename
    renames = [(final_of(ref, f"rename {ref}"), new_name) for ref, new_name in overrides.rename.items()]
    classes = [(final_of(ref, f"set_class {ref}"), label) for ref, label in overrides.set_class.items()]
    for final, new_name in renames:
        rows = entity_rows(final)
        m.loc[rows, "canonical_name"] = new_name
        touched |= rows
    for final, label in classes:
        rows = entity_rows(final)
        m.loc[rows, "label"] = label
        touched |= rows
    if "rule" in m:
        m.loc[touched, "rule"] = "override"
    return m
