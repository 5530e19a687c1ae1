"""Entity resolution quality: on the generated corpus (whose generator knows who each
name is) and on entity-annotated text we did not write, beside the raw model.

    python bench/quality_entities.py --articles 400            # generate (seed 3), run the CLI, score
    python bench/quality_entities.py --warehouse DIR           # score a warehouse built from the generated corpus
    python bench/quality_entities.py --external-only           # only the OntoNotes-style sample (see below)
    python bench/quality_entities.py --warehouse DIR --persons-only  # only the per-person figures of its tables

External text: the OntoNotes-style CoNLL-2012 sample files (named entities and
coreference chains, news and broadcast text) that the Apache-2.0 PyPI package
allennlp 0.9.0 ships as test fixtures. The wheel is fetched with
``pip download --no-deps`` into a cache folder and read from the zip; nothing
of it is installed or copied into this repository. Gold entity of a named
mention: its coreference chain, else its own label and text.

Gold mentions in the generated corpus: every occurrence, in the kept
paragraphs, of a generated person's full name or surname, an organisation's
name or acronym, a place's name forms or an outlet's name; their entity is
the one the generator meant.

Persons: every mention whose words include a generated person's surname (and
no other generated person's) is that person's. A person's entity is the
PERSON entity holding most of their mentions; the score is the share of their
mentions under it (target: >= 97% for each). Top PERSON entities: the 50
PERSON entities with most mentions whose canonical name is not a generated
person's (cast or reporter) full name or surname.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.entity_scoring import entity_class, normalised_key, print_table, score  # noqa: E402
from pipeline.sample import generator as sample_corpus  # noqa: E402

TOP_PERSONS = 50


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", re.sub(r"['’]s\b", "", text).casefold())


def generated_people() -> dict[str, tuple[str, str]]:
    """full name -> (first, last) of every person the generator writes about."""
    return {p.full: (p.first, p.last) for topic in sample_corpus.TOPICS for p in topic.cast}


def reporter_names() -> set[str]:
    return {r.name for outlet in sample_corpus.OUTLETS for r in outlet.reporters}


def corpus_mentions(warehouse: Path) -> pd.DataFrame:
    """Mentions with their corpus entity (mapped through entity_aliases for a warehouse
    written before entity_mentions had corpus columns)."""
    mentions = pd.read_parquet(warehouse / "entity_mentions")
    if "corpus_entity_id" not in mentions:
        links = pd.read_parquet(warehouse / "entity_aliases").drop_duplicates("alias_entity_id")
        links = links.set_index("alias_entity_id")
        mentions["corpus_entity_id"] = mentions["entity_id"].map(links["entity_id"])
        mentions["corpus_canonical_name"] = mentions["entity_id"].map(links["canonical_name"])
        mentions["entity_label"] = mentions["entity_id"].map(links["label"])
    return mentions


def person_scores(warehouse: Path) -> pd.DataFrame:
    """Per generated person: mentions, share under their PERSON entity, where the rest went."""
    mentions = corpus_mentions(warehouse)
    people = generated_people()
    surnames = {last.casefold(): full for full, (_, last) in people.items()}
    owner = []
    for text in mentions["text"]:
        hits = {surnames[w] for w in _words(text) if w in surnames}
        owner.append(next(iter(hits)) if len(hits) == 1 else None)
    mentions = mentions.assign(person=owner).dropna(subset=["person"])
    rows = []
    for full, group in mentions.groupby("person"):
        persons = group[group["entity_label"] == "PERSON"]
        best = persons["corpus_entity_id"].value_counts()
        under = int(best.iloc[0]) if len(best) else 0
        entity = persons.loc[persons["corpus_entity_id"] == best.index[0], "corpus_canonical_name"].iloc[0] if len(best) else None
        elsewhere = group[group["corpus_entity_id"] != (best.index[0] if len(best) else None)]
        rest = elsewhere.groupby(["corpus_canonical_name", "entity_label"]).size().sort_values(ascending=False)
        rows.append({
            "person": full, "mentions": len(group), "share": under / len(group), "entity": entity,
            "elsewhere": "; ".join(f"{n} {lab} {c}" for (n, lab), c in rest.head(3).items()),
        })
    return pd.DataFrame(rows).sort_values("share", ignore_index=True)


def non_persons_in_top(warehouse: Path, top: int = TOP_PERSONS) -> list[tuple[str, int]]:
    entities = pd.read_parquet(warehouse / "entities", columns=["canonical_name", "label", "n_mentions"])
    persons = entities[entities["label"] == "PERSON"].sort_values("n_mentions", ascending=False).head(top)
    known = set()
    for full, (_, last) in generated_people().items():
        known |= {full.casefold(), last.casefold()}
    for name in reporter_names():
        known |= {name.casefold(), name.split()[-1].casefold()}
    return [(n, int(c)) for n, c in zip(persons["canonical_name"], persons["n_mentions"])
            if " ".join(n.split()).casefold() not in known]


def build(articles: int, seed: int, work: Path) -> Path:
    landing, warehouse = work / "landing", work / "warehouse"
    cli = [sys.executable, "-m", "pipeline"]
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home")}
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    subprocess.run(cli + ["sample-corpus", str(landing), "--articles", str(articles), "--seed", str(seed)],
                   check=True, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    subprocess.run(cli + ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress"],
                   check=True, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    return warehouse


def report(warehouse: Path) -> bool:
    scores = person_scores(warehouse)
    total = scores["mentions"].sum()
    weighted = (scores["share"] * scores["mentions"]).sum() / total if total else 0.0
    print(f"generated people: {len(scores)}, their mentions: {total}")
    print(f"share under the person's one PERSON entity: min {scores['share'].min():.3f}, "
          f"mention-weighted {weighted:.3f}  (target: >= 0.97 for each)")
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(scores.to_string(index=False, formatters={"share": "{:.3f}".format}))
    bad = non_persons_in_top(warehouse)
    print(f"non-persons among the top {TOP_PERSONS} PERSON entities: {len(bad)}  (target: 0)")
    for name, n in bad:
        print(f"  {name!r}: {n}")
    return bool((scores["share"] >= 0.97).all() and not bad)



# --- mention-level scores, ours against the raw model -------------------------------

def resolve_documents(documents: list[tuple[str, list[str]]]) -> dict[str, dict]:
    """Run the core (model, cleaning, article and corpus resolution) over
    documents of paragraphs; keys -> (entity id, class) for ours, for ours with
    the corpus gazetteer (built from our first pass's entities, as a later batch
    would see them) and for the raw model (an entity per label and spelling)."""
    from pipeline.core.ner import EntityRecognizer
    from pipeline.settings import Settings

    settings = Settings()
    recognizer = EntityRecognizer(settings.ner_models)
    texts = [t for _, paragraphs in documents for t in paragraphs]
    found = iter(recognizer.recognise(texts, ["en"] * len(texts)))
    raw, per_doc = {}, []
    for doc, paragraphs in documents:
        mentions = []
        for index, text in enumerate(paragraphs):
            for m in next(found):
                mention = type(m)(index, m.start, m.end, m.text, m.label)
                mentions.append(mention)
                raw[normalised_key(doc, index, m.start, m.end, m.text)] = (f"{m.label}:{m.text}", entity_class(m.label))
        per_doc.append(mentions)
    ours, frame, final = _resolve_ours(documents, per_doc)
    gazetteer = _gazetteer_of(frame, final, settings.gazetteer_min_mentions)
    nlp = recognizer.nlp("en")
    matches = [[m for ms in gazetteer.find(nlp, paragraphs) for m in ms] for _, paragraphs in documents]
    with_gazetteer, _, _ = _resolve_ours(documents, per_doc, matches)
    return {"raw model": raw, "ours": ours, "ours + gazetteer": with_gazetteer}


def _resolve_ours(documents, per_doc, matches=None):
    from pipeline.core.canonical import canonicalise_document, resolve_corpus

    rows = []
    for (doc, paragraphs), mentions, found in zip(documents, per_doc, matches or [None] * len(documents)):
        for c in canonicalise_document(mentions, paragraphs, gazetteer_matches=found):
            rows.append({"key": normalised_key(doc, c.paragraph_index, c.start, c.end, c.text),
                         "entity_id": c.entity_id, "canonical_name": c.canonical_name, "label": c.vote_label,
                         "text": c.text, "source": c.source})
    frame = pd.DataFrame(rows, columns=["key", "entity_id", "canonical_name", "label", "text", "source"])
    entity_map, _ = resolve_corpus(frame)
    final = entity_map.set_index("entity_id")
    ours = {k: (final.at[e, "final_entity_id"], entity_class(final.at[e, "label"]), source)
            for k, e, source in zip(frame["key"], frame["entity_id"], frame["source"])}
    return ours, frame, final


def _gazetteer_of(frame: pd.DataFrame, final: pd.DataFrame, min_mentions: int):
    """The gazetteer the corpus step's entities/entity_aliases tables would give."""
    from pipeline.core.gazetteer import build_gazetteer

    linked = frame.assign(final_id=final.loc[frame["entity_id"], "final_entity_id"].to_numpy(),
                          final_name=final.loc[frame["entity_id"], "canonical_name"].to_numpy(),
                          final_label=final.loc[frame["entity_id"], "label"].to_numpy())
    entities = linked.groupby("final_id").agg(canonical_name=("final_name", "first"), label=("final_label", "first"),
                                              n_mentions=("key", "size")).reset_index()
    entities = entities.rename(columns={"final_id": "entity_id"})
    aliases = linked[["text", "final_id"]].drop_duplicates().rename(columns={"text": "alias", "final_id": "entity_id"})
    return build_gazetteer(entities, aliases, min_mentions)


