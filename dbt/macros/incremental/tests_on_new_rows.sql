{#- Checks that scale with the night, not with the history.

    A run that reprocesses only some log dates (var log_dates) leaves every other log date's
    rows of a base_<feed> model exactly as the run that last checked them left them
    (macros/incremental/by_log_date.sql), so a row breaking a rule, or a duplicate key that
    includes log_date, can only be among the reprocessed dates' rows (the base models' row
    rules with reprocessed_log_dates_only, macros/validation/row_rules.sql). A deduplicated
    stg_<feed> model re-ranks only the events delivered in those dates (deduplication.sql):
    a duplicate can only involve one of those events (unique_delivered_keys), and a row it
    did not have before is an event first delivered on one of those dates, so its log_date
    is one of them (its row rules with reprocessed_log_dates_only: deduplicated; an event
    first delivered earlier is written again as it was). A rule changed in YAML is then
    applied to the rows of later runs, or of a --full-refresh. These checks look at those
    rows only, and at every row when the run reprocesses every log date (log_dates unset:
    dbt by hand, --full-refresh) or, for a deduplicated model, rebuilds it (var
    rebuild_deduplication), or more than MAX_LOG_DATES_UNDER_TEST log dates (a first run, a
    backfill): then the list of a run's keys is most of the table, and a semi-join against
    it needs more memory than grouping every row (at 4 x bench it ran out of DuckDB's 1 GB).
    Each row is checked at least once: a first run selects every log date present. -#}

{#- The log dates a test may restrict itself to, or none (test every row). -#}
{% macro log_dates_under_test(deduplicated=false) -%}
    {%- set dates = partner_commissions.selected_log_dates() -%}
    {%- if dates is none or dates | length > 31 -%}  {#- MAX_LOG_DATES_UNDER_TEST -#}
        {{ return(none) }}
    {%- endif -%}
    {%- if deduplicated and partner_commissions.run_setting('rebuild_deduplication', true) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(dates) }}
{%- endmacro %}
