"""Plain Python the rest of the project builds on; nothing here imports Dagster.

paths (where things live), feeds (the feed list), log_files (discovering raw files),
log_lines (reading a log file's lines), fingerprints (a file's version), tags (run tag
strings), duckdb_settings (a warehouse connection's memory and spill settings).
"""
