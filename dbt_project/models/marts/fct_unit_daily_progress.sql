{{
    config(
        indexes=[{'columns': ['unit_level', 'unit_code', 'sub_category'], 'unique': true}],
    )
}}

with

units as (

    select * from {{ ref('dim_unit') }}

),

sub_categories as (

    select * from {{ ref('stg_rules__sub_categories') }}

),

unit_measures as (

    select * from {{ ref('int_unit_consumer_measures') }}

),

unit_camps as (

    select * from {{ ref('int_unit_camps') }}

),

unit_targets as (

    select * from {{ ref('int_unit_targets') }}

),

report_day as (

    select {{ report_date_literal(var('report_date')) }} as report_date

),

sub_category_codes as (

    select
        sub_category,
        sort_order

    from sub_categories

    union all

    select
        'ALL' as sub_category,
        null as sort_order

),

unit_grid as (

    -- Every unit of the day's hierarchy gets a row for each sub-category and for ALL.
    select
        report_day.report_date,
        units.unit_level,
        units.unit_code,
        units.unit_name,
        units.parent_level,
        units.parent_code,
        units.sort_path,
        sub_category_codes.sub_category,
        sub_category_codes.sort_order as sub_category_sort_order

    from units
    cross join sub_category_codes
    cross join report_day

),

measured as (

    -- A "today" figure is the figure as of the report date less the figure as of the day before,
    -- each from its own day's snapshot. fully_paid_today counts those who became fully paid.
    select
        unit_grid.*,
        coalesce(on_day.eligible_defaulters, 0) as eligible_defaulters,
        coalesce(on_day.principal_arrears, 0) as principal_arrears,
        coalesce(on_day.lpsc_arrears, 0) as lpsc_arrears,
        coalesce(on_day.registered, 0) as registered_cum,
        coalesce(on_day.registered, 0) - coalesce(day_before.registered, 0) as registered_today,
        coalesce(on_day.fully_paid, 0) as fully_paid_cum,
        coalesce(on_day.became_fully_paid, 0) as fully_paid_today,
        coalesce(on_day.collected, 0) as collected_cum,
        coalesce(on_day.collected, 0) - coalesce(day_before.collected, 0) as collected_today,
        coalesce(on_day.waiver_granted, 0) as waiver_granted_cum,
        coalesce(on_day.notices_served, 0) as notices_served_cum,
        coalesce(camps_on_day.camps_held, 0) as camps_cum,
        coalesce(camps_on_day.camps_held, 0) - coalesce(camps_day_before.camps_held, 0) as camps_today

    from unit_grid
    left join unit_measures as on_day
        on
            unit_grid.report_date = on_day.as_of_date
            and unit_grid.unit_level = on_day.unit_level
            and unit_grid.unit_code = on_day.unit_code
            and unit_grid.sub_category = on_day.sub_category
    left join unit_measures as day_before
        on
            unit_grid.report_date - 1 = day_before.as_of_date
            and unit_grid.unit_level = day_before.unit_level
            and unit_grid.unit_code = day_before.unit_code
            and unit_grid.sub_category = day_before.sub_category
    left join unit_camps as camps_on_day
        on
            unit_grid.report_date = camps_on_day.as_of_date
            and unit_grid.unit_level = camps_on_day.unit_level
            and unit_grid.unit_code = camps_on_day.unit_code
    left join unit_camps as camps_day_before
        on
            unit_grid.report_date - 1 = camps_day_before.as_of_date
            and unit_grid.unit_level = camps_day_before.unit_level
            and unit_grid.unit_code = camps_day_before.unit_code

),

own_targets as (

    -- Each unit's own target for each sub-category; no row means "not set", never zero.
    select
        measured.unit_level,
        measured.unit_code,
        measured.parent_code,
        measured.sub_category,
        measured.eligible_defaulters,
        unit_targets.unit_code is not null as has_own_target,
        unit_targets.target_consumers,
        unit_targets.target_amount

    from measured
    left join unit_targets
        on
            measured.unit_level = unit_targets.unit_level
            and measured.unit_code = unit_targets.unit_code
            and measured.sub_category = unit_targets.sub_category
    where measured.sub_category != 'ALL'

),

zone_sums as (

    -- What a discom's zones add up to, and whether every zone with eligible defaulters has a target.
    select
        parent_code as discom_code,
        sub_category,
        sum(target_consumers) as target_consumers,
        sum(target_amount) as target_amount,
        bool_and(has_own_target or eligible_defaulters = 0) as is_complete

    from own_targets
    where unit_level = 'ZONE'
    group by parent_code, sub_category

),