def generated_forms() -> list[tuple[str, str, str]]:
    """(surface form, gold entity, gold class) for every name the generator writes."""
    forms = []
    for topic in sample_corpus.TOPICS:
        for p in topic.cast:
            forms += [(p.full, p.full, "person"), (p.last, p.full, "person")]
        for org in topic.orgs:
            forms.append((org.name, org.name, "org"))
            if org.acronym:
                forms.append((org.acronym, org.name, "org"))
        for place in topic.places + topic.bodies:
            cls = "org" if place.canonical in ("European Union", "United Nations", "World Health Organization") else "place"
            forms += [(re.sub(r"^the ", "", f), place.canonical, cls) for f in place.forms]
    for outlet in sample_corpus.OUTLETS:
        forms.append((re.sub(r"^The ", "", outlet.name), outlet.name, "org"))
    return sorted(set(forms), key=lambda f: -len(f[0]))


def generated_gold(documents: list[tuple[str, list[str]]]) -> dict:
    patterns = [(re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])"), entity, cls)
                for form, entity, cls in generated_forms()]
    gold = {}
    for doc, paragraphs in documents:
        for index, text in enumerate(paragraphs):
            taken: list[tuple[int, int]] = []
            for pattern, entity, cls in patterns:  # longest forms first; no overlaps
                for m in pattern.finditer(text):
                    if not any(m.start() < e and s < m.end() for s, e in taken):
                        taken.append((m.start(), m.end()))
                        gold[(doc, index, m.start(), m.end())] = (entity, cls)
    return gold


