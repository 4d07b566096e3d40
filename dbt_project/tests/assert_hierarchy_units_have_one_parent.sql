-- A unit code found under two different parents in the report date's hierarchy is a data error:
-- dim_unit keeps the first path by code. Returns each such unit with its number of parents.
{{ config(severity='warn') }}

with

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

unit_parents as (

    select distinct
        units.unit_level,
        units.unit_code,
        units.parent_code

    from hierarchy
    cross join lateral (
        values
        ('FEEDER', hierarchy.feeder_code, hierarchy.substation_code),
        ('SUBSTATION', hierarchy.substation_code, hierarchy.subdivision_code),
        ('SUBDIVISION', hierarchy.subdivision_code, hierarchy.division_code),
        ('DIVISION', hierarchy.division_code, hierarchy.circle_code),
        ('CIRCLE', hierarchy.circle_code, hierarchy.zone_code),
        ('ZONE', hierarchy.zone_code, hierarchy.discom_code)
    ) as units (unit_level, unit_code, parent_code)

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
