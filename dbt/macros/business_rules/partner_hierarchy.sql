{#- SPEC §3 / issue: the referral tree, as a recursive walk from the roots.

    Input: a relation with one row per partner: partner_id, recruiter_partner_id (NULL for a
    root). Output columns: partner_id, recruiter_partner_id, depth (root = 0),
    root_partner_id (a root names itself), path ('P1 > P7 > P9', root first).

    The walk starts at the roots and follows recruit edges, so it always terminates; a
    partner caught in a cycle would simply be missing from the output (tests on
    int_partner_hierarchy assert that every partner is present). Recursive CTEs are not
    portable, hence the adapter dispatch: DuckDB (and the default) use the standard
    `WITH RECURSIVE`; Spark (4.1+) has it too but stops at 100 levels unless told otherwise,
    so spark__ states its bound: var `max_referral_depth` (default 10000; a deeper tree fails
    the run loudly rather than being cut). -#}
{% macro partner_hierarchy(recruiters_relation) -%}
    {{ return(adapter.dispatch('partner_hierarchy', 'partner_commissions')(recruiters_relation)) }}
{%- endmacro %}

{% macro duckdb__partner_hierarchy(recruiters_relation) -%}
    {{ partner_commissions.default__partner_hierarchy(recruiters_relation) }}
{%- endmacro %}

{% macro default__partner_hierarchy(recruiters_relation) -%}
select * from (
    with recursive tree (partner_id, recruiter_partner_id, depth, root_partner_id, path) as (
        select
            partner_id,
            recruiter_partner_id,
            0 as depth,
            partner_id as root_partner_id,
            cast(partner_id as {{ dbt.type_string() }}) as path
        from {{ recruiters_relation }}
        where recruiter_partner_id is null

        union all

        select
            recruit.partner_id,
            recruit.recruiter_partner_id,
            tree.depth + 1 as depth,
            tree.root_partner_id,
            cast({{ dbt.concat(['tree.path', "' > '", 'recruit.partner_id']) }} as {{ dbt.type_string() }}) as path
        from {{ recruiters_relation }} as recruit
        inner join tree
            on recruit.recruiter_partner_id = tree.partner_id
    )

    select partner_id, recruiter_partner_id, depth, root_partner_id, path
    from tree
) as partner_tree
{%- endmacro %}

{% macro spark__partner_hierarchy(recruiters_relation) -%}
select * from (
    with recursive tree (partner_id, recruiter_partner_id, depth, root_partner_id, path)
    max recursion level {{ var('max_referral_depth', 10000) | int }} as (
        select
            partner_id,
            recruiter_partner_id,
            0 as depth,
            partner_id as root_partner_id,
            cast(partner_id as string) as path
        from {{ recruiters_relation }}
        where recruiter_partner_id is null

        union all

        select
            recruit.partner_id,
            recruit.recruiter_partner_id,
            tree.depth + 1 as depth,
            tree.root_partner_id,
            concat(tree.path, ' > ', recruit.partner_id) as path
        from {{ recruiters_relation }} as recruit
        inner join tree
            on recruit.recruiter_partner_id = tree.partner_id
    )

    select partner_id, recruiter_partner_id, depth, root_partner_id, path
    from tree
) as partner_tree
{%- endmacro %}
