"""A PNG chart of the top entities over time (matplotlib, no display needed)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)
import pandas as pd  # noqa: E402


def top_entities_png(daily: pd.DataFrame, entities: pd.DataFrame, top: int) -> bytes:
    """Daily mentions of the `top` most mentioned entities, one line each."""
    leaders = entities.nlargest(top, "n_mentions")
    figure, axes = plt.subplots(figsize=(10, 5), dpi=100)
    if not daily.empty and not leaders.empty:
        per_day = (
            daily[daily["entity_id"].isin(leaders["entity_id"])]
            .groupby(["date", "entity_id"])["n_mentions"]
            .sum()
            .unstack(fill_value=0)
        )
        for entity_id, name in zip(leaders["entity_id"], leaders["canonical_name"]):
            if entity_id in per_day:
                axes.plot(per_day.index, per_day[entity_id], marker="o", label=name)
        axes.legend(loc="upper left", fontsize="small", ncols=2)
    else:
        axes.text(0.5, 0.5, "no entities yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_title(f"Top {top} entities: mentions per day")
    axes.set_ylabel("mentions")
    figure.autofmt_xdate()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
