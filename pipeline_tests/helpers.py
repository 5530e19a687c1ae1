"""Shared test helpers: run the real pipeline and read its tables."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TABLES = [
    "documents", "articles", "paragraphs", "entity_mentions", "entities",
    "entity_daily", "entity_pairs", "rejected_documents",
]


def run_cli(*args: str, env: dict | None = None, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    """The real `news-pipeline` CLI in a subprocess (python -m pipeline)."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=PROJECT_ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def read(warehouse: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(warehouse / table)
