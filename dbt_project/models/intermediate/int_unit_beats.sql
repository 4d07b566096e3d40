{{
    config(
        indexes=[{'columns': ['as_of_date', 'beat_code']}],
    )
}}

with

hierarchy as (

    select * from {{ ref('stg_billing__hierarchy') }}

),

as_of_dates as (

    -- A values list, not generate_series, so that the planner estimates two rows.
    select as_of_days.as_of_date
    from (
        values
        ({{ report_date_literal(var('report_date')) }} - 1),
        ({{ report_date_literal(var('report_date')) }})
    ) as as_of_days (as_of_date)

),

beat_days as (

    -- Each day places its beats by its own hierarchy snapshot.
    select
        as_of_dates.as_of_date,
        hierarchy.*

    from hierarchy
    inner join as_of_dates
        on hierarchy.dump_date = as_of_dates.as_of_date

),

unit_beats as (

    -- Every unit that contains the beat, the beat itself and the grand total included.
    select
        beat_days.as_of_date,
        units.unit_level,
        units.unit_code,
        beat_days.beat_code,
        beat_days.substation_code

    from beat_days
    cross join lateral (
        values
        ('BEAT', beat_days.beat_code),
        ('FEEDER', beat_days.feeder_code),
        ('SUBSTATION', beat_days.substation_code),
        ('SUBDIVISION', beat_days.subdivision_code),
        ('DIVISION', beat_days.division_code),
        ('CIRCLE', beat_days.circle_code),
        ('ZONE', beat_days.zone_code),
        ('DISCOM', beat_days.discom_code),
        ('TOTAL', 'ALL')
    ) as units (unit_level, unit_code)

)

select * from unit_beats
