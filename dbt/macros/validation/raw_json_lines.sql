{#- The raw lines of one feed for this run (incremental: the selected log dates only), with
    `line_problem` (too long / not UTF-8 / not JSON / not an object, else NULL) and `doc`: the line when
    it is a JSON object, else NULL, so JSON accessors never see bad JSON. The shared start of
    every base_<feed> model. -#}
{% macro raw_json_lines(feed) -%}
    select
        log_date,
        file_name,
        line_number,
        raw_line,
        line_problem,
        case when line_problem is null then {{ partner_commissions.json_doc('raw_line') }} end as doc
    from (
        select
            log_date,
            file_name,
            line_number,
            raw_line,
            {{ partner_commissions.line_problem('raw_line', 'is_valid_utf8', 'is_truncated') }} as line_problem
        from {{ source('raw', feed) }}
        {{- partner_commissions.log_date_filter() }}
    ) as raw_lines
{%- endmacro %}
