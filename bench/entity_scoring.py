"""Scoring entity resolution against gold mentions (used by bench/quality_entities.py).

A mention is keyed by (document, paragraph, start, end); a system mention
matches a gold one with the same key once a leading "the " and a trailing
possessive are left out of the system span. Scores:

* found: share of gold mentions the system has;
* B-cubed precision/recall/F1 of entity ids over the matched mentions (for
  each mention, the overlap of its system cluster and its gold cluster over
  the size of each; averaged);
* confusion: gold class against the system's entity class, over matched mentions.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

Key = tuple[str, int, int, int]

CLASS_OF = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place"}


def entity_class(label: str | None) -> str:
    return CLASS_OF.get(label or "", "other")


_LEADING_THE = re.compile(r"^[Tt]he\s+")
_POSSESSIVE = re.compile(r"['’]s?$")


def normalised_key(doc: str, paragraph: int, start: int, end: int, text: str) -> Key:
    if (m := _LEADING_THE.match(text)) and len(text) > m.end():
        start += m.end()
        text = text[m.end():]
    if (m := _POSSESSIVE.search(text)) and m.start() > 0:
        end -= len(text) - m.start()
    return doc, paragraph, start, end


@dataclass
class Scores:
    gold: int
    found: int
    precision: float
    recall: float
    f1: float
    confusion: Counter
    mention_precision: float = 0.0  # system mentions that are gold mentions
    gazetteer_precision: float | None = None  # the same, over the mentions found by name matching
    gazetteer_mentions: int = 0

    @property
    def found_share(self) -> float:
        return self.found / self.gold if self.gold else 0.0


def score(gold: dict[Key, tuple[str, str]], system: dict[Key, tuple]) -> Scores:
    """gold: key -> (entity id, class); system: key -> (entity id, class[, source])."""
    matched = [k for k in gold if k in system]
    gold_clusters: dict[str, set] = defaultdict(set)
    sys_clusters: dict[str, set] = defaultdict(set)
    for k in matched:
        gold_clusters[gold[k][0]].add(k)
        sys_clusters[system[k][0]].add(k)
    p = r = 0.0
    for k in matched:
        g, s = gold_clusters[gold[k][0]], sys_clusters[system[k][0]]
        both = len(g & s)
        p += both / len(s)
        r += both / len(g)
    n = len(matched)
    precision, recall = (p / n, r / n) if n else (0.0, 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    confusion = Counter((gold[k][1], system[k][1]) for k in matched)
    gazetteer = [k for k, v in system.items() if len(v) > 2 and v[2] == "gazetteer"]
    return Scores(len(gold), n, precision, recall, f1, confusion,
                  mention_precision=n / len(system) if system else 0.0,
                  gazetteer_precision=sum(k in gold for k in gazetteer) / len(gazetteer) if gazetteer else None,
                  gazetteer_mentions=len(gazetteer))


def print_table(title: str, rows: dict[str, Scores]) -> None:
    print(f"\n{title}")
    print(f"  {'system':<16} {'gold':>6} {'found':>7} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'ment P':>7}"
          f" {'gaz n':>6} {'gaz P':>6}")
    for name, s in rows.items():
        gaz = f"{s.gazetteer_precision:>6.3f}" if s.gazetteer_precision is not None else f"{'-':>6}"
        print(f"  {name:<16} {s.gold:>6} {s.found_share:>7.3f} {s.precision:>7.3f} {s.recall:>7.3f} {s.f1:>7.3f}"
              f" {s.mention_precision:>7.3f} {s.gazetteer_mentions:>6} {gaz}")
    print("  (ment P: share of the system's mentions that are gold mentions; gaz: those found by name matching)")
    for name, s in rows.items():
        classes = sorted({g for g, _ in s.confusion} | {c for _, c in s.confusion})
        print(f"  confusion ({name}; rows gold, columns ours): " + "  ".join(
            f"{g}: " + ", ".join(f"{c} {s.confusion[(g, c)]}" for c in classes if s.confusion[(g, c)])
            for g in classes if any(s.confusion[(g, c)] for c in classes)))
