{{
    config(
        materialized='table',
        schema='build',
    )
}}

with

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

targets as (

    select * from {{ ref('stg_billing__targets') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

due_targets as (

    -- Every unit from zone down to beat owes a target for each sub-category with eligible
    -- defaulters in it on the report date, once the target deadline has come.
    select
        progress.unit_level,
        progress.unit_code,
        progress.unit_name,
        progress.parent_level,
        progress.parent_code,
        progress.sub_category,
        progress.eligible_defaulters,
        scheme.target_deadline

    from progress
    cross join scheme
    where
        progress.unit_level in ('ZONE', 'CIRCLE', 'DIVISION', 'SUBDIVISION', 'SUBSTATION', 'FEEDER', 'BEAT')
        and progress.sub_category != 'ALL'
        and progress.eligible_defaulters > 0
        and scheme.target_deadline <= {{ report_date_literal(var('report_date')) }}

),

targets_in_time as (

    -- A target set on or before the deadline counts from the day it arrives, even if it arrives late.
    select distinct
        targets.unit_level,
        targets.unit_code,
        targets.sub_category

    from targets
    cross join scheme
    where
        targets.dump_date <= {{ report_date_literal(var('report_date')) }}
        and targets.set_on <= scheme.target_deadline

),

missing_targets as (

    select due_targets.*

    from due_targets
    left join targets_in_time
        on
            due_targets.unit_level = targets_in_time.unit_level
            and due_targets.unit_code = targets_in_time.unit_code
            and due_targets.sub_category = targets_in_time.sub_category
    where targets_in_time.unit_code is null

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        missing_targets.target_deadline as violation_date,
        'NO_TARGET' as violation,
        missing_targets.unit_level,
        missing_targets.unit_code,
        missing_targets.sub_category,

        -- place
        missing_targets.unit_name,
        missing_targets.parent_level,
        missing_targets.parent_code,
        unit_place.zone_code,
        unit_place.discom_code,
        cast(missing_targets.eligible_defaulters as bigint) as eligible_defaulters,

        -- officer who sets the target: the head of the unit one level up
        setter.staff_id,
        setter.staff_name,
        setter.post

    from missing_targets
    inner join officers as unit_place
        on
            missing_targets.unit_level = unit_place.unit_level
            and missing_targets.unit_code = unit_place.unit_code
    left join officers as setter
        on
            missing_targets.parent_level = setter.unit_level
            and missing_targets.parent_code = setter.unit_code

)

select * from final
