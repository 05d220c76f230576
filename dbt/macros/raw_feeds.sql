{#- The raw feeds (SPEC §2), the one list the dbt project iterates over; the Python side's
    list is dagster_project/core/feeds.py (tests/unit check they agree). -#}
{% macro raw_feeds() -%}
    {{ return(['clicks', 'signups', 'sales', 'partner_status', 'fx_rates']) }}
{%- endmacro %}
