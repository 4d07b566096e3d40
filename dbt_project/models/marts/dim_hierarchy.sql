{{
    config(
        indexes=[{'columns': ['beat_code'], 'unique': true}],
    )
}}

with

hierarchy as (

    select * from {{ ref('stg_billing__hierarchy') }}

),

report_day_beats as (

    select
        discom_code,
        discom_name,
        zone_code,
        zone_name,
        circle_code,
        circle_name,
        division_code,
        division_name,
        subdivision_code,
        subdivision_name,
        substation_code,
        substation_name,
        feeder_code,
        feeder_name,
        beat_code,
        beat_name

    from hierarchy
    where dump_date = {{ report_date_literal(var('report_date')) }}

)

select * from report_day_beats
