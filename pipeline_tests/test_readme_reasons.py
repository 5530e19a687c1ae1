"""The README's rejection-reason and ingest-warning tables list exactly the codes the code defines.

The codes are collected from every ``*_REASONS`` / ``*_WARNINGS`` dict in
``pipeline.core``, so a stage that adds codes only needs its README rows.
"""
import importlib
import pkgutil
import re

import pipeline.core
from pipeline.defs import checks
from pipeline_tests.helpers import PROJECT_ROOT


def _codes(suffix: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for module_info in pkgutil.iter_modules(pipeline.core.__path__):
        module = importlib.import_module(f"pipeline.core.{module_info.name}")
        for name, value in vars(module).items():
            if name.endswith(suffix) and isinstance(value, dict):
                for code in value:
                    found.setdefault(code, set()).add(f"{module_info.name}.{name}")
    return found


def _readme_table(heading: str) -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_rejection_reasons_in_readme_match_the_code():
    in_code = _codes("_REASONS")
    in_readme = _readme_table("### Rejection reasons")
    assert len(in_readme) == len(set(in_readme)), "a reason is listed twice in the README"
    assert set(in_readme) - set(in_code) == set(), "README lists reasons the code never gives"
    assert set(in_code) - set(in_readme) == set(), "reasons missing from the README table"
    assert len(in_code) >= 20  # the discovery found the modules' tables
    assert set(checks.KNOWN_REASONS) == set(in_code)  # the asset check knows every reason


def test_ingest_warnings_in_readme_match_the_code():
    in_code = _codes("_WARNINGS")
    in_readme = _readme_table("### Ingest warnings")
    assert in_readme and len(in_readme) == len(set(in_readme))
    assert set(in_readme) == set(in_code)
