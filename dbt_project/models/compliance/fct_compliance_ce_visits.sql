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

zone_days as (

    select distinct
        window_date,
        zone_code,
        zone_name,
        discom_code

    from window_substations

),

ce_visit_days as (

    -- A visit counts for a zone when the visitor was that zone's CE on the visit day.
    select distinct
        visited_on,
        zone_code

    from camp_visits
    where
        visitor_post = 'CE'
        and visitor_unit_level = 'ZONE'
        and visitor_unit_code = zone_code

),

missed_days as (

    select zone_days.*

    from zone_days
    left join ce_visit_days
        on
            zone_days.zone_code = ce_visit_days.zone_code
            and zone_days.window_date = ce_visit_days.visited_on
    where ce_visit_days.zone_code is null

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        missed_days.window_date as violation_date,
        'NO_CE_VISIT' as violation,
        'ZONE' as unit_level,
        missed_days.zone_code as unit_code,

        -- place
        coalesce(officers.unit_name, missed_days.zone_name) as unit_name,
        missed_days.zone_code,
        missed_days.discom_code,

        -- officer in charge on the report date: the zone's CE
        officers.staff_id,
        officers.staff_name,
        coalesce(officers.post, 'CE') as post

    from missed_days
    left join officers
        on
            officers.unit_level = 'ZONE'
            and missed_days.zone_code = officers.unit_code

)

select * from final
