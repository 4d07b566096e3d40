{{
    config(
        materialized='table',
        schema='build',
    )
}}

with

window_substations as (

    select * from {{ ref('int_compliance_window_substations') }}

),

camp_visits as (

    select * from {{ ref('int_compliance_camp_visits') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

subdivision_days as (

    select distinct
        window_date,
        subdivision_code,
        subdivision_name,
        division_code,
        division_name,
        zone_code,
        discom_code

    from window_substations

),

ee_visit_days as (

    -- A visit counts for a sub-division when the visitor was the EE of its division on the visit day.
    select distinct
        visited_on,
        subdivision_code

    from camp_visits
    where
        visitor_post = 'EE'
        and visitor_unit_level = 'DIVISION'
        and visitor_unit_code = division_code

),

missed_days as (

    select subdivision_days.*

    from subdivision_days
    left join ee_visit_days
        on
            subdivision_days.subdivision_code = ee_visit_days.subdivision_code
            and subdivision_days.window_date = ee_visit_days.visited_on
    where ee_visit_days.subdivision_code is null

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        missed_days.window_date as violation_date,
        'NO_EE_VISIT' as violation,
        'SUBDIVISION' as unit_level,
        missed_days.subdivision_code as unit_code,

        -- place
        missed_days.subdivision_name as unit_name,
        missed_days.division_code,
        coalesce(officers.unit_name, missed_days.division_name) as division_name,
        missed_days.zone_code,
        missed_days.discom_code,

        -- officer in charge on the report date: the division's EE
        officers.staff_id,
        officers.staff_name,
        coalesce(officers.post, 'EE') as post

    from missed_days
    left join officers
        on
            officers.unit_level = 'DIVISION'
            and missed_days.division_code = officers.unit_code

)

select * from final
