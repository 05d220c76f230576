-- SPEC §3 Refunds and chargebacks: negative lines with the same beneficiaries, tiers and
-- rates as the charge they reverse — only the lines that charge actually produced (a tier
-- whose beneficiary was not active at the charge has nothing to claw back) — on the
-- reversal's own amount_usd (already at the charge's FX rate, negative; int_sales_usd).
-- No eligibility check at the reversal instant: a reversal always claws back what was paid.
-- commission_usd = round(amount_usd × rate, 2), half away from zero, so a full refund
-- cancels its charge's lines exactly.

with reversals as (

    select * from {{ ref('int_sales_usd') }}
    where
        sale_type in ('refund', 'chargeback')
        and charge_sale_id is not null
        and amount_usd is not null

),

charge_lines as (

    select * from {{ ref('int_charge_commission_lines') }}

),

reversal_lines as (

    select
        reversals.sale_id,
        reversals.sale_type,
        reversals.sold_at,
        reversals.sale_date,
        reversals.customer_id,
        reversals.charge_sale_id,
        charge_lines.partner_id,
        charge_lines.tier,
        charge_lines.source_partner_id,
        reversals.amount_usd,
        charge_lines.rate,
        {{ commission_amount('reversals.amount_usd', 'charge_lines.rate') }} as commission_usd
    from reversals
    inner join charge_lines
        on reversals.charge_sale_id = charge_lines.sale_id

)

select * from reversal_lines
