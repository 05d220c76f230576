{#- SPEC §3 Money. Amounts are exact decimals, never floats.

    round_money: round to cents, half away from zero, typed DECIMAL(18, 2). DuckDB's and
    Spark's round() on DECIMAL are half away from zero (on DOUBLE DuckDB is not), so every
    operand must stay DECIMAL — these macros cast their inputs explicitly.

    to_usd: round(amount × usd_per_unit, 2). The operands are narrowed to DECIMAL(18, 4) and
    DECIMAL(20, 10) so the exact product keeps its 14 decimals in DuckDB (DECIMAL(38, 14)).
    Spark sizes a product one digit wider (39) and, over 38, drops decimals: it keeps 13 here
    instead of the 6 that DECIMAL(28, 10) would leave, so double rounding is out of reach in
    practice; DECIMAL(19, 10) would make it exact on Spark but fail on a rate >= 1e9.

    commission_amount: round(amount_usd × rate, 2) on DECIMAL(28, 2) × DECIMAL(9, 6). The
    amount is widened from DECIMAL(18, 2): DuckDB types DECIMAL(18, 2) × DECIMAL(9, 6) as a
    64-bit DECIMAL(18, 8), which overflows (and stops the run) once the product passes about
    9 × 10^9; (28 + 9) keeps the exact 8 decimals in 128 bits on DuckDB and within Spark's
    38 digits. -#}
{% macro round_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{% macro to_usd(amount, usd_per_unit) -%}
    {{ round_money('cast(' ~ amount ~ ' as decimal(18, 4)) * cast(' ~ usd_per_unit ~ ' as decimal(20, 10))') }}
{%- endmacro %}

{% macro commission_amount(amount_usd, rate) -%}
    {{ round_money('cast(' ~ amount_usd ~ ' as decimal(28, 2)) * cast(' ~ rate ~ ' as decimal(9, 6))') }}
{%- endmacro %}
