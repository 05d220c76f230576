{{ config(materialized='ephemeral') }}

-- Every raw line of every feed, verbatim, keyed by (feed, log_date, file_name, line_number):
-- what stg_raw_line_counts counts, and where audit.duplicate_events finds a redelivery's
-- text (base_<feed> keeps the text of rejected lines only). Ephemeral: a join on the key
-- reads the raw tables' lines for the matching rows, not a copy of every line.

{%- set feeds = partner_commissions.raw_feeds() %}

{% for feed in feeds -%}
    select
        cast({{ partner_commissions.sql_literal(feed) }} as {{ dbt.type_string() }}) as feed,
        log_date,
        file_name,
        line_number,
        raw_line
    from {{ source('raw', feed) }}
    {% if not loop.last %}
        union all
    {% endif %}
{%- endfor %}
