-- A unit code found under two different parents in the report date's hierarchy is a data error:
-- dim_unit keeps the first path by code. Returns each such unit with its number of parents.
{{ config(severity='warn') }}

with

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

unit_parents as (

    select 'FEEDER' as unit_level, feeder_code as unit_code, substation_code as parent_code from hierarchy
    union
    select 'SUBSTATION', substation_code, subdivision_code from hierarchy
    union
    select 'SUBDIVISION', subdivision_code, division_code from hierarchy
    union
    select 'DIVISION', division_code, circle_code from hierarchy
    union
    select 'CIRCLE', circle_code, zone_code from hierarchy
    union
    select 'ZONE', zone_code, discom_code from hierarchy

),

units_with_two_parents as (

    select
        unit_level,
        unit_code,
        count(*) as parents

    from unit_parents
    group by unit_level, unit_code
    having count(*) > 1

)

select * from units_with_two_parents
