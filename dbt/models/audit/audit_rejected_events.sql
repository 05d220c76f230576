{{ config(alias='rejected_events') }}

{#- Every raw line that breaks SPEC §2, verbatim, with where it came from and why. -#}

{%- set feeds = ['clicks', 'signups', 'sales', 'partner_status', 'fx_rates'] %}

{% for feed in feeds -%}
    select
        cast({{ partner_commissions.sql_literal(feed) }} as {{ dbt.type_string() }}) as feed,
        log_date,
        file_name,
        line_number,
        raw_line,
        rejection_reason as reason
    from {{ ref('base_' ~ feed) }}
    where rejection_reason is not null
    {% if not loop.last %}
        union all

    {% endif -%}
{% endfor %}
