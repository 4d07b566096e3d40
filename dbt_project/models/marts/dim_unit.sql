{{
    config(
        indexes=[{'columns': ['unit_level', 'unit_code'], 'unique': true}],
    )
}}

-- Each level's units come from the report date's beats. A code found under two parents is a data
-- error, which a data test reports. distinct on keeps the first path by code, so each unit has one row.

with

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

discom_units as (

    select distinct on (discom_code)
        'DISCOM' as unit_level,
        discom_code as unit_code,
        discom_name as unit_name,
        'TOTAL' as parent_level,
        'ALL' as parent_code,
        discom_code,
        cast(null as text) as zone_code,
        cast(null as text) as circle_code,
        cast(null as text) as division_code,
        cast(null as text) as subdivision_code,
        concat_ws(
            ' / ',
            discom_code
        ) collate "C" as sort_path

    from hierarchy
    order by discom_code, discom_name

),

zone_units as (

    select distinct on (zone_code)
        'ZONE' as unit_level,
        zone_code as unit_code,
        zone_name as unit_name,
        'DISCOM' as parent_level,
        discom_code as parent_code,
        discom_code,
        zone_code,
        cast(null as text) as circle_code,
        cast(null as text) as division_code,
        cast(null as text) as subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code
        ) collate "C" as sort_path

    from hierarchy
    order by zone_code, discom_code, zone_name

),

circle_units as (

    select distinct on (circle_code)
        'CIRCLE' as unit_level,
        circle_code as unit_code,
        circle_name as unit_name,
        'ZONE' as parent_level,
        zone_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        cast(null as text) as division_code,
        cast(null as text) as subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        circle_code,
        zone_code,
        discom_code,
        circle_name

),

division_units as (

    select distinct on (division_code)
        'DIVISION' as unit_level,
        division_code as unit_code,
        division_name as unit_name,
        'CIRCLE' as parent_level,
        circle_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        division_code,
        cast(null as text) as subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code,
            division_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        division_code,
        circle_code,
        zone_code,
        discom_code,
        division_name

),

subdivision_units as (

    select distinct on (subdivision_code)
        'SUBDIVISION' as unit_level,
        subdivision_code as unit_code,
        subdivision_name as unit_name,
        'DIVISION' as parent_level,
        division_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        division_code,
        subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code,
            division_code,
            subdivision_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        subdivision_code,
        division_code,
        circle_code,
        zone_code,
        discom_code,
        subdivision_name

),

substation_units as (

    select distinct on (substation_code)
        'SUBSTATION' as unit_level,
        substation_code as unit_code,
        substation_name as unit_name,
        'SUBDIVISION' as parent_level,
        subdivision_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        division_code,
        subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code,
            division_code,
            subdivision_code,
            substation_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        substation_code,
        subdivision_code,
        division_code,
        circle_code,
        zone_code,
        discom_code,
        substation_name

),

feeder_units as (

    select distinct on (feeder_code)
        'FEEDER' as unit_level,
        feeder_code as unit_code,
        feeder_name as unit_name,
        'SUBSTATION' as parent_level,
        substation_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        division_code,
        subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code,
            division_code,
            subdivision_code,
            substation_code,
            feeder_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        feeder_code,
        substation_code,
        subdivision_code,
        division_code,
        circle_code,
        zone_code,
        discom_code,
        feeder_name

),

beat_units as (

    select distinct on (beat_code)
        'BEAT' as unit_level,
        beat_code as unit_code,
        beat_name as unit_name,
        'FEEDER' as parent_level,
        feeder_code as parent_code,
        discom_code,
        zone_code,
        circle_code,
        division_code,
        subdivision_code,
        concat_ws(
            ' / ',
            discom_code,
            zone_code,
            circle_code,
            division_code,
            subdivision_code,
            substation_code,
            feeder_code,
            beat_code
        ) collate "C" as sort_path

    from hierarchy
    order by
        beat_code,
        feeder_code,
        substation_code,
        subdivision_code,
        division_code,
        circle_code,
        zone_code,
        discom_code,
        beat_name

),

total_unit as (

    select
        'TOTAL' as unit_level,
        'ALL' as unit_code,
        'कुल योग' as unit_name,
        cast(null as text) as parent_level,
        cast(null as text) as parent_code,
        cast(null as text) as discom_code,
        cast(null as text) as zone_code,
        cast(null as text) as circle_code,
        cast(null as text) as division_code,
        cast(null as text) as subdivision_code,
        '' collate "C" as sort_path

),

units as (

    select * from total_unit
    union all
    select * from discom_units
    union all
    select * from zone_units
    union all
    select * from circle_units
    union all
    select * from division_units
    union all
    select * from subdivision_units
    union all
    select * from substation_units
    union all
    select * from feeder_units
    union all
    select * from beat_units

)

select * from units
