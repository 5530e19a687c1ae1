"""The code location loads the way the webserver loads it, with every asset."""
import dagster as dg
from dagster._core.workspace.load_target import WorkspaceFileTarget

from pipeline.defs.definitions import defs
from pipeline.storage import schemas
from pipeline_tests.helpers import PROJECT_ROOT

EXPECTED_ASSETS = {
    "documents", "articles", "paragraphs", "rejected_documents", "entity_mentions",
    "entity_aliases", "entities", "entity_daily", "entity_pairs", "entity_trends", "entity_chart",
    "extracted_articles", "extracted_paragraphs", "domain_boilerplate",
}


def test_definitions_validate():
    dg.Definitions.validate_loadable(defs)


def test_workspace_yaml_lists_every_asset(dagster_home):
    target = WorkspaceFileTarget(paths=[str(PROJECT_ROOT / "workspace.yaml")])
    with dg.DagsterInstance.get() as instance:
        from dagster._core.workspace.context import WorkspaceProcessContext

        with WorkspaceProcessContext(instance, target) as process_context:
            request_context = process_context.create_request_context()
            [location_entry] = request_context.get_code_location_entries().values()
            assert location_entry.load_error is None, location_entry.load_error
            location = request_context.get_code_location(location_entry.origin.location_name)
            asset_keys = set()
            for repository in location.get_repositories().values():
                asset_keys |= {node.asset_key.to_user_string() for node in repository.get_asset_node_snaps()}
    assert EXPECTED_ASSETS <= asset_keys


def test_every_table_asset_shows_its_schema():
    graph = defs.resolve_asset_graph()
    for table in schemas.TABLES:
        if table in EXPECTED_ASSETS:
            node = graph.get(dg.AssetKey(table))
            schema = node.metadata["dagster/column_schema"]
            assert [c.name for c in schema.columns] == schemas.TABLES[table].names
