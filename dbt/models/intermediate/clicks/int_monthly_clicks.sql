{{ config(
    pre_hook="{{ partner_commissions.remember_first_new_click_month(ref('stg_clicks')) }}",
    post_hook="{{ partner_commissions.forget_first_new_click_month() }}",
    **partner_commissions.deduplicated_config(unique_key='month')
) }}

{#- Clicks per partner and UTC calendar month of the click: how many, and how many distinct
    visitors, for every partner_id a click names (partner_funnel_monthly keeps the known
    partners). Incremental like stg_clicks, and rebuilt whenever it is: a night only adds
    clicks (each first delivered in its log dates), so it recomputes the months those clicks
    fall in, from every click of those months, and keeps the other months as they are. On
    DuckDB it reads only the clicks from the first of those months on
    (macros/incremental/new_click_months.sql). -#}

{% set nights_clicks_only = is_incremental() -%}

with clicks as (

    select
        partner_id,
        cast({{ dbt.date_trunc('month', 'clicked_at') }} as date) as month,
        visitor_id,
        log_date
    from {{ ref('stg_clicks') }}
    {%- if nights_clicks_only %}
    where {{ partner_commissions.clicked_from_first_new_click_month('clicked_at') }}
    {%- endif %}

),

{% if nights_clicks_only -%}
months_with_new_clicks as (

    select distinct month
    from clicks
    {{- partner_commissions.log_date_filter() }}

),

{% endif -%}
monthly as (

    select
        partner_id,
        month,
        count(*) as clicks,
        count(distinct visitor_id) as visitors
    from clicks
    {%- if nights_clicks_only %}
    where month in (select month from months_with_new_clicks)
    {%- endif %}
    group by partner_id, month

)

select * from monthly
