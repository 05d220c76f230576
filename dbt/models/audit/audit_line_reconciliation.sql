{{ config(alias='line_reconciliation') }}

{#- Per feed and log date: every raw line is staged (first delivery of a valid event), rejected,
    or a duplicate (later delivery of a valid event). Tested: raw_lines = staged + rejected +
    duplicates. A mismatch means a log date was loaded into raw but its base model was not
    (re)built for it, or a bug. -#}

{%- set feeds = partner_commissions.raw_feeds() %}

with counts as (

    select
        feed,
        log_date,
        raw_lines,
        0 as staged,
        0 as rejected,
        0 as duplicates
    from {{ ref('stg_raw_line_counts') }}

    union all

    {% for feed in feeds -%}
        select
            {{ partner_commissions.sql_literal(feed) }} as feed,
            log_date,
            0 as raw_lines,
            count(*) as staged,
            0 as rejected,
            0 as duplicates
        from {{ ref('stg_' ~ feed) }}
        group by log_date

        {% if not loop.last -%}
            union all

        {% endif -%}
    {% endfor -%}
    union all

    select
        feed,
        log_date,
        0 as raw_lines,
        0 as staged,
        count(*) as rejected,
        0 as duplicates
    from {{ ref('audit_rejected_events') }}
    group by feed, log_date

    union all

    select
        feed,
        log_date,
        0 as raw_lines,
        0 as staged,
        0 as rejected,
        count(*) as duplicates
    from {{ ref('audit_duplicate_events') }}
    group by feed, log_date

)

select
    cast(feed as {{ dbt.type_string() }}) as feed,
    log_date,
    cast(sum(raw_lines) as bigint) as raw_lines,
    cast(sum(staged) as bigint) as staged,
    cast(sum(rejected) as bigint) as rejected,
    cast(sum(duplicates) as bigint) as duplicates
from counts
group by feed, log_date
