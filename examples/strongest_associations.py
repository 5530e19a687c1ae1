"""The entities most strongly associated with one entity (log-likelihood ratio, positive associations only).

    python examples/strongest_associations.py [--warehouse DIR] [--entity NAME] [--top 10]
"""
import argparse

from pipeline.corpus import Corpus

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--warehouse", default=None, help="warehouse dir (default $NEWS_WAREHOUSE_DIR or data/warehouse)")
parser.add_argument("--entity", default=None, help="a name or entity id (default: the most mentioned person)")
parser.add_argument("--top", type=int, default=10)
args = parser.parse_args()

corpus = Corpus(args.warehouse)
entity = args.entity or corpus.entities(label="PERSON").iloc[0]["canonical_name"]
pairs = corpus.pairs(entity=entity, top=args.top)
print(f"Strongest associations of {entity} (articles in the corpus: {pairs['n_articles'].max()}):")
print(pairs[["other_name", "n_documents", "n_a", "n_b", "pmi", "llr"]].round(2).to_string(index=False))
