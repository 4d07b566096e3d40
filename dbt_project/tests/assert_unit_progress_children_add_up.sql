-- Every unit's counts and amounts equal the sum over the units directly under it, for each
-- sub-category and ALL. Returns the parents that differ.
{{ config(severity='error') }}

with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

children_sums as (

    select
        parent_level,
        parent_code,
        sub_category,
        sum(eligible_defaulters) as eligible_defaulters,
        sum(principal_arrears) as principal_arrears,
        sum(lpsc_arrears) as lpsc_arrears,
        sum(registered_cum) as registered_cum,
        sum(registered_today) as registered_today,
        sum(fully_paid_cum) as fully_paid_cum,
        sum(fully_paid_today) as fully_paid_today,
        sum(collected_cum) as collected_cum,
        sum(collected_today) as collected_today,
        sum(waiver_granted_cum) as waiver_granted_cum,
        sum(notices_served_cum) as notices_served_cum

    from progress
    -- A feeder or beat shows its substation's camps, so camps are left out of the comparison.
    where parent_level is not null
    group by parent_level, parent_code, sub_category

),

differences as (

    select
        parents.unit_level,
        parents.unit_code,
        parents.sub_category

    from progress as parents
    inner join children_sums
        on
            parents.unit_level = children_sums.parent_level
            and parents.unit_code = children_sums.parent_code
            and parents.sub_category = children_sums.sub_category
    where
        (
            parents.eligible_defaulters,
            parents.principal_arrears,
            parents.lpsc_arrears,
            parents.registered_cum,
            parents.registered_today,
            parents.fully_paid_cum,
            parents.fully_paid_today,
            parents.collected_cum,
            parents.collected_today,
            parents.waiver_granted_cum,
            parents.notices_served_cum
        ) is distinct from (
            children_sums.eligible_defaulters,
            children_sums.principal_arrears,
            children_sums.lpsc_arrears,
            children_sums.registered_cum,
            children_sums.registered_today,
            children_sums.fully_paid_cum,
            children_sums.fully_paid_today,
            children_sums.collected_cum,
            children_sums.collected_today,
            children_sums.waiver_granted_cum,
            children_sums.notices_served_cum
        )

)

select * from differences
