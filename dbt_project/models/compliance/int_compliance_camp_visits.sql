{{
    config(
        materialized='table',
        schema='int',
    )
}}

with

camp_visits as (

    select * from {{ ref('stg_billing__camp_visits') }}

),

camps as (

    select * from {{ ref('stg_billing__camps') }}

),

staff as (

    select * from {{ ref('stg_billing__staff') }}

),

window_substations as (

    select * from {{ ref('int_compliance_window_substations') }}

),

known_visits as (

    -- A visit counts from the day both it and its camp have arrived.
    select
        camp_visits.visit_id,
        camp_visits.camp_id,
        camp_visits.staff_id,
        camp_visits.visited_on,
        camps.substation_code

    from camp_visits
    inner join camps
        on camp_visits.camp_id = camps.camp_id
    where
        camp_visits.dump_date <= {{ report_date_literal(var('report_date')) }}
        and camps.dump_date <= {{ report_date_literal(var('report_date')) }}

),

placed_visits as (

    -- The camp's place and the visitor's post are those of the visit day's snapshots.
    select
        known_visits.visit_id,
        known_visits.camp_id,
        known_visits.visited_on,
        known_visits.substation_code,
        window_substations.subdivision_code,
        window_substations.division_code,
        window_substations.zone_code,
        known_visits.staff_id,
        visitor.post as visitor_post,
        visitor.unit_level as visitor_unit_level,
        visitor.unit_code as visitor_unit_code

    from known_visits
    inner join window_substations
        on
            known_visits.visited_on = window_substations.window_date
            and known_visits.substation_code = window_substations.substation_code
    inner join staff as visitor
        on
            known_visits.staff_id = visitor.staff_id
            and known_visits.visited_on = visitor.dump_date

)

select * from placed_visits
