-- All commission lines (charges and reversals), one per sale × beneficiary, with holding:
-- payable_on = the sale's UTC date + `holding_days`; 'payable' once payable_on <= the
-- as-of date (latest log date loaded, int_as_of_date), else 'pending'.

with charge_lines as (

    select * from {{ ref('int_charge_commission_lines') }}

),

reversal_lines as (

    select * from {{ ref('int_reversal_commission_lines') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

lines as (

    select * from charge_lines
    union all
    select * from reversal_lines

),

with_payable_on as (

    select
        lines.*,
        cast({{ partner_commissions.add_interval('day', var('holding_days'), 'lines.sale_date') }} as date) as payable_on
    from lines

),

with_status as (

    select
        with_payable_on.*,
        case
            when with_payable_on.payable_on <= as_of.as_of_date then 'payable'
            else 'pending'
        end as status
    from with_payable_on
    cross join as_of

)

select * from with_status
