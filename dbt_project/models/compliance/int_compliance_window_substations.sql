{{
    config(
        materialized='table',
        schema='int',
        indexes=[{'columns': ['window_date', 'substation_code'], 'unique': true}],
    )
}}

with

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

hierarchy as (

    select * from {{ ref('stg_billing__hierarchy') }}

),

window_days as (

    -- Every day of the scheme's window up to the report date.
    select cast(window_day as date) as window_date

    from scheme
    cross join generate_series(
        start_date,
        least(end_date, {{ report_date_literal(var('report_date')) }}),
        interval '1 day'
    ) as window_day

),

window_substations as (

    -- Each day places its substations by that day's own hierarchy snapshot.
    -- NOTE: a substation under two sub-divisions is a data error; the first path by code is kept.
    select distinct on (window_days.window_date, hierarchy.substation_code)
        window_days.window_date,
        hierarchy.substation_code,
        hierarchy.substation_name,
        hierarchy.subdivision_code,
        hierarchy.subdivision_name,
        hierarchy.division_code,
        hierarchy.division_name,
        hierarchy.circle_code,
        hierarchy.zone_code,
        hierarchy.zone_name,
        hierarchy.discom_code

    from window_days
    inner join hierarchy
        on window_days.window_date = hierarchy.dump_date
    order by
        window_days.window_date,
        hierarchy.substation_code,
        hierarchy.subdivision_code,
        hierarchy.division_code,
        hierarchy.zone_code

)

select * from window_substations
