with

camps as (

    select * from {{ ref('stg_billing__camps') }}

),

unit_beats as (

    select * from {{ ref('int_unit_beats') }}

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

substation_camps as (

    select
        as_of_dates.as_of_date,
        camps.substation_code,
        count(distinct camps.camp_id) as camps_held

    from camps
    inner join as_of_dates
        on camps.dump_date <= as_of_dates.as_of_date
    group by as_of_dates.as_of_date, camps.substation_code

),

unit_substations as (

    -- A feeder or beat is served by the camps of its substation.
    select distinct
        as_of_date,
        unit_level,
        unit_code,
        substation_code

    from unit_beats

),

unit_camps as (

    -- camp_id is unique across dumps and names one substation, so adding up the substations'
    -- distinct camps counts each camp of the unit once.
    select
        unit_substations.as_of_date,
        unit_substations.unit_level,
        unit_substations.unit_code,
        cast(coalesce(sum(substation_camps.camps_held), 0) as bigint) as camps_held

    from unit_substations
    left join substation_camps
        on
            unit_substations.as_of_date = substation_camps.as_of_date
            and unit_substations.substation_code = substation_camps.substation_code
    group by unit_substations.as_of_date, unit_substations.unit_level, unit_substations.unit_code

)

select * from unit_camps
