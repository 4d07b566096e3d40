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

camps as (

    select * from {{ ref('stg_billing__camps') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

camp_days as (

    -- Camps go by their own camp_date; a camp reported late counts from the day it arrives.
    select distinct
        substation_code,
        camp_date

    from camps
    where dump_date <= {{ report_date_literal(var('report_date')) }}

),

missed_days as (

    select window_substations.*

    from window_substations
    left join camp_days
        on
            window_substations.substation_code = camp_days.substation_code
            and window_substations.window_date = camp_days.camp_date
    where camp_days.substation_code is null

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        missed_days.window_date as violation_date,
        'NO_CAMP' as violation,
        'SUBSTATION' as unit_level,
        missed_days.substation_code as unit_code,

        -- place
        coalesce(officers.unit_name, missed_days.substation_name) as unit_name,
        missed_days.subdivision_code,
        missed_days.division_code,
        missed_days.zone_code,
        missed_days.discom_code,

        -- officer in charge on the report date: the substation's JE
        officers.staff_id,
        officers.staff_name,
        coalesce(officers.post, 'JE') as post

    from missed_days
    left join officers
        on
            officers.unit_level = 'SUBSTATION'
            and missed_days.substation_code = officers.unit_code

)

select * from final
