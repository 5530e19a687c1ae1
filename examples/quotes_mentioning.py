"""Every quote-kind paragraph mentioning an entity, with the mention highlighted.

    python examples/quotes_mentioning.py [--warehouse DIR] [--entity NAME]
"""
import argparse

from pipeline.corpus import Corpus

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--warehouse", default=None, help="warehouse dir (default $NEWS_WAREHOUSE_DIR or data/warehouse)")
parser.add_argument("--entity", default=None, help="a name or entity id (default: the most quoted-about person)")
args = parser.parse_args()

corpus = Corpus(args.warehouse)
if args.entity is None:  # the person mentioned in the most quote paragraphs
    mentions = corpus.mentions(label="PERSON")
    quotes = corpus.paragraphs(kind="quote", columns=["doc_id", "paragraph_index"])
    in_quotes = mentions.merge(quotes, on=["doc_id", "paragraph_index"])
    args.entity = in_quotes["corpus_canonical_name"].value_counts().index[0]
found = corpus.kwic(args.entity, mark=("**", "**"))
quoted = found[found["kind"] == "quote"].drop_duplicates(["doc_id", "paragraph_index"])
print(f"{len(quoted)} quote paragraphs mention {args.entity}:")
for row in quoted.itertuples():
    print(f"- {row.date:%Y-%m-%d} {row.outlet} | {row.title}\n  {row.highlighted}")
