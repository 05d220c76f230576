"""The marts' descriptions, from the dbt YAML (one source of truth), for `COMMENT ON` in
`marts.duckdb`: dbt's manifest.json (written by every dbt parse/build) holds each model's and
column's description; publishing copies them onto the published tables so BI tools show them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class TableDoc:
    description: str
    columns: dict[str, str] = field(default_factory=dict)


def default_manifest_path() -> Path:
    from dagster_project.defs.resources import dbt_project

    return Path(dbt_project.manifest_path)


def mart_docs(manifest_path: Path | None = None) -> dict[str, TableDoc]:
    """{published table name: its description and its columns'} for every model of the
    `marts` schema in the manifest (descriptions whitespace-normalised)."""
    manifest = json.loads((manifest_path or default_manifest_path()).read_text())
    docs: dict[str, TableDoc] = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        table = node.get("alias") or node["name"]
        columns = {
            name: " ".join((column.get("description") or "").split())
            for name, column in node.get("columns", {}).items()
        }
        docs[table] = TableDoc(" ".join((node.get("description") or "").split()), columns)
    return docs


def sql_string(text: str) -> str:
    """A SQL string literal (DuckDB's COMMENT ON takes no bind parameter); the texts are the
    project's own YAML descriptions."""
    return "'" + text.replace("'", "''") + "'"


def comment_statements(qualified_table: str, table: str, doc: TableDoc) -> list[str]:
    """COMMENT ON statements for `table` (already quoted as `qualified_table`)."""
    from dagster_project.defs.publish.publish import quote_identifier

    statements = []
    if doc.description:
        statements.append(f"COMMENT ON TABLE {qualified_table} IS {sql_string(doc.description)}")
    for column, text in doc.columns.items():
        if text:
            statements.append(
                f"COMMENT ON COLUMN {qualified_table}.{quote_identifier(column)}"
                f" IS {sql_string(text)}"
            )
    return statements
