"""The `news-pipeline` command: ingest new landing files and rebuild the tables."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.core.executors import EXECUTORS
from pipeline.instance import SQLITE_YAML, write_dagster_yaml
from pipeline.settings import DEFAULT_DAGSTER_HOME, Settings

DAGSTER_YAML = SQLITE_YAML


def ensure_dagster_home(instance_url: str | None = None) -> Path:
    """$DAGSTER_HOME, default .dagster_home/ in the project, with a dagster.yaml (SQLite, or NEWS_INSTANCE's PostgreSQL)."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME))).resolve()
    os.environ["DAGSTER_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    write_dagster_yaml(home, instance_url)
    return home


def _settings(args) -> Settings:
    return Settings.from_env(
        landing_dir=args.landing,
        warehouse_dir=args.warehouse,
        ner_processes=getattr(args, "ner_processes", None),
        executor=getattr(args, "executor", None),
        dask_scheduler=getattr(args, "dask_scheduler", None),
    )


def command_run(args) -> int:
    try:
        settings = _settings(args)
    except ValueError as exc:  # a NEWS_* value of the wrong kind
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.landing_dir.is_dir():
        print(f"error: landing dir {settings.landing_dir} does not exist or is not a directory", file=sys.stderr)
        return 2
    home = ensure_dagster_home(args.instance)
    from pipeline.core.landing import scan_landing
    from pipeline.storage import noop

    scan = scan_landing(settings.landing_dir)  # one listing for the no-op check and the run
    recorded = noop.unchanged(settings, home, scan)
    if recorded is not None:  # nothing changed since the last complete run: no Dagster, no table read
        print(recorded["summary"])
        if recorded["hidden"]:
            print(f"\n{recorded['hidden']}")
        print(f"\n{noop.NOTHING_NEW}")
        return 0
    from pipeline.runner import run_pipeline  # imports Dagster: keep `--help` fast

    outcome = run_pipeline(settings, verbose=args.verbose, progress=not args.no_progress, scan=scan)
    from pipeline.summary import summarise

    print(outcome.summary or summarise(settings.warehouse_dir))
    if outcome.hidden:
        print(f"\n{outcome.skipped_hidden()}")
    if outcome.failed:
        print(f"\nerror: {len(outcome.failed)} run(s) failed: {', '.join(outcome.failed)}", file=sys.stderr)
        for key, message in outcome.errors.items():
            print(f"  {key}: {message}", file=sys.stderr)
        print("See the run logs in the Dagster UI (make ui) for the failing step.", file=sys.stderr)
        return 1
    print(f"\n{outcome.describe()}")
    return 0


def command_summary(args) -> int:
    from pipeline.summary import summarise

    print(summarise(_settings(args).warehouse_dir))
    return 0


def command_sample(args) -> int:
    from pipeline.sample.generator import generate_corpus

    written = generate_corpus(
        Path(args.out_dir), n_articles=args.articles, seed=args.seed, progress=args.articles > 1000
    )
    print(f"wrote {written} files to {args.out_dir}")
    return 0


def command_export_duckdb(args) -> int:
    from pipeline.storage import duck

    settings = _settings(args)
    if not settings.warehouse_dir.is_dir():
        print(f"error: warehouse dir {settings.warehouse_dir} does not exist", file=sys.stderr)
        return 2
    out = duck.export(settings.warehouse_dir, args.out)
    print(f"wrote {out}: a view per public table, mentions_resolved and outlet_daily")
    return 0


def command_codebook(args) -> int:
    from pipeline import codebook

    out = Path(args.out) if args.out else codebook.CODEBOOK_PATH
    if args.check:
        if codebook.is_current(out):
            print(f"{out} is current")
            return 0
        print(f"error: {out} differs from pipeline/storage/schemas.py; run `news-pipeline codebook`", file=sys.stderr)
        return 1
    print(f"wrote {codebook.write(out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="news-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def paths(p):
        p.add_argument("--landing", type=Path, help="landing dir (default $NEWS_LANDING_DIR or data/landing)")
        p.add_argument("--warehouse", help="warehouse dir or s3://bucket/prefix URL (default $NEWS_WAREHOUSE_DIR or data/warehouse)")

    run = sub.add_parser("run", help="ingest every new landing file and materialize everything downstream")
    paths(run)
    run.add_argument("--ner-processes", type=int, help="worker processes for NER (default: 2, or 1 on a one-core machine)")
    run.add_argument("--executor", choices=EXECUTORS,
                     help="where documents are parsed: pool (default), inprocess or dask ($NEWS_EXECUTOR)")
    run.add_argument("--dask-scheduler", help="Dask scheduler address for --executor dask ($NEWS_DASK_SCHEDULER)")
    run.add_argument("--instance", help="postgresql://... URL for the Dagster instance storage ($NEWS_INSTANCE; "
                     "default: SQLite under $DAGSTER_HOME)")
    run.add_argument("--verbose", action="store_true", help="show Dagster's own log lines")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(func=command_run)

    summary = sub.add_parser("summary", help="print rows per table, rejections and top entities")
    paths(summary)
    summary.set_defaults(func=command_summary)

    export = sub.add_parser("export-duckdb", help="write a DuckDB database with a view per public table")
    paths(export)
    export.add_argument("--out", type=Path, help="database file (default <warehouse>/corpus.duckdb)")
    export.set_defaults(func=command_export_duckdb)

    book = sub.add_parser("codebook", help="write CODEBOOK.md from the schemas (or --check it is current)")
    book.add_argument("--out", help="where to write it (default CODEBOOK.md in the project)")
    book.add_argument("--check", action="store_true", help="exit 1 if the file differs from the schemas")
    book.set_defaults(func=command_codebook)

    sample = sub.add_parser("sample-corpus", help="write the generated multi-outlet sample corpus")
    sample.add_argument("out_dir")
    sample.add_argument("--articles", type=int, default=150)
    sample.add_argument("--seed", type=int, default=7)
    sample.set_defaults(func=command_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def entry() -> None:
    """Console-script entry point: run, flush, and leave without interpreter teardown.

    Every table and manifest is already renamed into place and every instance
    write committed when main() returns. Skipping the teardown avoids a rare
    abort ("terminate called without an active exception") seen at exit from a
    native library's background thread, which would turn a successful run
    into exit code 134.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
