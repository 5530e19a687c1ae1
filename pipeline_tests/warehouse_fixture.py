"""A small warehouse for the corpus API, the DuckDB export and the examples: generated pages
(our own generator), a WARC of generated pages (one record gzip-encoded and chunked) and a text
page in a folder of its own, through the real CLI."""
from __future__ import annotations

import gzip
from pathlib import Path

from pipeline_tests.helpers import run_cli
from pipeline_tests.hostile_corpus import _chunked, _http, _warc

PRESS_NOTE = "pressdesk/statement.txt"
PRESS_TEXT = """Statement from the press desk

Yusuf Demir met Marta Kowalczyk in Berlin on Tuesday to discuss the offshore wind auction and the grid backlog.

Daniel Okafor said the Transatlantic Tariff Council would publish its review in London next month.

Eleanor Vance told reporters in Berlin that the talks with the Northern Institute for Vaccine Research had gone well.
"""


def build_warehouse(root: Path, n_articles: int = 60) -> tuple[Path, Path]:
    """(landing, warehouse) under root, built by `news-pipeline run`."""
    from pipeline.sample.generator import generate_corpus

    landing, warehouse = root / "landing", root / "warehouse"
    generate_corpus(landing / "sample", n_articles=n_articles, seed=11, days=4)
    pages = root / "for_warc"
    generate_corpus(pages, n_articles=6, seed=21, days=2)
    html = [p.read_bytes() if p.suffix == ".html" else gzip.decompress(p.read_bytes())
            for p in sorted(pages.rglob("*.htm*")) if "section-" not in p.name and "login-" not in p.name][:3]
    crawl = landing / "crawl"
    crawl.mkdir(parents=True)
    records = [(f"https://crawl.example/news/{i}", "response", body, _http("200 OK", "text/html; charset=utf-8"),
                {"WARC-Date": f"2024-03-1{i}T09:00:00Z"}) for i, body in enumerate(html[:2])]
    records.append(("https://crawl.example/news/chunked-page", "response", _chunked(gzip.compress(html[2])),
                    _http("200 OK", "text/html; charset=utf-8",
                          [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]),
                    {"WARC-Date": "2024-03-12T10:00:00Z"}))
    _warc(crawl / "pages.warc.gz", records)
    note = landing / PRESS_NOTE
    note.parent.mkdir(parents=True)
    note.write_text(PRESS_TEXT, encoding="utf-8")
    run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress",
            env={"DAGSTER_HOME": str(root / "dagster_home")})
    return landing, warehouse
