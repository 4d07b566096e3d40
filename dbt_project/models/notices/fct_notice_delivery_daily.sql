{{ config(materialized='table', schema='build') }}

with

register as (

    select * from {{ ref('stg_notices__register') }}

),

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

deliveries as (

    select * from {{ ref('stg_billing__notice_deliveries') }}

),

consumers as (

    select * from {{ ref('stg_billing__consumers') }}

),

staff as (

    select * from {{ ref('stg_billing__staff') }}

),

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

units as (

    select * from {{ ref('dim_unit') }}

),

report_notices as (

    select register.*
    from register
    cross join scheme
    where
        register.scheme_code = scheme.scheme_code
        and register.generated_on <= {{ report_date_literal(var('report_date')) }}

),

report_deliveries as (

    -- Attempts reported up to the report date, each on its own delivery date. A notice number that
    -- was never generated goes to the beat of its account in the report date's snapshot.
    select
        deliveries.notice_no,
        deliveries.delivered_on,
        deliveries.delivered_by_staff_id,
        deliveries.outcome,
        coalesce(report_notices.beat_code, consumers.beat_code) as beat_code

    from deliveries
    left join report_notices
        on deliveries.notice_no = report_notices.notice_no
    left join consumers
        on
            deliveries.account_no = consumers.account_no
            and consumers.dump_date = {{ report_date_literal(var('report_date')) }}
    where deliveries.dump_date <= {{ report_date_literal(var('report_date')) }}

),

first_served as (

    -- A notice is served once, on the date of its first SERVED attempt.
    select distinct on (notice_no)
        notice_no,
        delivered_on,
        delivered_by_staff_id,
        beat_code

    from report_deliveries
    where outcome = 'SERVED'
    order by notice_no asc, delivered_on asc, delivered_by_staff_id asc

),

activity as (

    select
        beat_code,
        null::text as staff_id,
        generated_on as activity_date,
        1 as notices_generated,
        0 as attempts,
        0 as served_attempts,
        0 as refused,
        0 as premises_locked,
        0 as not_found,
        0 as notices_served

    from report_notices

    union all

    select
        beat_code,
        delivered_by_staff_id,
        delivered_on,
        0,
        1,
        case when outcome = 'SERVED' then 1 else 0 end,
        case when outcome = 'REFUSED' then 1 else 0 end,
        case when outcome = 'PREMISES_LOCKED' then 1 else 0 end,
        case when outcome = 'NOT_FOUND' then 1 else 0 end,
        0

    from report_deliveries

    union all

    select
        beat_code,
        delivered_by_staff_id,
        delivered_on,
        0,
        0,
        0,
        0,
        0,
        0,
        1

    from first_served

),

unit_activity as (

    -- Each beat's activity counts at the beat and at every unit above it in the report date's hierarchy.
    select
        unit_keys.unit_level,
        unit_keys.unit_code,
        activity.*

    from activity
    inner join hierarchy
        on activity.beat_code = hierarchy.beat_code
    cross join lateral (
        values
            ('BEAT', hierarchy.beat_code),
            ('FEEDER', hierarchy.feeder_code),
            ('SUBSTATION', hierarchy.substation_code),
            ('SUBDIVISION', hierarchy.subdivision_code),
            ('DIVISION', hierarchy.division_code),
            ('CIRCLE', hierarchy.circle_code),
            ('ZONE', hierarchy.zone_code),
            ('DISCOM', hierarchy.discom_code)
    ) as unit_keys (unit_level, unit_code)

),

beat_staff as (

    -- The meter readers and contract workers posted to each beat in the report date's staff list.
    select
        staff_id,
        unit_code as beat_code

    from staff
    where
        dump_date = {{ report_date_literal(var('report_date')) }}
        and unit_level = 'BEAT'
        and post in ('METER_READER', 'CONTRACT_WORKER')

),

staff_activity as (

    -- A meter reader's attempts are the ones reported under the reader's staff id; the notices
    -- generated for the reader are those of the beats the reader is posted to.
    select
        'METER_READER' as unit_level,
        activity.staff_id as unit_code,
        activity.*

    from activity
    where activity.staff_id is not null

    union all

    select
        'METER_READER',
        beat_staff.staff_id,
        activity.*

    from activity
    inner join beat_staff
        on activity.beat_code = beat_staff.beat_code
    where activity.notices_generated = 1

),

daily as (

    select
        unit_level,
        unit_code,
        activity_date,
        sum(notices_generated) as notices_generated,
        sum(attempts) as attempts,
        sum(served_attempts) as served,
        sum(refused) as refused,
        sum(premises_locked) as premises_locked,
        sum(not_found) as not_found,
        sum(notices_served) as notices_served

    from (
        select * from unit_activity
        union all
        select * from staff_activity
    ) as all_activity
    group by unit_level, unit_code, activity_date

),

cumulative as (

    select
        *,
        sum(notices_generated) over unit_days as notices_generated_cum,
        sum(notices_served) over unit_days as notices_served_cum

    from daily
    window unit_days as (partition by unit_level, unit_code order by activity_date)

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        cumulative.activity_date,
        cumulative.unit_level,
        cumulative.unit_code,
        coalesce(units.unit_name, staff_names.staff_name) as unit_name,

        -- the day
        cast(cumulative.notices_generated as integer) as notices_generated,
        cast(cumulative.attempts as integer) as attempts,
        cast(cumulative.served as integer) as served,
        cast(cumulative.refused as integer) as refused,
        cast(cumulative.premises_locked as integer) as premises_locked,
        cast(cumulative.not_found as integer) as not_found,
        cast(cumulative.notices_served as integer) as notices_served,

        -- up to the day
        cast(cumulative.notices_generated_cum as integer) as notices_generated_cum,
        cast(cumulative.notices_served_cum as integer) as notices_served_cum

    from cumulative
    left join units
        on
            cumulative.unit_level = units.unit_level
            and cumulative.unit_code = units.unit_code
    left join (
        select distinct on (staff_id)
            staff_id,
            staff_name
        from staff
        where dump_date = {{ report_date_literal(var('report_date')) }}
        order by staff_id
    ) as staff_names
        on
            cumulative.unit_level = 'METER_READER'
            and cumulative.unit_code = staff_names.staff_id

)

select * from final