def warehouse_documents(warehouse: Path) -> list[tuple[str, list[str]]]:
    paragraphs = pd.read_parquet(warehouse / "paragraphs", columns=["doc_id", "paragraph_index", "text", "ner_applied"])
    paragraphs = paragraphs[paragraphs["ner_applied"]].sort_values(["doc_id", "paragraph_index"])
    return [(doc, group["text"].tolist()) for doc, group in paragraphs.groupby("doc_id", sort=True)]


ALLENNLP_WHEEL = "allennlp==0.9.0"
CONLL_FIXTURES = ("allennlp/tests/fixtures/coref/coref.gold_conll",
                  "allennlp/tests/fixtures/conll_2012/subdomain/example.gold_conll",
                  "allennlp/tests/fixtures/conll_2012/subdomain2/example.gold_conll")
CACHE = PROJECT_ROOT / ".cache" / "entity-eval"


def conll_documents() -> tuple[list[tuple[str, list[str]]], dict] | None:
    """(documents of sentences, gold) from the CoNLL-2012 sample, or None when pip cannot fetch it."""
    import zipfile

    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE.glob("allennlp-0.9.0-*.whl"))
    if not wheels:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(CACHE),
                               ALLENNLP_WHEEL], capture_output=True, text=True)
        wheels = sorted(CACHE.glob("allennlp-0.9.0-*.whl"))
        if done.returncode or not wheels:
            print(f"could not fetch {ALLENNLP_WHEEL}: {done.stderr.strip()[-300:]}")
            return None
    documents, gold = [], {}
    with zipfile.ZipFile(wheels[0]) as wheel:
        for n, name in enumerate(CONLL_FIXTURES):
            lines = wheel.read(name).decode("utf-8").splitlines()
            _parse_conll(lines, f"f{n}", documents, gold)
    return documents, gold


