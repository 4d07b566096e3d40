{{
    config(
        materialized='table',
        schema='int',
        indexes=[{'columns': ['unit_level', 'unit_code'], 'unique': true}],
    )
}}

with

units as (

    select * from {{ ref('dim_unit') }}

),

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

staff as (

    select * from {{ ref('stg_billing__staff') }}

),

head_posts as (

    -- The post that heads each level; a beat is served by a meter reader, else a contract worker.
    select * from (
        values
        ('DISCOM', 'DISCOM_HQ', 1),
        ('ZONE', 'CE', 1),
        ('CIRCLE', 'SE', 1),
        ('DIVISION', 'EE', 1),
        ('SUBDIVISION', 'SDO', 1),
        ('SUBSTATION', 'JE', 1),
        ('FEEDER', 'JE', 1),
        ('BEAT', 'METER_READER', 1),
        ('BEAT', 'CONTRACT_WORKER', 2)
    ) as head_posts (unit_level, post, post_preference)

),

report_day_staff as (

    select
        staff_id,
        staff_name,
        post,
        unit_level,
        unit_code,
        mobile_normalised

    from staff
    where dump_date = {{ report_date_literal(var('report_date')) }}

),

unit_heads as (

    -- NOTE: where several people hold the head post of one unit, the lowest staff_id is named.
    select distinct on (report_day_staff.unit_level, report_day_staff.unit_code)
        report_day_staff.unit_level,
        report_day_staff.unit_code,
        report_day_staff.staff_id,
        report_day_staff.staff_name,
        report_day_staff.post,
        report_day_staff.mobile_normalised

    from report_day_staff
    inner join head_posts
        on
            report_day_staff.unit_level = head_posts.unit_level
            and report_day_staff.post = head_posts.post
    order by
        report_day_staff.unit_level,
        report_day_staff.unit_code,
        head_posts.post_preference,
        report_day_staff.staff_id

),

feeder_substations as (

    -- A feeder under two substations is a data error that dim_unit reports; the first by code is kept.
    select distinct on (feeder_code)
        feeder_code,
        substation_code

    from hierarchy
    order by feeder_code, substation_code

),

unit_officers as (

    -- A feeder with no JE of its own is in the charge of its substation's JE.
    select
        units.unit_level,
        units.unit_code,
        units.unit_name,
        units.parent_level,
        units.parent_code,
        units.discom_code,
        units.zone_code,
        units.circle_code,
        units.division_code,
        units.subdivision_code,
        coalesce(own_head.staff_id, substation_head.staff_id) as staff_id,
        case
            when own_head.staff_id is not null then own_head.staff_name
            else substation_head.staff_name
        end as staff_name,
        coalesce(own_head.post, substation_head.post, preferred_posts.post) as post,
        case
            when own_head.staff_id is not null then own_head.mobile_normalised
            else substation_head.mobile_normalised
        end as staff_mobile,
        own_head.staff_id is null and substation_head.staff_id is not null as is_substation_je_in_charge

    from units
    inner join head_posts as preferred_posts
        on
            units.unit_level = preferred_posts.unit_level
            and preferred_posts.post_preference = 1
    left join unit_heads as own_head
        on
            units.unit_level = own_head.unit_level
            and units.unit_code = own_head.unit_code
    left join feeder_substations
        on
            units.unit_level = 'FEEDER'
            and units.unit_code = feeder_substations.feeder_code
    left join unit_heads as substation_head
        on
            substation_head.unit_level = 'SUBSTATION'
            and feeder_substations.substation_code = substation_head.unit_code

)

select * from unit_officers
