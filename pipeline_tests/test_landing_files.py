"""Every landing entry accounted for: landing_files rows, odd entries rejected with a reason, versions superseded."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipeline.core.landing import display_path, path_bytes, scan_landing
from pipeline.defs.jobs import LANDING_TABLES
from pipeline.settings import Settings
from pipeline.storage import batches
from pipeline_tests.conftest import require_shared
from pipeline_tests.helpers import PROJECT_ROOT, ingest_new, pipeline_assets, read, resources, run_cli
from pipeline_tests.hostile_corpus import (
    NON_UTF8_NAME, SMART, _http, _page, _warc, write_filesystem_oddities, write_hostile_corpus,
)

ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "<p>Councillor Maria Fernandes told the Harbour Board in Lisbon on Tuesday that {what}, "
    "and the Ministry of Transport said it would study the plan with the port authority.</p>" * 5
    + "</article></body></html>"
)


def _files_by_path(warehouse: Path) -> dict[str, dict]:
    frame = pd.read_parquet(warehouse / "landing_files" / "data.parquet")
    return {row["path"]: row for row in frame.to_dict("records")}


def _env(tmp_path: Path) -> dict:
    return {"DAGSTER_HOME": str(tmp_path / "dagster_home")}


def _only_skipped_warc(path: Path) -> None:
    """A WARC whose every record is of a type we skip (here WARC-Type: unknown)."""
    html = _page(SMART).encode()
    _warc(path, [(f"https://example.com/u{i}", "unknown", html, None, None) for i in range(3)], gzipped=False)


def test_listing_names_every_odd_entry_with_its_reason(tmp_path):
    expected, hidden = write_filesystem_oddities(tmp_path / "landing", tmp_path / "outside")
    scan = scan_landing(tmp_path / "landing")
    found = {entry.path: entry.problem or "ok" for entry in scan.entries}
    # a symlink to a file inside is a file (its bytes are a duplicate only once claimed)
    assert found == {path: "ok" if reason == "duplicate_file" else reason for path, reason in expected.items()}
    assert scan.hidden == hidden
    assert all(entry.size for entry in scan.entries if entry.problem is None)


def test_unreadable_file_is_claimed_as_a_read_error(tmp_path):
    """A file the process may not read is a read_error row, never a silent skip.

    As root, permission bits do not stop reads: the claim then runs in a child
    process that has dropped to an unprivileged user, so the denial is real.
    """
    base = Path(tempfile.mkdtemp(prefix="landing-perm-"))  # reachable for the unprivileged child
    try:
        landing, warehouse = base / "landing", base / "warehouse"
        landing.mkdir()
        warehouse.mkdir()
        (landing / "secret.html").write_bytes(_page("locked away").encode())
        (landing / "open.html").write_bytes(_page("readable").encode())
        (landing / "secret.html").chmod(0)
        for directory in (base, landing, warehouse):
            directory.chmod(0o777)
        if os.geteuid() == 0:
            pid = os.fork()
            if pid == 0:  # child: drop privileges, claim, leave
                code = 1
                try:
                    os.setgid(65534)
                    os.setuid(65534)
                    batches.claim_new_files(landing, warehouse)
                    code = 0
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
        else:
            batches.claim_new_files(landing, warehouse)
        [batch] = batches.load_batches(warehouse)
        claimed = {f.path: f for f in batch.files}
        assert claimed["secret.html"].problem == "read_error"
        assert "Permission" in claimed["secret.html"].detail
        assert claimed["open.html"].problem is None and claimed["open.html"].sha256
    finally:
        shutil.rmtree(base)


def test_hostile_landing_dir_every_entry_accounted_for_through_the_cli(tmp_path):
    landing, warehouse, outside = tmp_path / "landing", tmp_path / "warehouse", tmp_path / "outside"
    expected = write_hostile_corpus(landing)
    odd, hidden = write_filesystem_oddities(landing, outside)
    expected.update(odd)
    _only_skipped_warc(landing / "bad" / "only_unknown.warc")
    args = ("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress", "--ner-processes", "1")

    first = run_cli(*args, env=_env(tmp_path))
    for name in hidden:
        assert name in first.stdout  # named as skipped in the run summary
    files = _files_by_path(warehouse)
    # every entry of the landing dir is a row (hidden ones named above)
    assert set(files) == {display_path(e.path) for e in scan_landing(landing).entries}
    rejected = read(warehouse, "rejected_documents")
    for path, reason in expected.items():
        row = files[display_path(path)]
        reasons = dict(row["rejections_by_reason"])
        if reason == "ok":
            # read and decoded ("ok" pages of the hostile corpus are short: some give no article)
            assert row["n_documents"] >= 1 or set(reasons) == {"duplicate_content"}, row
            assert row["status"] == ("ingested" if row["n_articles"] and not reasons else
                                     "partly_ingested" if row["n_articles"] else "rejected"), row
        else:
            assert row["status"] == "rejected" and reason in reasons, (path, row)
            assert reason in set(rejected.loc[rejected["source_path"].str.split("#").str[0] == display_path(path),
                                              "reason"])
    skipped_only = files["bad/only_unknown.warc"]
    assert skipped_only["status"] == "nothing_usable"
    assert dict(skipped_only["records_skipped"]) == {"unknown_type": 3, "warcinfo": 1}
    assert dict(skipped_only["records_by_type"]) == {"unknown": 3, "warcinfo": 1}
    crawl = files["good/crawl.warc.gz"]
    assert dict(crawl["records_skipped"]) == {"request": 1, "metadata": 1, "warcinfo": 1, "non_html": 1, "non_2xx": 2}
    # its two pages are the same bytes once the gzip content-encoding is undone
    assert crawl["n_records"] == 8 and crawl["n_documents"] == 1
    assert dict(crawl["rejections_by_reason"]) == {"duplicate_content": 1}

    # paths: displayed escaped in every table, exact bytes kept in landing_files
    shown = "odd names/bad-\\xff\\xfe-byte.html"
    assert files[shown]["path_bytes"] == path_bytes(NON_UTF8_NAME) == b"odd names/bad-\xff\xfe-byte.html"
    documents = read(warehouse, "documents")
    assert {shown, "odd names/new\nline.html", "odd names/with space.html",
            "looks_like_a_page.html/inside.html"} <= set(documents["source_path"])
    assert not documents["html"].str.contains("OUTSIDE-SECRET").any()  # nothing outside was read
    assert "Landing files by status" in first.stdout

    # a file deleted after ingestion: its rows stay, landing_files says it is gone on the next run
    (landing / "odd names" / "with space.html").unlink()
    run_cli(*args, env=_env(tmp_path))
    after = _files_by_path(warehouse)
    assert not after["odd names/with space.html"]["present"]
    assert sum(not row["present"] for row in after.values()) == 1
    assert "odd names/with space.html" in set(read(warehouse, "documents")["source_path"])
    third = run_cli(*args, env=_env(tmp_path))
    assert "Nothing new to ingest" in third.stdout


def test_changed_file_without_url_supersedes_its_older_version(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    page = landing / "story.html"  # no canonical link, no URL: only its path ties the versions
    page.write_text(ARTICLE.format(title="Harbour plan", what="the harbour plan would cost more"))
    (landing / "other.html").write_text(ARTICLE.format(title="Tram plan", what="the tram line would open in May"))
    args = ("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress", "--ner-processes", "1")
    run_cli(*args, env=_env(tmp_path))
    before = read(warehouse, "entities").set_index("canonical_name")["n_documents"]

    page.write_text(ARTICLE.format(title="Harbour plan revised", what="the revised harbour plan would cost less"))
    run_cli(*args, env=_env(tmp_path))

    articles = read(warehouse, "articles")
    assert sorted(articles["source_path"]) == ["other.html", "story.html"]
    assert articles.loc[articles["source_path"] == "story.html", "title"].item() == "Harbour plan revised"
    documents = read(warehouse, "documents")
    assert sorted(documents["source_path"]) == ["other.html", "story.html", "story.html"]  # the older stays
    rejected = read(warehouse, "rejected_documents")
    old_doc = set(documents["doc_id"]) - set(articles["doc_id"])
    assert set(rejected.loc[rejected["reason"] == "superseded_file", "doc_id"]) == old_doc
    after = read(warehouse, "entities").set_index("canonical_name")["n_documents"]
    assert after["Maria Fernandes"] == before["Maria Fernandes"] == 2  # counted once per live article
    versions = pd.read_parquet(warehouse / "landing_files" / "data.parquet")
    story = versions[versions["path"] == "story.html"].sort_values("batch")
    assert list(story["status"]) == ["superseded", "ingested"]
    assert story["superseded_by"].iloc[0] == story["batch"].iloc[1]


def test_an_old_ledger_holding_an_undecodable_path_is_recovered(tmp_path):
    """A manifest written before paths were displayed escaped (the batch failed on every run) now completes."""
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    landing.mkdir()
    name = os.fsdecode(b"caf\xe9.html")  # latin-1 byte in a name
    (landing / name).write_bytes(_page(f"{SMART} " * 10).encode())
    (landing / "fine.html").write_text(ARTICLE.format(title="Fine", what="all is well"))
    [batch] = batches.claim_new_files(landing, warehouse)
    manifest = batches.ledger_dir(warehouse) / f"{batch.key}.json"
    data = json.loads(manifest.read_text())
    for entry in data["files"]:  # the fields a ledger of that time had
        entry.pop("problem"), entry.pop("detail")
    manifest.write_text(json.dumps(data, indent=1))
    assert "\\udce9" in manifest.read_text()
    (landing / name).unlink()  # removing the file used to leave the batch stuck

    result = run_cli("run", "--landing", str(landing), "--warehouse", str(warehouse), "--no-progress",
                     "--ner-processes", "1", env=_env(tmp_path))
    assert "failed" not in result.stdout + result.stderr
    rejected = read(warehouse, "rejected_documents")
    assert list(rejected.loc[rejected["reason"] == "file_vanished", "source_path"]) == ["caf\\xe9.html"]
    assert list(read(warehouse, "articles")["source_path"]) == ["fine.html"]
    assert not _files_by_path(warehouse)["caf\\xe9.html"]["present"]


DISK_FULL_DRIVER = r"""
import json, os, subprocess, sys
warehouse, landing, home = sys.argv[1:4]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", warehouse], check=True)
filler = os.path.join(warehouse, "filler")
with open(filler, "wb") as out:  # leave 48 KB free: the ledger fits, the batch tables do not
    out.write(b"\1" * (4 * 1024 * 1024 - 48 * 1024))
