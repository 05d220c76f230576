{#- Use the folder's schema name as-is (staging, intermediate, audit, marts), so SPEC's
    `marts.fct_commissions` is the real name, not `main_marts.fct_commissions`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
