"""Who is in the news: the most mentioned people per outlet and ISO week, with a chart.

    python examples/who_is_in_the_news.py [--warehouse DIR] [--top 3] [--chart people_by_week.png]
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pipeline.corpus import Corpus  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--warehouse", default=None, help="warehouse dir (default $NEWS_WAREHOUSE_DIR or data/warehouse)")
parser.add_argument("--top", type=int, default=3)
parser.add_argument("--chart", default="people_by_week.png")
args = parser.parse_args()

corpus = Corpus(args.warehouse)
top = corpus.daily(by=["outlet", "week"], label="PERSON", top=args.top)
print(top[["iso_week", "outlet", "canonical_name", "n_mentions", "n_documents"]].to_string(index=False))

# one panel per outlet: weekly mentions of the people who make its top list
outlets = sorted(top["outlet"].unique())
weekly = corpus.daily(entity=sorted(set(top["entity_id"])), by=["outlet", "week"])
figure, axes = plt.subplots(len(outlets), 1, figsize=(8, 2.2 * len(outlets)), squeeze=False, sharex=True)
for axis, outlet in zip(axes[:, 0], outlets):
    mine = weekly[weekly["outlet"] == outlet]
    shown = top.loc[top["outlet"] == outlet, "entity_id"].unique()
    table = mine[mine["entity_id"].isin(shown)].pivot_table(
        index="iso_week", columns="canonical_name", values="n_mentions", fill_value=0)
    table.plot.bar(ax=axis, legend=True, rot=0)
    axis.set_title(outlet, fontsize=9)
    axis.set_ylabel("mentions")
    axis.legend(fontsize=7)
figure.tight_layout()
figure.savefig(args.chart, dpi=80)
print(f"chart: {args.chart}")
