{#-
    Date arithmetic: `expression` (a DATE or TIMESTAMP) plus `interval` (an integer SQL
    expression, may be negative) units of `datepart` ('day' or 'minute'), as a TIMESTAMP;
    callers cast to DATE where they want one. Dispatched because dbt's own spark__dateadd
    goes through unix seconds (dropping fractional seconds) and fails on NULL input.
    (Not named `dateadd`: a root-project `<adapter>__dateadd` would override dbt's own.)
-#}
{% macro add_interval(datepart, interval, expression) -%}
    {%- if datepart not in ('day', 'minute') -%}
        {{ exceptions.raise_compiler_error("add_interval: datepart must be 'day' or 'minute', got " ~ datepart) }}
    {%- endif -%}
    {{ return(adapter.dispatch('add_interval', 'partner_commissions')(datepart, interval, expression)) }}
{%- endmacro %}

{% macro default__add_interval(datepart, interval, expression) -%}
    {{ dbt.dateadd(datepart, interval, expression) }}
{%- endmacro %}

{% macro spark__add_interval(datepart, interval, expression) -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ expression }})
{%- endmacro %}
