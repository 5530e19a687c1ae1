"""Hostile input end to end: every bad file gets its specific reason, the rest of the batch goes on."""
import os

import dagster as dg

from pipeline.defs.partitions import batch_partitions
from pipeline.settings import Settings
from pipeline.storage import batches
from pipeline_tests.helpers import ingest_new, materialize_batch, read
from pipeline_tests.hostile_corpus import write_hostile_corpus

INDEX_PAGE = "<html><head><title>Latest</title></head><body><ul>" + "".join(
    f'<li><a href="/story-{i}">Council approves plan number {i} for the harbour</a></li>' for i in range(30)
) + "</ul></body></html>"
LOGIN_WALL = (
    "<html><head><title>Sign in</title></head><body><h1>Sign in to continue reading</h1>"
    "<p>This article is available to subscribers. Sign in with your account or start a subscription.</p>"
    "<p>Forgot your password?</p></body></html>"
)
ARTICLE = "<html><head><title>{t}</title></head><body><article><h1>{t}</h1>{p}</article></body></html>"


def _article(title: str) -> str:
    body = "".join(
        f"<p>The regional council met on Tuesday to discuss {title.lower()} and heard from residents, "
        f"engineers and the mayor about costs, timelines and the risks of delay, number {i}.</p>"
        for i in range(6)
    )
    return ARTICLE.format(t=title, p=body)


def test_every_bad_file_is_rejected_with_its_reason(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    expected = write_hostile_corpus(landing)
    (landing / "site" / "index.html").parent.mkdir(parents=True)
    (landing / "site" / "index.html").write_text(INDEX_PAGE)
    (landing / "site" / "login.html").write_text(LOGIN_WALL)
    (landing / "site" / "vanishes.html").write_text(_article("Harbour wall repairs"))
    (landing / "site" / "changes.html").write_text(_article("Tram extension"))
    (landing / "site" / "touched.html").write_text(_article("Library hours"))
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")

    [batch] = batches.claim_new_files(landing, settings.warehouse_dir)
    # between listing and reading: one file vanishes, one changes, one is only touched
    (landing / "site" / "vanishes.html").unlink()
    (landing / "site" / "changes.html").write_text(_article("Tram extension, revised"))
    os.utime(landing / "site" / "touched.html", ns=(1, 1))

    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(batch_partitions.name, [batch.key])
        materialize_batch(settings, instance, batch.key)

    rejected = read(settings.warehouse_dir, "rejected_documents")
    reasons = {}
    for row in rejected.itertuples():
        reasons.setdefault(row.source_path.split("#")[0], set()).add(row.reason)
    for path, reason in expected.items():
        if reason != "ok":
            assert reason in reasons.get(path, set()), (path, reason, reasons.get(path))
    assert reasons["site/index.html"] == {"not_an_article"}
    assert reasons["site/login.html"] <= {"no_article", "not_an_article"}
    assert reasons["site/vanishes.html"] == {"file_vanished"}
    assert reasons["site/changes.html"] == {"file_changed"}
    assert "site/touched.html" not in reasons

    documents = read(settings.warehouse_dir, "documents")
    ingested = {path.split("#")[0] for path in documents["source_path"]}
    for path, reason in expected.items():
        if reason == "ok":  # the same text in another encoding is the same document
            assert path in ingested or reasons.get(path) == {"duplicate_content"}, path
    assert "site/touched.html" in ingested
    # every candidate file is accounted for: ingested or rejected, none silently lost
    assert set(expected) | {f"site/{n}.html" for n in ("index", "login", "vanishes", "changes", "touched")} <= (
        ingested | set(reasons)
    )


def test_newest_capture_of_a_url_wins_across_batches(tmp_path, dagster_home):
    landing = tmp_path / "landing"
    landing.mkdir()
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse")
    head = '<link rel="canonical" href="{}">'

    def page(url: str, title: str) -> str:
        return _article(title).replace("<head>", "<head>" + head.format(url))

    old = landing / "old.html"
    old.write_text(page("https://www.news.example/story/?utm_source=feed", "Bridge closure first report"))
    os.utime(old, (1_700_000_000, 1_700_000_000))
    with dg.DagsterInstance.get() as instance:
        for step in range(2):
            if step == 1:
                (landing / "new.html").write_text(page("https://news.example/story#top", "Bridge closure update"))
            ingest_new(settings, instance)
        from pipeline.storage.refresh import stale_batches

        stale = stale_batches(settings.warehouse_dir)
        assert len(stale) == 1
        materialize_batch(settings, instance, stale[0], selection=["articles", "paragraphs", "entity_mentions"])
    articles = read(settings.warehouse_dir, "articles")
    assert list(articles["source_path"]) == ["new.html"]
    assert articles["url"].iloc[0] == "https://news.example/story"
    rejected = read(settings.warehouse_dir, "rejected_documents")
    assert list(rejected.loc[rejected["reason"] == "duplicate_url", "source_path"]) == ["old.html"]
    assert len(read(settings.warehouse_dir, "documents")) == 2  # the older capture is kept, not lost