def _parse_conll(lines: list[str], prefix: str, documents: list, gold: dict) -> None:
    """OntoNotes CoNLL-2012 columns: word 3, named entity 10 (bracketed), coreference last."""
    doc, sentences, sentence = None, [], []

    def flush_sentence():
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()

    def flush_document():
        flush_sentence()
        if doc is None:
            return
        paragraphs = []
        for index, tokens in enumerate(sentences):
            text, offsets = "", []
            for word, _, _ in tokens:
                text += (" " if text else "")
                offsets.append((len(text), len(text) + len(word)))
                text += word
            paragraphs.append(text)
            open_ner, chains, spans = None, {}, []
            for i, (_, ner, coref) in enumerate(tokens):
                if ner.startswith("("):
                    open_ner = (ner.strip("()*"), i)
                if open_ner and ner.endswith(")"):
                    spans.append((open_ner[0], open_ner[1], i))
                    open_ner = None
                for part in coref.split("|") if coref != "-" else []:
                    cid = part.strip("()")
                    if part.startswith("("):
                        chains.setdefault(cid, []).append([i, None])
                    if part.endswith(")"):
                        for pending in reversed(chains.get(cid, [])):
                            if pending[1] is None:
                                pending[1] = i
                                break
            coref_spans = {(s, e): cid for cid, found in chains.items() for s, e in found}
            for label, s, e in spans:
                if label not in ENTITY_LABELS_GOLD:
                    continue
                start, end = offsets[s][0], offsets[e][1]
                chain = coref_spans.get((s, e))
                name = f"{label}:{text[start:end].casefold()}"
                gold[(doc, index, start, end)] = (name, entity_class(label))
                if chain:  # a chain and the names in it are one entity, across documents too
                    links.append((f"{doc}#{chain}", name))
        documents.append((doc, paragraphs))
        sentences.clear()

    links: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("#begin"):
            flush_document()
            doc = f"{prefix}:{line.split('(')[1].split(')')[0]}:{line.rsplit(' ', 1)[-1]}"
        elif line.startswith("#end"):
            continue
        elif not line.strip():
            flush_sentence()
        else:
            cols = line.split()
            sentence.append((cols[3], cols[10], cols[-1]))
    flush_document()
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    for key, (name, cls) in list(gold.items()):
        if key[0].startswith(prefix):
            gold[key] = (root(name), cls)


ENTITY_LABELS_GOLD = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def mention_scores(title: str, documents, gold) -> None:
    systems = resolve_documents(documents)
    print_table(title, {name: score(gold, found) for name, found in systems.items()})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--external-only", action="store_true")
    parser.add_argument("--persons-only", action="store_true",
                        help="with --warehouse: only the per-person shares and top PERSON entities of its tables")
    args = parser.parse_args()
    if args.persons_only and args.warehouse:
        return 0 if report(args.warehouse) else 1
    external = conll_documents()
    if external:
        documents, gold = external
        mention_scores(f"CoNLL-2012 sample shipped in {ALLENNLP_WHEEL} ({len(documents)} documents, "
                       f"{sum(len(p) for _, p in documents)} sentences)", documents, gold)
    if args.external_only:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.warehouse:
            warehouse = args.warehouse
        else:
            print(f"\ngenerated corpus: --articles {args.articles} --seed {args.seed}")
            warehouse = build(args.articles, args.seed, Path(tmp))
        documents = warehouse_documents(warehouse)
        mention_scores(f"generated corpus ({len(documents)} articles), generator's ground truth",
                       documents, generated_gold(documents))
        print()
        report(warehouse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
