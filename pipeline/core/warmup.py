"""Imported once by the process pool's fork server (and by a budgeted in-process executor).

The first page through decoding and extraction costs seconds: language
identification, trafilatura and date parsing load their models and tables
then. Done here on a page of our own sample generator, every worker forked
from the server starts warm, and no document's time budget pays for it (an
interrupted load would start again, and time out, on every later document).
"""
import tempfile
from collections import Counter
from pathlib import Path

from pipeline.core.decode import decode_document
from pipeline.core.extract import extract_article
from pipeline.core.ingest import read_documents
from pipeline.core.models import RawDocument, Unusable
from pipeline.settings import Settings


def warm_up() -> None:
    from pipeline.sample.generator import generate_corpus

    settings = Settings()
    with tempfile.TemporaryDirectory() as name:
        landing = Path(name)
        generate_corpus(landing, n_articles=2, seed=1, days=1)
        for path in sorted(landing.rglob("*.htm*")):
            for raw in read_documents(landing, path.relative_to(landing).as_posix(), settings, Counter()):
                if isinstance(raw, RawDocument):
                    try:
                        extract_article(decode_document(raw, settings).text, raw.url, settings)
                    except Unusable:
                        pass


warm_up()
