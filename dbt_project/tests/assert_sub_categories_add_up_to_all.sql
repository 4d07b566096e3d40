-- Every unit's ALL row equals the sum of its sub-category rows. An eligible defaulter outside every
-- sub-category breaks this and is reported here. Returns the units that differ.
with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

sub_category_sums as (

    select
        unit_level,
        unit_code,
        sum(eligible_defaulters) as eligible_defaulters,
        sum(principal_arrears) as principal_arrears,
        sum(lpsc_arrears) as lpsc_arrears,
        sum(registered_cum) as registered_cum,
        sum(fully_paid_cum) as fully_paid_cum,
        sum(fully_paid_today) as fully_paid_today,
        sum(collected_cum) as collected_cum,
        sum(waiver_granted_cum) as waiver_granted_cum,
        sum(notices_served_cum) as notices_served_cum

    from progress
    where sub_category != 'ALL'
    group by unit_level, unit_code

),

differences as (

    select
        totals.unit_level,
        totals.unit_code

    from progress as totals
    inner join sub_category_sums
        on
            totals.unit_level = sub_category_sums.unit_level
            and totals.unit_code = sub_category_sums.unit_code
    where
        totals.sub_category = 'ALL'
        and (
            totals.eligible_defaulters,
            totals.principal_arrears,
            totals.lpsc_arrears,
            totals.registered_cum,
            totals.fully_paid_cum,
            totals.fully_paid_today,
            totals.collected_cum,
            totals.waiver_granted_cum,
            totals.notices_served_cum
        ) is distinct from (
            sub_category_sums.eligible_defaulters,
            sub_category_sums.principal_arrears,
            sub_category_sums.lpsc_arrears,
            sub_category_sums.registered_cum,
            sub_category_sums.fully_paid_cum,
            sub_category_sums.fully_paid_today,
            sub_category_sums.collected_cum,
            sub_category_sums.waiver_granted_cum,
            sub_category_sums.notices_served_cum
        )

)

select * from differences