discom_targets as (

    -- The 2021 scheme sets no discom targets, so a discom without its own takes its zones' sum.
    select
        own_targets.unit_level,
        own_targets.unit_code,
        own_targets.sub_category,
        own_targets.eligible_defaulters,
        own_targets.has_own_target or coalesce(zone_sums.is_complete, false) as is_set,
        case
            when own_targets.has_own_target then own_targets.target_consumers
            when zone_sums.is_complete then zone_sums.target_consumers
        end as target_consumers,
        case
            when own_targets.has_own_target then own_targets.target_amount
            when zone_sums.is_complete then zone_sums.target_amount
        end as target_amount

    from own_targets
    left join zone_sums
        on
            own_targets.unit_code = zone_sums.discom_code
            and own_targets.sub_category = zone_sums.sub_category
    where own_targets.unit_level = 'DISCOM'

),

total_targets as (

    -- The grand total adds up the discoms when every discom with eligible defaulters has a target.
    select
        'TOTAL' as unit_level,
        'ALL' as unit_code,
        sub_category,
        case
            when bool_and(target_consumers is not null or eligible_defaulters = 0) then sum(target_consumers)
        end as target_consumers,
        case
            when bool_and(target_amount is not null or eligible_defaulters = 0) then sum(target_amount)
        end as target_amount

    from discom_targets
    group by sub_category

),

sub_category_targets as (

    select
        unit_level,
        unit_code,
        sub_category,
        target_consumers,
        target_amount

    from own_targets
    where unit_level not in ('DISCOM', 'TOTAL')

    union all

    select
        unit_level,
        unit_code,
        sub_category,
        target_consumers,
        target_amount

    from discom_targets

    union all

    select
        unit_level,
        unit_code,
        sub_category,
        target_consumers,
        target_amount

    from total_targets

),

all_targets as (

    -- A unit's target over all sub-categories is their sum, or not set when a sub-category with
    -- eligible defaulters has none.
    select
        sub_category_targets.unit_level,
        sub_category_targets.unit_code,
        'ALL' as sub_category,
        case
            when bool_and(sub_category_targets.target_consumers is not null or measured.eligible_defaulters = 0)
                then sum(sub_category_targets.target_consumers)
        end as target_consumers,
        case
            when bool_and(sub_category_targets.target_amount is not null or measured.eligible_defaulters = 0)
                then sum(sub_category_targets.target_amount)
        end as target_amount

    from sub_category_targets
    inner join measured
        on
            sub_category_targets.unit_level = measured.unit_level
            and sub_category_targets.unit_code = measured.unit_code
            and sub_category_targets.sub_category = measured.sub_category
    group by sub_category_targets.unit_level, sub_category_targets.unit_code

),

targets as (

    select * from sub_category_targets

    union all

    select * from all_targets

),

achieved as (

    -- Percentages come from the unrounded sums; a target not set or zero leaves them blank.
    select
        measured.*,
        targets.target_consumers,
        targets.target_amount,
        round(100.0 * measured.registered_cum / nullif(targets.target_consumers, 0), 2) as registered_pct,
        round(100.0 * measured.collected_cum / nullif(targets.target_amount, 0), 2) as collected_pct

    from measured
    left join targets
        on
            measured.unit_level = targets.unit_level
            and measured.unit_code = targets.unit_code
            and measured.sub_category = targets.sub_category

),

ranked as (

    -- Units with the same parent and sub-category rank by registered_pct, highest first, equal
    -- values sharing a rank (1, 2, 2, 4). Units without a percent are not ranked.
    select
        *,
        case
            when registered_pct is not null and parent_code is not null
                then rank() over (
                    partition by parent_level, parent_code, sub_category, registered_pct is null
                    order by registered_pct desc
                )
        end as rank_in_parent

    from achieved

),

final as (

    select
        -- ids
        report_date,
        unit_level,
        unit_code,
        sub_category,
        unit_name,
        parent_level,
        parent_code,
        sort_path,
        sub_category_sort_order,

        -- consumers and dues
        cast(eligible_defaulters as bigint) as eligible_defaulters,
        cast(principal_arrears as numeric(16, 2)) as principal_arrears,
        cast(lpsc_arrears as numeric(16, 2)) as lpsc_arrears,

        -- progress
        cast(registered_cum as bigint) as registered_cum,
        cast(registered_today as bigint) as registered_today,
        cast(fully_paid_cum as bigint) as fully_paid_cum,
        cast(fully_paid_today as bigint) as fully_paid_today,
        cast(collected_cum as numeric(16, 2)) as collected_cum,
        cast(collected_today as numeric(16, 2)) as collected_today,
        cast(waiver_granted_cum as numeric(16, 2)) as waiver_granted_cum,
        cast(notices_served_cum as bigint) as notices_served_cum,
        cast(camps_cum as bigint) as camps_cum,
        cast(camps_today as bigint) as camps_today,

        -- targets and achievement
        cast(target_consumers as bigint) as target_consumers,
        cast(target_amount as numeric(16, 2)) as target_amount,
        cast(registered_pct as numeric(14, 2)) as registered_pct,
        cast(collected_pct as numeric(14, 2)) as collected_pct,
        cast(rank_in_parent as bigint) as rank_in_parent

    from ranked

)

select * from final
