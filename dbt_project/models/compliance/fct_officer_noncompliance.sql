{{
    config(
        materialized='table',
        schema='build',
    )
}}

{#- Officers named in at least this many violations over the window so far are listed. -#}
{%- set min_violations = var('noncompliance_min_violations', 2) -%}

with

daily_camps as (

    select * from {{ ref('fct_compliance_daily_camps') }}

),

ce_visits as (

    select * from {{ ref('fct_compliance_ce_visits') }}

),

ee_visits as (

    select * from {{ ref('fct_compliance_ee_visits') }}

),

targets as (

    select * from {{ ref('fct_compliance_targets') }}

),

bill_revisions as (

    select * from {{ ref('fct_compliance_bill_revisions') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

violations as (

    select
        staff_id,
        violation,
        violation_date,
        unit_level,
        unit_code

    from daily_camps
    where staff_id is not null

    union all

    select
        staff_id,
        violation,
        violation_date,
        unit_level,
        unit_code

    from ce_visits
    where staff_id is not null

    union all

    select
        staff_id,
        violation,
        violation_date,
        unit_level,
        unit_code

    from ee_visits
    where staff_id is not null

    union all

    select
        staff_id,
        violation,
        violation_date,
        unit_level,
        unit_code

    from targets
    where staff_id is not null

    union all

    select
        staff_id,
        violation,
        violation_date,
        unit_level,
        unit_code

    from bill_revisions
    where staff_id is not null

),

officer_posts as (

    -- The unit each officer heads on the report date, for the officer's name, post and discom; a
    -- JE's own substation comes before the feeders the JE stands in for.
    select distinct on (staff_id)
        staff_id,
        staff_name,
        post,
        unit_level as post_unit_level,
        unit_code as post_unit_code,
        discom_code,
        zone_code

    from officers
    where staff_id is not null
    order by staff_id, is_substation_je_in_charge, unit_level, unit_code

),

counted as (

    select
        staff_id,
        count(*) as violations,
        count(*) filter (where violation = 'NO_CAMP') as missed_camps,
        count(*) filter (where violation = 'NO_CE_VISIT') as missed_ce_visits,
        count(*) filter (where violation = 'NO_EE_VISIT') as missed_ee_visits,
        count(*) filter (where violation = 'NO_TARGET') as missing_targets,
        count(*) filter (where violation like 'REVISION%' or violation like 'REVISED%') as late_bill_revisions,
        min(violation_date) as first_violation_date,
        max(violation_date) as last_violation_date

    from violations
    group by staff_id
    having count(*) >= {{ min_violations }}

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        counted.staff_id,
        officer_posts.staff_name,
        officer_posts.post,
        officer_posts.post_unit_level,
        officer_posts.post_unit_code,
        officer_posts.discom_code,
        officer_posts.zone_code,

        -- violations over the window so far
        cast(counted.violations as integer) as violations,
        cast(counted.missed_camps as integer) as missed_camps,
        cast(counted.missed_ce_visits as integer) as missed_ce_visits,
        cast(counted.missed_ee_visits as integer) as missed_ee_visits,
        cast(counted.missing_targets as integer) as missing_targets,
        cast(counted.late_bill_revisions as integer) as late_bill_revisions,
        counted.first_violation_date,
        counted.last_violation_date

    from counted
    left join officer_posts
        on counted.staff_id = officer_posts.staff_id

)

select * from final
