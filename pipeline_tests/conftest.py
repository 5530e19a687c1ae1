import os
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"


def require_shared(*parts: str) -> Path:
    """Path under ../shared, or skip (fail when CI=true) if it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: the shared evaluation material sits beside the checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def seed_page() -> Path:
    return require_shared("seeds", "000_dbc6908678fde8c2.txt")


@pytest.fixture
def aeb_dir() -> Path:
    """article-extraction-benchmark-dev pages and gold."""
    return require_shared("corpora", "article-extraction-benchmark-dev")


@pytest.fixture
def warc_dir() -> Path:
    return require_shared("corpora", "warc")


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory) -> Path:
    """A small generated multi-outlet corpus (our own generator, no third-party text)."""
    from pipeline.sample.generator import generate_corpus

    landing = tmp_path_factory.mktemp("sample") / "landing"
    generate_corpus(landing, n_articles=24, seed=11, days=4)
    return landing


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> Path:
    """A real, persistent (SQLite) Dagster instance in a temporary DAGSTER_HOME."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def corpus_warehouse(tmp_path_factory) -> tuple[Path, Path]:
    """(landing, warehouse) of a generated corpus built by the real CLI (see warehouse_fixture)."""
    from pipeline_tests.warehouse_fixture import build_warehouse

    return build_warehouse(tmp_path_factory.mktemp("corpus_warehouse"))
