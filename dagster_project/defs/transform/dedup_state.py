"""Which of a run's log dates the deduplicated models have seen before (dbt var
`rebuild_deduplication`, dbt/macros/incremental/deduplication.sql).

A log date seen before is being reloaded (its file changed or vanished): that can promote a
redelivery to first delivery, so deduplication is rebuilt from every delivery. Dates never
seen only add deliveries, and re-ranking their events is enough.
"""

from __future__ import annotations

import duckdb

# (table, log-date columns) whose rows come from a log date's deliveries.
DEDUPLICATED_TABLES = {
    "staging.stg_clicks": ("log_date",),
    "staging.stg_signups": ("log_date",),
    "staging.stg_sales": ("log_date",),
    "staging.stg_partner_status": ("log_date",),
    "staging.stg_fx_rates": ("log_date",),
    "audit.duplicate_events": ("log_date", "first_log_date"),
}


def log_dates_seen_by_deduplication(
    con: duckdb.DuckDBPyConnection, log_dates: list[str]
) -> list[str] | None:
    """The dates among `log_dates` with rows in a deduplicated table; None before the first
    build (no such table yet: each is built from scratch anyway)."""
    existing = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
    }
    tables = {t: c for t, c in DEDUPLICATED_TABLES.items() if t in existing}
    if not tables:
        return None
    if not log_dates:
        return []
    selects = [  # table and column names from the fixed mapping above, never from data
        f"SELECT {column} AS log_date FROM {table} WHERE list_contains($dates::DATE[], {column})"
        for table, columns in tables.items()
        for column in columns
    ]
    rows = con.execute(
        "SELECT DISTINCT strftime(log_date, '%Y-%m-%d') FROM ("
        + " UNION ALL ".join(selects)
        + ") ORDER BY 1",
        {"dates": list(log_dates)},
    ).fetchall()
    return [r[0] for r in rows]
