{{ config(alias='rejected_events', **partner_commissions.incremental_by_log_date_config()) }}

{#- Every raw line that breaks SPEC §2, verbatim, with where it came from and why.
    Incremental by log date like base_<feed>: whether a line is rejected depends on that line
    alone. -#}

{%- set feeds = partner_commissions.raw_feeds() %}

{% for feed in feeds -%}
    select
        cast({{ partner_commissions.sql_literal(feed) }} as {{ dbt.type_string() }}) as feed,
        log_date,
        file_name,
        line_number,
        raw_line,
        rejection_reason as reason
    from (
        select * from {{ ref('base_' ~ feed) }}
        {{- partner_commissions.log_date_filter() }}
    ) as base_lines
    where rejection_reason is not null
    {% if not loop.last %}
        union all

    {% endif -%}
{% endfor %}
