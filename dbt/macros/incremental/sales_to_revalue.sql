{#-
    int_sale_fx_rates and int_sales_usd are kept up to date like stg_sales (deduplicated_config:
    incremental on a night that only adds log dates, rebuilt whenever stg_sales is). A night
    then values again only the sales whose value can have changed, from every row they need:

      repriced (int_sale_fx_rates): a sale the night delivers first (stg_sales.log_date is one of
        the night's log dates: a new sale, or an earlier first delivery from a late file), and
        a sale in the window of an FX rate the night delivers first (same currency, sale date
        from the rate's date to `fx_max_age_days` after it): that rate can now be its latest;
      revalued (int_sales_usd): a repriced sale, and a reversal whose refers_to names one (its
        charge arrived, changed, or got another rate: an orphan can stop being one).

    Nothing else changes a sale's value: an older sale's rate depends on rates of its window
    only, and a reversal on itself and the sale it names. A changed var (fx_max_age_days)
    needs `run --full-refresh`, as a changed rule does.
-#}

{#- The ids of the sales repriced tonight (see above), as a subquery; none (every sale) when
    this is not an incremental night or log_dates is unset; no id when it is []. -#}
{% macro repriced_sale_ids(stg_sales, stg_fx_rates) -%}
    {%- set dates = partner_commissions.nights_log_dates() -%}
    {%- if dates is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ids -%}
        select sale_id
        from {{ stg_sales }}
        where {{ partner_commissions._log_date_in('log_date', dates) }}

        union all

        select sales.sale_id
        from {{ stg_sales }} as sales
        inner join {{ stg_fx_rates }} as new_rates
            on
                sales.currency = new_rates.currency
                and cast(sales.sold_at as date) >= new_rates.rate_date
                and cast(sales.sold_at as date) <= cast(
                    {{ partner_commissions.add_interval('day', var('fx_max_age_days'), 'new_rates.rate_date') }}
                    as date
                )
        where {{ partner_commissions._log_date_in('new_rates.log_date', dates) }}
    {%- endset -%}
    {{ return(ids) }}
{%- endmacro %}


{#- SQL condition: one of `columns` names a repriced sale (`['sale_id']`: the sale is repriced;
    `['sale_id', 'refers_to']`: it is revalued). Always true when every sale is. -#}
{% macro names_a_repriced_sale(columns, stg_sales, stg_fx_rates) -%}
    {%- set ids = partner_commissions.repriced_sale_ids(stg_sales, stg_fx_rates) -%}
    {%- if ids is none -%}
        1 = 1
    {%- else -%}
        ({% for column in columns %}{{ column }} in ({{ ids }}){{ " or " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