cmd = [sys.executable, "-m", "pipeline", "run", "--landing", landing, "--warehouse", warehouse,
       "--no-progress", "--ner-processes", "1"]
env = {**os.environ, "DAGSTER_HOME": home}
full = subprocess.run(cmd, env=env, capture_output=True, text=True)
visible = []
for dirpath, dirnames, filenames in os.walk(warehouse):
    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    visible += [os.path.join(dirpath, f) for f in filenames if f.endswith(".parquet") and not f.startswith(".")]
import pyarrow.parquet as pq
readable = [bool(pq.read_metadata(p).num_rows >= 0) for p in visible]
os.remove(filler)
again = subprocess.run(cmd, env=env, capture_output=True, text=True)
import pandas as pd
articles = pd.read_parquet(os.path.join(warehouse, "articles"))
print(json.dumps({"full_rc": full.returncode, "full_err": full.stderr, "visible": len(visible),
                  "readable": all(readable), "again_rc": again.returncode, "again_err": again.stderr,
                  "articles": len(articles)}))
"""


def test_a_disk_that_fills_during_a_run(tmp_path):
    """A real small filesystem: tmpfs mounted in an unprivileged user namespace (``unshare -rm``)."""
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs {tmp_path}"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()}")
    landing, warehouse, home = tmp_path / "landing", tmp_path / "warehouse", tmp_path / "home"
    for directory in (landing, warehouse, home):
        directory.mkdir()
    for i in range(30):
        (landing / f"story-{i}.html").write_text(
            ARTICLE.format(title=f"Story {i}", what=f"plan number {i} needs {i * 7} more berths " * 20))
    result = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", DISK_FULL_DRIVER, str(warehouse), str(landing), str(home)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["full_rc"] == 1
    assert "No space left on device" in report["full_err"]  # a clear message naming the cause
    assert report["readable"]  # nothing half-written is visible
    assert report["again_rc"] == 0, report["again_err"]
    assert report["articles"] == 30


def test_mixed_landing_dir_of_real_crawls_and_hostile_entries(tmp_path, dagster_home):
    warc_dir = require_shared("corpora", "warc")
    landing = tmp_path / "landing"
    (landing / "crawls").mkdir(parents=True)
    crawls = sorted(warc_dir.glob("*.warc.gz"))
    assert crawls
    for crawl in crawls:
        shutil.copy(crawl, landing / "crawls" / crawl.name)
    odd, _ = write_filesystem_oddities(landing, tmp_path / "outside")
    _only_skipped_warc(landing / "crawls" / "only_unknown.warc")
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse", ner_processes=1)
    with dg.DagsterInstance.get() as instance:
        ingest_new(settings, instance)
        result = dg.materialize(pipeline_assets(), selection=LANDING_TABLES, instance=instance,
                                resources=resources(settings))
    files = _files_by_path(settings.warehouse_dir)
    assert set(files) == {display_path(e.path) for e in scan_landing(landing).entries}
    # the asset's metadata shows the counts
    [materialization] = result.asset_materializations_for_node("landing_files")
    by_status = materialization.metadata["files_by_status"].value
    assert sum(by_status.values()) == len(files) and by_status["nothing_usable"] == 1
    skipped = materialization.metadata["records_skipped"].value
    assert skipped["request"] == sum(dict(files[f"crawls/{c.name}"]["records_skipped"]).get("request", 0) for c in crawls)
    documents = read(settings.warehouse_dir, "documents")
    rejected = read(settings.warehouse_dir, "rejected_documents")
    for crawl in [*crawls, landing / "crawls" / "only_unknown.warc"]:
        rel = f"crawls/{crawl.name}"
        row = files[rel]
        in_documents = int(documents["source_path"].str.startswith(rel + "#").sum())
        record_rows = rejected[rejected["source_path"].str.startswith(rel + "#")]
        # rejected before becoming a document (extraction rejections are of documents already counted)
        lost = int(record_rows["stage"].isin(["ingest", "decode"]).sum()
                   + (record_rows["reason"] == "duplicate_content").sum())
        skipped = sum(dict(row["records_skipped"]).values())
        assert row["n_records"] > 0
        assert row["n_documents"] == in_documents
        assert row["n_records"] == in_documents + skipped + lost, (rel, row)  # every record accounted for
    assert files["crawls/only_unknown.warc"]["status"] == "nothing_usable"
    for path, reason in odd.items():
        if reason != "ok":
            assert reason in dict(files[display_path(path)]["rejections_by_reason"]), path


def test_batches_ingested_before_landing_files_existed_get_rows(tmp_path, dagster_home):
    """A warehouse from before the per-batch account: rows come from the ledger and the batch's tables."""
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "story.html").write_text(ARTICLE.format(title="Harbour plan", what="the harbour plan would cost more"))
    (landing / "empty.html").write_bytes(b"")
    settings = Settings(landing_dir=landing, warehouse_dir=tmp_path / "warehouse", ner_processes=1)
    with dg.DagsterInstance.get() as instance:
        [key] = ingest_new(settings, instance)
        (settings.warehouse_dir / "landing_file_batches" / f"{key}.parquet").unlink()  # as an older version wrote it
        assert dg.materialize(pipeline_assets(), selection=LANDING_TABLES, instance=instance,
                              resources=resources(settings)).success
    files = _files_by_path(settings.warehouse_dir)
    assert files["story.html"]["status"] == "ingested" and files["story.html"]["n_documents"] == 1
    assert files["empty.html"]["status"] == "rejected"
    assert dict(files["empty.html"]["rejections_by_reason"]) == {"empty_file": 1}
    assert files["story.html"]["records_skipped"] is None  # not known for such batches
